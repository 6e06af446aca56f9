/**
 * Offset tables, pure: a partition's offsets sampled over time, as `(time, offset)` points in
 * time order. They give
 * - the **time lag** of a committed offset, as kafka-lag-exporter estimates it: the log end
 *   offset's history says when the log end was at the committed offset, and the time lag is
 *   how long ago that was (the age of the oldest record the consumer has not read);
 * - **rates**: offsets per second over a recent window (produce rate from the log end, consume
 *   rate from the committed offset).
 *
 * A table stays small: a run of equal offsets is kept as its first and last points (the offset
 * was flat between them), points older than `maxAgeMs` are dropped (keeping one anchor point
 * at or before the cut-off), and at most `maxPoints` remain. An offset lower than the last one
 * (a log truncated or recreated, a committed offset moved back) starts the table over: the old
 * history no longer describes the same log.
 */

/** An offset observed at a time (epoch ms). */
export interface OffsetPoint {
  t: number;
  offset: bigint;
}

export interface OffsetTableLimits {
  /** Points kept at most. */
  maxPoints: number;
  /** How far back points are kept (ms), measured from the newest point. */
  maxAgeMs: number;
}

export const DEFAULT_TABLE_LIMITS: OffsetTableLimits = { maxPoints: 600, maxAgeMs: 15 * 60_000 };

/** The table with `point` appended (a new array; the input is not changed). */
export function appendPoint(points: readonly OffsetPoint[], point: OffsetPoint, limits: OffsetTableLimits = DEFAULT_TABLE_LIMITS): OffsetPoint[] {
  const n = points.length;
  if (n === 0) return [point];
  const last = points[n - 1];
  if (point.t < last.t) return [...points];
  if (point.offset < last.offset) return [point];
  if (point.t === last.t) return [...points.slice(0, n - 1), point];
  let next: OffsetPoint[];
  if (n >= 2 && last.offset === point.offset && points[n - 2].offset === point.offset) {
    // Still flat: move the end of the run.
    next = [...points.slice(0, n - 1), point];
  } else {
    next = [...points, point];
  }
  const cutoff = point.t - limits.maxAgeMs;
  let start = 0;
  // Keep the newest point at or before the cut-off as an anchor.
  while (next.length - start > 2 && next[start + 1].t <= cutoff) start++;
  if (next.length - start > limits.maxPoints) start = next.length - Math.max(2, limits.maxPoints);
  return start > 0 ? next.slice(start) : next;
}

/**
 * How a time lag was found:
 * - `caught-up`: the committed offset is at (or past) the newest log end: 0;
 * - `interpolated`: between two samples of the log end;
 * - `extrapolated`: older than the table, estimated from its average rate;
 * - `at-least`: older than the table, which is flat, so only a lower bound is known.
 */
export type TimeLagKind = 'caught-up' | 'interpolated' | 'extrapolated' | 'at-least';

export interface TimeLag {
  /** Milliseconds behind. */
  ms: number;
  kind: TimeLagKind;
}

/**
 * The time lag of `committed` at `now` (epoch ms), from the log end table of its partition; null
 * when the table cannot tell (empty, or a single sample newer than the committed offset).
 *
 * The record at offset `c` was appended while the log end moved past `c`. Between the last sample
 * with log end ≤ c and the first with log end > c the log end is taken to grow linearly, which
 * dates the record; its time lag is `now` minus that date. For a run of equal samples the last one
 * is used (the latest time the log end was still at that offset).
 */
export function timeLag(points: readonly OffsetPoint[], committed: bigint, now: number): TimeLag | null {
  const n = points.length;
  if (n === 0) return null;
  const last = points[n - 1];
  if (committed >= last.offset) return { ms: 0, kind: 'caught-up' };
  let i = 0;
  while (i < n && points[i].offset <= committed) i++;
  if (i > 0) {
    const a = points[i - 1];
    const b = points[i];
    const at = a.t + (Number(committed - a.offset) / Number(b.offset - a.offset)) * (b.t - a.t);
    return { ms: Math.max(0, now - at), kind: 'interpolated' };
  }
  const first = points[0];
  if (n >= 2 && last.offset > first.offset && last.t > first.t) {
    const perMs = Number(last.offset - first.offset) / (last.t - first.t);
    const at = first.t - Number(first.offset - committed) / perMs;
    return { ms: Math.max(0, now - at), kind: 'extrapolated' };
  }
  const ms = now - first.t;
  return ms > 0 ? { ms, kind: 'at-least' } : null;
}

/** The offset the table gives at time `t` (linear between points; the first point before it). */
export function offsetAt(points: readonly OffsetPoint[], t: number): number | null {
  const n = points.length;
  if (n === 0) return null;
  if (t <= points[0].t) return Number(points[0].offset);
  for (let i = 1; i < n; i++) {
    const b = points[i];
    if (t <= b.t) {
      const a = points[i - 1];
      return Number(a.offset) + (Number(b.offset - a.offset) * (t - a.t)) / (b.t - a.t);
    }
  }
  return Number(points[n - 1].offset);
}

/**
 * Offsets per second over the last `windowMs` before the newest point (or over the whole table
 * when it is shorter); null with fewer than two points or no time between them.
 */
export function ratePerSecond(points: readonly OffsetPoint[], windowMs: number): number | null {
  const n = points.length;
  if (n < 2) return null;
  const end = points[n - 1];
  const startT = Math.max(points[0].t, end.t - windowMs);
  const span = end.t - startT;
  if (span <= 0) return null;
  const startOffset = offsetAt(points, startT)!;
  return ((Number(end.offset) - startOffset) * 1000) / span;
}
