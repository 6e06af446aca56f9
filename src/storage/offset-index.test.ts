import { describe, expect, it } from 'vitest';
import { OffsetIndex } from './offset-index.ts';

function sample(): OffsetIndex {
  const index = new OffsetIndex(100);
  index.append(100, 0);
  index.append(110, 4096);
  index.append(125, 9000);
  return index;
}

describe('OffsetIndex', () => {
  it.each([
    [50, { offset: 100, position: 0 }],
    [100, { offset: 100, position: 0 }],
    [109, { offset: 100, position: 0 }],
    [110, { offset: 110, position: 4096 }],
    [124, { offset: 110, position: 4096 }],
    [125, { offset: 125, position: 9000 }],
    [10_000, { offset: 125, position: 9000 }],
  ])('lookup(%d)', (offset, expected) => {
    expect(sample().lookup(offset)).toEqual(expected);
  });

  it('grows past its initial capacity', () => {
    const index = new OffsetIndex(0);
    for (let i = 0; i < 1000; i++) index.append(i * 3, i * 100);
    expect(index.entries).toBe(1000);
    expect(index.lookup(1500)).toEqual({ offset: 1500, position: 50_000 });
    expect(index.lastEntry()).toEqual({ offset: 2997, position: 99_900 });
  });

  it.each([
    [125, 0],
    [110, 0],
    [100, 0],
  ])('refuses a non-increasing entry (%d, %d)', (offset, position) => {
    expect(() => sample().append(offset, position)).toThrow(RangeError);
  });

  it('refuses an offset below the base', () => {
    expect(() => new OffsetIndex(100).append(99, 0)).toThrow(RangeError);
  });

  it('truncates entries at or above an offset', () => {
    const index = sample();
    index.truncateTo(110);
    expect(index.entries).toBe(1);
    expect(index.lookup(200)).toEqual({ offset: 100, position: 0 });
  });

  it('round-trips through bytes', () => {
    const buf = sample().toBuffer();
    expect(buf.length).toBe(24);
    expect([buf.readInt32BE(8), buf.readInt32BE(12)]).toEqual([10, 4096]);
    const parsed = OffsetIndex.parse(100, buf, 10_000, 200);
    expect(parsed).toBeInstanceOf(OffsetIndex);
    expect((parsed as OffsetIndex).lookup(130)).toEqual({ offset: 125, position: 9000 });
  });

  const entries = (...pairs: Array<[number, number]>): Buffer => {
    const buf = Buffer.alloc(pairs.length * 8);
    pairs.forEach(([r, p], i) => {
      buf.writeInt32BE(r, i * 8);
      buf.writeInt32BE(p, i * 8 + 4);
    });
    return buf;
  };
  it.each<[string, Buffer, number, number | undefined, string | null]>([
    ['valid', entries([0, 0], [5, 100]), 200, 110, null],
    ['valid without bound', entries([0, 0], [5, 100]), 200, undefined, null],
    ['empty for an empty segment', Buffer.alloc(0), 0, undefined, null],
    ['size not a multiple of 8', Buffer.alloc(12), 200, undefined, 'multiple'],
    ['empty for a non-empty segment', Buffer.alloc(0), 200, undefined, 'no entry'],
    ['entries for an empty segment', entries([0, 0]), 0, undefined, 'empty segment'],
    ['first entry not (0, 0)', entries([1, 0]), 200, undefined, 'first entry'],
    ['offsets not increasing', entries([0, 0], [5, 100], [5, 150]), 200, undefined, 'increasing'],
    ['positions not increasing', entries([0, 0], [5, 100], [6, 100]), 200, undefined, 'increasing'],
    ['position past the end', entries([0, 0], [5, 200]), 200, undefined, 'past the segment end'],
    ['offset past the next segment', entries([0, 0], [15, 100]), 200, 110, "past the segment's offsets"],
  ])('parse: %s', (_name, buf, segmentSize, nextOffset, problem) => {
    const result = OffsetIndex.parse(100, buf, segmentSize, nextOffset);
    if (problem === null) expect(result).toBeInstanceOf(OffsetIndex);
    else expect(result).toContain(problem);
  });

  it('reports when full', () => {
    const index = sample();
    expect(index.isFull(32)).toBe(false);
    expect(index.isFull(31)).toBe(true);
  });
});
