/**
 * Goal 8: many idle partitions (sizes.topics × sizes.partitionsPerTopic, 10,000 by default).
 *  - Broker RSS per idle partition: (RSS after creating them and idling − RSS of the same broker
 *    empty) / partitions, both after a full GC; goal ≤ 10 KiB.
 *  - Open file descriptors (/proc/<pid>/fd), after creating and after a restart.
 *  - Start-up with them on disk: spawn → first Metadata answered after a clean stop; goal ≤ 2 s.
 */
import { performance } from 'node:perf_hooks';
import type { BenchContext, BenchModule } from './lib/context.ts';
import { spawnBroker, type BrokerMemory, type BrokerProcess } from './lib/broker.ts';
import { makeTempDir, removeTempDir, sleep } from './lib/proc.ts';
import { WireClient, createTopics, metadataAll } from './lib/wire.ts';

const KiB = 1024;

async function idleMemory(broker: BrokerProcess, idleMs: number): Promise<{ mem: BrokerMemory; fds: number }> {
  await sleep(idleMs);
  const mem = await broker.memory();
  return { mem, fds: broker.fdCount() };
}

export const partitionsModule: BenchModule = {
  name: 'partitions',
  title: '8. Many idle partitions: memory, descriptors, start-up',
  async run(ctx: BenchContext) {
    const { topics, partitionsPerTopic } = ctx.sizes;
    const wanted = topics * partitionsPerTopic;
    const dir = makeTempDir('partitions');
    let broker: BrokerProcess | null = await spawnBroker(dir);
    try {
      const empty = await idleMemory(broker, 1000);
      const client = await WireClient.connect(broker.host, broker.port);
      const t0 = performance.now();
      const deadline = t0 + ctx.sizes.loadTimeoutS * 3000;
      let created = 0;
      for (let i = 0; i < topics && performance.now() < deadline; i++) {
        await createTopics(client, [`idle-${i}`], partitionsPerTopic);
        created += partitionsPerTopic;
      }
      const createMs = performance.now() - t0;
      ctx.log(`created ${created} partitions in ${createMs.toFixed(0)} ms`);
      if (created < wanted) ctx.log(`WARNING: stopped creating after ${ctx.sizes.loadTimeoutS * 3} s; figures are for ${created} partitions`);
      const t1 = performance.now();
      const meta = await metadataAll(client);
      const metadataMs = performance.now() - t1;
      client.close();
      const full = await idleMemory(broker, 2000);
      const perPartition = (full.mem.rss - empty.mem.rss) / created;
      const heapPer = (full.mem.heapUsed - empty.mem.heapUsed) / created;
      const externalPer = (full.mem.external - empty.mem.external) / created;
      ctx.metric({
        id: 'partitions.rss-per-partition',
        goalNo: 8,
        label: `RSS per idle partition (${created.toLocaleString('en-US')} partitions, after GC)`,
        value: perPartition / KiB,
        unit: 'KiB',
        limit: { value: 10, unit: 'KiB', label: 'goal' },
        goal: { op: '<=', ratio: 1 },
        note: `RSS ${(empty.mem.rss / 2 ** 20).toFixed(0)} → ${(full.mem.rss / 2 ** 20).toFixed(0)} MiB; JS heap ${(heapPer / KiB).toFixed(2)} KiB and external ${(externalPer / KiB).toFixed(2)} KiB per partition`,
        details: { empty: empty.mem, full: full.mem, partitions: created },
      });
      ctx.metric({
        id: 'partitions.fds',
        goalNo: 8,
        label: 'open file descriptors after creating them',
        value: full.fds,
        unit: 'fds',
        limit: { value: created, unit: 'partitions', label: 'partition count' },
        note: `${empty.fds} when empty`,
      });
      ctx.metric({
        id: 'partitions.create',
        goalNo: 8,
        label: `creating them (${topics} CreateTopics requests, one after the other)`,
        value: created / (createMs / 1000),
        unit: 'partitions/s',
        note: `${(createMs / 1000).toFixed(1)} s in all; Metadata for all of them: ${metadataMs.toFixed(0)} ms, ${meta.topics.length} topics`,
      });

      const stop = await broker.stop();
      broker = null;
      ctx.log(`clean stop with ${created} partitions took ${stop.ms.toFixed(0)} ms`);
      const startAt = performance.now();
      broker = await spawnBroker(dir);
      const listened = performance.now();
      const c2 = await WireClient.connect(broker.host, broker.port);
      const meta2 = await metadataAll(c2);
      const readyMs = performance.now() - broker.spawnedAt;
      c2.close();
      if (meta2.topics.length < created / partitionsPerTopic) throw new Error(`after the restart only ${meta2.topics.length} topics`);
      ctx.metric({
        id: 'partitions.startup',
        goalNo: 8,
        label: `start-up with ${created.toLocaleString('en-US')} partitions on disk → Metadata answered`,
        value: readyMs,
        unit: 'ms',
        limit: { value: 2000, unit: 'ms', label: 'goal' },
        goal: { op: '<=', ratio: 1 },
        note: `node+modules ${(broker.uptimeMs - broker.startMs).toFixed(0)} ms, Broker.start ${broker.startMs.toFixed(0)} ms, metadata ${(performance.now() - listened).toFixed(0)} ms; clean stop before it took ${stop.ms.toFixed(0)} ms`,
        details: { spawnToListenMs: listened - startAt, stopMs: stop.ms },
      });
      const after = await idleMemory(broker, 1000);
      ctx.metric({
        id: 'partitions.rss-per-partition.restarted',
        goalNo: 8,
        label: 'RSS per idle partition after that restart',
        value: (after.mem.rss - empty.mem.rss) / created / KiB,
        unit: 'KiB',
        limit: { value: 10, unit: 'KiB', label: 'goal' },
        note: `${after.fds} open file descriptors`,
        details: { restarted: after.mem },
      });
    } finally {
      if (broker) await broker.stop();
      removeTempDir(dir);
    }
  },
};
