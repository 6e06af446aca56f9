/**
 * The broker as its own process for the benchmarks, so the load generator and the broker do not
 * share a thread.
 *
 *   node bench/broker-process.ts <dataDir>
 *
 * Prints one JSON line on stdout once listening:
 *   {"port":N,"pid":P,"startMs":S,"uptimeMs":U}
 * `startMs` is the time spent in Broker.start; `uptimeMs` the time since the process started (so
 * `uptimeMs - startMs` is Node's own start-up plus module loading).
 *
 * Commands, one per line on stdin (answered with one JSON line on stdout):
 *   mem   process.memoryUsage() (after a full GC when started with --expose-gc)
 *   stats the broker's stats()
 * SIGTERM stops the broker cleanly (Broker.stop) and exits 0; SIGKILL is the crash case.
 * Set KSTREAM_BENCH_BROKER_LOG=info|debug for broker logs on stderr.
 */
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';
import { existsSync } from 'node:fs';
import module from 'node:module';

// Measure what `kstream broker start` runs: the compiled dist/ (built by npm install) with
// Node's compile cache, as bin/run.js does; the TypeScript sources only when dist/ is missing.
module.enableCompileCache?.();
const useDist = existsSync(new URL('../dist/broker/broker.js', import.meta.url));
const from = (path: string): string => new URL(useDist ? `../dist/${path}.js` : `../src/${path}.ts`, import.meta.url).href;
const { Broker } = (await import(from('broker/broker'))) as typeof import('../src/broker/broker.ts');
const { createBrokerConfig } = (await import(from('broker/config'))) as typeof import('../src/broker/config.ts');
const { createLogger } = (await import(from('util/logger'))) as typeof import('../src/util/logger.ts');

const dataDir = process.argv[2];
if (!dataDir) {
  process.stderr.write('usage: node bench/broker-process.ts <dataDir>\n');
  process.exit(2);
}

const level = process.env.KSTREAM_BENCH_BROKER_LOG;
const options = level === 'debug' || level === 'info' || level === 'warn' || level === 'error' ? { logger: createLogger({ level }) } : {};

const t0 = performance.now();
const broker = await Broker.start(createBrokerConfig({ host: '127.0.0.1', port: 0, dataDir }), options);
const startMs = performance.now() - t0;
process.stdout.write(`${JSON.stringify({ port: broker.listenAddress.port, pid: process.pid, startMs, uptimeMs: performance.now() })}\n`);

let stopping = false;
process.on('SIGTERM', () => {
  if (stopping) return;
  stopping = true;
  const t = performance.now();
  broker.stop().then(
    () => {
      process.stderr.write(`${JSON.stringify({ stoppedMs: performance.now() - t })}\n`);
      process.exit(0);
    },
    (err: unknown) => {
      process.stderr.write(`stop failed: ${String(err)}\n`);
      process.exit(1);
    },
  );
});

const gc = (globalThis as { gc?: () => void }).gc;
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const cmd = line.trim();
  if (cmd === 'mem') {
    if (gc) {
      gc();
      gc();
    }
    process.stdout.write(`${JSON.stringify({ mem: process.memoryUsage(), gc: gc !== undefined })}\n`);
  } else if (cmd === 'stats') {
    process.stdout.write(`${JSON.stringify({ stats: broker.stats() })}\n`);
  }
});
// The parent going away (stdin closed) must not leave a broker behind.
lines.on('close', () => {
  if (!stopping) process.kill(process.pid, 'SIGTERM');
});
