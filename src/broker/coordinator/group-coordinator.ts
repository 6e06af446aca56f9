/**
 * The classic group coordinator: JoinGroup, SyncGroup, Heartbeat, LeaveGroup, offset commits
 * and fetches, and the admin views of groups. Follows Kafka's GroupCoordinator:
 *
 * - New dynamic members (JoinGroup v4+) first get MEMBER_ID_REQUIRED with their member id.
 * - A rebalance waits until every known member has rejoined, or the longest rebalance timeout;
 *   members that did not rejoin are removed. A group that was empty waits
 *   `group.initial.rebalance.delay.ms` (extended by each new join, up to the rebalance
 *   timeout) so that members starting together land in one generation.
 * - The leader's SyncGroup assignment is stored in `__consumer_offsets` before anyone gets it.
 * - Members that neither heartbeat nor wait on a join or sync for their session timeout are
 *   removed and the group rebalances.
 * - Static members (group.instance.id) rejoining a stable group with the same protocols get
 *   their old assignment with no rebalance; an old member id of a replaced static member is
 *   fenced (FENCED_INSTANCE_ID).
 * - Offsets are written to `__consumer_offsets` and fsynced before the commit is answered.
 *   Empty groups' offsets expire after `offsets.retention.minutes`.
 *
 * State changes happen synchronously; only persistence awaits, and results are re-checked
 * after it (the group may have moved on meanwhile).
 */
import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../../protocol/generated/error-codes.ts';
import type { Logger } from '../../util/logger.ts';
import { Group, offsetKey, splitOffsetKey, type CommittedOffset, type JoinOutcome, type Member, type MemberProtocol, type SyncOutcome } from './group.ts';
import { protocolsFit, selectProtocol, type GroupState } from './group-state.ts';
import type { CoordinatorLog, OffsetsTopicWrite } from './coordinator-log.ts';
import type { GroupValue, OffsetValue } from './offsets-topic-records.ts';

export interface GroupCoordinatorConfig {
  groupMinSessionTimeoutMs: number;
  groupMaxSessionTimeoutMs: number;
  groupInitialRebalanceDelayMs: number;
  offsetsRetentionMs: number;
  offsetsRetentionCheckIntervalMs: number;
  offsetMetadataMaxBytes: number;
}

/** How long a member that joined a new generation may take to send its first heartbeat or sync. */
const NEW_MEMBER_JOIN_TIMEOUT_MS = 5 * 60_000;
const SWEEP_INTERVAL_MS = 100;

export interface JoinGroupInput {
  groupId: string;
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: MemberProtocol[];
  /** JoinGroup v4+: unknown members must first learn their member id. */
  requireKnownMemberId: boolean;
}

export interface SyncGroupInput {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  protocolType: string | null;
  protocolName: string | null;
  assignments: { memberId: string; assignment: Buffer }[];
}

export interface CommitInput {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  offsets: { topic: string; partition: number; offset: number; leaderEpoch: number; metadata: string | null }[];
}

export interface GroupSummary {
  groupId: string;
  protocolType: string;
  state: GroupState;
}

export interface GroupDescription {
  errorCode: number;
  groupId: string;
  state: GroupState;
  protocolType: string;
  protocolName: string;
  members: { memberId: string; groupInstanceId: string | null; clientId: string; clientHost: string; metadata: Buffer; assignment: Buffer }[];
}

function joinError(errorCode: number, memberId = ''): JoinOutcome {
  return { errorCode, generationId: -1, protocolType: null, protocolName: null, leaderId: '', memberId, members: [], skipAssignment: false };
}

function syncError(errorCode: number): SyncOutcome {
  return { errorCode, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) };
}

export class GroupCoordinator {
  private readonly groups = new Map<string, Group>();
  private readonly config: GroupCoordinatorConfig;
  private readonly log: CoordinatorLog;
  private readonly logger: Logger;
  private readonly now: () => number;
  private sweepTimer: NodeJS.Timeout | null = null;
  private retentionTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(config: GroupCoordinatorConfig, log: CoordinatorLog, logger: Logger, now: () => number = Date.now) {
    this.config = config;
    this.log = log;
    this.logger = logger;
    this.now = now;
  }

  /** Rebuilds groups and offsets from `__consumer_offsets`, then starts the timers. */
  async start(): Promise<void> {
    let records = 0;
    for await (const entry of this.log.load()) {
      records++;
      if ('offset' in entry) {
        const group = this.groupFor(entry.key.group, true)!;
        const k = offsetKey(entry.key.topic, entry.key.partition);
        if (entry.offset) group.offsets.set(k, entry.offset);
        else group.offsets.delete(k);
      } else if (entry.group) {
        this.restoreGroup(entry.key.group, entry.group);
      } else {
        const g = this.groups.get(entry.key.group);
        if (g) this.clearMembers(g);
        if (g && g.offsets.size === 0) this.groups.delete(entry.key.group);
      }
    }
    for (const [id, g] of this.groups) if (g.members.size === 0 && g.offsets.size === 0 && g.protocolType === null) this.groups.delete(id);
    this.logger.info('group coordinator loaded', { groups: this.groups.size, records });
    this.sweepTimer = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS);
    this.sweepTimer.unref();
    if (this.config.offsetsRetentionCheckIntervalMs > 0) {
      this.retentionTimer = setInterval(() => void this.expireOffsets(), Math.min(this.config.offsetsRetentionCheckIntervalMs, 0x7fffffff));
      this.retentionTimer.unref();
    }
  }

  stop(): void {
    this.closed = true;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    if (this.retentionTimer) clearInterval(this.retentionTimer);
    for (const g of this.groups.values()) {
      if (g.joinTimer) clearTimeout(g.joinTimer);
      if (g.syncTimer) clearTimeout(g.syncTimer);
      for (const m of g.members.values()) {
        m.awaitingJoin?.(joinError(ErrorCode.COORDINATOR_NOT_AVAILABLE, m.memberId));
        m.awaitingSync?.(syncError(ErrorCode.COORDINATOR_NOT_AVAILABLE));
        m.awaitingJoin = null;
        m.awaitingSync = null;
      }
    }
  }

  private restoreGroup(groupId: string, v: GroupValue): void {
    const g = this.groupFor(groupId, true)!;
    this.clearMembers(g);
    g.protocolType = v.protocolType;
    g.generationId = v.generationId;
    g.protocolName = v.protocolName;
    g.leaderId = v.leaderId;
    g.stateTimestamp = v.currentStateTimestamp > 0 ? v.currentStateTimestamp : this.now();
    const now = this.now();
    for (const sm of v.members) {
      const member: Member = {
        memberId: sm.memberId,
        groupInstanceId: sm.groupInstanceId,
        clientId: sm.clientId,
        clientHost: sm.clientHost,
        rebalanceTimeoutMs: sm.rebalanceTimeoutMs,
        sessionTimeoutMs: sm.sessionTimeoutMs,
        protocolType: v.protocolType,
        protocols: [{ name: v.protocolName ?? '', metadata: sm.subscription }],
        assignment: sm.assignment,
        awaitingJoin: null,
        awaitingSync: null,
        isNew: false,
        heartbeatDeadline: now + sm.sessionTimeoutMs,
      };
      g.members.set(member.memberId, member);
      if (member.groupInstanceId) g.staticMembers.set(member.groupInstanceId, member.memberId);
    }
    g.state = g.members.size > 0 ? 'Stable' : 'Empty';
  }

  private clearMembers(g: Group): void {
    g.members.clear();
    g.staticMembers.clear();
    g.pendingMembers.clear();
    g.state = 'Empty';
  }

  private groupFor(groupId: string, create: boolean): Group | undefined {
    let g = this.groups.get(groupId);
    if (!g && create) {
      g = new Group(groupId, this.now());
      this.groups.set(groupId, g);
    }
    return g;
  }

  // ---- join ----------------------------------------------------------------------------------

  joinGroup(input: JoinGroupInput): Promise<JoinOutcome> {
    if (this.closed) return Promise.resolve(joinError(ErrorCode.COORDINATOR_NOT_AVAILABLE));
    if (input.groupId === '') return Promise.resolve(joinError(ErrorCode.INVALID_GROUP_ID));
    if (input.sessionTimeoutMs < this.config.groupMinSessionTimeoutMs || input.sessionTimeoutMs > this.config.groupMaxSessionTimeoutMs) {
      return Promise.resolve(joinError(ErrorCode.INVALID_SESSION_TIMEOUT, input.memberId));
    }
    const existing = this.groups.get(input.groupId);
    if (!existing && input.memberId !== '') return Promise.resolve(joinError(ErrorCode.UNKNOWN_MEMBER_ID, input.memberId));
    const group = existing ?? this.groupFor(input.groupId, true)!;
    if (group.is('Dead')) return Promise.resolve(joinError(ErrorCode.COORDINATOR_NOT_AVAILABLE, input.memberId));

    const others = group.otherMembersProtocols(input.memberId);
    const otherCount = [...group.members.keys()].filter((id) => id !== input.memberId).length;
    if (!protocolsFit(group.protocolType, otherCount, others, input.protocolType, input.protocols)) {
      return Promise.resolve(joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, input.memberId));
    }
    return input.memberId === '' ? this.joinUnknownMember(group, input) : this.joinKnownMember(group, input);
  }

  private newMemberId(input: JoinGroupInput): string {
    return `${input.groupInstanceId ?? input.clientId}-${randomUUID()}`;
  }

  private joinUnknownMember(group: Group, input: JoinGroupInput): Promise<JoinOutcome> {
    const memberId = this.newMemberId(input);
    if (input.groupInstanceId !== null) {
      const oldMemberId = group.staticMembers.get(input.groupInstanceId);
      if (oldMemberId !== undefined && group.members.has(oldMemberId)) return this.replaceStaticMember(group, oldMemberId, memberId, input);
      return this.addMemberAndRebalance(group, memberId, input);
    }
    if (input.requireKnownMemberId) {
      group.pendingMembers.set(memberId, this.now() + input.sessionTimeoutMs);
      return Promise.resolve(joinError(ErrorCode.MEMBER_ID_REQUIRED, memberId));
    }
    return this.addMemberAndRebalance(group, memberId, input);
  }

  private joinKnownMember(group: Group, input: JoinGroupInput): Promise<JoinOutcome> {
    if (group.pendingMembers.has(input.memberId)) {
      group.pendingMembers.delete(input.memberId);
      return this.addMemberAndRebalance(group, input.memberId, input);
    }
    const fenced = this.staticFencing(group, input.memberId, input.groupInstanceId);
    if (fenced) return Promise.resolve(joinError(fenced, input.memberId));
    const member = group.members.get(input.memberId);
    if (!member) return Promise.resolve(joinError(ErrorCode.UNKNOWN_MEMBER_ID, input.memberId));
    switch (group.state) {
      case 'PreparingRebalance':
        return this.updateMemberAndRebalance(group, member, input);
      case 'CompletingRebalance':
        if (sameProtocols(member.protocols, input.protocols)) {
          member.heartbeatDeadline = this.now() + member.sessionTimeoutMs;
          return Promise.resolve(this.joinResult(group, member));
        }
        return this.updateMemberAndRebalance(group, member, input);
      case 'Stable':
        if (member.memberId === group.leaderId || !sameProtocols(member.protocols, input.protocols)) {
          return this.updateMemberAndRebalance(group, member, input);
        }
        member.heartbeatDeadline = this.now() + member.sessionTimeoutMs;
        return Promise.resolve(this.joinResult(group, member));
      default:
        return Promise.resolve(joinError(ErrorCode.UNKNOWN_MEMBER_ID, input.memberId));
    }
  }

  private joinResult(group: Group, member: Member, skipAssignment = false): JoinOutcome {
    const isLeader = member.memberId === group.leaderId;
    return {
      errorCode: 0,
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      leaderId: group.leaderId ?? '',
      memberId: member.memberId,
      members: isLeader
        ? [...group.members.values()].map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: group.metadataOf(m) }))
        : [],
      skipAssignment,
    };
  }

  private addMemberAndRebalance(group: Group, memberId: string, input: JoinGroupInput): Promise<JoinOutcome> {
    return new Promise((resolve) => {
      const member: Member = {
        memberId,
        groupInstanceId: input.groupInstanceId,
        clientId: input.clientId,
        clientHost: input.clientHost,
        rebalanceTimeoutMs: input.rebalanceTimeoutMs,
        sessionTimeoutMs: input.sessionTimeoutMs,
        protocolType: input.protocolType,
        protocols: input.protocols,
        assignment: Buffer.alloc(0),
        awaitingJoin: resolve,
        awaitingSync: null,
        isNew: true,
        heartbeatDeadline: this.now() + NEW_MEMBER_JOIN_TIMEOUT_MS,
      };
      if (group.members.size === 0) group.protocolType = input.protocolType;
      group.members.set(memberId, member);
      if (input.groupInstanceId !== null) group.staticMembers.set(input.groupInstanceId, memberId);
      if (group.leaderId === null || !group.members.has(group.leaderId)) group.leaderId = memberId;
      if (group.is('PreparingRebalance') && group.initialDelayUntil > 0) this.extendInitialDelay(group);
      this.maybePrepareRebalance(group, `member ${memberId} joined`);
      this.tryCompleteJoin(group);
    });
  }

  private updateMemberAndRebalance(group: Group, member: Member, input: JoinGroupInput): Promise<JoinOutcome> {
    return new Promise((resolve) => {
      member.protocols = input.protocols;
      member.rebalanceTimeoutMs = input.rebalanceTimeoutMs;
      member.sessionTimeoutMs = input.sessionTimeoutMs;
      // A member that sends JoinGroup again while one is pending gets the previous one failed.
      member.awaitingJoin?.(joinError(ErrorCode.UNKNOWN_MEMBER_ID, member.memberId));
      member.awaitingJoin = resolve;
      this.maybePrepareRebalance(group, `member ${member.memberId} rejoined`);
      this.tryCompleteJoin(group);
    });
  }

  private replaceStaticMember(group: Group, oldMemberId: string, newMemberId: string, input: JoinGroupInput): Promise<JoinOutcome> {
    const old = group.members.get(oldMemberId)!;
    const wasLeader = group.leaderId === oldMemberId;
    const protocolsChanged = !sameProtocols(old.protocols, input.protocols);
    // The old member's pending calls are fenced.
    old.awaitingJoin?.(joinError(ErrorCode.FENCED_INSTANCE_ID, oldMemberId));
    old.awaitingSync?.(syncError(ErrorCode.FENCED_INSTANCE_ID));
    group.members.delete(oldMemberId);
    const member: Member = {
      ...old,
      memberId: newMemberId,
      clientId: input.clientId,
      clientHost: input.clientHost,
      sessionTimeoutMs: input.sessionTimeoutMs,
      rebalanceTimeoutMs: input.rebalanceTimeoutMs,
      protocols: input.protocols,
      awaitingJoin: null,
      awaitingSync: null,
      heartbeatDeadline: this.now() + input.sessionTimeoutMs,
    };
    group.members.set(newMemberId, member);
    group.staticMembers.set(input.groupInstanceId!, newMemberId);
    if (wasLeader) group.leaderId = newMemberId;
    if (group.is('Stable') && !protocolsChanged) {
      // Same generation, same assignment: no rebalance. The new member id must be stored so a
      // restarted coordinator still knows it. A leader rejoining is told to skip assignment.
      return this.persistGroup(group).then((errorCode) => {
        if (errorCode !== 0) return joinError(errorCode, newMemberId);
        return { ...this.joinResult(group, member, wasLeader), members: [] };
      });
    }
    return new Promise((resolve) => {
      member.awaitingJoin = resolve;
      this.maybePrepareRebalance(group, `static member ${input.groupInstanceId} rejoined`);
      this.tryCompleteJoin(group);
    });
  }

  private maybePrepareRebalance(group: Group, reason: string): void {
    if (group.is('Stable') || group.is('CompletingRebalance') || group.is('Empty')) this.prepareRebalance(group, reason);
  }

  private prepareRebalance(group: Group, reason: string): void {
    if (group.is('CompletingRebalance')) {
      for (const m of group.members.values()) {
        m.awaitingSync?.(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
        m.awaitingSync = null;
      }
    }
    if (group.syncTimer) {
      clearTimeout(group.syncTimer);
      group.syncTimer = null;
    }
    const wasEmpty = group.is('Empty');
    group.transitionTo('PreparingRebalance', this.now());
    this.logger.info('preparing to rebalance group', { group: group.groupId, generation: group.generationId, reason });
    if (group.joinTimer) clearTimeout(group.joinTimer);
    const rebalanceTimeout = group.rebalanceTimeoutMs;
    if (wasEmpty && this.config.groupInitialRebalanceDelayMs > 0) {
      const delay = Math.min(this.config.groupInitialRebalanceDelayMs, rebalanceTimeout);
      group.initialDelayUntil = this.now() + rebalanceTimeout;
      group.joinTimer = setTimeout(() => this.onJoinDeadline(group), delay);
    } else {
      group.initialDelayUntil = 0;
      group.joinTimer = setTimeout(() => this.onJoinDeadline(group), rebalanceTimeout);
    }
  }

  /** Another member joined during the initial delay: wait one more delay, within the rebalance timeout. */
  private extendInitialDelay(group: Group): void {
    const remaining = group.initialDelayUntil - this.now();
    if (remaining <= 0) return;
    if (group.joinTimer) clearTimeout(group.joinTimer);
    group.joinTimer = setTimeout(() => this.onJoinDeadline(group), Math.min(this.config.groupInitialRebalanceDelayMs, remaining));
  }

  private onJoinDeadline(group: Group): void {
    group.joinTimer = null;
    group.initialDelayUntil = 0;
    if (group.is('PreparingRebalance')) this.completeJoin(group);
  }

  private tryCompleteJoin(group: Group): void {
    if (!group.is('PreparingRebalance') || group.initialDelayUntil > 0) return;
    if (group.allMembersJoined) this.completeJoin(group);
  }

  private completeJoin(group: Group): void {
    if (group.joinTimer) {
      clearTimeout(group.joinTimer);
      group.joinTimer = null;
    }
    for (const m of [...group.members.values()]) {
      if (!m.awaitingJoin) this.removeMember(group, m, 'did not rejoin in time');
    }
    group.pendingMembers.clear();
    const now = this.now();
    group.generationId++;
    if (group.members.size === 0) {
      group.protocolName = null;
      group.leaderId = null;
      group.transitionTo('Empty', now);
      this.logger.info('group is empty', { group: group.groupId, generation: group.generationId });
      void this.persistGroup(group);
      return;
    }
    group.protocolName = selectProtocol([...group.members.values()].map((m) => m.protocols)) ?? null;
    if (group.leaderId === null || !group.members.has(group.leaderId)) group.leaderId = group.members.keys().next().value!;
    group.transitionTo('CompletingRebalance', now);
    this.logger.info('group rebalanced', { group: group.groupId, generation: group.generationId, members: group.members.size, protocol: group.protocolName });
    for (const m of group.members.values()) {
      const resolve = m.awaitingJoin!;
      m.awaitingJoin = null;
      m.isNew = false;
      m.heartbeatDeadline = now + m.sessionTimeoutMs;
      resolve(this.joinResult(group, m));
    }
    // Members that never send SyncGroup are removed after the rebalance timeout.
    const generation = group.generationId;
    group.syncTimer = setTimeout(() => {
      group.syncTimer = null;
      if (!group.is('CompletingRebalance') || group.generationId !== generation) return;
      for (const m of [...group.members.values()]) if (!m.awaitingSync) this.removeMember(group, m, 'did not sync in time');
      this.prepareRebalance(group, 'members did not sync in time');
      this.tryCompleteJoin(group);
    }, group.rebalanceTimeoutMs);
  }

  private removeMember(group: Group, member: Member, reason: string): void {
    group.members.delete(member.memberId);
    if (member.groupInstanceId !== null && group.staticMembers.get(member.groupInstanceId) === member.memberId) {
      group.staticMembers.delete(member.groupInstanceId);
    }
    if (group.leaderId === member.memberId) group.leaderId = group.members.keys().next().value ?? null;
    member.awaitingJoin?.(joinError(ErrorCode.UNKNOWN_MEMBER_ID, member.memberId));
    member.awaitingSync?.(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    member.awaitingJoin = null;
    member.awaitingSync = null;
    this.logger.info('member removed from group', { group: group.groupId, member: member.memberId, reason });
  }

  /** Removes a member outside a join phase and lets the group rebalance. */
  private removeMemberAndRebalance(group: Group, member: Member, reason: string): void {
    this.removeMember(group, member, reason);
    if (group.is('Stable') || group.is('CompletingRebalance')) this.prepareRebalance(group, reason);
    if (group.is('PreparingRebalance')) {
      if (group.members.size === 0) {
        group.initialDelayUntil = 0;
        this.completeJoin(group);
      } else this.tryCompleteJoin(group);
    }
  }

  private staticFencing(group: Group, memberId: string, groupInstanceId: string | null): number {
    if (groupInstanceId === null) return 0;
    const current = group.staticMembers.get(groupInstanceId);
    if (current !== undefined && current !== memberId) return ErrorCode.FENCED_INSTANCE_ID;
    return 0;
  }

  /** Session timeouts: members that neither heartbeat nor wait on a join or sync are removed. */
  private sweep(): void {
    const now = this.now();
    for (const group of this.groups.values()) {
      for (const [id, deadline] of group.pendingMembers) {
        if (deadline <= now) {
          group.pendingMembers.delete(id);
          this.tryCompleteJoin(group);
        }
      }
      for (const m of [...group.members.values()]) {
        if (m.heartbeatDeadline > now || m.awaitingJoin || m.awaitingSync) continue;
        this.removeMemberAndRebalance(group, m, 'session timeout expired');
      }
    }
  }

  // ---- sync, heartbeat, leave ------------------------------------------------------------------

  async syncGroup(input: SyncGroupInput): Promise<SyncOutcome> {
    const group = this.groups.get(input.groupId);
    if (!group) return syncError(ErrorCode.UNKNOWN_MEMBER_ID);
    const fenced = this.staticFencing(group, input.memberId, input.groupInstanceId);
    if (fenced) return syncError(fenced);
    const member = group.members.get(input.memberId);
    if (!member) return syncError(ErrorCode.UNKNOWN_MEMBER_ID);
    if (input.generationId !== group.generationId) return syncError(ErrorCode.ILLEGAL_GENERATION);
    if ((input.protocolType !== null && input.protocolType !== group.protocolType) || (input.protocolName !== null && input.protocolName !== group.protocolName)) {
      return syncError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    }
    switch (group.state) {
      case 'PreparingRebalance':
        return syncError(ErrorCode.REBALANCE_IN_PROGRESS);
      case 'Stable':
        member.heartbeatDeadline = this.now() + member.sessionTimeoutMs;
        return { errorCode: 0, protocolType: group.protocolType, protocolName: group.protocolName, assignment: member.assignment };
      case 'CompletingRebalance': {
        member.heartbeatDeadline = this.now() + member.sessionTimeoutMs;
        const outcome = new Promise<SyncOutcome>((resolve) => {
          member.awaitingSync?.(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
          member.awaitingSync = resolve;
        });
        if (input.memberId === group.leaderId) void this.completeSync(group, input);
        return outcome;
      }
      default:
        return syncError(ErrorCode.UNKNOWN_MEMBER_ID);
    }
  }

  private async completeSync(group: Group, input: SyncGroupInput): Promise<void> {
    const generation = group.generationId;
    const assignments = new Map(input.assignments.map((a) => [a.memberId, a.assignment]));
    const errorCode = await this.persistGroup(group, assignments);
    if (!group.is('CompletingRebalance') || group.generationId !== generation) return;
    if (errorCode !== 0) {
      for (const m of group.members.values()) {
        m.awaitingSync?.(syncError(errorCode));
        m.awaitingSync = null;
      }
      this.prepareRebalance(group, 'storing the assignment failed');
      return;
    }
    if (group.syncTimer) {
      clearTimeout(group.syncTimer);
      group.syncTimer = null;
    }
    for (const m of group.members.values()) m.assignment = assignments.get(m.memberId) ?? Buffer.alloc(0);
    group.transitionTo('Stable', this.now());
    for (const m of group.members.values()) {
      const resolve = m.awaitingSync;
      m.awaitingSync = null;
      m.heartbeatDeadline = this.now() + m.sessionTimeoutMs;
      resolve?.({ errorCode: 0, protocolType: group.protocolType, protocolName: group.protocolName, assignment: m.assignment });
    }
  }

  heartbeat(groupId: string, memberId: string, groupInstanceId: string | null, generationId: number): number {
    const group = this.groups.get(groupId);
    if (!group || group.is('Empty')) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (group.is('Dead')) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    const fenced = this.staticFencing(group, memberId, groupInstanceId);
    if (fenced) return fenced;
    const member = group.members.get(memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    member.heartbeatDeadline = this.now() + member.sessionTimeoutMs;
    return group.is('PreparingRebalance') ? ErrorCode.REBALANCE_IN_PROGRESS : 0;
  }

  /** Removes members; each gets its own error code (UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID). */
  leaveGroup(groupId: string, leaving: { memberId: string; groupInstanceId: string | null }[]): { errorCode: number; members: { memberId: string; groupInstanceId: string | null; errorCode: number }[] } {
    const group = this.groups.get(groupId);
    if (!group) return { errorCode: ErrorCode.UNKNOWN_MEMBER_ID, members: leaving.map((l) => ({ ...l, errorCode: ErrorCode.UNKNOWN_MEMBER_ID })) };
    const results = leaving.map((l) => {
      let memberId = l.memberId;
      if (l.groupInstanceId !== null) {
        const current = group.staticMembers.get(l.groupInstanceId);
        if (current === undefined) return { ...l, errorCode: ErrorCode.UNKNOWN_MEMBER_ID };
        if (memberId !== '' && memberId !== current) return { ...l, errorCode: ErrorCode.FENCED_INSTANCE_ID };
        memberId = current;
      }
      if (group.pendingMembers.delete(memberId)) {
        this.tryCompleteJoin(group);
        return { ...l, errorCode: 0 };
      }
      const member = group.members.get(memberId);
      if (!member) return { ...l, errorCode: ErrorCode.UNKNOWN_MEMBER_ID };
      this.removeMemberAndRebalance(group, member, 'left the group');
      return { ...l, errorCode: 0 };
    });
    return { errorCode: 0, members: results };
  }

  // ---- offsets -------------------------------------------------------------------------------

  /** Validates and stores offsets; returns an error code per offset, in input order. */
  async commitOffsets(input: CommitInput, topicExists: (topic: string, partition: number) => boolean): Promise<number[]> {
    const group = this.groups.get(input.groupId);
    let groupError = 0;
    if (input.groupId === '') groupError = ErrorCode.INVALID_GROUP_ID;
    else if (group?.is('Dead')) groupError = ErrorCode.COORDINATOR_NOT_AVAILABLE;
    else if (input.generationId < 0 && input.memberId === '' && input.groupInstanceId === null) {
      if (group && !group.is('Empty') && group.members.size > 0) groupError = ErrorCode.UNKNOWN_MEMBER_ID;
    } else if (!group) {
      groupError = ErrorCode.ILLEGAL_GENERATION;
    } else {
      const member = group.members.get(input.memberId);
      groupError =
        this.staticFencing(group, input.memberId, input.groupInstanceId) ||
        (!member
          ? ErrorCode.UNKNOWN_MEMBER_ID
          : input.generationId !== group.generationId
            ? ErrorCode.ILLEGAL_GENERATION
            : group.is('CompletingRebalance')
              ? ErrorCode.REBALANCE_IN_PROGRESS
              : 0);
      if (member && groupError === 0) member.heartbeatDeadline = this.now() + member.sessionTimeoutMs;
    }
    if (groupError !== 0) return input.offsets.map(() => groupError);

    const now = this.now();
    const codes = input.offsets.map((o) => {
      if (!topicExists(o.topic, o.partition)) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      if (o.metadata !== null && Buffer.byteLength(o.metadata) > this.config.offsetMetadataMaxBytes) return ErrorCode.OFFSET_METADATA_TOO_LARGE;
      return 0;
    });
    const writes: OffsetsTopicWrite[] = [];
    const values: { key: string; value: CommittedOffset }[] = [];
    input.offsets.forEach((o, i) => {
      if (codes[i] !== 0) return;
      const value: OffsetValue = { offset: o.offset, leaderEpoch: o.leaderEpoch, metadata: o.metadata ?? '', commitTimestamp: now };
      writes.push({ key: { kind: 'offset', group: input.groupId, topic: o.topic, partition: o.partition }, offset: value });
      values.push({ key: offsetKey(o.topic, o.partition), value });
    });
    if (writes.length === 0) return codes;
    const errorCode = await this.log.write(input.groupId, writes);
    if (errorCode !== 0) return codes.map((c) => c || errorCode);
    const g = this.groupFor(input.groupId, true)!;
    for (const v of values) g.offsets.set(v.key, v.value);
    return codes;
  }

  /** Committed offsets of a group: the partitions asked for (offset -1 when none), or all when null. */
  fetchOffsets(groupId: string, partitions: { topic: string; partition: number }[] | null): { topic: string; partition: number; offset: CommittedOffset | null }[] {
    const group = this.groups.get(groupId);
    if (partitions === null) {
      if (!group) return [];
      return [...group.offsets].map(([k, v]) => ({ ...splitOffsetKey(k), offset: v }));
    }
    return partitions.map((p) => ({ ...p, offset: group?.offsets.get(offsetKey(p.topic, p.partition)) ?? null }));
  }

  /** Deletes committed offsets (OffsetDelete); a partition the group is consuming cannot be deleted. */
  async deleteOffsets(groupId: string, partitions: { topic: string; partition: number }[], subscribedTopics: (group: GroupDescription) => Set<string>): Promise<{ errorCode: number; partitions: number[] }> {
    const group = this.groups.get(groupId);
    if (!group || group.is('Dead')) return { errorCode: ErrorCode.GROUP_ID_NOT_FOUND, partitions: [] };
    if (group.protocolType !== null && group.protocolType !== 'consumer' && group.members.size > 0) {
      return { errorCode: ErrorCode.NON_EMPTY_GROUP, partitions: [] };
    }
    const subscribed = group.members.size > 0 ? subscribedTopics(this.describe(group)) : new Set<string>();
    const codes = partitions.map((p) => (subscribed.has(p.topic) ? ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC : 0));
    const writes: OffsetsTopicWrite[] = partitions
      .filter((p, i) => codes[i] === 0 && group.offsets.has(offsetKey(p.topic, p.partition)))
      .map((p) => ({ key: { kind: 'offset' as const, group: groupId, topic: p.topic, partition: p.partition }, offset: null }));
    if (writes.length > 0) {
      const errorCode = await this.log.write(groupId, writes);
      if (errorCode !== 0) return { errorCode, partitions: [] };
      for (const w of writes) if (w.key.kind === 'offset') group.offsets.delete(offsetKey(w.key.topic, w.key.partition));
    }
    return { errorCode: 0, partitions: codes };
  }

  /** Removes the offsets of groups that have been empty for longer than the retention. */
  async expireOffsets(): Promise<number> {
    const now = this.now();
    let expired = 0;
    for (const group of [...this.groups.values()]) {
      if (!group.is('Empty') || group.offsets.size === 0) continue;
      const old = [...group.offsets].filter(([, v]) => Math.max(v.commitTimestamp, group.stateTimestamp) + this.config.offsetsRetentionMs <= now);
      if (old.length === 0) continue;
      const writes: OffsetsTopicWrite[] = old.map(([k]) => ({ key: { kind: 'offset' as const, group: group.groupId, ...splitOffsetKey(k) }, offset: null }));
      const errorCode = await this.log.write(group.groupId, writes);
      if (errorCode !== 0) continue;
      for (const [k] of old) group.offsets.delete(k);
      expired += old.length;
      if (group.offsets.size === 0 && group.is('Empty')) {
        await this.log.write(group.groupId, [{ key: { kind: 'group', group: group.groupId }, group: null }]);
        this.groups.delete(group.groupId);
      }
    }
    if (expired > 0) this.logger.info('expired committed offsets', { count: expired });
    return expired;
  }

  // ---- admin views ---------------------------------------------------------------------------

  listGroups(): GroupSummary[] {
    return [...this.groups.values()]
      .filter((g) => !g.is('Dead'))
      .map((g) => ({ groupId: g.groupId, protocolType: g.protocolType ?? '', state: g.state }));
  }

  describeGroup(groupId: string): GroupDescription {
    const group = this.groups.get(groupId);
    if (!group) return { errorCode: 0, groupId, state: 'Dead', protocolType: '', protocolName: '', members: [] };
    return this.describe(group);
  }

  private describe(group: Group): GroupDescription {
    const stable = group.is('Stable');
    return {
      errorCode: 0,
      groupId: group.groupId,
      state: group.state,
      protocolType: group.protocolType ?? '',
      protocolName: stable ? (group.protocolName ?? '') : '',
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        metadata: stable ? group.metadataOf(m) : Buffer.alloc(0),
        assignment: stable ? m.assignment : Buffer.alloc(0),
      })),
    };
  }

  async deleteGroup(groupId: string): Promise<number> {
    const group = this.groups.get(groupId);
    if (!group || group.is('Dead')) return ErrorCode.GROUP_ID_NOT_FOUND;
    if (group.members.size > 0 || !group.is('Empty')) return ErrorCode.NON_EMPTY_GROUP;
    const writes: OffsetsTopicWrite[] = [...group.offsets.keys()].map((k) => ({ key: { kind: 'offset' as const, group: groupId, ...splitOffsetKey(k) }, offset: null }));
    writes.push({ key: { kind: 'group', group: groupId }, group: null });
    const errorCode = await this.log.write(groupId, writes);
    if (errorCode !== 0) return errorCode;
    group.transitionTo('Dead', this.now());
    this.groups.delete(groupId);
    return 0;
  }

  // ---- persistence ---------------------------------------------------------------------------

  /** Stores the group's metadata (with new assignments when given). */
  private persistGroup(group: Group, assignments?: Map<string, Buffer>): Promise<number> {
    const value: GroupValue = {
      protocolType: group.protocolType ?? '',
      generationId: group.generationId,
      protocolName: group.protocolName,
      leaderId: group.leaderId,
      currentStateTimestamp: group.stateTimestamp,
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        rebalanceTimeoutMs: m.rebalanceTimeoutMs,
        sessionTimeoutMs: m.sessionTimeoutMs,
        subscription: group.metadataOf(m),
        assignment: assignments?.get(m.memberId) ?? m.assignment,
      })),
    };
    return this.log.write(group.groupId, [{ key: { kind: 'group', group: group.groupId }, group: value }]);
  }
}

function sameProtocols(a: readonly MemberProtocol[], b: readonly MemberProtocol[]): boolean {
  return a.length === b.length && a.every((p, i) => p.name === b[i].name && p.metadata.equals(b[i].metadata));
}
