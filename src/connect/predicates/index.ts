/**
 * The built-in predicates (`predicates.<alias>.type`), with Kafka Connect's class names and
 * short aliases: HasHeaderKey (name), RecordIsTombstone, TopicNameMatches (pattern).
 */
import type { PredicatePlugin } from '../api.ts';
import { hasHeaderKeyPlugin } from './has-header-key.ts';
import { recordIsTombstonePlugin } from './record-is-tombstone.ts';
import { topicNameMatchesPlugin } from './topic-name-matches.ts';

export { HasHeaderKey } from './has-header-key.ts';
export { RecordIsTombstone } from './record-is-tombstone.ts';
export { TopicNameMatches } from './topic-name-matches.ts';

export const builtinPredicates: PredicatePlugin[] = [hasHeaderKeyPlugin, recordIsTombstonePlugin, topicNameMatchesPlugin];
