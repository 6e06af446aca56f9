// AlterConfigs: v0-2. For a TOPIC, the given configs replace all of its overrides (Kafka's
// non-incremental semantics), after validation (INVALID_CONFIG); validateOnly checks only.
// BROKER configs are read-only while the broker runs: INVALID_REQUEST with a hint to use the
// config file.
import { ApiKey } from '../../protocol/generated/api-keys.ts';
import { ErrorCode } from '../../protocol/generated/error-codes.ts';
import { defineHandler } from '../handler.ts';
import { ConfigResourceType } from './config-resources.ts';

export const BROKER_READ_ONLY = 'Broker configs cannot be changed while kstream runs; set them in the broker config file (--config) and restart.';

export const alterConfigsHandler = defineHandler({
  apiKey: ApiKey.AlterConfigs,
  minVersion: 0,
  maxVersion: 2,
  async handle(request, ctx) {
    const responses = [];
    for (const res of request.resources) {
      const base = { resourceType: res.resourceType, resourceName: res.resourceName };
      if (res.resourceType !== ConfigResourceType.TOPIC) {
        responses.push({ ...base, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: BROKER_READ_ONLY });
        continue;
      }
      const configs: Record<string, string> = {};
      for (const c of res.configs) if (c.value !== null) configs[c.name] = c.value;
      const outcome = await ctx.broker.topicManager.setConfigs(res.resourceName, configs, request.validateOnly);
      responses.push({ ...base, errorCode: outcome.errorCode, errorMessage: outcome.errorMessage });
    }
    return { throttleTimeMs: 0, responses };
  },
});
