/**
 * Fixed-width primitives, UUIDs, array lengths and tagged-field skipping, plus the Reader's
 * contract: every overrun or impossible value is a ProtocolDecodeError carrying an offset.
 */
import { describe, expect, it } from 'vitest';
import { ProtocolDecodeError } from '../errors.ts';
import { Reader } from './reader.ts';
import { Writer } from './writer.ts';

function encode(fn: (w: Writer) => void): Buffer {
  const w = new Writer();
  fn(w);
  return w.toBuffer();
}

function decodeError(fn: () => unknown): ProtocolDecodeError {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof ProtocolDecodeError)) throw new Error(`expected a ProtocolDecodeError, got ${String(e)}`, { cause: e });
    return e;
  }
  throw new Error('expected a ProtocolDecodeError, but decoding succeeded');
}

type Prim = 'bool' | 'int8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'float64' | 'uuid';

const FIXED: Array<[Prim, unknown, string]> = [
  ['bool', false, '00'],
  ['bool', true, '01'],
  ['int8', 0, '00'],
  ['int8', -128, '80'],
  ['int8', 127, '7f'],
  ['int8', -1, 'ff'],
  ['int16', -32768, '8000'],
  ['int16', 32767, '7fff'],
  ['int16', -1, 'ffff'],
  ['uint16', 0, '0000'],
  ['uint16', 65535, 'ffff'],
  ['int32', -(2 ** 31), '80000000'],
  ['int32', 2 ** 31 - 1, '7fffffff'],
  ['int32', 1, '00000001'],
  ['uint32', 2 ** 32 - 1, 'ffffffff'],
  ['uint32', 2 ** 31, '80000000'],
  ['int64', -(2n ** 63n), '8000000000000000'],
  ['int64', 2n ** 63n - 1n, '7fffffffffffffff'],
  ['int64', -1n, 'ffffffffffffffff'],
  ['int64', 0n, '0000000000000000'],
  ['float64', 0, '0000000000000000'],
  ['float64', 1.5, '3ff8000000000000'],
  ['float64', -Infinity, 'fff0000000000000'],
  ['uuid', '00000000-0000-0000-0000-000000000000', '00000000000000000000000000000000'],
  ['uuid', '0123abcd-ef01-4567-89ab-cdef01234567', '0123abcdef01456789abcdef01234567'],
  ['uuid', 'ffffffff-ffff-ffff-ffff-ffffffffffff', 'ffffffffffffffffffffffffffffffff'],
];

describe('fixed-width primitives', () => {
  it.each(FIXED)('%s %s <-> %s', (prim, value, hex) => {
    const bytes = encode((w) => (w[prim] as (v: unknown) => Writer)(value));
    expect(bytes.toString('hex')).toBe(hex);
    const r = new Reader(bytes);
    expect((r[prim] as () => unknown).call(r)).toStrictEqual(value);
    expect(r.remaining).toBe(0);
  });

  it('a bool is true for any non-zero byte', () => {
    expect(new Reader(Buffer.from([0x02])).bool()).toBe(true);
  });

  it('uuids decode to lowercase even when written in uppercase', () => {
    const bytes = encode((w) => w.uuid('0123ABCD-EF01-4567-89AB-CDEF01234567'));
    expect(new Reader(bytes).uuid()).toBe('0123abcd-ef01-4567-89ab-cdef01234567');
  });

  const widths: Array<[Prim, number]> = [
    ['bool', 1],
    ['int8', 1],
    ['int16', 2],
    ['uint16', 2],
    ['int32', 4],
    ['uint32', 4],
    ['int64', 8],
    ['float64', 8],
    ['uuid', 16],
  ];
  it.each(widths)('%s with one byte missing -> ProtocolDecodeError at the field offset', (prim, width) => {
    // Two bytes of something else first, so the reported offset is not trivially 0.
    const r = new Reader(Buffer.alloc(2 + width - 1));
    r.skip(2);
    const err = decodeError(() => (r[prim] as () => unknown).call(r));
    expect(err.offset).toBe(2);
    expect(r.pos).toBe(2);
  });

  it.each(widths)('%s reading past a sub-range end -> ProtocolDecodeError', (prim, width) => {
    const r = new Reader(Buffer.alloc(64), 10, 10 + width - 1);
    decodeError(() => (r[prim] as () => unknown).call(r));
  });
});

describe('skip', () => {
  it('moves forward and is bounds-checked', () => {
    const r = new Reader(Buffer.alloc(4));
    r.skip(3);
    expect(r.remaining).toBe(1);
    decodeError(() => r.skip(2));
    decodeError(() => r.skip(-1));
  });
});

describe('array lengths', () => {
  it.each([
    ['classic null', '', (w: Writer) => w.arrayLength(-1), (r: Reader) => r.arrayLength(), -1, 'ffffffff'],
    ['classic 0', '', (w: Writer) => w.arrayLength(0), (r: Reader) => r.arrayLength(), 0, '00000000'],
    ['classic 3', '000000', (w: Writer) => w.arrayLength(3), (r: Reader) => r.arrayLength(), 3, '00000003'],
    ['compact null', '', (w: Writer) => w.compactArrayLength(-1), (r: Reader) => r.compactArrayLength(), -1, '00'],
    ['compact 0', '', (w: Writer) => w.compactArrayLength(0), (r: Reader) => r.compactArrayLength(), 0, '01'],
    ['compact 127', '00'.repeat(127), (w: Writer) => w.compactArrayLength(127), (r: Reader) => r.compactArrayLength(), 127, '8001'],
  ])('%s', (_name, after, write, read, n, hex) => {
    const prefix = encode(write);
    expect(prefix.toString('hex')).toBe(hex);
    const r = new Reader(Buffer.concat([prefix, Buffer.from(after, 'hex')]));
    expect(read(r)).toBe(n);
  });

  it.each([
    ['classic -2', 'fffffffe', (r: Reader) => r.arrayLength()],
    ['classic -2^31', '80000000', (r: Reader) => r.arrayLength()],
    ['classic 2^31-1 with nothing after', '7fffffff', (r: Reader) => r.arrayLength()],
    ['classic 5 with 4 bytes after', '0000000500000000', (r: Reader) => r.arrayLength()],
    ['compact 2^32-2', 'ffffffff0f', (r: Reader) => r.compactArrayLength()],
    ['compact 2 with 1 byte after', '0300', (r: Reader) => r.compactArrayLength()],
    ['truncated classic', '000000', (r: Reader) => r.arrayLength()],
    ['truncated compact', '80', (r: Reader) => r.compactArrayLength()],
  ])('%s -> ProtocolDecodeError (before any allocation)', (_name, hex, read) => {
    decodeError(() => read(new Reader(Buffer.from(hex, 'hex'))));
  });
});

describe('skipTaggedFields', () => {
  it('skips an empty section', () => {
    const r = new Reader(Buffer.from('00ff', 'hex'));
    r.skipTaggedFields();
    expect(r.pos).toBe(1);
  });

  it('skips several fields of any size, including a 2-byte tag and a 2-byte size', () => {
    const payload = Buffer.alloc(200, 9);
    const bytes = Buffer.concat([Buffer.from('03' + '0000' + '0102aabb' + '8001c801', 'hex'), payload, Buffer.from('77', 'hex')]);
    const r = new Reader(bytes);
    r.skipTaggedFields();
    expect(r.pos).toBe(bytes.length - 1);
    expect(r.int8()).toBe(0x77);
  });

  it.each([
    ['a field running past the end', '01000500'],
    ['a count larger than the fields present', '05000100'],
    ['a count of 2^32-1 with nothing after', 'ffffffff0f'],
    ['a truncated tag', '0180'],
    ['an over-long size varint', '01008080808080'],
  ])('%s -> ProtocolDecodeError', (_name, hex) => {
    decodeError(() => new Reader(Buffer.from(hex, 'hex')).skipTaggedFields());
  });
});

describe('every failure is a ProtocolDecodeError, never a RangeError', () => {
  const reads: Array<[string, (r: Reader) => unknown]> = [
    ['bool', (r) => r.bool()],
    ['int8', (r) => r.int8()],
    ['int16', (r) => r.int16()],
    ['uint16', (r) => r.uint16()],
    ['int32', (r) => r.int32()],
    ['uint32', (r) => r.uint32()],
    ['int64', (r) => r.int64()],
    ['float64', (r) => r.float64()],
    ['uuid', (r) => r.uuid()],
    ['uvarint', (r) => r.uvarint()],
    ['varint', (r) => r.varint()],
    ['varlong', (r) => r.varlong()],
    ['string', (r) => r.string()],
    ['nullableString', (r) => r.nullableString()],
    ['compactString', (r) => r.compactString()],
    ['compactNullableString', (r) => r.compactNullableString()],
    ['bytes', (r) => r.bytes()],
    ['nullableBytes', (r) => r.nullableBytes()],
    ['compactBytes', (r) => r.compactBytes()],
    ['compactNullableBytes', (r) => r.compactNullableBytes()],
    ['arrayLength', (r) => r.arrayLength()],
    ['compactArrayLength', (r) => r.compactArrayLength()],
    ['skipTaggedFields', (r) => r.skipTaggedFields()],
  ];

  it.each(reads)('%s on every prefix of adversarial inputs', (_name, read) => {
    const inputs = ['ffffffffffffffffffffffffffffffffffff', '80808080808080808080808080', '7fffffff7fffffff', 'fffe0000', '0f0f0f0f0f0f'];
    for (const hex of inputs) {
      const full = Buffer.from(hex, 'hex');
      for (let n = 0; n <= full.length; n++) {
        try {
          read(new Reader(full.subarray(0, n)));
        } catch (e) {
          if (!(e instanceof ProtocolDecodeError)) throw new Error(`${String(e)} on input ${full.subarray(0, n).toString('hex')}`);
        }
      }
    }
  });

  it('fail() raises a ProtocolDecodeError at the current position', () => {
    const r = new Reader(Buffer.alloc(8));
    r.skip(5);
    const err = decodeError(() => r.fail('boom'));
    expect(err.message).toBe('boom');
    expect(err.offset).toBe(5);
  });
});
