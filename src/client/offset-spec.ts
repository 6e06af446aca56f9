/**
 * `consume -o/--offset`: where to start reading, in kcat's and rpk's grammar.
 *
 *   beginning | start | earliest | oldest   the first offset still in the log
 *   end | latest | newest                   the offset after the last record (only new records)
 *   stored | committed                      the group's committed offset (with -g)
 *   N                                       offset N (clamped to the log's range)
 *   -N                                      N records before the end
 *   +N                                      N records after the beginning
 *   @TIME                                   the first record at or after TIME
 *   @TIME1:TIME2                            records from TIME1 up to (not including) TIME2
 *   P:SPEC                                  SPEC for partition P only, e.g. 0:100 or 1:beginning
 *
 * TIME is milliseconds since the epoch (1700000000000), ISO-8601 (2024-05-01,
 * 2024-05-01T12:00:00Z, 2024-05-01T14:00:00+02:00; UTC when no zone is given), `now`, or a
 * duration ago: -15m, -1h, -2d (units ms, s, m, h, d).
 */
import { KstreamError } from '../util/errors.ts';

export type OffsetPosition =
  | { kind: 'beginning' }
  | { kind: 'end' }
  | { kind: 'stored' }
  | { kind: 'offset'; offset: bigint }
  | { kind: 'fromEnd'; count: bigint }
  | { kind: 'fromBeginning'; count: bigint }
  | { kind: 'time'; from: number; until?: number };

export interface OffsetSpec {
  /** The partition the spec is for; undefined for all partitions. */
  partition?: number;
  position: OffsetPosition;
}

/** An offset or time spec that cannot be parsed; the CLI reports it as a usage error. */
export class OffsetSpecError extends KstreamError {
  constructor(message: string) {
    super('BAD_OFFSET', message);
  }
}

const DURATION_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** Parses a point in time to milliseconds since the epoch; null when `text` is not one. */
export function tryParseTime(text: string, now: number = Date.now()): number | null {
  const t = text.trim();
  if (t === '') return null;
  if (t === 'now') return now;
  if (/^\d+$/.test(t)) {
    const n = Number(t);
    return Number.isSafeInteger(n) ? n : null;
  }
  const rel = /^-(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(t);
  if (rel) return now - Math.round(Number(rel[1]) * DURATION_MS[rel[2]]);
  const m = ISO.exec(t);
  if (!m) return null;
  const [, y, mo, d, hh, mi, ss, frac, zone] = m;
  const daysInMonth = new Date(Date.UTC(Number(y), Number(mo), 0)).getUTCDate();
  if (Number(mo) < 1 || Number(mo) > 12 || Number(d) < 1 || Number(d) > daysInMonth) return null;
  if (Number(hh ?? 0) > 23 || Number(mi ?? 0) > 59 || Number(ss ?? 0) > 59) return null;
  let z = 'Z';
  if (zone !== undefined && zone.toUpperCase() !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    z = `${zone[0]}${digits.slice(0, 2)}:${digits.length > 2 ? digits.slice(2, 4) : '00'}`;
  }
  const ms3 = frac === undefined ? '' : `.${frac.padEnd(3, '0').slice(0, 3)}`;
  const iso = `${y}-${mo}-${d}T${hh ?? '00'}:${mi ?? '00'}:${ss ?? '00'}${ms3}${z}`;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}

/** Parses a point in time; throws OffsetSpecError naming `what` when it is not one. */
export function parseTime(text: string, what = 'time', now: number = Date.now()): number {
  const ms = tryParseTime(text, now);
  if (ms === null) {
    throw new OffsetSpecError(`invalid ${what} ${JSON.stringify(text)}: expected milliseconds since the epoch, ISO-8601 (2024-05-01T12:00:00Z), now, or a duration ago (-1h)`);
  }
  return ms;
}

/** Parses `TIME` or `TIME1:TIME2` (after the `@`). */
function parseTimeRange(text: string, now: number): { from: number; until?: number } {
  const whole = tryParseTime(text, now);
  if (whole !== null) return { from: whole };
  // Times may contain colons (ISO), so try every split and take the first that parses on both sides.
  for (let i = text.indexOf(':'); i >= 0; i = text.indexOf(':', i + 1)) {
    const from = tryParseTime(text.slice(0, i), now);
    if (from === null) continue;
    const rest = text.slice(i + 1);
    if (rest === '') return { from };
    const until = tryParseTime(rest, now);
    if (until !== null) return { from, until };
  }
  throw new OffsetSpecError(`invalid time range @${text}: expected @TIME or @TIME1:TIME2 (TIME: epoch ms, ISO-8601, now, or -1h)`);
}

function parsePosition(text: string, now: number): OffsetPosition {
  const t = text.trim();
  switch (t.toLowerCase()) {
    case 'beginning':
    case 'start':
    case 'earliest':
    case 'oldest':
    case 'first':
      return { kind: 'beginning' };
    case 'end':
    case 'latest':
    case 'newest':
    case 'last':
      return { kind: 'end' };
    case 'stored':
    case 'committed':
      return { kind: 'stored' };
  }
  if (/^\d+$/.test(t)) return { kind: 'offset', offset: BigInt(t) };
  if (/^-\d+$/.test(t)) return { kind: 'fromEnd', count: BigInt(t.slice(1)) };
  if (/^\+\d+$/.test(t)) return { kind: 'fromBeginning', count: BigInt(t.slice(1)) };
  if (t.startsWith('@')) {
    const range = parseTimeRange(t.slice(1), now);
    if (range.until !== undefined && range.until < range.from) throw new OffsetSpecError(`invalid time range ${t}: the end is before the start`);
    return range.until === undefined ? { kind: 'time', from: range.from } : { kind: 'time', from: range.from, until: range.until };
  }
  throw new OffsetSpecError(`invalid offset ${JSON.stringify(text)}: expected beginning, end, stored, N, -N, +N, @TIME or @TIME1:TIME2, optionally as PARTITION:OFFSET`);
}

/** Parses one `-o` value. */
export function parseOffsetSpec(text: string, now: number = Date.now()): OffsetSpec {
  const m = /^(\d+):(.*)$/s.exec(text.trim());
  if (m) {
    const partition = Number(m[1]);
    if (!Number.isSafeInteger(partition) || partition > 2 ** 31 - 1) throw new OffsetSpecError(`invalid partition in ${JSON.stringify(text)}`);
    return { partition, position: parsePosition(m[2], now) };
  }
  return { position: parsePosition(text, now) };
}

/** The log's range of one partition, and the answer of a time lookup when one was needed. */
export interface PartitionBounds {
  /** The first offset in the log. */
  start: bigint;
  /** The offset after the last record (the high watermark, or the last stable offset). */
  end: bigint;
  /** The first offset at or after the spec's time, -1 when there is none (see ListOffsets). */
  timeOffset?: bigint;
  /** The group's committed offset, -1 or undefined when there is none. */
  committed?: bigint;
}

/** Where a position starts in a partition with the given bounds. */
export function resolveStart(position: OffsetPosition, b: PartitionBounds): bigint {
  const clamp = (o: bigint): bigint => (o < b.start ? b.start : o > b.end ? b.end : o);
  switch (position.kind) {
    case 'beginning':
      return b.start;
    case 'end':
      return b.end;
    case 'stored':
      return b.committed !== undefined && b.committed >= 0n ? clamp(b.committed) : b.end;
    case 'offset':
      return clamp(position.offset);
    case 'fromEnd':
      return clamp(b.end - position.count);
    case 'fromBeginning':
      return clamp(b.start + position.count);
    case 'time':
      return b.timeOffset === undefined || b.timeOffset < 0n ? b.end : clamp(b.timeOffset);
  }
}

/** Readable text for a position (messages). */
export function describePosition(p: OffsetPosition): string {
  switch (p.kind) {
    case 'beginning':
    case 'end':
    case 'stored':
      return p.kind;
    case 'offset':
      return p.offset.toString();
    case 'fromEnd':
      return `-${p.count}`;
    case 'fromBeginning':
      return `+${p.count}`;
    case 'time':
      return `@${new Date(p.from).toISOString()}${p.until === undefined ? '' : `:${new Date(p.until).toISOString()}`}`;
  }
}
