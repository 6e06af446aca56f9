/**
 * The codec helpers used by the generated code: classic and compact arrays (nullable or not) and
 * tagged-field sections.
 */
import { describe, expect, it } from 'vitest';
import { ProtocolDecodeError } from '../errors.ts';
import { readArray, readNullableArray, readTaggedFields, writeNullableArray, writeTaggedFields } from './codec.ts';
import { Reader } from './reader.ts';
import { Writer } from './writer.ts';

function encode(fn: (w: Writer) => void): Buffer {
  const w = new Writer();
  fn(w);
  return w.toBuffer();
}

describe('arrays', () => {
  it.each([
    ['classic', false, [1, 2, 3], '00000003' + '00000001' + '00000002' + '00000003'],
    ['classic empty', false, [], '00000000'],
    ['classic null', false, null, 'ffffffff'],
    ['compact', true, [1, 2, 3], '04' + '00000001' + '00000002' + '00000003'],
    ['compact empty', true, [], '01'],
    ['compact null', true, null, '00'],
  ])('%s', (_name, flexible, items, hex) => {
    const bytes = encode((w) => writeNullableArray(w, flexible, items, (w, x) => w.int32(x)));
    expect(bytes.toString('hex')).toBe(hex);
    const r = new Reader(bytes);
    expect(readNullableArray(r, flexible, (r) => r.int32())).toStrictEqual(items);
    expect(r.remaining).toBe(0);
    if (items === null) {
      expect(() => readArray(new Reader(bytes), flexible, (r) => r.int32())).toThrow(ProtocolDecodeError);
    } else {
      expect(readArray(new Reader(bytes), flexible, (r) => r.int32())).toStrictEqual(items);
    }
  });

  it('a 200-element compact array uses a 2-byte length', () => {
    const items = Array.from({ length: 200 }, (_, i) => i - 100);
    const bytes = encode((w) => writeNullableArray(w, true, items, (w, x) => w.int8(x)));
    expect(bytes.subarray(0, 2).toString('hex')).toBe('c901');
    expect(readArray(new Reader(bytes), true, (r) => r.int8())).toStrictEqual(items);
  });

  it.each([
    ['classic: an element runs past the end', false, '0000000200000001000000'],
    ['compact: an element runs past the end', true, '030000000100'],
    ['classic: length 2^31-1', false, '7fffffff00000001'],
    ['compact: length 2^32-2', true, 'ffffffff0f00000001'],
  ])('%s -> ProtocolDecodeError', (_name, flexible, hex) => {
    expect(() => readNullableArray(new Reader(Buffer.from(hex, 'hex')), flexible, (r) => r.int32())).toThrow(ProtocolDecodeError);
  });

  it('does not call the item reader for a huge claimed length', () => {
    let calls = 0;
    expect(() =>
      readArray(new Reader(Buffer.from('7fffffff0000', 'hex')), false, (r) => {
        calls++;
        return r.int8();
      }),
    ).toThrow(ProtocolDecodeError);
    expect(calls).toBe(0);
  });
});

describe('tagged fields', () => {
  function section(fields: Array<[number, string]>): Buffer {
    return encode((w) =>
      writeTaggedFields(
        w,
        fields.map(([tag, hex]) => [tag, (w: Writer) => w.raw(Buffer.from(hex, 'hex'))] as const),
        () => new Writer(),
      ),
    );
  }

  it('writes count, then tag, size and payload of each field', () => {
    expect(section([]).toString('hex')).toBe('00');
    expect(section([[0, 'aabb']]).toString('hex')).toBe('01' + '00' + '02' + 'aabb');
    expect(section([[1, ''], [300, '01']]).toString('hex')).toBe('02' + '01' + '00' + 'ac02' + '01' + '01');
  });

  it('a payload of 4096+ bytes is still framed correctly', () => {
    const big = Buffer.alloc(5000, 3);
    const bytes = encode((w) => writeTaggedFields(w, [[7, (w) => w.raw(big)]], () => new Writer()));
    const r = new Reader(bytes);
    expect(r.uvarint()).toBe(1);
    expect(r.uvarint()).toBe(7);
    expect(r.uvarint()).toBe(5000);
    expect(bytes.subarray(r.pos).equals(big)).toBe(true);
  });

  it('hands known tags to the callback and skips unknown ones', () => {
    const bytes = Buffer.concat([section([[0, '00000005'], [3, 'deadbeef'], [9, '0101']]), Buffer.from('ee', 'hex')]);
    const seen: Array<[number, number]> = [];
    const r = new Reader(bytes);
    readTaggedFields(r, (tag, r) => {
      if (tag === 0) {
        seen.push([tag, r.int32()]);
        return true;
      }
      if (tag === 9) {
        seen.push([tag, r.int16()]);
        return true;
      }
      return false;
    });
    expect(seen).toEqual([
      [0, 5],
      [9, 0x0101],
    ]);
    expect(r.int8()).toBe(-18);
  });

  it.each([
    ['a known field reading less than its size', [[0, '0000000500']] as Array<[number, string]>, (r: Reader) => r.int32()],
    ['a known field reading more than its size', [[0, '000000']] as Array<[number, string]>, (r: Reader) => r.int32()],
  ])('%s -> ProtocolDecodeError', (_name, fields, read) => {
    const bytes = Buffer.concat([section(fields), Buffer.from('00000000', 'hex')]);
    expect(() =>
      readTaggedFields(new Reader(bytes), (_tag, r) => {
        read(r);
        return true;
      }),
    ).toThrow(ProtocolDecodeError);
  });

  it.each([
    ['size past the end', '010005aabb'],
    ['count past the fields present', '0200010000'],
    ['truncated tag', '0180'],
    ['huge size', '0100ffffffff0f'],
  ])('%s -> ProtocolDecodeError', (_name, hex) => {
    expect(() => readTaggedFields(new Reader(Buffer.from(hex, 'hex')), () => false)).toThrow(ProtocolDecodeError);
  });
});
