/**
 * Goal 4, durable produce (acks=-1: answered once fdatasync'ed).
 *  - Latency with one request in flight: 1 record of 100 B per request, one after the other.
 *    Raw wire requests (no client overhead) and the @platformatic/kafka producer. Limit:
 *    2 × (fsync p50 + loopback RTT p50) from the baseline.
 *  - Throughput with 16 requests in flight, acks=-1 vs the same with acks=1 (goal ≥ 50%): kcat
 *    (`-X max.in.flight=16`, 1 KiB records, ~100 KiB requests) and raw pipelined requests (one
 *    batch of 100 records of 100 B each).
 */
import { performance } from 'node:perf_hooks';
import { Producer } from '@platformatic/kafka';
import type { BenchContext, BenchModule } from './lib/context.ts';
import { spawnBroker, type BrokerProcess } from './lib/broker.ts';
import { kcatProduce } from './lib/kcat.ts';
import { pipelined, sequential } from './lib/load.ts';
import { makeTempDir, removeTempDir } from './lib/proc.ts';
import { MiB, mbPerSec, summarize } from './lib/stats.ts';
import { WireClient, createTopics, produceFrame, produceResult } from './lib/wire.ts';
import { encodeTestBatch } from '../src/storage/test-batches.ts';

const VALUE = Buffer.alloc(100, 0x61);
const DEPTH = 16;

function batchOf(records: number): Buffer {
  return encodeTestBatch(Array.from({ length: records }, () => ({ key: null, value: VALUE, timestamp: Date.now() })));
}

async function rawLatency(ctx: BenchContext, broker: BrokerProcess, limitMs: number): Promise<void> {
  const client = await WireClient.connect(broker.host, broker.port);
  try {
    await createTopics(client, ['lat'], 1);
    const limit = { value: limitMs, unit: 'ms', label: '2 × (fsync p50 + RTT p50)' };
    for (const acks of [-1, 1]) {
      const frame = produceFrame('lat', 0, batchOf(1), acks);
      const times = summarize(await sequential(client, frame, ctx.sizes.latencyCount, 50, ctx.sizes.loadTimeoutS * 500, produceResult));
      ctx.log(`raw acks=${acks}: p50 ${times.p50.toFixed(3)} ms, p99 ${times.p99.toFixed(3)} ms over ${times.n}`);
      ctx.metric({
        id: `acks${acks}.raw.p50`,
        goalNo: 4,
        label: `produce latency p50, acks=${acks}, raw requests, 1 in flight`,
        value: times.p50,
        unit: 'ms',
        limit,
        goal: acks === -1 ? { op: '<=', ratio: 1 } : undefined,
        details: { ...times },
      });
      ctx.metric({ id: `acks${acks}.raw.p99`, goalNo: 4, label: `produce latency p99, acks=${acks}, raw requests`, value: times.p99, unit: 'ms', limit });
    }
  } finally {
    client.close();
  }
}

async function platformaticLatency(ctx: BenchContext, broker: BrokerProcess, limitMs: number): Promise<void> {
  const producer = new Producer({ clientId: 'kstream-bench', bootstrapBrokers: [broker.bootstrap], retries: 0, timeout: 30_000, acks: -1 });
  try {
    const send = () => producer.send({ messages: [{ topic: 'lat', partition: 0, value: VALUE }], acks: -1 });
    for (let i = 0; i < 50; i++) await send();
    const times: number[] = [];
    const deadline = performance.now() + ctx.sizes.loadTimeoutS * 500;
    for (let i = 0; i < ctx.sizes.latencyCount && performance.now() < deadline; i++) {
      const t = performance.now();
      await send();
      times.push(performance.now() - t);
    }
    const s = summarize(times);
    ctx.log(`@platformatic/kafka acks=-1: p50 ${s.p50.toFixed(3)} ms over ${s.n}`);
    ctx.metric({
      id: 'acks-1.platformatic.p50',
      goalNo: 4,
      label: 'produce latency p50, acks=-1, @platformatic/kafka send()',
      value: s.p50,
      unit: 'ms',
      limit: { value: limitMs, unit: 'ms', label: '2 × (fsync p50 + RTT p50)' },
      goal: { op: '<=', ratio: 1 },
      details: { ...s },
    });
  } finally {
    await producer.close();
  }
}

async function kcatInFlight(ctx: BenchContext, broker: BrokerProcess): Promise<void> {
  const count = Math.max(1, Math.round((ctx.sizes.inflightMiB * MiB) / 1024));
  const file = await ctx.recordFile(1024, count);
  const admin = await WireClient.connect(broker.host, broker.port);
  const rates: Record<string, number> = {};
  try {
    for (const acks of ['1', 'all']) {
      const topic = `inflight-kcat-${acks}`;
      await createTopics(admin, [topic], 1);
      const config = { acks, 'max.in.flight': String(DEPTH), 'linger.ms': '1', 'batch.num.messages': '100', 'batch.size': '1000000' };
      const c0 = broker.cpuMs();
      const r = await kcatProduce({ bootstrap: broker.bootstrap, topic, partition: 0, file: file.path, count, config, timeoutMs: ctx.sizes.loadTimeoutS * 1000 });
      rates[acks] = mbPerSec(count * 1024, r.ms);
      ctx.log(`kcat acks=${acks}, ${DEPTH} in flight: ${rates[acks].toFixed(1)} MB/s (broker busy ${((broker.cpuMs() - c0) / r.ms).toFixed(2)})`);
    }
  } finally {
    admin.close();
  }
  ctx.metric({
    id: 'inflight16.kcat.mbps',
    goalNo: 4,
    label: `kcat acks=all, ${DEPTH} in flight, 1 KiB records (~100 KiB requests)`,
    value: rates.all,
    unit: 'MB/s',
    limit: { value: rates['1'], unit: 'MB/s', label: 'same with acks=1' },
    goal: { op: '>=', ratio: 0.5 },
    details: { records: count },
  });
}

async function rawInFlight(ctx: BenchContext, broker: BrokerProcess): Promise<void> {
  const batch = batchOf(100);
  const count = Math.max(DEPTH, Math.round((ctx.sizes.inflightMiB * MiB) / batch.length));
  const client = await WireClient.connect(broker.host, broker.port);
  const rates: Record<string, number> = {};
  try {
    for (const acks of [1, -1]) {
      const topic = `inflight-raw${acks}`;
      await createTopics(client, [topic], 1);
      const frame = produceFrame(topic, 0, batch, acks);
      const c0 = broker.cpuMs();
      const r = await pipelined(client, frame, count, DEPTH, ctx.sizes.loadTimeoutS * 1000, produceResult);
      rates[acks] = mbPerSec(r.done * batch.length, r.ms);
      ctx.log(`raw acks=${acks}, ${DEPTH} in flight: ${r.done} requests, ${rates[acks].toFixed(1)} MB/s, ${(r.done / (r.ms / 1000)).toFixed(0)} req/s (broker busy ${((broker.cpuMs() - c0) / r.ms).toFixed(2)})`);
    }
  } finally {
    client.close();
  }
  ctx.metric({
    id: 'inflight16.raw.mbps',
    goalNo: 4,
    label: `raw acks=-1, ${DEPTH} in flight, ${batch.length} B requests (100 × 100 B)`,
    value: rates[-1],
    unit: 'MB/s',
    limit: { value: rates[1], unit: 'MB/s', label: 'same with acks=1' },
    goal: { op: '>=', ratio: 0.5 },
    details: { requests: count, requestBytes: batch.length },
  });
}

export const acksAllModule: BenchModule = {
  name: 'acks-all',
  title: '4. Durable produce (acks=-1): latency and 16 in flight',
  async run(ctx) {
    const base = await ctx.baseline();
    const limitMs = 2 * (base.fsyncP50Ms + base.rttP50Ms);
    const dir = makeTempDir('acks');
    const broker = await spawnBroker(dir);
    try {
      await rawLatency(ctx, broker, limitMs);
      await platformaticLatency(ctx, broker, limitMs);
      await kcatInFlight(ctx, broker);
      await rawInFlight(ctx, broker);
    } finally {
      await broker.stop();
      removeTempDir(dir);
    }
  },
};
