/**
 * Arithmetic shared by the offset and time indexes. Pure.
 *
 * Index entries store offsets relative to the segment's base offset as int32, so a segment can
 * hold at most 2^31 - 1 offsets past its base.
 */

export const MAX_RELATIVE_OFFSET = 0x7fffffff;

/** True when `offset` can be stored relative to `baseOffset` in an int32. */
export function fitsRelative(baseOffset: number, offset: number): boolean {
  const rel = offset - baseOffset;
  return rel >= 0 && rel <= MAX_RELATIVE_OFFSET;
}

/** `offset - baseOffset`, checked to fit an int32. */
export function relativeOffset(baseOffset: number, offset: number): number {
  if (!fitsRelative(baseOffset, offset)) {
    throw new RangeError(`offset ${offset} cannot be stored relative to base offset ${baseOffset}`);
  }
  return offset - baseOffset;
}

/**
 * Index of the last element of `keys[0, count)` that is <= `target`, or -1 when every element is
 * greater. `keys` must be sorted ascending.
 */
export function floorIndex(keys: ArrayLike<number>, count: number, target: number): number {
  let lo = 0;
  let hi = count - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid] <= target) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

/**
 * Index of the first element of `keys[0, count)` that is >= `target` (lower bound), or `count`
 * when every element is smaller. `keys` must be sorted ascending.
 */
export function lowerBound(keys: ArrayLike<number>, count: number, target: number): number {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid] < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Capacity for a growable array that must hold `needed` items (doubling, at least 16). */
export function grownCapacity(current: number, needed: number): number {
  let capacity = Math.max(16, current);
  while (capacity < needed) capacity *= 2;
  return capacity;
}
