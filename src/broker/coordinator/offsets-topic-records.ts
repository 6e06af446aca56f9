/**
 * Records of the internal compacted topic `__consumer_offsets`, in Kafka's own layout so the
 * topic reads the same as a Kafka cluster's:
 *
 * - Offset commit: key v1 = version int16 (1), group string, topic string, partition int32;
 *   value v3 = version int16 (3), offset int64, leader epoch int32, metadata string,
 *   commit timestamp int64.
 * - Group metadata: key v2 = version int16 (2), group string; value v3 = version int16 (3),
 *   protocol type string, generation int32, protocol string|null, leader string|null,
 *   current state timestamp int64, members [member id, group instance id|null, client id,
 *   client host, rebalance timeout int32, session timeout int32, subscription bytes,
 *   assignment bytes].
 *
 * A null value is a tombstone: the offset or the group was deleted. Strings use int16
 * lengths, bytes int32 lengths. Pure functions, no I/O.
 */
import { Reader } from '../../protocol/primitives/reader.ts';
import { Writer } from '../../protocol/primitives/writer.ts';

export const OFFSETS_TOPIC = '__consumer_offsets';

export interface OffsetKey {
  kind: 'offset';
  group: string;
  topic: string;
  partition: number;
}

export interface GroupKey {
  kind: 'group';
  group: string;
}

export type OffsetsTopicKey = OffsetKey | GroupKey;

export interface OffsetValue {
  offset: number;
  leaderEpoch: number;
  metadata: string;
  commitTimestamp: number;
}

export interface StoredMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  subscription: Buffer;
  assignment: Buffer;
}

export interface GroupValue {
  protocolType: string;
  generationId: number;
  protocolName: string | null;
  leaderId: string | null;
  currentStateTimestamp: number;
  members: StoredMember[];
}

export function encodeOffsetKey(group: string, topic: string, partition: number): Buffer {
  return new Writer(64).int16(1).string(group).string(topic).int32(partition).toBuffer();
}

export function encodeGroupKey(group: string): Buffer {
  return new Writer(32).int16(2).string(group).toBuffer();
}

export function encodeOffsetValue(v: OffsetValue): Buffer {
  return new Writer(64)
    .int16(3)
    .int64(BigInt(v.offset))
    .int32(v.leaderEpoch)
    .string(v.metadata)
    .int64(BigInt(v.commitTimestamp))
    .toBuffer();
}

export function encodeGroupValue(v: GroupValue): Buffer {
  const w = new Writer(256);
  w.int16(3).string(v.protocolType).int32(v.generationId).nullableString(v.protocolName).nullableString(v.leaderId);
  w.int64(BigInt(v.currentStateTimestamp));
  w.int32(v.members.length);
  for (const m of v.members) {
    w.string(m.memberId).nullableString(m.groupInstanceId).string(m.clientId).string(m.clientHost);
    w.int32(m.rebalanceTimeoutMs).int32(m.sessionTimeoutMs).bytes(m.subscription).bytes(m.assignment);
  }
  return w.toBuffer();
}

/** Decodes a key; undefined for key versions this broker does not know (skipped on load). */
export function decodeKey(buf: Buffer): OffsetsTopicKey | undefined {
  const r = new Reader(buf);
  const version = r.int16();
  if (version === 0 || version === 1) return { kind: 'offset', group: r.string(), topic: r.string(), partition: r.int32() };
  if (version === 2) return { kind: 'group', group: r.string() };
  return undefined;
}

export function decodeOffsetValue(buf: Buffer): OffsetValue {
  const r = new Reader(buf);
  const version = r.int16();
  const offset = Number(r.int64());
  const leaderEpoch = version >= 3 ? r.int32() : -1;
  const metadata = r.string();
  const commitTimestamp = Number(r.int64());
  return { offset, leaderEpoch, metadata, commitTimestamp };
}

export function decodeGroupValue(buf: Buffer): GroupValue {
  const r = new Reader(buf);
  const version = r.int16();
  const protocolType = r.string();
  const generationId = r.int32();
  const protocolName = r.nullableString();
  const leaderId = r.nullableString();
  const currentStateTimestamp = version >= 2 ? Number(r.int64()) : -1;
  const n = r.arrayLength();
  const members: StoredMember[] = [];
  for (let i = 0; i < n; i++) {
    const memberId = r.string();
    const groupInstanceId = version >= 3 ? r.nullableString() : null;
    const clientId = r.string();
    const clientHost = r.string();
    const rebalanceTimeoutMs = version >= 1 ? r.int32() : -1;
    const sessionTimeoutMs = r.int32();
    const subscription = Buffer.from(r.bytes());
    const assignment = Buffer.from(r.bytes());
    members.push({ memberId, groupInstanceId, clientId, clientHost, rebalanceTimeoutMs, sessionTimeoutMs, subscription, assignment });
  }
  return { protocolType, generationId, protocolName, leaderId, currentStateTimestamp, members };
}

/** Kafka's partition for a group: abs(Java String.hashCode(groupId)) % partitions. */
export function partitionForGroup(groupId: string, partitions: number): number {
  let h = 0;
  for (let i = 0; i < groupId.length; i++) h = (Math.imul(31, h) + groupId.charCodeAt(i)) | 0;
  const abs = h === -2147483648 ? 0 : Math.abs(h);
  return abs % partitions;
}
