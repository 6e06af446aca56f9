/**
 * Which leading segments of a log may be deleted. Pure.
 *
 * A segment is deleted only together with every older segment, and the active (last) segment
 * is never deleted. Three rules, as in Kafka:
 *  - retention.ms: the segment's largest timestamp is more than retentionMs before `now`;
 *  - retention.bytes: the oldest segments go while the log without them still holds at least
 *    retentionBytes (`totalSize - deletedSoFar - size >= retentionBytes`);
 *  - log start offset: every offset of the segment is below logStartOffset (DeleteRecords).
 */

export interface RetentionSegment {
  baseOffset: number;
  size: number;
  /** Largest record timestamp in the segment (or a file time when it has none). */
  largestTimestamp: number;
}

export interface RetentionPolicy {
  now: number;
  /** -1: unlimited. */
  retentionMs: number;
  /** -1: unlimited. */
  retentionBytes: number;
  logStartOffset: number;
}

export interface RetentionDecision {
  /** Number of leading segments to delete. */
  count: number;
  byTime: number;
  bySize: number;
  byLogStartOffset: number;
}

/** Length of the longest prefix of `segments[0, limit)` whose every element satisfies `pred`. */
function prefixWhile<T>(items: readonly T[], limit: number, pred: (item: T, i: number) => boolean): number {
  let n = 0;
  while (n < limit && pred(items[n], n)) n++;
  return n;
}

/** `segments` oldest first; the last one is the active segment. */
export function segmentsToDelete(segments: readonly RetentionSegment[], policy: RetentionPolicy): RetentionDecision {
  const deletable = Math.max(0, segments.length - 1);
  const byTime = policy.retentionMs < 0
    ? 0
    : prefixWhile(segments, deletable, (s) => policy.now - s.largestTimestamp > policy.retentionMs);
  let bySize = 0;
  if (policy.retentionBytes >= 0) {
    let diff = segments.reduce((sum, s) => sum + s.size, 0) - policy.retentionBytes;
    bySize = prefixWhile(segments, deletable, (s) => {
      if (diff - s.size < 0) return false;
      diff -= s.size;
      return true;
    });
  }
  const byLogStartOffset = prefixWhile(segments, deletable, (_s, i) => segments[i + 1].baseOffset <= policy.logStartOffset);
  return { count: Math.max(byTime, bySize, byLogStartOffset), byTime, bySize, byLogStartOffset };
}
