import { Args, Flags } from '@oclif/core';
import { deleteGroupOffsets, type OffsetDeletion } from '../../admin/groups.ts';
import { ClusterCommand } from '../../cli/cluster-command.ts';
import { clusterTarget } from '../../cli/cluster-target.ts';
import { CliError } from '../../cli/errors.ts';
import { ExitCode } from '../../cli/exit-codes.ts';
import { withClusterErrors } from '../../cli/kafka-errors.ts';
import { parseTopicPartitionSpecs } from '../../cli/topic-partitions.ts';

export interface GroupsDeleteOffsetsResult {
  group: string;
  partitions: OffsetDeletion[];
}

export default class GroupsDeleteOffsets extends ClusterCommand<typeof GroupsDeleteOffsets> {
  static override summary = "Delete a consumer group's committed offsets of some partitions.";
  static override description =
    "Deletes the group's committed offsets of the partitions named with --topic (TOPIC: every partition; TOPIC:0,1: those). The broker refuses partitions of topics the group's active members subscribe to (GROUP_SUBSCRIBED_TO_TOPIC); the others are still deleted, the table shows each outcome and the command exits with code 3.";
  static override examples = ['<%= config.bin %> groups delete-offsets my-group --topic orders', '<%= config.bin %> groups delete-offsets my-group --topic orders:0,1 --topic audit'];
  static override args = {
    group: Args.string({ description: 'Group id', required: true }),
  };
  static override flags = {
    topic: Flags.string({ description: 'Topic, with optional partitions: TOPIC or TOPIC:P,P (repeatable)', helpValue: '<topic[:p,...]>', multiple: true, multipleNonGreedy: true, required: true }),
  };

  async run(): Promise<GroupsDeleteOffsetsResult> {
    const specs = parseTopicPartitionSpecs(this.flags.topic);
    const partitions = await withClusterErrors(() => deleteGroupOffsets(clusterTarget(this.connection, this.timeoutMs), this.args.group, specs));
    const result = { group: this.args.group, partitions };
    const failed = partitions.filter((p) => !p.deleted);
    if (failed.length === 0 || !this.jsonEnabled()) {
      await this.printResult(result, () => {
        this.out.table(['topic', 'partition', 'result'], partitions.map((p) => [p.topic, String(p.partition), p.deleted ? 'deleted' : p.error ?? 'failed']));
      }, 'partitions');
    }
    if (failed.length > 0) {
      const subscribed = failed.every((p) => p.error === 'GROUP_SUBSCRIBED_TO_TOPIC');
      throw new CliError(`offsets of ${failed.length} partition${failed.length === 1 ? '' : 's'} were not deleted (${[...new Set(failed.map((p) => p.error))].join(', ')})`, {
        exitCode: ExitCode.KAFKA_ERROR,
        code: failed[0].error ?? 'KAFKA_ERROR',
        ...(subscribed ? { hint: 'the group\'s active members consume those topics; stop them first' } : {}),
      });
    }
    return result;
  }
}
