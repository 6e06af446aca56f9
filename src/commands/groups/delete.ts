import { Args } from '@oclif/core';
import { deleteGroups, type GroupDeletion } from '../../admin/groups.ts';
import { ClusterCommand } from '../../cli/cluster-command.ts';
import { clusterTarget } from '../../cli/cluster-target.ts';
import { CliError } from '../../cli/errors.ts';
import { ExitCode } from '../../cli/exit-codes.ts';
import { withClusterErrors } from '../../cli/kafka-errors.ts';

export interface GroupsDeleteResult {
  groups: GroupDeletion[];
}

/** What a refusal means, and what to do about it. */
const REASONS: Record<string, { says: string; hint: string }> = {
  NON_EMPTY_GROUP: { says: 'has active members', hint: "stop its consumers first (see 'kstream groups describe GROUP --members')" },
  GROUP_ID_NOT_FOUND: { says: 'does not exist', hint: "list groups with 'kstream groups'" },
};

export default class GroupsDelete extends ClusterCommand<typeof GroupsDelete> {
  static override summary = 'Delete consumer groups and their committed offsets.';
  static override description =
    'Deletes each group with its committed offsets. Only groups without members can be deleted: a group with active members is refused (NON_EMPTY_GROUP), as is an unknown group (GROUP_ID_NOT_FOUND); then the others are still deleted, a table shows each outcome, and the command exits with code 3.';
  static override examples = ['<%= config.bin %> groups delete my-group', '<%= config.bin %> groups delete old-1 old-2 --json'];
  static override args = {
    group: Args.string({ description: 'Group id(s)', required: true, multiple: true }),
  };

  async run(): Promise<GroupsDeleteResult> {
    const groups = await withClusterErrors(() => deleteGroups(clusterTarget(this.connection, this.timeoutMs), this.args.group));
    const result = { groups };
    const failed = groups.filter((g) => !g.deleted);
    // With failures the --json document is the error; the table still shows every outcome.
    if (failed.length === 0 || !this.jsonEnabled()) {
      await this.printResult(result, () => {
        this.out.table(['group', 'result'], groups.map((g) => [g.group, g.deleted ? 'deleted' : g.error ?? 'failed']));
      }, 'groups');
    }
    if (failed.length > 0) {
      const first = REASONS[failed[0].error ?? ''];
      const what = failed.map((g) => `${JSON.stringify(g.group)} ${REASONS[g.error ?? '']?.says ?? 'was refused'} (${g.error})`).join(', ');
      throw new CliError(failed.length === 1 ? `group ${what}` : `${failed.length} groups were not deleted: ${what}`, {
        exitCode: ExitCode.KAFKA_ERROR,
        code: failed[0].error ?? 'KAFKA_ERROR',
        ...(first ? { hint: first.hint.replace('GROUP', failed[0].group) } : {}),
      });
    }
    return result;
  }
}
