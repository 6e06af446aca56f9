/** Shared fixtures: record files for kcat and a warm log, each built once per run. */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { BenchContext, RecordFile, WarmLog } from './context.ts';
import { segmentFiles, writeRecordFile } from './context.ts';
import { spawnBroker } from './broker.ts';
import { kcatProduce, LARGE_BATCHES } from './kcat.ts';
import { MiB } from './stats.ts';
import { WireClient, createTopics } from './wire.ts';

export const WARM_TOPIC = 'warm';

/** Record files by record size; a larger request replaces a smaller file. */
export function recordFiles(workDir: string, log: (m: string) => void): (recordBytes: number, count: number) => Promise<RecordFile> {
  const files = new Map<number, Promise<RecordFile>>();
  return async (recordBytes, count) => {
    const existing = files.get(recordBytes);
    if (existing) {
      const f = await existing;
      if (f.count >= count) return f;
    }
    const p = (async () => {
      const path = join(workDir, `records-${recordBytes}b-${count}.txt`);
      const t = performance.now();
      await writeRecordFile(path, recordBytes, count);
      log(`wrote ${count.toLocaleString('en-US')} records of ${recordBytes} B to a file in ${(performance.now() - t).toFixed(0)} ms`);
      return { path, recordBytes, count };
    })();
    files.set(recordBytes, p);
    return p;
  };
}

/** One partition of about `sizes.logMiB` of 1 KiB records, written by kcat; the broker is stopped cleanly. */
export async function buildWarmLog(ctx: BenchContext): Promise<WarmLog> {
  const records = Math.max(1, Math.round((ctx.sizes.logMiB * MiB) / 1024));
  const file = await ctx.recordFile(1024, records);
  const dataDir = join(ctx.workDir, 'warm-log');
  const broker = await spawnBroker(dataDir);
  try {
    const client = await WireClient.connect(broker.host, broker.port);
    await createTopics(client, [WARM_TOPIC], 1);
    client.close();
    const t = performance.now();
    await kcatProduce({
      bootstrap: broker.bootstrap,
      topic: WARM_TOPIC,
      partition: 0,
      file: file.path,
      count: records,
      config: { acks: '1', ...LARGE_BATCHES },
      timeoutMs: Math.max(ctx.sizes.loadTimeoutS * 1000, 300_000),
    });
    ctx.log(`warm log: ${ctx.sizes.logMiB} MiB of 1 KiB records written in ${(performance.now() - t).toFixed(0)} ms`);
  } finally {
    await broker.stop();
  }
  const files = segmentFiles(join(dataDir, `${WARM_TOPIC}-0`));
  return { dataDir, topic: WARM_TOPIC, bytes: files.bytes, segments: files.count, records };
}
