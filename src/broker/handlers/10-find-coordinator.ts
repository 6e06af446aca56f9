// FindCoordinator: v0-6. This broker coordinates every group. v4+ batch several keys
// (coordinatorKeys). Transaction coordinators (key type 1) are not served yet:
// COORDINATOR_NOT_AVAILABLE.
import { ApiKey } from '../../protocol/generated/api-keys.ts';
import { ErrorCode } from '../../protocol/generated/error-codes.ts';
import { defineHandler } from '../handler.ts';

const GROUP = 0;

export const findCoordinatorHandler = defineHandler({
  apiKey: ApiKey.FindCoordinator,
  minVersion: 0,
  maxVersion: 6,
  handle(request, ctx) {
    const b = ctx.broker;
    const answer = (key: string) => {
      if (request.keyType !== GROUP) {
        return { key, nodeId: -1, host: '', port: -1, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, errorMessage: 'Transactions are not supported by this broker yet.' };
      }
      if (key === '' && ctx.apiVersion >= 4) return { key, nodeId: -1, host: '', port: -1, errorCode: ErrorCode.INVALID_GROUP_ID, errorMessage: 'The group id is empty.' };
      return { key, nodeId: b.nodeId, host: b.advertised.host, port: b.advertised.port, errorCode: 0, errorMessage: null };
    };
    if (ctx.apiVersion >= 4) return { throttleTimeMs: 0, coordinators: request.coordinatorKeys.map(answer) };
    const one = answer(request.key);
    return { throttleTimeMs: 0, errorCode: one.errorCode, errorMessage: one.errorMessage, nodeId: one.nodeId, host: one.host, port: one.port };
  },
});
