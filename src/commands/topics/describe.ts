import { Args, Flags } from '@oclif/core';
import { AdminCommand } from '../../cli/admin-command.ts';
import { kafkaHints } from '../../cli/kafka-hints.ts';
import { displayConfigValue } from '../../admin/configs.ts';
import { describeTopics, type TopicDescription } from '../../admin/topics.ts';

/**
 * `kstream topics describe --json`:
 * `{ "topics": [{ "name", "topicId", "internal", "partitionCount", "replicationFactor",
 *    "partitions": [{ "partition", "leader", "replicas", "isr", "offlineReplicas",
 *                     "logStartOffset", "highWatermark", "messages" }],
 *    "configs": [{ "name", "value", "source", "readOnly", "sensitive" }] }] }`.
 * Offsets are JSON numbers (null when the partition's leader could not say); `partitions` is
 * absent with --configs; `configs` holds the topic's overrides, or every config with
 * --all-configs. `--output ndjson` prints one topic per line.
 */
export interface TopicsDescribeResult {
  topics: TopicDescription[];
}

export default class TopicsDescribe extends AdminCommand<typeof TopicsDescribe> {
  static override summary = 'describe topics: partitions, offsets and configs';
  static override description = [
    'Shows each topic\'s id, its partitions (leader, replicas, in-sync replicas, log start offset, high watermark and the number of records between them) and its configuration overrides.',
    'MESSAGES is the high watermark minus the log start offset: exact for plain topics, an upper bound for compacted topics and transactional ones.',
    '--configs shows only the configs. --all-configs shows every config with its source: DYNAMIC_TOPIC_CONFIG for the topic\'s overrides, STATIC_BROKER_CONFIG, DEFAULT_CONFIG, ...',
    'Internal topics such as __consumer_offsets can be described too.',
  ].join('\n\n');
  static override examples = [
    '<%= config.bin %> topics describe orders',
    '<%= config.bin %> topics describe orders payments --output yaml',
    '<%= config.bin %> topics describe orders --configs --all-configs',
    '<%= config.bin %> topics describe __consumer_offsets',
  ];
  static override args = {
    name: Args.string({ description: 'Topic name(s)', required: true, multiple: true }),
  };
  static override flags = {
    configs: Flags.boolean({ description: 'Show only the configs (no partitions or offsets)' }),
    'all-configs': Flags.boolean({ description: 'Show every config with its source, not only the topic\'s overrides' }),
  };

  async run(): Promise<TopicsDescribeResult> {
    const topics = await kafkaHints(describeTopics(this.target, this.args.name, { configsOnly: this.flags.configs, allConfigs: this.flags['all-configs'] }));
    const result: TopicsDescribeResult = { topics };
    await this.printResult(result, () => {
      topics.forEach((t, i) => {
        if (i > 0) this.out.data('');
        this.render(t);
      });
    }, 'topics');
    return result;
  }

  private render(t: TopicDescription): void {
    const out = this.out;
    out.keyValue([
      ['topic', t.name],
      ['id', t.topicId ?? '-'],
      ['partitions', String(t.partitionCount)],
      ['replication factor', String(t.replicationFactor)],
      ['internal', t.internal ? 'yes' : 'no'],
    ]);
    const n = (v: number | null): string => (v === null ? '-' : String(v));
    if (t.partitions) {
      out.data('');
      out.table(
        ['partition', 'leader', 'replicas', 'isr', 'log-start', 'high-watermark', 'messages'],
        t.partitions.map((p) => [String(p.partition), p.leader < 0 ? 'none' : String(p.leader), p.replicas.join(','), p.isr.join(',') || '-', n(p.logStartOffset), n(p.highWatermark), n(p.messages)]),
      );
    }
    const all = this.flags['all-configs'];
    out.data('');
    if (t.configs.length === 0) {
      out.data(all ? 'no configs' : 'no config overrides');
    } else if (all) {
      out.table(['config', 'value', 'source'], t.configs.map((c) => [c.name, displayConfigValue(c), c.source]));
    } else {
      out.table(['config', 'value'], t.configs.map((c) => [c.name, displayConfigValue(c)]));
    }
  }
}
