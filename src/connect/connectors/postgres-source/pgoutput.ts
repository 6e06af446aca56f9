/**
 * Decoder for the pgoutput logical replication protocol (PostgreSQL's "Logical Replication
 * Message Formats", protocol version 1: no streaming of in-progress transactions). Each message is
 * the payload of one XLogData message.
 */

/** A column value whose TOASTed value did not change and was not sent ('u'). */
export const UNCHANGED_TOAST: unique symbol = Symbol('unchanged-toast');
export type TupleValue = string | Buffer | null | typeof UNCHANGED_TOAST;
export type TupleData = TupleValue[];

export interface RelationColumn {
  /** Part of the replica identity (all columns with REPLICA IDENTITY FULL). */
  readonly isKey: boolean;
  readonly name: string;
  readonly typeOid: number;
  readonly typmod: number;
}

/** REPLICA IDENTITY setting: d(efault), n(othing), f(ull), i(ndex). */
export type ReplicaIdentity = 'd' | 'n' | 'f' | 'i';

export type PgOutputMessage =
  | { readonly tag: 'begin'; readonly finalLsn: bigint; readonly commitTime: bigint; readonly xid: number }
  | { readonly tag: 'commit'; readonly flags: number; readonly commitLsn: bigint; readonly endLsn: bigint; readonly commitTime: bigint }
  | { readonly tag: 'origin'; readonly originLsn: bigint; readonly name: string }
  | {
      readonly tag: 'relation';
      readonly relationId: number;
      readonly namespace: string;
      readonly name: string;
      readonly replicaIdentity: ReplicaIdentity;
      readonly columns: readonly RelationColumn[];
    }
  | { readonly tag: 'type'; readonly typeId: number; readonly namespace: string; readonly name: string }
  | { readonly tag: 'insert'; readonly relationId: number; readonly newTuple: TupleData }
  | {
      readonly tag: 'update';
      readonly relationId: number;
      /** 'K': the old replica identity key (when it changed). */
      readonly oldKey: TupleData | null;
      /** 'O': the whole old row (REPLICA IDENTITY FULL). */
      readonly oldTuple: TupleData | null;
      readonly newTuple: TupleData;
    }
  | { readonly tag: 'delete'; readonly relationId: number; readonly oldKey: TupleData | null; readonly oldTuple: TupleData | null }
  | { readonly tag: 'truncate'; readonly cascade: boolean; readonly restartIdentity: boolean; readonly relationIds: readonly number[] }
  | { readonly tag: 'message'; readonly transactional: boolean; readonly lsn: bigint; readonly prefix: string; readonly content: Buffer };

export class PgOutputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PgOutputError';
  }
}

/** Microseconds from the Unix epoch to PostgreSQL's epoch (2000-01-01). */
export const PG_EPOCH_OFFSET_US = 946_684_800_000_000n;

/** PostgreSQL timestamp (µs since 2000-01-01) to Unix epoch ms. */
export function pgTimeToUnixMs(pgMicros: bigint): number {
  return Number((pgMicros + PG_EPOCH_OFFSET_US) / 1000n);
}

/** PostgreSQL timestamp (µs since 2000-01-01) to Unix epoch µs. */
export function pgTimeToUnixMicros(pgMicros: bigint): bigint {
  return pgMicros + PG_EPOCH_OFFSET_US;
}

class Reader {
  private pos = 0;
  private readonly buf: Buffer;
  constructor(buf: Buffer) {
    this.buf = buf;
  }
  private need(n: number): void {
    if (this.pos + n > this.buf.length) throw new PgOutputError(`message truncated: need ${n} bytes at ${this.pos} of ${this.buf.length}`);
  }
  u8(): number {
    this.need(1);
    return this.buf[this.pos++];
  }
  i16(): number {
    this.need(2);
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  i32(): number {
    this.need(4);
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  i64(): bigint {
    this.need(8);
    const v = this.buf.readBigInt64BE(this.pos);
    this.pos += 8;
    return v;
  }
  u64(): bigint {
    this.need(8);
    const v = this.buf.readBigUInt64BE(this.pos);
    this.pos += 8;
    return v;
  }
  /** A NUL-terminated UTF-8 string. */
  cstring(): string {
    const end = this.buf.indexOf(0, this.pos);
    if (end < 0) throw new PgOutputError('unterminated string');
    const s = this.buf.toString('utf8', this.pos, end);
    this.pos = end + 1;
    return s;
  }
  bytes(n: number): Buffer {
    if (n < 0) throw new PgOutputError(`negative length ${n}`);
    this.need(n);
    // Copied: the caller's buffer may be reused by the connection.
    const b = Buffer.from(this.buf.subarray(this.pos, this.pos + n));
    this.pos += n;
    return b;
  }
  text(n: number): string {
    if (n < 0) throw new PgOutputError(`negative length ${n}`);
    this.need(n);
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
  get remaining(): number {
    return this.buf.length - this.pos;
  }
}

function readTuple(r: Reader): TupleData {
  const n = r.i16();
  const values: TupleData = new Array<TupleValue>(n);
  for (let i = 0; i < n; i++) {
    const kind = r.u8();
    switch (kind) {
      case 0x6e: // 'n'
        values[i] = null;
        break;
      case 0x75: // 'u'
        values[i] = UNCHANGED_TOAST;
        break;
      case 0x74: // 't'
        values[i] = r.text(r.i32());
        break;
      case 0x62: // 'b'
        values[i] = r.bytes(r.i32());
        break;
      default:
        throw new PgOutputError(`unknown tuple value kind 0x${kind.toString(16)}`);
    }
  }
  return values;
}

function readOldTuple(r: Reader, kind: number): { oldKey: TupleData | null; oldTuple: TupleData | null } {
  if (kind === 0x4b) return { oldKey: readTuple(r), oldTuple: null }; // 'K'
  if (kind === 0x4f) return { oldKey: null, oldTuple: readTuple(r) }; // 'O'
  throw new PgOutputError(`expected K or O, got 0x${kind.toString(16)}`);
}

const IDENTITIES = new Set<string>(['d', 'n', 'f', 'i']);

/** Decodes one pgoutput message. */
export function decodePgOutput(buf: Buffer): PgOutputMessage {
  if (buf.length === 0) throw new PgOutputError('empty message');
  const r = new Reader(buf);
  const tag = r.u8();
  switch (tag) {
    case 0x42: // 'B'
      return { tag: 'begin', finalLsn: r.u64(), commitTime: r.i64(), xid: r.u32() };
    case 0x43: // 'C'
      return { tag: 'commit', flags: r.u8(), commitLsn: r.u64(), endLsn: r.u64(), commitTime: r.i64() };
    case 0x4f: // 'O'
      return { tag: 'origin', originLsn: r.u64(), name: r.cstring() };
    case 0x52: {
      // 'R'
      const relationId = r.u32();
      const namespace = r.cstring();
      const name = r.cstring();
      const identity = String.fromCharCode(r.u8());
      if (!IDENTITIES.has(identity)) throw new PgOutputError(`unknown replica identity ${JSON.stringify(identity)}`);
      const count = r.i16();
      const columns: RelationColumn[] = [];
      for (let i = 0; i < count; i++) {
        const flags = r.u8();
        columns.push({ isKey: (flags & 1) === 1, name: r.cstring(), typeOid: r.u32(), typmod: r.i32() });
      }
      return { tag: 'relation', relationId, namespace, name, replicaIdentity: identity as ReplicaIdentity, columns };
    }
    case 0x59: // 'Y'
      return { tag: 'type', typeId: r.u32(), namespace: r.cstring(), name: r.cstring() };
    case 0x49: {
      // 'I'
      const relationId = r.u32();
      const n = r.u8();
      if (n !== 0x4e) throw new PgOutputError(`insert: expected N, got 0x${n.toString(16)}`);
      return { tag: 'insert', relationId, newTuple: readTuple(r) };
    }
    case 0x55: {
      // 'U'
      const relationId = r.u32();
      let kind = r.u8();
      let old: { oldKey: TupleData | null; oldTuple: TupleData | null } = { oldKey: null, oldTuple: null };
      if (kind === 0x4b || kind === 0x4f) {
        old = readOldTuple(r, kind);
        kind = r.u8();
      }
      if (kind !== 0x4e) throw new PgOutputError(`update: expected N, got 0x${kind.toString(16)}`);
      return { tag: 'update', relationId, ...old, newTuple: readTuple(r) };
    }
    case 0x44: {
      // 'D'
      const relationId = r.u32();
      return { tag: 'delete', relationId, ...readOldTuple(r, r.u8()) };
    }
    case 0x54: {
      // 'T'
      const count = r.u32();
      const options = r.u8();
      const relationIds: number[] = [];
      for (let i = 0; i < count; i++) relationIds.push(r.u32());
      return { tag: 'truncate', cascade: (options & 1) !== 0, restartIdentity: (options & 2) !== 0, relationIds };
    }
    case 0x4d: {
      // 'M'
      const flags = r.u8();
      const lsn = r.u64();
      const prefix = r.cstring();
      const content = r.bytes(r.i32());
      return { tag: 'message', transactional: (flags & 1) !== 0, lsn, prefix, content };
    }
    default:
      throw new PgOutputError(`unknown pgoutput message ${JSON.stringify(String.fromCharCode(tag))} (0x${tag.toString(16)})`);
  }
}

// ---- the streaming replication framing (CopyData payloads) ----------------------------------

export type ReplicationMessage =
  | { readonly tag: 'xlogdata'; readonly walStart: bigint; readonly walEnd: bigint; readonly serverTime: bigint; readonly data: Buffer }
  | { readonly tag: 'keepalive'; readonly walEnd: bigint; readonly serverTime: bigint; readonly replyRequested: boolean };

/** Decodes a CopyData payload from the server: XLogData ('w') or a primary keepalive ('k'). */
export function decodeReplicationMessage(buf: Buffer): ReplicationMessage {
  if (buf.length === 0) throw new PgOutputError('empty CopyData');
  const tag = buf[0];
  if (tag === 0x77) {
    // 'w'
    if (buf.length < 25) throw new PgOutputError('XLogData truncated');
    return {
      tag: 'xlogdata',
      walStart: buf.readBigUInt64BE(1),
      walEnd: buf.readBigUInt64BE(9),
      serverTime: buf.readBigInt64BE(17),
      // A view: decode it before the connection reads more.
      data: buf.subarray(25),
    };
  }
  if (tag === 0x6b) {
    // 'k'
    if (buf.length < 18) throw new PgOutputError('keepalive truncated');
    return { tag: 'keepalive', walEnd: buf.readBigUInt64BE(1), serverTime: buf.readBigInt64BE(9), replyRequested: buf[17] === 1 };
  }
  throw new PgOutputError(`unknown replication message ${JSON.stringify(String.fromCharCode(tag))}`);
}

/** Microseconds since 2000-01-01, the protocol's clock. */
export function pgClockNow(nowMs = Date.now()): bigint {
  return BigInt(nowMs) * 1000n - PG_EPOCH_OFFSET_US;
}

/**
 * A standby status update ('r'): positions written, flushed (this is what moves the slot's
 * confirmed_flush_lsn) and applied, the client's clock, and whether the server should reply.
 */
export function encodeStandbyStatus(written: bigint, flushed: bigint, applied: bigint, clock: bigint, replyRequested = false): Buffer {
  const buf = Buffer.alloc(34);
  buf[0] = 0x72; // 'r'
  buf.writeBigUInt64BE(written, 1);
  buf.writeBigUInt64BE(flushed, 9);
  buf.writeBigUInt64BE(applied, 17);
  buf.writeBigInt64BE(clock, 25);
  buf[33] = replyRequested ? 1 : 0;
  return buf;
}
