/**
 * Consumer group administration over @platformatic/kafka's Admin: list, describe (members with
 * their decoded assignments, committed offsets, log end offsets and lag), delete groups, delete
 * committed offsets, and reset offsets (plan, then commit with a generation −1 "simple" commit
 * through OffsetCommit, as kafka-consumer-groups does).
 *
 * Errors meant for the user are CliErrors with the exit code they deserve (3 for what the
 * cluster refused); client errors otherwise pass through and map via `exitCodeFor`.
 */
import { ConsumerGroupStates, FindCoordinatorKeyTypes, kGetApi, kGetConnection, type Admin, type Connection, type ConsumerGroupStateValue, type FindCoordinatorResult } from '@platformatic/kafka';
import { CliError } from '../cli/errors.ts';
import { ExitCode } from '../cli/exit-codes.ts';
import { kafkaErrorIds, responseOf } from '../cli/kafka-errors.ts';
import type { TopicPartitionSpec } from '../cli/topic-partitions.ts';
import { errorInfo } from '../protocol/generated/error-codes.ts';
import { withAdmin, type ClusterTarget } from './client.ts';
import { decodeAssignment, type TopicAssignment } from './consumer-protocol.ts';
import { compareTopicPartition, lagTotals, partitionLag, type LagStatus, type LagTotals } from './lag.ts';
import { fetchCommittedOffsets, fetchLogBounds, fetchOffsetsForTimestamp, fetchPartitionCounts, tpKey, type LogBounds, type TopicPartition } from './offsets.ts';
import { lookupTimestamp, planResets, ResetPlanError, type OffsetCsvRow, type ResetInput, type ResetPlanRow, type ResetStrategy } from './reset-offsets.ts';

// ---- states ---------------------------------------------------------------------------------------

/** The group states ListGroups can filter on, as the brokers spell them. */
export const GROUP_STATES: readonly string[] = ConsumerGroupStates.filter((s) => s !== 'Unknown');

/** `stable`, `STABLE`, `preparing_rebalance`, `Preparing-Rebalance` → the broker's spelling; null if unknown. */
export function normalizeGroupState(input: string): string | null {
  const squash = (s: string) => s.toLowerCase().replace(/[_\s-]/g, '');
  return GROUP_STATES.find((s) => squash(s) === squash(input)) ?? null;
}

/** States in which offsets may be reset or a group deleted: no member is active. */
const INACTIVE_STATES = new Set(['Empty', 'Dead']);

// ---- DescribeGroups -----------------------------------------------------------------------------

/** A group as DescribeGroups answers, member metadata and assignments left as bytes. */
export interface RawGroup {
  groupId: string;
  errorCode: number;
  groupState: string;
  protocolType: string;
  protocolData: string;
  members: { memberId: string; groupInstanceId: string | null; clientId: string; clientHost: string; memberMetadata: Buffer; memberAssignment: Buffer }[];
}

interface RawDescribeGroupsResponse {
  groups: RawGroup[];
}

function promised<T>(start: (callback: (error: Error | null, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => start((error, value) => (error ? reject(error) : resolve(value as T))));
}

/**
 * DescribeGroups on each group's coordinator, through the client's version negotiation and
 * connection pool. Not `Admin.describeGroups`: that one decodes every member's metadata as the
 * consumer protocol and throws (uncaught, from a socket callback) on any other protocol, such as
 * Connect workers' groups. Here the assignment bytes are decoded only for `consumer` groups.
 */
export async function describeGroupsRaw(admin: Admin, groupIds: readonly string[], knownCoordinators?: readonly FindCoordinatorResult[]): Promise<Map<string, RawGroup>> {
  const ids = [...new Set(groupIds)];
  const result = new Map<string, RawGroup>();
  if (ids.length === 0) return result;
  const coordinators = knownCoordinators ?? (await admin.findCoordinator({ keyType: FindCoordinatorKeyTypes.GROUP, keys: ids }));
  const byNode = new Map<number, { host: string; port: number; groups: string[] }>();
  for (const c of coordinators) {
    const entry = byNode.get(c.nodeId) ?? { host: c.host, port: c.port, groups: [] };
    entry.groups.push(c.key);
    byNode.set(c.nodeId, entry);
  }
  const api = await promised<{ async: (connection: Connection, groups: string[], includeAuthorizedOperations: boolean) => Promise<RawDescribeGroupsResponse> }>((cb) =>
    admin[kGetApi]<[string[], boolean], RawDescribeGroupsResponse>('DescribeGroups', cb),
  );
  await Promise.all(
    [...byNode.values()].map(async (node) => {
      const connection = await promised<Connection>((cb) => admin[kGetConnection]({ host: node.host, port: node.port }, cb));
      let response: RawDescribeGroupsResponse;
      try {
        response = await api.async(connection, node.groups, false);
      } catch (err) {
        // Group-level errors (authorization, coordinator moving) come as a ResponseError carrying the response.
        const carried = responseOf(err) as RawDescribeGroupsResponse | undefined;
        const failed = carried?.groups?.find((g) => g.errorCode !== 0);
        if (!failed) throw err;
        const name = errorInfo(failed.errorCode).name;
        throw new CliError(`cannot describe group ${JSON.stringify(failed.groupId)}: ${name}`, { exitCode: ExitCode.KAFKA_ERROR, code: name, cause: err, showCause: false });
      }
      for (const g of response.groups) result.set(g.groupId, g);
    }),
  );
  return result;
}

function memberCount(g: RawGroup | undefined): number {
  return g?.members.length ?? 0;
}

// ---- list ---------------------------------------------------------------------------------------

export interface GroupListing {
  group: string;
  state: string;
  /** `consumer` for consumer groups, `connect` for Connect workers, '' for groups that only commit offsets. */
  protocolType: string;
  members: number;
}

/** Every group (of the classic protocol), with its member count; `states` filters (ListGroups v4+). */
export async function listGroups(target: ClusterTarget, options: { states?: readonly string[] } = {}): Promise<GroupListing[]> {
  return withAdmin(target, async (admin) => {
    const states = options.states && options.states.length > 0 ? ([...options.states] as ConsumerGroupStateValue[]) : undefined;
    const listed = await admin.listGroups(states ? { states } : {});
    const ids = [...listed.keys()];
    const described = await describeGroupsRaw(admin, ids);
    return ids
      .map((id) => {
        const base = listed.get(id)!;
        const d = described.get(id);
        return { group: id, state: d?.groupState || base.state, protocolType: base.protocolType ?? d?.protocolType ?? '', members: memberCount(d) };
      })
      .filter((g) => !states || states.includes(g.state as ConsumerGroupStateValue))
      .sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : 0));
  });
}

// ---- describe -----------------------------------------------------------------------------------

export interface GroupMemberView {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  host: string;
  /**
   * Decoded from the consumer protocol assignment: empty while the group rebalances, and for
   * groups of other protocol types (e.g. Connect), whose assignments are not topic-partitions.
   */
  assignment: TopicAssignment[];
  /** Number of partitions assigned. */
  partitions: number;
}

export interface GroupOffsetView {
  topic: string;
  partition: number;
  /** The committed offset; null when the group has none for the partition. */
  currentOffset: bigint | null;
  logStartOffset: bigint | null;
  logEndOffset: bigint | null;
  lag: bigint | null;
  lagStatus: LagStatus;
  /** The member the partition is assigned to, if any. */
  memberId: string | null;
  clientId: string | null;
  host: string | null;
}

export interface Coordinator {
  id: number;
  host: string;
  port: number;
}

export interface GroupDetails {
  group: string;
  /**
   * False for a group the cluster does not know: described as Dead, with no members and no
   * committed offsets (Kafka answers DescribeGroups for any id this way).
   */
  exists: boolean;
  state: string;
  protocolType: string;
  /** The partition assignor in use (`range`, `cooperative-sticky`...), '' unless Stable. */
  protocol: string;
  coordinator: Coordinator | null;
  members: GroupMemberView[];
  offsets: GroupOffsetView[];
  lag: LagTotals;
}

function memberViews(group: RawGroup | undefined): GroupMemberView[] {
  if (!group) return [];
  return group.members
    .map((m) => {
      const assignment = group.protocolType === 'consumer' ? (decodeAssignment(m.memberAssignment) ?? []) : [];
      return {
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId ?? null,
        clientId: m.clientId,
        host: m.clientHost,
        assignment,
        partitions: assignment.reduce((n, a) => n + a.partitions.length, 0),
      };
    })
    .sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
}

/** Only partitions of topics that exist, within their partition count. */
function existingPartitions(partitions: readonly TopicPartition[], counts: ReadonlyMap<string, number>): TopicPartition[] {
  return partitions.filter((p) => p.partition < (counts.get(p.topic) ?? 0));
}

/** Describes groups: state, coordinator, members with assignments, offsets with lag. */
export async function describeGroups(target: ClusterTarget, groups: readonly string[]): Promise<GroupDetails[]> {
  return withAdmin(target, async (admin) => {
    const ids = [...new Set(groups)];
    const coordinators = await admin.findCoordinator({ keyType: FindCoordinatorKeyTypes.GROUP, keys: ids });
    const described = await describeGroupsRaw(admin, ids, coordinators);
    const committed = new Map(await Promise.all(ids.map(async (id) => [id, await fetchCommittedOffsets(admin, id)] as const)));

    // Every partition some group has committed or has assigned.
    const all = new Map<string, TopicPartition>();
    const members = new Map<string, GroupMemberView[]>();
    for (const id of ids) {
      const views = memberViews(described.get(id));
      members.set(id, views);
      for (const key of committed.get(id)!.keys()) all.set(key, splitKey(key));
      for (const m of views) for (const a of m.assignment) for (const p of a.partitions) all.set(tpKey(a.topic, p), { topic: a.topic, partition: p });
    }
    const counts = await fetchPartitionCounts(admin, [...new Set([...all.values()].map((p) => p.topic))]);
    const bounds = await fetchLogBounds(admin, existingPartitions([...all.values()], counts));

    return ids.map((id) => {
      const g = described.get(id);
      const views = members.get(id)!;
      const offsets = committed.get(id)!;
      const owner = new Map<string, GroupMemberView>();
      for (const m of views) for (const a of m.assignment) for (const p of a.partitions) owner.set(tpKey(a.topic, p), m);
      const keys = new Set([...offsets.keys(), ...owner.keys()]);
      const rows = [...keys]
        .map((key) => {
          const { topic, partition } = splitKey(key);
          const b: LogBounds | undefined = bounds.get(key);
          const lag = partitionLag({ topic, partition, committed: offsets.get(key) ?? null, logStart: b?.logStart ?? null, logEnd: b?.logEnd ?? null });
          const m = owner.get(key);
          return {
            topic,
            partition,
            currentOffset: lag.committed,
            logStartOffset: lag.logStart,
            logEndOffset: lag.logEnd,
            lag: lag.lag,
            lagStatus: lag.status,
            memberId: m?.memberId ?? null,
            clientId: m?.clientId ?? null,
            host: m?.host ?? null,
          };
        })
        .sort(compareTopicPartition);
      const state = g?.groupState || 'Dead';
      const c = coordinators.find((x) => x.key === id);
      return {
        group: id,
        exists: !(state === 'Dead' && views.length === 0 && offsets.size === 0),
        state,
        protocolType: g?.protocolType ?? '',
        protocol: g?.protocolData ?? '',
        coordinator: c && c.nodeId >= 0 ? { id: c.nodeId, host: c.host, port: c.port } : null,
        members: views,
        offsets: rows,
        lag: lagTotals(rows),
      };
    });
  });
}

function splitKey(key: string): TopicPartition {
  const colon = key.lastIndexOf(':');
  return { topic: key.slice(0, colon), partition: Number(key.slice(colon + 1)) };
}

// ---- delete -------------------------------------------------------------------------------------

export interface GroupDeletion {
  group: string;
  deleted: boolean;
  /** Kafka's error name when the group was not deleted (NON_EMPTY_GROUP, GROUP_ID_NOT_FOUND...). */
  error: string | null;
}

/** Deletes each group; a group the cluster refuses is reported, not thrown. */
export async function deleteGroups(target: ClusterTarget, groups: readonly string[]): Promise<GroupDeletion[]> {
  return withAdmin(target, async (admin) => {
    const results: GroupDeletion[] = [];
    for (const group of [...new Set(groups)]) {
      try {
        await admin.deleteGroups({ groups: [group] });
        results.push({ group, deleted: true, error: null });
      } catch (err) {
        const [id] = kafkaErrorIds(err);
        if (!id) throw err;
        results.push({ group, deleted: false, error: id });
      }
    }
    return results;
  });
}

export interface OffsetDeletion {
  topic: string;
  partition: number;
  deleted: boolean;
  /** Kafka's error name for this partition (GROUP_SUBSCRIBED_TO_TOPIC...). */
  error: string | null;
}

/** Group-level refusals of OffsetDelete, with what to do about them. */
function offsetDeleteGroupError(group: string, id: string, cause: unknown): CliError {
  if (id === 'GROUP_ID_NOT_FOUND') return new CliError(`group ${JSON.stringify(group)} does not exist`, { exitCode: ExitCode.KAFKA_ERROR, code: id, cause, showCause: false, hint: "list groups with 'kstream groups'" });
  if (id === 'NON_EMPTY_GROUP') return new CliError(`group ${JSON.stringify(group)} has active members`, { exitCode: ExitCode.KAFKA_ERROR, code: id, cause, showCause: false, hint: 'stop its consumers first' });
  return new CliError(`cannot delete offsets of group ${JSON.stringify(group)}: ${id}`, { exitCode: ExitCode.KAFKA_ERROR, code: id, cause, showCause: false });
}

/**
 * Deletes the group's committed offsets of the given partitions (a topic without partitions:
 * every partition it has, or the group committed). Partitions of topics the group's active
 * members subscribe to are refused by the broker (GROUP_SUBSCRIBED_TO_TOPIC), per partition.
 */
export async function deleteGroupOffsets(target: ClusterTarget, group: string, specs: readonly TopicPartitionSpec[]): Promise<OffsetDeletion[]> {
  return withAdmin(target, async (admin) => {
    const committed = await fetchCommittedOffsets(admin, group);
    const counts = await fetchPartitionCounts(admin, specs.map((s) => s.topic));
    const partitions: TopicPartition[] = [];
    for (const spec of specs) {
      let ps = spec.partitions;
      if (ps === null) {
        const set = new Set<number>();
        for (let p = 0; p < (counts.get(spec.topic) ?? 0); p++) set.add(p);
        for (const key of committed.keys()) {
          const tp = splitKey(key);
          if (tp.topic === spec.topic) set.add(tp.partition);
        }
        if (set.size === 0) throw unknownTopic(spec.topic);
        ps = [...set].sort((a, b) => a - b);
      }
      for (const partition of ps) partitions.push({ topic: spec.topic, partition });
    }
    const topics = [...new Set(partitions.map((p) => p.topic))].map((name) => ({ name, partitionIndexes: partitions.filter((p) => p.topic === name).map((p) => p.partition) }));
    let partitionErrors = new Map<string, string>();
    try {
      await admin.deleteConsumerGroupOffsets({ groupId: group, topics });
    } catch (err) {
      const response = responseOf(err) as { errorCode?: number; topics?: { name: string; partitions: { partitionIndex: number; errorCode: number }[] }[] } | undefined;
      if (!response) {
        const [id] = kafkaErrorIds(err);
        if (id) throw offsetDeleteGroupError(group, id, err);
        throw err;
      }
      if (response.errorCode) throw offsetDeleteGroupError(group, errorInfo(response.errorCode).name, err);
      partitionErrors = new Map();
      for (const t of response.topics ?? []) for (const p of t.partitions) if (p.errorCode !== 0) partitionErrors.set(tpKey(t.name, p.partitionIndex), errorInfo(p.errorCode).name);
    }
    return partitions
      .map((p) => {
        const error = partitionErrors.get(tpKey(p.topic, p.partition)) ?? null;
        return { ...p, deleted: error === null, error };
      })
      .sort(compareTopicPartition);
  });
}

function unknownTopic(topic: string): CliError {
  return new CliError(`topic ${JSON.stringify(topic)} does not exist`, { exitCode: ExitCode.KAFKA_ERROR, code: 'UNKNOWN_TOPIC_OR_PARTITION', hint: "list topics with 'kstream topics'" });
}

function noPartition(topic: string, partition: number, count: number): CliError {
  return new CliError(`topic ${JSON.stringify(topic)} has no partition ${partition}`, { exitCode: ExitCode.KAFKA_ERROR, code: 'UNKNOWN_TOPIC_OR_PARTITION', hint: `its partitions are 0 to ${count - 1}` });
}

// ---- reset offsets ------------------------------------------------------------------------------

export interface ResetOffsetsRequest {
  group: string;
  /** `--topic` specs, `all` for --all-topics, or null to take the partitions of --from-file. */
  scope: readonly TopicPartitionSpec[] | 'all' | null;
  strategy: ResetStrategy;
  /** The rows of the --from-file CSV (required for from-file). */
  fileRows?: readonly OffsetCsvRow[];
  /** Commit the new offsets; otherwise only plan them (dry run). */
  execute: boolean;
  /** The current time (epoch ms) for --by-duration; default Date.now(). */
  now?: number;
}

export interface ResetOffsetsResult {
  group: string;
  state: string;
  executed: boolean;
  rows: ResetPlanRow[];
}

/** The group must have no active members (state Empty or Dead), as Kafka's tool requires. */
function assertInactive(group: string, state: string, members: number): void {
  if (INACTIVE_STATES.has(state) && members === 0) return;
  throw new CliError(`group ${JSON.stringify(group)} is active (state ${state}, ${members} member${members === 1 ? '' : 's'}); offsets can only be reset on an inactive group`, {
    exitCode: ExitCode.KAFKA_ERROR,
    code: 'GROUP_ACTIVE',
    hint: `stop its consumers first (see 'kstream groups describe ${group} --members')`,
  });
}

/** Plans (and with `execute` commits) new committed offsets for a group. */
export async function resetGroupOffsets(target: ClusterTarget, req: ResetOffsetsRequest): Promise<ResetOffsetsResult> {
  return withAdmin(target, async (admin) => {
    const described = (await describeGroupsRaw(admin, [req.group])).get(req.group);
    const state = described?.groupState || 'Dead';
    assertInactive(req.group, state, memberCount(described));

    const committed = await fetchCommittedOffsets(admin, req.group);
    const strategy = req.strategy;
    const other = strategy.kind === 'to-group' ? await fetchCommittedOffsets(admin, strategy.group) : null;
    const fileRows = (req.fileRows ?? []).filter((r) => r.group === undefined || r.group === req.group);
    const fileOffsets = new Map(fileRows.map((r) => [tpKey(r.topic, r.partition), r.offset]));

    // Which partitions.
    let wanted: TopicPartition[];
    let counts: Map<string, number>;
    if (req.scope === 'all' || req.scope === null) {
      const keys = new Set<string>();
      if (req.scope === 'all') {
        for (const k of committed.keys()) keys.add(k);
        for (const k of other?.keys() ?? []) keys.add(k);
      }
      for (const k of fileOffsets.keys()) keys.add(k);
      wanted = [...keys].map(splitKey);
      counts = await fetchPartitionCounts(admin, [...new Set(wanted.map((p) => p.topic))]);
      // Partitions named in the file must exist; --all-topics skips committed offsets of topics deleted since.
      for (const p of wanted) {
        if (!fileOffsets.has(tpKey(p.topic, p.partition))) continue;
        const n = counts.get(p.topic);
        if (n === undefined) throw unknownTopic(p.topic);
        if (p.partition >= n) throw noPartition(p.topic, p.partition, n);
      }
      wanted = existingPartitions(wanted, counts);
      if (wanted.length === 0) {
        throw new CliError(`group ${JSON.stringify(req.group)} has no committed offsets to reset`, { exitCode: ExitCode.USAGE, code: 'USAGE', hint: 'name the partitions with --topic TOPIC[:PARTITION,...]' });
      }
    } else {
      counts = await fetchPartitionCounts(admin, req.scope.map((s) => s.topic));
      wanted = [];
      for (const spec of req.scope) {
        const n = counts.get(spec.topic);
        if (n === undefined) throw unknownTopic(spec.topic);
        for (const p of spec.partitions ?? Array.from({ length: n }, (_v, i) => i)) {
          if (p >= n) throw noPartition(spec.topic, p, n);
          wanted.push({ topic: spec.topic, partition: p });
        }
      }
    }
    wanted.sort(compareTopicPartition);

    const bounds = await fetchLogBounds(admin, wanted);
    const when = lookupTimestamp(strategy, req.now ?? Date.now());
    const byTime = when === null ? null : await fetchOffsetsForTimestamp(admin, wanted, when);
    const inputs: ResetInput[] = wanted.map((p) => {
      const key = tpKey(p.topic, p.partition);
      const b = bounds.get(key);
      if (!b) throw new CliError(`no log offsets for ${key}`, { exitCode: ExitCode.KAFKA_ERROR, code: 'UNKNOWN_TOPIC_OR_PARTITION' });
      const lookup = byTime ? byTime.get(key) ?? null : other ? other.get(key) ?? null : strategy.kind === 'from-file' ? fileOffsets.get(key) ?? null : undefined;
      return { ...p, current: committed.get(key) ?? null, logStart: b.logStart, logEnd: b.logEnd, lookup };
    });
    let rows: ResetPlanRow[];
    try {
      rows = planResets(strategy, inputs);
    } catch (err) {
      if (err instanceof ResetPlanError) throw new CliError(err.message, { exitCode: ExitCode.USAGE, code: err.code, hint: 'reset partitions without a committed offset with --to-earliest, --to-latest or --to-offset', cause: err, showCause: false });
      throw err;
    }

    if (req.execute) {
      const changes = rows.filter((r) => r.target !== null);
      const topics = [...new Set(changes.map((r) => r.topic))].map((name) => ({
        name,
        partitionOffsets: changes.filter((r) => r.topic === name).map((r) => ({ partition: r.partition, offset: r.target! })),
      }));
      if (topics.length > 0) {
        try {
          await admin.alterConsumerGroupOffsets({ groupId: req.group, topics });
        } catch (err) {
          const ids = kafkaErrorIds(err);
          if (ids.includes('UNKNOWN_MEMBER_ID') || ids.includes('REBALANCE_IN_PROGRESS') || ids.includes('ILLEGAL_GENERATION')) {
            throw new CliError(`group ${JSON.stringify(req.group)} became active; no offsets were reset`, { exitCode: ExitCode.KAFKA_ERROR, code: 'GROUP_ACTIVE', cause: err, showCause: false, hint: 'stop its consumers first' });
          }
          throw err;
        }
      }
    }
    return { group: req.group, state, executed: req.execute, rows };
  });
}
