/**
 * End-to-end tests of `kstream groups lag` against a real broker started in this process, running
 * the built CLI (bin/run.js → dist/) as child processes: one sample (table, --json, errors),
 * --watch --json ticks, --exit-when with a consumer that catches up and with a stopped one,
 * --prometheus scraped with fetch(), and a broker that goes away and comes back during --watch.
 * Groups are set up with simple offset commits and a live kafkajs consumer.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { rmSync } from 'node:fs';
import type { Admin as PlatformaticAdmin } from '@platformatic/kafka';
import type { Consumer, Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, uniqueName, type TestBroker } from '../helpers/broker.ts';
import { kafkajsClient } from '../helpers/kafkajs.ts';
import { platformaticAdmin } from '../helpers/platformatic.ts';
import { cliEnvironment, cliTempDir, ensureCliBuilt, spawnCli } from '../helpers/cli.ts';

const tmp = cliTempDir('cli-lag');
const cliEnv = cliEnvironment(tmp);

interface Running {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

const running: ChildProcessWithoutNullStreams[] = [];

/** Starts the CLI; it is killed after `timeoutMs` at the latest. */
function start(args: string[], timeoutMs = 40_000): Running {
  const r = spawnCli(args, { cwd: tmp, env: cliEnv, stdin: 'pipe', timeoutMs });
  running.push(r.child);
  return { child: r.child, stdout: r.stdout, stderr: r.stderr, exited: r.closed.then(({ code }) => code) };
}

async function run(args: string[], timeoutMs = 30_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const r = start(args, timeoutMs);
  const code = await r.exited;
  return { code, stdout: r.stdout(), stderr: r.stderr() };
}

async function until<T>(check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Tick {
  at: string | null;
  connected: boolean;
  error: string | null;
  staleSeconds: number | null;
  groups: {
    group: string;
    lag: number;
    status: string;
    consumeRate: number | null;
    timeLagSeconds: number | null;
    partitions: { topic: string; partition: number; committed: number | null; logEnd: number | null; lag: number | null; clientId: string | null }[];
  }[];
}

const ticks = (text: string): Tick[] =>
  text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Tick);

let tb: TestBroker;
let kafka: Kafka;
let committer: PlatformaticAdmin;
let B: string[];
const consumers: Consumer[] = [];
/** Two partitions with 20 records each. */
const topic = uniqueName('lag');

async function commit(groupId: string, offsets: Record<number, number>): Promise<void> {
  await committer.alterConsumerGroupOffsets({ groupId, topics: [{ name: topic, partitionOffsets: Object.entries(offsets).map(([p, o]) => ({ partition: Number(p), offset: BigInt(o) })) }] });
}

beforeAll(async () => {
  ensureCliBuilt();
  tb = await startBroker();
  B = ['-b', tb.bootstrap];
  kafka = kafkajsClient(tb.bootstrap);
  committer = platformaticAdmin(tb.bootstrap);
  await committer.createTopics({ topics: [topic], partitions: 2, replicas: 1 });
  const producer = kafka.producer();
  await producer.connect();
  for (const partition of [0, 1]) await producer.send({ topic, acks: -1, messages: Array.from({ length: 20 }, (_v, i) => ({ partition, value: `v${i}` })) });
  await producer.disconnect();
}, 60_000);

afterAll(async () => {
  for (const c of running) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const c of consumers) await c.disconnect().catch(() => undefined);
  await committer?.close().catch(() => undefined);
  await tb?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('groups lag: one sample', () => {
  it('rows per partition for a group, per group without one, --json, and errors', async () => {
    const g = uniqueName('simple');
    await commit(g, { 0: 5, 1: 20 });
    const [parts, all, json, missing, unreachable, top] = await Promise.all([
      run(['groups', 'lag', g, ...B]),
      run(['groups', 'lag', ...B]),
      run(['groups', 'lag', g, ...B, '--json']),
      run(['groups', 'lag', 'no-such-group', ...B]),
      run(['groups', 'lag', '-b', '127.0.0.1:1', '--timeout', '2s']),
      run(['top', ...B]),
    ]);
    expect(parts.code).toBe(0);
    expect(parts.stderr).toBe('');
    const lines = parts.stdout.trim().split('\n');
    expect(lines[0].split(/\s+/)).toEqual(['TOPIC', 'PARTITION', 'COMMITTED', 'LOG-START', 'LOG-END', 'LAG', 'LAG-SECONDS', 'RATE/S', 'STATUS', 'CLIENT-ID', 'HOST', 'NOTE']);
    expect(lines[1].split(/\s+/)).toEqual([topic, '0', '5', '0', '20', '15', '-', '-', 'OK', '-', '-', '-']);
    expect(lines[2].split(/\s+/)).toEqual([topic, '1', '20', '0', '20', '0', '0.0', '-', 'OK', '-', '-', '-']);

    expect(all.code).toBe(0);
    expect(all.stdout.split('\n')[0].split(/\s+/)).toEqual(['GROUP', 'STATE', 'MEMBERS', 'TOPICS', 'LAG', 'LAG-SECONDS', 'RATE/S', 'STATUS', 'REASON']);
    expect(all.stdout).toMatch(new RegExp(`^${g}\\s+Empty\\s+0\\s+${topic}\\s+15\\s+-\\s+-\\s+OK\\s+consuming$`, 'm'));

    expect(json.code).toBe(0);
    const doc = JSON.parse(json.stdout) as Tick;
    expect(doc.connected).toBe(true);
    expect(doc.groups).toHaveLength(1);
    expect(doc.groups[0]).toMatchObject({ group: g, lag: 15, status: 'OK' });
    expect(doc.groups[0].partitions.map((p) => [p.partition, p.committed, p.logEnd, p.lag])).toEqual([
      [0, 5, 20, 15],
      [1, 20, 20, 0],
    ]);

    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/^error: group "no-such-group" does not exist; list groups with 'kstream groups'\n$/);
    expect(unreachable.code).toBe(4);
    expect(unreachable.stderr).toMatch(/^error: /);
    // Without a terminal, top points to groups lag.
    expect(top.code).toBe(2);
    expect(top.stderr).toBe("error: kstream top needs a terminal; for scripts and pipes use 'kstream groups lag --watch'\n");
  });
});

describe('groups lag --watch --json', () => {
  it('prints one object per tick until interrupted (exit 130)', async () => {
    const g = uniqueName('watch');
    await commit(g, { 0: 0, 1: 0 });
    const w = start(['groups', 'lag', g, ...B, '--watch', '--json', '--interval', '200ms']);
    await until(() => ticks(w.stdout()).length >= 2, 15_000, 'two ticks');
    await commit(g, { 0: 10, 1: 10 });
    const all = await until(() => {
      const list = ticks(w.stdout());
      return list.some((t) => t.groups[0]?.lag === 20) && list.length >= 4 ? list : undefined;
    }, 15_000, 'a tick after the commit');
    w.child.kill('SIGINT');
    expect(await w.exited).toBe(130);
    expect(w.stderr()).toBe('');
    const times = all.map((t) => Date.parse(t.at!));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(all.every((t) => t.connected && t.groups.length === 1 && t.groups[0].group === g)).toBe(true);
    expect(all[0].groups[0].lag).toBe(40);
    const after = all.find((t) => t.groups[0].lag === 20)!;
    expect(after.groups[0].partitions.map((p) => p.committed)).toEqual([10, 10]);
    // From the second tick on, rates are known.
    expect(after.groups[0].consumeRate).not.toBeNull();
  });
});

describe('groups lag --watch (plain rows)', () => {
  it('prints a table per tick, separated by a blank line', async () => {
    const g = uniqueName('rows');
    await commit(g, { 0: 1, 1: 2 });
    const w = start(['groups', 'lag', ...B, '--watch', '--interval', '200ms']);
    const out = await until(() => (w.stdout().split('\n\n').length >= 3 ? w.stdout() : undefined), 15_000, 'three tables');
    w.child.kill('SIGINT');
    expect(await w.exited).toBe(130);
    for (const table of out.split('\n\n').slice(0, 2)) {
      const lines = table.trim().split('\n');
      expect(lines[0]).toMatch(/^GROUP\s+STATE\s+MEMBERS\s+TOPICS\s+LAG\s+LAG-SECONDS\s+RATE\/S\s+STATUS\s+REASON$/);
      expect(lines.find((l) => l.startsWith(g))).toMatch(new RegExp(`^${g}\\s+Empty\\s+0\\s+${topic}\\s+37\\s`));
    }
  });
});

describe('groups lag --exit-when', () => {
  it('caught-up: exits 0 once a live consumer has read everything', async () => {
    const g = uniqueName('catchup');
    await commit(g, { 0: 2, 1: 3 });
    const w = start(['groups', 'lag', g, ...B, '--exit-when', 'caught-up', '--max-wait', '30s', '--interval', '200ms']);
    await new Promise((r) => setTimeout(r, 800));
    expect(w.child.exitCode).toBeNull();
    const consumer = kafka.consumer({ groupId: g, sessionTimeout: 10_000, heartbeatInterval: 500, maxWaitTimeInMs: 100 });
    consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic });
    await consumer.run({ eachMessage: async () => undefined });
    expect(await w.exited).toBe(0);
    const lines = w.stdout().trim().split('\n');
    expect(lines[1].split(/\s+/).slice(0, 6)).toEqual([topic, '0', '20', '0', '20', '0']);
    expect(lines[2].split(/\s+/).slice(0, 6)).toEqual([topic, '1', '20', '0', '20', '0']);
    await consumer.disconnect();
  });

  it('caught-up with a stopped consumer that still lags: gives up after --max-wait (exit 1)', async () => {
    const g = uniqueName('stopped');
    await commit(g, { 0: 12, 1: 20 });
    const started = Date.now();
    const r = await run(['groups', 'lag', g, ...B, '--exit-when', 'caught-up', '--max-wait', '1500ms', '--interval', '200ms']);
    expect(r.code).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
    expect(r.stderr).toMatch(new RegExp(`^error: --exit-when caught-up not met within \\d+(\\.\\d)?s: ${g} lag 8 > 0\\n$`));
    expect(r.stdout.split('\n')[1].split(/\s+/).slice(0, 6)).toEqual([topic, '0', '12', '0', '20', '8']);
  });

  it('lagging --threshold: exits 0 at once when a group lags more; --json prints the last sample', async () => {
    const g = uniqueName('lagging');
    await commit(g, { 0: 0, 1: 9 });
    const [yes, no] = await Promise.all([
      run(['groups', 'lag', g, ...B, '--exit-when', 'lagging', '--threshold', '30', '--max-wait', '10s', '--json']),
      run(['groups', 'lag', g, ...B, '--exit-when', 'lagging', '--threshold', '31', '--max-wait', '1s', '--interval', '300ms', '--json']),
    ]);
    expect(yes.code).toBe(0);
    expect((JSON.parse(yes.stdout) as Tick).groups[0].lag).toBe(31);
    expect(no.code).toBe(1);
    expect(JSON.parse(no.stdout)).toMatchObject({ error: { code: 'CONDITION_NOT_MET', exitCode: 1 } });
  });

  it('rejects --threshold without --exit-when', async () => {
    const r = await run(['groups', 'lag', ...B, '--threshold', '3']);
    expect(r.code).toBe(2);
  });
});

describe('groups lag --prometheus', () => {
  it('serves kafka-lag-exporter metrics on 127.0.0.1; SIGTERM stops it (exit 0)', async () => {
    const g = uniqueName('prom');
    await commit(g, { 0: 4, 1: 20 });
    const w = start(['groups', 'lag', g, ...B, '--prometheus', '0', '--interval', '200ms', '--cluster-name', 'e2e']);
    const url = await until(() => /serving metrics on (http:\/\/127\.0\.0\.1:\d+\/metrics)/.exec(w.stderr())?.[1], 15_000, 'the metrics URL');
    const text = await until(async () => {
      const res = await fetch(url).catch(() => null);
      if (!res || res.status !== 200) return undefined;
      const body = await res.text();
      return /kafka_consumergroup_group_lag_seconds\{[^}]*partition="0"[^}]*\} (?!NaN)/.test(body) ? body : undefined;
    }, 15_000, 'metrics with a time lag');
    const labels = `cluster_name="e2e",group="${g}",topic="${topic}",partition="0",member_host="",consumer_id="",client_id=""`;
    expect(text).toContain(`kafka_consumergroup_group_lag{${labels}} 16\n`);
    expect(text).toContain(`kafka_consumergroup_group_offset{${labels}} 4\n`);
    expect(text).toMatch(new RegExp(`kafka_consumergroup_group_lag_seconds\\{${labels.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\} [0-9.]+\\n`));
    expect(text).toContain(`kafka_consumergroup_group_max_lag{cluster_name="e2e",group="${g}"} 16\n`);
    expect(text).toContain(`kafka_consumergroup_group_sum_lag{cluster_name="e2e",group="${g}"} 16\n`);
    expect(text).toMatch(new RegExp(`kafka_consumergroup_group_max_lag_seconds\\{cluster_name="e2e",group="${g}"\\} [0-9.]+\\n`));
    expect(text).toContain(`kafka_partition_latest_offset{cluster_name="e2e",topic="${topic}",partition="1"} 20\n`);
    expect(text).toContain(`kafka_partition_earliest_offset{cluster_name="e2e",topic="${topic}",partition="1"} 0\n`);
    expect(w.stdout()).toBe('');
    w.child.kill('SIGTERM');
    expect(await w.exited).toBe(0);
  });
});

describe('groups lag --watch: a broker going away', () => {
  it('reports disconnected ticks with the time since the last good sample, and reconnects', async () => {
    let b = await startBroker();
    const port = b.port;
    const w = start(['groups', 'lag', '-b', b.bootstrap, '--watch', '--json', '--interval', '250ms', '--timeout', '2s']);
    try {
      await until(() => ticks(w.stdout()).some((t) => t.connected), 15_000, 'a connected tick');
      await b.broker.stop();
      const down = await until(() => {
        const list = ticks(w.stdout()).filter((t) => !t.connected);
        return list.length > 0 ? list : undefined;
      }, 15_000, 'a disconnected tick');
      await until(() => ticks(w.stdout()).filter((t) => !t.connected).length >= 2, 15_000, 'two disconnected ticks');
      const later = ticks(w.stdout()).filter((t) => !t.connected);
      expect(down[0].error).toBeTruthy();
      expect(down[0].groups).toEqual([]);
      expect(later[later.length - 1].staleSeconds!).toBeGreaterThan(later[0].staleSeconds!);
      b = await startBroker({ dataDir: b.dataDir, port });
      const count = ticks(w.stdout()).length;
      await until(() => ticks(w.stdout()).slice(count).some((t) => t.connected), 20_000, 'a connected tick again');
      expect(w.child.exitCode).toBeNull();
    } finally {
      w.child.kill('SIGINT');
      await w.exited;
      await b.close();
    }
  });
});
