/**
 * Flatten (`org.apache.kafka.connect.transforms.Flatten$Key` / `$Value`): flattens nested
 * structs (schema'd) or nested maps (schemaless) into one level, joining field names with
 * `delimiter` (default "."). Arrays and maps inside structs are kept as they are. A field of a
 * flattened optional struct becomes optional; a null nested value gives nulls for its fields.
 */
import { Struct, type ConfigDef, type ConnectRecord, type Schema, type Transformation, type TransformationPlugin } from '../api.ts';
import { structSchema, withOptional } from '../data.ts';
import {
  REPLACE_NULL_WITH_DEFAULT,
  SchemaCache,
  TRANSFORMS_VERSION,
  emptyLike,
  isSchemalessMap,
  keyValuePlugins,
  mapEntries,
  mapSet,
  operatingSchema,
  operatingValue,
  parseConfig,
  requireMap,
  requireStruct,
  schemaBasics,
  structGet,
  withSide,
  type SchemalessMap,
  type Side,
} from './support.ts';

const PURPOSE = 'flattening';

const CONFIG: ConfigDef = [
  { name: 'delimiter', type: 'string', defaultValue: '.', importance: 'medium', documentation: 'Delimiter to insert between field names from the input record when generating field names for the output record' },
  REPLACE_NULL_WITH_DEFAULT,
];

export class Flatten implements Transformation {
  readonly #side: Side;
  #delimiter = '.';
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
    this.#delimiter = c.string('delimiter') ?? '.';
    this.#replaceNullWithDefault = c.boolean('replace.null.with.default');
  }

  #name(prefix: string, name: string): string {
    return prefix === '' ? name : prefix + this.#delimiter + name;
  }

  apply<R extends ConnectRecord>(record: R): R | null {
    const value = operatingValue(record, this.#side);
    const schema = operatingSchema(record, this.#side);
    if (schema === null) {
      if (value === null || value === undefined) return record;
      const map = requireMap(value, PURPOSE);
      const out = emptyLike(map);
      this.#flattenMap(map, '', out);
      return withSide(record, this.#side, null, out);
    }
    if (schema.type !== 'struct') return record;
    const updatedSchema = this.#schemas.get(schema, (s) => {
      const fields: [string, Schema][] = [];
      this.#flattenSchema(s, '', false, fields);
      return structSchema(fields, schemaBasics(s));
    });
    if (value === null || value === undefined) return withSide(record, this.#side, updatedSchema, null);
    const struct = requireStruct(value, PURPOSE);
    const out = new Struct(updatedSchema);
    this.#flattenStruct(struct, '', out);
    return withSide(record, this.#side, updatedSchema, out);
  }

  #flattenMap(map: SchemalessMap, prefix: string, out: SchemalessMap): void {
    for (const [k, v] of mapEntries(map)) {
      const name = this.#name(prefix, String(k));
      if (isSchemalessMap(v)) this.#flattenMap(v, name, out);
      else mapSet(out, name, v);
    }
  }

  #flattenSchema(schema: Schema, prefix: string, optionalParent: boolean, out: [string, Schema][]): void {
    for (const field of schema.fields ?? []) {
      const name = this.#name(prefix, field.name);
      const optional = optionalParent || field.schema.optional;
      if (field.schema.type === 'struct') this.#flattenSchema(field.schema, name, optional, out);
      else out.push([name, withOptional(field.schema, optional)]);
    }
  }

  #flattenStruct(struct: Struct | null, prefix: string, out: Struct, schema: Schema = (struct as Struct).schema): void {
    for (const field of schema.fields ?? []) {
      const name = this.#name(prefix, field.name);
      const v = struct === null ? null : structGet(struct, field, this.#replaceNullWithDefault);
      if (field.schema.type === 'struct') this.#flattenStruct(v instanceof Struct ? v : null, name, out, field.schema);
      else out.values.set(name, v);
    }
  }
}

export const flattenPlugins: TransformationPlugin[] = keyValuePlugins('org.apache.kafka.connect.transforms.Flatten', TRANSFORMS_VERSION, (side) => new Flatten(side));
