/** @platformatic/kafka clients for tests, and a reader that fetches a partition's records with it. */
import { Admin, Consumer, Producer, stringSerializers } from '@platformatic/kafka';
import type { KafkaRecord } from '@platformatic/kafka';

export function platformaticAdmin(bootstrap: string): Admin {
  return new Admin({ clientId: 'kstream-test-admin', bootstrapBrokers: [bootstrap], retries: 2, timeout: 10_000 });
}

export function platformaticProducer(bootstrap: string, options: Record<string, unknown> = {}): Producer<Buffer, Buffer, Buffer, Buffer> {
  return new Producer({ clientId: 'kstream-test-producer', bootstrapBrokers: [bootstrap], retries: 2, timeout: 10_000, ...options });
}

export function platformaticStringProducer(bootstrap: string, options: Record<string, unknown> = {}): Producer<string, string, string, string> {
  return new Producer({ clientId: 'kstream-test-producer', bootstrapBrokers: [bootstrap], serializers: stringSerializers, retries: 2, timeout: 10_000, ...options });
}

export interface FetchedRecord {
  offset: bigint;
  timestamp: bigint;
  key: Buffer | null;
  value: Buffer | null;
  headers: [Buffer | null, Buffer | null][];
}

/**
 * Reads a partition from `fromOffset` up to (not including) `untilOffset` with the client's
 * low-level fetch (no consumer group involved), decoding records with the client's own code.
 */
export async function fetchRecords(
  bootstrap: string,
  topic: string,
  partition: number,
  fromOffset: bigint,
  untilOffset: bigint,
): Promise<FetchedRecord[]> {
  const consumer = new Consumer({ clientId: 'kstream-test-reader', groupId: 'kstream-test-unused', bootstrapBrokers: [bootstrap], retries: 2, timeout: 10_000 });
  try {
    const metadata = await consumer.metadata({ topics: [topic] });
    const topicMeta = metadata.topics.get(topic);
    if (!topicMeta) throw new Error(`no metadata for ${topic}`);
    const out: FetchedRecord[] = [];
    let offset = fromOffset;
    for (let round = 0; offset < untilOffset && round < 10_000; round++) {
      const response = await consumer.fetch({
        node: 0,
        maxWaitTime: 500,
        topics: [{ topicId: topicMeta.id, partitions: [{ partition, fetchOffset: offset, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1, lastFetchedEpoch: -1, logStartOffset: -1n }] }],
      } as never);
      const p = response.responses[0].partitions[0];
      if (p.errorCode !== 0) throw new Error(`fetch error ${p.errorCode}`);
      for (const batch of p.records ?? []) {
        for (const r of batch.records as KafkaRecord[]) {
          const o = batch.firstOffset + BigInt(r.offsetDelta);
          if (o < offset || o >= untilOffset) continue;
          out.push({ offset: o, timestamp: batch.firstTimestamp + r.timestampDelta, key: r.key, value: r.value, headers: r.headers });
        }
        offset = batch.firstOffset + BigInt(batch.lastOffsetDelta) + 1n;
      }
    }
    return out;
  } finally {
    await consumer.close();
  }
}
