import { Args, Flags } from '@oclif/core';
import { AdminCommand } from '../../cli/admin-command.ts';
import { kafkaHints } from '../../cli/kafka-hints.ts';
import { addPartitions, type AddPartitionsResult } from '../../admin/topics.ts';

/** `kstream topics add-partitions --json`: `{ "topic", "previousCount", "count", "dryRun" }`. */
export type TopicsAddPartitionsResult = AddPartitionsResult;

export default class TopicsAddPartitions extends AdminCommand<typeof TopicsAddPartitions> {
  static override summary = 'add partitions to a topic';
  static override description = [
    '--count is the new TOTAL number of partitions, as with Kafka\'s kafka-topics --alter --partitions: a topic with 3 partitions and --count 5 gets 2 more.',
    'Partitions cannot be removed. Records with keys may map to other partitions afterwards.',
  ].join('\n\n');
  static override examples = ['<%= config.bin %> topics add-partitions orders --count 12', '<%= config.bin %> topics add-partitions orders --count 12 --dry-run'];
  static override args = {
    name: Args.string({ description: 'Topic name', required: true }),
  };
  static override flags = {
    count: Flags.integer({ description: 'New total number of partitions (not the number to add)', required: true, min: 1 }),
    'dry-run': Flags.boolean({ description: 'Ask the cluster to validate the change without applying it' }),
  };

  async run(): Promise<TopicsAddPartitionsResult> {
    const result = await kafkaHints(addPartitions(this.target, this.args.name, this.flags.count, { validateOnly: this.flags['dry-run'] }));
    await this.printResult(result, () => {
      this.out.table(['topic', 'previous-count', 'count'], [[result.topic, String(result.previousCount), String(result.count)]]);
    });
    if (result.dryRun) this.out.message('dry run: nothing was changed');
    return result;
  }
}
