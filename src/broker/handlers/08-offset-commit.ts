// OffsetCommit: v0-9. Commits from a group member are checked against its generation
// (ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID, REBALANCE_IN_PROGRESS while the
// group completes a rebalance); generation -1 with no member id commits for an empty group
// (admin tools, consumers using assign()). Offsets are fsynced in __consumer_offsets before
// the answer. Unknown partitions: UNKNOWN_TOPIC_OR_PARTITION; metadata over 4096 bytes:
// OFFSET_METADATA_TOO_LARGE. The v2-4 retention time is ignored (offsets.retention.minutes).
import { ApiKey } from '../../protocol/generated/api-keys.ts';
import { defineHandler } from '../handler.ts';

export const offsetCommitHandler = defineHandler({
  apiKey: ApiKey.OffsetCommit,
  minVersion: 0,
  maxVersion: 9,
  async handle(request, ctx) {
    const b = ctx.broker;
    const offsets = request.topics.flatMap((t) =>
      t.partitions.map((p) => ({
        topic: t.name,
        partition: p.partitionIndex,
        offset: Number(p.committedOffset),
        leaderEpoch: ctx.apiVersion >= 6 ? p.committedLeaderEpoch : -1,
        metadata: p.committedMetadata,
      })),
    );
    const codes = await b.groups.commitOffsets(
      {
        groupId: request.groupId,
        generationId: ctx.apiVersion >= 1 ? request.generationIdOrMemberEpoch : -1,
        memberId: ctx.apiVersion >= 1 ? request.memberId : '',
        groupInstanceId: ctx.apiVersion >= 7 ? request.groupInstanceId : null,
        offsets,
      },
      (topic, partition) => {
        const t = b.topics.get(topic);
        return t !== undefined && partition >= 0 && partition < t.partitions;
      },
    );
    let i = 0;
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: codes[i++] })) })),
    };
  },
});
