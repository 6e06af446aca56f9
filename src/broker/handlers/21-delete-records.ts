// DeleteRecords: v0-2. Moves a partition's log start offset up to the given offset (-1: the
// high watermark) and deletes whole segments below it; the new start survives restarts.
// An offset beyond the high watermark: OFFSET_OUT_OF_RANGE.
import { ApiKey } from '../../protocol/generated/api-keys.ts';
import { ErrorCode } from '../../protocol/generated/error-codes.ts';
import { KafkaProtocolError } from '../../protocol/errors.ts';
import { defineHandler } from '../handler.ts';

export const deleteRecordsHandler = defineHandler({
  apiKey: ApiKey.DeleteRecords,
  minVersion: 0,
  maxVersion: 2,
  async handle(request, ctx) {
    const broker = ctx.broker;
    const topics = [];
    for (const t of request.topics) {
      const meta = broker.topics.get(t.name);
      const partitions = [];
      for (const p of t.partitions) {
        if (!meta || p.partitionIndex < 0 || p.partitionIndex >= meta.partitions) {
          partitions.push({ partitionIndex: p.partitionIndex, lowWatermark: -1n, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION });
          continue;
        }
        try {
          const log = await broker.replicas.log(t.name, p.partitionIndex);
          const target = p.offset === -1n ? log.logEndOffset : Number(p.offset);
          if (p.offset < -1n || target > log.logEndOffset) {
            partitions.push({ partitionIndex: p.partitionIndex, lowWatermark: BigInt(log.logStartOffset), errorCode: ErrorCode.OFFSET_OUT_OF_RANGE });
            continue;
          }
          const low = await log.deleteRecordsBefore(target);
          partitions.push({ partitionIndex: p.partitionIndex, lowWatermark: BigInt(low), errorCode: 0 });
        } catch (err) {
          if (!(err instanceof KafkaProtocolError)) throw err;
          partitions.push({ partitionIndex: p.partitionIndex, lowWatermark: -1n, errorCode: err.errorCode });
        }
      }
      topics.push({ name: t.name, partitions });
    }
    return { throttleTimeMs: 0, topics };
  },
});
