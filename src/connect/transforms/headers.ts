/**
 * Header transformations:
 * - InsertHeader (`org.apache.kafka.connect.transforms.InsertHeader`): adds the header `header`
 *   with the string `value.literal` (schema STRING);
 * - DropHeaders (`org.apache.kafka.connect.transforms.DropHeaders`): removes every header whose
 *   key is in `headers`.
 */
import type { ConfigDef, ConnectRecord, Transformation, TransformationPlugin } from '../api.ts';
import { Schemas } from '../data.ts';
import { TRANSFORMS_VERSION, newRecord, parseConfig, validators } from './support.ts';

const INSERT_CONFIG: ConfigDef = [
  { name: 'header', type: 'string', importance: 'high', documentation: 'The name of the header.', validate: validators.nonEmptyString },
  { name: 'value.literal', type: 'string', importance: 'high', documentation: 'The literal value that is to be set as the header value on all records.' },
];

export class InsertHeader implements Transformation {
  #header = '';
  #value = '';

  config(): ConfigDef {
    return INSERT_CONFIG;
  }

  configure(props: Readonly<Record<string, string>>): void {
    const c = parseConfig(INSERT_CONFIG, props);
    this.#header = c.string('header') ?? '';
    this.#value = c.string('value.literal') ?? '';
  }

  apply<R extends ConnectRecord>(record: R): R | null {
    return newRecord(record, { headers: [...record.headers, { key: this.#header, schema: Schemas.STRING, value: this.#value }] });
  }
}

const DROP_CONFIG: ConfigDef = [
  { name: 'headers', type: 'list', importance: 'high', documentation: 'The name of the headers to be removed.', validate: validators.nonEmptyList },
];

export class DropHeaders implements Transformation {
  #headers = new Set<string>();

  config(): ConfigDef {
    return DROP_CONFIG;
  }

  configure(props: Readonly<Record<string, string>>): void {
    this.#headers = new Set(parseConfig(DROP_CONFIG, props).list('headers'));
  }

  apply<R extends ConnectRecord>(record: R): R | null {
    if (!record.headers.some((h) => this.#headers.has(h.key))) return record;
    return newRecord(record, { headers: record.headers.filter((h) => !this.#headers.has(h.key)) });
  }
}

export const headerPlugins: TransformationPlugin[] = [
  { className: 'org.apache.kafka.connect.transforms.InsertHeader', aliases: ['InsertHeader'], version: TRANSFORMS_VERSION, create: () => new InsertHeader() },
  { className: 'org.apache.kafka.connect.transforms.DropHeaders', aliases: ['DropHeaders'], version: TRANSFORMS_VERSION, create: () => new DropHeaders() },
];
