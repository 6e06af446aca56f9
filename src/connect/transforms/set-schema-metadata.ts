/**
 * SetSchemaMetadata (`org.apache.kafka.connect.transforms.SetSchemaMetadata$Key` / `$Value`):
 * sets the key/value schema's `schema.name` and/or `schema.version`. Needs a schema; a struct
 * value is rebuilt on the renamed schema.
 */
import { Struct, type ConfigDef, type ConnectRecord, type Schema, type Transformation, type TransformationPlugin } from '../api.ts';
import { ConfigError, DataError, SchemaCache, TRANSFORMS_VERSION, keyValuePlugins, operatingSchema, operatingValue, parseConfig, withSide, type Side } from './support.ts';

const CONFIG: ConfigDef = [
  { name: 'schema.name', type: 'string', defaultValue: null, importance: 'high', documentation: 'Schema name to set.' },
  {
    name: 'schema.version',
    type: 'int',
    defaultValue: null,
    importance: 'high',
    documentation: 'Schema version to set.',
  },
];

export class SetSchemaMetadata implements Transformation {
  readonly #side: Side;
  #name: string | null = null;
  #version: number | null = null;
  readonly #schemas = new SchemaCache();

  constructor(side: Side) {
    this.#side = side;
  }

  config(): ConfigDef {
    return CONFIG;
  }

  configure(props: Readonly<Record<string, string>>): void {
    const c = parseConfig(CONFIG, props);
    const name = c.string('schema.name');
    this.#name = name === '' ? null : name;
    this.#version = c.number('schema.version');
    if (this.#name === null && this.#version === null) throw new ConfigError('Neither schema name nor version configured', 'schema.name');
  }

  apply<R extends ConnectRecord>(record: R): R | null {
    const schema = operatingSchema(record, this.#side);
    if (schema === null) throw new DataError(`Schema required for [updating schema metadata] of the record ${this.#side}`);
    const updated = this.#schemas.get(schema, (s): Schema => ({ ...s, ...(this.#name !== null ? { name: this.#name } : {}), ...(this.#version !== null ? { version: this.#version } : {}) }));
    const value = operatingValue(record, this.#side);
    const updatedValue = value instanceof Struct && value.schema === schema ? new Struct(updated, value.values) : value;
    return withSide(record, this.#side, updated, updatedValue);
  }
}

export const setSchemaMetadataPlugins: TransformationPlugin[] = keyValuePlugins('org.apache.kafka.connect.transforms.SetSchemaMetadata', TRANSFORMS_VERSION, (side) => new SetSchemaMetadata(side));
