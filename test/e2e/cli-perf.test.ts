/**
 * End-to-end tests of `kstream perf produce|consume` against a real broker started in this
 * process, running the built CLI as child processes. Record counts are exact; timings are only
 * checked for sanity (positive, percentiles ordered), never for speed.
 */
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, uniqueName, type TestBroker } from '../helpers/broker.ts';
import { kafkajsClient } from '../helpers/kafkajs.ts';
import { cliEnvironment, cliTempDir, ensureCliBuilt, runCliOutput, type CliOutput } from '../helpers/cli.ts';

const tmp = cliTempDir('cli-perf');
const cliEnv = cliEnvironment(tmp);

type RunResult = CliOutput;

function run(args: string[], timeoutMs = 45_000): Promise<RunResult> {
  return runCliOutput(args, { cwd: tmp, env: cliEnv, timeoutMs });
}

function errorLine(r: RunResult): string {
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  expect(lines).toHaveLength(1);
  return lines[0];
}

interface Latency {
  avg: number;
  max: number;
  p50: number;
  p95: number;
  p99: number;
  p999: number;
}

function expectSaneLatency(l: Latency): void {
  for (const v of Object.values(l)) expect(v).toBeGreaterThanOrEqual(0);
  expect(l.p50).toBeLessThanOrEqual(l.p95);
  expect(l.p95).toBeLessThanOrEqual(l.p99);
  expect(l.p99).toBeLessThanOrEqual(l.p999);
  expect(l.p999).toBeLessThanOrEqual(l.max);
  expect(l.avg).toBeLessThanOrEqual(l.max);
}

let tb: TestBroker;
let admin: Admin;
let B: string[];
const topic = uniqueName('perf');

async function logEndTotal(t: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(t);
  return offsets.reduce((sum, p) => sum + Number(p.high), 0);
}

beforeAll(async () => {
  ensureCliBuilt();
  tb = await startBroker();
  B = ['-b', tb.bootstrap];
  admin = kafkajsClient(tb.bootstrap).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] });
}, 60_000);

afterAll(async () => {
  await admin?.disconnect().catch(() => undefined);
  await tb?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('perf produce', () => {
  it('sends exactly --records records and reports a JSON summary', async () => {
    const r = await run(['perf', 'produce', topic, '--records', '20000', '--record-size', '100', '--json', ...B]);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as { records: number; bytes: number; seconds: number; recordsPerSec: number; mbPerSec: number; latency: Latency };
    expect(Object.keys(s).sort()).toEqual(['bytes', 'latency', 'mbPerSec', 'records', 'recordsPerSec', 'seconds']);
    expect(s.records).toBe(20000);
    expect(s.bytes).toBe(2_000_000);
    expect(s.seconds).toBeGreaterThan(0);
    expect(s.recordsPerSec).toBeGreaterThan(0);
    expect(s.mbPerSec).toBeGreaterThan(0);
    expectSaneLatency(s.latency);
    expect(await logEndTotal(topic)).toBe(20000);
  });

  it('prints the summary line; throttles; stops at --duration', async () => {
    const [text, throttled] = await Promise.all([
      run(['perf', 'produce', topic, '--records', '1000', '--record-size', '10', '--acks', '1', '--compression', 'gzip', ...B]),
      run(['perf', 'produce', topic, '--records', '100000000', '--throughput', '200', '--duration', '1500ms', '--report-interval', '500ms', '--json', ...B]),
    ]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^1000 records sent, [\d.]+ records\/sec \([\d.]+ MB\/sec\), [\d.]+ ms avg latency, [\d.]+ ms max latency, [\d.]+ ms 50th, [\d.]+ ms 95th, [\d.]+ ms 99th, [\d.]+ ms 99\.9th\.\n$/);

    expect(throttled.code, throttled.stderr).toBe(0);
    const s = JSON.parse(throttled.stdout) as { records: number; bytes: number };
    // About 300 records in 1.5 s at 200/s; bounded by the duration, far below --records.
    expect(s.records).toBeGreaterThan(0);
    expect(s.records).toBeLessThan(100000000);
    expect(s.bytes).toBe(s.records * 100);
    expect(throttled.stderr).toMatch(/^\d+ records sent, [\d.]+ records\/sec \([\d.]+ MB\/sec\), [\d.]+ ms avg latency, [\d.]+ ms max latency\.$/m);
    expect(await logEndTotal(topic)).toBe(21000 + s.records);
  });

  it('fails with exit 3 for an unknown topic, 4 when unreachable, 2 on bad flags', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    const [unknown, unreachable, noRecords, badAcks] = await Promise.all([
      run(['perf', 'produce', 'no-such-topic', '--records', '10', ...B]),
      run(['perf', 'produce', topic, '--records', '10', '-b', `127.0.0.1:${port}`, '--timeout', '2s']),
      run(['perf', 'produce', topic, ...B]),
      run(['perf', 'produce', topic, '--records', '10', '--acks', '2', ...B]),
    ]);
    expect(unknown.code).toBe(3);
    expect(errorLine(unknown)).toBe(`error: topic "no-such-topic" does not exist; list topics with 'kstream topics'`);
    expect(unreachable.code).toBe(4);
    expect(errorLine(unreachable)).toMatch(/^error: .*; is the broker running\? check with 'kstream broker status'$/);
    expect(noRecords.code).toBe(2);
    expect(errorLine(noRecords)).toMatch(/^error: Missing required flag records/);
    expect(badAcks.code).toBe(2);
    expect(errorLine(badAcks)).toMatch(/^error: Expected --acks=2 to be one of: all, -1, 0, 1/);
  });
});

describe('perf consume', () => {
  it('consumes exactly --records records and reports a JSON summary', async () => {
    const total = await logEndTotal(topic);
    const r = await run(['perf', 'consume', topic, '--records', '20000', '--json', ...B]);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as { records: number; expected: number; complete: boolean; bytes: number; seconds: number; recordsPerSec: number; mbPerSec: number; startupMs: number; fetch: Latency & { count: number } };
    expect(Object.keys(s).sort()).toEqual(['bytes', 'complete', 'expected', 'fetch', 'mbPerSec', 'records', 'recordsPerSec', 'seconds', 'startupMs']);
    expect(s.records).toBe(20000);
    expect(s.expected).toBe(20000);
    expect(s.complete).toBe(true);
    expect(s.bytes).toBeGreaterThanOrEqual(20000 * 10);
    expect(s.bytes).toBeLessThanOrEqual(20000 * 100);
    expect(s.recordsPerSec).toBeGreaterThan(0);
    expect(s.startupMs).toBeGreaterThanOrEqual(0);
    expect(s.fetch.count).toBeGreaterThan(0);
    const { count: _count, ...latency } = s.fetch;
    expectSaneLatency(latency);
    expect(total).toBeGreaterThan(20000);
  });

  it('stops after --timeout without records and says so; --group commits what it counted', async () => {
    const total = await logEndTotal(topic);
    const group = uniqueName('perf-group');
    const [short, grouped] = await Promise.all([
      run(['perf', 'consume', topic, '--records', String(total + 500), '--timeout', '2s', ...B]),
      run(['perf', 'consume', topic, '--records', '5000', '--group', group, '--json', ...B]),
    ]);
    expect(short.code, short.stderr).toBe(0);
    expect(short.stderr).toContain(`warning: stopped after ${total} of ${total + 500} records: no record arrived for 2000 ms\n`);
    expect(short.stdout).toMatch(new RegExp(`^${total} records consumed, [\\d.]+ records/sec \\([\\d.]+ MB/sec\\), .* fetches: .* 99\\.9th\\.\\n$`));

    expect(grouped.code, grouped.stderr).toBe(0);
    expect((JSON.parse(grouped.stdout) as { records: number }).records).toBe(5000);
    const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    expect(offsets.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0)).toBe(5000);
  });

  it('fails with exit 3 for an unknown topic and 2 on bad flags', async () => {
    const [unknown, missing] = await Promise.all([run(['perf', 'consume', 'no-such-topic', '--records', '10', ...B]), run(['perf', 'consume', topic, ...B])]);
    expect(unknown.code).toBe(3);
    expect(errorLine(unknown)).toBe(`error: topic "no-such-topic" does not exist; list topics with 'kstream topics'`);
    expect(missing.code).toBe(2);
    expect(errorLine(missing)).toMatch(/^error: Missing required flag records/);
  });
});
