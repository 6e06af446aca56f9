import { hostname } from 'node:os';
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.ts';
import { CliError } from '../../cli/errors.ts';
import { ExitCode } from '../../cli/exit-codes.ts';
import { logLevelFlag, parseKeyValuePairs } from '../../cli/flags.ts';
import { ConnectHerder } from '../../connect/herder-impl.ts';
import { PluginRegistry } from '../../connect/plugins.ts';
import { startRestServer } from '../../connect/rest/server.ts';
import { ConnectConfigError, WORKER_KEYS, loadConnectorFile, loadWorkerConfig, type WorkerConfig } from '../../connect/worker-config.ts';
import { errorMessage } from '../../connect/kafka.ts';
import type { Logger } from '../../util/logger.ts';

const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

export default class ConnectStart extends BaseCommand<typeof ConnectStart> {
  static override summary = 'Run a Kafka Connect worker.';

  static override description = `Runs a Kafka Connect worker in the foreground with its REST API (default http://127.0.0.1:8083) until SIGINT/SIGTERM; then every task stops cleanly, committing source offsets and sink offsets, and the command exits 0.

Standalone mode when worker.properties sets offset.storage.file.filename (or with --standalone): connectors come from the connector.properties files given as arguments (or the REST API) and source offsets are kept in that file. Distributed mode otherwise: connector configs, statuses and source offsets live in the compacted topics config.storage.topic, status.storage.topic and offset.storage.topic (created if missing), so a restarted worker resumes where it left off; connector files given as arguments are created (or updated) in the cluster. For now one worker runs per group.id.

worker.properties keys (Kafka Connect's names):
${Object.entries(WORKER_KEYS)
  .map(([k, v]) => `  ${k}: ${v}`)
  .join('\n')}
Client settings such as security.protocol, sasl.mechanism, request.timeout.ms apply to every client.

Logs go to stderr. With --json, one line {"started":true,...} is printed on stdout once the worker runs.`;

  static override examples = [
    '<%= config.bin %> <%= command.id %> --config worker.properties',
    '<%= config.bin %> <%= command.id %> --standalone --set bootstrap.servers=127.0.0.1:9092 file-source.properties file-sink.properties',
    '<%= config.bin %> <%= command.id %> -c worker.properties --set listeners=http://127.0.0.1:0 --set plugin.path=./plugins',
  ];

  static override strict = false;

  static override args = {
    connectors: Args.string({ description: 'Connector .properties (or .json) files to create on start', required: false }),
  };

  static override flags = {
    config: Flags.string({ char: 'c', description: 'Worker .properties file', helpValue: '<file>' }),
    standalone: Flags.boolean({ description: 'Standalone mode even without offset.storage.file.filename (offsets then go to ./connect.offsets)' }),
    'bootstrap-server': Flags.string({ char: 'b', description: 'Kafka broker(s), host:port[,...]; overrides bootstrap.servers', helpValue: '<host:port>' }),
    // Non-greedy: `--set k=v file.properties` leaves the file to the arguments.
    set: Flags.string({ description: 'Set a worker configuration key (repeatable), e.g. --set offset.flush.interval.ms=10000', multiple: true, multipleNonGreedy: true, helpValue: '<key=value>' }),
    'log-level': logLevelFlag(),
  };

  async run(): Promise<unknown> {
    const { flags } = this;
    const logger = this.createLogger(flags['log-level']);
    const overrides = parseKeyValuePairs(flags.set);
    if (flags['bootstrap-server']) overrides['bootstrap.servers'] = flags['bootstrap-server'];
    let config: WorkerConfig;
    let connectorConfigs: Record<string, string>[];
    try {
      config = loadWorkerConfig({ file: flags.config, overrides, standalone: flags.standalone });
      connectorConfigs = (await this.connectorFiles()).map((f) => loadConnectorFile(f));
    } catch (err) {
      if (err instanceof ConnectConfigError) throw new CliError(err.message, { exitCode: ExitCode.USAGE, code: 'USAGE' });
      throw err;
    }
    for (const key of config.unknownKeys) logger.warn('unknown worker config key ignored', { key });
    return this.runWorker(config, connectorConfigs, logger);
  }

  /** Every argument (strict=false: any number of them) is a connector file. */
  private async connectorFiles(): Promise<string[]> {
    const { argv } = await this.parse(ConnectStart);
    return argv.map(String);
  }

  private async runWorker(config: WorkerConfig, connectorConfigs: Record<string, string>[], logger: Logger): Promise<undefined> {
    let signalled: NodeJS.Signals | null = null;
    let wake: (() => void) | null = null;
    const onSignal = (signal: NodeJS.Signals) => {
      if (signalled) {
        logger.warn('second signal, exiting without a clean stop', { signal });
        process.exit(ExitCode.UNEXPECTED);
      }
      signalled = signal;
      logger.info('stopping Connect worker', { signal });
      wake?.();
    };
    for (const s of STOP_SIGNALS) process.on(s, onSignal);

    const plugins = await PluginRegistry.load(config.pluginPath, logger);
    const herder = new ConnectHerder({ config, plugins, logger, version: this.config.version });
    const listener = config.listeners[0];
    if (config.listeners.length > 1) logger.warn('only the first listener is served', { listener: `http://${listener.host}:${listener.port}` });
    let rest: Awaited<ReturnType<typeof startRestServer>>;
    try {
      rest = await startRestServer(herder, { host: listener.host, port: listener.port, logger });
    } catch (err) {
      throw new CliError(`cannot listen on http://${listener.host}:${listener.port}: ${errorMessage(err)}`, { code: 'LISTEN_FAILED', hint: 'choose another port with --set listeners=http://127.0.0.1:<port>' });
    }
    const advertisedHost = config.restAdvertisedHostName ?? (listener.host === '0.0.0.0' || listener.host === '::' ? hostname() : listener.host);
    herder.workerId = `${advertisedHost}:${config.restAdvertisedPort ?? rest.port}`;
    try {
      await herder.start();
      for (const c of connectorConfigs) {
        const info = await herder.addConnectorFromConfig(c);
        logger.info('connector from the command line', { connector: info.name, type: info.type, tasks: info.tasks.length });
      }
    } catch (err) {
      await herder.stop().catch(() => undefined);
      await rest.close();
      for (const s of STOP_SIGNALS) process.off(s, onSignal);
      if (err instanceof ConnectConfigError) throw new CliError(err.message, { exitCode: ExitCode.USAGE, code: 'USAGE' });
      throw new CliError(`cannot start the Connect worker: ${errorMessage(err)}`, { cause: err, exitCode: ExitCode.KAFKA_ERROR });
    }
    const url = `http://${rest.host.includes(':') ? `[${rest.host}]` : rest.host}:${rest.port}`;
    logger.info('Kafka Connect started', { mode: config.mode, rest: url, workerId: herder.workerId, groupId: config.mode === 'distributed' ? config.groupId : undefined });
    if (this.jsonEnabled()) this.out.json({ started: true, mode: config.mode, rest: url, port: rest.port, workerId: herder.workerId, pid: process.pid });

    if (!signalled) await new Promise<void>((resolve) => (wake = resolve));
    try {
      await herder.stop();
    } finally {
      await rest.close();
      for (const s of STOP_SIGNALS) process.off(s, onSignal);
    }
    this.exit(ExitCode.OK);
  }
}
