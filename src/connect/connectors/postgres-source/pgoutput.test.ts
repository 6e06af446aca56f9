import { describe, expect, it } from 'vitest';
import {
  decodePgOutput,
  decodeReplicationMessage,
  encodeStandbyStatus,
  pgClockNow,
  pgTimeToUnixMs,
  PgOutputError,
  UNCHANGED_TOAST,
  type PgOutputMessage,
} from './pgoutput.ts';

/** Builds protocol bytes by hand, as the PostgreSQL docs describe them. */
class Bytes {
  private readonly parts: Buffer[] = [];
  byte(c: string | number): this {
    this.parts.push(Buffer.from([typeof c === 'string' ? c.charCodeAt(0) : c]));
    return this;
  }
  i16(v: number): this {
    const b = Buffer.alloc(2);
    b.writeInt16BE(v);
    this.parts.push(b);
    return this;
  }
  i32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeInt32BE(v);
    this.parts.push(b);
    return this;
  }
  u32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(v);
    this.parts.push(b);
    return this;
  }
  i64(v: bigint): this {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(v);
    this.parts.push(b);
    return this;
  }
  str(s: string): this {
    this.parts.push(Buffer.from(s + '\u0000', 'utf8'));
    return this;
  }
  raw(b: Buffer): this {
    this.parts.push(b);
    return this;
  }
  /** TupleData: values are null ('n'), UNCHANGED ('u'), a string ('t') or a Buffer ('b'). */
  tuple(values: (string | null | Buffer | typeof UNCHANGED_TOAST)[]): this {
    this.i16(values.length);
    for (const v of values) {
      if (v === null) this.byte('n');
      else if (v === UNCHANGED_TOAST) this.byte('u');
      else if (Buffer.isBuffer(v)) this.byte('b').i32(v.length).raw(v);
      else {
        const b = Buffer.from(v, 'utf8');
        this.byte('t').i32(b.length).raw(b);
      }
    }
    return this;
  }
  done(): Buffer {
    return Buffer.concat(this.parts);
  }
}

const b = (): Bytes => new Bytes();

const cases: { name: string; bytes: Buffer; expected: PgOutputMessage }[] = [
  {
    name: 'Begin',
    bytes: b().byte('B').i64(0x16b3748n).i64(784_000_000_000_000n).u32(4_000_000_000).done(),
    expected: { tag: 'begin', finalLsn: 0x16b3748n, commitTime: 784_000_000_000_000n, xid: 4_000_000_000 },
  },
  {
    name: 'Commit',
    bytes: b().byte('C').byte(0).i64(0x16b3748n).i64(0x16b3778n).i64(784_000_000_000_001n).done(),
    expected: { tag: 'commit', flags: 0, commitLsn: 0x16b3748n, endLsn: 0x16b3778n, commitTime: 784_000_000_000_001n },
  },
  {
    name: 'Origin',
    bytes: b().byte('O').i64(42n).str('node-a').done(),
    expected: { tag: 'origin', originLsn: 42n, name: 'node-a' },
  },
  {
    name: 'Relation',
    bytes: b().byte('R').u32(16384).str('public').str('orders').byte('d').i16(3).byte(1).str('id').u32(23).i32(-1).byte(0).str('total').u32(1700).i32(655366).byte(0).str('ñame').u32(25).i32(-1).done(),
    expected: {
      tag: 'relation',
      relationId: 16384,
      namespace: 'public',
      name: 'orders',
      replicaIdentity: 'd',
      columns: [
        { isKey: true, name: 'id', typeOid: 23, typmod: -1 },
        { isKey: false, name: 'total', typeOid: 1700, typmod: 655366 },
        { isKey: false, name: 'ñame', typeOid: 25, typmod: -1 },
      ],
    },
  },
  {
    name: 'Relation with REPLICA IDENTITY FULL and no columns',
    bytes: b().byte('R').u32(1).str('s').str('t').byte('f').i16(0).done(),
    expected: { tag: 'relation', relationId: 1, namespace: 's', name: 't', replicaIdentity: 'f', columns: [] },
  },
  {
    name: 'Type',
    bytes: b().byte('Y').u32(90001).str('public').str('mood').done(),
    expected: { tag: 'type', typeId: 90001, namespace: 'public', name: 'mood' },
  },
  {
    name: 'Insert with text, null, unchanged and binary values',
    bytes: b().byte('I').u32(16384).byte('N').tuple(['1', null, UNCHANGED_TOAST, Buffer.from([1, 2]), '']).done(),
    expected: { tag: 'insert', relationId: 16384, newTuple: ['1', null, UNCHANGED_TOAST, Buffer.from([1, 2]), ''] },
  },
  {
    name: 'Update without old tuple',
    bytes: b().byte('U').u32(7).byte('N').tuple(['1', 'b']).done(),
    expected: { tag: 'update', relationId: 7, oldKey: null, oldTuple: null, newTuple: ['1', 'b'] },
  },
  {
    name: 'Update with old key (K)',
    bytes: b().byte('U').u32(7).byte('K').tuple(['1', null]).byte('N').tuple(['2', 'b']).done(),
    expected: { tag: 'update', relationId: 7, oldKey: ['1', null], oldTuple: null, newTuple: ['2', 'b'] },
  },
  {
    name: 'Update with old row (O)',
    bytes: b().byte('U').u32(7).byte('O').tuple(['1', 'a']).byte('N').tuple(['1', 'b']).done(),
    expected: { tag: 'update', relationId: 7, oldKey: null, oldTuple: ['1', 'a'], newTuple: ['1', 'b'] },
  },
  {
    name: 'Delete with key',
    bytes: b().byte('D').u32(7).byte('K').tuple(['1', null]).done(),
    expected: { tag: 'delete', relationId: 7, oldKey: ['1', null], oldTuple: null },
  },
  {
    name: 'Delete with old row',
    bytes: b().byte('D').u32(7).byte('O').tuple(['1', 'x']).done(),
    expected: { tag: 'delete', relationId: 7, oldKey: null, oldTuple: ['1', 'x'] },
  },
  {
    name: 'Truncate CASCADE RESTART IDENTITY of two relations',
    bytes: b().byte('T').u32(2).byte(3).u32(7).u32(8).done(),
    expected: { tag: 'truncate', cascade: true, restartIdentity: true, relationIds: [7, 8] },
  },
  {
    name: 'Truncate plain',
    bytes: b().byte('T').u32(1).byte(0).u32(9).done(),
    expected: { tag: 'truncate', cascade: false, restartIdentity: false, relationIds: [9] },
  },
  {
    name: 'logical decoding Message',
    bytes: b().byte('M').byte(1).i64(99n).str('app').i32(3).raw(Buffer.from('hey')).done(),
    expected: { tag: 'message', transactional: true, lsn: 99n, prefix: 'app', content: Buffer.from('hey') },
  },
];

describe('decodePgOutput', () => {
  it.each(cases)('$name', ({ bytes, expected }) => {
    expect(decodePgOutput(bytes)).toEqual(expected);
  });

  const bad: { name: string; bytes: Buffer; error: RegExp }[] = [
    { name: 'empty', bytes: Buffer.alloc(0), error: /empty/ },
    { name: 'unknown tag', bytes: b().byte('Z').done(), error: /unknown pgoutput message "Z"/ },
    { name: 'truncated Begin', bytes: b().byte('B').i64(1n).done(), error: /truncated/ },
    { name: 'unterminated string', bytes: b().byte('O').i64(1n).raw(Buffer.from('abc')).done(), error: /unterminated/ },
    { name: 'bad tuple kind', bytes: b().byte('I').u32(1).byte('N').i16(1).byte('x').done(), error: /tuple value kind/ },
    { name: 'insert without N', bytes: b().byte('I').u32(1).byte('K').done(), error: /expected N/ },
    { name: 'delete without K/O', bytes: b().byte('D').u32(1).byte('N').done(), error: /expected K or O/ },
    { name: 'value longer than the message', bytes: b().byte('I').u32(1).byte('N').i16(1).byte('t').i32(10).raw(Buffer.from('ab')).done(), error: /truncated/ },
    { name: 'bad replica identity', bytes: b().byte('R').u32(1).str('s').str('t').byte('x').i16(0).done(), error: /replica identity/ },
  ];
  it.each(bad)('rejects $name', ({ bytes, error }) => {
    expect(() => decodePgOutput(bytes)).toThrow(PgOutputError);
    expect(() => decodePgOutput(bytes)).toThrow(error);
  });

  it('copies binary values (the connection reuses its buffer)', () => {
    const bytes = b().byte('I').u32(1).byte('N').tuple([Buffer.from([7])]).done();
    const decoded = decodePgOutput(bytes) as Extract<PgOutputMessage, { tag: 'insert' }>;
    bytes.fill(0);
    expect(decoded.newTuple[0]).toEqual(Buffer.from([7]));
  });
});

describe('replication framing', () => {
  it('decodes XLogData', () => {
    const payload = b().byte('B').i64(5n).i64(6n).u32(7).done();
    const msg = decodeReplicationMessage(b().byte('w').i64(0x100n).i64(0x200n).i64(123n).raw(payload).done());
    expect(msg).toMatchObject({ tag: 'xlogdata', walStart: 0x100n, walEnd: 0x200n, serverTime: 123n });
    expect(msg.tag === 'xlogdata' && decodePgOutput(msg.data)).toEqual({ tag: 'begin', finalLsn: 5n, commitTime: 6n, xid: 7 });
  });

  it.each([
    [1, true],
    [0, false],
  ])('decodes a primary keepalive (reply requested byte %i)', (flag, reply) => {
    expect(decodeReplicationMessage(b().byte('k').i64(0xabcn).i64(9n).byte(flag).done())).toEqual({ tag: 'keepalive', walEnd: 0xabcn, serverTime: 9n, replyRequested: reply });
  });

  it('rejects unknown and short messages', () => {
    expect(() => decodeReplicationMessage(b().byte('q').done())).toThrow(/unknown replication message/);
    expect(() => decodeReplicationMessage(b().byte('k').i64(1n).done())).toThrow(/truncated/);
    expect(() => decodeReplicationMessage(b().byte('w').i64(1n).done())).toThrow(/truncated/);
  });

  it('encodes a standby status update', () => {
    const buf = encodeStandbyStatus(0x10n, 0x20n, 0x30n, 0x40n, true);
    expect(buf).toEqual(b().byte('r').i64(0x10n).i64(0x20n).i64(0x30n).i64(0x40n).byte(1).done());
    expect(encodeStandbyStatus(1n, 1n, 1n, 1n)[33]).toBe(0);
  });

  it('converts the protocol clock (µs since 2000-01-01)', () => {
    expect(pgTimeToUnixMs(0n)).toBe(Date.UTC(2000, 0, 1));
    expect(pgTimeToUnixMs(1_500n)).toBe(Date.UTC(2000, 0, 1) + 1);
    expect(pgClockNow(Date.UTC(2000, 0, 1, 0, 0, 1))).toBe(1_000_000n);
  });
});
