// DeleteGroups: v0-2. Only groups without members can be deleted (NON_EMPTY_GROUP);
// unknown groups get GROUP_ID_NOT_FOUND. The group's offsets and metadata are removed from
// __consumer_offsets (tombstones).
import { ApiKey } from '../../protocol/generated/api-keys.ts';
import { defineHandler } from '../handler.ts';

export const deleteGroupsHandler = defineHandler({
  apiKey: ApiKey.DeleteGroups,
  minVersion: 0,
  maxVersion: 2,
  async handle(request, ctx) {
    const results = [];
    for (const groupId of request.groupsNames) results.push({ groupId, errorCode: await ctx.broker.groups.deleteGroup(groupId) });
    return { throttleTimeMs: 0, results };
  },
});
