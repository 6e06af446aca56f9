// ListOffsets: v1-9. Timestamps: -2 earliest (log start offset), -1 latest (high watermark),
// -3 max timestamp (v7+), -4 earliest local (v8+, same as earliest: no tiered storage),
// -5 latest tiered (v9+, answered -1: no tiered storage); otherwise the first offset whose
// timestamp is at least the one asked for, through the time index (-1/-1 when none).
// read_committed returns the same as read_uncommitted (no transactions yet).
import { ApiKey } from '../../protocol/generated/api-keys.ts';
import { ErrorCode } from '../../protocol/generated/error-codes.ts';
import { KafkaProtocolError } from '../../protocol/errors.ts';
import type { Init } from '../../protocol/primitives/codec.ts';
import type { ListOffsetsPartitionResponse } from '../../protocol/generated/messages/list-offsets.ts';
import { defineHandler } from '../handler.ts';

const LATEST = -1n;
const EARLIEST = -2n;
const MAX_TIMESTAMP = -3n;
const EARLIEST_LOCAL = -4n;
const LATEST_TIERED = -5n;

export const listOffsetsHandler = defineHandler({
  apiKey: ApiKey.ListOffsets,
  minVersion: 1,
  maxVersion: 9,
  async handle(request, ctx) {
    const broker = ctx.broker;
    const topics = [];
    for (const t of request.topics) {
      const meta = broker.topics.get(t.name);
      const partitions: Init<ListOffsetsPartitionResponse>[] = [];
      for (const p of t.partitions) {
        const answer = (offset: bigint, timestamp: bigint, errorCode = 0): void => {
          partitions.push({ partitionIndex: p.partitionIndex, errorCode, timestamp, offset, leaderEpoch: offset >= 0n ? 0 : -1 });
        };
        if (!meta || p.partitionIndex < 0 || p.partitionIndex >= meta.partitions) {
          answer(-1n, -1n, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
          continue;
        }
        if (p.currentLeaderEpoch > 0) {
          answer(-1n, -1n, ErrorCode.UNKNOWN_LEADER_EPOCH);
          continue;
        }
        try {
          const log = await broker.replicas.log(meta.name, p.partitionIndex);
          if (p.timestamp === LATEST) answer(BigInt(log.logEndOffset), -1n);
          else if (p.timestamp === EARLIEST || p.timestamp === EARLIEST_LOCAL) answer(BigInt(log.logStartOffset), -1n);
          else if (p.timestamp === LATEST_TIERED) answer(-1n, -1n);
          else if (p.timestamp === MAX_TIMESTAMP) {
            const found = await log.maxTimestamp();
            if (found) answer(BigInt(found.offset), BigInt(found.timestamp));
            else answer(-1n, -1n);
          } else if (p.timestamp < 0n) {
            answer(-1n, -1n, ErrorCode.INVALID_REQUEST);
          } else {
            const found = await log.offsetForTimestamp(Number(p.timestamp));
            if (found) answer(BigInt(found.offset), BigInt(found.timestamp));
            else answer(-1n, -1n);
          }
        } catch (err) {
          if (!(err instanceof KafkaProtocolError)) throw err;
          answer(-1n, -1n, err.errorCode);
        }
      }
      topics.push({ name: t.name, partitions });
    }
    return { throttleTimeMs: 0, topics };
  },
});
