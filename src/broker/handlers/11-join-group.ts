// JoinGroup: v0-9 (classic protocol). v4+ members without an id first get MEMBER_ID_REQUIRED
// with the id to use; v5+ static membership (group.instance.id); v7+ protocol type and name
// in the response; v9 tells a rejoining static leader to skip assignment. v0 has no
// rebalance timeout: the session timeout is used.
import { ApiKey } from '../../protocol/generated/api-keys.ts';
import { defineHandler } from '../handler.ts';
import { clientHost } from './client-host.ts';

export const joinGroupHandler = defineHandler({
  apiKey: ApiKey.JoinGroup,
  minVersion: 0,
  maxVersion: 9,
  async handle(request, ctx) {
    const outcome = await ctx.broker.groups.joinGroup({
      groupId: request.groupId,
      memberId: request.memberId,
      groupInstanceId: ctx.apiVersion >= 5 ? request.groupInstanceId : null,
      clientId: ctx.header.clientId ?? '',
      clientHost: clientHost(ctx.peer),
      sessionTimeoutMs: request.sessionTimeoutMs,
      rebalanceTimeoutMs: ctx.apiVersion >= 1 ? request.rebalanceTimeoutMs : request.sessionTimeoutMs,
      protocolType: request.protocolType,
      protocols: request.protocols.map((p) => ({ name: p.name, metadata: Buffer.from(p.metadata) })),
      requireKnownMemberId: ctx.apiVersion >= 4,
    });
    return {
      throttleTimeMs: 0,
      errorCode: outcome.errorCode,
      generationId: outcome.generationId,
      protocolType: outcome.protocolType,
      protocolName: ctx.apiVersion >= 7 ? outcome.protocolName : (outcome.protocolName ?? ''),
      leader: outcome.leaderId,
      skipAssignment: outcome.skipAssignment,
      memberId: outcome.memberId,
      members: outcome.members,
    };
  },
});
