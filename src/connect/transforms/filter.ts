/**
 * Filter (`org.apache.kafka.connect.transforms.Filter`): drops every record. Used with a
 * predicate (`transforms.x.predicate`, optionally `negate`) to drop the records that match.
 */
import type { ConfigDef, ConnectRecord, Transformation, TransformationPlugin } from '../api.ts';
import { TRANSFORMS_VERSION } from './support.ts';

export class Filter implements Transformation {
  config(): ConfigDef {
    return [];
  }

  configure(_props: Readonly<Record<string, string>>): void {}

  apply<R extends ConnectRecord>(_record: R): R | null {
    return null;
  }
}

export const filterPlugins: TransformationPlugin[] = [
  { className: 'org.apache.kafka.connect.transforms.Filter', aliases: ['Filter'], version: TRANSFORMS_VERSION, create: () => new Filter() },
];
