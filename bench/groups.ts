/**
 * Consumer groups and committed offsets.
 *  - Failover: two members share a 2-partition topic; one dies (its socket closes, no
 *    LeaveGroup). Measured: time from the death until the survivor holds the dead member's
 *    partition and has fetched a record from it. Median over runs. Limit: the session timeout
 *    plus the survivor's heartbeat interval (the earliest a coordinator may notice the death and
 *    the survivor learn of it).
 *  - Commit throughput: OffsetCommit requests (one partition each, fsynced before the answer)
 *    one at a time (latency p50) and 16 in flight (commits/s).
 * Members speak the protocol directly over the wire client, so the figures are the broker's.
 */
import { performance } from 'node:perf_hooks';
import type { BenchContext, BenchModule } from './lib/context.ts';
import { spawnBroker, type BrokerProcess } from './lib/broker.ts';
import { pipelined, sequential } from './lib/load.ts';
import { makeTempDir, removeTempDir, sleep } from './lib/proc.ts';
import { summarize } from './lib/stats.ts';
import { WireClient, type Frame, createTopics, produceFrame, produceResult, fetchFrame, fetchResult } from './lib/wire.ts';
import { ApiKey } from '../src/protocol/generated/api-keys.ts';
import { ErrorCode } from '../src/protocol/generated/error-codes.ts';
import { encodeTestBatch } from '../src/storage/test-batches.ts';

const SESSION_TIMEOUT_MS = 6000; // the broker's group.min.session.timeout.ms
const HEARTBEAT_MS = 200;
const TOPIC = 'failover';

/** A group member over the raw protocol: join (with the member id round), sync, heartbeat. */
class Member {
  readonly client: WireClient;
  readonly name: string;
  memberId = '';
  generation = -1;
  isLeader = false;
  assignment = '';
  private heartbeating = false;

  constructor(client: WireClient, name: string) {
    this.client = client;
    this.name = name;
  }

  /** Joins and syncs; the leader gives `assign(memberIds)` to each member. */
  async joinAndSync(group: string, assign: (members: string[]) => Map<string, string>): Promise<void> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const joined = await this.client.request(ApiKey.JoinGroup, 5, {
        groupId: group,
        sessionTimeoutMs: SESSION_TIMEOUT_MS,
        rebalanceTimeoutMs: 10_000,
        memberId: this.memberId,
        groupInstanceId: null,
        protocolType: 'consumer',
        protocols: [{ name: 'bench', metadata: Buffer.from(this.name) }],
      });
      if (joined.errorCode === ErrorCode.MEMBER_ID_REQUIRED) {
        this.memberId = joined.memberId;
        continue;
      }
      if (joined.errorCode !== 0) throw new Error(`${this.name}: JoinGroup error ${joined.errorCode}`);
      this.memberId = joined.memberId;
      this.generation = joined.generationId;
      this.isLeader = joined.leader === joined.memberId;
      const assignments = this.isLeader ? [...assign(joined.members.map((m) => m.memberId))].map(([memberId, a]) => ({ memberId, assignment: Buffer.from(a) })) : [];
      const synced = await this.client.request(ApiKey.SyncGroup, 3, { groupId: group, generationId: this.generation, memberId: this.memberId, assignments });
      if (synced.errorCode === ErrorCode.REBALANCE_IN_PROGRESS) continue;
      if (synced.errorCode !== 0) throw new Error(`${this.name}: SyncGroup error ${synced.errorCode}`);
      this.assignment = Buffer.from(synced.assignment).toString();
      return;
    }
    throw new Error(`${this.name}: no stable generation after 20 tries`);
  }

  /** Heartbeats until stopped; calls `onRebalance` (awaited) when the group rebalances. */
  heartbeat(group: string, onRebalance: () => Promise<void>): void {
    this.heartbeating = true;
    const loop = async (): Promise<void> => {
      while (this.heartbeating) {
        await sleep(HEARTBEAT_MS);
        if (!this.heartbeating) return;
        const res = await this.client.request(ApiKey.Heartbeat, 3, { groupId: group, generationId: this.generation, memberId: this.memberId, groupInstanceId: null });
        if (res.errorCode === ErrorCode.REBALANCE_IN_PROGRESS) await onRebalance();
        else if (res.errorCode !== 0) throw new Error(`${this.name}: Heartbeat error ${res.errorCode}`);
      }
    };
    loop().catch(() => undefined);
  }

  stop(): void {
    this.heartbeating = false;
  }
}

/** Partitions split over members in order: "0", "1", or "0,1" for a single member. */
function splitPartitions(members: string[]): Map<string, string> {
  const out = new Map<string, string>();
  if (members.length === 1) out.set(members[0], '0,1');
  else members.forEach((m, i) => out.set(m, String(i % 2)));
  return out;
}

async function failoverOnce(broker: BrokerProcess, run: number): Promise<number> {
  const group = `failover-${run}`;
  const admin = await WireClient.connect(broker.host, broker.port);
  const survivor = new Member(await WireClient.connect(broker.host, broker.port), 'survivor');
  const doomed = new Member(await WireClient.connect(broker.host, broker.port), 'doomed');
  try {
    // Both members join; the group settles into one generation with a partition each.
    const first = survivor.joinAndSync(group, splitPartitions);
    await sleep(100);
    const second = doomed.joinAndSync(group, splitPartitions);
    await first;
    survivor.heartbeat(group, () => survivor.joinAndSync(group, splitPartitions));
    await second;
    const settleDeadline = performance.now() + 20_000;
    while ((survivor.generation !== doomed.generation || survivor.assignment.includes(',')) && performance.now() < settleDeadline) await sleep(50);
    const doomedPartition = Number(doomed.assignment);
    const next = fetchResult((await admin.sendFrame(fetchFrame(TOPIC, doomedPartition, 0n, { maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, partitionMaxBytes: 1 << 20 })))!).highWatermark;

    // The doomed member dies: its connection closes with no LeaveGroup.
    const diedAt = performance.now();
    doomed.client.close();
    await admin.sendFrame(produceFrame(TOPIC, doomedPartition, encodeTestBatch([{ key: null, value: Buffer.from('after'), timestamp: Date.now() }]), 1)).then((f) => produceResult(f!));

    // The survivor notices at a heartbeat, rejoins, gets both partitions and reads the new record.
    const deadline = diedAt + SESSION_TIMEOUT_MS * 3;
    while (!survivor.assignment.includes(',') && performance.now() < deadline) await sleep(5);
    if (!survivor.assignment.includes(',')) throw new Error('the survivor never took over the partition');
    const fetched = fetchResult((await admin.sendFrame(fetchFrame(TOPIC, doomedPartition, next, { maxWaitMs: 5000, minBytes: 1, maxBytes: 1 << 20, partitionMaxBytes: 1 << 20 })))!);
    if (fetched.records.length === 0) throw new Error('no record fetched after the takeover');
    return performance.now() - diedAt;
  } finally {
    survivor.stop();
    survivor.client.close();
    doomed.client.close();
    admin.close();
  }
}

export const groupsModule: BenchModule = {
  name: 'groups',
  title: 'Consumer groups: failover time and commit throughput',
  async run(ctx: BenchContext) {
    const dir = makeTempDir('groups');
    const broker = await spawnBroker(dir);
    try {
      const client = await WireClient.connect(broker.host, broker.port);
      await createTopics(client, [TOPIC], 2);
      for (const p of [0, 1]) produceResult((await client.sendFrame(produceFrame(TOPIC, p, encodeTestBatch([{ key: null, value: Buffer.from('before'), timestamp: Date.now() }]), 1)))!);

      const runs = ctx.quick ? 1 : 3;
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const ms = await failoverOnce(broker, i);
        ctx.log(`failover run ${i + 1}: ${ms.toFixed(0)} ms`);
        times.push(ms);
      }
      const failover = summarize(times);
      ctx.metric({
        id: 'groups.failover.p50',
        label: `member death to its partition consumed again, median of ${runs}`,
        value: failover.p50,
        unit: 'ms',
        limit: { value: SESSION_TIMEOUT_MS + HEARTBEAT_MS, unit: 'ms', label: 'session timeout + heartbeat interval' },
        details: { ...failover },
      });

      // Commit throughput: a simple (generation -1) commit of one partition per request.
      const commit = WireClient.encode(ApiKey.OffsetCommit, 8, {
        groupId: 'bench-commits',
        generationIdOrMemberEpoch: -1,
        memberId: '',
        groupInstanceId: null,
        topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: '' }] }],
      });
      const check = (f: Frame): void => {
        const res = WireClient.decode(ApiKey.OffsetCommit, 8, f);
        const code = res.topics[0]?.partitions[0]?.errorCode;
        if (code !== 0) throw new Error(`OffsetCommit error ${code}`);
      };
      const latency = summarize(await sequential(client, commit, ctx.quick ? 200 : 2000, 20, ctx.sizes.loadTimeoutS * 500, check));
      ctx.metric({ id: 'groups.commit.p50', label: 'OffsetCommit latency p50, 1 in flight (fsynced)', value: latency.p50, unit: 'ms', details: { ...latency } });
      const count = ctx.quick ? 2000 : 20_000;
      const piped = await pipelined(client, commit, count, 16, ctx.sizes.loadTimeoutS * 1000, check);
      ctx.metric({
        id: 'groups.commit.rate',
        label: 'OffsetCommit throughput, 16 in flight',
        value: (piped.done / piped.ms) * 1000,
        unit: 'commits/s',
        details: { commits: piped.done, ms: piped.ms },
      });
      client.close();
    } finally {
      await broker.stop();
      removeTempDir(dir);
    }
  },
};
