import { Args, Flags } from '@oclif/core';
import { describeGroups, type GroupDetails } from '../../admin/groups.ts';
import { ClusterCommand } from '../../cli/cluster-command.ts';
import { cell, clusterTarget, jsonNumber } from '../../cli/cluster-target.ts';
import { CliError } from '../../cli/errors.ts';
import { ExitCode } from '../../cli/exit-codes.ts';
import { withClusterErrors } from '../../cli/kafka-errors.ts';

export interface DescribedGroupJson {
  group: string;
  state: string;
  protocolType: string;
  protocol: string;
  coordinator: { id: number; host: string; port: number } | null;
  members: {
    memberId: string;
    groupInstanceId: string | null;
    clientId: string;
    host: string;
    partitions: number;
    assignment: { topic: string; partitions: number[] }[];
  }[];
  offsets: {
    topic: string;
    partition: number;
    currentOffset: number | null;
    logStartOffset: number | null;
    logEndOffset: number | null;
    lag: number | null;
    memberId: string | null;
    clientId: string | null;
    host: string | null;
  }[];
  lag: { total: number; max: number; partitions: number; lagging: number; unknown: number };
}

export interface GroupsDescribeResult {
  groups: DescribedGroupJson[];
}

function toJsonShape(g: GroupDetails): DescribedGroupJson {
  return {
    group: g.group,
    state: g.state,
    protocolType: g.protocolType,
    protocol: g.protocol,
    coordinator: g.coordinator,
    members: g.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, clientId: m.clientId, host: m.host, partitions: m.partitions, assignment: m.assignment })),
    offsets: g.offsets.map((o) => ({
      topic: o.topic,
      partition: o.partition,
      currentOffset: jsonNumber(o.currentOffset),
      logStartOffset: jsonNumber(o.logStartOffset),
      logEndOffset: jsonNumber(o.logEndOffset),
      lag: jsonNumber(o.lag),
      memberId: o.memberId,
      clientId: o.clientId,
      host: o.host,
    })),
    lag: { total: Number(g.lag.total), max: Number(g.lag.max), partitions: g.lag.partitions, lagging: g.lag.lagging, unknown: g.lag.unknown },
  };
}

/** `t1:0,1 t2:3` */
function formatAssignment(assignment: readonly { topic: string; partitions: number[] }[]): string {
  return assignment.length === 0 ? '-' : assignment.map((a) => `${a.topic}:${a.partitions.join(',')}`).join(' ');
}

export default class GroupsDescribe extends ClusterCommand<typeof GroupsDescribe> {
  static override summary = 'Describe consumer groups: state, members, committed offsets and lag.';
  static override description = `Shows each group's state, coordinator, protocol and members, and per partition the committed (current) offset, the log end offset, the lag and the member that owns it, with the lag total.

Views, as kafka-consumer-groups has them: the default is a summary of each group followed by its partitions; --offsets prints one table of partitions for all groups (with a GROUP column); --members one table of members with their assigned partitions.

A group the cluster does not know (Kafka describes any unknown id as Dead with no members and no offsets) is an error: exit code 3.`;
  static override examples = [
    '<%= config.bin %> groups describe my-group',
    '<%= config.bin %> groups describe my-group other-group --offsets',
    '<%= config.bin %> groups describe my-group --members',
    '<%= config.bin %> groups describe my-group --json',
  ];
  static override args = {
    group: Args.string({ description: 'Group id(s)', required: true, multiple: true }),
  };
  static override flags = {
    members: Flags.boolean({ description: 'Show the members and their assignments', exclusive: ['offsets'] }),
    offsets: Flags.boolean({ description: 'Show only the partitions: offsets, lag and owner', exclusive: ['members'] }),
  };

  async run(): Promise<GroupsDescribeResult> {
    const ids = this.args.group;
    const details = await withClusterErrors(() => describeGroups(clusterTarget(this.connection, this.timeoutMs), ids));
    const missing = details.filter((g) => !g.exists).map((g) => g.group);
    if (missing.length > 0) {
      throw new CliError(`${missing.length === 1 ? 'group' : 'groups'} ${missing.map((g) => JSON.stringify(g)).join(', ')} ${missing.length === 1 ? 'does' : 'do'} not exist`, {
        exitCode: ExitCode.KAFKA_ERROR,
        code: 'GROUP_ID_NOT_FOUND',
        hint: "list groups with 'kstream groups'",
      });
    }
    const result = { groups: details.map(toJsonShape) };
    await this.printResult(result, () => this.renderTables(details), 'groups');
    return result;
  }

  private renderTables(details: readonly GroupDetails[]): void {
    const offsetHeaders = ['topic', 'partition', 'current-offset', 'log-end-offset', 'lag', 'member-id', 'host', 'client-id'];
    const offsetRow = (o: GroupDetails['offsets'][number]) => [o.topic, String(o.partition), cell(o.currentOffset), cell(o.logEndOffset), cell(o.lag), o.memberId ?? '-', o.host ?? '-', o.clientId ?? '-'];
    if (this.flags.members) {
      this.out.table(
        ['group', 'member-id', 'client-id', 'host', 'partitions', 'assignment'],
        details.flatMap((g) => g.members.map((m) => [g.group, m.memberId, m.clientId, m.host, String(m.partitions), formatAssignment(m.assignment)])),
      );
      return;
    }
    if (this.flags.offsets) {
      this.out.table(['group', ...offsetHeaders], details.flatMap((g) => g.offsets.map((o) => [g.group, ...offsetRow(o)])));
      return;
    }
    details.forEach((g, i) => {
      if (i > 0) this.out.data('');
      const c = g.coordinator;
      this.out.keyValue([
        ['group', g.group],
        ['state', g.state],
        ['coordinator', c ? `${c.id} (${c.host.includes(':') ? `[${c.host}]` : c.host}:${c.port})` : '-'],
        ['protocol', g.protocolType === '' ? '-' : g.protocol === '' ? g.protocolType : `${g.protocolType} (${g.protocol})`],
        ['members', String(g.members.length)],
        ['lag', String(g.lag.total)],
      ]);
      this.out.data('');
      this.out.table(offsetHeaders, g.offsets.map(offsetRow));
    });
  }
}
