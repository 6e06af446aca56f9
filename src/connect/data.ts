/**
 * Helpers for Connect data: schema constants and builders (Kafka Connect's `Schema.STRING_SCHEMA`,
 * `SchemaBuilder.struct()`...), logical type conversions, and value checks used by the converters
 * and the runtime.
 *
 * Value representation (what converters hand to tasks, and accept from them):
 * - int8/int16/int32/float32/float64: number; int64: number when it is a safe integer, else bigint
 *   (bigint is also accepted on output);
 * - bytes: Buffer (Uint8Array accepted on output); string; boolean;
 * - array: array; map: Map, or a plain object for string keys; struct: Struct;
 * - logical types: Timestamp, Date, Time → Date; Decimal → a decimal string such as "-12.50"
 *   (number and bigint accepted on output).
 */
import { LogicalType, Struct, type Field, type Schema, type SchemaType } from './api.ts';

export class DataError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DataException';
  }
}

function primitive(type: SchemaType, optional: boolean): Schema {
  return Object.freeze({ type, optional });
}

export const Schemas = {
  INT8: primitive('int8', false),
  INT16: primitive('int16', false),
  INT32: primitive('int32', false),
  INT64: primitive('int64', false),
  FLOAT32: primitive('float32', false),
  FLOAT64: primitive('float64', false),
  BOOLEAN: primitive('boolean', false),
  STRING: primitive('string', false),
  BYTES: primitive('bytes', false),
  OPTIONAL_INT8: primitive('int8', true),
  OPTIONAL_INT16: primitive('int16', true),
  OPTIONAL_INT32: primitive('int32', true),
  OPTIONAL_INT64: primitive('int64', true),
  OPTIONAL_FLOAT32: primitive('float32', true),
  OPTIONAL_FLOAT64: primitive('float64', true),
  OPTIONAL_BOOLEAN: primitive('boolean', true),
  OPTIONAL_STRING: primitive('string', true),
  OPTIONAL_BYTES: primitive('bytes', true),
} as const;

/** A struct schema from `[name, schema]` pairs. */
export function structSchema(fields: readonly (readonly [string, Schema])[], options: Partial<Omit<Schema, 'type' | 'fields'>> = {}): Schema {
  const list: Field[] = fields.map(([name, schema], index) => ({ name, index, schema }));
  return { optional: false, ...options, type: 'struct', fields: list };
}

export function arraySchema(valueSchema: Schema, options: Partial<Omit<Schema, 'type' | 'valueSchema'>> = {}): Schema {
  return { optional: false, ...options, type: 'array', valueSchema };
}

export function mapSchema(keySchema: Schema, valueSchema: Schema, options: Partial<Omit<Schema, 'type' | 'keySchema' | 'valueSchema'>> = {}): Schema {
  return { optional: false, ...options, type: 'map', keySchema, valueSchema };
}

export function timestampSchema(optional = false): Schema {
  return { type: 'int64', optional, name: LogicalType.Timestamp, version: 1 };
}

export function dateSchema(optional = false): Schema {
  return { type: 'int32', optional, name: LogicalType.Date, version: 1 };
}

export function timeSchema(optional = false): Schema {
  return { type: 'int32', optional, name: LogicalType.Time, version: 1 };
}

export function decimalSchema(scale: number, optional = false): Schema {
  return { type: 'bytes', optional, name: LogicalType.Decimal, version: 1, parameters: { scale: String(scale) } };
}

export function withOptional(schema: Schema, optional: boolean): Schema {
  return schema.optional === optional ? schema : { ...schema, optional };
}

// ---- logical types ----------------------------------------------------------------------------

const MS_PER_DAY = 86_400_000;

export function decimalScale(schema: Schema): number {
  const raw = schema.parameters?.scale;
  const scale = raw === undefined ? 0 : Number(raw);
  if (!Number.isInteger(scale)) throw new DataError(`invalid Decimal scale ${JSON.stringify(raw)}`);
  return scale;
}

/** A decimal value (string, number or bigint) as its unscaled integer at `scale`. */
export function decimalToUnscaled(value: unknown, scale: number): bigint {
  let text: string;
  if (typeof value === 'bigint') text = value.toString();
  else if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new DataError(`not a finite decimal: ${value}`);
    text = value.toFixed(Math.max(0, Math.min(100, scale)));
  } else if (typeof value === 'string') text = value.trim();
  else throw new DataError(`a Decimal value must be a string, number or bigint, got ${describe(value)}`);
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new DataError(`not a decimal: ${JSON.stringify(text)}`);
  const sign = m[1] === '-' ? -1n : 1n;
  let digits = (m[2] || '0') + (m[3] ?? '');
  const exp = -(m[3] ?? '').length + (m[4] ? Number(m[4]) : 0);
  // digits × 10^exp = unscaled × 10^-scale → unscaled = digits × 10^(exp + scale)
  const shift = exp + scale;
  if (shift >= 0) digits += '0'.repeat(shift);
  else {
    const cut = digits.slice(digits.length + shift);
    if (/[1-9]/.test(cut)) throw new DataError(`${text} has more than ${scale} decimal places`);
    digits = digits.slice(0, digits.length + shift) || '0';
  }
  return sign * BigInt(digits);
}

/** The decimal string of `unscaled × 10^-scale`. */
export function unscaledToDecimal(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  let digits = (negative ? -unscaled : unscaled).toString();
  if (scale <= 0) return (negative ? '-' : '') + digits + '0'.repeat(-scale);
  if (digits.length <= scale) digits = '0'.repeat(scale - digits.length + 1) + digits;
  return `${negative ? '-' : ''}${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
}

/** Two's complement big-endian bytes of a bigint (Java's BigInteger.toByteArray). */
export function bigintToBytes(value: bigint): Buffer {
  const bits = bitLength(value);
  return Buffer.from(BigInt.asUintN(bits, value).toString(16).padStart(bits / 4, '0'), 'hex');
}

function bitLength(value: bigint): number {
  // Smallest multiple of 8 bits that holds the value in two's complement.
  let bits = 8;
  while (value < -(1n << BigInt(bits - 1)) || value >= 1n << BigInt(bits - 1)) bits += 8;
  return bits;
}

export function bytesToBigint(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  const unsigned = BigInt('0x' + Buffer.from(bytes).toString('hex'));
  return BigInt.asIntN(bytes.length * 8, unsigned);
}

export function dateToDays(value: unknown): number {
  const ms = toMillis(value);
  if (ms % MS_PER_DAY !== 0) throw new DataError('a Date value must be a whole day (midnight UTC)');
  return ms / MS_PER_DAY;
}

export function daysToDate(days: number): Date {
  return new Date(days * MS_PER_DAY);
}

export function timeToMillis(value: unknown): number {
  const ms = toMillis(value);
  if (ms < 0 || ms >= MS_PER_DAY) throw new DataError('a Time value must be within one day of the epoch');
  return ms;
}

export function toMillis(value: unknown): number {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  throw new DataError(`expected a Date, got ${describe(value)}`);
}

// ---- checks -----------------------------------------------------------------------------------

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Buffer.isBuffer(value)) return 'Buffer';
  if (value instanceof Struct) return 'Struct';
  if (value instanceof Map) return 'Map';
  if (value instanceof Date) return 'Date';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Schema equality for the runtime's purposes (type, name, version, parameters and children). */
export function schemaEquals(a: Schema | null | undefined, b: Schema | null | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  if (a.type !== b.type || a.optional !== b.optional || a.name !== b.name || a.version !== b.version) return false;
  if (JSON.stringify(a.parameters ?? {}) !== JSON.stringify(b.parameters ?? {})) return false;
  if (!schemaEquals(a.keySchema, b.keySchema) || !schemaEquals(a.valueSchema, b.valueSchema)) return false;
  const fa = a.fields ?? [];
  const fb = b.fields ?? [];
  return fa.length === fb.length && fa.every((f, i) => f.name === fb[i].name && schemaEquals(f.schema, fb[i].schema));
}

// ---- JSON with exact 64-bit integers -----------------------------------------------------------

interface JsonWithRaw {
  rawJSON(text: string): unknown;
}
type ReviverWithSource = (this: unknown, key: string, value: unknown, context?: { source?: string }) => unknown;

/** JSON.stringify that writes bigints as exact JSON numbers. */
export function stringifyJson(value: unknown): string {
  const raw = (JSON as unknown as JsonWithRaw).rawJSON;
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? raw(v.toString()) : v));
}

/** JSON.parse that keeps integers beyond 2^53 exact (as bigints). */
export function parseJson(text: string): unknown {
  const reviver: ReviverWithSource = (_key, value, context) => {
    if (typeof value === 'number' && !Number.isSafeInteger(value) && context?.source && /^-?\d+$/.test(context.source)) return BigInt(context.source);
    return value;
  };
  return JSON.parse(text, reviver as (key: string, value: unknown) => unknown);
}
