// DeleteTopics: v0-6. v6 names topics by name or by id. The topic's logs are removed at once.
// Errors per topic: UNKNOWN_TOPIC_OR_PARTITION / UNKNOWN_TOPIC_ID, TOPIC_DELETION_DISABLED,
// INVALID_TOPIC_EXCEPTION for internal topics.
import { ApiKey } from '../../protocol/generated/api-keys.ts';
import { ErrorCode } from '../../protocol/generated/error-codes.ts';
import type { Init } from '../../protocol/primitives/codec.ts';
import type { DeletableTopicResult } from '../../protocol/generated/messages/delete-topics.ts';
import { defineHandler } from '../handler.ts';

const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

export const deleteTopicsHandler = defineHandler({
  apiKey: ApiKey.DeleteTopics,
  minVersion: 0,
  maxVersion: 6,
  async handle(request, ctx) {
    const broker = ctx.broker;
    const wanted: { name: string | null; topicId: string }[] =
      ctx.apiVersion >= 6 ? request.topics : request.topicNames.map((name) => ({ name, topicId: ZERO_UUID }));
    const responses: Init<DeletableTopicResult>[] = [];
    for (const w of wanted) {
      let name = w.name;
      if (name === null || name === '') {
        const t = broker.topics.byId(w.topicId);
        if (!t) {
          responses.push({ name: null, topicId: w.topicId, errorCode: ErrorCode.UNKNOWN_TOPIC_ID, errorMessage: 'Topic id is unknown.' });
          continue;
        }
        name = t.name;
      }
      const topicId = broker.topics.get(name)?.topicId ?? w.topicId;
      const outcome = await broker.topicManager.delete(name);
      responses.push({ name, topicId, errorCode: outcome.errorCode, errorMessage: outcome.errorMessage });
    }
    return { throttleTimeMs: 0, responses };
  },
});
