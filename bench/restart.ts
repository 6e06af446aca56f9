/**
 * Goal 7: restart time with a log of about sizes.logMiB (one partition, one segment: the default
 * segment.bytes is 1 GiB). Time from spawning the broker process to its first Metadata answer:
 *  - after SIGTERM (clean shutdown; goal ≤ 200 ms),
 *  - after SIGKILL while producing (unclean; recovery scans the segments from the recovery point;
 *    goal ≤ 1 s).
 * For locating the time: a bare `node -e ''`, an empty data directory, the broker's own split
 * (Node start-up + loading the TypeScript modules vs Broker.start), the first Fetch and Produce
 * after the restart (logs load lazily), and a clean restart with NODE_COMPILE_CACHE (the module
 * loading, type stripping included, cached on disk).
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { BenchContext, BenchModule } from './lib/context.ts';
import { spawnBroker, type BrokerProcess, type SpawnBrokerOptions } from './lib/broker.ts';
import { makeTempDir, removeTempDir, run } from './lib/proc.ts';
import { summarize } from './lib/stats.ts';
import { WireClient, fetchFrame, fetchResult, metadataAll, produceFrame, produceResult } from './lib/wire.ts';
import { encodeTestBatch } from '../src/storage/test-batches.ts';

interface Start {
  /** Spawn → first Metadata answered. */
  readyMs: number;
  /** Node start-up and module loading (child uptime at listening − Broker.start). */
  nodeMs: number;
  /** Broker.start. */
  brokerStartMs: number;
  /** Listening → Metadata answered (as seen by this process). */
  metadataMs: number;
  firstFetchMs: number;
  firstProduceMs: number;
}

async function timedStart(dataDir: string, topic: string | null, options: SpawnBrokerOptions = {}): Promise<{ broker: BrokerProcess; start: Start }> {
  const broker = await spawnBroker(dataDir, options);
  const listened = performance.now();
  const client = await WireClient.connect(broker.host, broker.port);
  try {
    await metadataAll(client);
    const ready = performance.now();
    let firstFetchMs = Number.NaN;
    let firstProduceMs = Number.NaN;
    if (topic) {
      let t = performance.now();
      fetchResult((await client.sendFrame(fetchFrame(topic, 0, 0n, { maxWaitMs: 0, minBytes: 1, maxBytes: 1 << 20, partitionMaxBytes: 1 << 20 })))!);
      firstFetchMs = performance.now() - t;
      t = performance.now();
      produceResult((await client.sendFrame(produceFrame(topic, 0, encodeTestBatch([{ value: Buffer.alloc(100, 0x62) }]), 1)))!);
      firstProduceMs = performance.now() - t;
    }
    return {
      broker,
      start: {
        readyMs: ready - broker.spawnedAt,
        nodeMs: broker.uptimeMs - broker.startMs,
        brokerStartMs: broker.startMs,
        metadataMs: ready - listened,
        firstFetchMs,
        firstProduceMs,
      },
    };
  } finally {
    client.close();
  }
}

/** Writes a few hundred KiB so that the crash leaves unflushed data, then SIGKILLs. */
async function produceThenKill(broker: BrokerProcess, topic: string): Promise<void> {
  const client = await WireClient.connect(broker.host, broker.port);
  const batch = encodeTestBatch(Array.from({ length: 100 }, () => ({ value: Buffer.alloc(1000, 0x63) })));
  for (let i = 0; i < 5; i++) produceResult((await client.sendFrame(produceFrame(topic, 0, batch, 1)))!);
  client.close();
  await broker.kill();
}

function median(xs: readonly Start[], key: keyof Start): number {
  return summarize(xs.map((x) => x[key])).p50;
}

function breakdown(xs: readonly Start[]): string {
  const text = `node+modules ${median(xs, 'nodeMs').toFixed(0)} ms, Broker.start ${median(xs, 'brokerStartMs').toFixed(0)} ms, metadata ${median(xs, 'metadataMs').toFixed(1)} ms`;
  if (Number.isNaN(xs[0].firstFetchMs)) return text;
  return `${text}; then first fetch ${median(xs, 'firstFetchMs').toFixed(0)} ms, first produce ${median(xs, 'firstProduceMs').toFixed(0)} ms`;
}

async function bareNodeMs(): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) times.push((await run(process.execPath, ['-e', ''], { timeoutMs: 30_000 })).ms);
  return summarize(times).p50;
}

export const restartModule: BenchModule = {
  name: 'restart',
  title: '7. Restart with a large log',
  async run(ctx: BenchContext) {
    const runs = ctx.sizes.restartRuns;
    const bare = await bareNodeMs();
    ctx.metric({ id: 'restart.bare-node', goalNo: 7, label: "reference: spawn of a bare `node -e ''`", value: bare, unit: 'ms', limit: { value: 200, unit: 'ms', label: 'clean goal' } });

    const emptyDir = makeTempDir('empty');
    try {
      const empty: Start[] = [];
      for (let i = 0; i < runs; i++) {
        const { broker, start } = await timedStart(join(emptyDir, String(i)), null);
        empty.push(start);
        await broker.stop();
      }
      ctx.metric({
        id: 'restart.empty',
        goalNo: 7,
        label: 'reference: first start on an empty data dir → Metadata answered',
        value: median(empty, 'readyMs'),
        unit: 'ms',
        limit: { value: 200, unit: 'ms', label: 'clean goal' },
        note: breakdown(empty),
        details: { runs: empty },
      });
    } finally {
      removeTempDir(emptyDir);
    }

    const warm = await ctx.warmLog();
    const sizeText = `${(warm.bytes / 2 ** 20).toFixed(0)} MiB log in ${warm.segments} segment${warm.segments === 1 ? '' : 's'}`;
    const clean: Start[] = [];
    for (let i = 0; i < runs; i++) {
      const { broker, start } = await timedStart(warm.dataDir, warm.topic);
      clean.push(start);
      await broker.stop();
    }
    ctx.log(`clean restarts: ${clean.map((s) => s.readyMs.toFixed(0)).join(', ')} ms`);
    ctx.metric({
      id: 'restart.clean',
      goalNo: 7,
      label: `restart after SIGTERM → Metadata answered (${sizeText})`,
      value: median(clean, 'readyMs'),
      unit: 'ms',
      limit: { value: 200, unit: 'ms', label: 'goal' },
      goal: { op: '<=', ratio: 1 },
      note: breakdown(clean),
      details: { runs: clean },
    });

    const unclean: Start[] = [];
    for (let i = 0; i < runs; i++) {
      const b = await spawnBroker(warm.dataDir);
      await produceThenKill(b, warm.topic);
      const { broker, start } = await timedStart(warm.dataDir, warm.topic);
      unclean.push(start);
      await broker.stop();
    }
    ctx.log(`unclean restarts: ${unclean.map((s) => s.readyMs.toFixed(0)).join(', ')} ms`);
    ctx.metric({
      id: 'restart.unclean',
      goalNo: 7,
      label: `restart after SIGKILL → Metadata answered (${sizeText})`,
      value: median(unclean, 'readyMs'),
      unit: 'ms',
      limit: { value: 1000, unit: 'ms', label: 'goal' },
      goal: { op: '<=', ratio: 1 },
      note: breakdown(unclean),
      details: { runs: unclean },
    });

    const cacheDir = makeTempDir('compile-cache');
    try {
      const env = { NODE_COMPILE_CACHE: cacheDir };
      await (await timedStart(warm.dataDir, warm.topic, { env })).broker.stop(); // fills the cache
      const cached: Start[] = [];
      for (let i = 0; i < runs; i++) {
        const { broker, start } = await timedStart(warm.dataDir, warm.topic, { env });
        cached.push(start);
        await broker.stop();
      }
      ctx.metric({
        id: 'restart.clean.compile-cache',
        goalNo: 7,
        label: 'restart after SIGTERM with NODE_COMPILE_CACHE (warm)',
        value: median(cached, 'readyMs'),
        unit: 'ms',
        limit: { value: 200, unit: 'ms', label: 'goal' },
        note: breakdown(cached),
        details: { runs: cached },
      });
    } finally {
      removeTempDir(cacheDir);
    }
  },
};
