// Metadata: v0-12. This broker is the only broker, the controller and every partition's
// leader (epoch 0, replicas and ISR = [this broker]).
// - topics null (v1+) or empty (v0) lists every topic; internal topics are marked.
// - Unknown topics are created when auto.create.topics.enable and the request allows it
//   (allowAutoTopicCreation, v4+; always for older versions) and described in the same
//   response, since creation is local (Kafka answers LEADER_NOT_AVAILABLE first).
// - v10+ topic ids; v12 may name topics by id only.
// - Authorized operations are not computed (-2147483648, "not requested").
import { ApiKey } from '../../protocol/generated/api-keys.ts';
import { ErrorCode } from '../../protocol/generated/error-codes.ts';
import type { Init } from '../../protocol/primitives/codec.ts';
import type { MetadataResponseTopic } from '../../protocol/generated/messages/metadata.ts';
import { defineHandler } from '../handler.ts';
import type { BrokerContext } from '../broker-context.ts';
import { isInternalTopic, topicNameProblem } from '../topic-name.ts';

const ZERO_UUID = '00000000-0000-0000-0000-000000000000';
const NOT_REQUESTED = -2147483648;

export function describeTopic(broker: BrokerContext, name: string): Init<MetadataResponseTopic> {
  const t = broker.topics.get(name);
  if (!t) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, name, topicId: ZERO_UUID, partitions: [], topicAuthorizedOperations: NOT_REQUESTED };
  const nodes = [broker.nodeId];
  const partitions = new Array(t.partitions);
  for (let p = 0; p < t.partitions; p++) {
    partitions[p] = { errorCode: 0, partitionIndex: p, leaderId: broker.nodeId, leaderEpoch: 0, replicaNodes: nodes, isrNodes: nodes, offlineReplicas: [] };
  }
  return { errorCode: 0, name, topicId: t.topicId, isInternal: isInternalTopic(name), partitions, topicAuthorizedOperations: NOT_REQUESTED };
}

export const metadataHandler = defineHandler({
  apiKey: ApiKey.Metadata,
  minVersion: 0,
  maxVersion: 12,
  async handle(request, ctx) {
    const broker = ctx.broker;
    const version = ctx.apiVersion;
    const listAll = request.topics === null || (version === 0 && request.topics.length === 0);
    const allowCreate = broker.config.autoCreateTopicsEnable && (version < 4 || request.allowAutoTopicCreation);
    const topics: Init<MetadataResponseTopic>[] = [];
    if (listAll) {
      for (const t of broker.topics.list()) topics.push(describeTopic(broker, t.name));
    } else {
      for (const rt of request.topics ?? []) {
        let name = rt.name;
        if (name === null || name === '') {
          const byId = broker.topics.byId(rt.topicId);
          if (!byId) {
            topics.push({ errorCode: ErrorCode.UNKNOWN_TOPIC_ID, name: null, topicId: rt.topicId, partitions: [], topicAuthorizedOperations: NOT_REQUESTED });
            continue;
          }
          name = byId.name;
        }
        const problem = topicNameProblem(name);
        if (problem) {
          topics.push({ errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, name, partitions: [], topicAuthorizedOperations: NOT_REQUESTED });
          continue;
        }
        if (!broker.topics.get(name) && allowCreate && !isInternalTopic(name)) {
          const outcome = await broker.topicManager.autoCreate(name);
          if (outcome.errorCode !== 0 && outcome.errorCode !== ErrorCode.TOPIC_ALREADY_EXISTS) {
            topics.push({ errorCode: outcome.errorCode, name, partitions: [], topicAuthorizedOperations: NOT_REQUESTED });
            continue;
          }
        }
        topics.push(describeTopic(broker, name));
      }
    }
    return {
      throttleTimeMs: 0,
      brokers: [{ nodeId: broker.nodeId, host: broker.advertised.host, port: broker.advertised.port, rack: null }],
      clusterId: broker.clusterId,
      controllerId: broker.nodeId,
      topics,
      clusterAuthorizedOperations: NOT_REQUESTED,
    };
  },
});
