// Produce: v3-11 served (record batch magic v2). v0-2 are advertised too, as Kafka 4.0 does
// (KAFKA-18659): librdkafka before 2.12 enables gzip, snappy and lz4 only when Produce v0 is
// listed. A v0-2 request (older message formats) gets UNSUPPORTED_VERSION for every partition.
// - acks 0 (no response), 1 (answered once written), -1 (answered once fsynced; group commit
//   in storage). Other values: INVALID_REQUIRED_ACKS for every partition.
// - Each partition's append is queued before the handler first waits, so appends keep
//   request order per partition across pipelined requests.
// - Batches are validated (sizes, magic, CRC-32C, max.message.bytes) and written as they
//   came, compressed or not; offsets (and LogAppendTime) are assigned in place.
// - Unknown topic or partition: UNKNOWN_TOPIC_OR_PARTITION (Produce never creates topics).
// - acks=-1 with min.insync.replicas > 1: NOT_ENOUGH_REPLICAS (this broker is the only replica).
// - Transactions are not served yet: InitProducerId refuses transactional ids, so no
//   transactional batches arrive from well-behaved clients.
import { ApiKey } from '../../protocol/generated/api-keys.ts';
import { ErrorCode } from '../../protocol/generated/error-codes.ts';
import type { Init } from '../../protocol/primitives/codec.ts';
import type { PartitionProduceResponse, TopicProduceResponse } from '../../protocol/generated/messages/produce.ts';
import { defineHandler } from '../handler.ts';
import type { ProduceResult } from '../replica-manager.ts';

function partitionError(index: number, errorCode: number, errorMessage: string | null = null): Init<PartitionProduceResponse> {
  return { index, errorCode, baseOffset: -1n, logAppendTimeMs: -1n, logStartOffset: -1n, errorMessage };
}

function toResponse(index: number, r: ProduceResult): Init<PartitionProduceResponse> {
  return {
    index,
    errorCode: r.errorCode,
    baseOffset: BigInt(r.baseOffset),
    logAppendTimeMs: BigInt(r.logAppendTime),
    logStartOffset: BigInt(r.logStartOffset),
    errorMessage: r.errorCode === 0 ? null : r.errorMessage,
  };
}

const FIRST_SERVED_VERSION = 3;

export const produceHandler = defineHandler({
  apiKey: ApiKey.Produce,
  minVersion: 0,
  maxVersion: 11,
  async handle(request, ctx) {
    const broker = ctx.broker;
    const acks = request.acks;
    if (ctx.apiVersion < FIRST_SERVED_VERSION) {
      const responses = request.topicData.map((td) => ({
        name: td.name,
        partitionResponses: td.partitionData.map((pd) => partitionError(pd.index, ErrorCode.UNSUPPORTED_VERSION, 'Produce v0-2 (message format v0/v1) is not supported; use v3 or later.')),
      }));
      return acks === 0 ? null : { responses, throttleTimeMs: 0 };
    }
    const validAcks = acks === 0 || acks === 1 || acks === -1;
    const topics: { name: string; parts: (Init<PartitionProduceResponse> | Promise<Init<PartitionProduceResponse>>)[] }[] = [];
    for (const td of request.topicData) {
      const meta = broker.topics.get(td.name);
      const parts: (Init<PartitionProduceResponse> | Promise<Init<PartitionProduceResponse>>)[] = [];
      for (const pd of td.partitionData) {
        if (!validAcks) parts.push(partitionError(pd.index, ErrorCode.INVALID_REQUIRED_ACKS));
        else if (!meta || pd.index < 0 || pd.index >= meta.partitions) parts.push(partitionError(pd.index, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
        else if (pd.records === null || pd.records.length === 0) parts.push(partitionError(pd.index, ErrorCode.CORRUPT_MESSAGE, 'no records'));
        else if (acks === -1 && broker.topicManager.minInsyncReplicas(td.name) > 1) {
          parts.push(partitionError(pd.index, ErrorCode.NOT_ENOUGH_REPLICAS, 'min.insync.replicas is larger than the 1 replica this broker has'));
        } else {
          const index = pd.index;
          parts.push(broker.replicas.append(td.name, index, pd.records, acks).then((r) => toResponse(index, r)));
        }
      }
      topics.push({ name: td.name, parts });
    }
    const responses: Init<TopicProduceResponse>[] = [];
    for (const t of topics) responses.push({ name: t.name, partitionResponses: await Promise.all(t.parts) });
    if (acks === 0) return null;
    return { responses, throttleTimeMs: 0 };
  },
});
