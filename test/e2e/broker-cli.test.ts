/**
 * End-to-end tests of `kstream broker start|stop|status`, run as real processes through the
 * built entry point (bin/run.js → dist/). The build is brought up to date in `beforeAll` when
 * dist/ is missing or older than src/ (in CI `npm ci` has already built it through `prepare`).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Server } from 'node:net';
import { join } from 'node:path';
import { Admin } from '@platformatic/kafka';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cliEnvironment, cliTempDir, ensureCliBuilt, runCliOutput, spawnCli, type CliOutput } from '../helpers/cli.ts';

const tmp = cliTempDir('broker-cli');

/** Environment of every CLI process: no colors, no inherited data dir, a private HOME. */
const cliEnv = cliEnvironment(tmp);

interface PidFile { pid: number; host: string; port: number; dataDir: string; startedAt: string }
type RunResult = CliOutput;

/** Runs the CLI to completion. */
function run(args: string[], options: { timeoutMs?: number } = {}): Promise<RunResult> {
  return runCliOutput(args, { cwd: tmp, env: cliEnv, timeoutMs: options.timeoutMs });
}

/** A CLI process left running (foreground broker), with its output collected. */
interface Running { child: ChildProcess; stdout: () => string; stderr: () => string; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> }

const started: ChildProcess[] = [];
const startedPids: number[] = [];

function startForeground(args: string[]): Running {
  const r = spawnCli(['broker', 'start', ...args], { cwd: tmp, env: cliEnv });
  started.push(r.child);
  return r;
}

function newDataDir(name: string): string {
  return join(tmp, name);
}

function readPid(dataDir: string): PidFile | null {
  try {
    return JSON.parse(readFileSync(join(dataDir, 'broker.pid'), 'utf8')) as PidFile;
  } catch {
    return null;
  }
}

async function waitFor<T>(what: string, fn: () => T | null | undefined | false, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function waitForPidFile(dataDir: string, running?: Running): Promise<PidFile> {
  return waitFor(`pid file in ${dataDir}${running ? `\n${running.stderr()}` : ''}`, () => readPid(dataDir));
}

/** Like the CLI: a zombie (exited, not yet reaped by init) counts as gone. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]$/.test(stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3));
  } catch {
    return true;
  }
}

function tcpConnects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l.trim() !== '');
}

/** The pid of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
  return Number(child.stdout.trim());
}

beforeAll(() => {
  ensureCliBuilt();
});

afterAll(async () => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const pid of startedPids) if (alive(pid)) process.kill(pid, 'SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
});

describe('broker start (foreground)', () => {
  const dataDir = newDataDir('foreground');
  let broker: Running;
  let pidFile: PidFile;

  beforeAll(async () => {
    broker = startForeground(['--port', '0', '--data-dir', dataDir]);
    pidFile = await waitForPidFile(dataDir, broker);
  });

  afterAll(() => {
    if (broker.child.exitCode === null) broker.child.kill('SIGKILL');
  });

  it('writes the pid file with the port actually bound', () => {
    expect(pidFile.pid).toBe(broker.child.pid);
    expect(pidFile.host).toBe('127.0.0.1');
    expect(pidFile.port).toBeGreaterThan(0);
    expect(pidFile.dataDir).toBe(dataDir);
    expect(Number.isNaN(Date.parse(pidFile.startedAt))).toBe(false);
  });

  it('logs host, port and data dir on stderr once ready, nothing on stdout', async () => {
    const line = await waitFor('broker ready log line', () => lines(broker.stderr()).find((l) => l.includes('INFO broker ready')));
    expect(line).toContain('host=127.0.0.1');
    expect(line).toContain(`port=${pidFile.port}`);
    expect(line).toContain(`dataDir=${dataDir}`);
    expect(line).toContain(`pid=${pidFile.pid}`);
    expect(broker.stdout()).toBe('');
  });

  it('accepts TCP connections on that port', async () => {
    expect(await tcpConnects('127.0.0.1', pidFile.port)).toBe(true);
  });

  it('status --json reports it running and reachable, with an empty broker\'s counts', async () => {
    const result = await run(['broker', 'status', '--data-dir', dataDir, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const status = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(status).toMatchObject({
      running: true,
      listening: true,
      reachable: true,
      pid: pidFile.pid,
      host: '127.0.0.1',
      port: pidFile.port,
      address: `127.0.0.1:${pidFile.port}`,
      dataDir,
      topics: 0,
      partitions: 0,
      message: null,
    });
    expect(status.uptimeMs).toBeGreaterThanOrEqual(0);
    expect(typeof status.clusterId).toBe('string');
  });

  it('status prints a key/value table', async () => {
    const result = await run(['broker', 'status', '--data-dir', dataDir]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^reachable\s+yes$/m);
    expect(result.stdout).toMatch(new RegExp(`^pid\\s+${pidFile.pid}$`, 'm'));
    expect(result.stdout).toMatch(new RegExp(`^address\\s+127\\.0\\.0\\.1:${pidFile.port}$`, 'm'));
    expect(result.stdout).toMatch(/^topics\s+0$/m);
    expect(result.stdout).toMatch(/^partitions\s+0$/m);
    expect(result.stdout).toMatch(/^uptime\s+\S+/m);
    expect(result.stderr).toBe('');
  });

  it('status counts topics and partitions', async () => {
    const admin = new Admin({ clientId: 'broker-cli-test', bootstrapBrokers: [`127.0.0.1:${pidFile.port}`], retries: 0 });
    try {
      await admin.createTopics({ topics: ['orders'], partitions: 3, replicas: 1 });
      await admin.createTopics({ topics: ['audit'], partitions: 1, replicas: 1 });
    } finally {
      await admin.close();
    }
    const result = await run(['broker', 'status', '--data-dir', dataDir, '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ reachable: true, topics: 2, partitions: 4 });
  });

  it('refuses a second start on the same data dir with one line and a hint', async () => {
    const result = await run(['broker', 'start', '--port', '0', '--data-dir', dataDir]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toMatch(/^error: a broker is already running on 127\.0\.0\.1:\d+ \(pid \d+, data dir .*\); stop it with 'kstream broker stop --data-dir .*'$/m);
    expect(readPid(dataDir)?.pid).toBe(pidFile.pid);
  });

  it('SIGTERM stops it cleanly: exit code 0, pid file removed', async () => {
    broker.child.kill('SIGTERM');
    const { code, signal } = await broker.exited;
    expect({ code, signal }, broker.stderr()).toEqual({ code: 0, signal: null });
    expect(existsSync(join(dataDir, 'broker.pid'))).toBe(false);
    expect(broker.stderr()).toContain('broker stopping');
  });
});

describe('broker start --daemon / stop', () => {
  it('starts in the background, reports pid and address, and stop stops it', async () => {
    const dataDir = newDataDir('daemon');
    const start = await run(['broker', 'start', '--daemon', '--port', '0', '--data-dir', dataDir]);
    expect(start.code, start.stderr).toBe(0);
    const pidFile = readPid(dataDir)!;
    expect(pidFile).not.toBeNull();
    startedPids.push(pidFile.pid);
    expect(alive(pidFile.pid)).toBe(true);
    expect(start.stdout).toMatch(new RegExp(`^pid\\s+${pidFile.pid}$`, 'm'));
    expect(start.stdout).toMatch(new RegExp(`^address\\s+127\\.0\\.0\\.1:${pidFile.port}$`, 'm'));
    expect(start.stdout).toMatch(/^log file\s+.*broker\.log$/m);
    expect(await tcpConnects('127.0.0.1', pidFile.port)).toBe(true);

    const status = await run(['broker', 'status', '--data-dir', dataDir, '--json']);
    expect(status.code, status.stdout + status.stderr).toBe(0);

    const stop = await run(['broker', 'stop', '--data-dir', dataDir, '--json']);
    expect(stop.code, stop.stderr).toBe(0);
    expect(JSON.parse(stop.stdout)).toMatchObject({ wasRunning: true, stopped: true, killed: false, pid: pidFile.pid, dataDir });
    expect(stop.stderr).toMatch(/broker stopped \(pid \d+\)/);
    expect(alive(pidFile.pid)).toBe(false);
    expect(existsSync(join(dataDir, 'broker.pid'))).toBe(false);
    // The daemon's output went to broker.log.
    expect(readFileSync(join(dataDir, 'broker.log'), 'utf8')).toContain('broker ready');
  });

  it('start --daemon --json prints the started broker as JSON', async () => {
    const dataDir = newDataDir('daemon-json');
    const start = await run(['broker', 'start', '--daemon', '--port', '0', '--data-dir', dataDir, '--json']);
    expect(start.code, start.stderr).toBe(0);
    const info = JSON.parse(start.stdout) as PidFile & { address: string; logFile: string; started: boolean };
    startedPids.push(info.pid);
    expect(info).toMatchObject({ started: true, host: '127.0.0.1', dataDir, logFile: join(dataDir, 'broker.log') });
    expect(info.address).toBe(`127.0.0.1:${info.port}`);
    expect(readPid(dataDir)?.pid).toBe(info.pid);
    const stop = await run(['broker', 'stop', '--data-dir', dataDir]);
    expect(stop.code).toBe(0);
    expect(alive(info.pid)).toBe(false);
  });

  it('stop when nothing runs: message on stderr, exit 0, wasRunning false', async () => {
    const dataDir = newDataDir('never-started');
    const text = await run(['broker', 'stop', '--data-dir', dataDir]);
    expect(text.code).toBe(0);
    expect(text.stdout).toBe('');
    expect(lines(text.stderr)).toEqual([`broker is not running (no pid file in ${dataDir})`]);

    const json = await run(['broker', 'stop', '--data-dir', dataDir, '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ wasRunning: false, stopped: false, stalePidFileRemoved: false, pid: null });
  });
});

describe('broker stop escalation', () => {
  it('sends SIGKILL when the process ignores SIGTERM for --timeout, and says so', async () => {
    const dataDir = newDataDir('stubborn');
    spawnSync('mkdir', ['-p', dataDir]);
    const stubborn = spawn(process.execPath, ['-e', "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000); console.log('ready')"], { stdio: ['ignore', 'pipe', 'ignore'] });
    started.push(stubborn);
    await new Promise((resolve) => stubborn.stdout!.once('data', resolve));
    writeFileSync(join(dataDir, 'broker.pid'), JSON.stringify({ pid: stubborn.pid, host: '127.0.0.1', port: 1, dataDir, startedAt: new Date().toISOString() }));
    const exited = new Promise((resolve) => stubborn.on('exit', (_code, signal) => resolve(signal)));

    const result = await run(['broker', 'stop', '--data-dir', dataDir, '--timeout', '300ms', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`broker (pid ${stubborn.pid}) did not stop within 300ms; sending SIGKILL`);
    expect(JSON.parse(result.stdout)).toMatchObject({ wasRunning: true, stopped: true, killed: true });
    expect(await exited).toBe('SIGKILL');
    expect(existsSync(join(dataDir, 'broker.pid'))).toBe(false);
  });
});

describe('stale pid file', () => {
  const dataDir = newDataDir('stale');
  let pid: number;

  beforeAll(() => {
    pid = deadPid();
    spawnSync('mkdir', ['-p', dataDir]);
  });

  const writeStale = () => writeFileSync(join(dataDir, 'broker.pid'), JSON.stringify({ pid, host: '127.0.0.1', port: 1, dataDir, startedAt: new Date().toISOString() }));

  it('status reports not running (exit 4)', async () => {
    writeStale();
    const result = await run(['broker', 'status', '--data-dir', dataDir]);
    expect(result.code).toBe(4);
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toContain(`stale pid file: process ${pid} is gone`);
  });

  it('stop removes it and exits 0', async () => {
    writeStale();
    const result = await run(['broker', 'stop', '--data-dir', dataDir, '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ wasRunning: false, stalePidFileRemoved: true, pid });
    expect(existsSync(join(dataDir, 'broker.pid'))).toBe(false);
  });

  it.runIf(process.platform === 'linux')('a pid reused by another process is not signalled (Linux)', async () => {
    const other = spawn(process.execPath, ['-e', "setInterval(() => {}, 1000); console.log('ready')"], { stdio: ['ignore', 'pipe', 'ignore'] });
    started.push(other);
    await new Promise((resolve) => other.stdout!.once('data', resolve));
    // A pid file written an hour before this process started: it names a broker that is long gone.
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    writeFileSync(join(dataDir, 'broker.pid'), JSON.stringify({ pid: other.pid, host: '127.0.0.1', port: 1, dataDir, startedAt: hourAgo }));

    const status = await run(['broker', 'status', '--data-dir', dataDir]);
    expect(status.code).toBe(4);
    expect(status.stderr).toContain(`stale pid file: pid ${other.pid} now belongs to another process`);

    const stop = await run(['broker', 'stop', '--data-dir', dataDir, '--json']);
    expect(stop.code).toBe(0);
    expect(JSON.parse(stop.stdout)).toMatchObject({ wasRunning: false, stalePidFileRemoved: true });
    expect(alive(other.pid!)).toBe(true);
    other.kill('SIGKILL');
  });

  it('start replaces it (and warns about unknown config keys)', async () => {
    writeStale();
    const broker = startForeground(['--port', '0', '--data-dir', dataDir, '--set', 'no.such.key=1']);
    const pidFile = await waitFor('new pid file', () => { const p = readPid(dataDir); return p && p.pid !== pid ? p : null; });
    expect(pidFile.pid).toBe(broker.child.pid);
    expect(broker.stderr()).toContain('removing stale pid file');
    expect(broker.stderr()).toMatch(/WARN unknown config key ignored key=no\.such\.key/);
    broker.child.kill('SIGINT');
    expect((await broker.exited).code).toBe(0);
  });
});

describe('errors', () => {
  let occupied: Server | undefined;
  afterEach(() => {
    occupied?.close();
    occupied = undefined;
  });

  it('status when not running: exit 4, one stderr line, nothing on stdout', async () => {
    const dataDir = newDataDir('never-started');
    const result = await run(['broker', 'status', '--data-dir', dataDir]);
    expect(result.code).toBe(4);
    expect(result.stdout).toBe('');
    expect(lines(result.stderr)).toEqual([
      `error: broker is not running (no pid file in ${dataDir}); start it with 'kstream broker start --data-dir ${dataDir}'`,
    ]);
  });

  it('status --json when not running: exit 4 with the status document', async () => {
    const dataDir = newDataDir('never-started');
    const result = await run(['broker', 'status', '--data-dir', dataDir, '--json']);
    expect(result.code).toBe(4);
    expect(JSON.parse(result.stdout)).toMatchObject({ running: false, reachable: false, pid: null, dataDir, message: expect.stringContaining('not running') });
  });

  it('a missing --config file: exit 2, one line', async () => {
    const result = await run(['broker', 'start', '--config', join(tmp, 'missing.properties'), '--data-dir', newDataDir('cfg1')]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toMatch(/^error: cannot read config file .*missing\.properties: no such file$/m);
  });

  it('an invalid value in --config: exit 2, one line naming key, line and expected type', async () => {
    const file = join(tmp, 'bad.properties');
    writeFileSync(file, '# test\nnum.partitions=three\n');
    const result = await run(['broker', 'start', '--config', file, '--data-dir', newDataDir('cfg2')]);
    expect(result.code).toBe(2);
    expect(lines(result.stderr)).toEqual([`error: Invalid value "three" for configuration num.partitions (${file}:2): expected INT (32-bit integer)`]);
    expect(existsSync(join(newDataDir('cfg2'), 'broker.pid'))).toBe(false);
  });

  it('an invalid --set: exit 2', async () => {
    const result = await run(['broker', 'start', '--set', 'num.partitions', '--data-dir', newDataDir('cfg3')]);
    expect(result.code).toBe(2);
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toContain('expected key=value');
  });

  it('--json errors: {"error":{...}} on stdout, non-zero exit', async () => {
    const result = await run(['broker', 'start', '--config', join(tmp, 'missing.properties'), '--data-dir', newDataDir('cfg4'), '--json']);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toEqual({
      error: { code: 'CONFIG_FILE', message: expect.stringContaining('cannot read config file'), hint: null, exitCode: 2 },
    });
  });

  it('an unknown flag: exit 2, one line with a help hint', async () => {
    const result = await run(['broker', 'status', '--bogus']);
    expect(result.code).toBe(2);
    expect(lines(result.stderr)).toEqual(["error: Nonexistent flag: --bogus; see 'kstream broker status --help'"]);
  });

  it('a bad flag value: exit 2', async () => {
    const result = await run(['broker', 'start', '--port', '70000']);
    expect(result.code).toBe(2);
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toMatch(/^error: .*--port/);
  });

  it('--debug adds the stack trace', async () => {
    const result = await run(['broker', 'start', '--config', join(tmp, 'missing.properties'), '--data-dir', newDataDir('cfg5'), '--debug']);
    expect(result.code).toBe(2);
    expect(lines(result.stderr)[0]).toMatch(/^error: cannot read config file/);
    expect(result.stderr).toMatch(/\n\s+at /);
  });

  it('a daemon that fails to start: its error, exit code and a pointer to broker.log', async () => {
    occupied = createServer();
    await new Promise<void>((resolve) => occupied!.listen(0, '127.0.0.1', resolve));
    const port = (occupied.address() as { port: number }).port;
    const dataDir = newDataDir('daemon-fails');
    const result = await run(['broker', 'start', '--daemon', '--port', String(port), '--data-dir', dataDir]);
    expect(result.code).toBe(1);
    expect(lines(result.stderr)).toEqual([
      `error: the background broker exited during startup (exit code 1): cannot listen on 127.0.0.1:${port}: the address is already in use; stop whatever uses it, or pick another port with --port (0 picks a free one); see ${join(dataDir, 'broker.log')}`,
    ]);
  });

  it('a port in use: exit 1 with a hint', async () => {
    occupied = createServer();
    await new Promise<void>((resolve) => occupied!.listen(0, '127.0.0.1', resolve));
    const port = (occupied.address() as { port: number }).port;
    const result = await run(['broker', 'start', '--port', String(port), '--data-dir', newDataDir('in-use')]);
    expect(result.code).toBe(1);
    expect(lines(result.stderr).filter((l) => l.startsWith('error:'))).toEqual([
      `error: cannot listen on 127.0.0.1:${port}: the address is already in use; stop whatever uses it, or pick another port with --port (0 picks a free one)`,
    ]);
    expect(existsSync(join(newDataDir('in-use'), 'broker.pid'))).toBe(false);
  });
});
