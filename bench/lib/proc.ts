/**
 * Child processes and temporary directories that must not outlive the benchmark: every child
 * started here is killed (SIGKILL) when the run exits, also on errors and Ctrl-C, and every
 * temporary directory is removed.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();

export function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Kills every child still running (SIGKILL). */
export function killAll(): void {
  for (const c of children) {
    try {
      c.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  children.clear();
}

/** A new directory under the system temp dir, removed by `cleanupAll` (or `removeTempDir`). */
export function makeTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `kstream-bench-${prefix}-`));
  tempDirs.add(dir);
  return dir;
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
}

export function cleanupAll(): void {
  killAll();
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
  tempDirs.clear();
}

let installed = false;
/** Kills children and removes temp dirs on exit, Ctrl-C, SIGTERM and uncaught errors. */
export function installCleanup(): void {
  if (installed) return;
  installed = true;
  process.on('exit', cleanupAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      process.stderr.write(`\n${sig}: stopping children and removing temp dirs\n`);
      cleanupAll();
      process.exit(130);
    });
  }
}

export interface RunResult {
  /** CPU time (user + system) of the command, when measured (`measureCpu`). */
  cpuMs: number | null;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  timedOut: boolean;
}

export interface RunOptions {
  timeoutMs: number;
  /** Keep stdout (default: discarded, which is what throughput runs want). */
  captureStdout?: boolean;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Run the command under /usr/bin/time (when present) to learn its CPU time. */
  measureCpu?: boolean;
}

const TIME_BIN = '/usr/bin/time';
const CPU_MARK = 'KSTREAM_BENCH_CPU';
const timeAvailable = existsSync(TIME_BIN);

/** Runs a command to completion (killed after `timeoutMs`); `ms` is spawn-to-exit wall time. */
export function run(cmd: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const spawnOptions: SpawnOptions = {
      stdio: ['ignore', options.captureStdout ? 'pipe' : 'ignore', 'pipe'],
      env: options.env ?? process.env,
      cwd: options.cwd,
    };
    const wrap = options.measureCpu === true && timeAvailable;
    const child = track(wrap ? spawn(TIME_BIN, ['-f', `${CPU_MARK} %U %S`, cmd, ...args], spawnOptions) : spawn(cmd, args, spawnOptions));
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      if (stdout.length < 1 << 20) stdout += d;
    });
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      if (stderr.length < 1 << 16) stderr += d;
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const ms = performance.now() - started;
      let cpuMs: number | null = null;
      const m = wrap ? new RegExp(`${CPU_MARK} ([\\d.]+) ([\\d.]+)`).exec(stderr) : null;
      if (m) {
        cpuMs = (Number(m[1]) + Number(m[2])) * 1000;
        stderr = stderr.replace(m[0], '').trim();
      }
      resolve({ code, signal, stdout, stderr, ms, timedOut, cpuMs });
    });
  });
}

/** Rejects when `p` has not settled after `ms`. */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
