/**
 * confluent-kafka-python (librdkafka) against the broker, through the scripts in ./python:
 * AdminClient topic and config operations, an idempotent producer, a Consumer with assign() and
 * seek() (no consumer group: offsets are never committed), offsets_for_times and
 * get_watermark_offsets. Results are cross-checked with kafkajs, @platformatic/kafka and the
 * batches the broker stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, uniqueName, type TestBroker } from '../helpers/broker.ts';
import { kafkajsClient } from '../helpers/kafkajs.ts';
import { fetchRecords } from '../helpers/platformatic.ts';
import { findPython, readStoredBatches, runPythonJson } from './helpers.ts';

interface KafkaErr {
  code: number;
  name: string;
  str: string;
}
interface AdminResult {
  error: KafkaErr | null;
}
interface ListResult extends AdminResult {
  cluster_id: string | null;
  controller_id: number;
  orig_broker_id: number;
  brokers: { id: number; host: string; port: number }[];
  topics: Record<string, { error: KafkaErr | null; partitions: Record<string, { leader: number; replicas: number[]; isrs: number[]; error: KafkaErr | null }> }>;
}
interface DescribeResult extends AdminResult {
  configs: Record<string, { value: string | null; source: number; is_default: boolean; is_read_only: boolean; is_sensitive: boolean }>;
}
interface Delivery {
  i: number;
  error: KafkaErr | null;
  partition: number;
  offset: number;
  key: string;
  value: string;
  timestamp: number;
}
interface ProduceResult {
  deliveries: Delivery[];
  errors: KafkaErr[];
  not_flushed: number;
}
interface ConsumedRecord {
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
  headers: [string, string | null][];
  timestamp_type: number;
  timestamp: number;
}
interface ConsumeResult {
  watermarks: Record<string, [number, number]>;
  records: ConsumedRecord[];
  after_seek: ConsumedRecord[];
  complete: boolean;
  errors: KafkaErr[];
}
interface OffsetsResult {
  by_time: Record<string, Record<string, number>>;
  watermarks: Record<string, [number, number]>;
  errors: KafkaErr[];
}

let tb: TestBroker;
let python: string;

beforeAll(async () => {
  const found = findPython();
  if (!found) throw new Error('no Python interpreter with confluent_kafka found (set KSTREAM_PYTHON, or install python3-confluent-kafka)');
  python = found;
  tb = await startBroker();
});

afterAll(async () => {
  await tb?.close();
});

const admin = <T extends AdminResult>(...args: string[]) => runPythonJson<T>(python, 'admin.py', [tb.bootstrap, ...args]);

/** What produce.py writes as message i (mirrors message_value there), as hex. */
function expectedValueHex(i: number): string {
  const length = 1 + ((i * 53) % 300);
  const buf = Buffer.alloc(length);
  for (let j = 0; j < length; j++) buf[j] = (i * 131 + j * 29 + (j >> 3)) & 0xff;
  return buf.toString('hex');
}

function expectedHeaders(i: number): [string, string][] {
  return [
    ['seq', Buffer.from(String(i)).toString('hex')],
    ['bin', Buffer.from([i & 0xff, 0x00, 0xff]).toString('hex')],
  ];
}

async function kafkajsTopics(): Promise<string[]> {
  const a = kafkajsClient(tb.bootstrap).admin();
  await a.connect();
  try {
    return await a.listTopics();
  } finally {
    await a.disconnect();
  }
}

async function kafkajsPartitionCount(topic: string): Promise<number> {
  const a = kafkajsClient(tb.bootstrap).admin();
  await a.connect();
  try {
    const meta = await a.fetchTopicMetadata({ topics: [topic] });
    return meta.topics[0].partitions.length;
  } finally {
    await a.disconnect();
  }
}

describe('AdminClient', () => {
  it('creates, lists, describes, alters, grows and deletes a topic', async () => {
    const topic = uniqueName('pyadm');

    expect(await admin('create', topic, '3', 'retention.ms=3600000', 'max.message.bytes=100000')).toEqual({ error: null });
    expect(await kafkajsPartitionCount(topic)).toBe(3);
    expect((await admin('create', topic, '3')).error).toMatchObject({ code: 36, name: 'TOPIC_ALREADY_EXISTS' });
    expect((await admin('create', uniqueName('pybad'), '1', 'no.such.config=1')).error).toMatchObject({ code: 40, name: 'INVALID_CONFIG' });
    expect((await admin('create', uniqueName('pybad'), '1', 'retention.ms=soon')).error).toMatchObject({ code: 40, name: 'INVALID_CONFIG' });
    expect((await admin('create', 'bad/name', '1')).error).toMatchObject({ code: 17 }); // INVALID_TOPIC_EXCEPTION (librdkafka: TOPIC_EXCEPTION)
    const validated = uniqueName('pyval');
    expect(await admin('create', validated, '2', '--validate-only')).toEqual({ error: null });
    expect(await kafkajsTopics()).not.toContain(validated);

    const list = await admin<ListResult>('list');
    expect(list.error).toBeNull();
    expect(list.brokers).toEqual([{ id: 0, host: tb.host, port: tb.port }]);
    expect(list.controller_id).toBe(0);
    expect(list.orig_broker_id).toBe(0);
    expect(list.cluster_id).toBe(tb.broker.clusterId);
    expect(list.topics[topic]).toEqual({
      error: null,
      partitions: Object.fromEntries([0, 1, 2].map((p) => [String(p), { leader: 0, replicas: [0], isrs: [0], error: null }])),
    });

    const described = await admin<DescribeResult>('describe', topic);
    expect(described.error).toBeNull();
    expect(described.configs['retention.ms']).toMatchObject({ value: '3600000', source: 1, is_default: false, is_sensitive: false });
    expect(described.configs['max.message.bytes']).toMatchObject({ value: '100000', source: 1 });
    expect(described.configs['cleanup.policy']).toMatchObject({ value: 'delete', source: 5, is_default: true });
    expect(described.configs['segment.bytes']).toMatchObject({ value: '1073741824', source: 5 });

    const brokerConfigs = await admin<DescribeResult>('describe-broker', '0');
    expect(brokerConfigs.error).toBeNull();
    expect(brokerConfigs.configs['auto.create.topics.enable']).toMatchObject({ value: 'true', is_read_only: true });
    expect(brokerConfigs.configs['num.partitions']).toMatchObject({ value: '1' });

    // alter_configs is the non-incremental AlterConfigs: the given set replaces every override.
    expect(await admin('alter', topic, 'segment.bytes=1048576', 'retention.ms=7200000')).toEqual({ error: null });
    const altered = await admin<DescribeResult>('describe', topic);
    expect(altered.configs['segment.bytes']).toMatchObject({ value: '1048576', source: 1 });
    expect(altered.configs['retention.ms']).toMatchObject({ value: '7200000', source: 1 });
    expect(altered.configs['max.message.bytes'].source).toBe(5);
    expect((await admin('alter', topic, 'cleanup.policy=sometimes')).error).toMatchObject({ code: 40, name: 'INVALID_CONFIG' });
    expect((await admin<DescribeResult>('describe', topic)).configs['segment.bytes'].value).toBe('1048576'); // unchanged by the failure
    const kjs = kafkajsClient(tb.bootstrap).admin();
    await kjs.connect();
    try {
      const cfg = await kjs.describeConfigs({ resources: [{ type: 2, name: topic, configNames: ['segment.bytes'] }], includeSynonyms: false });
      expect(cfg.resources[0].configEntries[0].configValue).toBe('1048576');
    } finally {
      await kjs.disconnect();
    }

    expect(await admin('partitions', topic, '5')).toEqual({ error: null });
    expect(Object.keys((await admin<ListResult>('list', topic)).topics[topic].partitions).sort()).toEqual(['0', '1', '2', '3', '4']);
    expect((await admin('partitions', topic, '2')).error).toMatchObject({ code: 37, name: 'INVALID_PARTITIONS' });
    expect(await admin('partitions', topic, '8', '--validate-only')).toEqual({ error: null });
    expect(await kafkajsPartitionCount(topic)).toBe(5);

    expect(await admin('delete', topic)).toEqual({ error: null });
    expect(await kafkajsTopics()).not.toContain(topic);
    expect((await admin('delete', topic)).error).toMatchObject({ code: 3 });
  });
});

describe('idempotent producer, assign/seek consumer and offsets', () => {
  const count = 200;
  const partitions = 4;
  const base = 1_700_000_000_000;
  let topic: string;
  let produced: ProduceResult;
  /** Deliveries per partition in produce order. */
  const byPartition = new Map<number, Delivery[]>();

  beforeAll(async () => {
    topic = uniqueName('pyidem');
    expect(await admin('create', topic, String(partitions))).toEqual({ error: null });
    produced = await runPythonJson<ProduceResult>(python, 'produce.py', [tb.bootstrap, topic, String(count), '--base-timestamp', String(base), '--compression', 'zstd']);
    for (const d of produced.deliveries ?? []) {
      if (!byPartition.has(d.partition)) byPartition.set(d.partition, []);
      byPartition.get(d.partition)!.push(d);
    }
  });

  it('gets a successful delivery report for every message, with contiguous offsets per partition', async () => {
    expect(produced.errors).toEqual([]);
    expect(produced.not_flushed).toBe(0);
    expect(produced.deliveries).toHaveLength(count);
    produced.deliveries.forEach((d, i) => {
      expect(d, `delivery ${i}`).toMatchObject({ i, error: null, key: Buffer.from(`key-${i}`).toString('hex'), value: expectedValueHex(i), timestamp: base + i * 1000 });
    });
    expect(byPartition.size).toBeGreaterThan(1); // the key hash spread them
    for (const [p, list] of byPartition) {
      expect(list.map((d) => d.offset), `offsets of partition ${p} in produce order`).toEqual(list.map((_, k) => k));
    }
    const a = kafkajsClient(tb.bootstrap).admin();
    await a.connect();
    try {
      const offsets = await a.fetchTopicOffsets(topic);
      for (const o of offsets) expect(o.high, `high watermark of partition ${o.partition}`).toBe(String(byPartition.get(o.partition)?.length ?? 0));
    } finally {
      await a.disconnect();
    }
  });

  it('stored batches carry the producer id, epoch and contiguous sequence numbers (zstd-compressed)', async () => {
    let producerId: bigint | undefined;
    for (const [p, list] of byPartition) {
      const batches = await readStoredBatches(tb.dataDir, topic, p);
      let expectedSeq = 0;
      let expectedOffset = 0n;
      for (const b of batches) {
        expect(b.producerId).toBeGreaterThanOrEqual(0n);
        producerId ??= b.producerId;
        expect(b.producerId).toBe(producerId); // one producer, one id
        expect(b.producerEpoch).toBeGreaterThanOrEqual(0);
        expect(b.baseOffset).toBe(expectedOffset);
        expect(b.baseSequence).toBe(expectedSeq);
        expect(b.codec).toBe(4);
        expectedSeq += b.recordCount;
        expectedOffset += BigInt(b.lastOffsetDelta + 1);
      }
      expect(expectedSeq).toBe(list.length);
    }
  });

  it('reads the same bytes with @platformatic/kafka', async () => {
    for (const [p, list] of byPartition) {
      const records = await fetchRecords(tb.bootstrap, topic, p, 0n, BigInt(list.length));
      expect(records.map((r) => [r.key?.toString('hex'), r.value?.toString('hex'), Number(r.timestamp)])).toEqual(list.map((d) => [d.key, d.value, d.timestamp]));
      expect(records.map((r) => r.headers.map(([k, v]) => [k?.toString(), v?.toString('hex')]))).toEqual(list.map((d) => expectedHeaders(d.i)));
    }
  });

  it('a Consumer with assign() at explicit offsets and seek() reads back exactly what was produced', async () => {
    const p = [...byPartition.keys()].sort((x, y) => x - y);
    const [pa, pb, pc] = p;
    const mid = Math.floor(byPartition.get(pb)!.length / 2);
    const seekTo = Math.min(3, byPartition.get(pa)!.length - 1);
    const assignment = [`${pa}:beginning`, `${pb}:${mid}`, ...(pc !== undefined ? [`${pc}:end`] : [])].join(',');
    const result = await runPythonJson<ConsumeResult>(python, 'consume.py', [tb.bootstrap, topic, assignment, '--seek', `${pa}:${seekTo}`]);
    expect(result.complete).toBe(true);
    expect(result.errors).toEqual([]);
    expect(result.watermarks[String(pa)]).toEqual([0, byPartition.get(pa)!.length]);

    const asRecord = (d: Delivery): ConsumedRecord => ({
      partition: d.partition,
      offset: d.offset,
      key: d.key,
      value: d.value,
      headers: expectedHeaders(d.i),
      timestamp_type: 1, // CreateTime
      timestamp: d.timestamp,
    });
    const sortKey = (r: ConsumedRecord) => r.partition * 1e6 + r.offset;
    const expected = [...byPartition.get(pa)!, ...byPartition.get(pb)!.slice(mid)].map(asRecord).sort((x, y) => sortKey(x) - sortKey(y));
    expect([...result.records].sort((x, y) => sortKey(x) - sortKey(y))).toEqual(expected);
    // Within a partition, messages come in offset order.
    for (const part of [pa, pb]) {
      const offsets = result.records.filter((r) => r.partition === part).map((r) => r.offset);
      expect(offsets).toEqual([...offsets].sort((x, y) => x - y));
    }
    expect(result.after_seek).toEqual(byPartition.get(pa)!.slice(seekTo).map(asRecord));
  });

  /** Checks offsets_for_times against the deliveries: the first offset with timestamp >= the probe, else -1. */
  async function checkOffsetsForTimes(t: string, parts: number, perPartition: Map<number, Delivery[]>, probes: number[]): Promise<void> {
    const result = await runPythonJson<OffsetsResult>(python, 'offsets.py', [tb.bootstrap, t, String(parts), ...probes.map(String)]);
    expect(result.errors).toEqual([]);
    for (const ts of probes) {
      for (let p = 0; p < parts; p++) {
        const first = (perPartition.get(p) ?? []).find((d) => d.timestamp >= ts);
        expect(result.by_time[String(ts)][String(p)], `offsets_for_times: partition ${p} at ${ts}`).toBe(first ? first.offset : -1);
      }
    }
    for (let p = 0; p < parts; p++) expect(result.watermarks[String(p)], `watermarks of partition ${p}`).toEqual([0, perPartition.get(p)?.length ?? 0]);
  }

  it('offsets_for_times finds the first offset at or after a time; get_watermark_offsets reports low and high (uncompressed)', async () => {
    const plain = uniqueName('pytimes');
    const n = 60;
    expect(await admin('create', plain, '2')).toEqual({ error: null });
    const result = await runPythonJson<ProduceResult>(python, 'produce.py', [tb.bootstrap, plain, String(n), '--base-timestamp', String(base)]);
    expect(result.deliveries.every((d) => d.error === null)).toBe(true);
    const perPartition = new Map<number, Delivery[]>();
    for (const d of result.deliveries) perPartition.set(d.partition, [...(perPartition.get(d.partition) ?? []), d]);
    await checkOffsetsForTimes(plain, 2, perPartition, [base - 1, base, base + 1500, base + 17_000, base + 33_500, base + (n - 1) * 1000, base + n * 1000 + 1]);
  });

  // Kafka's ListOffsets by timestamp returns the first *record* whose timestamp is >= the one
  // asked for, looking inside compressed batches too (LogSegment.findOffsetByTimestamp).
  it('offsets_for_times is exact inside compressed (zstd) batches', async () => {
    const probes = [base - 1, base, base + 1500, base + 77_000, base + 150_500, base + (count - 1) * 1000, base + count * 1000 + 1];
    await checkOffsetsForTimes(topic, partitions, byPartition, probes);
  });
});

describe('across clients', () => {
  it('reads what kafkajs wrote (binary, null keys and values, headers) and sees the log start after DeleteRecords', async () => {
    const topic = uniqueName('pykjs');
    const kafka = kafkajsClient(tb.bootstrap);
    const a = kafka.admin();
    await a.connect();
    const base = 1_600_000_000_000;
    const messages = Array.from({ length: 30 }, (_, i) => ({
      key: i % 5 === 0 ? null : Buffer.from([0xff, i, 0x00]),
      value: i % 9 === 4 ? null : Buffer.from(expectedValueHex(i + 7), 'hex'),
      headers: { origin: 'kafkajs', n: Buffer.from([i, 0]) },
      timestamp: String(base + i * 10),
      partition: 0,
    }));
    try {
      await a.createTopics({ topics: [{ topic, numPartitions: 1 }] });
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({ topic, acks: -1, messages });
      await producer.disconnect();

      const read = await runPythonJson<ConsumeResult>(python, 'consume.py', [tb.bootstrap, topic, '0:0']);
      expect(read.complete).toBe(true);
      expect(read.records.map((r) => [r.offset, r.key, r.value, r.timestamp, r.headers])).toEqual(
        messages.map((m, i) => [
          i,
          m.key === null ? null : m.key.toString('hex'),
          m.value === null ? null : m.value.toString('hex'),
          Number(m.timestamp),
          [
            ['origin', Buffer.from('kafkajs').toString('hex')],
            ['n', Buffer.from([i, 0]).toString('hex')],
          ],
        ]),
      );

      await a.fetchTopicMetadata({ topics: [topic] });
      await a.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '12' }] });
    } finally {
      await a.disconnect();
    }
    const after = await runPythonJson<OffsetsResult>(python, 'offsets.py', [tb.bootstrap, topic, '1', String(base - 1), String(base + 200)]);
    expect(after.watermarks).toEqual({ '0': [12, 30] });
    expect(after.by_time[String(base - 1)]).toEqual({ '0': 12 }); // nothing below the log start offset
    expect(after.by_time[String(base + 200)]).toEqual({ '0': 20 });
    const rest = await runPythonJson<ConsumeResult>(python, 'consume.py', [tb.bootstrap, topic, '0:beginning']);
    expect(rest.records.map((r) => r.offset)).toEqual(Array.from({ length: 18 }, (_, i) => i + 12));
  });
});
