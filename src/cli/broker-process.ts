/**
 * The broker as an operating-system process: its pid file, liveness, TCP reachability and
 * background (daemon) start.
 *
 * The pid file `<dataDir>/broker.pid` is JSON, written atomically once the broker listens and
 * removed when it stops:
 *   {"pid": 1234, "host": "127.0.0.1", "port": 9092, "dataDir": "/abs/dir", "startedAt": "2026-...Z"}
 * `port` is the port actually bound (`--port 0` picks an ephemeral one). A pid file whose process
 * is gone (crash, kill -9, reboot) is stale: `start` replaces it, `stop` and `status` report it.
 * A pid reused by an unrelated process (typically after a reboot) is recognised on Linux, where
 * the process start time is known: a process that started after the pid file's `startedAt` cannot
 * be the broker that wrote it (`isBrokerAlive`). Elsewhere such a pid counts as a live broker.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync } from 'node:fs';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { pidFilePath } from './paths.ts';

export { sleep };

/** Contents of `<dataDir>/broker.pid`. */
export interface PidFileInfo {
  pid: number;
  host: string;
  port: number;
  dataDir: string;
  /** ISO-8601 time the broker started listening. */
  startedAt: string;
}

export type PidFileState =
  | { state: 'missing'; path: string }
  | { state: 'invalid'; path: string; reason: string }
  | { state: 'present'; path: string; info: PidFileInfo };

function isPidFileInfo(value: unknown): value is PidFileInfo {
  const v = value as Partial<PidFileInfo> | null;
  return (
    typeof v === 'object' && v !== null &&
    Number.isInteger(v.pid) && (v.pid as number) > 0 &&
    typeof v.host === 'string' &&
    Number.isInteger(v.port) &&
    typeof v.dataDir === 'string' &&
    typeof v.startedAt === 'string'
  );
}

/** Reads the pid file of a data directory. */
export async function readPidFile(dataDir: string): Promise<PidFileState> {
  const path = pidFilePath(dataDir);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'missing', path };
    return { state: 'invalid', path, reason: (err as Error).message };
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (isPidFileInfo(parsed)) return { state: 'present', path, info: parsed };
    return { state: 'invalid', path, reason: 'unexpected content' };
  } catch {
    return { state: 'invalid', path, reason: 'not JSON' };
  }
}

/**
 * Writes the pid file atomically (temporary file + rename). With `exclusive`, fails with
 * `EEXIST` when a pid file already names a live process other than `info.pid` — the last guard
 * against two brokers started at the same moment on one data directory.
 */
export async function writePidFile(dataDir: string, info: PidFileInfo, options: { exclusive?: boolean } = {}): Promise<void> {
  const path = pidFilePath(dataDir);
  if (options.exclusive) {
    const current = await readPidFile(dataDir);
    if (current.state === 'present' && current.info.pid !== info.pid && isBrokerAlive(current.info)) {
      const err = new Error(`pid file ${path} names running process ${current.info.pid}`) as NodeJS.ErrnoException;
      err.code = 'EEXIST';
      throw err;
    }
  }
  const tmp = `${path}.${process.pid}.tmp`;
  const handle = await open(tmp, 'w');
  try {
    await handle.writeFile(JSON.stringify(info) + '\n');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, path);
}

/** Removes the pid file; with `onlyPid`, only when it still names that process. Never throws for a missing file. */
export async function removePidFile(dataDir: string, onlyPid?: number): Promise<boolean> {
  const path = pidFilePath(dataDir);
  if (onlyPid !== undefined) {
    const current = await readPidFile(dataDir);
    if (current.state === 'present' && current.info.pid !== onlyPid) return false;
    if (current.state === 'missing') return false;
  }
  await rm(path, { force: true });
  return true;
}

/** Synchronous removal for exit paths (second signal). Only removes a file naming `pid`. */
export function removePidFileSync(dataDir: string, pid: number): void {
  const path = pidFilePath(dataDir);
  try {
    const info: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (isPidFileInfo(info) && info.pid === pid) rmSync(path, { force: true });
  } catch {
    // nothing to remove
  }
}

/**
 * True when a process with this pid exists (and may be signalled or belongs to another user).
 * On Linux a zombie (exited, not yet reaped — e.g. under a container init that does not reap)
 * counts as gone.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (process.platform === 'linux') {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      if (state === 'Z' || state === 'X') return false;
    } catch {
      // /proc unavailable: trust kill(0)
    }
  }
  return true;
}

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ: 100 on every mainstream Linux architecture

/** When the process started (ms since the epoch), on Linux; null when unknown. */
export function processStartTime(pid: number): number | null {
  if (process.platform !== 'linux') return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after "(comm)": state is field 3, starttime field 22 → index 19 of the rest.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]);
    const btime = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'));
    if (!btime || !Number.isFinite(ticks)) return null;
    return Number(btime[1]) * 1000 + (ticks / CLOCK_TICKS_PER_SECOND) * 1000;
  } catch {
    return null;
  }
}

/**
 * True when the process a pid file names is alive and can be the broker that wrote it: on Linux
 * a process that started after `startedAt` (pid reused) does not count. Clock granularity and the
 * boot-time rounding are covered by a few seconds of slack.
 */
export function isBrokerAlive(info: Pick<PidFileInfo, 'pid' | 'startedAt'>): boolean {
  if (!isProcessAlive(info.pid)) return false;
  const started = processStartTime(info.pid);
  const written = Date.parse(info.startedAt);
  if (started === null || Number.isNaN(written)) return true;
  return started <= written + 5_000;
}

/** The address to connect to for a listen address: all-interfaces addresses become loopback. */
export function connectHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '::1';
  return host;
}

/** Formats host:port, bracketing IPv6 hosts. */
export function formatAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** True when a TCP connection to host:port succeeds within `timeoutMs`. */
export function probeTcp(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  if (!(port > 0)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const socket = connect({ host: connectHost(host), port });
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.removeAllListeners();
      socket.on('error', () => {});
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Polls `check` every `intervalMs` until it returns true (→ true) or `timeoutMs` passes
 * (→ false). `check` errors propagate.
 */
export async function waitUntil(check: () => boolean | Promise<boolean>, options: { timeoutMs: number; intervalMs?: number }): Promise<boolean> {
  const deadline = Date.now() + options.timeoutMs;
  const interval = options.intervalMs ?? 100;
  for (;;) {
    if (await check()) return true;
    const left = deadline - Date.now();
    if (left <= 0) return false;
    await sleep(Math.min(interval, left));
  }
}

export interface DetachedProcess {
  pid: number;
  /** Resolves with the exit code (or signal name) if the child exits while we still watch it. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Stop watching, so this process can exit and leave the child running. */
  release(): void;
}

/**
 * Starts `node <script> ...args` detached in its own session, stdin closed and stdout+stderr
 * appended to `logFile`. The same Node binary and Node options are used.
 */
export function spawnDetached(script: string, args: readonly string[], logFile: string, options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): DetachedProcess {
  const fd = openSync(logFile, 'a');
  try {
    const child = spawn(process.execPath, [...process.execArgv, script, ...args], {
      detached: true,
      stdio: ['ignore', fd, fd],
      env: options.env ?? process.env,
      cwd: options.cwd ?? process.cwd(),
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
      child.once('error', reject);
    });
    exited.catch(() => {});
    if (child.pid === undefined) {
      throw new Error(`could not start ${script}`);
    }
    return {
      pid: child.pid,
      exited,
      release: () => {
        child.removeAllListeners();
        child.unref();
      },
    };
  } finally {
    closeSync(fd);
  }
}

/** The last non-empty lines of a text file (empty when unreadable). */
export async function tailLines(path: string, count: number): Promise<string[]> {
  try {
    const text = await readFile(path, 'utf8');
    return text.split(/\r?\n/).filter((l) => l.trim() !== '').slice(-count);
  } catch {
    return [];
  }
}
