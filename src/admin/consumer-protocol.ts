/**
 * Decoding a consumer group member's assignment (the ConsumerProtocolAssignment a group
 * leader hands out, as DescribeGroups returns it), with the broker's generated codec. Only
 * groups of protocol type `consumer` carry this format; anything else (Connect workers, other
 * embedded protocols) or bytes that do not parse decode to null, never an exception.
 */
import { decodeConsumerProtocolAssignment } from '../protocol/generated/data/consumer-protocol-assignment.ts';
import { Reader } from '../protocol/primitives/reader.ts';

export interface TopicAssignment {
  topic: string;
  /** Ascending, without duplicates. */
  partitions: number[];
}

/** The highest ConsumerProtocolAssignment version this codec knows; newer ones only append fields. */
const MAX_VERSION = 3;

/**
 * The topic-partitions of an assignment, sorted by topic; `[]` for an empty buffer (no assignment
 * yet); null when the bytes are not a consumer protocol assignment.
 */
export function decodeAssignment(bytes: Buffer): TopicAssignment[] | null {
  if (bytes.length === 0) return [];
  try {
    const r = new Reader(bytes);
    const version = r.int16();
    if (version < 0) return null;
    const decoded = decodeConsumerProtocolAssignment(r, Math.min(version, MAX_VERSION));
    const byTopic = new Map<string, Set<number>>();
    for (const tp of decoded.assignedPartitions) {
      const set = byTopic.get(tp.topic) ?? new Set<number>();
      for (const p of tp.partitions) set.add(p);
      byTopic.set(tp.topic, set);
    }
    return [...byTopic.keys()]
      .sort()
      .map((topic) => ({ topic, partitions: [...byTopic.get(topic)!].sort((a, b) => a - b) }));
  } catch {
    return null;
  }
}
