/**
 * One consumer group's state in memory: members, generation, chosen protocol, leader and
 * committed offsets. Mutated only by the GroupCoordinator; the pending join and sync
 * callbacks live on the members while a rebalance is under way.
 */
import type { GroupState, ProtocolCandidate } from './group-state.ts';
import { canTransition } from './group-state.ts';

export interface JoinOutcome {
  errorCode: number;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  leaderId: string;
  memberId: string;
  members: { memberId: string; groupInstanceId: string | null; metadata: Buffer }[];
  skipAssignment: boolean;
}

export interface SyncOutcome {
  errorCode: number;
  protocolType: string | null;
  protocolName: string | null;
  assignment: Buffer;
}

export interface MemberProtocol extends ProtocolCandidate {
  name: string;
  metadata: Buffer;
}

export interface Member {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  protocolType: string;
  protocols: MemberProtocol[];
  assignment: Buffer;
  awaitingJoin: ((outcome: JoinOutcome) => void) | null;
  awaitingSync: ((outcome: SyncOutcome) => void) | null;
  /** Joined in the rebalance under way (not yet part of a completed generation). */
  isNew: boolean;
  heartbeatDeadline: number;
}

export interface CommittedOffset {
  offset: number;
  leaderEpoch: number;
  metadata: string;
  commitTimestamp: number;
}

export function offsetKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

export function splitOffsetKey(key: string): { topic: string; partition: number } {
  const i = key.lastIndexOf('\u0000');
  return { topic: key.slice(0, i), partition: Number(key.slice(i + 1)) };
}

export class Group {
  readonly groupId: string;
  state: GroupState = 'Empty';
  stateTimestamp: number;
  protocolType: string | null = null;
  protocolName: string | null = null;
  generationId = 0;
  leaderId: string | null = null;
  readonly members = new Map<string, Member>();
  /** Member ids handed out with MEMBER_ID_REQUIRED, waiting for their second JoinGroup. */
  readonly pendingMembers = new Map<string, number>();
  /** group.instance.id → member id of static members. */
  readonly staticMembers = new Map<string, string>();
  readonly offsets = new Map<string, CommittedOffset>();
  /** Timer that ends the join phase (rebalance timeout or initial delay). */
  joinTimer: NodeJS.Timeout | null = null;
  /** Until when new joins extend the initial delay of a group that was empty. */
  initialDelayUntil = 0;
  syncTimer: NodeJS.Timeout | null = null;

  constructor(groupId: string, now: number) {
    this.groupId = groupId;
    this.stateTimestamp = now;
  }

  transitionTo(state: GroupState, now: number): void {
    if (!canTransition(this.state, state)) throw new Error(`group ${this.groupId}: illegal transition ${this.state} → ${state}`);
    this.state = state;
    this.stateTimestamp = now;
  }

  is(state: GroupState): boolean {
    return this.state === state;
  }

  get allMembersJoined(): boolean {
    if (this.pendingMembers.size > 0) return false;
    for (const m of this.members.values()) if (!m.awaitingJoin) return false;
    return true;
  }

  /** The longest rebalance timeout of the members: how long a join phase may last. */
  get rebalanceTimeoutMs(): number {
    let t = 0;
    for (const m of this.members.values()) t = Math.max(t, m.rebalanceTimeoutMs);
    return t;
  }

  /** The metadata a member sent for the protocol the group chose. */
  metadataOf(member: Member): Buffer {
    return member.protocols.find((p) => p.name === this.protocolName)?.metadata ?? Buffer.alloc(0);
  }

  otherMembersProtocols(exceptMemberId: string): MemberProtocol[][] {
    const out: MemberProtocol[][] = [];
    for (const m of this.members.values()) if (m.memberId !== exceptMemberId) out.push(m.protocols);
    return out;
  }
}
