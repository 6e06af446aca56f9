/**
 * KafkaLagSource against a real broker in this process: what a snapshot holds (groups with
 * members and assignments, committed offsets, log start and end offsets), only the asked
 * groups, non-consumer groups, and a broker going away and coming back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Admin } from '@platformatic/kafka';
import { startBroker, uniqueName, type TestBroker } from '../../test/helpers/broker.ts';
import { platformaticAdmin } from '../../test/helpers/platformatic.ts';
import { parseBootstrapServers } from '../cli/flags.ts';
import { KafkaLagSource, pollErrorMessage } from './lag-source.ts';

let tb: TestBroker;
let admin: Admin;
const topic = uniqueName('orders');
const other = uniqueName('other');

const target = (bootstrap: string, timeoutMs = 5000) => ({ servers: parseBootstrapServers(bootstrap), clientOptions: { clientId: 'lag-source-test' }, timeoutMs });

beforeAll(async () => {
  tb = await startBroker();
  admin = platformaticAdmin(tb.bootstrap);
  await admin.createTopics({ topics: [topic], partitions: 2, replicas: 1 });
  await admin.createTopics({ topics: [other], partitions: 1, replicas: 1 });
  const { Producer } = await import('@platformatic/kafka');
  const producer = new Producer({ clientId: 'p', bootstrapBrokers: [tb.bootstrap] });
  await producer.send({ messages: Array.from({ length: 30 }, (_v, i) => ({ topic, partition: i % 2, value: Buffer.from(`v${i}`) })) });
  await producer.close();
  await admin.alterConsumerGroupOffsets({ groupId: 'simple', topics: [{ name: topic, partitionOffsets: [{ partition: 0, offset: 5n }, { partition: 1, offset: 15n }] }] });
}, 30_000);

afterAll(async () => {
  await admin?.close().catch(() => undefined);
  await tb?.close();
});

describe('KafkaLagSource', () => {
  it('takes a snapshot: groups, committed offsets, log bounds of the topics involved', async () => {
    const source = new KafkaLagSource({ target: target(tb.bootstrap) });
    try {
      const s = await source.poll();
      expect(s.at).toBeGreaterThan(0);
      expect(s.pollMs).toBeGreaterThanOrEqual(0);
      const g = s.groups.find((x) => x.group === 'simple')!;
      expect(g).toMatchObject({ state: 'Empty', protocolType: '', members: [] });
      expect(g.offsets.sort((a, b) => a.partition - b.partition)).toEqual([
        { topic, partition: 0, committed: 5n },
        { topic, partition: 1, committed: 15n },
      ]);
      // Only the topics the groups use.
      expect(s.topics.map((t) => t.topic)).toEqual([topic]);
      expect(s.topics[0].partitions).toEqual([
        { partition: 0, logStart: 0n, logEnd: 15n },
        { partition: 1, logStart: 0n, logEnd: 15n },
      ]);
    } finally {
      await source.close();
    }
  });

  it('every topic with allTopics; only the asked groups, unknown ones as Dead', async () => {
    const source = new KafkaLagSource({ target: target(tb.bootstrap), groups: ['simple', 'nobody'], allTopics: true });
    try {
      const s = await source.poll();
      expect(s.groups.map((g) => [g.group, g.state])).toEqual([
        ['nobody', 'Dead'],
        ['simple', 'Empty'],
      ]);
      expect(s.topics.map((t) => t.topic)).toEqual([topic, other].sort());
      expect(s.topics.some((t) => t.topic.startsWith('__'))).toBe(false);
    } finally {
      await source.close();
    }
  });

  it('rejects while the broker is away and reconnects when it is back', async () => {
    const b = await startBroker();
    const source = new KafkaLagSource({ target: target(b.bootstrap, 3000) });
    try {
      await source.poll();
      const port = b.port;
      const stopped = b.broker.stop();
      await stopped;
      const err = await source.poll().then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).not.toBeNull();
      expect(pollErrorMessage(err)).toMatch(/127\.0\.0\.1|ECONNREFUSED|timed out|no answer|closed|Connection/i);
      const again = await startBroker({ dataDir: b.dataDir, port });
      try {
        const s = await source.poll();
        expect(s.groups).toEqual([]);
      } finally {
        await again.close();
      }
    } finally {
      await source.close();
    }
  });
});

describe('pollErrorMessage', () => {
  it('takes the innermost message of aggregates, with the errno code', () => {
    const inner = Object.assign(new Error('Connection to 127.0.0.1:1 failed.'), { code: 'ECONNREFUSED' });
    expect(pollErrorMessage(new AggregateError([new Error('first'), inner], 'Listing groups failed.'))).toBe('Connection to 127.0.0.1:1 failed. (ECONNREFUSED)');
    expect(pollErrorMessage(new Error('two\nlines'))).toBe('two; lines');
    expect(pollErrorMessage('text')).toBe('text');
    const wrapped = new Error('Connection to 127.0.0.1:1 failed.', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    expect(pollErrorMessage(wrapped)).toBe('Connection to 127.0.0.1:1 failed. (ECONNREFUSED)');
  });
});
