// CreateTopics: v0-7. Per-topic errors: INVALID_TOPIC_EXCEPTION, TOPIC_ALREADY_EXISTS,
// INVALID_PARTITIONS, INVALID_REPLICATION_FACTOR (anything but 1 or -1), INVALID_CONFIG,
// INVALID_REPLICA_ASSIGNMENT (assignments must name only this broker), INVALID_REQUEST for a
// topic named twice in one request. validateOnly checks without creating. v5+ returns the
// partition count, replication factor and effective configs; v7 the topic id.
import { ApiKey } from '../../protocol/generated/api-keys.ts';
import { ErrorCode } from '../../protocol/generated/error-codes.ts';
import type { Init } from '../../protocol/primitives/codec.ts';
import type { CreatableTopicResult } from '../../protocol/generated/messages/create-topics.ts';
import { defineHandler } from '../handler.ts';

export const createTopicsHandler = defineHandler({
  apiKey: ApiKey.CreateTopics,
  minVersion: 0,
  maxVersion: 7,
  async handle(request, ctx) {
    const broker = ctx.broker;
    const seen = new Map<string, number>();
    for (const t of request.topics) seen.set(t.name, (seen.get(t.name) ?? 0) + 1);
    const topics: Init<CreatableTopicResult>[] = [];
    for (const t of request.topics) {
      const result = (errorCode: number, errorMessage: string | null): void => {
        topics.push({ name: t.name, errorCode, errorMessage, numPartitions: -1, replicationFactor: -1, configs: null, topicConfigErrorCode: 0 });
      };
      if ((seen.get(t.name) ?? 0) > 1) {
        result(ErrorCode.INVALID_REQUEST, `Create topics request from client has multiple entries for topic ${t.name}.`);
        continue;
      }
      let partitions = t.numPartitions;
      let replicationFactor = t.replicationFactor;
      if (t.assignments.length > 0) {
        if (partitions !== -1 || replicationFactor !== -1) {
          result(ErrorCode.INVALID_REQUEST, 'Both numPartitions or replicationFactor and replicasAssignments were set.');
          continue;
        }
        const bad = t.assignments.find((a) => a.brokerIds.length !== 1 || a.brokerIds[0] !== broker.nodeId);
        const indexes = t.assignments.map((a) => a.partitionIndex).sort((a, b) => a - b);
        if (bad || indexes.some((p, i) => p !== i)) {
          result(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Replica assignments must place partitions 0..n-1 on broker ${broker.nodeId} only.`);
          continue;
        }
        partitions = t.assignments.length;
        replicationFactor = 1;
      }
      const configs: Record<string, string> = {};
      for (const c of t.configs) if (c.value !== null) configs[c.name] = c.value;
      const outcome = request.validateOnly
        ? broker.topicManager.checkCreate(t.name, partitions, replicationFactor, configs)
        : await broker.topicManager.create(t.name, partitions, replicationFactor, configs);
      if (outcome.errorCode !== 0) {
        result(outcome.errorCode, outcome.errorMessage);
        continue;
      }
      const created = broker.topics.get(t.name);
      const effective = request.validateOnly ? null : broker.topicManager.effectiveConfig(t.name);
      topics.push({
        name: t.name,
        topicId: created?.topicId,
        errorCode: 0,
        errorMessage: null,
        numPartitions: created?.partitions ?? (partitions === -1 ? broker.config.numPartitions : partitions),
        replicationFactor: 1,
        configs: effective
          ? effective.entries.map((e) => ({ name: e.name, value: e.sensitive ? null : e.value, readOnly: e.readOnly, configSource: e.source, isSensitive: e.sensitive }))
          : [],
        topicConfigErrorCode: 0,
      });
    }
    return { throttleTimeMs: 0, topics };
  },
});
