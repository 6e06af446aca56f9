/**
 * End to end through real clients: kafkajs and @platformatic/kafka against an in-process
 * broker. Topics, every compression codec, byte-for-byte reads, offsets by time, configs,
 * DeleteRecords, idempotent producers and a broker restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompressionTypes } from 'kafkajs';
import { startBroker, uniqueName, type TestBroker } from '../helpers/broker.ts';
import { kafkajsClient } from '../helpers/kafkajs.ts';
import { fetchRecords, platformaticAdmin, platformaticProducer } from '../helpers/platformatic.ts';

let tb: TestBroker;

beforeAll(async () => {
  tb = await startBroker();
});

afterAll(async () => {
  await tb?.close();
});

function makeMessages(n: number, seed: string): { key: Buffer; value: Buffer; headers: Record<string, Buffer> }[] {
  const out = [];
  for (let i = 0; i < n; i++) {
    const value = Buffer.alloc(50 + ((i * 37) % 400));
    for (let j = 0; j < value.length; j++) value[j] = (i * 31 + j * 7) & 0xff; // binary, not text
    out.push({ key: Buffer.from(`${seed}-key-${i}`), value, headers: { 'h-index': Buffer.from(String(i)), 'h-seed': Buffer.from(seed) } });
  }
  return out;
}

describe('topics', () => {
  it('creates, lists, describes and deletes topics with kafkajs', async () => {
    const admin = kafkajsClient(tb.bootstrap).admin();
    await admin.connect();
    try {
      const name = uniqueName('admin');
      expect(await admin.createTopics({ topics: [{ topic: name, numPartitions: 3 }] })).toBe(true);
      expect(await admin.createTopics({ topics: [{ topic: name, numPartitions: 3 }] })).toBe(false); // already exists
      expect(await admin.listTopics()).toContain(name);
      const meta = await admin.fetchTopicMetadata({ topics: [name] });
      expect(meta.topics[0].partitions.map((p) => p.partitionId).sort()).toEqual([0, 1, 2]);
      expect(meta.topics[0].partitions.every((p) => p.leader === 0)).toBe(true);
      await admin.createPartitions({ topicPartitions: [{ topic: name, count: 5 }] });
      const grown = await admin.fetchTopicMetadata({ topics: [name] });
      expect(grown.topics[0].partitions).toHaveLength(5);
      await admin.deleteTopics({ topics: [name] });
      expect(await admin.listTopics()).not.toContain(name);
    } finally {
      await admin.disconnect();
    }
  });

  it('reports Kafka error codes for bad requests', async () => {
    const admin = platformaticAdmin(tb.bootstrap);
    try {
      await expect(admin.createTopics({ topics: ['bad/name'], partitions: 1, replicas: 1 })).rejects.toThrow();
      const name = uniqueName('dup');
      await admin.createTopics({ topics: [name], partitions: 1, replicas: 1 });
      await expect(admin.createPartitions({ topics: [{ name, count: 1 }] } as never)).rejects.toThrow();
      await expect(admin.createTopics({ topics: [uniqueName('rf')], partitions: 1, replicas: 3 })).rejects.toThrow();
    } finally {
      await admin.close();
    }
  });
});

describe('produce and fetch', () => {
  const codecs = [
    ['none', CompressionTypes.None],
    ['gzip', CompressionTypes.GZIP],
    ['snappy', CompressionTypes.Snappy],
    ['lz4', CompressionTypes.LZ4],
    ['zstd', CompressionTypes.ZSTD],
  ] as const;

  it.each(codecs)('kafkajs producer with %s reads back byte for byte', async (codecName, codec) => {
    const topic = uniqueName(`kjs-${codecName}`);
    const kafka = kafkajsClient(tb.bootstrap);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    const messages = makeMessages(300, codecName);
    for (let i = 0; i < messages.length; i += 100) {
      await producer.send({ topic, compression: codec, acks: -1, messages: messages.slice(i, i + 100).map((m) => ({ ...m, partition: 1 })) });
    }
    await producer.disconnect();
    const got = await fetchRecords(tb.bootstrap, topic, 1, 0n, BigInt(messages.length));
    expect(got).toHaveLength(messages.length);
    got.forEach((r, i) => {
      expect(r.offset).toBe(BigInt(i));
      expect(r.key?.equals(messages[i].key)).toBe(true);
      expect(r.value?.equals(messages[i].value)).toBe(true);
      expect(r.headers.map(([k, v]) => [k?.toString(), v?.toString()])).toEqual([
        ['h-index', String(i)],
        ['h-seed', codecName],
      ]);
    });
  });

  it.each(['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const)('@platformatic/kafka producer with %s reads back byte for byte', async (compression) => {
    const topic = uniqueName(`plt-${compression}`);
    const admin = platformaticAdmin(tb.bootstrap);
    await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 });
    await admin.close();
    const producer = platformaticProducer(tb.bootstrap);
    const messages = makeMessages(200, compression);
    try {
      const result = await producer.send({
        acks: -1,
        compression,
        messages: messages.map((m) => ({ topic, partition: 0, key: m.key, value: m.value, headers: new Map(Object.entries(m.headers).map(([k, v]) => [Buffer.from(k), v])) })),
      });
      expect(result.offsets?.[0]?.offset).toBe(0n);
    } finally {
      await producer.close();
    }
    const got = await fetchRecords(tb.bootstrap, topic, 0, 0n, 200n);
    expect(got.map((r) => r.value?.toString('hex'))).toEqual(messages.map((m) => m.value.toString('hex')));
    expect(got.map((r) => r.key?.toString())).toEqual(messages.map((m) => m.key.toString()));
  });

  it('refuses produce to an unknown partition and oversized batches with Kafka error codes', async () => {
    const topic = uniqueName('limits');
    const admin = platformaticAdmin(tb.bootstrap);
    await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1, configs: [{ name: 'max.message.bytes', value: '2000' }] });
    await admin.close();
    const producer = platformaticProducer(tb.bootstrap, { retries: 0 });
    try {
      await expect(producer.send({ messages: [{ topic, partition: 0, value: Buffer.alloc(5000, 1) }] })).rejects.toThrow();
      const ok = await producer.send({ messages: [{ topic, partition: 0, value: Buffer.alloc(100, 1) }] });
      expect(ok.offsets?.[0]?.offset).toBe(0n);
    } finally {
      await producer.close();
    }
  });
});

describe('offsets, configs and records', () => {
  it('lists offsets: earliest, latest and by timestamp', async () => {
    const topic = uniqueName('times');
    const kafka = kafkajsClient(tb.bootstrap);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    const producer = kafka.producer();
    await producer.connect();
    const base = 1_700_000_000_000;
    for (let i = 0; i < 10; i++) {
      await producer.send({ topic, acks: 1, messages: [{ value: `v${i}`, timestamp: String(base + i * 1000) }] });
    }
    await producer.disconnect();
    const latest = await admin.fetchTopicOffsets(topic);
    expect(latest[0]).toMatchObject({ partition: 0, offset: '10', low: '0', high: '10' });
    const at = await admin.fetchTopicOffsetsByTimestamp(topic, base + 4500);
    expect(at[0].offset).toBe('5');
    const before = await admin.fetchTopicOffsetsByTimestamp(topic, base - 1);
    expect(before[0].offset).toBe('0');
    await admin.disconnect();
  });

  it('alters configs and reads them back (kafkajs and @platformatic/kafka)', async () => {
    const topic = uniqueName('cfg');
    const kafka = kafkajsClient(tb.bootstrap);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, configEntries: [{ name: 'retention.ms', value: '3600000' }] }] });
    const described = await admin.describeConfigs({ resources: [{ type: 2, name: topic }], includeSynonyms: false });
    const entries = Object.fromEntries(described.resources[0].configEntries.map((e) => [e.configName, e]));
    expect(entries['retention.ms'].configValue).toBe('3600000');
    expect(entries['cleanup.policy'].configValue).toBe('delete');
    await admin.alterConfigs({ validateOnly: false, resources: [{ type: 2, name: topic, configEntries: [{ name: 'segment.bytes', value: '1048576' }] }] });
    const after = await admin.describeConfigs({ resources: [{ type: 2, name: topic, configNames: ['segment.bytes', 'retention.ms'] }], includeSynonyms: false });
    const afterEntries = Object.fromEntries(after.resources[0].configEntries.map((e) => [e.configName, e.configValue]));
    expect(afterEntries['segment.bytes']).toBe('1048576');
    expect(afterEntries['retention.ms']).not.toBe('3600000'); // non-incremental alter replaces all overrides
    await expect(
      admin.alterConfigs({ validateOnly: false, resources: [{ type: 2, name: topic, configEntries: [{ name: 'cleanup.policy', value: 'sometimes' }] }] }),
    ).rejects.toThrow();
    await admin.disconnect();

    const padmin = platformaticAdmin(tb.bootstrap);
    try {
      await padmin.incrementalAlterConfigs({ resources: [{ resourceType: 2, resourceName: topic, configs: [{ name: 'retention.bytes', configOperation: 0, value: '999999' }] }] } as never);
      const desc = await padmin.describeConfigs({ resources: [{ resourceType: 2, resourceName: topic, configurationKeys: ['retention.bytes', 'segment.bytes'] }] } as never);
      const values = Object.fromEntries((desc[0] as { configs: { name: string; value: string }[] }).configs.map((c) => [c.name, c.value]));
      expect(values).toEqual({ 'retention.bytes': '999999', 'segment.bytes': '1048576' });
    } finally {
      await padmin.close();
    }
  });

  it('deletes records and moves the log start offset', async () => {
    const topic = uniqueName('trim');
    const kafka = kafkajsClient(tb.bootstrap);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: Array.from({ length: 20 }, (_, i) => ({ value: `m${i}` })) });
    await producer.disconnect();
    await admin.fetchTopicMetadata({ topics: [topic] }); // kafkajs finds the leader in its cached metadata
    await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '12' }] });
    const offsets = await admin.fetchTopicOffsets(topic);
    expect(offsets[0]).toMatchObject({ low: '12', high: '20' });
    await admin.disconnect();
    const rest = await fetchRecords(tb.bootstrap, topic, 0, 12n, 20n);
    expect(rest.map((r) => r.value?.toString())).toEqual(Array.from({ length: 8 }, (_, i) => `m${i + 12}`));
  });

  it('idempotent kafkajs producer gets a producer id and writes once', async () => {
    const topic = uniqueName('idem');
    const kafka = kafkajsClient(tb.bootstrap);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    for (let i = 0; i < 5; i++) await producer.send({ topic, acks: -1, messages: [{ value: `i${i}` }, { value: `j${i}` }] });
    await producer.disconnect();
    const offsets = await admin.fetchTopicOffsets(topic);
    expect(offsets[0].high).toBe('10');
    await admin.disconnect();
  });
});

describe('restart', () => {
  it('serves the same topics, configs and records after a restart', async () => {
    const topic = uniqueName('restart');
    const kafka = kafkajsClient(tb.bootstrap);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 2, configEntries: [{ name: 'retention.ms', value: '7200000' }] }] });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: `v${i}`, partition: i % 2 })) });
    await producer.disconnect();
    await admin.disconnect();

    tb = await tb.restart();

    const admin2 = kafkajsClient(tb.bootstrap).admin();
    await admin2.connect();
    expect(await admin2.listTopics()).toContain(topic);
    const cfg = await admin2.describeConfigs({ resources: [{ type: 2, name: topic, configNames: ['retention.ms'] }], includeSynonyms: false });
    expect(cfg.resources[0].configEntries[0].configValue).toBe('7200000');
    const offsets = await admin2.fetchTopicOffsets(topic);
    expect(offsets.map((o) => o.high).sort()).toEqual(['25', '25']);
    await admin2.disconnect();
    const p0 = await fetchRecords(tb.bootstrap, topic, 0, 0n, 25n);
    expect(p0.map((r) => r.value?.toString())).toEqual(Array.from({ length: 25 }, (_, i) => `v${i * 2}`));
  });
});
