import { describe, expect, it } from 'vitest';
import { TimeIndex } from './time-index.ts';

function sample(): TimeIndex {
  const index = new TimeIndex(100);
  index.maybeAppend(1000, 100);
  index.maybeAppend(2000, 110);
  index.maybeAppend(3000, 125);
  return index;
}

describe('TimeIndex', () => {
  it.each([
    [999, { timestamp: -1, offset: 100 }],
    [1000, { timestamp: 1000, offset: 100 }],
    [1999, { timestamp: 1000, offset: 100 }],
    [2000, { timestamp: 2000, offset: 110 }],
    [5000, { timestamp: 3000, offset: 125 }],
  ])('lookup(%d)', (ts, expected) => {
    expect(sample().lookup(ts)).toEqual(expected);
  });

  it.each([
    [3000, 130, false],
    [2500, 130, false],
    [-1, 130, false],
    [3001, 130, true],
  ])('maybeAppend(%d, %d) -> %s', (ts, offset, added) => {
    const index = sample();
    expect(index.maybeAppend(ts, offset)).toBe(added);
    expect(index.entries).toBe(added ? 4 : 3);
  });

  it('refuses an offset going backwards with a larger timestamp', () => {
    expect(() => sample().maybeAppend(4000, 120)).toThrow(RangeError);
  });

  it('round-trips through bytes and knows its first and last entries', () => {
    const buf = sample().toBuffer();
    expect(buf.length).toBe(36);
    const parsed = TimeIndex.parse(100, buf, 1000, 200) as TimeIndex;
    expect(parsed.firstEntry()).toEqual({ timestamp: 1000, offset: 100 });
    expect(parsed.lastEntry()).toEqual({ timestamp: 3000, offset: 125 });
    expect(TimeIndex.decodeEntry(100, buf, 24)).toEqual({ timestamp: 3000, offset: 125 });
  });

  const entries = (...pairs: Array<[number, number]>): Buffer => {
    const buf = Buffer.alloc(pairs.length * 12);
    pairs.forEach(([ts, rel], i) => {
      buf.writeBigInt64BE(BigInt(ts), i * 12);
      buf.writeInt32BE(rel, i * 12 + 8);
    });
    return buf;
  };
  it.each<[string, Buffer, number | undefined, string | null]>([
    ['valid', entries([10, 0], [20, 3]), 110, null],
    ['empty', Buffer.alloc(0), undefined, null],
    ['size not a multiple of 12', Buffer.alloc(8), undefined, 'multiple'],
    ['timestamps not increasing', entries([10, 0], [10, 3]), undefined, 'timestamp'],
    ['negative timestamp', entries([-5, 0]), undefined, 'timestamp'],
    ['offsets going back', entries([10, 4], [20, 3]), undefined, 'backwards'],
    ['offset past the next segment', entries([10, 0], [20, 30]), 110, "past the segment's offsets"],
  ])('parse: %s', (_name, buf, nextOffset, problem) => {
    const result = TimeIndex.parse(100, buf, 1000, nextOffset);
    if (problem === null) expect(result).toBeInstanceOf(TimeIndex);
    else expect(result).toContain(problem);
  });

  it('truncates entries at or above an offset', () => {
    const index = sample();
    index.truncateTo(111);
    expect(index.lastEntry()).toEqual({ timestamp: 2000, offset: 110 });
  });
});
