// IncrementalAlterConfigs: v0-1. TOPIC resources: SET (0), DELETE (1: back to the default),
// APPEND (2) and SUBTRACT (3) for list configs such as cleanup.policy, applied to the current
// overrides and validated as a whole; a name given twice is INVALID_REQUEST. validateOnly
// checks only. BROKER configs are read-only while the broker runs.
import { ApiKey } from '../../protocol/generated/api-keys.ts';
import { ErrorCode } from '../../protocol/generated/error-codes.ts';
import { defineHandler } from '../handler.ts';
import { ConfigResourceType } from './config-resources.ts';
import { BROKER_READ_ONLY } from './33-alter-configs.ts';
import { topicConfigDef } from '../config.ts';

const SET = 0;
const DELETE = 1;
const APPEND = 2;
const SUBTRACT = 3;

function splitList(value: string | undefined): string[] {
  return (value ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
}

export const incrementalAlterConfigsHandler = defineHandler({
  apiKey: ApiKey.IncrementalAlterConfigs,
  minVersion: 0,
  maxVersion: 1,
  async handle(request, ctx) {
    const broker = ctx.broker;
    const responses: { resourceType: number; resourceName: string; errorCode: number; errorMessage: string | null }[] = [];
    for (const res of request.resources) {
      const base = { resourceType: res.resourceType, resourceName: res.resourceName };
      const reply = (errorCode: number, errorMessage: string | null): void => {
        responses.push({ ...base, errorCode, errorMessage });
      };
      if (res.resourceType !== ConfigResourceType.TOPIC) {
        reply(ErrorCode.INVALID_REQUEST, BROKER_READ_ONLY);
        continue;
      }
      const topic = broker.topics.get(res.resourceName);
      if (!topic) {
        reply(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic ${res.resourceName} does not exist.`);
        continue;
      }
      const names = res.configs.map((c) => c.name);
      if (new Set(names).size !== names.length) {
        reply(ErrorCode.INVALID_REQUEST, 'A config name appears more than once.');
        continue;
      }
      const next: Record<string, string> = { ...topic.configs };
      const effective = broker.topicManager.effectiveConfig(res.resourceName).values;
      let problem: string | null = null;
      for (const c of res.configs) {
        const def = topicConfigDef(c.name);
        if (c.configOperation === SET) {
          if (c.value === null) problem = `${c.name}: a value is required to SET`;
          else next[c.name] = c.value;
        } else if (c.configOperation === DELETE) {
          delete next[c.name];
        } else if (c.configOperation === APPEND || c.configOperation === SUBTRACT) {
          if (!def || def.type !== 'list') {
            problem = `${c.name}: APPEND and SUBTRACT apply only to list configs`;
            continue;
          }
          const current = splitList(next[c.name] ?? effective[c.name]);
          const change = splitList(c.value ?? '');
          const result = c.configOperation === APPEND ? [...current, ...change.filter((v) => !current.includes(v))] : current.filter((v) => !change.includes(v));
          next[c.name] = result.join(',');
        } else {
          problem = `${c.name}: unknown operation ${c.configOperation}`;
        }
      }
      if (problem) {
        reply(ErrorCode.INVALID_CONFIG, problem);
        continue;
      }
      const outcome = await broker.topicManager.setConfigs(res.resourceName, next, request.validateOnly);
      reply(outcome.errorCode, outcome.errorMessage);
    }
    return { throttleTimeMs: 0, responses };
  },
});
