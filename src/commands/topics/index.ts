import { Flags } from '@oclif/core';
import { AdminCommand } from '../../cli/admin-command.ts';
import { listTopics, type TopicSummary } from '../../admin/topics.ts';

/**
 * `kstream topics --json`: `{ "topics": [{ "name", "partitions", "replicationFactor", "internal" }] }`,
 * sorted by name; `--output ndjson` prints one topic per line.
 */
export interface TopicsListResult {
  topics: TopicSummary[];
}

export default class TopicsList extends AdminCommand<typeof TopicsList> {
  static override summary = 'list topics';
  static override description = 'Lists the topics of the cluster with their partition counts and replication factors. Internal topics (__consumer_offsets) are left out unless --internal is given.';
  static override aliases = ['topics list', 'topics ls'];
  static override examples = ['<%= config.bin %> topics', '<%= config.bin %> topics --internal --output ndjson', '<%= config.bin %> topics --bootstrap-server broker:9092 --json'];
  static override flags = {
    internal: Flags.boolean({ description: 'Include internal topics such as __consumer_offsets' }),
  };

  async run(): Promise<TopicsListResult> {
    const topics = await listTopics(this.target, { includeInternal: this.flags.internal });
    const result = { topics };
    await this.printResult(result, () => {
      this.out.table(['name', 'partitions', 'replicas'], topics.map((t) => [t.name, String(t.partitions), String(t.replicationFactor)]));
    }, 'topics');
    return result;
  }
}
