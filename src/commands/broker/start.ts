import { mkdir } from 'node:fs/promises';
import { Flags } from '@oclif/core';
import { Broker } from '../../broker/broker.ts';
import { advertisedAddress, loadBrokerConfig, type BrokerConfig } from '../../broker/config.ts';
import { BaseCommand } from '../../cli/base-command.ts';
import {
  connectHost,
  formatAddress,
  isBrokerAlive,
  probeTcp,
  readPidFile,
  removePidFile,
  removePidFileSync,
  spawnDetached,
  tailLines,
  waitUntil,
  writePidFile,
  type PidFileInfo,
} from '../../cli/broker-process.ts';
import { CliError, oneLine } from '../../cli/errors.ts';
import { ExitCode, type ExitCodeValue } from '../../cli/exit-codes.ts';
import { dataDirFlag, logLevelFlag, parseKeyValuePairs, setFlag } from '../../cli/flags.ts';
import { dataDirArg, logFilePath, pidFilePath } from '../../cli/paths.ts';
import type { Logger } from '../../util/logger.ts';

/** How long `--daemon` waits for the background broker to listen. */
const DAEMON_READY_TIMEOUT_MS = 15_000;
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export default class BrokerStart extends BaseCommand<typeof BrokerStart> {
  static override summary = 'Start a broker.';

  static override description = `Runs a Kafka-compatible broker in the foreground until SIGINT/SIGTERM, then stops it cleanly (logs flushed, pid file removed) and exits 0. Settings come from, highest precedence first: --host/--port/--data-dir, --set, --config, defaults. Keys are Kafka's (listeners, log.dirs, num.partitions, log.retention.hours, ...).

Once listening, the broker writes <data-dir>/broker.pid ({pid, host, port, dataDir, startedAt}) with the port actually bound, which 'kstream broker status' and 'kstream broker stop' read. Only one broker may run per data directory.

With --daemon the broker runs in the background with its output appended to <data-dir>/broker.log; the command returns once the broker accepts connections.`;

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --port 0 --data-dir ./data',
    '<%= config.bin %> <%= command.id %> --config server.properties --set num.partitions=3',
    '<%= config.bin %> <%= command.id %> --daemon && <%= config.bin %> broker status',
  ];

  static override flags = {
    host: Flags.string({ description: 'Interface to listen on [default: 127.0.0.1, or the listeners key]', helpValue: '<host>' }),
    port: Flags.integer({ description: 'Port to listen on; 0 picks a free port [default: 9092, or the listeners key]', min: 0, max: 65535, helpValue: '<port>' }),
    'data-dir': dataDirFlag({ description: 'Data directory [default: log.dirs, $KSTREAM_DATA_DIR, $XDG_DATA_HOME/kstream or ~/.local/share/kstream]' }),
    config: Flags.string({ char: 'c', description: 'Kafka-style .properties file', helpValue: '<file>' }),
    set: setFlag(),
    daemon: Flags.boolean({ char: 'd', description: 'Run in the background (output in <data-dir>/broker.log)' }),
    'log-level': logLevelFlag(),
  };

  async run(): Promise<unknown> {
    const { flags } = this;
    const logger = this.createLogger(flags['log-level']);
    const config = loadBrokerConfig({
      file: flags.config,
      overrides: parseKeyValuePairs(flags.set),
      flags: { host: flags.host, port: flags.port, dataDir: flags['data-dir'] },
    });
    for (const key of config.unknownKeys) logger.warn('unknown config key ignored', { key });

    const { dataDir } = config;
    try {
      await mkdir(dataDir, { recursive: true });
    } catch (err) {
      throw new CliError(`cannot create data directory ${dataDir}`, { cause: err, hint: 'choose another with --data-dir' });
    }
    await this.refuseIfRunning(config, logger);

    if (flags.daemon) return this.startDaemon(config);
    return this.runForeground(config, logger);
  }

  /** Fails when the pid file names a live process; removes a stale or unreadable pid file. */
  private async refuseIfRunning(config: BrokerConfig, logger: Logger): Promise<void> {
    const current = await readPidFile(config.dataDir);
    if (current.state === 'present') {
      const { pid, host, port } = current.info;
      if (isBrokerAlive(current.info)) {
        throw new CliError(`a broker is already running on ${formatAddress(host, port)} (pid ${pid}, data dir ${config.dataDir})`, {
          code: 'BROKER_RUNNING',
          hint: `stop it with '${this.stopCommand(config.dataDir)}'`,
        });
      }
      logger.warn('removing stale pid file', { path: current.path, pid });
      await removePidFile(config.dataDir);
    } else if (current.state === 'invalid') {
      logger.warn('removing unreadable pid file', { path: current.path, reason: current.reason });
      await removePidFile(config.dataDir);
    }
  }

  private stopCommand(dataDir: string): string {
    return `kstream broker stop${dataDirArg(dataDir)}`;
  }

  private async runForeground(config: BrokerConfig, logger: Logger): Promise<undefined> {
    // Signals that arrive while starting are honoured once the broker is up.
    let signalled: NodeJS.Signals | null = null;
    let wake: (() => void) | null = null;
    let broker: Broker | null = null;
    const onSignal = (signal: NodeJS.Signals) => {
      if (signalled) {
        // A second signal: give up on a clean stop.
        logger.warn('second signal, exiting without a clean stop', { signal });
        removePidFileSync(config.dataDir, process.pid);
        process.exit(ExitCode.UNEXPECTED);
      }
      signalled = signal;
      wake?.();
    };
    for (const s of STOP_SIGNALS) process.on(s, onSignal);

    try {
      broker = await Broker.start(config, { logger });
    } catch (err) {
      throw listenError(err, config);
    }
    const { host, port } = broker.listenAddress;
    const info: PidFileInfo = { pid: process.pid, host, port, dataDir: config.dataDir, startedAt: new Date().toISOString() };
    try {
      await writePidFile(config.dataDir, info, { exclusive: true });
    } catch (err) {
      await broker.stop().catch(() => {});
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new CliError(`another broker started on data dir ${config.dataDir} at the same time`, { code: 'BROKER_RUNNING', hint: `stop it with '${this.stopCommand(config.dataDir)}'` });
      }
      throw new CliError(`cannot write pid file in ${config.dataDir}`, { cause: err });
    }

    // The broker logs 'broker started' (address, cluster id) once it listens; this line says the
    // pid file is in place, i.e. 'kstream broker status/stop' can now find it.
    const advertised = advertisedAddress(config, { port });
    logger.info('broker ready', {
      host,
      port,
      dataDir: config.dataDir,
      pid: process.pid,
      pidFile: pidFilePath(config.dataDir),
      advertised: formatAddress(advertised.host, advertised.port),
    });
    if (this.jsonEnabled()) this.out.json({ started: true, ...info, address: formatAddress(host, port) });

    if (!signalled) await new Promise<void>((resolve) => { wake = resolve; });
    logger.info('broker stopping', { signal: signalled });
    try {
      await broker.stop();
    } finally {
      await removePidFile(config.dataDir, process.pid);
      for (const s of STOP_SIGNALS) process.off(s, onSignal);
    }
    // (The broker logs 'broker stopped' itself.)
    // Exit now rather than waiting for stray handles: the broker is stopped and the pid file gone.
    this.exit(ExitCode.OK);
  }

  private async startDaemon(config: BrokerConfig): Promise<Record<string, unknown>> {
    const script = process.argv[1];
    const { flags } = this;
    const args = ['broker', 'start', '--data-dir', config.dataDir, '--log-format', flags['log-format'], '--log-level', flags['log-level']];
    if (flags.host !== undefined) args.push('--host', flags.host);
    if (flags.port !== undefined) args.push('--port', String(flags.port));
    if (config.configFile !== null) args.push('--config', config.configFile);
    for (const s of flags.set ?? []) args.push('--set', s);
    if (flags.debug) args.push('--debug');

    const logFile = logFilePath(config.dataDir);
    const child = spawnDetached(script, args, logFile);
    let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
    void child.exited.then((e) => { exit = e; });

    let info: PidFileInfo | null = null;
    const ready = await waitUntil(async () => {
      if (exit) return true;
      const current = await readPidFile(config.dataDir);
      if (current.state !== 'present' || current.info.pid !== child.pid) return false;
      info = current.info;
      return probeTcp(connectHost(info.host), info.port, 500);
    }, { timeoutMs: DAEMON_READY_TIMEOUT_MS, intervalMs: 100 });

    if (exit || !ready || !info) {
      const finished = exit as { code: number | null; signal: NodeJS.Signals | null } | null;
      if (!finished) {
        try { process.kill(child.pid, 'SIGTERM'); } catch { /* already gone */ }
      }
      const last = (await tailLines(logFile, 1))[0];
      const reason = last ? `: ${oneLine(last).replace(/^error:\s*/, '')}` : '';
      const what = finished
        ? `the background broker exited during startup (${finished.signal ?? `exit code ${finished.code}`})${reason}`
        : `the background broker did not accept connections within ${DAEMON_READY_TIMEOUT_MS / 1000}s; it was stopped${reason}`;
      const childCode = finished?.code ?? null;
      const exitCode: ExitCodeValue = childCode !== null && (Object.values(ExitCode) as number[]).includes(childCode) && childCode !== 0 ? (childCode as ExitCodeValue) : ExitCode.UNEXPECTED;
      child.release();
      throw new CliError(what, { code: 'DAEMON_START_FAILED', hint: `see ${logFile}`, exitCode });
    }
    child.release();

    const started = info as PidFileInfo;
    const address = formatAddress(started.host, started.port);
    if (!this.jsonEnabled()) {
      this.out.keyValue([
        ['pid', String(started.pid)],
        ['address', address],
        ['data dir', started.dataDir],
        ['log file', logFile],
      ]);
    }
    return { started: true, ...started, address, logFile };
  }
}

/** Explains listen failures (port taken, no permission) instead of a bare errno. */
function listenError(err: unknown, config: BrokerConfig): unknown {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  const address = formatAddress(config.host, config.port);
  if (code === 'EADDRINUSE') {
    return new CliError(`cannot listen on ${address}: the address is already in use`, { cause: err, showCause: false, code: 'ADDRESS_IN_USE', hint: 'stop whatever uses it, or pick another port with --port (0 picks a free one)' });
  }
  if (code === 'EACCES') {
    return new CliError(`cannot listen on ${address}: permission denied`, { cause: err, showCause: false, code: 'ADDRESS_DENIED', hint: 'ports below 1024 need privileges; use --port' });
  }
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
    return new CliError(`cannot listen on ${address}: no such local address`, { cause: err, showCause: false, code: 'ADDRESS_UNAVAILABLE', hint: 'check --host' });
  }
  return err;
}
