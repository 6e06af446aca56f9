// OffsetDelete: v0. Deletes committed offsets of a group, except for topics its active
// members subscribe to (GROUP_SUBSCRIBED_TO_TOPIC, read from the consumer protocol's
// subscription metadata). Unknown group: GROUP_ID_NOT_FOUND.
import { ApiKey } from '../../protocol/generated/api-keys.ts';
import { defineHandler } from '../handler.ts';
import { Reader } from '../../protocol/primitives/reader.ts';
import { decodeConsumerProtocolSubscription } from '../../protocol/generated/data/consumer-protocol-subscription.ts';
import type { GroupDescription } from '../coordinator/group-coordinator.ts';

function subscribedTopics(group: GroupDescription): Set<string> {
  const topics = new Set<string>();
  if (group.protocolType !== 'consumer') return topics;
  for (const m of group.members) {
    if (m.metadata.length < 2) continue;
    try {
      const r = new Reader(m.metadata);
      const version = r.int16();
      for (const t of decodeConsumerProtocolSubscription(r, Math.min(version, 3)).topics) topics.add(t);
    } catch {
      // Metadata that does not parse subscribes to nothing we can tell.
    }
  }
  return topics;
}

export const offsetDeleteHandler = defineHandler({
  apiKey: ApiKey.OffsetDelete,
  minVersion: 0,
  maxVersion: 0,
  async handle(request, ctx) {
    const partitions = request.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex })));
    const result = await ctx.broker.groups.deleteOffsets(request.groupId, partitions, subscribedTopics);
    if (result.errorCode !== 0) return { errorCode: result.errorCode, throttleTimeMs: 0, topics: [] };
    let i = 0;
    return {
      errorCode: 0,
      throttleTimeMs: 0,
      topics: request.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: result.partitions[i++] })) })),
    };
  },
});
