import { describe, expect, it } from 'vitest';
import {
  formatOffsetsCsv,
  lookupTimestamp,
  parseDateTime,
  parseIsoDuration,
  parseOffsetsCsv,
  planPartition,
  planResets,
  ResetPlanError,
  type ResetInput,
  type ResetPlanRow,
  type ResetStrategy,
} from './reset-offsets.ts';

/** A partition with records at offsets [10, 50); the group committed 30. */
const base: ResetInput = { topic: 't', partition: 0, current: 30n, logStart: 10n, logEnd: 50n };

type Expect = Pick<ResetPlanRow, 'target' | 'requested' | 'clamped'> & { note?: string | null };

describe('planPartition', () => {
  const cases: { name: string; strategy: ResetStrategy; input?: Partial<ResetInput>; want: Expect }[] = [
    { name: 'to-earliest', strategy: { kind: 'to-earliest' }, want: { target: 10n, requested: null, clamped: null } },
    { name: 'to-latest', strategy: { kind: 'to-latest' }, want: { target: 50n, requested: null, clamped: null } },
    { name: 'to-current', strategy: { kind: 'to-current' }, want: { target: 30n, requested: null, clamped: null } },
    { name: 'to-current without a commit: the log end', strategy: { kind: 'to-current' }, input: { current: null }, want: { target: 50n, requested: null, clamped: null } },
    { name: 'to-current is not clamped (as Kafka)', strategy: { kind: 'to-current' }, input: { current: 5n }, want: { target: 5n, requested: null, clamped: null } },
    { name: 'to-offset inside the log', strategy: { kind: 'to-offset', offset: 42n }, want: { target: 42n, requested: null, clamped: null } },
    { name: 'to-offset at the log end', strategy: { kind: 'to-offset', offset: 50n }, want: { target: 50n, requested: null, clamped: null } },
    { name: 'to-offset above the log end is clamped', strategy: { kind: 'to-offset', offset: 99n }, want: { target: 50n, requested: 99n, clamped: 'log-end' } },
    { name: 'to-offset below the log start is clamped', strategy: { kind: 'to-offset', offset: 0n }, want: { target: 10n, requested: 0n, clamped: 'log-start' } },
    { name: 'to-offset without a commit', strategy: { kind: 'to-offset', offset: 20n }, input: { current: null }, want: { target: 20n, requested: null, clamped: null } },
    { name: 'shift-by forward', strategy: { kind: 'shift-by', shift: 5n }, want: { target: 35n, requested: null, clamped: null } },
    { name: 'shift-by back', strategy: { kind: 'shift-by', shift: -5n }, want: { target: 25n, requested: null, clamped: null } },
    { name: 'shift-by past the log end', strategy: { kind: 'shift-by', shift: 100n }, want: { target: 50n, requested: 130n, clamped: 'log-end' } },
    { name: 'shift-by before the log start (negative)', strategy: { kind: 'shift-by', shift: -100n }, want: { target: 10n, requested: -70n, clamped: 'log-start' } },
    { name: 'to-datetime found', strategy: { kind: 'to-datetime', timestamp: 1000 }, input: { lookup: 33n }, want: { target: 33n, requested: null, clamped: null } },
    { name: 'to-datetime after every record: the log end', strategy: { kind: 'to-datetime', timestamp: 1000 }, input: { lookup: null }, want: { target: 50n, requested: null, clamped: null } },
    { name: 'by-duration found', strategy: { kind: 'by-duration', durationMs: 60_000 }, input: { lookup: 12n }, want: { target: 12n, requested: null, clamped: null } },
    { name: 'from-file', strategy: { kind: 'from-file', path: 'x.csv' }, input: { lookup: 40n }, want: { target: 40n, requested: null, clamped: null } },
    { name: 'from-file clamped', strategy: { kind: 'from-file', path: 'x.csv' }, input: { lookup: 70n }, want: { target: 50n, requested: 70n, clamped: 'log-end' } },
    { name: 'from-file without the partition: unchanged', strategy: { kind: 'from-file', path: 'x.csv' }, input: { lookup: null }, want: { target: null, requested: null, clamped: null, note: 'not in the file' } },
    { name: 'to-group', strategy: { kind: 'to-group', group: 'other' }, input: { lookup: 17n }, want: { target: 17n, requested: null, clamped: null } },
    { name: 'to-group below the log start', strategy: { kind: 'to-group', group: 'other' }, input: { lookup: 3n }, want: { target: 10n, requested: 3n, clamped: 'log-start' } },
    { name: 'to-group without an offset there: unchanged', strategy: { kind: 'to-group', group: 'other' }, input: { lookup: null }, want: { target: null, requested: null, clamped: null, note: 'no offset in group other' } },
    { name: 'empty log', strategy: { kind: 'to-offset', offset: 5n }, input: { logStart: 0n, logEnd: 0n, current: null }, want: { target: 0n, requested: 5n, clamped: 'log-end' } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const input = { ...base, ...c.input };
      const row = planPartition(c.strategy, input);
      expect(row).toEqual({ topic: 't', partition: 0, current: input.current, note: null, ...c.want });
    });
  }

  it('refuses to shift a partition without a committed offset', () => {
    expect(() => planPartition({ kind: 'shift-by', shift: 1n }, { ...base, current: null })).toThrow(ResetPlanError);
    expect(() => planPartition({ kind: 'shift-by', shift: 1n }, { ...base, current: null })).toThrow(/no committed offset/);
  });

  it('plans every partition in order', () => {
    const rows = planResets({ kind: 'to-latest' }, [base, { ...base, partition: 1, logEnd: 7n, logStart: 0n }]);
    expect(rows.map((r) => [r.partition, r.target])).toEqual([
      [0, 50n],
      [1, 7n],
    ]);
  });
});

describe('lookupTimestamp', () => {
  it('to-datetime is the time itself, by-duration now minus the duration, others none', () => {
    expect(lookupTimestamp({ kind: 'to-datetime', timestamp: 123 }, 999)).toBe(123);
    expect(lookupTimestamp({ kind: 'by-duration', durationMs: 100 }, 1000)).toBe(900);
    expect(lookupTimestamp({ kind: 'to-earliest' }, 1000)).toBeNull();
  });
});

describe('parseIsoDuration', () => {
  const ok: [string, number][] = [
    ['PT0S', 0],
    ['PT1S', 1000],
    ['PT1.5S', 1500],
    ['PT30M', 1_800_000],
    ['PT1H', 3_600_000],
    ['PT1H30M', 5_400_000],
    ['P1D', 86_400_000],
    ['P1DT2H3M4S', 86_400_000 + 7_200_000 + 180_000 + 4000],
    ['pt10m', 600_000],
    [' PT2H ', 7_200_000],
  ];
  for (const [input, ms] of ok) it(`${JSON.stringify(input)} → ${ms} ms`, () => expect(parseIsoDuration(input)).toBe(ms));
  const bad = ['', 'P', 'PT', '1H', 'P1Y', 'P1M', 'P1W', 'PT-1H', '-PT1H', 'P1DT', 'PT1H2', '10s', 'PT1HM'];
  for (const input of bad) it(`refuses ${JSON.stringify(input)}`, () => expect(() => parseIsoDuration(input)).toThrow(ResetPlanError));
});

describe('parseDateTime', () => {
  const ok: [string, number][] = [
    ['2024-05-01T12:00:00Z', Date.UTC(2024, 4, 1, 12)],
    ['2024-05-01T12:00Z', Date.UTC(2024, 4, 1, 12)],
    ['2024-05-01T12:00:00.250Z', Date.UTC(2024, 4, 1, 12, 0, 0, 250)],
    ['2024-05-01T12:00:00.123456789Z', Date.UTC(2024, 4, 1, 12, 0, 0, 123)],
    ['2024-05-01T12:00:00+02:00', Date.UTC(2024, 4, 1, 10)],
    ['2024-05-01T12:00:00-0530', Date.UTC(2024, 4, 1, 17, 30)],
    ['2024-05-01T12:00:00+02', Date.UTC(2024, 4, 1, 10)],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
    ['1714564800000', 1714564800000],
  ];
  for (const [input, ms] of ok) it(`${input}`, () => expect(parseDateTime(input)).toBe(ms));

  it('reads a time without a zone as local time', () => {
    expect(parseDateTime('2024-05-01T12:34:56.789')).toBe(new Date(2024, 4, 1, 12, 34, 56, 789).getTime());
  });

  const bad = ['', 'yesterday', '2024-05-01', '2024-05-01 12:00:00', '2024-13-01T00:00:00Z', '2023-02-29T00:00:00Z', '2024-04-31T00:00:00Z', '2024-05-01T24:00:00Z', '2024-05-01T12:60:00Z', '2024-00-10T00:00:00Z', '2024-05-01T12:00:00+19:00'];
  for (const input of bad) it(`refuses ${JSON.stringify(input)}`, () => expect(() => parseDateTime(input)).toThrow(ResetPlanError));
});

describe('offsets CSV', () => {
  it('parses topic,partition,offset lines, skipping blanks, comments and a header', () => {
    expect(parseOffsetsCsv('topic,partition,offset\n# saved\norders,0,5\n\r\norders, 1 ,12\r\nother.topic_x-1,10,0\n')).toEqual([
      { topic: 'orders', partition: 0, offset: 5n },
      { topic: 'orders', partition: 1, offset: 12n },
      { topic: 'other.topic_x-1', partition: 10, offset: 0n },
    ]);
  });

  it('parses the four-column form with a group', () => {
    expect(parseOffsetsCsv('g1,orders,0,5\n')).toEqual([{ group: 'g1', topic: 'orders', partition: 0, offset: 5n }]);
  });

  const bad: [string, RegExp][] = [
    ['orders,0\n', /line 1: expected topic,partition,offset/],
    ['orders,0,5\norders,x,5\n', /line 2: the partition is not a whole number/],
    ['orders,0,-5\n', /line 1: the offset is not a whole number/],
    [',0,5\n', /line 1: empty topic/],
    ['a,b,c,d,e\n', /line 1/],
  ];
  for (const [text, message] of bad) it(`refuses ${JSON.stringify(text)}`, () => expect(() => parseOffsetsCsv(text)).toThrow(message));

  it('formats what it parses (round trip)', () => {
    const rows = [
      { topic: 'orders', partition: 0, offset: 5n },
      { topic: 'orders', partition: 1, offset: 9007199254740993n },
    ];
    const text = formatOffsetsCsv(rows);
    expect(text).toBe('orders,0,5\norders,1,9007199254740993\n');
    expect(parseOffsetsCsv(text)).toEqual(rows);
  });
});
