/**
 * Committed offsets and group metadata survive a SIGKILL of the broker: every commit that was
 * answered is there after the restart, for simple commits (admin tools) and for a consumer
 * group's member, whose static membership is also remembered.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { rm } from 'node:fs/promises';
import { spawnBrokerChild, type BrokerChild } from '../helpers/broker-child.ts';
import { makeTempDir, uniqueName } from '../helpers/broker.ts';
import { kafkajsClient } from '../helpers/kafkajs.ts';
import { RawConnection } from '../helpers/raw-connection.ts';
import { ApiKey } from '../../src/protocol/generated/api-keys.ts';

const dirs: string[] = [];
const children: BrokerChild[] = [];

afterAll(async () => {
  for (const c of children) await c.kill().catch(() => undefined);
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function start(dataDir: string): Promise<BrokerChild> {
  const child = await spawnBrokerChild({ dataDir });
  children.push(child);
  return child;
}

describe('commits across a broker crash', () => {
  it('keeps every acknowledged commit after SIGKILL, several times over', async () => {
    const dataDir = await makeTempDir('kstream-group-crash-');
    dirs.push(dataDir);
    let broker = await start(dataDir);
    const topic = uniqueName('gc');
    const groupId = uniqueName('g');
    const admin0 = kafkajsClient(broker.bootstrap).admin();
    await admin0.connect();
    await admin0.createTopics({ topics: [{ topic, numPartitions: 3 }] });
    await admin0.disconnect();

    const acknowledged: Record<number, number> = {};
    for (let round = 1; round <= 4; round++) {
      const conn = await RawConnection.open('127.0.0.1', broker.port);
      // A burst of commits; remember the last acknowledged offset per partition.
      for (let i = 0; i < 25; i++) {
        const offsets = [0, 1, 2].map((p) => ({ partitionIndex: p, committedOffset: BigInt(round * 1000 + i * 3 + p) }));
        const res = await conn.request(ApiKey.OffsetCommit, 8, { groupId, generationIdOrMemberEpoch: -1, memberId: '', topics: [{ name: topic, partitions: offsets }] });
        for (const p of res.topics[0].partitions) {
          expect(p.errorCode).toBe(0);
          acknowledged[p.partitionIndex] = round * 1000 + i * 3 + p.partitionIndex;
        }
      }
      conn.close();
      await broker.kill();
      broker = await start(dataDir);

      const admin = kafkajsClient(broker.bootstrap).admin();
      await admin.connect();
      const fetched = await admin.fetchOffsets({ groupId, topics: [topic] });
      await admin.disconnect();
      const got = Object.fromEntries(fetched[0].partitions.map((p) => [p.partition, Number(p.offset)]));
      expect(got).toEqual(acknowledged);
    }
    await broker.stop();
  });

  it('remembers a stable group\'s static member and assignment after SIGKILL', async () => {
    const dataDir = await makeTempDir('kstream-group-crash-');
    dirs.push(dataDir);
    let broker = await start(dataDir);
    const groupId = uniqueName('static');
    const conn = await RawConnection.open('127.0.0.1', broker.port);
    const join = () =>
      conn.request(ApiKey.JoinGroup, 5, {
        groupId,
        sessionTimeoutMs: 30_000,
        rebalanceTimeoutMs: 10_000,
        memberId: '',
        groupInstanceId: 'instance-a',
        protocolType: 'consumer',
        protocols: [{ name: 'range', metadata: Buffer.from([0, 1, 0, 0, 0, 0, 0, 0, 0, 0]) }],
      });
    const joined = await join();
    expect(joined.errorCode).toBe(0);
    const sync = await conn.request(ApiKey.SyncGroup, 3, { groupId, generationId: joined.generationId, memberId: joined.memberId, groupInstanceId: 'instance-a', assignments: [{ memberId: joined.memberId, assignment: Buffer.from('mine') }] });
    expect(sync.errorCode).toBe(0);
    conn.close();
    await broker.kill();
    broker = await start(dataDir);

    const again = await RawConnection.open('127.0.0.1', broker.port);
    const described = await again.request(ApiKey.DescribeGroups, 5, { groups: [groupId] });
    expect(described.groups[0]).toMatchObject({ groupState: 'Stable', protocolData: 'range' });
    expect(described.groups[0].members[0]).toMatchObject({ memberId: joined.memberId, groupInstanceId: 'instance-a' });
    expect(Buffer.from(described.groups[0].members[0].memberAssignment).toString()).toBe('mine');
    again.close();
    await broker.stop();
  });
});
