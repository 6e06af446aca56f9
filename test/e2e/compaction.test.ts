/**
 * Log compaction through real clients: a topic created with cleanup.policy=compact and small
 * segments gets many versions of a few keys plus tombstones from kafkajs (plain and idempotent,
 * compressed or not), the broker's log cleaner runs, and @platformatic/kafka reads the partition
 * from the beginning: one record per key (its latest value, at its original offset), no expired
 * tombstone, every other record intact. Also the group coordinator's compacted
 * `__consumer_offsets` still gives the latest committed offsets after cleaning and a restart.
 *
 * The cleaning is triggered through the broker's LogManager (`cleanNow`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompressionTypes, type Kafka } from 'kafkajs';
import type { Broker } from '../../src/broker/broker.ts';
import type { LogManager } from '../../src/storage/log-manager.ts';
import { defaultLogConfig, type LogConfig } from '../../src/storage/log-config.ts';
import { startBroker, uniqueName, type TestBroker } from '../helpers/broker.ts';
import { kafkajsClient } from '../helpers/kafkajs.ts';
import { fetchRecords, platformaticAdmin, type FetchedRecord } from '../helpers/platformatic.ts';

let tb: TestBroker;

beforeAll(async () => {
  tb = await startBroker();
});

afterAll(async () => {
  await tb?.close();
});

/** The broker's LogManager. */
function logManagerOf(broker: Broker): LogManager {
  return broker.logManager;
}

const KEYS = ['k0', 'k1', 'k2', 'k3', 'k4'];
const DELETED = new Set(['k3', 'k4']);

interface Produced {
  offset: number;
  key: string;
  value: string | null;
}

async function createTopic(kafka: Kafka, topic: string, configs: Record<string, string>): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, configEntries: Object.entries(configs).map(([name, value]) => ({ name, value })) }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

/**
 * Writes 12 rounds of versions of every key (plain, gzip and idempotent zstd producers), then
 * tombstones for k3 and k4, then fillers with distinct keys until every versioned record is in a
 * non-active segment.
 */
async function produceVersions(kafka: Kafka, topic: string, logs: LogManager): Promise<Produced[]> {
  const produced: Produced[] = [];
  const plain = kafka.producer();
  const idempotent = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await plain.connect();
  await idempotent.connect();
  try {
    const send = async (producer: typeof plain, messages: Array<{ key: string; value: string | null }>, compression: CompressionTypes): Promise<void> => {
      const [meta] = await producer.send({ topic, acks: -1, compression, messages });
      const base = Number(meta.baseOffset);
      messages.forEach((m, i) => produced.push({ offset: base + i, key: m.key, value: m.value }));
    };
    for (let round = 0; round < 12; round++) {
      const messages = KEYS.map((key) => ({ key, value: `${key}-v${round}-${'p'.repeat(40)}` }));
      if (round % 3 === 0) await send(plain, messages, CompressionTypes.None);
      else if (round % 3 === 1) await send(plain, messages, CompressionTypes.GZIP);
      else await send(idempotent, messages, CompressionTypes.ZSTD);
    }
    await send(plain, [{ key: 'k3', value: null }], CompressionTypes.None);
    await send(idempotent, [{ key: 'k4', value: null }], CompressionTypes.ZSTD);
    const log = logs.get(topic, 0)!;
    const lastVersioned = produced[produced.length - 1].offset;
    for (let i = 0; log.segmentBaseOffsets().at(-1)! <= lastVersioned; i++) {
      if (i > 50) throw new Error('the log does not roll: is segment.bytes applied?');
      await send(plain, [{ key: `filler-${i}`, value: 'f'.repeat(300) }], CompressionTypes.None);
    }
  } finally {
    await plain.disconnect();
    await idempotent.disconnect();
  }
  return produced;
}

function asText(r: FetchedRecord): Produced {
  return { offset: Number(r.offset), key: r.key?.toString() ?? '', value: r.value === null ? null : r.value.toString() };
}

/** Produces, cleans, reads back with @platformatic/kafka and checks the compacted contents. */
async function checkCompaction(topic: string, kafka: Kafka, tombstonesExpire: boolean): Promise<void> {
  const logs = logManagerOf(tb.broker);
  const produced = await produceVersions(kafka, topic, logs);
  const log = logs.get(topic, 0)!;
  const cleanEnd = log.segmentBaseOffsets().at(-1)!;
  const sizeBefore = log.sizeInBytes;
  // The tombstones' segments must be older than delete.retention.ms (0 here) by the file clock.
  await new Promise((r) => setTimeout(r, 20));

  const [report] = await logs.cleanNow(topic, 0);
  expect(report).toMatchObject({ topic, partition: 0, cleaned: true, incomplete: false, cleanOffset: cleanEnd });
  expect(log.sizeInBytes).toBeLessThan(sizeBefore);

  const read = (await fetchRecords(tb.bootstrap, topic, 0, 0n, BigInt(log.logEndOffset))).map(asText);
  const latest = new Map<string, Produced>();
  for (const p of produced) if (p.offset < cleanEnd) latest.set(p.key, p);
  const expected = produced.filter((p) => {
    if (p.offset >= cleanEnd) return true;
    if (latest.get(p.key) !== p) return false;
    return !(p.value === null && tombstonesExpire);
  });
  expect(read).toEqual(expected);
  // One record per versioned key, at the offset it was written with.
  for (const key of KEYS) {
    const versions = read.filter((r) => r.key === key);
    if (DELETED.has(key) && tombstonesExpire) expect(versions).toEqual([]);
    else expect(versions).toEqual([latest.get(key)]);
  }
  expect(read.filter((r) => r.key.startsWith('filler-')).length).toBe(produced.filter((p) => p.key.startsWith('filler-')).length);
}

describe('compaction', () => {
  it('compacts a cleanup.policy=compact topic (topic configs)', async () => {
    const kafka = kafkajsClient(tb.bootstrap);
    const topic = uniqueName('compact');
    await createTopic(kafka, topic, { 'cleanup.policy': 'compact', 'segment.bytes': '1024', 'delete.retention.ms': '0', 'min.cleanable.dirty.ratio': '0.01' });
    await checkCompaction(topic, kafka, true);

    // A compacted topic refuses records without a key.
    const producer = kafka.producer();
    await producer.connect();
    try {
      await expect(producer.send({ topic, acks: -1, messages: [{ value: 'no key' }] })).rejects.toMatchObject({ type: 'INVALID_RECORD' });
    } finally {
      await producer.disconnect();
    }
  });

  it('keeps tombstones younger than delete.retention.ms (topic configs)', async () => {
    const kafka = kafkajsClient(tb.bootstrap);
    const topic = uniqueName('compact-keep');
    await createTopic(kafka, topic, { 'cleanup.policy': 'compact,delete', 'segment.bytes': '1024', 'delete.retention.ms': '3600000' });
    await checkCompaction(topic, kafka, false);
  });

  it('compacts with the storage settings applied directly to the log', async () => {
    // Independent of how the broker maps topic configs to the storage LogConfig.
    const kafka = kafkajsClient(tb.bootstrap);
    const topic = uniqueName('compact-direct');
    await createTopic(kafka, topic, { 'segment.bytes': '1024' });
    const logs = logManagerOf(tb.broker);
    const log = logs.get(topic, 0) ?? (await logs.create(topic, 0, defaultLogConfig));
    const config: LogConfig = { ...log.logConfig, cleanupPolicy: ['compact'], deleteRetentionMs: 0 };
    logs.setConfig(topic, 0, config);
    await checkCompaction(topic, kafka, true);
  });

  it('keeps the latest committed offsets of __consumer_offsets through cleaning and a restart', async () => {
    const kafka = kafkajsClient(tb.bootstrap);
    const topic = uniqueName('committed');
    await createTopic(kafka, topic, {});
    const groupId = uniqueName('group');
    const logs = logManagerOf(tb.broker);
    // Small segments for the coordinator's partitions, so that commits roll them.
    const offsetsPartitions = logs.partitions().filter((p) => p.topic === '__consumer_offsets');
    expect(offsetsPartitions.length).toBeGreaterThan(0);
    for (const p of offsetsPartitions) {
      const log = logs.get(p.topic, p.partition)!;
      logs.setConfig(p.topic, p.partition, { ...log.logConfig, cleanupPolicy: ['compact'], segmentBytes: 1000, deleteRetentionMs: 0 });
    }
    const committed = async (bootstrap: string): Promise<bigint | undefined> => {
      const admin = platformaticAdmin(bootstrap);
      try {
        const [group] = await admin.listConsumerGroupOffsets({ groups: [{ groupId, topics: [{ name: topic, partitionIndexes: [0] }] }] });
        return group.topics.find((t) => t.name === topic)?.partitions.find((p) => p.partitionIndex === 0)?.committedOffset;
      } finally {
        await admin.close();
      }
    };
    const admin = platformaticAdmin(tb.bootstrap);
    try {
      for (let i = 1; i <= 20; i++) {
        await admin.alterConsumerGroupOffsets({ groupId, topics: [{ name: topic, partitionOffsets: [{ partition: 0, offset: BigInt(i * 10) }] }] });
      }
    } finally {
      await admin.close();
    }
    const reports = await logs.cleanNow('__consumer_offsets');
    expect(reports.some((r) => r.cleaned && r.recordsRemoved > 0)).toBe(true);
    expect(await committed(tb.bootstrap)).toBe(200n);
    tb = await tb.restart();
    expect(await committed(tb.bootstrap)).toBe(200n);
  });
});
