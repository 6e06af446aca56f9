/**
 * End-to-end tests of `kstream topics ...` run as real processes through the built entry point
 * (bin/run.js → dist/) against a broker started in this process. stdout is not a terminal here,
 * so tables are plain aligned columns. The build is brought up to date in `beforeAll` when
 * dist/ is older than src/.
 */
import { rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, uniqueName, type TestBroker } from '../helpers/broker.ts';
import { platformaticAdmin, platformaticStringProducer } from '../helpers/platformatic.ts';
import { cliEnvironment, cliTempDir, ensureCliBuilt, runCliOutput, type CliOutput } from '../helpers/cli.ts';
import type { Admin } from '@platformatic/kafka';
import type { TopicsListResult } from '../../src/commands/topics/index.ts';
import type { TopicsCreateResult } from '../../src/commands/topics/create.ts';
import type { TopicsDescribeResult } from '../../src/commands/topics/describe.ts';
import type { TopicsDeleteResult } from '../../src/commands/topics/delete.ts';
import type { TopicsAlterConfigResult } from '../../src/commands/topics/alter-config.ts';
import type { TopicsAddPartitionsResult } from '../../src/commands/topics/add-partitions.ts';
import type { TopicsTrimResult } from '../../src/commands/topics/trim.ts';

const tmp = cliTempDir('cli-topics');

/** Environment of every CLI process: no colors, no inherited connection settings, a private HOME and config dir. */
const cliEnv = cliEnvironment(tmp);

type RunResult = CliOutput;

/** Runs the CLI to completion. */
function run(args: string[], options: { env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return runCliOutput(args, { cwd: tmp, env: { ...cliEnv, ...options.env } });
}

/** Runs against the shared broker; fails the test with the output when the exit code is not `code`. */
async function kstream(args: string[], code = 0): Promise<RunResult> {
  const result = await run([...args, '-b', tb.bootstrap]);
  if (result.code !== code) throw new Error(`kstream ${args.join(' ')}: exit ${result.code}, expected ${code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  return result;
}

async function kstreamJson<T>(args: string[]): Promise<T> {
  const { stdout } = await kstream([...args, '--json']);
  return JSON.parse(stdout) as T;
}

/** Produces `count` records to one partition, record i with timestamp `timestamp(i)`. */
async function produce(topic: string, partition: number, count: number, timestamp: (i: number) => number = () => Date.now()): Promise<void> {
  const producer = platformaticStringProducer(tb.bootstrap);
  try {
    await producer.send({ messages: Array.from({ length: count }, (_, i) => ({ topic, partition, value: `v${i}`, timestamp: BigInt(timestamp(i)) })) });
  } finally {
    await producer.close();
  }
}

/** A port nothing listens on (bound once, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let tb: TestBroker;
/** An in-process client for setting topics up and checking results where the CLI's output is not what is tested. */
let admin: Admin;
const silentServers: Server[] = [];

beforeAll(async () => {
  ensureCliBuilt();
  tb = await startBroker();
  admin = platformaticAdmin(tb.bootstrap);
});

afterAll(async () => {
  for (const s of silentServers) s.close();
  await admin?.close();
  await tb?.close();
  rmSync(tmp, { recursive: true, force: true });
});

async function createTopic(name: string, partitions = 1, configs: Record<string, string> = {}): Promise<void> {
  await admin.createTopics({ topics: [name], partitions, replicas: 1, configs: Object.entries(configs).map(([n, value]) => ({ name: n, value })) });
}

/** The topic's config overrides as `key=value`, sorted. */
async function overrides(name: string): Promise<string[]> {
  const [described] = await admin.describeConfigs({ resources: [{ resourceType: 2, resourceName: name }] });
  return described.configs.filter((c) => c.configSource === 1).map((c) => `${c.name}=${c.value}`).sort();
}

/** [log start offset, high watermark] of each partition. */
async function offsets(name: string, partitions: number): Promise<[number, number][]> {
  const list = async (timestamp: bigint): Promise<number[]> => {
    const [t] = await admin.listOffsets({ topics: [{ name, partitions: Array.from({ length: partitions }, (_, partitionIndex) => ({ partitionIndex, timestamp })) }] });
    return [...t.partitions].sort((a, b) => a.partitionIndex - b.partitionIndex).map((p) => Number(p.offset));
  };
  const starts = await list(-2n);
  const ends = await list(-1n);
  return starts.map((start, i) => [start, ends[i]]);
}

async function topicNames(): Promise<string[]> {
  return admin.listTopics();
}

describe.concurrent('kstream topics', () => {
  describe('topics (list)', () => {
    let lb: TestBroker;
    beforeAll(async () => {
      // A broker of its own so the list is exactly known.
      lb = await startBroker();
      const a = platformaticAdmin(lb.bootstrap);
      try {
        await a.createTopics({ topics: ['beta'], partitions: 1, replicas: 1 });
        await a.createTopics({ topics: ['alpha'], partitions: 3, replicas: 1 });
      } finally {
        await a.close();
      }
    });
    afterAll(async () => {
      await lb?.close();
    });

    it('prints a plain table sorted by name (topics ls = topics list = topics)', async () => {
      const r = await run(['topics', 'ls', '-b', lb.bootstrap]);
      expect(r).toEqual({ code: 0, stdout: ['NAME   PARTITIONS  REPLICAS', 'alpha  3           1', 'beta   1           1', ''].join('\n'), stderr: '' });
    });

    it('--json and --output yaml', async () => {
      const json = await run(['topics', '--json', '-b', lb.bootstrap]);
      expect(JSON.parse(json.stdout) as TopicsListResult).toEqual({
        topics: [
          { name: 'alpha', partitions: 3, replicationFactor: 1, internal: false },
          { name: 'beta', partitions: 1, replicationFactor: 1, internal: false },
        ],
      });
      const yaml = await run(['topics', '--output', 'yaml', '-b', lb.bootstrap]);
      expect(yaml.stdout).toBe([
        'topics:',
        '  - name: alpha',
        '    partitions: 3',
        '    replicationFactor: 1',
        '    internal: false',
        '  - name: beta',
        '    partitions: 1',
        '    replicationFactor: 1',
        '    internal: false',
        '',
      ].join('\n'));
    });

    it('--internal adds __consumer_offsets with its partitions', async () => {
      const { topics } = JSON.parse((await run(['topics', '--internal', '--json', '-b', lb.bootstrap])).stdout) as TopicsListResult;
      const internal = topics.find((t) => t.name === '__consumer_offsets');
      expect(internal).toMatchObject({ internal: true, replicationFactor: 1 });
      expect(internal!.partitions).toBeGreaterThan(0);
      expect(topics.map((t) => t.name)).toEqual(['__consumer_offsets', 'alpha', 'beta']);
    });
  });

  describe('topics create', () => {
    it('creates topics with configs and prints them', async () => {
      const a = uniqueName('create-a');
      const b = uniqueName('create-b');
      const r = await kstream(['topics', 'create', a, b, '--partitions', '3', '--replication-factor', '1', '--config', 'retention.ms=3600000', '-c', 'cleanup.policy=compact']);
      const w = a.length;
      const row = (name: string): string => `${name.padEnd(w)}  created  3           1`;
      expect(r.stdout).toBe([`${'TOPIC'.padEnd(w)}  STATUS   PARTITIONS  REPLICATION-FACTOR`, row(a), row(b), ''].join('\n'));
      expect(r.stderr).toBe('');
      expect(await overrides(b)).toEqual(['cleanup.policy=compact', 'retention.ms=3600000']);
    });

    it('--json gives the created topics with their ids', async () => {
      const name = uniqueName('create-json');
      const result = await kstreamJson<TopicsCreateResult>(['topics', 'create', name, '-p', '2']);
      expect(result).toEqual({ topics: [{ name, status: 'created', topicId: expect.stringMatching(/^[0-9a-f-]{36}$/), partitions: 2, replicationFactor: 1 }] });
    });

    it('an existing topic fails with exit code 3 and a hint, unless --if-not-exists', async () => {
      const name = uniqueName('create-dup');
      await createTopic(name);
      const again = await kstream(['topics', 'create', name], 3);
      expect(again).toEqual({ code: 3, stdout: '', stderr: `error: topic "${name}" already exists (TOPIC_ALREADY_EXISTS); use --if-not-exists to ignore\n` });

      const ignored = await kstream(['topics', 'create', name, '--if-not-exists', '--json']);
      expect(ignored.stderr).toBe(`topic "${name}" already exists\n`);
      expect(JSON.parse(ignored.stdout)).toEqual({ topics: [{ name, status: 'exists', topicId: null, partitions: null, replicationFactor: null }] });
    });

    it('creates the new ones of a list and fails for the existing one', async () => {
      const old = uniqueName('create-old');
      const fresh = uniqueName('create-new');
      await createTopic(old);
      const r = await kstream(['topics', 'create', old, fresh], 3);
      expect(r.stdout).toContain(`${fresh}  created`);
      expect(r.stderr).toBe(`error: topic "${old}" already exists (TOPIC_ALREADY_EXISTS); use --if-not-exists to ignore\n`);
      expect(await topicNames()).toContain(fresh);
    });

    it('--validate-only creates nothing', async () => {
      const name = uniqueName('create-validate');
      const r = await kstream(['topics', 'create', name, '--partitions', '4', '--validate-only', '--output', 'json']);
      expect(JSON.parse(r.stdout)).toEqual({ topics: [{ name, status: 'valid', topicId: null, partitions: 4, replicationFactor: 1 }] });
      expect(r.stderr).toBe('validate only: nothing was created\n');
      expect(await topicNames()).not.toContain(name);
    });

    it('refuses bad flags and values with exit code 2', async () => {
      const zero = await kstream(['topics', 'create', 'x', '--partitions', '0'], 2);
      expect(zero).toEqual({ code: 2, stdout: '', stderr: "error: Parsing --partitions; Expected an integer greater than or equal to 1 but received: 0; see 'kstream topics create --help'\n" });
      const unknown = await kstream(['topics', 'create', 'x', '--bogus'], 2);
      expect(unknown.stderr).toBe("error: Nonexistent flag: --bogus; see 'kstream topics create --help'\n");
    });
  });

  describe('topics describe', () => {
    it('prints the topic, its partitions with offsets, and its overrides', async () => {
      const name = uniqueName('describe');
      await createTopic(name, 2, { 'retention.ms': '3600000', 'cleanup.policy': 'delete' });
      await produce(name, 0, 5);
      await produce(name, 1, 2);
      const { topics: [t] } = await kstreamJson<TopicsDescribeResult>(['topics', 'describe', name]);
      expect(t.topicId).toMatch(/^[0-9a-f-]{36}$/);
      expect(t).toEqual({
        name,
        topicId: t.topicId,
        internal: false,
        partitionCount: 2,
        replicationFactor: 1,
        partitions: [
          { partition: 0, leader: 0, replicas: [0], isr: [0], offlineReplicas: [], logStartOffset: 0, highWatermark: 5, messages: 5 },
          { partition: 1, leader: 0, replicas: [0], isr: [0], offlineReplicas: [], logStartOffset: 0, highWatermark: 2, messages: 2 },
        ],
        configs: [
          { name: 'cleanup.policy', value: 'delete', source: 'DYNAMIC_TOPIC_CONFIG', readOnly: false, sensitive: false },
          { name: 'retention.ms', value: '3600000', source: 'DYNAMIC_TOPIC_CONFIG', readOnly: false, sensitive: false },
        ],
      });
      const r = await kstream(['topics', 'describe', name]);
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe([
        `topic               ${name}`,
        `id                  ${t.topicId}`,
        'partitions          2',
        'replication factor  1',
        'internal            no',
        '',
        'PARTITION  LEADER  REPLICAS  ISR  LOG-START  HIGH-WATERMARK  MESSAGES',
        '0          0       0         0    0          5               5',
        '1          0       0         0    0          2               2',
        '',
        'CONFIG          VALUE',
        'cleanup.policy  delete',
        'retention.ms    3600000',
        '',
      ].join('\n'));
    });

    it('several topics: --output ndjson is one line per topic, yaml one document', async () => {
      const a = uniqueName('describe-a');
      const b = uniqueName('describe-b');
      await createTopic(a);
      await createTopic(b, 2);
      const nd = await kstream(['topics', 'describe', a, b, '--output', 'ndjson']);
      const lines = nd.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { name: string; partitionCount: number });
      expect(lines.map((l) => [l.name, l.partitionCount])).toEqual([[a, 1], [b, 2]]);
      const yaml = await kstream(['topics', 'describe', a, '--output', 'yaml']);
      expect(yaml.stdout).toMatch(new RegExp(`^topics:\\n  - name: ${a}\\n    topicId: "?[0-9a-f-]{36}"?\\n    internal: false\\n    partitionCount: 1\\n    replicationFactor: 1\\n    partitions:\\n      - partition: 0\\n        leader: 0\\n        replicas:\\n          - 0\\n        isr:\\n          - 0\\n        offlineReplicas: \\[\\]\\n        logStartOffset: 0\\n        highWatermark: 0\\n        messages: 0\\n    configs: \\[\\]\\n$`));
    });

    it('--configs --all-configs lists every config with its source, no partitions', async () => {
      const name = uniqueName('describe-all');
      await createTopic(name, 1, { 'retention.ms': '1000' });
      const r = await kstream(['topics', 'describe', name, '--configs', '--all-configs']);
      expect(r.stdout).not.toContain('PARTITION');
      const lines = r.stdout.split('\n');
      expect(lines.find((l) => l.startsWith('CONFIG'))).toMatch(/^CONFIG +VALUE +SOURCE$/);
      expect(lines.find((l) => l.startsWith('retention.ms '))).toMatch(/^retention\.ms +1000 +DYNAMIC_TOPIC_CONFIG$/);
      expect(lines.find((l) => l.startsWith('cleanup.policy '))).toMatch(/^cleanup\.policy +delete +DEFAULT_CONFIG$/);
    });

    it('describes __consumer_offsets (an internal topic)', async () => {
      const { topics: [t] } = await kstreamJson<TopicsDescribeResult>(['topics', 'describe', '__consumer_offsets']);
      expect(t).toMatchObject({ name: '__consumer_offsets', internal: true, replicationFactor: 1 });
      expect(t.partitions!.length).toBe(t.partitionCount);
      expect(t.partitions![0]).toMatchObject({ partition: 0, leader: 0, replicas: [0], isr: [0], logStartOffset: 0 });
      expect(typeof t.partitions![0].highWatermark).toBe('number');
      expect(t.configs).toContainEqual({ name: 'cleanup.policy', value: 'compact', source: 'DYNAMIC_TOPIC_CONFIG', readOnly: false, sensitive: false });
    });

    it('a missing topic: exit code 3, one line with a hint', async () => {
      const name = uniqueName('missing');
      const r = await kstream(['topics', 'describe', name], 3);
      expect(r).toEqual({ code: 3, stdout: '', stderr: `error: topic "${name}" does not exist (UNKNOWN_TOPIC_OR_PARTITION); list topics with kstream topics\n` });
      const json = await kstream(['topics', 'describe', name, '--json'], 3);
      expect(JSON.parse(json.stdout)).toEqual({ error: { code: 'KAFKA_UNKNOWN_TOPIC_OR_PARTITION', message: `topic "${name}" does not exist (UNKNOWN_TOPIC_OR_PARTITION)`, hint: 'list topics with kstream topics', exitCode: 3 } });
    });
  });

  describe('topics alter-config', () => {
    it('sets and deletes overrides; describe shows the change', async () => {
      const name = uniqueName('alter');
      await createTopic(name, 1, { 'segment.ms': '100000' });
      const set = await kstream(['topics', 'alter-config', name, '--set', 'retention.ms=3600000', '--set', 'cleanup.policy=compact']);
      expect(set.stdout).toBe(['CONFIG          OPERATION  VALUE', 'retention.ms    set        3600000', 'cleanup.policy  set        compact', ''].join('\n'));
      const after = await kstream(['topics', 'describe', name, '--configs']);
      expect(after.stdout.split('\n\n')[1]).toBe(['CONFIG          VALUE', 'cleanup.policy  compact', 'retention.ms    3600000', 'segment.ms      100000', ''].join('\n'));

      const del = await kstreamJson<TopicsAlterConfigResult>(['topics', 'alter-config', name, '--delete', 'cleanup.policy', '--incremental']);
      expect(del).toEqual({ topic: name, mode: 'incremental', dryRun: false, changes: [{ name: 'cleanup.policy', operation: 'delete' }] });
      expect(await overrides(name)).toEqual(['retention.ms=3600000', 'segment.ms=100000']);
    });

    it('--replace makes the overrides exactly the --set pairs', async () => {
      const name = uniqueName('alter-replace');
      await createTopic(name, 1, { 'segment.ms': '100000', 'retention.ms': '5000' });
      const r = await kstream(['topics', 'alter-config', name, '--replace', '--set', 'max.message.bytes=2000000']);
      expect(r.stderr).toBe(`other overrides of topic "${name}" were removed\n`);
      expect(await overrides(name)).toEqual(['max.message.bytes=2000000']);
    });

    it('--dry-run validates without changing', async () => {
      const name = uniqueName('alter-dry');
      await createTopic(name);
      const r = await kstream(['topics', 'alter-config', name, '--set', 'retention.ms=1000', '--dry-run', '--output', 'yaml']);
      expect(r.stdout).toBe([`topic: ${name}`, 'mode: incremental', 'dryRun: true', 'changes:', '  - name: retention.ms', '    operation: set', '    value: "1000"', ''].join('\n'));
      expect(r.stderr).toBe('dry run: nothing was changed\n');
      expect(await overrides(name)).toEqual([]);
      const bad = await kstream(['topics', 'alter-config', name, '--set', 'retention.ms=abc', '--dry-run'], 3);
      expect(bad.stderr).toMatch(new RegExp(`^error: cannot change configs of topic "${name}": .*retention\\.ms.* \\(INVALID_CONFIG\\); see the valid keys with kstream topics describe ${name} --all-configs\\n$`));
    });

    it('errors: missing topic (3), conflicting flags (2)', async () => {
      const missing = uniqueName('alter-missing');
      const r = await kstream(['topics', 'alter-config', missing, '--set', 'retention.ms=1'], 3);
      expect(r.stderr).toBe(`error: topic "${missing}" does not exist (UNKNOWN_TOPIC_OR_PARTITION); list topics with kstream topics\n`);
      expect((await kstream(['topics', 'alter-config', 'x', '--replace', '--delete', 'a'], 2)).stderr).toBe('error: --delete cannot be used with --replace; with --replace every key not given with --set goes back to its default\n');
    });
  });

  describe('topics add-partitions and delete', () => {
    it('add-partitions takes the new total', async () => {
      const name = uniqueName('grow');
      await createTopic(name);
      const dry = await kstreamJson<TopicsAddPartitionsResult>(['topics', 'add-partitions', name, '--count', '4', '--dry-run']);
      expect(dry).toEqual({ topic: name, previousCount: 1, count: 4, dryRun: true });
      const r = await kstream(['topics', 'add-partitions', name, '--count', '3']);
      expect(r.stdout).toBe([`${'TOPIC'.padEnd(name.length)}  PREVIOUS-COUNT  COUNT`, `${name}  1               3`, ''].join('\n'));
      expect((await offsets(name, 3)).length).toBe(3);
      const less = await kstream(['topics', 'add-partitions', name, '--count', '2'], 3);
      expect(less.stderr).toBe(`error: topic "${name}" already has 3 partitions; --count is the new total and must be more (INVALID_PARTITIONS)\n`);
    });

    it('delete; a missing topic fails with a hint unless --if-exists', async () => {
      const name = uniqueName('delete');
      await createTopic(name);
      const r = await kstream(['topics', 'delete', name]);
      expect(r.stdout).toBe([`${'TOPIC'.padEnd(name.length)}  STATUS`, `${name}  deleted`, ''].join('\n'));
      const again = await kstream(['topics', 'delete', name], 3);
      expect(again.stderr).toBe(`error: topic "${name}" does not exist (UNKNOWN_TOPIC_OR_PARTITION); use --if-exists to ignore\n`);
      const ignored = await kstream(['topics', 'delete', name, '--if-exists', '--json']);
      expect(JSON.parse(ignored.stdout) as TopicsDeleteResult).toEqual({ topics: [{ name, status: 'missing' }] });
      expect(ignored.stderr).toBe(`topic "${name}" does not exist\n`);
    });
  });

  describe('topics trim', () => {
    it('--before-offset on one partition; --dry-run first changes nothing', async () => {
      const name = uniqueName('trim-offset');
      await createTopic(name, 2);
      await produce(name, 0, 10);
      await produce(name, 1, 5);
      const dry = await kstream(['topics', 'trim', name, '--before-offset', '4', '--dry-run']);
      expect(dry.stdout).toBe([
        'PARTITION  OLD-LOG-START  NEW-LOG-START  HIGH-WATERMARK  DELETED',
        '0          0              4              10              4',
        '1          0              4              5               4',
        '',
      ].join('\n'));
      expect(dry.stderr).toBe('dry run: nothing was deleted\n');
      expect(await offsets(name, 2)).toEqual([[0, 10], [0, 5]]);
      const r = await kstreamJson<TopicsTrimResult>(['topics', 'trim', name, '--before-offset', '4', '--partition', '0']);
      expect(r).toEqual({ topic: name, dryRun: false, before: { offset: 4, time: null }, partitions: [{ partition: 0, previousLogStartOffset: 0, logStartOffset: 4, highWatermark: 10, deleted: 4 }] });
      expect(await offsets(name, 2)).toEqual([[4, 10], [0, 5]]);
    });

    it('--before-time with an ISO time and epoch ms (ListOffsets by timestamp)', async () => {
      const name = uniqueName('trim-time');
      // Records from 2024: keep the broker's time retention from deleting them first.
      await createTopic(name, 1, { 'retention.ms': '-1' });
      const base = Date.parse('2024-01-01T00:00:00Z');
      await produce(name, 0, 10, (i) => base + i * 60_000);
      const r = await kstream(['topics', 'trim', name, '--before-time', '2024-01-01T00:03:30Z']);
      expect(r.stdout).toBe(['PARTITION  OLD-LOG-START  NEW-LOG-START  HIGH-WATERMARK  DELETED', '0          0              4              10              4', ''].join('\n'));
      const json = await kstreamJson<TopicsTrimResult>(['topics', 'trim', name, '--before-time', String(base + 7 * 60_000)]);
      expect(json).toEqual({
        topic: name,
        dryRun: false,
        before: { offset: null, time: '2024-01-01T00:07:00.000Z' },
        partitions: [{ partition: 0, previousLogStartOffset: 4, logStartOffset: 7, highWatermark: 10, deleted: 3 }],
      });
    });

    it('--before-time with a duration ago keeps the recent records', async () => {
      const name = uniqueName('trim-ago');
      await createTopic(name);
      const now = Date.now();
      await produce(name, 0, 3, () => now - 3 * 3_600_000);
      await produce(name, 0, 2, () => now);
      const result = await kstreamJson<TopicsTrimResult>(['topics', 'trim', name, '--before-time', '-1h']);
      expect(result.partitions).toEqual([{ partition: 0, previousLogStartOffset: 0, logStartOffset: 3, highWatermark: 5, deleted: 3 }]);
      expect(Math.abs(Date.parse(result.before.time!) - (now - 3_600_000))).toBeLessThan(60_000);
    });

    it('errors: bad time (2), missing partition (3)', async () => {
      const name = uniqueName('trim-errors');
      await createTopic(name);
      expect((await kstream(['topics', 'trim', name, '--before-time', 'yesterday'], 2)).stderr).toBe('error: invalid time "yesterday"; use an ISO 8601 time (2024-05-01T12:00:00Z), epoch milliseconds, or a duration ago like -1h, -30m, -2d\n');
      expect((await kstream(['topics', 'trim', name, '--before-offset', '1', '--partition', '5'], 3)).stderr).toBe(`error: partition 5 of topic "${name}" does not exist (UNKNOWN_TOPIC_OR_PARTITION); see its partitions with kstream topics describe ${name}\n`);
    });
  });

  describe('cluster errors', () => {
    it('an unreachable broker: exit code 4, one line', async () => {
      const port = await closedPort();
      const r = await run(['topics', 'describe', 'x', '-b', `127.0.0.1:${port}`, '--timeout', '2s']);
      expect(r).toEqual({ code: 4, stdout: '', stderr: `error: cannot connect to 127.0.0.1:${port} (ECONNREFUSED); is the broker running? check with 'kstream broker status'\n` });
      const json = await run(['topics', '-b', `127.0.0.1:${port}`, '--timeout', '2s', '--json']);
      expect(json.code).toBe(4);
      expect(JSON.parse(json.stdout)).toEqual({ error: { code: 'UNREACHABLE', message: `cannot connect to 127.0.0.1:${port} (ECONNREFUSED)`, hint: "is the broker running? check with 'kstream broker status'", exitCode: 4 } });
    });

    it('a broker that never answers: exit code 4 after --timeout', async () => {
      const server = createServer(() => {});
      silentServers.push(server);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as { port: number };
      const r = await run(['topics', '-b', `127.0.0.1:${port}`, '--timeout', '1s']);
      expect(r).toEqual({ code: 4, stdout: '', stderr: `error: no answer from 127.0.0.1:${port} within 1000 ms; is the broker running? check with 'kstream broker status'\n` });
    });

    it('a malformed -b: exit code 2', async () => {
      const r = await run(['topics', '-b', 'nohost']);
      expect(r).toEqual({ code: 2, stdout: '', stderr: 'error: expected host:port, got "nohost"\n' });
    });
  });
});
