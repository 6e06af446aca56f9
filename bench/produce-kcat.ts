/**
 * Goals 2 and 3: produce throughput with kcat (librdkafka) in large batches, acks=1.
 *  - 1 KiB records → MB/s of record payload, compared with dd's MB/s (goal ≥ 50%).
 *  - 100-byte records → records/s, compared with the fixed goal of 1,000,000/s.
 * Ceilings measured in the same run: kcat with acks=0 against the broker, and kcat against
 * bench/null-broker.ts (a protocol sink that throws records away: what kcat and loopback can do
 * at all on this machine).
 * CPU use during each load (busy = CPU time / wall time; 1 = one core) shows who is the
 * bottleneck: the broker's JavaScript runs on one thread, and the machine may have few cores.
 */
import { performance } from 'node:perf_hooks';
import type { BenchContext, BenchModule } from './lib/context.ts';
import { spawnBroker, spawnNullBroker } from './lib/broker.ts';
import { kcatProduce, LARGE_BATCHES } from './lib/kcat.ts';
import { makeTempDir, removeTempDir, sleep } from './lib/proc.ts';
import { MiB, mbPerSec } from './lib/stats.ts';
import { WireClient, createTopics, fetchFrame, fetchResult } from './lib/wire.ts';

export const RECORDS_GOAL = 1_000_000;

/** Waits until the partition's high watermark reaches `offset`; returns performance.now() then. */
export async function waitForHighWatermark(client: WireClient, topic: string, offset: bigint, timeoutMs: number): Promise<number> {
  const frame = fetchFrame(topic, 0, 0n, { maxWaitMs: 0, minBytes: 0, maxBytes: 1, partitionMaxBytes: 1 });
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const { highWatermark } = fetchResult((await client.sendFrame(frame))!);
    if (highWatermark >= offset) return performance.now();
    if (performance.now() > deadline) throw new Error(`high watermark ${highWatermark} did not reach ${offset} within ${timeoutMs} ms`);
    await sleep(2);
  }
}

/** Something kcat produces to: the broker (by port) or the null broker. */
interface Target {
  host: string;
  port: number;
  bootstrap: string;
  cpuMs(): number;
  /** Creates the topic (a no-op for the null broker). */
  prepare(topic: string): Promise<void>;
  /** When acks=0: waits until everything is appended; returns performance.now() then. */
  settled(topic: string, count: number): Promise<number>;
}

export interface ProduceFigures {
  ms: number;
  /** Target CPU / wall time. */
  targetBusy: number;
  /** kcat CPU / wall time (null when it could not be measured). */
  kcatBusy: number | null;
}

async function produceRun(ctx: BenchContext, target: Target, topic: string, recordBytes: number, count: number, config: Record<string, string>): Promise<ProduceFigures> {
  const file = await ctx.recordFile(recordBytes, count);
  await target.prepare(topic);
  const c0 = target.cpuMs();
  const t = performance.now();
  const r = await kcatProduce({ bootstrap: target.bootstrap, topic, partition: 0, file: file.path, count, config, timeoutMs: ctx.sizes.loadTimeoutS * 1000 });
  // acks=0: kcat is done once it has written; the broker may still be appending.
  const end = config.acks === '0' ? await target.settled(topic, count) : performance.now();
  const ms = end - t;
  return { ms, targetBusy: (target.cpuMs() - c0) / ms, kcatBusy: r.cpuMs === null ? null : r.cpuMs / ms };
}

function cpuText(f: ProduceFigures, who: string): string {
  return `${who} ${f.targetBusy.toFixed(2)}, kcat ${f.kcatBusy === null ? '?' : f.kcatBusy.toFixed(2)}`;
}

/** Throughput per CPU-second of the target process: a noise-robust measure of its efficiency. */
function perCpuSecond(value: number, f: ProduceFigures, unit: string): string {
  return f.targetBusy > 0 ? `; ${Math.round(value / f.targetBusy).toLocaleString('en-US')} ${unit} per broker CPU-second` : '';
}

export const produceKcatModule: BenchModule = {
  name: 'produce-kcat',
  title: '2-3. Produce throughput with kcat, large batches, acks=1',
  async run(ctx) {
    const { ddMBps } = await ctx.baseline();
    const count1k = Math.max(1, Math.round((ctx.sizes.produce1kMiB * MiB) / 1024));
    const n = ctx.sizes.produce100Records;
    const dir = makeTempDir('produce');
    const broker = await spawnBroker(dir);
    const admin = await WireClient.connect(broker.host, broker.port);
    const brokerTarget: Target = {
      host: broker.host,
      port: broker.port,
      bootstrap: broker.bootstrap,
      cpuMs: () => broker.cpuMs(),
      prepare: (topic) => createTopics(admin, [topic], 1),
      settled: (topic, count) => waitForHighWatermark(admin, topic, BigInt(count), ctx.sizes.loadTimeoutS * 1000),
    };
    try {
      // Goal 2: 1 KiB records.
      ctx.log(`kcat: ${count1k.toLocaleString('en-US')} records of 1 KiB, acks=1`);
      const r1k = await produceRun(ctx, brokerTarget, 'p1k', 1024, count1k, { acks: '1', ...LARGE_BATCHES });
      ctx.metric({
        id: 'produce.1k.mbps',
        goalNo: 2,
        label: `kcat produce 1 KiB records, acks=1 (${ctx.sizes.produce1kMiB} MiB)`,
        value: mbPerSec(count1k * 1024, r1k.ms),
        unit: 'MB/s',
        limit: { value: ddMBps, unit: 'MB/s', label: 'dd' },
        goal: { op: '>=', ratio: 0.5 },
        details: { records: count1k, ms: r1k.ms, brokerBusy: r1k.targetBusy, kcatBusy: r1k.kcatBusy },
        note: `CPU busy: ${cpuText(r1k, 'broker')}${perCpuSecond(mbPerSec(count1k * 1024, r1k.ms), r1k, 'MB')}`,
      });

      // Goal 3: 100-byte records.
      ctx.log(`kcat: ${n.toLocaleString('en-US')} records of 100 B, acks=1`);
      const r100 = await produceRun(ctx, brokerTarget, 'p100', 100, n, { acks: '1', ...LARGE_BATCHES });
      ctx.metric({
        id: 'produce.100b.rps',
        goalNo: 3,
        label: `kcat produce 100 B records, acks=1 (${n.toLocaleString('en-US')})`,
        value: n / (r100.ms / 1000),
        unit: 'rec/s',
        limit: { value: RECORDS_GOAL, unit: 'rec/s', label: 'goal' },
        goal: { op: '>=', ratio: 1 },
        details: { records: n, ms: r100.ms, brokerBusy: r100.targetBusy, kcatBusy: r100.kcatBusy },
        note: `CPU busy: ${cpuText(r100, 'broker')}${perCpuSecond(n / (r100.ms / 1000), r100, 'records')}`,
      });

      ctx.log('kcat: 100 B records with acks=0 (timed until the broker has appended everything)');
      const r0 = await produceRun(ctx, brokerTarget, 'p100-acks0', 100, n, { acks: '0', ...LARGE_BATCHES });
      ctx.metric({
        id: 'produce.100b.acks0.rps',
        goalNo: 3,
        label: 'kcat produce 100 B records, acks=0 (to high watermark)',
        value: n / (r0.ms / 1000),
        unit: 'rec/s',
        limit: { value: RECORDS_GOAL, unit: 'rec/s', label: 'goal' },
        details: { records: n, ms: r0.ms, brokerBusy: r0.targetBusy, kcatBusy: r0.kcatBusy },
        note: `CPU busy: ${cpuText(r0, 'broker')}${perCpuSecond(n / (r0.ms / 1000), r0, 'records')}`,
      });
    } finally {
      admin.close();
      await broker.stop();
      removeTempDir(dir);
    }

    ctx.log('kcat: the same loads against the null broker (protocol sink)');
    const sink = await spawnNullBroker();
    const sinkTarget: Target = {
      host: '127.0.0.1',
      port: sink.port,
      bootstrap: sink.bootstrap,
      cpuMs: () => sink.cpuMs(),
      prepare: async () => undefined,
      settled: async () => performance.now(),
    };
    try {
      const s1k = await produceRun(ctx, sinkTarget, 'sink1k', 1024, count1k, { acks: '1', ...LARGE_BATCHES });
      ctx.metric({
        id: 'produce.1k.nullsink.mbps',
        goalNo: 2,
        label: 'ceiling: kcat produce 1 KiB records to a null broker',
        value: mbPerSec(count1k * 1024, s1k.ms),
        unit: 'MB/s',
        limit: { value: ddMBps, unit: 'MB/s', label: 'dd' },
        details: { records: count1k, ms: s1k.ms, sinkBusy: s1k.targetBusy, kcatBusy: s1k.kcatBusy },
        note: `CPU busy: ${cpuText(s1k, 'null broker')}`,
      });
      const s100 = await produceRun(ctx, sinkTarget, 'sink100', 100, n, { acks: '1', ...LARGE_BATCHES });
      ctx.metric({
        id: 'produce.100b.nullsink.rps',
        goalNo: 3,
        label: 'ceiling: kcat produce 100 B records to a null broker',
        value: n / (s100.ms / 1000),
        unit: 'rec/s',
        limit: { value: RECORDS_GOAL, unit: 'rec/s', label: 'goal' },
        details: { records: n, ms: s100.ms, sinkBusy: s100.targetBusy, kcatBusy: s100.kcatBusy },
        note: `CPU busy: ${cpuText(s100, 'null broker')}`,
      });
    } finally {
      sink.stop();
    }
  },
};
