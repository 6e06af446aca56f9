// SyncGroup: v0-5. The leader sends every member's assignment; the coordinator stores it in
// __consumer_offsets, then answers every member with its own. v5 checks protocol type and
// name (INCONSISTENT_GROUP_PROTOCOL).
import { ApiKey } from '../../protocol/generated/api-keys.ts';
import { defineHandler } from '../handler.ts';

export const syncGroupHandler = defineHandler({
  apiKey: ApiKey.SyncGroup,
  minVersion: 0,
  maxVersion: 5,
  async handle(request, ctx) {
    const outcome = await ctx.broker.groups.syncGroup({
      groupId: request.groupId,
      generationId: request.generationId,
      memberId: request.memberId,
      groupInstanceId: ctx.apiVersion >= 3 ? request.groupInstanceId : null,
      protocolType: ctx.apiVersion >= 5 ? request.protocolType : null,
      protocolName: ctx.apiVersion >= 5 ? request.protocolName : null,
      assignments: request.assignments.map((a) => ({ memberId: a.memberId, assignment: Buffer.from(a.assignment) })),
    });
    return { throttleTimeMs: 0, errorCode: outcome.errorCode, protocolType: outcome.protocolType, protocolName: outcome.protocolName, assignment: outcome.assignment };
  },
});
