// DescribeGroups: v0-5. An unknown group is described as Dead with no error, as Kafka does.
// Members' metadata and assignments are filled in only when the group is Stable.
import { ApiKey } from '../../protocol/generated/api-keys.ts';
import { defineHandler } from '../handler.ts';

export const describeGroupsHandler = defineHandler({
  apiKey: ApiKey.DescribeGroups,
  minVersion: 0,
  maxVersion: 5,
  handle(request, ctx) {
    return {
      throttleTimeMs: 0,
      groups: request.groups.map((groupId) => {
        const d = ctx.broker.groups.describeGroup(groupId);
        return {
          errorCode: d.errorCode,
          groupId,
          groupState: d.state,
          protocolType: d.protocolType,
          protocolData: d.protocolName,
          members: d.members.map((m) => ({
            memberId: m.memberId,
            groupInstanceId: m.groupInstanceId,
            clientId: m.clientId,
            clientHost: m.clientHost,
            memberMetadata: m.metadata,
            memberAssignment: m.assignment,
          })),
          authorizedOperations: -2147483648,
        };
      }),
    };
  },
});
