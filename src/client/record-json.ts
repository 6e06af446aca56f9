/**
 * The JSON envelope of a record: what `consume --json` (or `--output json|ndjson`) prints, one
 * object per line, and what `produce --input json` reads, so that
 * `kstream consume a -e --json | kstream produce --input json b` copies records losslessly.
 *
 *   {"topic":"t","partition":0,"offset":42,"timestamp":1700000000000,"timestampType":"CreateTime",
 *    "key":"user-1","value":"aGVsbG8=","headers":[{"key":"trace","value":"abc"}],
 *    "keyEncoding":"utf8","valueEncoding":"base64"}
 *
 * - `key` / `value`: the bytes as a string, in `keyEncoding` / `valueEncoding`: `utf8` when the
 *   bytes are valid UTF-8, else `base64`. A null key or value (a tombstone) is `null` with a
 *   `null` encoding. An empty one is `""` with `utf8`.
 * - `headers`: in record order (keys may repeat). Each is `{"key","value"}`, with
 *   `"keyEncoding":"base64"` / `"valueEncoding":"base64"` added only for bytes that are not valid
 *   UTF-8 (absent means utf8); a header without a value has `"value":null`.
 * - `timestamp`: milliseconds since the epoch; `timestampType`: `CreateTime` or `LogAppendTime`.
 * - `offset`, `partition`: numbers.
 *
 * Reading (`produce --input json`) is lenient: only `value` is needed; `keyEncoding` /
 * `valueEncoding` default to utf8 (`hex` is also accepted); a `value` or `key` that is not a
 * string (an object, number, boolean) is written as its compact JSON text; `headers` may also be
 * an object `{"name":"value"}`; `timestamp` may be a number, a numeric string or ISO-8601 text.
 * `topic` is used only when `produce` has no TOPIC argument, `partition` only with
 * `--keep-partition`; `offset` and `timestampType` are ignored.
 */
import { isUtf8 } from 'node:buffer';
import { KstreamError } from '../util/errors.ts';
import type { ConsumedRecord, RecordHeader, RecordToProduce } from './records.ts';

export type BytesEncoding = 'utf8' | 'base64';

export interface HeaderEnvelope {
  key: string;
  value: string | null;
  keyEncoding?: 'base64';
  valueEncoding?: 'base64';
}

export interface RecordEnvelope {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  timestampType: string;
  key: string | null;
  value: string | null;
  headers: HeaderEnvelope[];
  keyEncoding: BytesEncoding | null;
  valueEncoding: BytesEncoding | null;
}

/** A line of `--input json` that is not a record; reported as a usage error with the line number. */
export class RecordJsonError extends KstreamError {
  constructor(message: string) {
    super('BAD_INPUT', message);
  }
}

function encodeBytes(b: Buffer | null): [string | null, BytesEncoding | null] {
  if (b === null) return [null, null];
  if (isUtf8(b)) return [b.toString('utf8'), 'utf8'];
  return [b.toString('base64'), 'base64'];
}

/** The envelope of a consumed record. */
export function toEnvelope(r: ConsumedRecord): RecordEnvelope {
  const [key, keyEncoding] = encodeBytes(r.key);
  const [value, valueEncoding] = encodeBytes(r.value);
  const headers: HeaderEnvelope[] = r.headers.map((h) => {
    const [k, ke] = encodeBytes(h.key);
    const [v, ve] = encodeBytes(h.value);
    const out: HeaderEnvelope = { key: k ?? '', value: v };
    if (ke === 'base64') out.keyEncoding = 'base64';
    if (ve === 'base64') out.valueEncoding = 'base64';
    return out;
  });
  return {
    topic: r.topic,
    partition: r.partition,
    offset: Number(r.offset),
    timestamp: Number(r.timestamp),
    timestampType: r.timestampType,
    key,
    value,
    headers,
    keyEncoding,
    valueEncoding,
  };
}

/** The envelope of a consumed record as one line of JSON (no newline). */
export function recordToJsonLine(r: ConsumedRecord): string {
  return JSON.stringify(toEnvelope(r));
}

function decodeBytes(what: string, value: unknown, encoding: unknown): Buffer | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') return Buffer.from(JSON.stringify(value), 'utf8');
  const enc = encoding === undefined || encoding === null ? 'utf8' : encoding;
  switch (enc) {
    case 'utf8':
    case 'utf-8':
      return Buffer.from(value, 'utf8');
    case 'base64':
      if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(value)) throw new RecordJsonError(`${what} is not valid base64`);
      return Buffer.from(value, 'base64');
    case 'hex':
      if (!/^(?:[0-9a-fA-F]{2})*$/.test(value)) throw new RecordJsonError(`${what} is not valid hex`);
      return Buffer.from(value, 'hex');
    default:
      throw new RecordJsonError(`${what} has unknown encoding ${JSON.stringify(enc)} (use utf8, base64 or hex)`);
  }
}

function parseTimestampField(value: unknown): bigint | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isInteger(value)) return value < 0 ? undefined : BigInt(value);
  if (typeof value === 'string') {
    if (/^-?\d+$/.test(value)) {
      const n = BigInt(value);
      return n < 0n ? undefined : n;
    }
    const ms = Date.parse(value);
    if (!Number.isNaN(ms)) return BigInt(ms);
  }
  throw new RecordJsonError(`timestamp ${JSON.stringify(value)} is not milliseconds since the epoch or an ISO-8601 time`);
}

function parseHeaders(value: unknown): RecordHeader[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) {
    return value.map((h: unknown, i) => {
      if (typeof h !== 'object' || h === null || Array.isArray(h)) throw new RecordJsonError(`headers[${i}] is not an object`);
      const o = h as Record<string, unknown>;
      if (typeof o.key !== 'string') throw new RecordJsonError(`headers[${i}].key is not a string`);
      return { key: decodeBytes(`headers[${i}].key`, o.key, o.keyEncoding) ?? Buffer.alloc(0), value: decodeBytes(`headers[${i}].value`, o.value, o.valueEncoding) };
    });
  }
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).map(([k, v]) => ({ key: Buffer.from(k, 'utf8'), value: decodeBytes(`header ${k}`, v, 'utf8') }));
  }
  throw new RecordJsonError('headers is neither an array nor an object');
}

/** Parses one line of `--input json` into a record. Throws RecordJsonError. */
export function parseRecordJson(line: string): RecordToProduce {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (err) {
    throw new RecordJsonError(`not JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new RecordJsonError('expected a JSON object per line');
  const o = parsed as Record<string, unknown>;
  const record: RecordToProduce = {
    key: decodeBytes('key', o.key, o.keyEncoding),
    value: decodeBytes('value', o.value, o.valueEncoding),
    headers: parseHeaders(o.headers),
  };
  if (o.topic !== undefined && o.topic !== null) {
    if (typeof o.topic !== 'string' || o.topic === '') throw new RecordJsonError('topic is not a non-empty string');
    record.topic = o.topic;
  }
  if (o.partition !== undefined && o.partition !== null) {
    if (typeof o.partition !== 'number' || !Number.isInteger(o.partition) || o.partition < 0) throw new RecordJsonError('partition is not a whole number');
    record.partition = o.partition;
  }
  const ts = parseTimestampField(o.timestamp);
  if (ts !== undefined) record.timestamp = ts;
  return record;
}
