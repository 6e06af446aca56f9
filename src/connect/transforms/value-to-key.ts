/**
 * ValueToKey (`org.apache.kafka.connect.transforms.ValueToKey`): replaces the record key with
 * a new key made of `fields` of the value — a map for schemaless values, a struct (with the
 * fields' schemas) for schema'd ones. A schema'd value without one of the fields is an error.
 */
import { Struct, type ConfigDef, type ConnectRecord, type Schema, type Transformation, type TransformationPlugin } from '../api.ts';
import { structSchema } from '../data.ts';
import {
  DataError,
  REPLACE_NULL_WITH_DEFAULT,
  SchemaCache,
  TRANSFORMS_VERSION,
  emptyLike,
  fieldOf,
  mapGet,
  mapSet,
  newRecord,
  parseConfig,
  requireMap,
  requireStruct,
  structGet,
  validators,
} from './support.ts';

const PURPOSE = 'copying fields from value to key';

const CONFIG: ConfigDef = [
  { name: 'fields', type: 'list', importance: 'high', documentation: 'Field names on the record value to extract as the record key.', validate: validators.nonEmptyList },
  REPLACE_NULL_WITH_DEFAULT,
];

export class ValueToKey implements Transformation {
  #fields: string[] = [];
  #replaceNullWithDefault = true;
  readonly #schemas = new SchemaCache();

  config(): ConfigDef {
    return CONFIG;
  }

  configure(props: Readonly<Record<string, string>>): void {
    const c = parseConfig(CONFIG, props);
    this.#fields = c.list('fields');
    this.#replaceNullWithDefault = c.boolean('replace.null.with.default');
  }

  apply<R extends ConnectRecord>(record: R): R | null {
    if (record.valueSchema === null) {
      const value = requireMap(record.value, PURPOSE);
      const key = emptyLike(value);
      for (const name of this.#fields) mapSet(key, name, mapGet(value, name) ?? null);
      return newRecord(record, { keySchema: null, key });
    }
    const value = requireStruct(record.value, PURPOSE);
    const keySchema = this.#schemas.get(value.schema, (s) => this.#keySchema(s));
    const key = new Struct(keySchema);
    for (const name of this.#fields) {
      const field = fieldOf(value.schema, name);
      if (field) key.values.set(name, structGet(value, field, this.#replaceNullWithDefault));
    }
    return newRecord(record, { keySchema, key });
  }

  #keySchema(valueSchema: Schema): Schema {
    return structSchema(
      this.#fields.map((name): [string, Schema] => {
        const field = fieldOf(valueSchema, name);
        if (!field) throw new DataError(`Field does not exist: ${name} (the value schema${valueSchema.name ? ` ${valueSchema.name}` : ''} has ${(valueSchema.fields ?? []).map((f) => f.name).join(', ') || 'no fields'})`);
        return [name, field.schema];
      }),
    );
  }
}

export const valueToKeyPlugins: TransformationPlugin[] = [
  { className: 'org.apache.kafka.connect.transforms.ValueToKey', aliases: ['ValueToKey'], version: TRANSFORMS_VERSION, create: () => new ValueToKey() },
];
