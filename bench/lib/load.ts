/** Load patterns over the wire client: sequential requests (latency) and a fixed depth pipeline (throughput). */
import { performance } from 'node:perf_hooks';
import type { Frame, WireClient } from './wire.ts';

/**
 * Sends `frame` `count` times one after the other (after `warmup` unmeasured ones), stopping
 * early at `timeLimitMs`; returns each round trip in ms.
 */
export async function sequential(client: WireClient, frame: Buffer, count: number, warmup: number, timeLimitMs: number, check: (f: Frame) => unknown): Promise<number[]> {
  const times: number[] = [];
  const deadline = performance.now() + timeLimitMs;
  for (let i = 0; i < warmup + count && performance.now() < deadline; i++) {
    const t = performance.now();
    const f = await client.sendFrame(frame);
    const ms = performance.now() - t;
    check(f!);
    if (i >= warmup) times.push(ms);
  }
  return times;
}

/**
 * Keeps `depth` copies of `frame` in flight until `count` were answered (or `timeLimitMs` passed).
 * Returns how many were answered and the time it took.
 */
export function pipelined(client: WireClient, frame: Buffer, count: number, depth: number, timeLimitMs: number, check: (f: Frame) => unknown): Promise<{ done: number; ms: number }> {
  const t0 = performance.now();
  const deadline = t0 + timeLimitMs;
  let sent = 0;
  let done = 0;
  return new Promise((resolve, reject) => {
    let failed = false;
    const pump = (): void => {
      if (failed) return;
      const open = sent < count && performance.now() < deadline;
      while (open && sent < count && sent - done < depth) {
        sent++;
        client.sendFrame(frame).then(
          (f) => {
            try {
              check(f!);
            } catch (err) {
              failed = true;
              reject(err);
              return;
            }
            done++;
            pump();
          },
          (err: unknown) => {
            failed = true;
            reject(err);
          },
        );
      }
      if (done === sent && (!open || sent >= count)) resolve({ done, ms: performance.now() - t0 });
    };
    pump();
  });
}
