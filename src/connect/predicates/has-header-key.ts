/** HasHeaderKey (`org.apache.kafka.connect.transforms.predicates.HasHeaderKey`): true when the record has at least one header with key `name`. */
import type { ConfigDef, ConnectRecord, Predicate, PredicatePlugin } from '../api.ts';
import { TRANSFORMS_VERSION, parseConfig, validators } from '../transforms/support.ts';

const CONFIG: ConfigDef = [{ name: 'name', type: 'string', importance: 'medium', documentation: 'The header name.', validate: validators.nonEmptyString }];

export class HasHeaderKey implements Predicate {
  #name = '';

  config(): ConfigDef {
    return CONFIG;
  }

  configure(props: Readonly<Record<string, string>>): void {
    this.#name = parseConfig(CONFIG, props).string('name') ?? '';
  }

  test(record: ConnectRecord): boolean {
    return record.headers.some((h) => h.key === this.#name);
  }
}

export const hasHeaderKeyPlugin: PredicatePlugin = {
  className: 'org.apache.kafka.connect.transforms.predicates.HasHeaderKey',
  aliases: ['HasHeaderKey'],
  version: TRANSFORMS_VERSION,
  create: () => new HasHeaderKey(),
};
