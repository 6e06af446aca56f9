import { BaseCommand } from '../../cli/base-command.ts';
import { connectHost, formatAddress, isBrokerAlive, isProcessAlive, probeTcp, readPidFile } from '../../cli/broker-process.ts';
import { CliError, reportError } from '../../cli/errors.ts';
import { ExitCode } from '../../cli/exit-codes.ts';
import { dataDirFlag, timeoutFlag } from '../../cli/flags.ts';
import { clusterSummary } from '../../cli/kafka.ts';
import { formatDuration } from '../../cli/output.ts';
import { dataDirArg, logFilePath, resolveDataDir } from '../../cli/paths.ts';

export interface BrokerStatusReport {
  /** The pid file names a live process. */
  running: boolean;
  /** The broker answered a Kafka Metadata request. */
  reachable: boolean;
  /** The port accepts TCP connections. */
  listening: boolean;
  pid: number | null;
  host: string | null;
  port: number | null;
  address: string | null;
  dataDir: string;
  startedAt: string | null;
  uptimeMs: number | null;
  clusterId: string | null;
  topics: number | null;
  partitions: number | null;
  /** Why the broker is not running or not reachable; null when it is. */
  message: string | null;
}

export default class BrokerStatus extends BaseCommand<typeof BrokerStatus> {
  static override summary = 'Show whether a broker is running and reachable.';

  static override description = `Reads <data-dir>/broker.pid, checks that the process is alive and that its port answers Kafka requests, and shows the topic and partition counts.

Exits 0 when the broker is running and reachable, 4 (unreachable) otherwise. With --json the status object is printed in both cases.`;

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --json',
  ];

  static override flags = {
    'data-dir': dataDirFlag(),
    timeout: timeoutFlag({ description: 'How long to wait for the broker to answer', defaultMs: 5_000 }),
  };

  async run(): Promise<BrokerStatusReport> {
    const dataDir = resolveDataDir(this.flags['data-dir']);
    const status: BrokerStatusReport = {
      running: false, reachable: false, listening: false, pid: null, host: null, port: null, address: null,
      dataDir, startedAt: null, uptimeMs: null, clusterId: null, topics: null, partitions: null, message: null,
    };

    const current = await readPidFile(dataDir);
    if (current.state === 'missing') return this.notRunning(status, `broker is not running (no pid file in ${dataDir})`);
    if (current.state === 'invalid') return this.notRunning(status, `broker state unknown: cannot read pid file ${current.path} (${current.reason})`);

    const { pid, host, port, startedAt } = current.info;
    Object.assign(status, { pid, host, port, address: formatAddress(host, port), startedAt });
    if (!isBrokerAlive(current.info)) {
      const why = isProcessAlive(pid) ? `pid ${pid} now belongs to another process` : `process ${pid} is gone`;
      return this.notRunning(status, `broker is not running (stale pid file: ${why})`);
    }
    status.running = true;
    const started = Date.parse(startedAt);
    status.uptimeMs = Number.isNaN(started) ? null : Math.max(0, Date.now() - started);

    const timeoutMs = this.flags.timeout;
    status.listening = await probeTcp(connectHost(host), port, Math.min(timeoutMs, 2_000));
    if (status.listening) {
      try {
        const summary = await clusterSummary([{ host: connectHost(host), port }], { timeoutMs });
        Object.assign(status, { reachable: true, clusterId: summary.clusterId, topics: summary.topics, partitions: summary.partitions });
      } catch (err) {
        status.message = `broker process ${pid} is running but ${status.address} does not answer Kafka requests: ${reportError(err).message}`;
      }
    } else {
      status.message = `broker process ${pid} is running but ${status.address} does not accept connections`;
    }

    if (this.jsonEnabled()) {
      if (!status.reachable) return this.exitWithJson(status, ExitCode.UNREACHABLE);
      return status;
    }
    this.out.keyValue([
      ['reachable', status.reachable ? 'yes' : 'no'],
      ['pid', String(pid)],
      ['address', status.address ?? '-'],
      ['data dir', dataDir],
      ['cluster id', status.clusterId ?? '-'],
      ['topics', status.topics === null ? '-' : String(status.topics)],
      ['partitions', status.partitions === null ? '-' : String(status.partitions)],
      ['uptime', status.uptimeMs === null ? '-' : formatDuration(status.uptimeMs)],
    ]);
    if (!status.reachable) {
      throw new CliError(status.message ?? 'broker is not reachable', { code: 'BROKER_UNREACHABLE', exitCode: ExitCode.UNREACHABLE, hint: `check the broker's log (${logFilePath(dataDir)} when started with --daemon)` });
    }
    return status;
  }

  /** Not running: the status document with --json, else one stderr line; exit 4 either way. */
  private async notRunning(status: BrokerStatusReport, message: string): Promise<never> {
    status.message = message;
    if (this.jsonEnabled()) return this.exitWithJson(status, ExitCode.UNREACHABLE);
    throw new CliError(message, { code: 'BROKER_NOT_RUNNING', exitCode: ExitCode.UNREACHABLE, hint: `start it with 'kstream broker start${dataDirArg(status.dataDir)}'` });
  }
}
