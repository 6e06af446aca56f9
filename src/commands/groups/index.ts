import { Flags } from '@oclif/core';
import { GROUP_STATES, listGroups, normalizeGroupState, type GroupListing } from '../../admin/groups.ts';
import { ClusterCommand } from '../../cli/cluster-command.ts';
import { clusterTarget } from '../../cli/cluster-target.ts';
import { CliError } from '../../cli/errors.ts';
import { ExitCode } from '../../cli/exit-codes.ts';
import { withClusterErrors } from '../../cli/kafka-errors.ts';

export interface GroupsListResult {
  groups: GroupListing[];
}

export default class GroupsList extends ClusterCommand<typeof GroupsList> {
  static override summary = 'List consumer groups.';
  static override description =
    'Lists the groups of the cluster with their state, protocol type (consumer for consumer groups, connect for Connect workers, empty for groups that only commit offsets) and number of members.';
  static override aliases = ['groups list', 'groups ls'];
  static override examples = [
    '<%= config.bin %> groups',
    '<%= config.bin %> groups --state Stable,Empty',
    '<%= config.bin %> groups --state preparing_rebalance --output ndjson',
  ];
  static override flags = {
    state: Flags.string({
      description: `Only groups in these states, comma-separated (${GROUP_STATES.join(', ')}; case and _ do not matter)`,
      helpValue: '<state,...>',
      multiple: true,
      delimiter: ',',
    }),
  };

  async run(): Promise<GroupsListResult> {
    const states = (this.flags.state ?? []).map((s) => s.trim()).filter((s) => s !== '').map((s) => {
      const state = normalizeGroupState(s);
      if (!state) throw new CliError(`unknown group state ${JSON.stringify(s)}`, { exitCode: ExitCode.USAGE, code: 'USAGE', hint: `states are ${GROUP_STATES.join(', ')}` });
      return state;
    });
    const groups = await withClusterErrors(() => listGroups(clusterTarget(this.connection, this.timeoutMs), { states }));
    const result = { groups };
    await this.printResult(result, () => {
      this.out.table(['group', 'state', 'protocol-type', 'members'], groups.map((g) => [g.group, g.state, g.protocolType === '' ? '-' : g.protocolType, String(g.members)]));
    }, 'groups');
    return result;
  }
}
