// OffsetFetch: v0-9. v0-7 ask for one group, v8+ for several. Topics null (v2+) returns
// every committed offset of the group. Partitions with no commit get offset -1. requireStable
// (v7+) is satisfied trivially: there are no pending transactional commits.
import { ApiKey } from '../../protocol/generated/api-keys.ts';
import { defineHandler } from '../handler.ts';
import type { GroupCoordinator } from '../coordinator/group-coordinator.ts';

function lookup(groups: GroupCoordinator, groupId: string, topics: { name: string; partitionIndexes: number[] }[] | null) {
  const wanted = topics === null ? null : topics.flatMap((t) => t.partitionIndexes.map((partition) => ({ topic: t.name, partition })));
  const found = groups.fetchOffsets(groupId, wanted);
  const byTopic = new Map<string, { partitionIndex: number; committedOffset: bigint; committedLeaderEpoch: number; metadata: string | null; errorCode: number }[]>();
  for (const f of found) {
    let list = byTopic.get(f.topic);
    if (!list) byTopic.set(f.topic, (list = []));
    list.push({
      partitionIndex: f.partition,
      committedOffset: f.offset ? BigInt(f.offset.offset) : -1n,
      committedLeaderEpoch: f.offset ? f.offset.leaderEpoch : -1,
      metadata: f.offset ? f.offset.metadata : '',
      errorCode: 0,
    });
  }
  return [...byTopic].map(([name, partitions]) => ({ name, partitions }));
}

export const offsetFetchHandler = defineHandler({
  apiKey: ApiKey.OffsetFetch,
  minVersion: 0,
  maxVersion: 9,
  handle(request, ctx) {
    const groups = ctx.broker.groups;
    if (ctx.apiVersion >= 8) {
      return {
        throttleTimeMs: 0,
        groups: request.groups.map((g) => ({ groupId: g.groupId, topics: lookup(groups, g.groupId, g.topics), errorCode: 0 })),
      };
    }
    return { throttleTimeMs: 0, topics: lookup(groups, request.groupId, request.topics), errorCode: 0 };
  },
});
