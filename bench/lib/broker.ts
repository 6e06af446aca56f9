/**
 * Spawns `bench/broker-process.ts` as a child process and talks to it: its port, memory, open
 * descriptors, a clean stop (SIGTERM) or a crash (SIGKILL).
 *
 * KSTREAM_BENCH_CPU_PROF=<dir> starts every broker with `--cpu-prof`; each writes a
 * `.cpuprofile` into <dir> when it stops cleanly (summarize with `node bench/profile-summary.ts`).
 * KSTREAM_BENCH_BROKER_NODE_ARGS adds Node options (e.g. "--trace-gc"); KSTREAM_BENCH_BROKER_LOG
 * passes the broker's stderr (and non-JSON stdout) through.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { createInterface, type Interface } from 'node:readline';
import { track } from './proc.ts';

const BENCH_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const BROKER_SCRIPT = join(BENCH_DIR, 'broker-process.ts');

export interface BrokerMemory {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

export interface BrokerProcess {
  readonly pid: number;
  readonly port: number;
  readonly host: string;
  readonly bootstrap: string;
  readonly dataDir: string;
  /** Time spent inside Broker.start (reported by the child). */
  readonly startMs: number;
  /** Child's uptime when it was listening (Node start-up + module loading + Broker.start). */
  readonly uptimeMs: number;
  /** Parent's view: spawn until the port line arrived. */
  readonly spawnToListenMs: number;
  /** performance.now() in this process at spawn. */
  readonly spawnedAt: number;
  /** Resident set size from /proc (bytes). */
  rss(): number;
  /** Open file descriptors (entries of /proc/<pid>/fd). */
  fdCount(): number;
  /** CPU time (user + system) the broker used so far, in ms (10 ms resolution). */
  cpuMs(): number;
  /** process.memoryUsage() in the broker, after a full GC. */
  memory(): Promise<BrokerMemory>;
  /** SIGTERM and wait for exit; returns the time it took. */
  stop(timeoutMs?: number): Promise<{ ms: number; code: number | null }>;
  /** SIGKILL and wait for exit. */
  kill(): Promise<void>;
  readonly exited: boolean;
  stderrTail(): string;
}

export interface SpawnBrokerOptions {
  /** Fail when the port line has not arrived within this time. Default 120 s. */
  timeoutMs?: number;
  extraNodeArgs?: string[];
  /** Extra environment variables for the broker process. */
  env?: NodeJS.ProcessEnv;
}

export function spawnBroker(dataDir: string, options: SpawnBrokerOptions = {}): Promise<BrokerProcess> {
  const nodeArgs = ['--expose-gc', ...(options.extraNodeArgs ?? []), ...(process.env.KSTREAM_BENCH_BROKER_NODE_ARGS ?? '').split(' ').filter(Boolean)];
  const profDir = process.env.KSTREAM_BENCH_CPU_PROF;
  if (profDir) nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${resolve(profDir)}`);
  const spawnedAt = performance.now();
  const child: ChildProcess = track(spawn(process.execPath, [...nodeArgs, BROKER_SCRIPT, dataDir], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...options.env } }));
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    stderr = (stderr + d).slice(-8192);
    if (process.env.KSTREAM_BENCH_BROKER_LOG) process.stderr.write(d);
  });
  let exited = false;
  const exit = new Promise<number | null>((res) => child.once('exit', (code) => {
    exited = true;
    res(code);
  }));
  const lines: Interface = createInterface({ input: child.stdout! });
  const waiting: Array<(line: string) => void> = [];
  // Only JSON lines are answers; anything else (e.g. --trace-gc output) is passed through.
  lines.on('line', (line) => {
    if (line.startsWith('{')) waiting.shift()?.(line);
    else if (process.env.KSTREAM_BENCH_BROKER_LOG) process.stderr.write(`broker: ${line}\n`);
  });
  const nextLine = (what: string, ms: number): Promise<string> =>
    new Promise((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`broker: no ${what} within ${ms} ms; stderr: ${stderr.slice(-2000)}`)), ms);
      const done = (line: string): void => {
        clearTimeout(timer);
        res(line);
      };
      waiting.push(done);
      void exit.then((code) => {
        clearTimeout(timer);
        rej(new Error(`broker exited (code ${code}) before ${what}; stderr: ${stderr.slice(-2000)}`));
      });
    });

  return nextLine('port line', options.timeoutMs ?? 120_000).then((line) => {
    const spawnToListenMs = performance.now() - spawnedAt;
    const info = JSON.parse(line) as { port: number; pid: number; startMs: number; uptimeMs: number };
    const pid = child.pid!;
    const self: BrokerProcess = {
      pid,
      port: info.port,
      host: '127.0.0.1',
      bootstrap: `127.0.0.1:${info.port}`,
      dataDir,
      startMs: info.startMs,
      uptimeMs: info.uptimeMs,
      spawnToListenMs,
      spawnedAt,
      get exited() {
        return exited;
      },
      rss() {
        const status = readFileSync(`/proc/${pid}/status`, 'utf8');
        const m = /VmRSS:\s+(\d+) kB/.exec(status);
        if (!m) throw new Error('no VmRSS');
        return Number(m[1]) * 1024;
      },
      cpuMs() {
        return processCpuMs(pid);
      },
      fdCount() {
        return readdirSync(`/proc/${pid}/fd`).length;
      },
      async memory() {
        const p = nextLine('memory answer', 30_000);
        child.stdin!.write('mem\n');
        return (JSON.parse(await p) as { mem: BrokerMemory }).mem;
      },
      async stop(timeoutMs = 120_000) {
        const t = performance.now();
        if (exited) return { ms: 0, code: child.exitCode };
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
        const code = await exit;
        clearTimeout(timer);
        return { ms: performance.now() - t, code };
      },
      async kill() {
        if (exited) return;
        child.kill('SIGKILL');
        await exit;
      },
      stderrTail: () => stderr,
    };
    return self;
  }, (err: unknown) => {
    child.kill('SIGKILL');
    throw err;
  });
}

/** utime + stime of a process from /proc/<pid>/stat, in ms. */
export function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

/** Linux clock ticks per second (USER_HZ); 100 on every mainstream configuration. */
const CLOCK_TICKS = 100;

/**
 * Measures the broker's CPU use while `fn` runs: `busy` is broker CPU time / wall time
 * (1.0 = one core saturated; the broker's JavaScript runs on one thread).
 */
export async function withCpu<T>(broker: BrokerProcess, fn: () => Promise<T>): Promise<{ result: T; wallMs: number; cpuMs: number; busy: number }> {
  const c0 = broker.cpuMs();
  const t0 = performance.now();
  const result = await fn();
  const wallMs = performance.now() - t0;
  const cpuMs = broker.cpuMs() - c0;
  return { result, wallMs, cpuMs, busy: cpuMs / wallMs };
}

/** Starts bench/null-broker.ts (a protocol sink for client ceilings). */
export async function spawnNullBroker(): Promise<{ port: number; bootstrap: string; pid: number; stop(): void; cpuMs(): number }> {
  const child = track(spawn(process.execPath, [join(BENCH_DIR, 'null-broker.ts')], { stdio: ['pipe', 'pipe', 'inherit'] }));
  const line = await new Promise<string>((res, rej) => {
    const timer = setTimeout(() => rej(new Error('null broker did not start')), 30_000);
    createInterface({ input: child.stdout! }).once('line', (l) => {
      clearTimeout(timer);
      res(l);
    });
    child.once('exit', (code) => rej(new Error(`null broker exited with ${code}`)));
  });
  const { port } = JSON.parse(line) as { port: number };
  const pid = child.pid!;
  return {
    port,
    pid,
    bootstrap: `127.0.0.1:${port}`,
    stop: () => {
      child.kill('SIGKILL');
    },
    cpuMs: () => processCpuMs(pid),
  };
}
