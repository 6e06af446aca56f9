/**
 * One group: its summary (state, members, lag and trend, time lag, rate, status) and one row per
 * partition: committed and log end offsets, lag, time lag, rate, status, the member owning it,
 * and a warning when the committed offset is behind retention (below the log start offset).
 */
import { Box, Text } from 'ink';
import { formatCount, formatRate, formatTimeLag, trendArrow } from '../data/format.ts';
import type { GroupRow, PartitionRow } from '../data/model.ts';
import { trendline } from '../data/sparkline.ts';
import { Table, type Column } from '../components/table.tsx';
import { STATUS_COLORS, stateColor } from '../components/status.ts';

export interface GroupScreenProps {
  /** The group; null when it is gone (or no data came yet). */
  group: GroupRow | null;
  /** No snapshot yet. */
  waiting?: boolean;
  name: string;
  rows: readonly PartitionRow[];
  selected: number;
  width: number;
  height: number;
  now: number;
  trendMs: number;
  /** Time between samples: the trend's narrowest step. */
  stepMs: number;
  stale: boolean;
}

function owner(p: PartitionRow): string {
  return p.owner ? `${p.owner.clientId}@${p.owner.host}` : '-';
}

function note(p: PartitionRow): string {
  if (p.behindRetention) return `⚠ behind retention (log start ${p.logStart})`;
  return p.evaluation.status === 'OK' ? '' : p.evaluation.reason;
}

export const partitionColumns: Column<PartitionRow>[] = [
  { key: 'topic', title: 'TOPIC', width: 10, flex: true, maxWidth: 32, priority: 0, cell: (p) => p.topic },
  { key: 'partition', title: 'P', width: 3, align: 'right', priority: 0, cell: (p) => String(p.partition) },
  { key: 'committed', title: 'COMMITTED', width: 10, align: 'right', priority: 3, cell: (p) => (p.committed === null ? '-' : String(p.committed)) },
  { key: 'logEnd', title: 'LOG-END', width: 10, align: 'right', priority: 3, cell: (p) => (p.logEnd === null ? '-' : String(p.logEnd)) },
  { key: 'lag', title: 'LAG', width: 8, align: 'right', priority: 1, cell: (p) => formatCount(p.lag) },
  { key: 'timeLag', title: 'TIME LAG', width: 8, align: 'right', priority: 2, cell: (p) => formatTimeLag(p.timeLag) },
  { key: 'rate', title: 'RATE', width: 8, align: 'right', priority: 4, cell: (p) => formatRate(p.consumeRate) },
  { key: 'status', title: 'STATUS', width: 6, priority: 1, cell: (p) => p.evaluation.status, color: (p) => STATUS_COLORS[p.evaluation.status] },
  { key: 'owner', title: 'OWNER (CLIENT@HOST)', width: 12, flex: true, maxWidth: 36, priority: 5, cell: owner },
  { key: 'note', title: 'NOTE', width: 12, flex: true, maxWidth: 90, priority: 6, cell: note, color: (p) => (p.behindRetention ? 'red' : undefined) },
];

export function GroupScreen({ group, waiting = false, name, rows, selected, width, height, now, trendMs, stepMs, stale }: GroupScreenProps) {
  if (!group) {
    return (
      <Box flexDirection="column" height={height}>
        <Text color="yellow">{waiting ? `waiting for data on group ${name}…` : `group ${name} is not in the cluster's answer (deleted?) — esc to go back`}</Text>
      </Box>
    );
  }
  const behind = group.partitions.filter((p) => p.behindRetention);
  const trendWidth = Math.max(8, Math.min(40, width - 70));
  return (
    <Box flexDirection="column" height={height}>
      <Text wrap="truncate">
        <Text bold>{group.group}</Text>
        {'  '}
        <Text color={stateColor(group.state)}>{group.state}</Text>
        {`  ${group.members} member${group.members === 1 ? '' : 's'}  topics: ${group.topics.join(', ') || '-'}`}
      </Text>
      <Text wrap="truncate">
        {`lag ${formatCount(group.lag)}${group.lagRate === null ? '' : ` ${trendArrow(group.lagRate)} ${group.lagRate >= 0 ? '+' : ''}${formatRate(group.lagRate)}`}  max ${formatCount(group.maxLag)}  time lag ${formatTimeLag(group.timeLag)}  consuming ${formatRate(group.consumeRate)}  `}
        <Text color="cyan">{trendline(group.trend, now, trendMs, trendWidth, stepMs)}</Text>
      </Text>
      <Text wrap="truncate">
        <Text color={STATUS_COLORS[group.evaluation.status]} bold>
          {group.evaluation.status}
        </Text>
        {` ${group.evaluation.reason}`}
      </Text>
      {behind.length > 0 ? (
        <Text color="red" wrap="truncate">
          {`⚠ committed offset is behind retention on ${behind.length} partition${behind.length === 1 ? '' : 's'}: ${behind.map((p) => `${p.topic}-${p.partition} (committed ${p.committed} < log start ${p.logStart})`).join(', ')}`}
        </Text>
      ) : null}
      <Table
        columns={partitionColumns}
        rows={rows}
        rowKey={(p) => `${p.topic}:${p.partition}`}
        selected={selected}
        width={width}
        height={Math.max(1, height - (behind.length > 0 ? 5 : 4))}
        dim={stale}
        empty="no committed offsets or assigned partitions"
      />
    </Box>
  );
}
