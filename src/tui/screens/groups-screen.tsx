/** The groups screen: one row per group with its lag, trend, rate, time lag and status. */
import { Box, Text } from 'ink';
import { formatCount, formatRate, formatTimeLag, trendArrow } from '../data/format.ts';
import type { GroupRow } from '../data/model.ts';
import { trendline } from '../data/sparkline.ts';
import { Table, type Column } from '../components/table.tsx';
import { STATUS_COLORS, stateColor } from '../components/status.ts';

export interface GroupsScreenProps {
  rows: readonly GroupRow[];
  selected: number;
  width: number;
  height: number;
  /** Time of the data (the trend ends there). */
  now: number;
  trendMs: number;
  /** Time between samples: the trend's narrowest step. */
  stepMs: number;
  stale: boolean;
}

export function groupColumns(now: number, trendMs: number, stepMs: number): Column<GroupRow>[] {
  return [
    { key: 'group', title: 'GROUP', width: 14, flex: true, maxWidth: 40, priority: 0, cell: (g) => g.group },
    { key: 'state', title: 'STATE', width: 11, priority: 5, cell: (g) => g.state, color: (g) => stateColor(g.state) },
    { key: 'members', title: 'MEMB', width: 4, align: 'right', priority: 6, cell: (g) => String(g.members) },
    { key: 'topics', title: 'TOPICS', width: 10, flex: true, maxWidth: 30, priority: 7, cell: (g) => g.topics.join(',') || '-' },
    { key: 'lag', title: 'LAG', width: 9, align: 'right', priority: 1, cell: (g) => `${formatCount(g.lag)}${g.unknownLag > 0 && g.unknownLag === g.partitions.length ? '?' : ''} ${trendArrow(g.lagRate)}` },
    { key: 'trend', title: 'TREND', width: 10, flex: true, maxWidth: 30, priority: 4, cell: (g, w) => trendline(g.trend, now, trendMs, w, stepMs), color: () => 'cyan' },
    { key: 'rate', title: 'RATE', width: 8, align: 'right', priority: 3, cell: (g) => formatRate(g.consumeRate) },
    { key: 'timeLag', title: 'TIME LAG', width: 8, align: 'right', priority: 2, cell: (g) => formatTimeLag(g.timeLag) },
    { key: 'status', title: 'STATUS', width: 6, priority: 1, cell: (g) => g.evaluation.status, color: (g) => STATUS_COLORS[g.evaluation.status] },
    { key: 'reason', title: 'REASON', width: 16, flex: true, maxWidth: 90, priority: 8, cell: (g) => g.evaluation.reason },
  ];
}

export function GroupsScreen({ rows, selected, width, height, now, trendMs, stepMs, stale }: GroupsScreenProps) {
  const current = selected >= 0 ? rows[selected] : undefined;
  return (
    <Box flexDirection="column" height={height}>
      <Table columns={groupColumns(now, trendMs, stepMs)} rows={rows} rowKey={(g) => g.group} selected={selected} width={width} height={Math.max(1, height - 2)} dim={stale} empty="no consumer groups" />
      <Box flexGrow={1} />
      {current ? (
        <Text wrap="truncate">
          <Text bold>{current.group}</Text>
          {': '}
          <Text color={STATUS_COLORS[current.evaluation.status]}>{current.evaluation.status}</Text>
          {` ${current.evaluation.reason}`}
          {current.behindRetention > 0 ? <Text color="red">{`  ⚠ ${current.behindRetention} partition(s) behind retention`}</Text> : null}
        </Text>
      ) : (
        <Text> </Text>
      )}
    </Box>
  );
}
