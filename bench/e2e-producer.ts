/**
 * The producing side of the end-to-end latency benchmark, as its own process:
 *
 *   node bench/e2e-producer.ts <port> <topic> <recordsPerSecond> <seconds>
 *
 * Sends 100-byte records at the given rate for the given time (acks=1, one batch per timer tick
 * with the records due by then), each value starting with process.hrtime.bigint() at sending, in
 * decimal, then '.' padding (the monotonic clock is shared by every process of the machine).
 * Prints {"sent":N} at the end.
 */
import { performance } from 'node:perf_hooks';
import { encodeTestBatch } from '../src/storage/test-batches.ts';
import { WireClient, produceFrame, produceResult } from './lib/wire.ts';

const [portArg, topic, rateArg, secondsArg] = process.argv.slice(2);
const port = Number(portArg);
const rate = Number(rateArg);
const seconds = Number(secondsArg);
if (!port || !topic || !rate || !seconds) {
  process.stderr.write('usage: node bench/e2e-producer.ts <port> <topic> <recordsPerSecond> <seconds>\n');
  process.exit(2);
}

const VALUE_BYTES = 100;
const MAX_PER_BATCH = 1000;
const client = await WireClient.connect('127.0.0.1', port);
const outstanding = new Set<Promise<unknown>>();
let sent = 0;
let failed: unknown = null;
const t0 = performance.now();

function value(stamp: bigint): Buffer {
  const v = Buffer.alloc(VALUE_BYTES, 0x2e);
  v.write(stamp.toString(), 0, 'latin1');
  return v;
}

await new Promise<void>((resolve) => {
  const tick = (): void => {
    const elapsed = performance.now() - t0;
    if (elapsed >= seconds * 1000 || failed) return resolve();
    const due = Math.min(MAX_PER_BATCH, Math.floor((elapsed / 1000) * rate) - sent);
    if (due > 0) {
      const stamp = process.hrtime.bigint();
      const now = Date.now();
      const records = Array.from({ length: due }, () => ({ key: null, value: value(stamp), timestamp: now }));
      const p = client.sendFrame(produceFrame(topic, 0, encodeTestBatch(records), 1)).then(
        (f) => produceResult(f!),
        (err: unknown) => {
          failed = err;
        },
      );
      outstanding.add(p);
      void p.finally(() => outstanding.delete(p));
      sent += due;
    }
    setTimeout(tick, 0);
  };
  tick();
});
await Promise.all(outstanding);
client.close();
if (failed) {
  process.stderr.write(`e2e producer failed: ${String(failed)}\n`);
  process.exit(1);
}
process.stdout.write(`${JSON.stringify({ sent })}\n`);
