import { describe, expect, it } from 'vitest';
import { CorruptLogError } from './errors.ts';
import { readZigzagVarint, walkRecords } from './record-walk.ts';
import { encodeTestBatch } from './test-batches.ts';

describe('record walk', () => {
  it.each([
    [[0x00], 0],
    [[0x01], -1],
    [[0x02], 1],
    [[0x03], -2],
    [[0xac, 0x02], 150],
    [[0xfe, 0xff, 0xff, 0xff, 0x0f], 2147483647],
    [[0xff, 0xff, 0xff, 0xff, 0x0f], -2147483648],
    [[0x80, 0xa0, 0xab, 0xfe, 0xf9, 0x62], 1_700_000_000_000],
  ])('decodes %j', (bytes, value) => {
    expect(readZigzagVarint(Buffer.from(bytes), 0)).toEqual({ value, next: bytes.length });
  });

  it('rejects a varint running past the end', () => {
    expect(() => readZigzagVarint(Buffer.from([0x80, 0x80]), 0)).toThrow(CorruptLogError);
  });

  it('yields each record offset and timestamp', () => {
    const batch = encodeTestBatch(
      [{ value: 'a', timestamp: 1000 }, { value: 'b', timestamp: 900 }, { key: 'k', value: null, timestamp: 5000 }],
      { baseOffset: 40 },
    );
    expect([...walkRecords(batch)]).toEqual([
      { offset: 40, timestamp: 1000 },
      { offset: 41, timestamp: 900 },
      { offset: 42, timestamp: 5000 },
    ]);
  });
});
