// ListGroups: v0-5. v4+ filter by state (case-insensitive), v5+ by type ("classic" is the
// only type here; "consumer" groups of KIP-848 do not exist on this broker).
import { ApiKey } from '../../protocol/generated/api-keys.ts';
import { defineHandler } from '../handler.ts';

export const listGroupsHandler = defineHandler({
  apiKey: ApiKey.ListGroups,
  minVersion: 0,
  maxVersion: 5,
  handle(request, ctx) {
    const states = new Set(request.statesFilter.map((s) => s.toLowerCase()));
    const types = new Set(request.typesFilter.map((s) => s.toLowerCase()));
    const groups = ctx.broker.groups
      .listGroups()
      .filter((g) => states.size === 0 || states.has(g.state.toLowerCase()))
      .filter(() => types.size === 0 || types.has('classic'))
      .map((g) => ({ groupId: g.groupId, protocolType: g.protocolType, groupState: g.state, groupType: 'classic' }));
    return { throttleTimeMs: 0, errorCode: 0, groups };
  },
});
