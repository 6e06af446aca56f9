// DescribeConfigs: v0-4. TOPIC resources: every topic config with its effective value and
// source (TOPIC_CONFIG when overridden, STATIC_BROKER_CONFIG when the broker file set the
// backing key, else DEFAULT_CONFIG); synonyms when asked (v1+); types and documentation
// (v3+). BROKER resources (this broker's id, or "" for the cluster default): the broker's
// configs, all read-only. BROKER_LOGGER: empty. configurationKeys filters by name.
import { ApiKey } from '../../protocol/generated/api-keys.ts';
import { ErrorCode } from '../../protocol/generated/error-codes.ts';
import type { Init } from '../../protocol/primitives/codec.ts';
import type { DescribeConfigsResult, DescribeConfigsResourceResult } from '../../protocol/generated/messages/describe-configs.ts';
import { describeBrokerConfigs, type ConfigEntry } from '../config.ts';
import { defineHandler } from '../handler.ts';
import { ConfigResourceType, isThisBroker } from './config-resources.ts';

function toResult(e: ConfigEntry, synonyms: boolean, documentation: boolean): Init<DescribeConfigsResourceResult> {
  return {
    name: e.name,
    value: e.sensitive ? null : e.value,
    readOnly: e.readOnly,
    isDefault: e.isDefault,
    configSource: e.source,
    isSensitive: e.sensitive,
    synonyms: synonyms ? e.synonyms.map((s) => ({ name: s.name, value: e.sensitive ? null : s.value, source: s.source })) : [],
    configType: e.type,
    documentation: documentation ? e.documentation : null,
  };
}

export const describeConfigsHandler = defineHandler({
  apiKey: ApiKey.DescribeConfigs,
  minVersion: 0,
  maxVersion: 4,
  handle(request, ctx) {
    const broker = ctx.broker;
    const results: Init<DescribeConfigsResult>[] = [];
    for (const res of request.resources) {
      const base = { resourceType: res.resourceType, resourceName: res.resourceName };
      let entries: ConfigEntry[];
      if (res.resourceType === ConfigResourceType.TOPIC) {
        if (!broker.topics.get(res.resourceName)) {
          results.push({ ...base, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `Topic ${res.resourceName} does not exist.`, configs: [] });
          continue;
        }
        entries = broker.topicManager.effectiveConfig(res.resourceName).entries;
      } else if (res.resourceType === ConfigResourceType.BROKER) {
        if (!isThisBroker(broker, res.resourceName)) {
          results.push({ ...base, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `Broker ${res.resourceName} is not this broker (${broker.nodeId}).`, configs: [] });
          continue;
        }
        entries = describeBrokerConfigs(broker.config);
      } else if (res.resourceType === ConfigResourceType.BROKER_LOGGER) {
        entries = [];
      } else {
        results.push({ ...base, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `Unsupported resource type ${res.resourceType}.`, configs: [] });
        continue;
      }
      const keys = res.configurationKeys;
      const selected = keys === null || keys.length === 0 ? entries : entries.filter((e) => keys.includes(e.name));
      results.push({
        ...base,
        errorCode: 0,
        errorMessage: null,
        configs: selected.map((e) => toResult(e, request.includeSynonyms, request.includeDocumentation)),
      });
    }
    return { throttleTimeMs: 0, results };
  },
});
