/**
 * Consumer lag math, pure: a group's committed offsets and the partitions' log start / log end
 * offsets in, per-partition lag and totals out. No I/O; `groups describe` and `groups lag`
 * (and the live lag monitor) share it.
 *
 * Rules (as kafka-consumer-groups computes LAG, with the edge cases named):
 * - lag = log end offset − committed offset;
 * - no committed offset (null or negative, as OffsetFetch reports "none"): lag unknown (null),
 *   status `no-commit`;
 * - log end unknown (topic deleted, partition gone, not fetched): lag unknown, `unknown-log`;
 * - committed beyond the log end (the log was truncated or recreated): lag 0, `ahead-of-log-end`;
 * - committed below the log start (the records it points at were deleted by retention or
 *   DeleteRecords): lag is still log end − committed, as Kafka reports it, status
 *   `below-log-start` — the consumer will restart per its auto.offset.reset.
 */

export interface PartitionOffsets {
  topic: string;
  partition: number;
  /** The committed offset; null (or negative) when the group has none for this partition. */
  committed: bigint | null;
  /** The log start offset (earliest); null when unknown. */
  logStart: bigint | null;
  /** The log end offset (high watermark); null when unknown. */
  logEnd: bigint | null;
}

export type LagStatus = 'ok' | 'no-commit' | 'unknown-log' | 'ahead-of-log-end' | 'below-log-start';

export interface PartitionLag extends PartitionOffsets {
  /** Records behind the log end; null when it cannot be told. */
  lag: bigint | null;
  status: LagStatus;
}

export interface LagTotals {
  /** Sum of the known lags. */
  total: bigint;
  /** The largest known lag (0 when none is known). */
  max: bigint;
  /** Partitions counted. */
  partitions: number;
  /** Partitions with a known lag above 0. */
  lagging: number;
  /** Partitions whose lag is unknown (no commit or unknown log). */
  unknown: number;
}

export interface TopicLagTotals extends LagTotals {
  topic: string;
}

/** The lag of one partition. */
export function partitionLag(p: PartitionOffsets): PartitionLag {
  const committed = p.committed !== null && p.committed >= 0n ? p.committed : null;
  const base = { topic: p.topic, partition: p.partition, committed, logStart: p.logStart, logEnd: p.logEnd };
  if (committed === null) return { ...base, lag: null, status: 'no-commit' };
  if (p.logEnd === null || p.logEnd < 0n) return { ...base, lag: null, status: 'unknown-log' };
  if (committed > p.logEnd) return { ...base, lag: 0n, status: 'ahead-of-log-end' };
  const lag = p.logEnd - committed;
  if (p.logStart !== null && p.logStart >= 0n && committed < p.logStart) return { ...base, lag, status: 'below-log-start' };
  return { ...base, lag, status: 'ok' };
}

/** The lag of every partition, sorted by topic then partition. */
export function partitionLags(partitions: readonly PartitionOffsets[]): PartitionLag[] {
  return partitions.map(partitionLag).sort(compareTopicPartition);
}

/** Totals over partitions' lags. */
export function lagTotals(lags: readonly Pick<PartitionLag, 'lag'>[]): LagTotals {
  let total = 0n;
  let max = 0n;
  let lagging = 0;
  let unknown = 0;
  for (const { lag } of lags) {
    if (lag === null) {
      unknown++;
      continue;
    }
    total += lag;
    if (lag > max) max = lag;
    if (lag > 0n) lagging++;
  }
  return { total, max, partitions: lags.length, lagging, unknown };
}

/** Totals per topic, sorted by topic. */
export function lagByTopic(lags: readonly PartitionLag[]): TopicLagTotals[] {
  const byTopic = new Map<string, PartitionLag[]>();
  for (const l of lags) {
    const list = byTopic.get(l.topic);
    if (list) list.push(l);
    else byTopic.set(l.topic, [l]);
  }
  return [...byTopic.keys()].sort().map((topic) => ({ topic, ...lagTotals(byTopic.get(topic)!) }));
}

/** Orders by topic name, then partition number. */
export function compareTopicPartition(a: { topic: string; partition: number }, b: { topic: string; partition: number }): number {
  return a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition;
}
