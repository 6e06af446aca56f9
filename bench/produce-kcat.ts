/**
 * Goals 2 and 3: produce throughput with kcat (librdkafka) in large batches, acks=1.
 *  - 1 KiB records → MB/s of record payload, compared with dd's MB/s (goal ≥ 50%).
 *  - 100-byte records → records/s, compared with the fixed goal of 1,000,000/s; with two
 *    ceilings measured in the same run: kcat with acks=0 against the broker, and kcat against
 *    bench/null-broker.ts (a protocol sink: what kcat and loopback can do at all).
 * The broker's CPU use during each load (busy = CPU time / wall time) tells whether it is the
 * bottleneck: its JavaScript runs on one thread, so busy ≈ 1 means saturated.
 */
import { performance } from 'node:perf_hooks';
import type { BenchContext, BenchModule } from './lib/context.ts';
import { spawnBroker, spawnNullBroker, withCpu, type BrokerProcess } from './lib/broker.ts';
import { kcatProduce, LARGE_BATCHES } from './lib/kcat.ts';
import { makeTempDir, removeTempDir, sleep } from './lib/proc.ts';
import { MiB, mbPerSec } from './lib/stats.ts';
import { WireClient, createTopics, fetchFrame, fetchResult } from './lib/wire.ts';

export const RECORDS_GOAL = 1_000_000;

/** Waits until the partition's high watermark reaches `offset`; returns when it did. */
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

async function produceRun(
  ctx: BenchContext,
  broker: BrokerProcess,
  topic: string,
  recordBytes: number,
  count: number,
  config: Record<string, string>,
): Promise<{ ms: number; busy: number }> {
  const file = await ctx.recordFile(recordBytes, count);
  const client = await WireClient.connect(broker.host, broker.port);
  try {
    await createTopics(client, [topic], 1);
    const m = await withCpu(broker, async () => {
      const t = performance.now();
      await kcatProduce({ bootstrap: broker.bootstrap, topic, partition: 0, file: file.path, count, config, timeoutMs: ctx.sizes.loadTimeoutS * 1000 });
      // acks=0: kcat is done once it has written; the broker may still be appending.
      const end = config.acks === '0' ? await waitForHighWatermark(client, topic, BigInt(count), ctx.sizes.loadTimeoutS * 1000) : performance.now();
      return end - t;
    });
    return { ms: m.result, busy: m.cpuMs / m.result };
  } finally {
    client.close();
  }
}

export const produceKcatModule: BenchModule = {
  name: 'produce-kcat',
  title: '2-3. Produce throughput with kcat, large batches, acks=1',
  async run(ctx) {
    const { ddMBps } = await ctx.baseline();
    const dir = makeTempDir('produce');
    const broker = await spawnBroker(dir);
    try {
      // Goal 2: 1 KiB records.
      const count1k = Math.max(1, Math.round((ctx.sizes.produce1kMiB * MiB) / 1024));
      ctx.log(`kcat: ${count1k.toLocaleString('en-US')} records of 1 KiB, acks=1`);
      const r1k = await produceRun(ctx, broker, 'p1k', 1024, count1k, { acks: '1', ...LARGE_BATCHES });
      const mbps = mbPerSec(count1k * 1024, r1k.ms);
      ctx.metric({
        id: 'produce.1k.mbps',
        goalNo: 2,
        label: `kcat produce 1 KiB records, acks=1 (${ctx.sizes.produce1kMiB} MiB)`,
        value: mbps,
        unit: 'MB/s',
        limit: { value: ddMBps, unit: 'MB/s', label: 'dd' },
        goal: { op: '>=', ratio: 0.5 },
        details: { records: count1k, ms: r1k.ms, brokerBusy: r1k.busy },
      });
      ctx.metric({ id: 'produce.1k.busy', goalNo: 2, label: 'broker CPU busy during it (1 = one core)', value: r1k.busy, unit: 'cores' });

      // Goal 3: 100-byte records.
      const n = ctx.sizes.produce100Records;
      ctx.log(`kcat: ${n.toLocaleString('en-US')} records of 100 B, acks=1`);
      const r100 = await produceRun(ctx, broker, 'p100', 100, n, { acks: '1', ...LARGE_BATCHES });
      const rate = n / (r100.ms / 1000);
      ctx.metric({
        id: 'produce.100b.rps',
        goalNo: 3,
        label: `kcat produce 100 B records, acks=1 (${n.toLocaleString('en-US')})`,
        value: rate,
        unit: 'rec/s',
        limit: { value: RECORDS_GOAL, unit: 'rec/s', label: 'goal' },
        goal: { op: '>=', ratio: 1 },
        details: { records: n, ms: r100.ms, brokerBusy: r100.busy },
      });
      ctx.metric({ id: 'produce.100b.busy', goalNo: 3, label: 'broker CPU busy during it', value: r100.busy, unit: 'cores' });

      ctx.log('kcat: the same with acks=0 (until the broker has appended everything)');
      const r0 = await produceRun(ctx, broker, 'p100-acks0', 100, n, { acks: '0', ...LARGE_BATCHES });
      const rate0 = n / (r0.ms / 1000);
      ctx.metric({
        id: 'produce.100b.acks0.rps',
        goalNo: 3,
        label: 'ceiling: kcat produce 100 B, acks=0 (to high watermark)',
        value: rate0,
        unit: 'rec/s',
        limit: { value: RECORDS_GOAL, unit: 'rec/s', label: 'goal' },
        details: { records: n, ms: r0.ms, brokerBusy: r0.busy },
      });
      ctx.metric({ id: 'produce.100b.acks0.busy', goalNo: 3, label: 'broker CPU busy during it', value: r0.busy, unit: 'cores' });
    } finally {
      await broker.stop();
      removeTempDir(dir);
    }

    ctx.log('kcat: the same against the null broker (protocol sink)');
    const sink = await spawnNullBroker();
    try {
      const n = ctx.sizes.produce100Records;
      const file = await ctx.recordFile(100, n);
      const c0 = sink.cpuMs();
      const t = performance.now();
      await kcatProduce({ bootstrap: sink.bootstrap, topic: 'sink', partition: 0, file: file.path, count: n, config: { acks: '1', ...LARGE_BATCHES }, timeoutMs: ctx.sizes.loadTimeoutS * 1000 });
      const ms = performance.now() - t;
      const rate = n / (ms / 1000);
      ctx.metric({
        id: 'produce.100b.nullsink.rps',
        goalNo: 3,
        label: 'ceiling: kcat produce 100 B, acks=1, to a null broker',
        value: rate,
        unit: 'rec/s',
        limit: { value: RECORDS_GOAL, unit: 'rec/s', label: 'goal' },
        details: { records: n, ms, sinkBusy: (sink.cpuMs() - c0) / ms },
      });
    } finally {
      sink.stop();
    }
  },
};
