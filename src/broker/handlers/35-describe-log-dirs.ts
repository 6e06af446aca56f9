// DescribeLogDirs: v0-4. One log dir (the data dir) holding every partition; partition sizes
// in bytes, offset lag 0, no future replicas. v4 adds the file system's total and usable bytes.
import { statfs } from 'node:fs/promises';
import { ApiKey } from '../../protocol/generated/api-keys.ts';
import { defineHandler } from '../handler.ts';

export const describeLogDirsHandler = defineHandler({
  apiKey: ApiKey.DescribeLogDirs,
  minVersion: 0,
  maxVersion: 4,
  async handle(request, ctx) {
    const broker = ctx.broker;
    const wanted = request.topics === null
      ? broker.topics.list().map((t) => ({ topic: t.name, partitions: [...Array(t.partitions).keys()] }))
      : request.topics;
    const topics = [];
    for (const w of wanted) {
      const meta = broker.topics.get(w.topic);
      if (!meta) continue;
      const partitions = [];
      for (const p of w.partitions) {
        if (p < 0 || p >= meta.partitions) continue;
        const log = await broker.replicas.log(meta.name, p);
        partitions.push({ partitionIndex: p, partitionSize: BigInt(log.sizeInBytes), offsetLag: 0n, isFutureKey: false });
      }
      topics.push({ name: meta.name, partitions });
    }
    let totalBytes = -1n;
    let usableBytes = -1n;
    try {
      const fs = await statfs(broker.config.dataDir, { bigint: true });
      totalBytes = fs.blocks * fs.bsize;
      usableBytes = fs.bavail * fs.bsize;
    } catch {
      // leave -1: unknown
    }
    return { throttleTimeMs: 0, errorCode: 0, results: [{ errorCode: 0, logDir: broker.config.dataDir, topics, totalBytes, usableBytes }] };
  },
});
