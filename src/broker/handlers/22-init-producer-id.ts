// InitProducerId: v0-5, for idempotent producers. A new producer gets a fresh id with epoch 0;
// v3+ callers that pass their current id and epoch (KIP-360) get the epoch bumped (a fresh
// id when the epoch would overflow). Transactional ids are refused with UNSUPPORTED_VERSION
// until a transaction coordinator exists.
import { ApiKey } from '../../protocol/generated/api-keys.ts';
import { ErrorCode } from '../../protocol/generated/error-codes.ts';
import { defineHandler } from '../handler.ts';

const MAX_EPOCH = 32767;

export const initProducerIdHandler = defineHandler({
  apiKey: ApiKey.InitProducerId,
  minVersion: 0,
  maxVersion: 5,
  async handle(request, ctx) {
    if (request.transactionalId !== null) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.UNSUPPORTED_VERSION, producerId: -1n, producerEpoch: -1 };
    }
    if (request.producerId >= 0n && request.producerEpoch >= 0 && request.producerEpoch < MAX_EPOCH - 1) {
      return { throttleTimeMs: 0, errorCode: 0, producerId: request.producerId, producerEpoch: request.producerEpoch + 1 };
    }
    const id = await ctx.broker.producerIds.nextId();
    return { throttleTimeMs: 0, errorCode: 0, producerId: BigInt(id), producerEpoch: 0 };
  },
});
