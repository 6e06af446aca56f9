/**
 * Connect values to statement parameters (text or Buffer), by the field's schema and the target
 * column: logical types to date/time literals (UTC), Decimal to its digits, int64 without loss,
 * structs/maps/arrays to JSON (json/jsonb and text columns) or to array literals (array columns).
 */
import { LogicalType, Struct, type Schema } from '../../api.ts';
import { bytesToBigint, unscaledToDecimal } from '../../data.ts';
import { formatDate, formatTime } from '../postgres-common/index.ts';

/** What the sink knows about a destination column. */
export interface ColumnMeta {
  readonly name: string;
  /** format_type(): 'integer', 'timestamp(3) without time zone', 'jsonb', 'text[]'... */
  readonly type: string;
  /** pg_type.typname of the column's type ('int4', 'jsonb', '_text'). */
  readonly typname: string;
  /** pg_type.typcategory ('A' array, 'N' numeric, 'S' string, 'D' date/time, 'U' user...). */
  readonly category: string;
  readonly notNull: boolean;
  readonly hasDefault: boolean;
}

export type PgParam = string | Buffer | null;

function toMillis(value: unknown): number {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return Number(value);
  throw new TypeError(`expected a Date or epoch number, got ${typeof value}`);
}

function iso(ms: number): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) throw new TypeError(`invalid time ${ms}`);
  return d.toISOString();
}

/** JSON for structs, maps, arrays and objects (bigints as numbers when safe, bytes as base64, dates as ISO). */
export function toJsonText(value: unknown): string {
  return JSON.stringify(toJsonValue(value));
}

function toJsonValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Struct) {
    const out: Record<string, unknown> = {};
    for (const f of value.schema.fields ?? []) out[f.name] = toJsonValue(value.values.get(f.name));
    return out;
  }
  if (value instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of value) out[String(k)] = toJsonValue(v);
    return out;
  }
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toJsonValue(v);
    return out;
  }
  return value;
}

function arrayElementLiteral(value: unknown, schema: Schema | null): string {
  if (value === null || value === undefined) return 'NULL';
  const text = toParamText(value, schema, null);
  const s = Buffer.isBuffer(text) ? `\\x${text.toString('hex')}` : (text ?? 'NULL');
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** A PostgreSQL array literal ('{"1","2",NULL}'). */
export function toArrayLiteral(values: readonly unknown[], elementSchema: Schema | null): string {
  return `{${values.map((v) => arrayElementLiteral(v, elementSchema)).join(',')}}`;
}

function toParamText(value: unknown, schema: Schema | null, column: ColumnMeta | null): PgParam {
  if (value === null || value === undefined) return null;
  switch (schema?.name) {
    case LogicalType.Timestamp:
      return iso(toMillis(value));
    case LogicalType.Date:
      return formatDate(value instanceof Date ? value.getTime() : typeof value === 'number' && Math.abs(value) < 1e8 ? value * 86_400_000 : toMillis(value));
    case LogicalType.Time:
      return formatTime(toMillis(value));
    case LogicalType.Decimal: {
      if (Buffer.isBuffer(value) || value instanceof Uint8Array) return unscaledToDecimal(bytesToBigint(value), Number(schema.parameters?.scale ?? 0));
      return String(value);
    }
  }
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof Uint8Array) return Buffer.from(value);
  if (value instanceof Date) return iso(value.getTime());
  if (value instanceof Struct || value instanceof Map || Array.isArray(value) || typeof value === 'object') {
    if (Array.isArray(value) && column?.category === 'A') return toArrayLiteral(value, schema?.valueSchema ?? null);
    return toJsonText(value);
  }
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (value === Infinity) return 'Infinity';
    if (value === -Infinity) return '-Infinity';
    return String(value);
  }
  return String(value);
}

/** The parameter for one column value. */
export function toPgParam(value: unknown, schema: Schema | null, column: ColumnMeta | null = null): PgParam {
  return toParamText(value, schema, column);
}
