/**
 * Consumer groups through real clients: kafkajs consumers sharing partitions, rebalances on
 * leave and on death (a member that stops heartbeating), committed offsets that survive
 * consumer and broker restarts, static membership, and the admin views.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Consumer, EachMessagePayload, Kafka } from 'kafkajs';
import { startBroker, uniqueName, type TestBroker } from '../helpers/broker.ts';
import { kafkajsClient } from '../helpers/kafkajs.ts';
import { RawConnection } from '../helpers/raw-connection.ts';
import { ApiKey } from '../../src/protocol/generated/api-keys.ts';
import { ErrorCode } from '../../src/protocol/generated/error-codes.ts';
import { Writer } from '../../src/protocol/primitives/writer.ts';
import { encodeConsumerProtocolSubscription } from '../../src/protocol/generated/data/consumer-protocol-subscription.ts';

let tb: TestBroker;

beforeAll(async () => {
  tb = await startBroker();
});

afterAll(async () => {
  await tb?.close();
});

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function createTopic(kafka: Kafka, topic: string, numPartitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions }] });
  await admin.disconnect();
}

async function produce(kafka: Kafka, topic: string, count: number, from = 0): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: Array.from({ length: count }, (_, i) => ({ key: `k${from + i}`, value: `v${from + i}` })) });
  await producer.disconnect();
}

interface RunningConsumer {
  consumer: Consumer;
  received: string[];
  assigned: () => number[];
}

async function startConsumer(kafka: Kafka, groupId: string, topic: string, options: { sessionTimeout?: number } = {}): Promise<RunningConsumer> {
  const consumer = kafka.consumer({ groupId, sessionTimeout: options.sessionTimeout ?? 6000, heartbeatInterval: 200, rebalanceTimeout: 10_000, maxWaitTimeInMs: 100 });
  let assignment: number[] = [];
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    assignment = [...(e.payload.memberAssignment[topic] ?? [])].sort((a, b) => a - b);
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const received: string[] = [];
  await consumer.run({
    eachMessage: async ({ message }: EachMessagePayload) => {
      received.push(message.value!.toString());
    },
  });
  return { consumer, received, assigned: () => assignment };
}

describe('consumer groups with kafkajs', () => {
  it('splits partitions between members and moves them when one leaves', async () => {
    const kafka = kafkajsClient(tb.bootstrap);
    const topic = uniqueName('split');
    const groupId = uniqueName('g');
    await createTopic(kafka, topic, 4);
    const a = await startConsumer(kafka, groupId, topic);
    await until(() => a.assigned().length === 4, 15_000, 'the first member to own every partition');
    const b = await startConsumer(kafka, groupId, topic);
    await until(() => a.assigned().length + b.assigned().length === 4 && b.assigned().length > 0 && a.assigned().length > 0, 20_000, 'two members to share the partitions');
    expect([...a.assigned(), ...b.assigned()].sort()).toEqual([0, 1, 2, 3]);

    await produce(kafka, topic, 100);
    await until(() => a.received.length + b.received.length >= 100, 20_000, 'all records consumed');
    expect(new Set([...a.received, ...b.received]).size).toBe(100);

    await b.consumer.disconnect(); // LeaveGroup
    await until(() => a.assigned().length === 4, 20_000, 'the remaining member to take every partition');
    await produce(kafka, topic, 20, 100);
    await until(() => a.received.length + b.received.length >= 120, 20_000, 'records after the rebalance');
    await a.consumer.disconnect();
  });

  it('resumes from committed offsets after a consumer restart and a broker restart', async () => {
    let kafka = kafkajsClient(tb.bootstrap);
    const topic = uniqueName('resume');
    const groupId = uniqueName('g');
    await createTopic(kafka, topic, 2);
    await produce(kafka, topic, 40);
    const first = await startConsumer(kafka, groupId, topic);
    await until(() => first.received.length >= 40, 20_000, 'first 40 records');
    await first.consumer.disconnect(); // commits on the way out

    const admin = kafka.admin();
    await admin.connect();
    const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
    await admin.disconnect();
    expect(committed[0].partitions.map((p) => Number(p.offset)).reduce((x, y) => x + y, 0)).toBe(40);

    tb = await tb.restart();
    kafka = kafkajsClient(tb.bootstrap);
    const admin2 = kafka.admin();
    await admin2.connect();
    const after = await admin2.fetchOffsets({ groupId, topics: [topic] });
    await admin2.disconnect();
    expect(after).toEqual(committed);

    await produce(kafka, topic, 10, 40);
    const second = await startConsumer(kafka, groupId, topic);
    await until(() => second.received.length >= 10, 20_000, 'records after the commit');
    await new Promise((r) => setTimeout(r, 300));
    expect(second.received.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `v${40 + i}`).sort());
    await second.consumer.disconnect();
  });

  it('describes, lists and deletes groups', async () => {
    const kafka = kafkajsClient(tb.bootstrap);
    const topic = uniqueName('admin');
    const groupId = uniqueName('g');
    await createTopic(kafka, topic, 1);
    const c = await startConsumer(kafka, groupId, topic);
    await until(() => c.assigned().length === 1, 15_000, 'assignment');
    const admin = kafka.admin();
    await admin.connect();
    const described = await admin.describeGroups([groupId]);
    expect(described.groups[0]).toMatchObject({ groupId, state: 'Stable', protocolType: 'consumer', protocol: 'RoundRobinAssigner' });
    expect(described.groups[0].members).toHaveLength(1);
    const listed = await admin.listGroups();
    expect(listed.groups).toContainEqual({ groupId, protocolType: 'consumer' });
    await expect(admin.deleteGroups([groupId])).rejects.toThrow(); // NON_EMPTY_GROUP
    await c.consumer.disconnect();
    await until(async () => (await admin.describeGroups([groupId])).groups[0].state === 'Empty', 10_000, 'empty group');
    const deleted = await admin.deleteGroups([groupId]);
    expect(deleted[0].errorCode).toBe(0);
    expect((await admin.describeGroups([groupId])).groups[0].state).toBe('Dead');
    await admin.disconnect();
  });
});

/** A member speaking the protocol directly, so a test can make it die without LeaveGroup. */
async function rawJoin(conn: RawConnection, groupId: string, topic: string, memberId: string, groupInstanceId: string | null, sessionTimeoutMs = 6000) {
  const w = new Writer();
  w.int16(1);
  encodeConsumerProtocolSubscription(w, 1, { topics: [topic] });
  const metadata = w.toBuffer();
  return conn.request(ApiKey.JoinGroup, 5, {
    groupId,
    sessionTimeoutMs,
    rebalanceTimeoutMs: 10_000,
    memberId,
    groupInstanceId,
    protocolType: 'consumer',
    protocols: [{ name: 'RoundRobinAssigner', metadata }],
  });
}

describe('members that die and static members', () => {
  it('moves a dead member\'s partitions within the session timeout', async () => {
    const kafka = kafkajsClient(tb.bootstrap);
    const topic = uniqueName('death');
    const groupId = uniqueName('g');
    await createTopic(kafka, topic, 2);
    const live = await startConsumer(kafka, groupId, topic);
    await until(() => live.assigned().length === 2, 15_000, 'first member owns both partitions');

    const raw = await RawConnection.open(tb.host, tb.port);
    const first = await rawJoin(raw, groupId, topic, '', null);
    expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    const joined = await rawJoin(raw, groupId, topic, first.memberId, null);
    expect(joined.errorCode).toBe(0);
    const synced = await raw.request(ApiKey.SyncGroup, 3, { groupId, generationId: joined.generationId, memberId: joined.memberId, assignments: [] });
    expect(synced.errorCode).toBe(0);
    await until(() => live.assigned().length === 1, 15_000, 'the partitions to be shared');
    const diedAt = Date.now();
    raw.close(); // no LeaveGroup, no more heartbeats
    await until(() => live.assigned().length === 2, 20_000, 'the dead member\'s partition to move');
    const moveMs = Date.now() - diedAt;
    expect(moveMs).toBeGreaterThanOrEqual(5000); // not before the 6 s session timeout (minus sweep granularity)
    await produce(kafka, topic, 10);
    await until(() => live.received.length >= 10, 10_000, 'consumption after the move');
    await live.consumer.disconnect();
  });

  it('lets a static member rejoin without a rebalance and fences its old id', async () => {
    const groupId = uniqueName('static');
    const topic = uniqueName('st');
    const conn = await RawConnection.open(tb.host, tb.port);
    await conn.request(ApiKey.CreateTopics, 5, { topics: [{ name: topic, numPartitions: 1, replicationFactor: 1 }], timeoutMs: 1000 });
    const j1 = await rawJoin(conn, groupId, topic, '', 'instance-1');
    expect(j1.errorCode).toBe(0);
    const assignment = Buffer.from('assignment-bytes');
    const s1 = await conn.request(ApiKey.SyncGroup, 3, { groupId, generationId: j1.generationId, memberId: j1.memberId, groupInstanceId: 'instance-1', assignments: [{ memberId: j1.memberId, assignment }] });
    expect(s1.errorCode).toBe(0);
    expect(Buffer.from(s1.assignment).equals(assignment)).toBe(true);

    // The same instance restarts: a new member id, the same generation, no rebalance.
    const j2 = await rawJoin(conn, groupId, topic, '', 'instance-1');
    expect(j2.errorCode).toBe(0);
    expect(j2.generationId).toBe(j1.generationId);
    expect(j2.memberId).not.toBe(j1.memberId);
    const s2 = await conn.request(ApiKey.SyncGroup, 3, { groupId, generationId: j2.generationId, memberId: j2.memberId, groupInstanceId: 'instance-1', assignments: [] });
    expect(Buffer.from(s2.assignment).equals(assignment)).toBe(true);

    const hbOld = await conn.request(ApiKey.Heartbeat, 3, { groupId, generationId: j1.generationId, memberId: j1.memberId, groupInstanceId: 'instance-1' });
    expect(hbOld.errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID);
    const hbNew = await conn.request(ApiKey.Heartbeat, 3, { groupId, generationId: j2.generationId, memberId: j2.memberId, groupInstanceId: 'instance-1' });
    expect(hbNew.errorCode).toBe(0);
    const hbBadGen = await conn.request(ApiKey.Heartbeat, 3, { groupId, generationId: j2.generationId + 5, memberId: j2.memberId, groupInstanceId: 'instance-1' });
    expect(hbBadGen.errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
    const leave = await conn.request(ApiKey.LeaveGroup, 4, { groupId, members: [{ memberId: '', groupInstanceId: 'instance-1' }] });
    expect(leave.members[0].errorCode).toBe(0);
    conn.close();
  });

  it('checks generations on commit and allows simple commits for empty groups', async () => {
    const groupId = uniqueName('commit');
    const topic = uniqueName('ct');
    const conn = await RawConnection.open(tb.host, tb.port);
    await conn.request(ApiKey.CreateTopics, 5, { topics: [{ name: topic, numPartitions: 2, replicationFactor: 1 }], timeoutMs: 1000 });
    const simple = await conn.request(ApiKey.OffsetCommit, 8, {
      groupId,
      generationIdOrMemberEpoch: -1,
      memberId: '',
      topics: [{ name: topic, partitions: [{ partitionIndex: 0, committedOffset: 5n, committedMetadata: 'm' }, { partitionIndex: 9, committedOffset: 1n }] }],
    });
    expect(simple.topics[0].partitions.map((p) => p.errorCode)).toEqual([0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]);
    const fetched = await conn.request(ApiKey.OffsetFetch, 8, { groups: [{ groupId, topics: [{ name: topic, partitionIndexes: [0, 1] }] }] });
    expect(fetched.groups[0].topics[0].partitions.map((p) => [p.partitionIndex, p.committedOffset, p.metadata])).toEqual([
      [0, 5n, 'm'],
      [1, -1n, ''],
    ]);
    const j = await rawJoin(conn, groupId, topic, '', 'solo');
    const inRebalance = await conn.request(ApiKey.OffsetCommit, 8, { groupId, generationIdOrMemberEpoch: j.generationId, memberId: j.memberId, groupInstanceId: 'solo', topics: [{ name: topic, partitions: [{ partitionIndex: 0, committedOffset: 6n }] }] });
    expect(inRebalance.topics[0].partitions[0].errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    await conn.request(ApiKey.SyncGroup, 3, { groupId, generationId: j.generationId, memberId: j.memberId, groupInstanceId: 'solo', assignments: [] });
    const bad = await conn.request(ApiKey.OffsetCommit, 8, { groupId, generationIdOrMemberEpoch: j.generationId + 1, memberId: j.memberId, groupInstanceId: 'solo', topics: [{ name: topic, partitions: [{ partitionIndex: 0, committedOffset: 6n }] }] });
    expect(bad.topics[0].partitions[0].errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
    const tooBig = await conn.request(ApiKey.OffsetCommit, 8, { groupId, generationIdOrMemberEpoch: j.generationId, memberId: j.memberId, groupInstanceId: 'solo', topics: [{ name: topic, partitions: [{ partitionIndex: 0, committedOffset: 6n, committedMetadata: 'x'.repeat(5000) }] }] });
    expect(tooBig.topics[0].partitions[0].errorCode).toBe(ErrorCode.OFFSET_METADATA_TOO_LARGE);
    const noMember = await conn.request(ApiKey.OffsetCommit, 8, { groupId, generationIdOrMemberEpoch: -1, memberId: '', topics: [{ name: topic, partitions: [{ partitionIndex: 0, committedOffset: 6n }] }] });
    expect(noMember.topics[0].partitions[0].errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    const del = await conn.request(ApiKey.DeleteGroups, 2, { groupsNames: [groupId, uniqueName('nope')] });
    expect(del.results.map((r) => r.errorCode)).toEqual([ErrorCode.NON_EMPTY_GROUP, ErrorCode.GROUP_ID_NOT_FOUND]);
    conn.close();
  });
});
