// OffsetForLeaderEpoch: v0-4. Every partition has had one leader epoch, 0, since it was
// created; the end offset of epoch 0 (or any later epoch asked for) is the log end offset.
// A current leader epoch above 0: UNKNOWN_LEADER_EPOCH.
import { ApiKey } from '../../protocol/generated/api-keys.ts';
import { ErrorCode } from '../../protocol/generated/error-codes.ts';
import { defineHandler } from '../handler.ts';

export const offsetForLeaderEpochHandler = defineHandler({
  apiKey: ApiKey.OffsetForLeaderEpoch,
  minVersion: 0,
  maxVersion: 4,
  async handle(request, ctx) {
    const broker = ctx.broker;
    const topics = [];
    for (const t of request.topics) {
      const meta = broker.topics.get(t.topic);
      const partitions = [];
      for (const p of t.partitions) {
        if (!meta || p.partition < 0 || p.partition >= meta.partitions) {
          partitions.push({ errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, partition: p.partition, leaderEpoch: -1, endOffset: -1n });
        } else if (p.currentLeaderEpoch > 0) {
          partitions.push({ errorCode: ErrorCode.UNKNOWN_LEADER_EPOCH, partition: p.partition, leaderEpoch: -1, endOffset: -1n });
        } else if (p.leaderEpoch < 0) {
          partitions.push({ errorCode: 0, partition: p.partition, leaderEpoch: -1, endOffset: -1n });
        } else {
          const log = await broker.replicas.log(t.topic, p.partition);
          partitions.push({ errorCode: 0, partition: p.partition, leaderEpoch: 0, endOffset: BigInt(log.logEndOffset) });
        }
      }
      topics.push({ topic: t.topic, partitions });
    }
    return { throttleTimeMs: 0, topics };
  },
});
