import { Args, Flags } from '@oclif/core';
import { AdminCommand } from '../../cli/admin-command.ts';
import { kafkaHints, withKafkaHint } from '../../cli/kafka-hints.ts';
import { parseConfigPairs } from '../../admin/configs.ts';
import { createTopics, failureError, type CreatedTopic } from '../../admin/topics.ts';

/**
 * `kstream topics create --json`: `{ "topics": [{ "name", "status", "topicId", "partitions",
 * "replicationFactor" }] }`. `status` is `created`, `valid` (with --validate-only: nothing was
 * created) or `exists` (with --if-not-exists; then topicId, partitions and replicationFactor
 * are null). A topic the cluster refuses makes the command fail (exit code 3).
 */
export interface TopicsCreateResult {
  topics: CreatedTopic[];
}

export default class TopicsCreate extends AdminCommand<typeof TopicsCreate> {
  static override summary = 'create topics';
  static override description = 'Creates one or more topics with the same settings. Partitions and replication factor default to the broker\'s num.partitions and default.replication.factor.';
  static override examples = [
    '<%= config.bin %> topics create orders',
    '<%= config.bin %> topics create orders payments --partitions 6 --replication-factor 3',
    '<%= config.bin %> topics create audit --config retention.ms=604800000 --config cleanup.policy=compact',
    '<%= config.bin %> topics create orders --if-not-exists',
    '<%= config.bin %> topics create orders --partitions 12 --validate-only',
  ];
  static override args = {
    name: Args.string({ description: 'Topic name(s)', required: true, multiple: true }),
  };
  static override flags = {
    partitions: Flags.integer({ char: 'p', description: 'Number of partitions [default: the broker\'s num.partitions]', min: 1 }),
    'replication-factor': Flags.integer({ char: 'r', description: 'Replicas of each partition [default: the broker\'s default.replication.factor]', min: 1, max: 32767 }),
    config: Flags.string({ char: 'c', description: 'Topic configuration key=value (repeatable), e.g. --config retention.ms=3600000', multiple: true, multipleNonGreedy: true, helpValue: '<key=value>' }),
    'if-not-exists': Flags.boolean({ description: 'Succeed when a topic already exists (it is left as it is)' }),
    'validate-only': Flags.boolean({ description: 'Ask the cluster to check the request without creating anything', aliases: ['dry-run'] }),
  };

  async run(): Promise<TopicsCreateResult> {
    const { flags } = this;
    const configs = parseConfigPairs(flags.config, '--config');
    const outcome = await kafkaHints(createTopics(this.target, {
      names: this.args.name,
      partitions: flags.partitions,
      replicationFactor: flags['replication-factor'],
      configs,
      ifNotExists: flags['if-not-exists'],
      validateOnly: flags['validate-only'],
    }));
    const result: TopicsCreateResult = { topics: outcome.topics };
    for (const t of outcome.topics) if (t.status === 'exists') this.out.message(`topic ${JSON.stringify(t.name)} already exists`);
    const done = outcome.topics.filter((t) => t.status !== 'exists');
    if (outcome.failures.length > 0) {
      // The cluster created the others: show them before failing.
      if (this.outputFormat === 'table' && done.length > 0) this.renderTable(done);
      throw withKafkaHint(failureError(outcome.failures, 'create'));
    }
    await this.printResult(result, () => {
      if (done.length > 0) this.renderTable(done);
    }, 'topics');
    if (flags['validate-only']) this.out.message('validate only: nothing was created');
    return result;
  }

  private renderTable(topics: readonly CreatedTopic[]): void {
    const n = (v: number | null): string => (v === null ? '-' : String(v));
    this.out.table(['topic', 'status', 'partitions', 'replication-factor'], topics.map((t) => [t.name, t.status, n(t.partitions), n(t.replicationFactor)]));
  }
}
