/**
 * The topics screen: one row per topic (partitions, records, produce rate, the rate of each
 * partition as bars, hot partitions), and one topic's partitions (log start and end offsets,
 * records, produce rate and share; hot partitions highlighted).
 */
import { Box, Text } from 'ink';
import { formatCount, formatRate } from '../data/format.ts';
import type { TopicPartitionRow, TopicRow } from '../data/model.ts';
import { sparkChars } from '../data/sparkline.ts';
import { Table, type Column } from '../components/table.tsx';

export const topicColumns: Column<TopicRow>[] = [
  { key: 'topic', title: 'TOPIC', width: 14, flex: true, maxWidth: 40, priority: 0, cell: (t) => t.topic },
  { key: 'partitions', title: 'PARTS', width: 5, align: 'right', priority: 1, cell: (t) => String(t.partitions.length) },
  { key: 'records', title: 'RECORDS', width: 9, align: 'right', priority: 2, cell: (t) => formatCount(t.records) },
  { key: 'rate', title: 'PRODUCE', width: 9, align: 'right', priority: 1, cell: (t) => formatRate(t.produceRate) },
  { key: 'hot', title: 'HOT', width: 3, align: 'right', priority: 1, cell: (t) => (t.hot > 0 ? String(t.hot) : '-'), color: (t) => (t.hot > 0 ? 'yellow' : undefined) },
  {
    key: 'bars',
    title: 'RATE BY PARTITION',
    width: 10,
    flex: true,
    maxWidth: 64,
    priority: 3,
    cell: (t, w) => sparkChars(t.partitions.slice(0, w).map((p) => p.produceRate)) + (t.partitions.length > w ? '…' : ''),
    color: () => 'cyan',
  },
];

export const topicPartitionColumns: Column<TopicPartitionRow>[] = [
  { key: 'partition', title: 'PARTITION', width: 9, align: 'right', priority: 0, cell: (p) => String(p.partition) },
  { key: 'logStart', title: 'LOG-START', width: 12, align: 'right', priority: 1, cell: (p) => (p.logStart === null ? '-' : String(p.logStart)) },
  { key: 'logEnd', title: 'LOG-END', width: 12, align: 'right', priority: 1, cell: (p) => (p.logEnd === null ? '-' : String(p.logEnd)) },
  { key: 'records', title: 'RECORDS', width: 9, align: 'right', priority: 2, cell: (p) => formatCount(p.records) },
  { key: 'rate', title: 'PRODUCE', width: 9, align: 'right', priority: 0, cell: (p) => formatRate(p.produceRate) },
  { key: 'share', title: 'SHARE', width: 5, align: 'right', priority: 3, cell: (p) => (p.share === null ? '-' : `${Math.round(p.share * 100)}%`) },
  { key: 'hot', title: '', width: 3, priority: 0, cell: (p) => (p.hot ? 'HOT' : ''), color: (p) => (p.hot ? 'yellow' : undefined) },
];

export function TopicsScreen({ rows, selected, width, height, stale }: { rows: readonly TopicRow[]; selected: number; width: number; height: number; stale: boolean }) {
  return (
    <Box flexDirection="column" height={height}>
      <Table columns={topicColumns} rows={rows} rowKey={(t) => t.topic} selected={selected} width={width} height={Math.max(1, height - 1)} dim={stale} rowColor={(t) => (t.hot > 0 ? 'yellow' : undefined)} empty="no topics" />
    </Box>
  );
}

export function TopicScreen({ topic, name, rows, selected, width, height, stale }: { topic: TopicRow | null; name: string; rows: readonly TopicPartitionRow[]; selected: number; width: number; height: number; stale: boolean }) {
  if (!topic) {
    return (
      <Box flexDirection="column" height={height}>
        <Text color="yellow">{`topic ${name} is gone — esc to go back`}</Text>
      </Box>
    );
  }
  return (
    <Box flexDirection="column" height={height}>
      <Text wrap="truncate">
        <Text bold>{topic.topic}</Text>
        {`  ${topic.partitions.length} partitions  ${formatCount(topic.records)} records  producing ${formatRate(topic.produceRate)}`}
        {topic.hot > 0 ? <Text color="yellow">{`  ${topic.hot} hot`}</Text> : null}
      </Text>
      <Table columns={topicPartitionColumns} rows={rows} rowKey={(p) => String(p.partition)} selected={selected} width={width} height={Math.max(1, height - 2)} dim={stale} rowColor={(p) => (p.hot ? 'yellow' : undefined)} empty="no partitions" />
    </Box>
  );
}
