import { Flags } from '@oclif/core';
import { ClusterCommand } from '../../cli/cluster-command.ts';
import { listTopics, type TopicSummary } from '../../admin/topics.ts';

export interface TopicsListResult {
  topics: TopicSummary[];
}

export default class TopicsList extends ClusterCommand<typeof TopicsList> {
  static override summary = 'List topics.';
  static override aliases = ['topics list', 'topics ls'];
  static override examples = ['<%= config.bin %> topics', '<%= config.bin %> topics --internal --output ndjson', '<%= config.bin %> topics -b broker:9092 --json'];
  static override flags = {
    internal: Flags.boolean({ description: 'Include internal topics such as __consumer_offsets' }),
  };

  async run(): Promise<TopicsListResult> {
    const topics = await listTopics({ servers: this.connection.servers, clientOptions: this.connection.clientOptions, timeoutMs: this.timeoutMs }, { includeInternal: this.flags.internal });
    const result = { topics };
    await this.printResult(result, () => {
      this.out.table(['name', 'partitions', 'replicas'], topics.map((t) => [t.name, String(t.partitions), String(t.replicationFactor)]));
    }, 'topics');
    return result;
  }
}
