/**
 * TimestampConverter (`org.apache.kafka.connect.transforms.TimestampConverter$Key` / `$Value`):
 * converts a timestamp field (`field`), or the whole key/value when `field` is empty, between
 * `string` (with a SimpleDateFormat `format`, UTC), `unix` (epoch number in `unix.precision`:
 * seconds, milliseconds, microseconds, nanoseconds), and the logical types `Date` (midnight
 * UTC), `Time` (time of day) and `Timestamp` (JS Date values).
 *
 * The input type comes from the schema (Timestamp/Date/Time logical types, string, int64), or
 * for schemaless data from the value (Date → Timestamp, number/bigint → unix, string → string).
 */
import { LogicalType, Struct, type ConfigDef, type ConnectRecord, type Schema, type Transformation, type TransformationPlugin } from '../api.ts';
import { Schemas, dateSchema, describe, structSchema, timeSchema, timestampSchema, withOptional } from '../data.ts';
import { DateFormat } from './date-format.ts';
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

const PURPOSE = 'converting timestamp formats';
const MS_PER_DAY = 86_400_000;

export const TIMESTAMP_TYPES = ['string', 'unix', 'Date', 'Time', 'Timestamp'] as const;
export type TimestampType = (typeof TIMESTAMP_TYPES)[number];
export const UNIX_PRECISIONS = ['seconds', 'milliseconds', 'microseconds', 'nanoseconds'] as const;
type UnixPrecision = (typeof UNIX_PRECISIONS)[number];

const CONFIG: ConfigDef = [
  { name: 'field', type: 'string', defaultValue: '', importance: 'high', documentation: 'The field containing the timestamp, or empty if the entire value is a timestamp' },
  {
    name: 'target.type',
    type: 'string',
    importance: 'high',
    documentation: 'The desired timestamp representation: string, unix, Date, Time, or Timestamp',
    recommendedValues: TIMESTAMP_TYPES,
  },
  {
    name: 'format',
    type: 'string',
    defaultValue: '',
    importance: 'medium',
    documentation: 'A SimpleDateFormat-compatible format for the timestamp. Used to generate the output when type=string or used to parse the input if the input is a string.',
  },
  {
    name: 'unix.precision',
    type: 'string',
    defaultValue: 'milliseconds',
    importance: 'low',
    documentation: 'The desired Unix precision for the timestamp: seconds, milliseconds, microseconds, or nanoseconds. Used to generate the output when type=unix or used to parse the input if the input is a Long.',
    recommendedValues: UNIX_PRECISIONS,
  },
  REPLACE_NULL_WITH_DEFAULT,
];

function floorMod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

function targetSchema(type: TimestampType, optional: boolean): Schema {
  switch (type) {
    case 'string':
      return withOptional(Schemas.STRING, optional);
    case 'unix':
      return withOptional(Schemas.INT64, optional);
    case 'Date':
      return dateSchema(optional);
    case 'Time':
      return timeSchema(optional);
    case 'Timestamp':
      return timestampSchema(optional);
  }
}

function typeOfSchema(schema: Schema, field: string | null): TimestampType {
  if (schema.name === LogicalType.Timestamp) return 'Timestamp';
  if (schema.name === LogicalType.Date) return 'Date';
  if (schema.name === LogicalType.Time) return 'Time';
  if (schema.type === 'string') return 'string';
  if (schema.type === 'int64') return 'unix';
  throw new DataError(`TimestampConverter: ${field === null ? 'the value' : `field "${field}"`} has schema type ${schema.type}${schema.name ? ` (${schema.name})` : ''}, which is not a timestamp (expected Timestamp, Date, Time, string or int64)`);
}

function typeOfValue(value: unknown, field: string | null): TimestampType {
  if (value instanceof Date) return 'Timestamp';
  if (typeof value === 'number' || typeof value === 'bigint') return 'unix';
  if (typeof value === 'string') return 'string';
  throw new DataError(`TimestampConverter: expected a Date, a number or a string timestamp in ${field === null ? 'the value' : `field "${field}"`}, found ${describe(value)}`);
}

export class TimestampConverter implements Transformation {
  readonly #side: Side;
  #field = '';
  #target: TimestampType = 'Timestamp';
  #format: DateFormat | null = null;
  #precision: UnixPrecision = 'milliseconds';
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
    this.#field = c.string('field') ?? '';
    this.#target = c.string('target.type') as TimestampType;
    this.#precision = (c.string('unix.precision') ?? 'milliseconds') as UnixPrecision;
    this.#replaceNullWithDefault = c.boolean('replace.null.with.default');
    const format = c.string('format') ?? '';
    if (this.#target === 'string' && format === '') {
      throw new ConfigError('TimestampConverter requires format option to be specified when using string timestamps', 'format');
    }
    this.#format = null;
    if (format !== '') {
      try {
        this.#format = new DateFormat(format);
      } catch (err) {
        throw new ConfigError(`TimestampConverter requires a SimpleDateFormat-compatible pattern for string timestamps: ${format} (${(err as Error).message})`, 'format');
      }
    }
  }

  apply<R extends ConnectRecord>(record: R): R | null {
    const value = operatingValue(record, this.#side) ?? null;
    const schema = operatingSchema(record, this.#side);
    const field = this.#field;
    if (field === '') {
      if (schema === null) return withSide(record, this.#side, null, value === null ? null : this.#convert(value, typeOfValue(value, null), null));
      const updatedSchema = this.#schemas.get(schema, (s) => {
        typeOfSchema(s, null);
        return targetSchema(this.#target, s.optional);
      });
      return withSide(record, this.#side, updatedSchema, value === null ? null : this.#convert(value, typeOfSchema(schema, null), null));
    }
    if (schema === null) {
      if (value === null) return record;
      const updated = copyMap(requireMap(value, PURPOSE));
      if (mapHas(updated, field)) {
        const v = mapGet(updated, field) ?? null;
        mapSet(updated, field, v === null ? null : this.#convert(v, typeOfValue(v, field), field));
      }
      return withSide(record, this.#side, null, updated);
    }
    const updatedSchema = this.#schemas.get(schema, (s) => this.#updatedSchema(s));
    if (value === null) return withSide(record, this.#side, updatedSchema, null);
    const struct = requireStruct(value, PURPOSE);
    const structSchemaOut = struct.schema === schema ? updatedSchema : this.#schemas.get(struct.schema, (s) => this.#updatedSchema(s));
    const updated = new Struct(structSchemaOut);
    for (const f of struct.schema.fields ?? []) {
      const v = structGet(struct, f, this.#replaceNullWithDefault);
      updated.values.set(f.name, f.name === field && v !== null ? this.#convert(v, typeOfSchema(f.schema, field), field) : v);
    }
    return withSide(record, this.#side, structSchemaOut, updated);
  }

  #updatedSchema(schema: Schema): Schema {
    if (schema.type !== 'struct') throw new DataError(`TimestampConverter: field "${this.#field}" was set, but the ${this.#side} is a ${schema.type}, not a struct`);
    const fields: [string, Schema][] = (schema.fields ?? []).map((f) => {
      if (f.name !== this.#field) return [f.name, f.schema];
      typeOfSchema(f.schema, f.name);
      return [f.name, targetSchema(this.#target, f.schema.optional)];
    });
    return structSchema(fields, schemaBasics(schema));
  }

  /** The value as epoch milliseconds. */
  #toMillis(value: unknown, type: TimestampType, field: string | null): number {
    const where = field === null ? 'the value' : `field "${field}"`;
    switch (type) {
      case 'Timestamp':
      case 'Date':
      case 'Time':
        if (value instanceof Date) return value.getTime();
        if (typeof value === 'number') return value;
        throw new DataError(`TimestampConverter: expected a Date in ${where}, found ${describe(value)}`);
      case 'string': {
        if (typeof value !== 'string') throw new DataError(`TimestampConverter: expected a string in ${where}, found ${describe(value)}`);
        if (this.#format === null) throw new DataError('TimestampConverter requires format option to be specified when using string timestamps');
        try {
          return this.#format.parse(value);
        } catch (err) {
          throw new DataError(`Could not parse timestamp: value (${value}) does not match pattern (${this.#format.pattern}) in ${where}: ${(err as Error).message}`);
        }
      }
      case 'unix': {
        if (typeof value !== 'number' && typeof value !== 'bigint') throw new DataError(`TimestampConverter: expected a number in ${where}, found ${describe(value)}`);
        if (typeof value === 'number' && !Number.isFinite(value)) throw new DataError(`TimestampConverter: ${value} in ${where} is not a timestamp`);
        const big = typeof value === 'bigint' ? value : BigInt(Math.trunc(value));
        // Java's TimeUnit conversions truncate toward zero.
        switch (this.#precision) {
          case 'seconds':
            return Number(big * 1000n);
          case 'milliseconds':
            return Number(big);
          case 'microseconds':
            return Number(big / 1000n);
          case 'nanoseconds':
            return Number(big / 1_000_000n);
        }
      }
    }
  }

  #convert(value: unknown, from: TimestampType, field: string | null): unknown {
    const ms = this.#toMillis(value, from, field);
    switch (this.#target) {
      case 'Timestamp':
        return new Date(ms);
      case 'Date':
        return new Date(ms - floorMod(ms, MS_PER_DAY));
      case 'Time':
        return new Date(floorMod(ms, MS_PER_DAY));
      case 'string':
        return (this.#format as DateFormat).format(ms);
      case 'unix': {
        const big = BigInt(ms);
        const out = this.#precision === 'seconds' ? big / 1000n : this.#precision === 'milliseconds' ? big : this.#precision === 'microseconds' ? big * 1000n : big * 1_000_000n;
        return out >= BigInt(Number.MIN_SAFE_INTEGER) && out <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(out) : out;
      }
    }
  }
}

export const timestampConverterPlugins: TransformationPlugin[] = keyValuePlugins('org.apache.kafka.connect.transforms.TimestampConverter', TRANSFORMS_VERSION, (side) => new TimestampConverter(side));
