import { Args, Flags } from '@oclif/core';
import { KafkaLagSource, pollErrorMessage } from '../../admin/lag-source.ts';
import { renderMetrics, startMetricsServer, type MetricsServer } from '../../admin/prometheus.ts';
import { ClusterCommand } from '../../cli/cluster-command.ts';
import { clusterTarget } from '../../cli/cluster-target.ts';
import { CliError } from '../../cli/errors.ts';
import { ExitCode } from '../../cli/exit-codes.ts';
import { formatResult } from '../../cli/format.ts';
import { withClusterErrors } from '../../cli/kafka-errors.ts';
import { defaultClusterName, durationFlag, optionalDurationFlag, pollTarget } from '../../cli/lag-monitor.ts';
import { plainColumns, writeAndFlush } from '../../cli/output.ts';
import { initialMonitorState, monitorSettings, reduceMonitor, type MonitorState } from '../../tui/data/monitor-state.ts';
import { conditionMet, conditionShortfall, EXIT_CONDITIONS, groupTable, partitionTable, reportJson, type ExitCondition, type LagReportJson } from '../../tui/data/report.ts';
import { formatSeconds } from '../../tui/data/format.ts';

export default class GroupsLag extends ClusterCommand<typeof GroupsLag> {
  static override summary = 'Consumer lag per group or partition, once or live, with exit conditions and Prometheus metrics.';
  static override description = `The lag monitor's data as plain rows: without GROUP one row per group (state, members, topics, total lag, estimated time lag in seconds, consume rate, status and reason); with GROUP (or --partitions) one row per partition (committed, log start and log end offsets, lag, time lag, rate, status, owning client).

Time lag and rates need history: they appear from the second sample of --watch (or --exit-when, --prometheus). Statuses follow Burrow's rules, as in 'kstream top'.

--watch prints a sample every --interval until interrupted: tables separated by a blank line, or with --json / --output ndjson one JSON object per line per sample. A sample that fails (the cluster went away) prints {"connected":false,...} (a line on stderr in table mode) and the next one reconnects.

--exit-when caught-up exits 0 once every group shown has a committed offset on each of its partitions (or nothing to read there) and a total lag ≤ --threshold; --exit-when lagging exits 0 once a group's total lag is > --threshold. With --max-wait the command gives up after that long: exit 1 (4 when the last sample failed to reach the cluster). The last sample is printed at the end.

--prometheus PORT serves kafka-lag-exporter's metrics (kafka_consumergroup_group_lag, kafka_consumergroup_group_lag_seconds, kafka_consumergroup_group_offset, kafka_consumergroup_group_max_lag, kafka_consumergroup_group_max_lag_seconds, kafka_consumergroup_group_sum_lag, kafka_partition_latest_offset, kafka_partition_earliest_offset, ...) on http://127.0.0.1:PORT/metrics (--prometheus-host to listen elsewhere; port 0 picks a free one, printed on stderr).

Exit codes: 0 done (a condition met, or interrupted while serving --prometheus); 1 --max-wait passed; 2 bad flags; 3 GROUP does not exist (one sample); 4 the cluster is unreachable; 130 interrupted.`;
  static override examples = [
    '<%= config.bin %> groups lag',
    '<%= config.bin %> groups lag my-group',
    '<%= config.bin %> groups lag my-group --watch --interval 2s --json',
    '<%= config.bin %> groups lag my-group --exit-when caught-up --max-wait 5m',
    '<%= config.bin %> groups lag --exit-when lagging --threshold 10000 --max-wait 1m',
    '<%= config.bin %> groups lag --prometheus 9999',
  ];
  static override args = {
    group: Args.string({ description: 'Only this group (its partitions are shown)' }),
  };
  static override flags = {
    watch: Flags.boolean({ char: 'w', description: 'Print a sample every --interval until interrupted' }),
    interval: durationFlag({ description: 'Time between samples', defaultMs: 1000, min: 50 }),
    partitions: Flags.boolean({ description: 'One row per partition also without GROUP' }),
    'exit-when': Flags.option({ options: EXIT_CONDITIONS, description: 'Sample until this holds, then exit 0' })(),
    threshold: Flags.integer({ description: 'Lag (records) for --exit-when [default: 0]', min: 0, dependsOn: ['exit-when'] }),
    'max-wait': optionalDurationFlag({ description: 'Give up on --exit-when after this long (exit 1)', dependsOn: ['exit-when'] }),
    prometheus: Flags.integer({ description: 'Serve Prometheus metrics on this port (0: any free port)', min: 0, max: 65535, helpValue: '<port>' }),
    'prometheus-host': Flags.string({ description: 'Address the metrics server listens on [default: 127.0.0.1]', dependsOn: ['prometheus'] }),
    'cluster-name': Flags.string({ description: 'The cluster_name label [default: the profile name or the bootstrap servers]' }),
  };

  async run(): Promise<LagReportJson | undefined> {
    const f = this.flags;
    const group = this.args.group;
    const continuous = f.watch || f['exit-when'] !== undefined || f.prometheus !== undefined;
    if (!continuous) return this.once(group);
    return this.watch(group);
  }

  /** One sample, printed as the result. */
  private async once(group: string | undefined): Promise<LagReportJson> {
    const source = new KafkaLagSource({ target: clusterTarget(this.connection, this.timeoutMs), groups: group ? [group] : undefined });
    let state: MonitorState;
    try {
      const snapshot = await withClusterErrors(() => source.poll());
      state = reduceMonitor(initialMonitorState(snapshot.at), { type: 'snapshot', snapshot, at: snapshot.at });
      const g = group ? snapshot.groups.find((x) => x.group === group) : undefined;
      if (group && (!g || (g.state === 'Dead' && g.members.length === 0 && g.offsets.length === 0))) {
        throw new CliError(`group ${JSON.stringify(group)} does not exist`, { exitCode: ExitCode.KAFKA_ERROR, code: 'GROUP_ID_NOT_FOUND', hint: "list groups with 'kstream groups'" });
      }
    } finally {
      await source.close();
    }
    const result = reportJson(state.model, state.connection, state.now);
    await this.printResult(result, () => this.printTable(state, group), 'groups');
    return result;
  }

  private printTable(state: MonitorState, group: string | undefined): void {
    const groups = state.model.groups;
    const table = group || this.flags.partitions ? partitionTable(groups, !group) : groupTable(groups);
    this.out.table(table.headers, table.rows);
  }

  /** Samples every --interval: --watch prints them, --exit-when stops on its condition, --prometheus serves them. */
  private async watch(group: string | undefined): Promise<undefined> {
    const f = this.flags;
    const intervalMs = f.interval;
    const settings = monitorSettings({ intervalMs });
    const source = new KafkaLagSource({ target: pollTarget(this.connection, this.timeoutMs, intervalMs), groups: group ? [group] : undefined });
    const clusterName = f['cluster-name'] ?? defaultClusterName(this.connection);
    const condition: ExitCondition | undefined = f['exit-when'];
    const threshold = BigInt(f.threshold ?? 0);
    const host = f['prometheus-host'] ?? '127.0.0.1';
    const format = this.outputFormat;
    const jsonLines = format !== 'table';
    const tty = process.stdout.isTTY === true;
    const started = Date.now();
    const deadline = f['max-wait'] === undefined ? null : started + f['max-wait'];

    let state = initialMonitorState(started);
    let server: MetricsServer | null = null;
    let lastError: unknown = null;
    let printed = 0;

    const stop = new AbortController();
    let interruptedBy: NodeJS.Signals | null = null;
    const onSignal = (sig: NodeJS.Signals): void => {
      if (interruptedBy !== null) process.exit(ExitCode.INTERRUPTED);
      interruptedBy = sig;
      stop.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);

    const printSample = async (): Promise<void> => {
      const report = reportJson(state.model, state.connection, state.now);
      if (jsonLines) {
        await writeAndFlush(process.stdout, JSON.stringify(report) + '\n');
      } else if (!report.connected) {
        await writeAndFlush(process.stderr, `disconnected: ${report.error}${report.staleSeconds === null ? '' : ` (last good sample ${formatSeconds(report.staleSeconds * 1000)} ago)`}; retrying\n`);
      } else {
        const groups = state.model.groups;
        const table = group || f.partitions ? partitionTable(groups, !group) : groupTable(groups);
        const text = plainColumns([table.headers.map((h) => h.toUpperCase()), ...table.rows]);
        const prefix = tty ? '\x1b[H\x1b[2J' : printed > 0 ? '\n' : '';
        await writeAndFlush(process.stdout, `${prefix}${text}\n`);
      }
      printed++;
    };

    try {
      if (f.prometheus !== undefined) {
        try {
          server = await startMetricsServer({
            host,
            port: f.prometheus,
            metrics: () => (state.model.at === null ? null : renderMetrics(state.model, { clusterName, pollMs: state.history.latest?.pollMs ?? null })),
          });
        } catch (err) {
          throw new CliError(`cannot serve metrics on ${host}:${f.prometheus}`, { exitCode: ExitCode.UNEXPECTED, code: 'LISTEN_FAILED', cause: err, hint: 'pick another --prometheus port' });
        }
        await writeAndFlush(process.stderr, `serving metrics on ${server.url}\n`);
      }

      for (let tick = 0; !stop.signal.aborted; tick++) {
        const tickStart = Date.now();
        try {
          const snapshot = await source.poll();
          state = reduceMonitor(state, { type: 'snapshot', snapshot, at: Date.now() }, settings);
          lastError = null;
        } catch (err) {
          lastError = err;
          state = reduceMonitor(state, { type: 'error', message: pollErrorMessage(err), at: Date.now() }, settings);
        }
        if (stop.signal.aborted) break;
        if (f.watch) await printSample();
        if (condition && lastError === null && conditionMet(state.model.groups, condition, threshold)) {
          if (!f.watch) await this.printFinal(state, group);
          return undefined;
        }
        const now = Date.now();
        if (deadline !== null && now >= deadline) {
          if (!f.watch && format === 'table' && state.model.at !== null) await this.printFinal(state, group);
          const waited = formatSeconds(now - started);
          if (lastError !== null) {
            throw new CliError(`no answer from the cluster for --exit-when ${condition} within ${waited}`, { exitCode: ExitCode.UNREACHABLE, code: 'TIMEOUT', cause: lastError });
          }
          throw new CliError(`--exit-when ${condition} not met within ${waited}: ${conditionShortfall(state.model.groups, condition!, threshold)}`, { exitCode: ExitCode.UNEXPECTED, code: 'CONDITION_NOT_MET' });
        }
        const next = tickStart + intervalMs;
        const wait = Math.max(0, Math.min(next, deadline ?? next) - Date.now());
        await sleep(wait, stop.signal);
      }
      // Interrupted.
      if (f.prometheus !== undefined && !condition) return undefined;
      if (this.jsonEnabled() && !f.watch) await writeAndFlush(process.stdout, JSON.stringify({ error: { code: 'INTERRUPTED', message: `interrupted by ${interruptedBy}`, hint: null, exitCode: ExitCode.INTERRUPTED } }) + '\n');
      this.exit(ExitCode.INTERRUPTED);
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await server?.close();
      await source.close();
    }
    return undefined;
  }

  /** The last sample of --exit-when without --watch: one document (json, yaml) or the table. */
  private async printFinal(state: MonitorState, group: string | undefined): Promise<void> {
    const report = reportJson(state.model, state.connection, state.now);
    const format = this.outputFormat;
    if (format === 'table') this.printTable(state, group);
    else await writeAndFlush(process.stdout, formatResult(format, report, 'groups'));
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
