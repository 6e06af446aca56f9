/**
 * MaskField (`org.apache.kafka.connect.transforms.MaskField$Key` / `$Value`): replaces the
 * named fields' values with the "empty" value of their type (0, false, "", empty bytes, array
 * or map, the epoch for dates), or with `replacement` (numbers and strings only). Schema'd
 * records must have the fields; schemaless maps without a field are left as they are.
 */
import { LogicalType, Struct, type ConfigDef, type ConnectRecord, type Schema, type Transformation, type TransformationPlugin } from '../api.ts';
import { describe } from '../data.ts';
import {
  DataError,
  REPLACE_NULL_WITH_DEFAULT,
  TRANSFORMS_VERSION,
  copyMap,
  fieldOf,
  keyValuePlugins,
  mapGet,
  mapHas,
  mapSet,
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

const PURPOSE = 'mask fields';

const CONFIG: ConfigDef = [
  { name: 'fields', type: 'list', importance: 'high', documentation: 'Names of fields to mask.', validate: validators.nonEmptyList },
  { name: 'replacement', type: 'string', defaultValue: null, importance: 'low', documentation: 'Custom value replacement, that will be applied to all \'fields\' values (numeric or non-empty string values only).', validate: validators.nonEmptyString },
  REPLACE_NULL_WITH_DEFAULT,
];

type ValueKind = 'int' | 'int64' | 'float' | 'boolean' | 'string' | 'bytes' | 'array' | 'map' | 'object' | 'date' | 'decimal';

function kindOfSchema(schema: Schema): ValueKind | null {
  if (schema.name === LogicalType.Timestamp || schema.name === LogicalType.Date || schema.name === LogicalType.Time) return 'date';
  if (schema.name === LogicalType.Decimal) return 'decimal';
  switch (schema.type) {
    case 'int8':
    case 'int16':
    case 'int32':
      return 'int';
    case 'int64':
      return 'int64';
    case 'float32':
    case 'float64':
      return 'float';
    case 'boolean':
      return 'boolean';
    case 'string':
      return 'string';
    case 'bytes':
      return 'bytes';
    case 'array':
      return 'array';
    case 'map':
      return 'map';
    case 'struct':
      return null;
  }
}

function kindOfValue(value: unknown): ValueKind | null {
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'bigint') return 'int64';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'string') return 'string';
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return 'bytes';
  if (value instanceof Date) return 'date';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Map) return 'map';
  if (value instanceof Struct) return null;
  if (typeof value === 'object' && value !== null) return 'object';
  return null;
}

function emptyValue(kind: ValueKind, original: unknown): unknown {
  switch (kind) {
    case 'int':
    case 'float':
      return 0;
    case 'int64':
      return typeof original === 'bigint' ? 0n : 0;
    case 'boolean':
      return false;
    case 'string':
      return '';
    case 'bytes':
      return Buffer.alloc(0);
    case 'array':
      return [];
    case 'map':
      return new Map();
    case 'object':
      return {};
    case 'date':
      return new Date(0);
    case 'decimal':
      return '0';
  }
}

function replacementValue(kind: ValueKind, replacement: string, original: unknown, field: string): unknown {
  const numeric = (): number => {
    const n = Number(replacement);
    if (replacement.trim() === '' || !Number.isFinite(n)) throw new DataError(`Unable to mask field "${field}": replacement "${replacement}" is not a number, and the field is numeric`);
    return n;
  };
  switch (kind) {
    case 'string':
      return replacement;
    case 'int':
    case 'int64': {
      if (!/^\s*[+-]?\d+\s*$/.test(replacement)) throw new DataError(`Unable to mask field "${field}": replacement "${replacement}" is not an integer, and the field is an integer`);
      const big = BigInt(replacement.trim());
      if (typeof original === 'bigint') return big;
      return Number.isSafeInteger(Number(big)) ? Number(big) : big;
    }
    case 'float':
      return numeric();
    case 'decimal':
      numeric();
      return replacement.trim();
    default:
      throw new DataError(`Cannot mask value of type ${kind} (field "${field}") with a custom replacement; replacement works for numeric and string fields only`);
  }
}

export class MaskField implements Transformation {
  readonly #side: Side;
  #fields: string[] = [];
  #replacement: string | null = null;
  #replaceNullWithDefault = true;

  constructor(side: Side) {
    this.#side = side;
  }

  config(): ConfigDef {
    return CONFIG;
  }

  configure(props: Readonly<Record<string, string>>): void {
    const c = parseConfig(CONFIG, props);
    this.#fields = c.list('fields');
    this.#replacement = c.string('replacement');
    this.#replaceNullWithDefault = c.boolean('replace.null.with.default');
  }

  #masked(kind: ValueKind | null, original: unknown, field: string): unknown {
    if (kind === null) throw new DataError(`Cannot mask field "${field}": masking a ${describe(original)} is not supported`);
    return this.#replacement === null ? emptyValue(kind, original) : replacementValue(kind, this.#replacement, original, field);
  }

  apply<R extends ConnectRecord>(record: R): R | null {
    const value = operatingValue(record, this.#side);
    if (value === null || value === undefined) return record;
    const schema = operatingSchema(record, this.#side);
    if (schema === null) {
      const updated = copyMap(requireMap(value, PURPOSE));
      for (const name of this.#fields) {
        if (!mapHas(updated, name)) continue;
        const original = mapGet(updated, name);
        if (original === null || original === undefined) continue;
        mapSet(updated, name, this.#masked(kindOfValue(original), original, name));
      }
      return withSide(record, this.#side, null, updated);
    }
    const struct = requireStruct(value, PURPOSE);
    for (const name of this.#fields) {
      if (!fieldOf(struct.schema, name)) throw new DataError(`Cannot mask field "${name}": the ${this.#side} schema has no such field`);
    }
    const updated = new Struct(struct.schema);
    for (const field of struct.schema.fields ?? []) {
      const original = structGet(struct, field, this.#replaceNullWithDefault);
      updated.values.set(field.name, this.#fields.includes(field.name) && original !== null ? this.#masked(kindOfSchema(field.schema), original, field.name) : original);
    }
    return withSide(record, this.#side, struct.schema, updated);
  }
}

export const maskFieldPlugins: TransformationPlugin[] = keyValuePlugins('org.apache.kafka.connect.transforms.MaskField', TRANSFORMS_VERSION, (side) => new MaskField(side));
