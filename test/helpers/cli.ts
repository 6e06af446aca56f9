/**
 * Running the built CLI (bin/run.js → dist/) as child processes, for end-to-end and interop tests.
 *
 * - `cliTempDir(name)`: a private temporary directory for one test file (cwd, HOME, config dirs).
 * - `cliEnvironment(tmp, extra)`: the environment of every CLI process: no colors, a private HOME,
 *   XDG dirs and KSTREAM_CONFIG_DIR under `tmp`, and no inherited connection settings or NODE_ENV.
 * - `ensureCliBuilt()`: brings dist/ (and oclif.manifest.json) up to date when src/ is newer,
 *   once per process and safely when several test files call it at the same time.
 * - `runCli(args, options)`: runs a command to completion and collects `{ code, signal, stdout,
 *   stderr }` (stdout as text, or as a Buffer with `binary: true`).
 * - `spawnCli(args, options)`: starts a long-running command and collects its output as it goes.
 */
import { spawn, spawnSync, type ChildProcess, type ChildProcessByStdio, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
/** The CLI's entry point, as users run it. */
export const cliBin = join(repoRoot, 'bin', 'run.js');

/** A fresh private directory under the OS temp dir (`kstream-<name>-XXXXXX`); remove it in `afterAll`. */
export function cliTempDir(name: string): string {
  return mkdtempSync(join(tmpdir(), `kstream-${name}-`));
}

/** Inherited variables that would point a CLI process at a user's cluster, data or profiles. */
const CLEARED = ['KSTREAM_DATA_DIR', 'KSTREAM_BOOTSTRAP_SERVER', 'KSTREAM_BROKERS', 'KSTREAM_PROFILE', 'KSTREAM_CONNECT_URL', 'NODE_ENV'];

/**
 * The environment of a CLI process: `process.env` with NO_COLOR=1, HOME, XDG_CONFIG_HOME,
 * XDG_DATA_HOME, XDG_CACHE_HOME and KSTREAM_CONFIG_DIR inside `tmp`, and without the KSTREAM_*
 * connection variables or NODE_ENV (vitest sets NODE_ENV=test, which makes oclif look for
 * TypeScript sources; the tests run the build as users do). `extra` is applied last; a key set to
 * `undefined` there is removed (e.g. `{ NO_COLOR: undefined }`).
 */
export function cliEnvironment(tmp: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NO_COLOR: '1',
    HOME: join(tmp, 'home'),
    XDG_CONFIG_HOME: join(tmp, 'config'),
    XDG_DATA_HOME: join(tmp, 'xdg'),
    XDG_CACHE_HOME: join(tmp, 'cache'),
    KSTREAM_CONFIG_DIR: join(tmp, 'kstream-config'),
  };
  for (const key of CLEARED) delete env[key];
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

// ---- the build ---------------------------------------------------------------------------------------

const isSource = (name: string): boolean => /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name);

/** Every source file under `dir` (tests excluded). */
function sources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sources(path));
    else if (isSource(entry.name)) out.push(path);
  }
  return out;
}

/** The mtime of a file, or -1 when it does not exist. */
function mtime(path: string): number {
  return existsSync(path) ? statSync(path).mtimeMs : -1;
}

/**
 * How up to date the build is: `dist` when a command module is missing or older than the newest
 * source (tsc rewrites every output, so the oldest command module tells when it last ran),
 * `manifest` when only oclif.manifest.json is older than the build, or `fresh`.
 */
function buildState(): 'dist' | 'manifest' | 'fresh' {
  const src = join(repoRoot, 'src');
  const newestSource = Math.max(...sources(src).map(mtime));
  const commands = sources(join(src, 'commands')).map((path) => join(repoRoot, 'dist', relative(src, path).replace(/\.tsx?$/, '.js')));
  const built = Math.min(...commands.map(mtime));
  if (built < 0 || built < newestSource) return 'dist';
  const manifest = join(repoRoot, 'oclif.manifest.json');
  return existsSync(manifest) && mtime(manifest) < built ? 'manifest' : 'fresh';
}

function rebuild(state: 'dist' | 'manifest'): void {
  if (state === 'dist') {
    // tsc emits even when files elsewhere in a work-in-progress tree have type errors; what matters is that dist/ is fresh.
    const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    spawnSync(process.execPath, [tsc, '-p', join(repoRoot, 'tsconfig.build.json')], { cwd: repoRoot, stdio: 'ignore', timeout: 120_000 });
    if (buildState() === 'dist') throw new Error('build failed: dist/commands is missing modules or older than src/ (run npm run build)');
  }
  // What `npm run build` does after tsc: the manifest lets the CLI load only the command it runs.
  spawnSync(process.execPath, [join(repoRoot, 'scripts', 'oclif-manifest.ts')], { cwd: repoRoot, stdio: 'ignore', timeout: 60_000 });
}

/** A lock shared by every test process of this checkout, so that only one of them rebuilds. */
const lockDir = join(tmpdir(), `kstream-cli-build-${createHash('sha256').update(repoRoot).digest('hex').slice(0, 16)}.lock`);
const LOCK_STALE_MS = 5 * 60_000;

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function withBuildLock<T>(fn: () => T): T {
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      // A lock left behind by a killed process.
      if (Date.now() - mtime(lockDir) > LOCK_STALE_MS) rmSync(lockDir, { recursive: true, force: true });
      else sleepSync(100);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

let builtInThisProcess = false;

/**
 * Brings dist/ up to date when src/ is newer (and regenerates oclif.manifest.json when dist/ was
 * rebuilt or the manifest is older than it), so bin/run.js runs the current code. Checked once per
 * process; test files running in parallel take turns, and only the first one rebuilds.
 */
export function ensureCliBuilt(): void {
  if (builtInThisProcess) return;
  if (buildState() !== 'fresh') {
    withBuildLock(() => {
      const state = buildState();
      if (state !== 'fresh') rebuild(state);
    });
  }
  builtInThisProcess = true;
}

// ---- running the CLI -----------------------------------------------------------------------------

/** A child process with piped stdout and stderr; stdin piped or /dev/null. */
type WithOutput = ChildProcessByStdio<Writable | null, Readable, Readable>;

export interface CliOptions {
  /** Working directory (default: the repository root). */
  cwd?: string;
  /** The whole environment of the process, usually from `cliEnvironment` (default: `process.env`). */
  env?: NodeJS.ProcessEnv;
}

export interface RunCliOptions extends CliOptions {
  /** Written to stdin, which is then closed. Without it stdin is /dev/null. */
  input?: string | Buffer;
  /** SIGKILL after this long (default 30 s). */
  timeoutMs?: number;
  /** On timeout: reject with an error carrying stderr (default), or resolve with `timedOut: true`. */
  onTimeout?: 'reject' | 'resolve';
  /** stdout as a Buffer instead of text. */
  binary?: boolean;
}

export interface CliResult<Out extends string | Buffer = string> {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Out;
  stderr: string;
  /** Killed at the timeout (only with `onTimeout: 'resolve'`). */
  timedOut: boolean;
}

/** Runs `kstream ARGS` to completion and collects its output. */
export function runCli(args: readonly string[], options: RunCliOptions & { binary: true }): Promise<CliResult<Buffer>>;
export function runCli(args: readonly string[], options?: RunCliOptions & { binary?: false }): Promise<CliResult>;
export function runCli(args: readonly string[], options: RunCliOptions = {}): Promise<CliResult<string | Buffer>> {
  return new Promise((resolve, reject) => {
    const piped = options.input !== undefined;
    const child = spawn(process.execPath, [cliBin, ...args], { cwd: options.cwd ?? repoRoot, env: options.env ?? process.env, stdio: [piped ? 'pipe' : 'ignore', 'pipe', 'pipe'] }) as WithOutput;
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
      if (options.onTimeout !== 'resolve') reject(new Error(`kstream ${args.join(' ')} timed out\n${Buffer.concat(err).toString('utf8')}`));
    }, options.timeoutMs ?? 30_000);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out);
      resolve({ code, signal, stdout: options.binary ? stdout : stdout.toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), timedOut });
    });
    if (child.stdin) {
      child.stdin.on('error', () => undefined); // the command may exit before reading everything
      child.stdin.end(options.input);
    }
  });
}

/** What most tests compare: the exit code and the text output. */
export interface CliOutput {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `runCli` reduced to `{ code, stdout, stderr }` (for tests that compare whole results). */
export async function runCliOutput(args: readonly string[], options: RunCliOptions & { binary?: false } = {}): Promise<CliOutput> {
  const { code, stdout, stderr } = await runCli(args, options);
  return { code, stdout, stderr };
}

export interface SpawnCliOptions extends CliOptions {
  /** `pipe` to write to the process; default `ignore` (/dev/null). */
  stdin?: 'pipe' | 'ignore';
  /** SIGKILL after this long (default: never). */
  timeoutMs?: number;
}

/** A CLI process left running, with its output collected as it arrives. */
export interface RunningCli<Child extends ChildProcess> {
  child: Child;
  /** stdout so far. */
  stdout(): string;
  /** stderr so far. */
  stderr(): string;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves when the process has exited and its output streams have closed. */
  closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `kstream ARGS` without waiting for it. */
export function spawnCli(args: readonly string[], options: SpawnCliOptions & { stdin: 'pipe' }): RunningCli<ChildProcessWithoutNullStreams>;
export function spawnCli(args: readonly string[], options?: SpawnCliOptions): RunningCli<ChildProcessByStdio<null, Readable, Readable>>;
export function spawnCli(args: readonly string[], options: SpawnCliOptions = {}): RunningCli<ChildProcessByStdio<null, Readable, Readable> | ChildProcessWithoutNullStreams> {
  // stdin is a pipe only when asked for (the overloads give the matching type).
  const child = spawn(process.execPath, [cliBin, ...args], { cwd: options.cwd ?? repoRoot, env: options.env ?? process.env, stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'] }) as ChildProcessWithoutNullStreams;
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (d: Buffer) => out.push(d));
  child.stderr.on('data', (d: Buffer) => err.push(d));
  child.stdin?.on('error', () => undefined);
  const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    }),
  );
  return { child, stdout: () => Buffer.concat(out).toString('utf8'), stderr: () => Buffer.concat(err).toString('utf8'), exited, closed };
}
