// InitProducerId: v0-5, for idempotent producers. Without a transactional id every request gets
// a fresh producer id with epoch 0, whatever id and epoch it carries, as Kafka does (the
// KIP-360 epoch bump applies to transactional producers only). Transactional ids are refused
// with UNSUPPORTED_VERSION until a transaction coordinator exists.
import { ApiKey } from '../../protocol/generated/api-keys.ts';
import { ErrorCode } from '../../protocol/generated/error-codes.ts';
import { defineHandler } from '../handler.ts';

export const initProducerIdHandler = defineHandler({
  apiKey: ApiKey.InitProducerId,
  minVersion: 0,
  maxVersion: 5,
  async handle(request, ctx) {
    if (request.transactionalId !== null) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.UNSUPPORTED_VERSION, producerId: -1n, producerEpoch: -1 };
    }
    const id = await ctx.broker.producerIds.nextId();
    return { throttleTimeMs: 0, errorCode: 0, producerId: BigInt(id), producerEpoch: 0 };
  },
});
