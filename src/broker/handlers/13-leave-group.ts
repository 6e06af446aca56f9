// LeaveGroup: v0-5. v0-2 name one member; v3+ a batch of members (by member id and/or
// group.instance.id), each with its own error code.
import { ApiKey } from '../../protocol/generated/api-keys.ts';
import { defineHandler } from '../handler.ts';

export const leaveGroupHandler = defineHandler({
  apiKey: ApiKey.LeaveGroup,
  minVersion: 0,
  maxVersion: 5,
  handle(request, ctx) {
    const batch = ctx.apiVersion >= 3;
    const leaving = batch
      ? request.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId }))
      : [{ memberId: request.memberId, groupInstanceId: null }];
    const result = ctx.broker.groups.leaveGroup(request.groupId, leaving);
    if (!batch) return { throttleTimeMs: 0, errorCode: result.members[0]?.errorCode ?? result.errorCode };
    return { throttleTimeMs: 0, errorCode: result.errorCode, members: result.members };
  },
});
