// Heartbeat: v0-4. Keeps a member alive; REBALANCE_IN_PROGRESS tells it to rejoin.
import { ApiKey } from '../../protocol/generated/api-keys.ts';
import { defineHandler } from '../handler.ts';

export const heartbeatHandler = defineHandler({
  apiKey: ApiKey.Heartbeat,
  minVersion: 0,
  maxVersion: 4,
  handle(request, ctx) {
    const errorCode = ctx.broker.groups.heartbeat(request.groupId, request.memberId, ctx.apiVersion >= 3 ? request.groupInstanceId : null, request.generationId);
    return { throttleTimeMs: 0, errorCode };
  },
});
