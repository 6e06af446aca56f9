/**
 * Pure rules of a classic consumer group: its states, which transitions are legal, and which
 * protocol (assignor) a set of members agrees on. No timers, no I/O.
 *
 *   Empty ──join──▶ PreparingRebalance ──all joined / timeout──▶ CompletingRebalance
 *     ▲                 ▲      │                                    │ leader's SyncGroup
 *     │                 │      └── no members left ──▶ Empty        ▼
 *     └── last member leaves ── PreparingRebalance ◀── join/leave/expiry ── Stable
 *   Dead: the group was deleted (or its metadata removed); nothing returns from Dead.
 */
export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

export const GROUP_STATES: readonly GroupState[] = ['Empty', 'PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead'];

const validPrevious: Record<GroupState, readonly GroupState[]> = {
  Empty: ['PreparingRebalance'],
  PreparingRebalance: ['Stable', 'CompletingRebalance', 'Empty'],
  CompletingRebalance: ['PreparingRebalance'],
  Stable: ['CompletingRebalance'],
  Dead: ['Stable', 'PreparingRebalance', 'CompletingRebalance', 'Empty', 'Dead'],
};

export function canTransition(from: GroupState, to: GroupState): boolean {
  return validPrevious[to].includes(from);
}

export interface ProtocolCandidate {
  name: string;
}

/**
 * The protocol every member supports, chosen by vote: each member votes for the first protocol
 * in its own preference order that all members support; most votes wins, ties going to the
 * protocol that comes first in the first member's order. Undefined when members share none.
 */
export function selectProtocol(memberProtocols: readonly (readonly ProtocolCandidate[])[]): string | undefined {
  if (memberProtocols.length === 0) return undefined;
  let common = new Set(memberProtocols[0].map((p) => p.name));
  for (const protocols of memberProtocols.slice(1)) {
    const names = new Set(protocols.map((p) => p.name));
    common = new Set([...common].filter((n) => names.has(n)));
  }
  if (common.size === 0) return undefined;
  const votes = new Map<string, number>();
  for (const protocols of memberProtocols) {
    const vote = protocols.find((p) => common.has(p.name))!.name;
    votes.set(vote, (votes.get(vote) ?? 0) + 1);
  }
  let best: string | undefined;
  let bestVotes = -1;
  for (const p of memberProtocols[0]) {
    const v = votes.get(p.name) ?? -1;
    if (v > bestVotes) {
      best = p.name;
      bestVotes = v;
    }
  }
  return best;
}

/**
 * Whether a joining member's protocols fit the group: same protocol type, and at least one
 * protocol every current member also supports. An empty group accepts any non-empty set.
 */
export function protocolsFit(
  groupProtocolType: string | null,
  memberCount: number,
  currentMembersProtocols: readonly (readonly ProtocolCandidate[])[],
  protocolType: string,
  protocols: readonly ProtocolCandidate[],
): boolean {
  if (protocolType === '' || protocols.length === 0) return false;
  if (memberCount === 0) return true;
  if (groupProtocolType !== protocolType) return false;
  return selectProtocol([...currentMembersProtocols, protocols]) !== undefined;
}
