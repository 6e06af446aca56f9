/**
 * ExtractField (`org.apache.kafka.connect.transforms.ExtractField$Key` / `$Value`): replaces
 * the key/value with one of its fields (`field`). Schemaless: a missing field gives null.
 * Schema'd: the field must exist in the schema, and its schema becomes the record's.
 */
import type { ConfigDef, ConnectRecord, Transformation, TransformationPlugin } from '../api.ts';
import {
  DataError,
  REPLACE_NULL_WITH_DEFAULT,
  TRANSFORMS_VERSION,
  fieldOf,
  keyValuePlugins,
  mapGet,
  operatingSchema,
  operatingValue,
  parseConfig,
  requireMap,
  requireStruct,
  structGet,
  validators,
  withSide,
  type Side,
} from './support.ts';

const PURPOSE = 'field extraction';

const CONFIG: ConfigDef = [
  { name: 'field', type: 'string', importance: 'medium', documentation: 'Field name to extract.', validate: validators.nonEmptyString },
  REPLACE_NULL_WITH_DEFAULT,
];

export class ExtractField implements Transformation {
  readonly #side: Side;
  #field = '';
  #replaceNullWithDefault = true;

  constructor(side: Side) {
    this.#side = side;
  }

  config(): ConfigDef {
    return CONFIG;
  }

  configure(props: Readonly<Record<string, string>>): void {
    const c = parseConfig(CONFIG, props);
    this.#field = c.string('field') ?? '';
    this.#replaceNullWithDefault = c.boolean('replace.null.with.default');
  }

  apply<R extends ConnectRecord>(record: R): R | null {
    const value = operatingValue(record, this.#side);
    const schema = operatingSchema(record, this.#side);
    if (schema === null) {
      if (value === null || value === undefined) return withSide(record, this.#side, null, null);
      return withSide(record, this.#side, null, mapGet(requireMap(value, PURPOSE), this.#field) ?? null);
    }
    const field = fieldOf(schema, this.#field);
    if (!field) throw new DataError(`Unknown field: ${this.#field} (the ${this.#side} schema has ${(schema.fields ?? []).map((f) => f.name).join(', ') || 'no fields'})`);
    if (value === null || value === undefined) return withSide(record, this.#side, field.schema, null);
    const struct = requireStruct(value, PURPOSE);
    return withSide(record, this.#side, field.schema, structGet(struct, field, this.#replaceNullWithDefault));
  }
}

export const extractFieldPlugins: TransformationPlugin[] = keyValuePlugins('org.apache.kafka.connect.transforms.ExtractField', TRANSFORMS_VERSION, (side) => new ExtractField(side));
