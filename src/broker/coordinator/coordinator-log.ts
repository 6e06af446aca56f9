/**
 * The group coordinator's persistence: writes offset commits and group metadata as records of
 * `__consumer_offsets` (fsynced before the write resolves) and reads them all back at start.
 */
import type { ReplicaManager } from '../replica-manager.ts';
import type { TopicManager } from '../topic-manager.ts';
import type { TopicRegistry } from '../topic-registry.ts';
import { encodeRecordBatch, decodeBatchRecords, batchesIn, type NewRecord } from '../../protocol/records/records.ts';
import { isControl } from '../../protocol/records/batch-header.ts';
import {
  OFFSETS_TOPIC,
  decodeGroupValue,
  decodeKey,
  decodeOffsetValue,
  encodeGroupKey,
  encodeGroupValue,
  encodeOffsetKey,
  encodeOffsetValue,
  partitionForGroup,
  type GroupValue,
  type OffsetValue,
  type OffsetsTopicKey,
} from './offsets-topic-records.ts';
import type { Logger } from '../../util/logger.ts';

/** One record to write: an offset (null: deleted) or a group's metadata (null: deleted). */
export type OffsetsTopicWrite =
  | { key: Extract<OffsetsTopicKey, { kind: 'offset' }>; offset: OffsetValue | null }
  | { key: Extract<OffsetsTopicKey, { kind: 'group' }>; group: GroupValue | null };

export type OffsetsTopicEntry =
  | { key: Extract<OffsetsTopicKey, { kind: 'offset' }>; offset: OffsetValue | null }
  | { key: Extract<OffsetsTopicKey, { kind: 'group' }>; group: GroupValue | null };

export interface CoordinatorLog {
  /** Appends the records to the group's partition with acks=-1; resolves to a Kafka error code (0: stored). */
  write(groupId: string, writes: readonly OffsetsTopicWrite[]): Promise<number>;
  /** Every record stored, oldest first. */
  load(): AsyncIterable<OffsetsTopicEntry>;
}

const READ_CHUNK_BYTES = 1 << 20;

export class OffsetsTopicLog implements CoordinatorLog {
  private readonly replicas: ReplicaManager;
  private readonly topics: TopicRegistry;
  private readonly topicManager: TopicManager;
  private readonly partitions: number;
  private readonly logger: Logger;

  constructor(replicas: ReplicaManager, topics: TopicRegistry, topicManager: TopicManager, partitions: number, logger: Logger) {
    this.replicas = replicas;
    this.topics = topics;
    this.topicManager = topicManager;
    this.partitions = partitions;
    this.logger = logger;
  }

  /** Creates `__consumer_offsets` (compacted) when it does not exist yet. */
  async ensureTopic(): Promise<void> {
    if (this.topics.get(OFFSETS_TOPIC)) return;
    const outcome = await this.topicManager.create(OFFSETS_TOPIC, this.partitions, -1, {
      'cleanup.policy': 'compact',
      'segment.bytes': String(100 * 1024 * 1024),
      'compression.type': 'producer',
    });
    if (outcome.errorCode !== 0) throw new Error(`cannot create ${OFFSETS_TOPIC}: ${outcome.errorMessage}`);
  }

  private partitionCount(): number {
    return this.topics.get(OFFSETS_TOPIC)?.partitions ?? this.partitions;
  }

  async write(groupId: string, writes: readonly OffsetsTopicWrite[]): Promise<number> {
    const now = Date.now();
    const records: NewRecord[] = writes.map((w) => {
      if (w.key.kind === 'offset') {
        const value = 'offset' in w ? w.offset : null;
        return { key: encodeOffsetKey(w.key.group, w.key.topic, w.key.partition), value: value ? encodeOffsetValue(value) : null, timestamp: now };
      }
      const value = 'group' in w ? w.group : null;
      return { key: encodeGroupKey(w.key.group), value: value ? encodeGroupValue(value) : null, timestamp: now };
    });
    const batch = encodeRecordBatch({ records });
    const result = await this.replicas.append(OFFSETS_TOPIC, partitionForGroup(groupId, this.partitionCount()), batch, -1);
    if (result.errorCode !== 0) this.logger.error('writing to __consumer_offsets failed', { group: groupId, errorCode: result.errorCode, err: result.errorMessage });
    return result.errorCode;
  }

  async *load(): AsyncIterable<OffsetsTopicEntry> {
    const count = this.partitionCount();
    for (let p = 0; p < count; p++) {
      const log = await this.replicas.log(OFFSETS_TOPIC, p);
      let offset = log.logStartOffset;
      while (offset < log.logEndOffset) {
        const data = await log.read(offset, READ_CHUNK_BYTES, { minOneBatch: true });
        if (data.records.length === 0) break;
        let next = offset;
        for (const { pos, header } of batchesIn(data.records)) {
          next = header.baseOffset + header.lastOffsetDelta + 1;
          if (isControl(header.attributes)) continue;
          const { records } = decodeBatchRecords(data.records, pos);
          for (const r of records) {
            if (r.offset < offset || r.key === null) continue;
            let key: OffsetsTopicKey | undefined;
            try {
              key = decodeKey(r.key);
            } catch {
              key = undefined;
            }
            if (!key) continue;
            if (key.kind === 'offset') yield { key, offset: r.value ? decodeOffsetValue(r.value) : null };
            else yield { key, group: r.value ? decodeGroupValue(r.value) : null };
          }
        }
        if (next <= offset) break;
        offset = next;
      }
    }
  }
}
