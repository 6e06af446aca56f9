/**
 * Consumer groups with librdkafka clients: kcat's balanced consumer (-G) and
 * confluent-kafka-python consumers with the range and cooperative-sticky assignors, sharing a
 * topic, committing, closing and resuming.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, uniqueName, type TestBroker } from '../helpers/broker.ts';
import { kafkajsClient } from '../helpers/kafkajs.ts';
import { findPython, kcat, kcatOk, runPythonJson } from './helpers.ts';

let tb: TestBroker;
const python = findPython();

beforeAll(async () => {
  tb = await startBroker();
});

afterAll(async () => {
  await tb?.close();
});

async function setup(partitions: number, count: number): Promise<string> {
  const topic = uniqueName('grp');
  const kafka = kafkajsClient(tb.bootstrap);
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions }] });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: Array.from({ length: count }, (_, i) => ({ key: `k${i}`, value: `v${i}` })) });
  await producer.disconnect();
  return topic;
}

async function committedTotal(groupId: string, topic: string): Promise<number> {
  const admin = kafkajsClient(tb.bootstrap).admin();
  await admin.connect();
  const offsets = await admin.fetchOffsets({ groupId, topics: [topic] });
  await admin.disconnect();
  return offsets[0].partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
}

describe('kcat -G', () => {
  it('consumes a topic in a group, commits, and resumes where it left off', async () => {
    const topic = await setup(3, 30);
    const group = uniqueName('kcat');
    const first = await kcatOk(tb.bootstrap, ['-G', group, '-c', '30', '-f', '%s\\n', '-X', 'auto.offset.reset=earliest', '-X', 'auto.commit.interval.ms=100', topic], { timeoutMs: 60_000 });
    expect(first.toString().trim().split('\n').sort()).toEqual(Array.from({ length: 30 }, (_, i) => `v${i}`).sort());
    expect(await committedTotal(group, topic)).toBe(30);

    const producer = kafkajsClient(tb.bootstrap).producer();
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: [{ value: 'after-1' }, { value: 'after-2' }] });
    await producer.disconnect();
    const second = await kcat(tb.bootstrap, ['-G', group, '-c', '2', '-f', '%s\\n', '-X', 'auto.offset.reset=earliest', topic], { timeoutMs: 60_000 });
    expect(second.stdout.toString().trim().split('\n').sort()).toEqual(['after-1', 'after-2']);
  });
});

describe.skipIf(python === null)('confluent-kafka-python groups', () => {
  it.each(['range', 'cooperative-sticky'])('two %s consumers share a topic, then a new one resumes from the commits', async (assignor) => {
    const topic = await setup(4, 40);
    const group = uniqueName(`py-${assignor}`);
    const [a, b] = await Promise.all([
      runPythonJson<{ values: string[]; assignments: number[][] }>(python!, 'group_consume.py', [tb.bootstrap, topic, group, assignor, '40', '25', '4'], { timeoutMs: 60_000 }),
      runPythonJson<{ values: string[]; assignments: number[][] }>(python!, 'group_consume.py', [tb.bootstrap, topic, group, assignor, '40', '25', '4'], { timeoutMs: 60_000 }),
    ]);
    // Both members owned partitions at some point, and together they read everything once.
    expect(a.assignments.some((x) => x.length > 0)).toBe(true);
    expect(b.assignments.some((x) => x.length > 0)).toBe(true);
    const all = [...a.values, ...b.values];
    expect(new Set(all).size).toBe(40);
    expect(await committedTotal(group, topic)).toBe(40);

    const producer = kafkajsClient(tb.bootstrap).producer();
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: Array.from({ length: 5 }, (_, i) => ({ value: `late${i}` })) });
    await producer.disconnect();
    const c = await runPythonJson<{ values: string[]; committed: Record<string, number> }>(python!, 'group_consume.py', [tb.bootstrap, topic, group, assignor, '5', '20'], { timeoutMs: 60_000 });
    expect(c.values.sort()).toEqual(['late0', 'late1', 'late2', 'late3', 'late4']);
    expect(Object.values(c.committed).reduce((x, y) => x + y, 0)).toBe(45);
  });
});
