/**
 * Cast (`org.apache.kafka.connect.transforms.Cast$Key` / `$Value`): casts fields, or the whole
 * key/value, to another primitive type. `spec` is a list of `field:type` pairs, or a single
 * `type` for the whole key/value. Target types: int8, int16, int32, int64, float32, float64,
 * boolean, string (case does not matter).
 *
 * Conversions follow Connect (Java): numbers narrow like Java's casts (truncation toward zero,
 * then two's-complement wrap-around), booleans become 1/0, numbers become booleans by != 0,
 * bytes become base64 strings, dates become ISO-8601 strings or epoch millis. Strings are
 * parsed strictly: a string that is not a number of the target type (or true/false for
 * boolean) is a DataError naming the field and the value. Fields named in the spec but absent
 * from a record are left alone.
 */
import { LogicalType, Struct, type ConfigDef, type ConnectRecord, type Schema, type SchemaType, type Transformation, type TransformationPlugin } from '../api.ts';
import { describe, structSchema } from '../data.ts';
import {
  ConfigError,
  DataError,
  REPLACE_NULL_WITH_DEFAULT,
  SchemaCache,
  TRANSFORMS_VERSION,
  copyMap,
  keyValuePlugins,
  mapGet,
  mapHas,
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

const PURPOSE = 'cast types';

export const CAST_TARGET_TYPES = ['int8', 'int16', 'int32', 'int64', 'float32', 'float64', 'boolean', 'string'] as const;
export type CastType = (typeof CAST_TARGET_TYPES)[number];

const CONFIG: ConfigDef = [
  {
    name: 'spec',
    type: 'list',
    importance: 'high',
    documentation: 'List of fields and the type to cast them to of the form field1:type,field2:type to cast fields of Maps or Structs. A single type to cast the entire value. Valid types are int8, int16, int32, int64, float32, float64, boolean, and string.',
    validate: (value) => {
      if (!Array.isArray(value)) return undefined;
      try {
        parseSpec(value as string[]);
        return undefined;
      } catch (err) {
        return (err as Error).message;
      }
    },
  },
  REPLACE_NULL_WITH_DEFAULT,
];

type Spec = { whole: CastType } | { fields: Map<string, CastType> };

function parseType(text: string, entry: string): CastType {
  const type = text.trim().toLowerCase();
  if (!(CAST_TARGET_TYPES as readonly string[]).includes(type)) {
    throw new ConfigError(`Invalid type found in casting spec "${entry}": ${text.trim()} (valid types: ${CAST_TARGET_TYPES.join(', ')})`, 'spec');
  }
  return type as CastType;
}

function parseSpec(entries: readonly string[]): Spec {
  if (entries.length === 0) throw new ConfigError('Must specify at least one field to cast.', 'spec');
  const fields = new Map<string, CastType>();
  for (const entry of entries) {
    const parts = entry.split(':');
    if (parts.length > 2) throw new ConfigError(`Invalid cast mapping: ${entry} (expected field:type or type)`, 'spec');
    if (parts.length === 1) {
      if (entries.length > 1) throw new ConfigError('Cast transformations that specify a type to cast the entire value to may only specify a single cast in their spec', 'spec');
      return { whole: parseType(parts[0], entry) };
    }
    const field = parts[0].trim();
    if (field === '') throw new ConfigError(`Invalid cast mapping: ${entry} (the field name is empty)`, 'spec');
    fields.set(field, parseType(parts[1], entry));
  }
  return { fields };
}

const INT_BITS: Partial<Record<CastType, number>> = { int8: 8, int16: 16, int32: 32, int64: 64 };

function primitiveSchema(type: CastType, optional: boolean): Schema {
  return { type, optional };
}

/** A float64 as Java's Double.toString prints it ("1.0", "1.0E10"). */
function javaDoubleString(n: number, float32: boolean): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
  if (n === 0) return Object.is(n, -0) ? '-0.0' : '0.0';
  let digits = String(n);
  if (float32) {
    // The shortest decimal that reads back as the same float32 (Java's Float.toString).
    for (let p = 1; p <= 9; p++) {
      const candidate = Number(n.toPrecision(p));
      if (Math.fround(candidate) === n) {
        digits = String(candidate);
        break;
      }
    }
  }
  const abs = Math.abs(Number(digits));
  if (abs >= 1e-3 && abs < 1e7) return digits.includes('.') || digits.includes('e') ? digits : `${digits}.0`;
  const [mantissa, exponent] = Number(digits).toExponential().split('e');
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
}

function int64Value(big: bigint): number | bigint {
  return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
}

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

/** Java's narrowing of a number to a `bits`-bit integer: doubles saturate to int/long, then wrap. */
function narrow(value: number | bigint, bits: number): number | bigint {
  let big: bigint;
  if (typeof value === 'bigint') big = value;
  else if (Number.isNaN(value)) big = 0n;
  else {
    const wide = bits === 64 ? 64 : 32;
    const max = wide === 64 ? INT64_MAX : 2_147_483_647n;
    const min = wide === 64 ? INT64_MIN : -2_147_483_648n;
    const t = Math.trunc(value);
    big = t >= Number(max) ? max : t <= Number(min) ? min : BigInt(t);
  }
  const wrapped = BigInt.asIntN(bits, big);
  return bits === 64 ? int64Value(wrapped) : Number(wrapped);
}

const INT_PATTERN = /^[+-]?\d+$/;
const FLOAT_PATTERN = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$|^[+-]?(?:NaN|Infinity)$/;

function isDateSchema(schema: Schema | null, name: string): boolean {
  return schema?.name === name;
}

function isoDateText(value: Date, schema: Schema | null): string {
  const iso = value.toISOString();
  const ms = value.getTime();
  // As Connect's Values.dateFormatFor: a Date schema (or a whole day) prints the day, a Time (within the first day) the time.
  if (isDateSchema(schema, LogicalType.Date) || (schema === null && ms % 86_400_000 === 0 && ms !== 0)) return iso.slice(0, 10);
  if (isDateSchema(schema, LogicalType.Time) || (schema === null && ms >= 0 && ms < 86_400_000)) return iso.slice(11);
  return iso;
}

export class Cast implements Transformation {
  readonly #side: Side;
  #spec: Spec = { fields: new Map() };
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
    this.#spec = parseSpec(c.list('spec'));
    this.#replaceNullWithDefault = c.boolean('replace.null.with.default');
  }

  apply<R extends ConnectRecord>(record: R): R | null {
    const value = operatingValue(record, this.#side);
    const schema = operatingSchema(record, this.#side);
    const spec = this.#spec;
    if ('whole' in spec) {
      if (schema === null) return withSide(record, this.#side, null, castValue(value ?? null, spec.whole, null, null));
      checkCastable(schema, spec.whole, null);
      const updatedSchema = this.#schemas.get(schema, (s) => primitiveSchema(spec.whole, s.optional));
      return withSide(record, this.#side, updatedSchema, castValue(value ?? null, spec.whole, schema, null));
    }
    if (value === null || value === undefined) return record;
    if (schema === null) {
      const updated = copyMap(requireMap(value, PURPOSE));
      for (const [field, type] of spec.fields) {
        if (mapHas(updated, field)) mapSet(updated, field, castValue(mapGet(updated, field) ?? null, type, null, field));
      }
      return withSide(record, this.#side, null, updated);
    }
    const struct = requireStruct(value, PURPOSE);
    const updatedSchema = this.#schemas.get(struct.schema, (s) => this.#updatedSchema(s, spec.fields));
    const updated = new Struct(updatedSchema);
    for (const field of struct.schema.fields ?? []) {
      const original = structGet(struct, field, this.#replaceNullWithDefault);
      const type = spec.fields.get(field.name);
      updated.values.set(field.name, type === undefined ? original : castValue(original, type, field.schema, field.name));
    }
    return withSide(record, this.#side, updatedSchema, updated);
  }

  #updatedSchema(schema: Schema, casts: Map<string, CastType>): Schema {
    if (schema.type !== 'struct') throw new DataError(`Cast: field casts need a struct ${this.#side}, found a ${schema.type} schema`);
    const fields: [string, Schema][] = (schema.fields ?? []).map((field) => {
      const type = casts.get(field.name);
      if (type === undefined) return [field.name, field.schema];
      checkCastable(field.schema, type, field.name);
      const cast: Schema =
        field.schema.defaultValue === undefined || field.schema.defaultValue === null
          ? primitiveSchema(type, field.schema.optional)
          : { ...primitiveSchema(type, field.schema.optional), defaultValue: castValue(field.schema.defaultValue, type, field.schema, field.name) };
      return [field.name, cast];
    });
    return structSchema(fields, schemaBasics(schema));
  }
}

function fieldLabel(field: string | null): string {
  return field === null ? 'the whole value' : `field "${field}"`;
}

/** Checks a schema'd source can be cast to `target` (Connect checks schemas up front). */
function checkCastable(schema: Schema, target: CastType, field: string | null): void {
  const supported: readonly SchemaType[] = ['int8', 'int16', 'int32', 'int64', 'float32', 'float64', 'boolean', 'string'];
  if (schema.name === LogicalType.Timestamp || schema.name === LogicalType.Date || schema.name === LogicalType.Time) {
    if (target === 'string' || target === 'int64' || (target === 'int32' && schema.name !== LogicalType.Timestamp)) return;
    throw new DataError(`Cast: ${fieldLabel(field)} is a ${schema.name.slice(schema.name.lastIndexOf('.') + 1)} and can only be cast to string, int64${schema.name !== LogicalType.Timestamp ? ' or int32' : ''}, not ${target}`);
  }
  if (schema.name === LogicalType.Decimal) {
    if (target !== 'boolean') return;
    throw new DataError(`Cast: ${fieldLabel(field)} is a Decimal and cannot be cast to boolean`);
  }
  if (schema.type === 'bytes') {
    if (target === 'string') return;
    throw new DataError(`Cast: ${fieldLabel(field)} holds bytes, which can only be cast to string (base64), not ${target}`);
  }
  if (!supported.includes(schema.type)) {
    throw new DataError(`Cast transformation does not support casting from ${schema.type} (${fieldLabel(field)}); supported source types are ${supported.join(', ')}, bytes, and the Date, Time, Timestamp and Decimal logical types`);
  }
}

function badValue(value: unknown, target: CastType, field: string | null, why: string): DataError {
  const shown = typeof value === 'string' ? JSON.stringify(value) : describe(value);
  return new DataError(`Cast: cannot cast ${shown} (${fieldLabel(field)}) to ${target}: ${why}`);
}

/** Casts one value; `schema` is the source schema when known (null for schemaless data). */
export function castValue(value: unknown, target: CastType, schema: Schema | null, field: string | null): unknown {
  if (value === null || value === undefined) return null;
  const isDecimal = schema?.name === LogicalType.Decimal;
  if (target === 'string') {
    if (typeof value === 'string') return value;
    if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
    if (typeof value === 'number') {
      const float = schema?.type === 'float32' || schema?.type === 'float64';
      return float ? javaDoubleString(value, schema?.type === 'float32') : String(value);
    }
    if (Buffer.isBuffer(value) || value instanceof Uint8Array) return Buffer.from(value).toString('base64');
    if (value instanceof Date) return isoDateText(value, schema);
    throw badValue(value, target, field, `casting a ${describe(value)} is not supported`);
  }
  if (target === 'boolean') {
    if (typeof value === 'boolean') return value;
    if (typeof value === 'number') return value !== 0;
    if (typeof value === 'bigint') return value !== 0n;
    if (typeof value === 'string') {
      const lower = value.trim().toLowerCase();
      if (lower === 'true') return true;
      if (lower === 'false') return false;
      throw badValue(value, target, field, 'expected true or false');
    }
    throw badValue(value, target, field, `casting a ${describe(value)} is not supported`);
  }
  const bits = INT_BITS[target];
  if (bits !== undefined) {
    if (typeof value === 'boolean') return value ? 1 : 0;
    if (typeof value === 'number' || typeof value === 'bigint') return narrow(value, bits);
    if (value instanceof Date) {
      const ms = value.getTime();
      if (target === 'int64') return ms;
      if (target === 'int32' && isDateSchema(schema, LogicalType.Date)) return Math.floor(ms / 86_400_000);
      if (target === 'int32' && isDateSchema(schema, LogicalType.Time)) return ms;
      throw badValue(value, target, field, 'a date can only be cast to int64 (epoch milliseconds), string, or int32 for Date and Time');
    }
    if (typeof value === 'string') {
      const text = value.trim();
      if (isDecimal && FLOAT_PATTERN.test(text)) return narrow(Number(text), bits);
      if (!INT_PATTERN.test(text)) throw badValue(value, target, field, 'not an integer');
      const big = BigInt(text);
      if (big !== BigInt.asIntN(bits, big)) throw badValue(value, target, field, `out of range for ${target}`);
      return bits === 64 ? int64Value(big) : Number(big);
    }
    throw badValue(value, target, field, `casting a ${describe(value)} is not supported`);
  }
  // float32 / float64
  let n: number;
  if (typeof value === 'boolean') n = value ? 1 : 0;
  else if (typeof value === 'number') n = value;
  else if (typeof value === 'bigint') n = Number(value);
  else if (typeof value === 'string') {
    const text = value.trim();
    if (!FLOAT_PATTERN.test(text)) throw badValue(value, target, field, 'not a number');
    n = Number(text);
  } else throw badValue(value, target, field, `casting a ${describe(value)} is not supported`);
  return target === 'float32' ? Math.fround(n) : n;
}

export const castPlugins: TransformationPlugin[] = keyValuePlugins('org.apache.kafka.connect.transforms.Cast', TRANSFORMS_VERSION, (side) => new Cast(side));
