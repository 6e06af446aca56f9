/**
 * PostgreSQL date/time text (DateStyle=ISO, TimeZone=UTC) to and from instants, keeping the
 * microseconds that a JavaScript Date drops. An instant is `{ ms, nanos }` like java.sql.Timestamp
 * and the JDBC source connector's offsets: `ms` is epoch milliseconds (fraction included, floor),
 * `nanos` the nanoseconds within the second.
 */

export interface PgInstant {
  readonly ms: number;
  readonly nanos: number;
}

const MAX_DATE_MS = 8.64e15;
export const POSITIVE_INFINITY_INSTANT: PgInstant = { ms: MAX_DATE_MS, nanos: 0 };
export const NEGATIVE_INFINITY_INSTANT: PgInstant = { ms: -MAX_DATE_MS, nanos: 0 };

const MS_PER_DAY = 86_400_000;

function utcMs(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, 0);
  return d.getTime();
}

function fractionToNanos(fraction: string | undefined): number {
  if (!fraction) return 0;
  return Number((fraction + '000000000').slice(0, 9));
}

function zoneOffsetSeconds(zone: string | undefined): number {
  if (!zone) return 0;
  const m = /^([+-])(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?$/.exec(zone);
  if (!m) throw new Error(`bad time zone offset ${JSON.stringify(zone)}`);
  const seconds = Number(m[2]) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0);
  return m[1] === '-' ? -seconds : seconds;
}

const TIMESTAMP_RE = /^(\d{4,})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([+-]\d{2}(?::?\d{2}){0,2})?( BC)?$/;

/** Parses timestamp or timestamptz text ('2024-01-02 03:04:05.123456', '...+00', '... BC', 'infinity'). */
export function parseTimestamp(text: string): PgInstant {
  if (text === 'infinity') return POSITIVE_INFINITY_INSTANT;
  if (text === '-infinity') return NEGATIVE_INFINITY_INSTANT;
  const m = TIMESTAMP_RE.exec(text);
  if (!m) throw new Error(`cannot read timestamp ${JSON.stringify(text)}`);
  let year = Number(m[1]);
  if (m[9]) year = 1 - year;
  const secondStart = utcMs(year, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) - zoneOffsetSeconds(m[8]) * 1000;
  const nanos = fractionToNanos(m[7]);
  return { ms: secondStart + Math.floor(nanos / 1e6), nanos };
}

/** Parses date text ('2024-01-02', '0044-03-15 BC', 'infinity') to epoch ms at UTC midnight. */
export function parseDate(text: string): number {
  if (text === 'infinity') return MAX_DATE_MS;
  if (text === '-infinity') return -MAX_DATE_MS;
  const m = /^(\d{4,})-(\d{2})-(\d{2})( BC)?$/.exec(text);
  if (!m) throw new Error(`cannot read date ${JSON.stringify(text)}`);
  let year = Number(m[1]);
  if (m[4]) year = 1 - year;
  return utcMs(year, Number(m[2]), Number(m[3]));
}

/** Parses time text ('03:04:05.123456', '24:00:00') to { ms, nanos } since midnight. */
export function parseTime(text: string): PgInstant {
  const m = /^(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/.exec(text);
  if (!m) throw new Error(`cannot read time ${JSON.stringify(text)}`);
  const nanos = fractionToNanos(m[4]);
  const secondStart = (Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3])) * 1000;
  return { ms: secondStart + Math.floor(nanos / 1e6), nanos };
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** The instant as a PostgreSQL timestamp literal in UTC with microseconds ('2024-01-02 03:04:05.123456'). */
export function formatTimestamp(instant: PgInstant): string {
  if (instant.ms >= MAX_DATE_MS) return 'infinity';
  if (instant.ms <= -MAX_DATE_MS) return '-infinity';
  const secondStart = instant.ms - Math.floor(instant.nanos / 1e6);
  const d = new Date(secondStart);
  const year = d.getUTCFullYear();
  const bc = year <= 0;
  const date = `${pad(bc ? 1 - year : year, 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;
  const time = `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}.${pad(Math.floor(instant.nanos / 1000), 6)}`;
  return `${date} ${time}${bc ? ' BC' : ''}`;
}

/** Epoch ms of a Date value as a date literal ('2024-01-02'). */
export function formatDate(ms: number): string {
  if (ms >= MAX_DATE_MS) return 'infinity';
  if (ms <= -MAX_DATE_MS) return '-infinity';
  const d = new Date(ms);
  const year = d.getUTCFullYear();
  const bc = year <= 0;
  return `${pad(bc ? 1 - year : year, 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}${bc ? ' BC' : ''}`;
}

/** Milliseconds since midnight (a Connect Time) as a time literal ('03:04:05.123'). */
export function formatTime(ms: number): string {
  const dayMs = ((ms % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY;
  const h = Math.floor(dayMs / 3_600_000);
  const m = Math.floor((dayMs % 3_600_000) / 60_000);
  const s = Math.floor((dayMs % 60_000) / 1000);
  return `${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}.${pad(dayMs % 1000, 3)}`;
}

export function compareInstants(a: PgInstant, b: PgInstant): number {
  if (a.ms !== b.ms) return a.ms < b.ms ? -1 : 1;
  return a.nanos - b.nanos;
}

/** The instant minus some milliseconds. */
export function minusMs(instant: PgInstant, ms: number): PgInstant {
  return { ms: instant.ms - ms, nanos: instant.nanos };
}
