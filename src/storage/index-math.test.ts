import { describe, expect, it } from 'vitest';
import { fitsRelative, floorIndex, grownCapacity, lowerBound, relativeOffset } from './index-math.ts';

const keys = [0, 10, 20, 30];

describe('index math', () => {
  it.each([
    [-1, -1],
    [0, 0],
    [5, 0],
    [10, 1],
    [29, 2],
    [30, 3],
    [1000, 3],
  ])('floorIndex(%d) = %d', (target, expected) => {
    expect(floorIndex(keys, keys.length, target)).toBe(expected);
  });

  it.each([
    [-1, 0],
    [0, 0],
    [5, 1],
    [10, 1],
    [30, 3],
    [31, 4],
  ])('lowerBound(%d) = %d', (target, expected) => {
    expect(lowerBound(keys, keys.length, target)).toBe(expected);
  });

  it('respects the count of a larger typed array', () => {
    const arr = new Int32Array([1, 5, 9, 0, 0]);
    expect(floorIndex(arr, 3, 100)).toBe(2);
    expect(lowerBound(arr, 3, 100)).toBe(3);
    expect(floorIndex(arr, 0, 100)).toBe(-1);
  });

  it.each([
    [100, 100, true, 0],
    [100, 150, true, 50],
    [100, 99, false, null],
    [0, 2147483647, true, 2147483647],
    [0, 2147483648, false, null],
  ])('relative offset base %d offset %d', (base, offset, fits, rel) => {
    expect(fitsRelative(base, offset)).toBe(fits);
    if (rel === null) expect(() => relativeOffset(base, offset)).toThrow(RangeError);
    else expect(relativeOffset(base, offset)).toBe(rel);
  });

  it.each([
    [0, 1, 16],
    [16, 17, 32],
    [16, 100, 128],
  ])('grownCapacity(%d, %d) = %d', (current, needed, expected) => {
    expect(grownCapacity(current, needed)).toBe(expected);
  });
});
