/**
 * A broker in its own process, for tests that must kill it (SIGKILL) without taking the test
 * runner down with it.
 *
 * As a script:
 *   node test/helpers/broker-child.ts --data-dir DIR [--port N] [--exit-with-parent]
 *   (or KSTREAM_CHILD_DATA_DIR / KSTREAM_CHILD_PORT in the environment)
 * starts a Broker on 127.0.0.1 and prints exactly one line `{"port":N}` on stdout once it listens.
 * It stays up until killed; SIGTERM / SIGINT stop it cleanly (flush, clean-shutdown marker) and
 * exit 0, and so does the end of stdin with `--exit-with-parent`. Logs go to stderr when
 * KSTREAM_TEST_LOG is set.
 *
 * As a module: `spawnBrokerChild({ dataDir })` runs the script with the current Node binary and
 * resolves when the port line arrives (bounded by `startTimeoutMs`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

const SCRIPT_PATH = fileURLToPath(import.meta.url);

export interface BrokerChild {
  process: ChildProcess;
  pid: number;
  port: number;
  bootstrap: string;
  dataDir: string;
  /** Everything the child wrote on stderr so far (for failure messages). */
  stderr(): string;
  /** SIGKILL: no flush, no clean-shutdown marker. Resolves when the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM: a clean stop. Resolves with the exit code (SIGKILL after `timeoutMs`). */
  stop(timeoutMs?: number): Promise<number | null>;
}

export interface SpawnBrokerChildOptions {
  dataDir: string;
  /** 0 (default): an ephemeral port. */
  port?: number;
  startTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      resolve(false);
    }, timeoutMs);
    const onExit = () => {
      clearTimeout(timer);
      resolve(true);
    };
    child.once('exit', onExit);
  });
}

export function spawnBrokerChild(options: SpawnBrokerChildOptions): Promise<BrokerChild> {
  const startTimeoutMs = options.startTimeoutMs ?? 20_000;
  // stdin is a pipe the child watches: if this process dies, the child stops too.
  const child = spawn(process.execPath, [SCRIPT_PATH, '--data-dir', options.dataDir, '--port', String(options.port ?? 0), '--exit-with-parent'], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
  });
  let stderrText = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    stderrText += chunk;
    if (stderrText.length > 200_000) stderrText = stderrText.slice(-100_000);
  });

  const kill = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await waitForExit(child, 10_000);
  };
  const stop = async (timeoutMs = 15_000): Promise<number | null> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    if (!(await waitForExit(child, timeoutMs))) {
      child.kill('SIGKILL');
      await waitForExit(child, 5000);
    }
    return child.exitCode;
  };

  return new Promise<BrokerChild>((resolve, reject) => {
    let settled = false;
    const lines = createInterface({ input: child.stdout! });
    const fail = (reason: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      lines.close();
      void kill().then(() => reject(new Error(`broker child ${reason}\n${stderrText}`)));
    };
    const timer = setTimeout(() => fail(`did not report a port within ${startTimeoutMs} ms`), startTimeoutMs);
    child.once('error', (err) => fail(`failed to spawn: ${err.message}`));
    child.once('exit', (code, signal) => fail(`exited before listening (code ${code}, signal ${signal})`));
    lines.on('line', (line) => {
      if (settled) return;
      let port: unknown;
      try {
        port = (JSON.parse(line) as { port?: unknown }).port;
      } catch {
        return; // not the port line
      }
      if (typeof port !== 'number') return;
      settled = true;
      clearTimeout(timer);
      lines.close();
      resolve({
        process: child,
        pid: child.pid!,
        port,
        bootstrap: `127.0.0.1:${port}`,
        dataDir: options.dataDir,
        stderr: () => stderrText,
        kill,
        stop,
      });
    });
  });
}

// ---- the script ---------------------------------------------------------------------------

function argValue(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const dataDir = argValue(argv, '--data-dir') ?? process.env.KSTREAM_CHILD_DATA_DIR;
  const port = Number(argValue(argv, '--port') ?? process.env.KSTREAM_CHILD_PORT ?? '0');
  if (!dataDir || !Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write('usage: broker-child.ts --data-dir DIR [--port N]\n');
    process.exit(2);
  }
  const { Broker } = await import('../../src/broker/broker.ts');
  const { createBrokerConfig } = await import('../../src/broker/config.ts');
  const { createLogger, silentLogger } = await import('../../src/util/logger.ts');
  const logger = process.env.KSTREAM_TEST_LOG ? createLogger({ level: 'debug' }) : silentLogger;
  const broker = await Broker.start(createBrokerConfig({ host: '127.0.0.1', port, dataDir }), { logger });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    broker.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`stop failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  if (argv.includes('--exit-with-parent')) {
    process.stdin.on('end', stop);
    process.stdin.on('error', stop);
    process.stdin.resume();
  }
  process.stdout.write(`${JSON.stringify({ port: broker.listenAddress.port })}\n`);
}

/** True when this file is the program node was started with (not imported by a test). */
function isMainModule(): boolean {
  if (!process.argv[1]) return false;
  try {
    return realpathSync(process.argv[1]) === realpathSync(SCRIPT_PATH);
  } catch {
    return false;
  }
}

if (isMainModule()) {
  main().catch((err: unknown) => {
    process.stderr.write(`broker child failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
