import { Args, Flags } from '@oclif/core';
import { AdminCommand } from '../../cli/admin-command.ts';
import { kafkaHints, withKafkaHint } from '../../cli/kafka-hints.ts';
import { deleteTopics, failureError, type DeletedTopic } from '../../admin/topics.ts';

/**
 * `kstream topics delete --json`: `{ "topics": [{ "name", "status" }] }` with `status`
 * `deleted`, or `missing` (with --if-exists, for a topic that was not there).
 */
export interface TopicsDeleteResult {
  topics: DeletedTopic[];
}

const HINTS = { UNKNOWN_TOPIC_OR_PARTITION: 'use --if-exists to ignore' };

export default class TopicsDelete extends AdminCommand<typeof TopicsDelete> {
  static override summary = 'delete topics';
  static override description = 'Deletes topics and all their records. This cannot be undone.';
  static override examples = ['<%= config.bin %> topics delete orders', '<%= config.bin %> topics delete orders payments --if-exists'];
  static override args = {
    name: Args.string({ description: 'Topic name(s)', required: true, multiple: true }),
  };
  static override flags = {
    'if-exists': Flags.boolean({ description: 'Succeed when a topic does not exist' }),
  };

  async run(): Promise<TopicsDeleteResult> {
    const outcome = await kafkaHints(deleteTopics(this.target, this.args.name, { ifExists: this.flags['if-exists'] }), HINTS);
    const result: TopicsDeleteResult = { topics: outcome.topics };
    for (const t of outcome.topics) if (t.status === 'missing') this.out.message(`topic ${JSON.stringify(t.name)} does not exist`);
    const deleted = outcome.topics.filter((t) => t.status === 'deleted');
    const render = (): void => {
      if (deleted.length > 0) this.out.table(['topic', 'status'], deleted.map((t) => [t.name, t.status]));
    };
    if (outcome.failures.length > 0) {
      if (this.outputFormat === 'table') render();
      throw withKafkaHint(failureError(outcome.failures, 'delete'), HINTS);
    }
    await this.printResult(result, render, 'topics');
    return result;
  }
}
