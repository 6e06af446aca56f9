/**
 * Reading offsets over @platformatic/kafka's Admin: a group's committed offsets (OffsetFetch),
 * partitions' log start / log end offsets and offsets by timestamp (ListOffsets), and which
 * topics exist with how many partitions (Metadata). Every function takes a connected Admin so
 * a command does its work over one client (see `withAdmin` in client.ts).
 */
import type { Admin } from '@platformatic/kafka';

export interface TopicPartition {
  topic: string;
  partition: number;
}

export interface LogBounds {
  /** Log start offset (earliest). */
  logStart: bigint;
  /** Log end offset (high watermark). */
  logEnd: bigint;
}

/** A map key for a topic-partition (topic names cannot contain ':'). */
export function tpKey(topic: string, partition: number): string {
  return `${topic}:${partition}`;
}

/** ListOffsets timestamps with a special meaning. */
export const LATEST_TIMESTAMP = -1n;
export const EARLIEST_TIMESTAMP = -2n;

/** The group's committed offsets by `tpKey` (partitions without a commit are absent). */
export async function fetchCommittedOffsets(admin: Admin, group: string): Promise<Map<string, bigint>> {
  const answer = await admin.listConsumerGroupOffsets({ groups: [group] });
  const offsets = new Map<string, bigint>();
  for (const g of answer) {
    if (g.groupId !== group) continue;
    for (const t of g.topics) for (const p of t.partitions) if (p.committedOffset >= 0n) offsets.set(tpKey(t.name, p.partitionIndex), p.committedOffset);
  }
  return offsets;
}

/**
 * Partition counts of the topics that exist, by name: of `topics` when given (missing ones are
 * absent from the map), else of every topic.
 */
export async function fetchPartitionCounts(admin: Admin, topics?: readonly string[]): Promise<Map<string, number>> {
  const existing = new Set(await admin.listTopics({ includeInternals: true }));
  const wanted = (topics ?? [...existing]).filter((t) => existing.has(t));
  const counts = new Map<string, number>();
  if (wanted.length === 0) return counts;
  const metadata = await admin.metadata({ topics: [...new Set(wanted)], forceUpdate: true });
  for (const t of wanted) {
    const meta = metadata.topics.get(t);
    if (meta) counts.set(t, meta.partitionsCount);
  }
  return counts;
}

function byTopic(partitions: readonly TopicPartition[]): Map<string, number[]> {
  const topics = new Map<string, number[]>();
  for (const { topic, partition } of partitions) {
    const list = topics.get(topic);
    if (!list) topics.set(topic, [partition]);
    else if (!list.includes(partition)) list.push(partition);
  }
  return topics;
}

/** ListOffsets for `timestamp` on every partition: the offset by `tpKey` (-1 when none). */
export async function listOffsetsAt(admin: Admin, partitions: readonly TopicPartition[], timestamp: bigint): Promise<Map<string, bigint>> {
  const result = new Map<string, bigint>();
  if (partitions.length === 0) return result;
  const topics = [...byTopic(partitions)].map(([name, ps]) => ({ name, partitions: ps.map((partitionIndex) => ({ partitionIndex, timestamp })) }));
  const answer = await admin.listOffsets({ topics });
  for (const t of answer) for (const p of t.partitions) result.set(tpKey(t.name, p.partitionIndex), p.offset);
  return result;
}

/** Log start and log end offsets of existing partitions, by `tpKey`. */
export async function fetchLogBounds(admin: Admin, partitions: readonly TopicPartition[]): Promise<Map<string, LogBounds>> {
  const [starts, ends] = await Promise.all([listOffsetsAt(admin, partitions, EARLIEST_TIMESTAMP), listOffsetsAt(admin, partitions, LATEST_TIMESTAMP)]);
  const bounds = new Map<string, LogBounds>();
  for (const { topic, partition } of partitions) {
    const key = tpKey(topic, partition);
    const logStart = starts.get(key);
    const logEnd = ends.get(key);
    if (logStart !== undefined && logEnd !== undefined && logStart >= 0n && logEnd >= 0n) bounds.set(key, { logStart, logEnd });
  }
  return bounds;
}

/**
 * The first offset whose timestamp is at or after `timestamp` (epoch ms) per partition, by
 * `tpKey`; null when every record is older.
 */
export async function fetchOffsetsForTimestamp(admin: Admin, partitions: readonly TopicPartition[], timestamp: number): Promise<Map<string, bigint | null>> {
  const found = await listOffsetsAt(admin, partitions, BigInt(Math.max(0, Math.floor(timestamp))));
  const result = new Map<string, bigint | null>();
  for (const { topic, partition } of partitions) {
    const offset = found.get(tpKey(topic, partition));
    result.set(tpKey(topic, partition), offset === undefined || offset < 0n ? null : offset);
  }
  return result;
}
