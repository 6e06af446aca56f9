// Fetch: v4-17.
// - Long poll: answers when at least minBytes are ready, when maxWaitMs has passed, when any
//   partition has an error, or when the broker stops; appends wake waiting fetches at once.
// - Whole batches as stored, read from disk; per-partition (partitionMaxBytes) and response
//   (maxBytes) limits, except that the first batch of the first partition with data is
//   always whole (KIP-74), so a consumer can always make progress.
// - Fetch sessions (KIP-227) are not created: the response's session id is 0, so clients send
//   full fetch requests each time.
// - v13+ name topics by id: an unknown id gets UNKNOWN_TOPIC_ID.
// - read_committed: the last stable offset equals the high watermark (no transactions yet).
// - Not implemented: follower fetching (replicaId >= 0 is treated as a consumer), rack-aware
//   preferred read replicas (always -1), diverging epochs.
import { ApiKey } from '../../protocol/generated/api-keys.ts';
import { ErrorCode } from '../../protocol/generated/error-codes.ts';
import { KafkaProtocolError } from '../../protocol/errors.ts';
import type { Init } from '../../protocol/primitives/codec.ts';
import type { FetchRequest, FetchableTopicResponse, PartitionData } from '../../protocol/generated/messages/fetch.ts';
import { defineHandler, type RequestContext } from '../handler.ts';
import type { PartitionKey } from '../replica-manager.ts';

const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

interface Round {
  responses: Init<FetchableTopicResponse>[];
  bytes: number;
  hasError: boolean;
  waitOn: PartitionKey[];
}

function errorPartition(partitionIndex: number, errorCode: number, hw = -1n, logStart = -1n): Init<PartitionData> {
  return { partitionIndex, errorCode, highWatermark: hw, lastStableOffset: hw, logStartOffset: logStart, abortedTransactions: null, preferredReadReplica: -1, records: null };
}

async function readOnce(request: FetchRequest, ctx: RequestContext): Promise<Round> {
  const broker = ctx.broker;
  const byId = ctx.apiVersion >= 13;
  const responseLimit = request.maxBytes > 0 ? request.maxBytes : 0x7fffffff;
  const round: Round = { responses: [], bytes: 0, hasError: false, waitOn: [] };
  for (const ft of request.topics) {
    const meta = byId ? broker.topics.byId(ft.topicId) : broker.topics.get(ft.topic);
    const partitions: Init<PartitionData>[] = [];
    for (const fp of ft.partitions) {
      if (!meta) {
        partitions.push(errorPartition(fp.partition, byId ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
        round.hasError = true;
        continue;
      }
      if (fp.partition < 0 || fp.partition >= meta.partitions) {
        partitions.push(errorPartition(fp.partition, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
        round.hasError = true;
        continue;
      }
      if (fp.currentLeaderEpoch > 0) {
        partitions.push(errorPartition(fp.partition, ErrorCode.UNKNOWN_LEADER_EPOCH));
        round.hasError = true;
        continue;
      }
      const limit = Math.min(fp.partitionMaxBytes, Math.max(0, responseLimit - round.bytes));
      try {
        const data = await broker.replicas.read(meta.name, fp.partition, Number(fp.fetchOffset), limit, round.bytes === 0);
        const hw = BigInt(data.highWatermark);
        partitions.push({
          partitionIndex: fp.partition,
          errorCode: 0,
          highWatermark: hw,
          lastStableOffset: hw,
          logStartOffset: BigInt(data.logStartOffset),
          abortedTransactions: null,
          preferredReadReplica: -1,
          records: data.records,
        });
        round.bytes += data.records.length;
        if (data.records.length === 0) round.waitOn.push({ topic: meta.name, partition: fp.partition });
      } catch (err) {
        if (!(err instanceof KafkaProtocolError)) throw err;
        const log = broker.replicas.openLog(meta.name, fp.partition);
        partitions.push(
          errorPartition(fp.partition, err.errorCode, log ? BigInt(log.logEndOffset) : -1n, log ? BigInt(log.logStartOffset) : -1n),
        );
        round.hasError = true;
      }
    }
    round.responses.push({ topic: meta?.name ?? ft.topic, topicId: meta?.topicId ?? (byId ? ft.topicId : ZERO_UUID), partitions });
  }
  return round;
}

export const fetchHandler = defineHandler({
  apiKey: ApiKey.Fetch,
  minVersion: 4,
  maxVersion: 17,
  async handle(request, ctx) {
    const start = ctx.broker.now();
    const minBytes = Math.max(1, request.minBytes);
    for (;;) {
      const round = await readOnce(request, ctx);
      const waited = ctx.broker.now() - start;
      if (round.bytes >= minBytes || round.hasError || waited >= request.maxWaitMs || round.waitOn.length === 0 || ctx.broker.stopping.aborted) {
        return { throttleTimeMs: 0, errorCode: 0, sessionId: 0, responses: round.responses };
      }
      await ctx.broker.replicas.waitForData(round.waitOn, request.maxWaitMs - waited, ctx.broker.stopping);
    }
  },
});
