// CreatePartitions: v0-3. Grows a topic's partition count (never shrinks: INVALID_PARTITIONS).
// Assignments, when given, must place every new partition on this broker alone.
// validateOnly checks without changing anything. A topic named twice: INVALID_REQUEST.
import { ApiKey } from '../../protocol/generated/api-keys.ts';
import { ErrorCode } from '../../protocol/generated/error-codes.ts';
import { defineHandler } from '../handler.ts';

export const createPartitionsHandler = defineHandler({
  apiKey: ApiKey.CreatePartitions,
  minVersion: 0,
  maxVersion: 3,
  async handle(request, ctx) {
    const tm = ctx.broker.topicManager;
    const counts = new Map<string, number>();
    for (const t of request.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
    const results = [];
    for (const t of request.topics) {
      if ((counts.get(t.name) ?? 0) > 1) {
        results.push({ name: t.name, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `Topic ${t.name} appears more than once in the request.` });
        continue;
      }
      if (t.assignments && t.assignments.some((a) => a.brokerIds.length !== 1 || a.brokerIds[0] !== ctx.broker.nodeId)) {
        results.push({ name: t.name, errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT, errorMessage: `New partitions must be placed on broker ${ctx.broker.nodeId} only.` });
        continue;
      }
      const outcome = request.validateOnly ? tm.checkCreatePartitions(t.name, t.count) : await tm.createPartitions(t.name, t.count);
      results.push({ name: t.name, errorCode: outcome.errorCode, errorMessage: outcome.errorMessage });
    }
    return { throttleTimeMs: 0, results };
  },
});
