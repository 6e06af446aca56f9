/**
 * Goal 5: reading a warm log (just written, so in the page cache) of about sizes.logMiB from the
 * beginning, in GB/s (10^9 bytes of log per second; goal ≥ 1 GB/s):
 *  - raw Fetch requests, one in flight (what the broker can serve; no client parsing);
 *  - kcat -C to nowhere (librdkafka parses every record);
 *  - @platformatic/kafka's fetch, records decoded in Node (what a Node consumer sees).
 */
import { performance } from 'node:perf_hooks';
import { Consumer } from '@platformatic/kafka';
import type { BenchContext, BenchModule, WarmLog } from './lib/context.ts';
import { spawnBroker, withCpu, type BrokerProcess } from './lib/broker.ts';
import { kcatConsume } from './lib/kcat.ts';
import { MiB } from './lib/stats.ts';
import { WireClient, fetchFrame, fetchResult, nextOffsetAfter } from './lib/wire.ts';

const GOAL_GBPS = 1;

/** Reads the partition from offset 0 to its end with one fetch in flight; returns bytes and ms. */
async function rawRead(broker: BrokerProcess, warm: WarmLog, maxBytes: number, timeLimitMs: number): Promise<{ bytes: number; ms: number; requests: number }> {
  const client = await WireClient.connect(broker.host, broker.port);
  client.reuseBuffers = true; // one fetch in flight: no allocation per response on this side
  try {
    let offset = 0n;
    let bytes = 0;
    let requests = 0;
    const end = BigInt(warm.records);
    const t0 = performance.now();
    while (offset < end && performance.now() - t0 < timeLimitMs) {
      const frame = fetchFrame(warm.topic, 0, offset, { maxWaitMs: 0, minBytes: 1, maxBytes, partitionMaxBytes: maxBytes });
      const { records } = fetchResult((await client.sendFrame(frame))!);
      if (records.length === 0) throw new Error(`empty fetch at offset ${offset} of ${end}`);
      bytes += records.length;
      requests++;
      offset = nextOffsetAfter(records, offset);
    }
    return { bytes, ms: performance.now() - t0, requests };
  } finally {
    client.close();
  }
}

async function platformaticRead(broker: BrokerProcess, warm: WarmLog, maxBytes: number, byteBudget: number, timeLimitMs: number): Promise<{ bytes: number; ms: number; records: number }> {
  const consumer = new Consumer({ clientId: 'kstream-bench', groupId: 'kstream-bench-unused', bootstrapBrokers: [broker.bootstrap], retries: 0, timeout: 30_000 });
  try {
    const metadata = await consumer.metadata({ topics: [warm.topic] });
    const topicId = metadata.topics.get(warm.topic)!.id;
    const bytesPerRecord = warm.bytes / warm.records;
    const end = BigInt(Math.min(warm.records, Math.ceil(byteBudget / bytesPerRecord)));
    let offset = 0n;
    let records = 0;
    const t0 = performance.now();
    while (offset < end && performance.now() - t0 < timeLimitMs) {
      const response = await consumer.fetch({
        node: 0,
        maxWaitTime: 0,
        maxBytes,
        topics: [{ topicId, partitions: [{ partition: 0, fetchOffset: offset, partitionMaxBytes: maxBytes, currentLeaderEpoch: -1, lastFetchedEpoch: -1, logStartOffset: -1n }] }],
      } as never);
      const p = response.responses[0].partitions[0];
      if (p.errorCode !== 0) throw new Error(`fetch error ${p.errorCode}`);
      const batches = p.records ?? [];
      if (batches.length === 0) throw new Error(`empty fetch at offset ${offset}`);
      for (const batch of batches) {
        records += batch.records.length;
        offset = batch.firstOffset + BigInt(batch.lastOffsetDelta) + 1n;
      }
    }
    return { bytes: Number(offset) * bytesPerRecord, ms: performance.now() - t0, records };
  } finally {
    await consumer.close();
  }
}

/** GB served per CPU-second of the broker: a noise-robust measure of its efficiency. */
function perCpuSecond(value: number, busy: number): string {
  return busy > 0 ? `${(value / busy).toFixed(2)} GB per broker CPU-second` : '';
}

function gbps(bytes: number, ms: number): number {
  return bytes / 1e9 / (ms / 1000);
}

export const fetchModule: BenchModule = {
  name: 'fetch',
  title: '5. Fetch from a warm log',
  async run(ctx: BenchContext) {
    const warm = await ctx.warmLog();
    const broker = await spawnBroker(warm.dataDir);
    const limit = { value: GOAL_GBPS, unit: 'GB/s', label: 'goal' };
    const timeLimitMs = ctx.sizes.loadTimeoutS * 1000;
    const logText = `${(warm.bytes / MiB).toFixed(0)} MiB log`;
    try {
      for (const maxMiB of [16, 1]) {
        const maxBytes = maxMiB * MiB;
        ctx.log(`raw fetch of the ${logText}, ${maxMiB} MiB per request`);
        const own0 = process.cpuUsage();
        const m = await withCpu(broker, () => rawRead(broker, warm, maxBytes, timeLimitMs));
        const own = process.cpuUsage(own0);
        const clientBusy = (own.user + own.system) / 1000 / m.wallMs;
        ctx.metric({
          id: `fetch.raw.${maxMiB}m.gbps`,
          goalNo: 5,
          label: `raw Fetch, 1 in flight, ${maxMiB} MiB per request (${logText})`,
          value: gbps(m.result.bytes, m.result.ms),
          unit: 'GB/s',
          limit,
          goal: maxMiB === 16 ? { op: '>=', ratio: 1 } : undefined,
          note: `CPU busy: broker ${m.busy.toFixed(2)}, client ${clientBusy.toFixed(2)}; ${perCpuSecond(gbps(m.result.bytes, m.result.ms), m.busy)}; ${m.result.requests} requests, ${(m.result.ms / m.result.requests).toFixed(2)} ms each`,
          details: { ...m.result, brokerBusy: m.busy, clientBusy },
        });
      }

      ctx.log(`kcat -C of the ${logText}`);
      const c0 = broker.cpuMs();
      const r = await kcatConsume({
        bootstrap: broker.bootstrap,
        topic: warm.topic,
        partition: 0,
        config: { 'fetch.max.bytes': String(50 * MiB), 'max.partition.fetch.bytes': String(16 * MiB), 'receive.message.max.bytes': String(100 * MiB) },
        timeoutMs: timeLimitMs,
      });
      const busy = (broker.cpuMs() - c0) / r.ms;
      ctx.metric({
        id: 'fetch.kcat.gbps',
        goalNo: 5,
        label: `kcat -C -o beginning -e to nowhere (${logText})`,
        value: gbps(warm.bytes, r.ms),
        unit: 'GB/s',
        limit,
        goal: { op: '>=', ratio: 1 },
        note: `CPU busy: broker ${busy.toFixed(2)}, kcat ${r.cpuMs === null ? '?' : (r.cpuMs / r.ms).toFixed(2)}; ${perCpuSecond(gbps(warm.bytes, r.ms), busy)}`,
        details: { bytes: warm.bytes, ms: r.ms, brokerBusy: busy, kcatCpuMs: r.cpuMs },
      });

      const budget = Math.min(warm.bytes, 256 * MiB);
      ctx.log(`@platformatic/kafka fetch of up to ${(budget / MiB).toFixed(0)} MiB`);
      const p = await withCpu(broker, () => platformaticRead(broker, warm, 16 * MiB, budget, timeLimitMs));
      ctx.metric({
        id: 'fetch.platformatic.gbps',
        goalNo: 5,
        label: `@platformatic/kafka fetch, records decoded (${(p.result.bytes / MiB).toFixed(0)} MiB)`,
        value: gbps(p.result.bytes, p.result.ms),
        unit: 'GB/s',
        limit,
        note: `broker CPU busy ${p.busy.toFixed(2)}; ${(p.result.records / (p.result.ms / 1000)).toFixed(0)} records/s`,
        details: { ...p.result, brokerBusy: p.busy },
      });
    } finally {
      await broker.stop();
    }
  },
};
