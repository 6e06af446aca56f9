/**
 * PostgreSQL column types to Connect schemas and values (for the source), and Connect schemas to
 * column types (for the sink's auto.create / auto.evolve).
 *
 * Source values arrive as PostgreSQL text output (DateStyle=ISO, TimeZone=UTC). The mapping:
 *
 * | PostgreSQL | Connect |
 * | --- | --- |
 * | bool | boolean |
 * | int2 / int4 / int8, oid | int16 / int32 (number), int64 (bigint) |
 * | float4 / float8 | float32 / float64 |
 * | numeric(p,s) | Decimal (decimal string at scale s) by default; see NumericMapping |
 * | numeric (no precision) | string, or float64 with mapping `double` |
 * | text, varchar, bpchar, name, "char" | string |
 * | bytea | bytes (Buffer) |
 * | date / time / timestamp / timestamptz | Date / Time / Timestamp logical types (Date objects, UTC) |
 * | json, jsonb, uuid, xml, interval, inet, cidr, macaddr, money, bit, timetz, enums, others | string (text form) |
 * | one-dimensional arrays of the types above | array of the element mapping |
 */
import type { Schema } from '../../api.ts';
import { decimalToUnscaled, unscaledToDecimal } from '../../data.ts';
import { arraySchema, dateSchema, decimalSchema, primitive, timeSchema, timestampSchema } from './schemas.ts';
import { parseDate, parseTime, parseTimestamp } from './pg-time.ts';
import { LogicalType } from '../../api.ts';

export const Oid = {
  bool: 16,
  bytea: 17,
  char: 18,
  name: 19,
  int8: 20,
  int2: 21,
  int4: 23,
  text: 25,
  oid: 26,
  json: 114,
  xml: 142,
  cidr: 650,
  float4: 700,
  float8: 701,
  money: 790,
  macaddr: 829,
  inet: 869,
  bpchar: 1042,
  varchar: 1043,
  date: 1082,
  time: 1083,
  timestamp: 1114,
  timestamptz: 1184,
  interval: 1186,
  timetz: 1266,
  bit: 1560,
  varbit: 1562,
  numeric: 1700,
  uuid: 2950,
  jsonb: 3802,
} as const;

/** Array type OID → element type OID, for the built-in element types. */
export const ARRAY_ELEMENT_OID: Readonly<Record<number, number>> = {
  1000: Oid.bool,
  1001: Oid.bytea,
  1002: Oid.char,
  1003: Oid.name,
  1005: Oid.int2,
  1007: Oid.int4,
  1009: Oid.text,
  1014: Oid.bpchar,
  1015: Oid.varchar,
  1016: Oid.int8,
  1021: Oid.float4,
  1022: Oid.float8,
  1028: Oid.oid,
  1115: Oid.timestamp,
  1182: Oid.date,
  1183: Oid.time,
  1185: Oid.timestamptz,
  1231: Oid.numeric,
  2951: Oid.uuid,
  199: Oid.json,
  3807: Oid.jsonb,
};

/**
 * How numeric columns map (`numeric.mapping`, or Debezium's `decimal.handling.mode`):
 * - decimal (JDBC `none`, Debezium `precise`): Decimal logical type with the column's scale;
 * - string: the decimal text;
 * - double: float64;
 * - precision_only: integer types for numeric(p,0) with p < 19, otherwise Decimal;
 * - best_fit: as precision_only, and float64 for numeric(p,s>0) with p < 19.
 * A numeric column without a declared precision has no fixed scale: it maps to string (float64 with `double`).
 */
export type NumericMapping = 'decimal' | 'string' | 'double' | 'precision_only' | 'best_fit';
export const NUMERIC_MAPPINGS: readonly NumericMapping[] = ['decimal', 'string', 'double', 'precision_only', 'best_fit'];

/** Reads numeric.mapping / decimal.handling.mode values (JDBC and Debezium spellings). */
export function parseNumericMapping(value: string): NumericMapping | null {
  switch (value.trim().toLowerCase()) {
    case 'none':
    case 'decimal':
    case 'precise':
      return 'decimal';
    case 'string':
      return 'string';
    case 'double':
      return 'double';
    case 'precision_only':
      return 'precision_only';
    case 'best_fit':
    case 'best_fit_eager_double':
      return 'best_fit';
    default:
      return null;
  }
}

export interface ColumnType {
  readonly oid: number;
  /** The type modifier (atttypmod), -1 when none. */
  readonly typmod: number;
}

export interface TypeMappingOptions {
  readonly numericMapping: NumericMapping;
}

export interface ColumnMapping {
  readonly schema: Schema;
  /** Converts a non-null text value. */
  fromText(text: string): unknown;
}

/** A decimal string at `scale` ("1.5" at scale 2 → "1.50"): Connect Decimal values are decimal strings. */
export function normalizeDecimal(text: string, scale: number): string {
  return unscaledToDecimal(decimalToUnscaled(text, scale), scale);
}

/** numeric(p,s) from a type modifier; null when unconstrained. */
export function numericPrecisionScale(typmod: number): { precision: number; scale: number } | null {
  if (typmod < 4) return null;
  const packed = typmod - 4;
  const precision = (packed >> 16) & 0xffff;
  // The scale is an 11-bit signed field (negative scales exist since PostgreSQL 15).
  const scale = ((packed & 0x7ff) ^ 1024) - 1024;
  return { precision, scale };
}

const identity = (text: string): string => text;
const toInt = (text: string): number => Number.parseInt(text, 10);
const toBigInt = (text: string): bigint => BigInt(text);
const toFloat = (text: string): number => Number(text);
const toBool = (text: string): boolean => text === 't' || text === 'true';
const toBytes = (text: string): Buffer => (text.startsWith('\\x') ? Buffer.from(text.slice(2), 'hex') : Buffer.from(text, 'utf8'));
const toTimestamp = (text: string): Date => new Date(parseTimestamp(text).ms);
const toDate = (text: string): Date => new Date(parseDate(text));
// 24:00:00 is a valid time; a Connect Time stays within the day.
const toTime = (text: string): Date => new Date(Math.min(parseTime(text).ms, 86_399_999));

function integerFor(precision: number, optional: boolean): ColumnMapping {
  if (precision < 3) return { schema: primitive('int8', optional), fromText: toInt };
  if (precision < 5) return { schema: primitive('int16', optional), fromText: toInt };
  if (precision < 10) return { schema: primitive('int32', optional), fromText: toInt };
  return { schema: primitive('int64', optional), fromText: (t) => BigInt(t.replace(/\.0*$/, '')) };
}

function numericMapping(typmod: number, optional: boolean, mapping: NumericMapping): ColumnMapping {
  const ps = numericPrecisionScale(typmod);
  if (mapping === 'string') return { schema: primitive('string', optional), fromText: identity };
  if (mapping === 'double') return { schema: primitive('float64', optional), fromText: toFloat };
  if (ps && (mapping === 'precision_only' || mapping === 'best_fit') && ps.precision < 19) {
    if (ps.scale === 0) return integerFor(ps.precision, optional);
    if (mapping === 'best_fit' && ps.scale > 0) return { schema: primitive('float64', optional), fromText: toFloat };
  }
  if (!ps) return { schema: primitive('string', optional), fromText: identity };
  const scale = ps.scale;
  return {
    // NaN has no Decimal form: it becomes null.
    schema: decimalSchema(scale, ps.precision, optional),
    fromText: (text) => (text === 'NaN' ? null : normalizeDecimal(text, scale)),
  };
}

/** Mapping of a built-in scalar type; string for anything else. */
function scalarMapping(type: ColumnType, optional: boolean, options: TypeMappingOptions): ColumnMapping {
  switch (type.oid) {
    case Oid.bool:
      return { schema: primitive('boolean', optional), fromText: toBool };
    case Oid.int2:
      return { schema: primitive('int16', optional), fromText: toInt };
    case Oid.int4:
      return { schema: primitive('int32', optional), fromText: toInt };
    case Oid.int8:
    case Oid.oid:
      return { schema: primitive('int64', optional), fromText: toBigInt };
    case Oid.float4:
      return { schema: primitive('float32', optional), fromText: toFloat };
    case Oid.float8:
      return { schema: primitive('float64', optional), fromText: toFloat };
    case Oid.numeric:
      return numericMapping(type.typmod, optional, options.numericMapping);
    case Oid.bytea:
      return { schema: primitive('bytes', optional), fromText: toBytes };
    case Oid.date:
      return { schema: dateSchema(optional), fromText: toDate };
    case Oid.time:
      return { schema: timeSchema(optional), fromText: toTime };
    case Oid.timestamp:
    case Oid.timestamptz:
      return { schema: timestampSchema(optional), fromText: toTimestamp };
    default:
      return { schema: primitive('string', optional), fromText: identity };
  }
}

/**
 * Splits a one-dimensional array literal ('{1,NULL,"a,b"}') into element texts (null for NULL).
 * Returns null for multi-dimensional arrays or arrays with explicit bounds.
 */
export function parseArrayLiteral(text: string, delimiter = ','): (string | null)[] | null {
  if (!text.startsWith('{') || !text.endsWith('}')) return null;
  const out: (string | null)[] = [];
  const body = text.slice(1, -1);
  if (body === '') return out;
  let i = 0;
  while (i <= body.length) {
    if (body[i] === '{') return null;
    if (body[i] === '"') {
      let value = '';
      i++;
      while (i < body.length && body[i] !== '"') {
        if (body[i] === '\\') i++;
        value += body[i++];
      }
      i++; // closing quote
      out.push(value);
    } else {
      let end = body.indexOf(delimiter, i);
      if (end < 0) end = body.length;
      const raw = body.slice(i, end).trim();
      out.push(raw.toUpperCase() === 'NULL' ? null : raw);
      i = end;
    }
    if (i < body.length && body[i] !== delimiter) return null;
    i++;
  }
  return out;
}

/** The Connect schema and value conversion of a column. */
export function mapColumnType(type: ColumnType, optional: boolean, options: TypeMappingOptions): ColumnMapping {
  const elementOid = ARRAY_ELEMENT_OID[type.oid];
  if (elementOid !== undefined) {
    const element = scalarMapping({ oid: elementOid, typmod: type.typmod }, true, options);
    return {
      schema: arraySchema(element.schema, optional),
      fromText: (text) => {
        const parts = parseArrayLiteral(text);
        if (parts === null) throw new Error(`only one-dimensional arrays are supported, got ${text.slice(0, 40)}`);
        return parts.map((p) => (p === null ? null : element.fromText(p)));
      },
    };
  }
  return scalarMapping(type, optional, options);
}

// ---- sink: Connect schema → column type -----------------------------------------------------

/** The PostgreSQL column type for a Connect schema (auto.create / auto.evolve). */
export function pgTypeForSchema(schema: Schema): string {
  switch (schema.name) {
    case LogicalType.Decimal: {
      const scale = schema.parameters?.scale;
      const precision = schema.parameters?.['connect.decimal.precision'];
      if (scale !== undefined && precision !== undefined && Number(precision) > 0 && Number(precision) <= 1000) return `numeric(${Number(precision)},${Number(scale)})`;
      return 'numeric';
    }
    case LogicalType.Date:
      return 'date';
    case LogicalType.Time:
      return 'time(3)';
    case LogicalType.Timestamp:
      return 'timestamp(3)';
    case 'io.debezium.data.Json':
      return 'jsonb';
    case 'io.debezium.data.Uuid':
      return 'uuid';
    default:
      break;
  }
  switch (schema.type) {
    case 'int8':
    case 'int16':
      return 'smallint';
    case 'int32':
      return 'integer';
    case 'int64':
      return 'bigint';
    case 'float32':
      return 'real';
    case 'float64':
      return 'double precision';
    case 'boolean':
      return 'boolean';
    case 'string':
      return 'text';
    case 'bytes':
      return 'bytea';
    case 'array':
    case 'map':
    case 'struct':
      return 'jsonb';
  }
}
