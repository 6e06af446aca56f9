/**
 * InsertField (`org.apache.kafka.connect.transforms.InsertField$Key` / `$Value`): adds fields
 * with the record's topic, partition, offset (sink records only), timestamp, and/or a static
 * value. A field name ending in `!` makes the field required in the schema, `?` (or nothing)
 * optional. Schemaless values must be maps; schema'd values structs (the schema gets the new
 * fields appended). Tombstones (a null key/value) pass through unchanged.
 */
import { Struct, type ConfigDef, type ConnectRecord, type Schema, type Transformation, type TransformationPlugin } from '../api.ts';
import { Schemas, structSchema, timestampSchema, withOptional } from '../data.ts';
import {
  DataError,
  REPLACE_NULL_WITH_DEFAULT,
  SchemaCache,
  TRANSFORMS_VERSION,
  copyMap,
  isSinkRecord,
  keyValuePlugins,
  mapSet,
  operatingSchema,
  operatingValue,
  parseConfig,
  requireMap,
  requireStruct,
  schemaBasics,
  structGet,
  withSide,
  type Side,
} from './support.ts';

const PURPOSE = 'field insertion';

const CONFIG: ConfigDef = [
  { name: 'topic.field', type: 'string', defaultValue: null, importance: 'medium', documentation: 'Field name for Kafka topic. Suffix with ! to make this a required field, or ? to keep it optional (the default).' },
  { name: 'partition.field', type: 'string', defaultValue: null, importance: 'medium', documentation: 'Field name for Kafka partition. Suffix with ! to make this a required field, or ? to keep it optional (the default).' },
  { name: 'offset.field', type: 'string', defaultValue: null, importance: 'medium', documentation: 'Field name for Kafka offset - only applicable to sink connectors. Suffix with ! to make this a required field, or ? to keep it optional (the default).' },
  { name: 'timestamp.field', type: 'string', defaultValue: null, importance: 'medium', documentation: 'Field name for record timestamp. Suffix with ! to make this a required field, or ? to keep it optional (the default).' },
  { name: 'static.field', type: 'string', defaultValue: null, importance: 'medium', documentation: 'Field name for static data field. Suffix with ! to make this a required field, or ? to keep it optional (the default).' },
  { name: 'static.value', type: 'string', defaultValue: null, importance: 'medium', documentation: 'Static field value, if field name configured.' },
  REPLACE_NULL_WITH_DEFAULT,
];

interface InsertionSpec {
  readonly name: string;
  readonly optional: boolean;
}

function parseSpec(text: string | null): InsertionSpec | null {
  if (text === null || text === '') return null;
  if (text.endsWith('!')) return { name: text.slice(0, -1), optional: false };
  if (text.endsWith('?')) return { name: text.slice(0, -1), optional: true };
  return { name: text, optional: true };
}

type Kind = 'topic' | 'partition' | 'offset' | 'timestamp' | 'static';

export class InsertField implements Transformation {
  readonly #side: Side;
  #fields: { kind: Kind; spec: InsertionSpec }[] = [];
  #staticValue: string | null = null;
  #replaceNullWithDefault = true;
  readonly #schemas = new SchemaCache();

  constructor(side: Side) {
    this.#side = side;
  }

  config(): ConfigDef {
    return CONFIG;
  }

  configure(props: Readonly<Record<string, string>>): void {
    const c = parseConfig(CONFIG, props);
    const fields: { kind: Kind; spec: InsertionSpec }[] = [];
    for (const kind of ['topic', 'partition', 'offset', 'timestamp', 'static'] as const) {
      const spec = parseSpec(c.string(`${kind}.field`));
      if (spec) fields.push({ kind, spec });
    }
    this.#fields = fields;
    this.#staticValue = c.string('static.value');
    this.#replaceNullWithDefault = c.boolean('replace.null.with.default');
  }

  apply<R extends ConnectRecord>(record: R): R | null {
    const value = operatingValue(record, this.#side);
    if (value === null || value === undefined) return record;
    if (this.#fields.some((f) => f.kind === 'offset') && !isSinkRecord(record)) {
      throw new DataError('offset.field can only be inserted into sink records (records read from Kafka); a source record has no Kafka offset yet');
    }
    const schema = operatingSchema(record, this.#side);
    return schema === null ? this.#applySchemaless(record, value) : this.#applyWithSchema(record, value);
  }

  #insertedValue(kind: Kind, record: ConnectRecord, withSchema: boolean): unknown {
    switch (kind) {
      case 'topic':
        return record.topic;
      case 'partition':
        return record.kafkaPartition;
      case 'offset':
        return (record as { kafkaOffset?: number }).kafkaOffset ?? null;
      case 'timestamp':
        if (record.timestamp === null) return null;
        return withSchema ? new Date(record.timestamp) : record.timestamp;
      case 'static':
        return this.#staticValue;
    }
  }

  #applySchemaless<R extends ConnectRecord>(record: R, value: unknown): R {
    const updated = copyMap(requireMap(value, PURPOSE));
    for (const { kind, spec } of this.#fields) mapSet(updated, spec.name, this.#insertedValue(kind, record, false));
    return withSide(record, this.#side, null, updated);
  }

  #applyWithSchema<R extends ConnectRecord>(record: R, value: unknown): R {
    const struct = requireStruct(value, PURPOSE);
    const updatedSchema = this.#schemas.get(struct.schema, (s) => this.#updatedSchema(s));
    const updated = new Struct(updatedSchema);
    for (const field of struct.schema.fields ?? []) updated.values.set(field.name, structGet(struct, field, this.#replaceNullWithDefault));
    for (const { kind, spec } of this.#fields) {
      const v = this.#insertedValue(kind, record, true);
      if ((v === null || v === undefined) && !spec.optional) {
        throw new DataError(`Invalid value: null used for required field: "${spec.name}" (${kind}.field) [${PURPOSE}]`);
      }
      updated.values.set(spec.name, v);
    }
    return withSide(record, this.#side, updatedSchema, updated);
  }

  #updatedSchema(schema: Schema): Schema {
    const fields: [string, Schema][] = (schema.fields ?? []).map((f) => [f.name, f.schema]);
    for (const { kind, spec } of this.#fields) {
      if (fields.some(([name]) => name === spec.name)) throw new DataError(`Cannot insert field "${spec.name}" (${kind}.field): the schema already has a field with that name`);
      const base = kind === 'topic' || kind === 'static' ? Schemas.STRING : kind === 'partition' ? Schemas.INT32 : kind === 'offset' ? Schemas.INT64 : timestampSchema();
      fields.push([spec.name, withOptional(base, spec.optional)]);
    }
    return structSchema(fields, schemaBasics(schema));
  }
}

export const insertFieldPlugins: TransformationPlugin[] = keyValuePlugins('org.apache.kafka.connect.transforms.InsertField', TRANSFORMS_VERSION, (side) => new InsertField(side));
