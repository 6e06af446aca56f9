/**
 * Offset reset strategies, pure: what each of kafka-consumer-groups' `--reset-offsets`
 * strategies (and rpk's `--to-group`) makes of a partition's current committed offset and log
 * bounds. The I/O (reading offsets, committing) is in groups.ts; this file decides targets.
 *
 * Targets are clamped to [log start, log end] as Kafka's tool does (a warning per clamped
 * partition, here the `clamped` field), except `--to-current`, which Kafka keeps as it is.
 * Also here: parsing of the ISO-8601 values (`--to-datetime`, `--by-duration`) and of the
 * CSV that `--export` writes and `--from-file` reads.
 */
import { KstreamError } from '../util/errors.ts';

export type ResetStrategy =
  | { kind: 'to-earliest' }
  | { kind: 'to-latest' }
  | { kind: 'to-current' }
  | { kind: 'to-offset'; offset: bigint }
  | { kind: 'shift-by'; shift: bigint }
  /** Epoch milliseconds: the first offset whose timestamp is at least this. */
  | { kind: 'to-datetime'; timestamp: number }
  /** `now − duration`, then as to-datetime. */
  | { kind: 'by-duration'; durationMs: number }
  | { kind: 'from-file'; path: string }
  | { kind: 'to-group'; group: string };

export type ResetStrategyKind = ResetStrategy['kind'];

/** What the planner needs to know about one partition. */
export interface ResetInput {
  topic: string;
  partition: number;
  /** The group's committed offset; null when it has none. */
  current: bigint | null;
  logStart: bigint;
  logEnd: bigint;
  /**
   * to-datetime / by-duration: the first offset with a timestamp at or after the time (the
   * ListOffsets answer), null when there is none (every record is older: the log end is used).
   * from-file / to-group: the offset asked for, null when the file or group has none.
   */
  lookup?: bigint | null;
}

export interface ResetPlanRow {
  topic: string;
  partition: number;
  current: bigint | null;
  /** The offset to commit; null when this partition is left unchanged. */
  target: bigint | null;
  /** The offset asked for when it was outside the log and `target` was clamped. */
  requested: bigint | null;
  clamped: 'log-start' | 'log-end' | null;
  /** Why `target` is null. */
  note: string | null;
}

/** A reset that cannot be planned (e.g. shifting a partition without a committed offset). */
export class ResetPlanError extends KstreamError {
  constructor(code: string, message: string, context: Record<string, unknown> = {}) {
    super(code, message, { context });
  }
}

/** The time a by-duration / to-datetime strategy looks up, in epoch ms. */
export function lookupTimestamp(strategy: ResetStrategy, now: number): number | null {
  if (strategy.kind === 'to-datetime') return strategy.timestamp;
  if (strategy.kind === 'by-duration') return now - strategy.durationMs;
  return null;
}

function clamp(input: ResetInput, requested: bigint): Pick<ResetPlanRow, 'target' | 'requested' | 'clamped'> {
  if (requested > input.logEnd) return { target: input.logEnd, requested, clamped: 'log-end' };
  if (requested < input.logStart) return { target: input.logStart, requested, clamped: 'log-start' };
  return { target: requested, requested: null, clamped: null };
}

/** The new offset of one partition under `strategy`. Throws ResetPlanError when there is none. */
export function planPartition(strategy: ResetStrategy, input: ResetInput): ResetPlanRow {
  const row = { topic: input.topic, partition: input.partition, current: input.current, note: null };
  const exact = (target: bigint): ResetPlanRow => ({ ...row, target, requested: null, clamped: null });
  switch (strategy.kind) {
    case 'to-earliest':
      return exact(input.logStart);
    case 'to-latest':
      return exact(input.logEnd);
    case 'to-current':
      // Kafka keeps the committed offset as is; without one, the log end.
      return exact(input.current ?? input.logEnd);
    case 'to-offset':
      return { ...row, ...clamp(input, strategy.offset) };
    case 'shift-by':
      if (input.current === null) {
        throw new ResetPlanError('NO_COMMITTED_OFFSET', `cannot shift ${input.topic}:${input.partition}: the group has no committed offset for it`, { topic: input.topic, partition: input.partition });
      }
      return { ...row, ...clamp(input, input.current + strategy.shift) };
    case 'to-datetime':
    case 'by-duration':
      // No record at or after the time: the log end, as Kafka does.
      return { ...row, ...clamp(input, input.lookup ?? input.logEnd) };
    case 'from-file':
    case 'to-group':
      if (input.lookup === undefined || input.lookup === null) {
        return { ...row, target: null, requested: null, clamped: null, note: strategy.kind === 'from-file' ? 'not in the file' : `no offset in group ${strategy.group}` };
      }
      return { ...row, ...clamp(input, input.lookup) };
  }
}

/** The plan for every partition, in input order. */
export function planResets(strategy: ResetStrategy, inputs: readonly ResetInput[]): ResetPlanRow[] {
  return inputs.map((input) => planPartition(strategy, input));
}

// ---- ISO-8601 values --------------------------------------------------------------------------

const DURATION = /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i;

/**
 * Parses an ISO-8601 duration in Java's Duration form `PnDTnHnMnS` (days, hours, minutes,
 * seconds; fractions allowed, e.g. `PT1.5S`, `P1DT12H`, `PT30M`) into milliseconds. Years,
 * months and weeks are not durations of fixed length and are refused, as Java refuses them.
 */
export function parseIsoDuration(input: string): number {
  const text = input.trim();
  const m = DURATION.exec(text);
  if (!m || text.toUpperCase() === 'P' || text.toUpperCase().endsWith('T') || m.slice(1).every((g) => g === undefined)) {
    throw new ResetPlanError('INVALID_DURATION', `expected an ISO-8601 duration like PT30M, P1DT12H or PT1.5S, got ${JSON.stringify(input)}`);
  }
  const [d, h, min, s] = m.slice(1).map((g) => (g === undefined ? 0 : Number(g)));
  return Math.round(((d * 24 + h) * 60 + min) * 60_000 + s * 1000);
}

const DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Parses `--to-datetime`: ISO-8601 `YYYY-MM-DDTHH:mm[:ss[.sss]]` with an optional zone (`Z`,
 * `+02:00`, `-0500`); without a zone the time is local, as Kafka reads it. A bare integer is
 * taken as epoch milliseconds. Returns epoch milliseconds.
 */
export function parseDateTime(input: string): number {
  const text = input.trim();
  if (/^\d{1,16}$/.test(text)) return Number(text);
  const m = DATETIME.exec(text);
  if (!m) {
    throw new ResetPlanError('INVALID_DATETIME', `expected an ISO-8601 date-time like 2024-05-01T12:00:00Z or 2024-05-01T12:00:00.000+02:00, got ${JSON.stringify(input)}`);
  }
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const fields = [Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0), frac === undefined ? 0 : Number(frac.slice(0, 3).padEnd(3, '0'))] as const;
  const daysInMonth = new Date(Date.UTC(fields[0], fields[1] + 1, 0)).getUTCDate();
  if (fields[1] < 0 || fields[1] > 11 || fields[2] < 1 || fields[2] > daysInMonth || fields[3] > 23 || fields[4] > 59 || fields[5] > 59) {
    throw new ResetPlanError('INVALID_DATETIME', `${JSON.stringify(input)} is not a valid date-time`);
  }
  if (zone === undefined) return new Date(...fields).getTime();
  let time = Date.UTC(...fields);
  if (zone.toUpperCase() !== 'Z') {
    const zm = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone)!;
    const offsetMin = Number(zm[2]) * 60 + Number(zm[3] ?? 0);
    if (Number(zm[2]) > 18 || Number(zm[3] ?? 0) > 59) throw new ResetPlanError('INVALID_DATETIME', `${JSON.stringify(input)} has an invalid zone offset`);
    time -= (zm[1] === '+' ? 1 : -1) * offsetMin * 60_000;
  }
  return time;
}

// ---- CSV (--export / --from-file) ----------------------------------------------------------------

export interface OffsetCsvRow {
  /** Present in the four-column form kafka-consumer-groups writes for several groups. */
  group?: string;
  topic: string;
  partition: number;
  offset: bigint;
}

/**
 * Parses offsets CSV: `topic,partition,offset` per line (what `--export` writes and Kafka's tool
 * reads), or `group,topic,partition,offset`. Blank lines, `#` comments and a header line are
 * skipped. Throws ResetPlanError naming the line of the first malformed row.
 */
export function parseOffsetsCsv(text: string): OffsetCsvRow[] {
  const rows: OffsetCsvRow[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const cells = line.split(',').map((c) => c.trim());
    if (rows.length === 0 && cells.some((c) => /^(topic|partition|offset|group)$/i.test(c))) return;
    const bad = (why: string): never => {
      throw new ResetPlanError('INVALID_CSV', `line ${i + 1}: ${why}: ${JSON.stringify(raw)}`, { line: i + 1 });
    };
    if (cells.length !== 3 && cells.length !== 4) bad('expected topic,partition,offset');
    const group = cells.length === 4 ? cells[0] : undefined;
    const [topic, partition, offset] = cells.length === 4 ? cells.slice(1) : cells;
    if (topic === '') bad('empty topic');
    if (!/^\d{1,9}$/.test(partition)) bad('the partition is not a whole number');
    if (!/^\d{1,19}$/.test(offset)) bad('the offset is not a whole number');
    rows.push({ ...(group === undefined ? {} : { group }), topic, partition: Number(partition), offset: BigInt(offset) });
  });
  return rows;
}

/** Writes offsets CSV, `topic,partition,offset` per line, no header (Kafka's export format). */
export function formatOffsetsCsv(rows: readonly { topic: string; partition: number; offset: bigint }[]): string {
  return rows.map((r) => `${r.topic},${r.partition},${r.offset}\n`).join('');
}
