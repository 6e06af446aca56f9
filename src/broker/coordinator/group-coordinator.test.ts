/**
 * GroupCoordinator flows against an in-memory log and a controllable clock: the protocol
 * rules that need no broker (member ids, generations, rebalance completion, fencing, offset
 * retention and deletion, and reloading state from what was written).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { GroupCoordinator, type GroupCoordinatorConfig, type JoinGroupInput } from './group-coordinator.ts';
import type { CoordinatorLog, OffsetsTopicEntry, OffsetsTopicWrite } from './coordinator-log.ts';
import { ErrorCode } from '../../protocol/generated/error-codes.ts';
import { silentLogger } from '../../util/logger.ts';

class MemoryLog implements CoordinatorLog {
  readonly entries: OffsetsTopicEntry[] = [];
  failWith = 0;
  async write(_groupId: string, writes: readonly OffsetsTopicWrite[]): Promise<number> {
    if (this.failWith) return this.failWith;
    for (const w of writes) this.entries.push(w as OffsetsTopicEntry);
    return 0;
  }
  async *load(): AsyncIterable<OffsetsTopicEntry> {
    for (const e of [...this.entries]) yield e;
  }
}

const config: GroupCoordinatorConfig = {
  groupMinSessionTimeoutMs: 1000,
  groupMaxSessionTimeoutMs: 60_000,
  groupInitialRebalanceDelayMs: 0,
  offsetsRetentionMs: 60_000,
  offsetsRetentionCheckIntervalMs: 0,
  offsetMetadataMaxBytes: 10,
};

const coordinators: GroupCoordinator[] = [];
afterEach(() => {
  for (const c of coordinators.splice(0)) c.stop();
});

async function make(log = new MemoryLog(), now = () => Date.now()): Promise<{ c: GroupCoordinator; log: MemoryLog }> {
  const c = new GroupCoordinator(config, log, silentLogger, now);
  coordinators.push(c);
  await c.start();
  return { c, log };
}

function join(overrides: Partial<JoinGroupInput> = {}): JoinGroupInput {
  return {
    groupId: 'g',
    memberId: '',
    groupInstanceId: null,
    clientId: 'client',
    clientHost: '/127.0.0.1',
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 5_000,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: Buffer.from('m') }],
    requireKnownMemberId: true,
    ...overrides,
  };
}

describe('GroupCoordinator', () => {
  it.each([
    ['an empty group id', join({ groupId: '' }), ErrorCode.INVALID_GROUP_ID],
    ['a session timeout below the minimum', join({ sessionTimeoutMs: 10 }), ErrorCode.INVALID_SESSION_TIMEOUT],
    ['a session timeout above the maximum', join({ sessionTimeoutMs: 600_000 }), ErrorCode.INVALID_SESSION_TIMEOUT],
    ['an unknown member id in a new group', join({ memberId: 'ghost' }), ErrorCode.UNKNOWN_MEMBER_ID],
    ['no protocols', join({ protocols: [] }), ErrorCode.INCONSISTENT_GROUP_PROTOCOL],
    ['a new dynamic member (v4+)', join(), ErrorCode.MEMBER_ID_REQUIRED],
  ])('refuses %s', async (_name, input, code) => {
    const { c } = await make();
    expect((await c.joinGroup(input)).errorCode).toBe(code);
  });

  it('forms a generation with one member, then syncs and stores the assignment', async () => {
    const { c, log } = await make();
    const first = await c.joinGroup(join());
    const joined = await c.joinGroup(join({ memberId: first.memberId }));
    expect(joined).toMatchObject({ errorCode: 0, generationId: 1, protocolName: 'range', leaderId: first.memberId });
    expect(joined.members).toHaveLength(1);
    const synced = await c.syncGroup({ groupId: 'g', generationId: 1, memberId: first.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [{ memberId: first.memberId, assignment: Buffer.from('a') }] });
    expect(synced.errorCode).toBe(0);
    expect(synced.assignment.toString()).toBe('a');
    expect(c.describeGroup('g').state).toBe('Stable');
    expect(log.entries.some((e) => 'group' in e && e.group?.generationId === 1)).toBe(true);
  });

  it('refuses a member of another protocol type and a sync of a wrong generation', async () => {
    const { c } = await make();
    const first = await c.joinGroup(join({ requireKnownMemberId: false }));
    expect(first.errorCode).toBe(0);
    expect((await c.joinGroup(join({ protocolType: 'connect', requireKnownMemberId: false }))).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    const bad = await c.syncGroup({ groupId: 'g', generationId: 7, memberId: first.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] });
    expect(bad.errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(c.heartbeat('g', 'nobody', null, 1)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('waits for every member to rejoin, then completes with both', async () => {
    const { c } = await make();
    const a = await c.joinGroup(join({ requireKnownMemberId: false }));
    await c.syncGroup({ groupId: 'g', generationId: a.generationId, memberId: a.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] });
    const bJoin = c.joinGroup(join({ requireKnownMemberId: false, clientId: 'b' }));
    expect(c.describeGroup('g').state).toBe('PreparingRebalance');
    expect(c.heartbeat('g', a.memberId, null, a.generationId)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const aAgain = await c.joinGroup(join({ memberId: a.memberId, requireKnownMemberId: false }));
    const b = await bJoin;
    expect(aAgain.generationId).toBe(2);
    expect(b.generationId).toBe(2);
    expect(aAgain.members.length + b.members.length).toBe(2); // only the leader gets the member list
  });

  it('removes a member that does not rejoin within the rebalance timeout', async () => {
    const { c } = await make();
    const a = await c.joinGroup(join({ requireKnownMemberId: false, rebalanceTimeoutMs: 300 }));
    await c.syncGroup({ groupId: 'g', generationId: a.generationId, memberId: a.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] });
    const started = Date.now();
    const b = await c.joinGroup(join({ requireKnownMemberId: false, rebalanceTimeoutMs: 300, clientId: 'b' }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(b).toMatchObject({ errorCode: 0, generationId: 2, leaderId: b.memberId });
    expect(c.describeGroup('g').members.map((m) => m.memberId)).toEqual([b.memberId]);
  });

  it('checks commits and refuses oversized metadata', async () => {
    const { c } = await make();
    const exists = () => true;
    const codes = await c.commitOffsets(
      { groupId: 'g', generationId: -1, memberId: '', groupInstanceId: null, offsets: [{ topic: 't', partition: 0, offset: 5, leaderEpoch: -1, metadata: 'ok' }, { topic: 't', partition: 1, offset: 5, leaderEpoch: -1, metadata: 'x'.repeat(11) }] },
      exists,
    );
    expect(codes).toEqual([0, ErrorCode.OFFSET_METADATA_TOO_LARGE]);
    expect(c.fetchOffsets('g', [{ topic: 't', partition: 0 }, { topic: 't', partition: 1 }]).map((o) => o.offset?.offset ?? -1)).toEqual([5, -1]);
  });

  it('answers a commit the log could not store with the log\'s error and keeps the old offset', async () => {
    const { c, log } = await make();
    await c.commitOffsets({ groupId: 'g', generationId: -1, memberId: '', groupInstanceId: null, offsets: [{ topic: 't', partition: 0, offset: 1, leaderEpoch: -1, metadata: null }] }, () => true);
    log.failWith = ErrorCode.KAFKA_STORAGE_ERROR;
    const codes = await c.commitOffsets({ groupId: 'g', generationId: -1, memberId: '', groupInstanceId: null, offsets: [{ topic: 't', partition: 0, offset: 9, leaderEpoch: -1, metadata: null }] }, () => true);
    expect(codes).toEqual([ErrorCode.KAFKA_STORAGE_ERROR]);
    expect(c.fetchOffsets('g', [{ topic: 't', partition: 0 }])[0].offset?.offset).toBe(1);
  });

  it('expires the offsets of a group that stayed empty past the retention', async () => {
    let now = 1_000_000;
    const { c } = await make(new MemoryLog(), () => now);
    await c.commitOffsets({ groupId: 'g', generationId: -1, memberId: '', groupInstanceId: null, offsets: [{ topic: 't', partition: 0, offset: 3, leaderEpoch: -1, metadata: null }] }, () => true);
    now += 30_000;
    expect(await c.expireOffsets()).toBe(0);
    now += 31_000;
    expect(await c.expireOffsets()).toBe(1);
    expect(c.fetchOffsets('g', null)).toEqual([]);
    expect(c.listGroups().map((g) => g.groupId)).not.toContain('g');
  });

  it('rebuilds groups and offsets from the log', async () => {
    const { c, log } = await make();
    const first = await c.joinGroup(join({ groupInstanceId: 'static-1' }));
    await c.syncGroup({ groupId: 'g', generationId: first.generationId, memberId: first.memberId, groupInstanceId: 'static-1', protocolType: null, protocolName: null, assignments: [{ memberId: first.memberId, assignment: Buffer.from('x') }] });
    await c.commitOffsets({ groupId: 'g', generationId: first.generationId, memberId: first.memberId, groupInstanceId: 'static-1', offsets: [{ topic: 't', partition: 2, offset: 42, leaderEpoch: 0, metadata: 'meta' }] }, () => true);
    await c.commitOffsets({ groupId: 'other', generationId: -1, memberId: '', groupInstanceId: null, offsets: [{ topic: 't', partition: 0, offset: 1, leaderEpoch: -1, metadata: null }] }, () => true);
    expect(await c.deleteGroup('other')).toBe(0);
    c.stop();

    const { c: reloaded } = await make(log);
    const described = reloaded.describeGroup('g');
    expect(described).toMatchObject({ state: 'Stable', protocolName: 'range' });
    expect(described.members[0]).toMatchObject({ memberId: first.memberId, groupInstanceId: 'static-1' });
    expect(described.members[0].assignment.toString()).toBe('x');
    expect(reloaded.fetchOffsets('g', null)).toEqual([{ topic: 't', partition: 2, offset: { offset: 42, leaderEpoch: 0, metadata: 'meta', commitTimestamp: expect.any(Number) } }]);
    expect(reloaded.describeGroup('other').state).toBe('Dead');
    // The reloaded static member keeps its generation: a heartbeat with it is accepted.
    expect(reloaded.heartbeat('g', first.memberId, 'static-1', first.generationId)).toBe(0);
  });
});
