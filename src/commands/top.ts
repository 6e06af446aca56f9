import { Flags } from '@oclif/core';
import { KafkaLagSource } from '../admin/lag-source.ts';
import { ClusterCommand } from '../cli/cluster-command.ts';
import { CliError } from '../cli/errors.ts';
import { ExitCode } from '../cli/exit-codes.ts';
import { defaultClusterName, durationFlag, pollTarget } from '../cli/lag-monitor.ts';
import { monitorSettings } from '../tui/data/monitor-state.ts';
import { renderMonitor } from '../tui/render.ts';

export default class Top extends ClusterCommand<typeof Top> {
  static override enableJsonFlag = false;
  static override summary = 'Live lag monitor: which consumer group is behind, where, and whether it catches up.';
  static override description = `A full-screen view refreshed every --interval.

Groups screen: each group's state, members, topics, total lag with its trend (a sparkline of the last --trend) and direction (↑ growing, ↓ draining), consume rate, estimated time lag (how old the oldest unread record is, interpolated from the history of log end offsets as kafka-lag-exporter does; ~ extrapolated, > at least) and a status after Burrow's rules: OK, WARN (lag does not decrease), STALL (a consumer owns the partition but its committed offset does not move), STOP (no consumer, offset not moving), REWIND (committed offset moved back), with the reason.

Enter on a group shows its partitions: committed and log end offsets, lag, time lag, rate, status, the member that owns each, and a warning when a committed offset is behind retention (below the log start offset). The topics screen (t) shows partitions, log start and end offsets and produce rates, with hot partitions highlighted.

Keys: ↑↓ or j/k move, Enter drills in, Esc goes back, / filters, s changes the sort, p pauses, t/g switch between topics and groups, q quits.

When the cluster cannot be reached the screen says so, with the time since the last good sample, and keeps trying. For scripts and non-terminal output use 'kstream groups lag --watch'.`;
  static override examples = ['<%= config.bin %> top', '<%= config.bin %> top --interval 2s --trend 10m', '<%= config.bin %> top --group my-group', '<%= config.bin %> top --screen topics'];
  static override flags = {
    interval: durationFlag({ description: 'Time between refreshes', defaultMs: 1000, min: 100 }),
    trend: durationFlag({ description: 'Span of the lag trend sparkline', defaultMs: 5 * 60_000, min: 1000 }),
    group: Flags.string({ description: 'Start on this group’s partitions' }),
    screen: Flags.option({ options: ['groups', 'topics'] as const, description: 'Screen to start on', default: 'groups' as const })(),
    'cluster-name': Flags.string({ description: 'Name shown in the title bar [default: the profile name or the bootstrap servers]' }),
  };

  async run(): Promise<void> {
    if (!process.stdout.isTTY) {
      throw new CliError('kstream top needs a terminal', { exitCode: ExitCode.USAGE, code: 'USAGE', hint: "for scripts and pipes use 'kstream groups lag --watch'" });
    }
    const f = this.flags;
    const source = new KafkaLagSource({ target: pollTarget(this.connection, this.timeoutMs, f.interval), allTopics: true });
    const stop = new AbortController();
    const onSignal = (): void => stop.abort();
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    try {
      await renderMonitor(source, {
        clusterName: f['cluster-name'] ?? defaultClusterName(this.connection),
        intervalMs: f.interval,
        trendMs: f.trend,
        settings: monitorSettings({ intervalMs: f.interval, trendMs: f.trend }),
        initialScreen: f.screen,
        initialGroup: f.group,
        signal: stop.signal,
      });
    } finally {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      await source.close();
    }
  }
}
