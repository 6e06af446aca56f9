/**
 * Goal 6: end-to-end latency. A producer process (bench/e2e-producer.ts) sends 100-byte records
 * at sizes.e2eRate per second for sizes.e2eSeconds, acks=1, each stamped with its send time; a
 * fetcher here long-polls (maxWait: the rest of the run, minBytes 1, one Fetch in flight) and
 * takes the time each response arrives. Latency = arrival − stamp, per record; the first 10% of
 * the run (at least 1 s, at most half) is warm-up.
 * Goals: p50 ≤ 1 ms, p99 ≤ 5 ms.
 */
import { spawn } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchModule } from './lib/context.ts';
import { spawnBroker } from './lib/broker.ts';
import { makeTempDir, removeTempDir, track, withTimeout } from './lib/proc.ts';
import { summarize } from './lib/stats.ts';
import { WireClient, createTopics, fetchFrame, fetchResult, nextOffsetAfter } from './lib/wire.ts';
import { decodeTestBatches } from '../src/storage/test-batches.ts';

const PRODUCER = join(dirname(fileURLToPath(import.meta.url)), 'e2e-producer.ts');
const TOPIC = 'e2e';

export const e2eLatencyModule: BenchModule = {
  name: 'e2e-latency',
  title: '6. End-to-end latency, produce to long-poll fetch',
  async run(ctx) {
    const { e2eRate: rate, e2eSeconds: seconds } = ctx.sizes;
    const dir = makeTempDir('e2e');
    const broker = await spawnBroker(dir);
    const client = await WireClient.connect(broker.host, broker.port);
    try {
      await createTopics(client, [TOPIC], 1);
      ctx.log(`${rate} records/s of 100 B for ${seconds} s`);
      const child = track(spawn(process.execPath, [PRODUCER, String(broker.port), TOPIC, String(rate), String(seconds)], { stdio: ['ignore', 'pipe', 'pipe'] }));
      let out = '';
      let err = '';
      child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
      child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
      let sent: number | null = null;
      const finished = new Promise<void>((resolve, reject) =>
        child.once('exit', (code) => {
          if (code !== 0) return reject(new Error(`e2e producer exited with ${code}: ${err}`));
          sent = (JSON.parse(out) as { sent: number }).sent;
          resolve();
        }),
      );
      finished.catch(() => undefined);

      const latencies: number[] = [];
      let received = 0;
      let firstStamp: bigint | null = null;
      const warmupNs = BigInt(Math.round(Math.min(seconds / 2, Math.max(1, seconds * 0.1)) * 1e9));
      let offset = 0n;
      let responses = 0;
      const spikes: Array<{ response: number; atMs: number; latencyMs: number }> = [];
      let producerError: unknown = null;
      void finished.catch((e: unknown) => (producerError = e));
      const c0 = broker.cpuMs();
      const t0 = performance.now();
      const deadline = t0 + (seconds + ctx.sizes.loadTimeoutS) * 1000;
      while ((sent === null || offset < BigInt(sent)) && producerError === null && performance.now() < deadline) {
        // Long polls wait as long as the producer may still send (+1 s), then briefly for stragglers.
        const maxWaitMs = sent === null ? Math.max(200, Math.round(t0 + seconds * 1000 + 1000 - performance.now())) : 200;
        const frame = fetchFrame(TOPIC, 0, offset, { maxWaitMs, minBytes: 1, maxBytes: 1 << 20, partitionMaxBytes: 1 << 20 });
        const f = (await client.sendFrame(frame))!;
        const { records } = fetchResult(f);
        if (records.length === 0) continue;
        responses++;
        for (const r of decodeTestBatches(records)) {
          const v = r.value!;
          const stamp = BigInt(v.slice(0, v.indexOf('.')));
          firstStamp ??= stamp;
          received++;
          if (stamp - firstStamp >= warmupNs) {
            const ms = Number(f.at - stamp) / 1e6;
            latencies.push(ms);
            // Slow deliveries, one per response, by time since the first record: periodic spikes
            // point at timers (flush, checkpoints), random ones at GC or scheduling.
            if (ms > 5 && spikes.length < 200 && spikes[spikes.length - 1]?.response !== responses) {
              spikes.push({ response: responses, atMs: Math.round(Number(stamp - firstStamp) / 1e6), latencyMs: Math.round(ms * 10) / 10 });
            }
          }
        }
        offset = nextOffsetAfter(records, offset);
      }
      const wallMs = performance.now() - t0;
      const busy = (broker.cpuMs() - c0) / wallMs;
      await withTimeout(finished, 30_000, 'e2e producer');
      if (producerError) throw producerError;
      const s = summarize(latencies);
      ctx.log(`slow (> 5 ms) deliveries at ms: ${spikes.slice(0, 30).map((x) => `${x.atMs}:${x.latencyMs}`).join(' ')}`);
      ctx.log(`received ${received} of ${sent}; p50 ${s.p50.toFixed(3)} ms, p99 ${s.p99.toFixed(3)} ms, max ${s.max.toFixed(1)} ms`);
      const note = `${received.toLocaleString('en-US')} records at ${(received / (seconds)).toFixed(0)}/s; broker CPU busy ${busy.toFixed(2)}`;
      ctx.metric({
        id: 'e2e.p50',
        goalNo: 6,
        label: `end-to-end latency p50, ${rate.toLocaleString('en-US')} rec/s × ${seconds} s, acks=1`,
        value: s.p50,
        unit: 'ms',
        limit: { value: 1, unit: 'ms', label: 'goal' },
        goal: { op: '<=', ratio: 1 },
        note,
        details: { ...s, sent, received, responses, brokerBusy: busy, spikes: spikes.map(({ atMs, latencyMs }) => ({ atMs, latencyMs })) },
      });
      ctx.metric({
        id: 'e2e.p99',
        goalNo: 6,
        label: 'end-to-end latency p99',
        value: s.p99,
        unit: 'ms',
        limit: { value: 5, unit: 'ms', label: 'goal' },
        goal: { op: '<=', ratio: 1 },
      });
      ctx.metric({ id: 'e2e.max', goalNo: 6, label: 'end-to-end latency max', value: s.max, unit: 'ms' });
    } finally {
      client.close();
      await broker.stop();
      removeTempDir(dir);
    }
  },
};
