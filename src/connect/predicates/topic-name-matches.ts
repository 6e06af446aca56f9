/**
 * TopicNameMatches (`org.apache.kafka.connect.transforms.predicates.TopicNameMatches`): true
 * when the whole topic name matches `pattern` (a Java regular expression).
 */
import type { ConfigDef, ConnectRecord, Predicate, PredicatePlugin } from '../api.ts';
import { TRANSFORMS_VERSION, javaRegex, parseConfig, validators } from '../transforms/support.ts';

const CONFIG: ConfigDef = [
  {
    name: 'pattern',
    type: 'string',
    importance: 'medium',
    documentation: 'A Java regular expression for matching against the name of a record\'s topic.',
    validate: (value) => validators.nonEmptyString(value) ?? validators.regex(value),
  },
];

export class TopicNameMatches implements Predicate {
  #pattern: RegExp = /$^/;

  config(): ConfigDef {
    return CONFIG;
  }

  configure(props: Readonly<Record<string, string>>): void {
    this.#pattern = javaRegex(parseConfig(CONFIG, props).string('pattern') ?? '');
  }

  test(record: ConnectRecord): boolean {
    return this.#pattern.test(record.topic);
  }
}

export const topicNameMatchesPlugin: PredicatePlugin = {
  className: 'org.apache.kafka.connect.transforms.predicates.TopicNameMatches',
  aliases: ['TopicNameMatches'],
  version: TRANSFORMS_VERSION,
  create: () => new TopicNameMatches(),
};
