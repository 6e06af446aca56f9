/** RecordIsTombstone (`org.apache.kafka.connect.transforms.predicates.RecordIsTombstone`): true when the record's value is null. */
import type { ConfigDef, ConnectRecord, Predicate, PredicatePlugin } from '../api.ts';
import { TRANSFORMS_VERSION } from '../transforms/support.ts';

export class RecordIsTombstone implements Predicate {
  config(): ConfigDef {
    return [];
  }

  configure(_props: Readonly<Record<string, string>>): void {}

  test(record: ConnectRecord): boolean {
    return record.value === null || record.value === undefined;
  }
}

export const recordIsTombstonePlugin: PredicatePlugin = {
  className: 'org.apache.kafka.connect.transforms.predicates.RecordIsTombstone',
  aliases: ['RecordIsTombstone'],
  version: TRANSFORMS_VERSION,
  create: () => new RecordIsTombstone(),
};
