/**
 * Offsets of the query modes, in the JDBC source connector's format:
 * `{ incrementing: <last id> }`, `{ timestamp: <epoch ms>, timestamp_nanos: <ns within the second> }`
 * or both (timestamp+incrementing); `{}` in bulk mode. Source partitions are
 * `{ table: "<schema>.<table>" }` or `{ query: "query" }`.
 */
import type { SourceOffset, SourcePartition } from '../../api.ts';
import { tableName, type PgInstant, type TableId } from '../postgres-common/index.ts';
import type { SourceMode } from './config.ts';

export interface QueryOffset {
  readonly incrementing: bigint | null;
  readonly timestamp: PgInstant | null;
}

export const EMPTY_QUERY_OFFSET: QueryOffset = { incrementing: null, timestamp: null };

export function tablePartition(table: TableId): SourcePartition {
  return { table: tableName(table) };
}

export const QUERY_PARTITION: SourcePartition = { query: 'query' };

export function usesIncrementing(mode: SourceMode): boolean {
  return mode === 'incrementing' || mode === 'timestamp+incrementing';
}

export function usesTimestamp(mode: SourceMode): boolean {
  return mode === 'timestamp' || mode === 'timestamp+incrementing';
}

function incrementingToJson(v: bigint): number | string {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
}

export function queryOffsetToJson(mode: SourceMode, offset: QueryOffset): SourceOffset {
  const out: Record<string, unknown> = {};
  if (usesIncrementing(mode) && offset.incrementing !== null) out.incrementing = incrementingToJson(offset.incrementing);
  if (usesTimestamp(mode) && offset.timestamp !== null) {
    out.timestamp = offset.timestamp.ms;
    out.timestamp_nanos = offset.timestamp.nanos;
  }
  return out;
}

function readBigint(v: unknown): bigint | null {
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  if (typeof v === 'bigint') return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt(v);
  return null;
}

/** Reads a stored offset (tolerating numbers as strings); missing parts are null. */
export function queryOffsetFromJson(json: SourceOffset | null | undefined): QueryOffset {
  if (!json) return EMPTY_QUERY_OFFSET;
  const incrementing = readBigint(json.incrementing);
  const ms = readBigint(json.timestamp);
  let timestamp: PgInstant | null = null;
  if (ms !== null) {
    const nanos = readBigint(json.timestamp_nanos);
    const n = nanos === null ? Number(((ms % 1000n) + 1000n) % 1000n) * 1_000_000 : Number(nanos);
    timestamp = { ms: Number(ms), nanos: n };
  }
  return { incrementing, timestamp };
}
