import { describe, expect, it } from 'vitest';
import { LogicalType, Struct, type SinkRecord } from '../api.ts';
import { Schemas, dateSchema, structSchema, timeSchema, timestampSchema } from '../data.ts';
import { DateFormat } from './date-format.ts';
import { TimestampConverter } from './timestamp-converter.ts';

function sink(overrides: Partial<SinkRecord> = {}): SinkRecord {
  return { topic: 't', kafkaPartition: 0, kafkaOffset: 0, timestampType: 'CreateTime', keySchema: null, key: null, valueSchema: null, value: null, timestamp: null, headers: [], ...overrides };
}

function make(props: object, side: 'key' | 'value' = 'value'): TimestampConverter {
  const t = new TimestampConverter(side);
  t.configure(props as Record<string, string>);
  return t;
}

// 2024-03-05T14:07:09.123Z
const MS = Date.UTC(2024, 2, 5, 14, 7, 9, 123);
const DAY = Date.UTC(2024, 2, 5);
const TIME = MS - DAY;

describe('DateFormat (SimpleDateFormat patterns, UTC)', () => {
  it.each([
    { pattern: "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", text: '2024-03-05T14:07:09.123Z' },
    { pattern: 'yyyy-MM-dd HH:mm:ss', text: '2024-03-05 14:07:09' },
    { pattern: 'yyyyMMddHHmmss', text: '20240305140709' },
    { pattern: 'dd/MM/yy', text: '05/03/24' },
    { pattern: 'EEE, d MMM yyyy hh:mm a Z', text: 'Tue, 5 Mar 2024 02:07 PM +0000' },
    { pattern: 'EEEE MMMM d, yyyy G', text: 'Tuesday March 5, 2024 AD' },
    { pattern: 'yyyy-MM-dd\'T\'HH:mm:ssXXX', text: '2024-03-05T14:07:09Z' },
    { pattern: "h 'o''clock' a, z", text: "2 o'clock PM, UTC" },
    { pattern: 'D', text: '65' },
    { pattern: 'k:mm K', text: '14:07 2' },
  ])('format $pattern', ({ pattern, text }) => {
    expect(new DateFormat(pattern).format(MS)).toBe(text);
  });

  it.each([
    { pattern: "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", text: '2024-03-05T14:07:09.123Z', ms: MS },
    { pattern: 'yyyy-MM-dd HH:mm:ss', text: '2024-03-05 14:07:09', ms: MS - 123 },
    { pattern: 'yyyyMMddHHmmssSSS', text: '20240305140709123', ms: MS },
    { pattern: 'yyyy-M-d', text: '2024-3-5', ms: DAY },
    { pattern: 'd MMM yyyy', text: '5 mar 2024', ms: DAY },
    { pattern: 'd MMMM yyyy', text: '5 March 2024', ms: DAY },
    { pattern: 'yyyy-MM-dd HH:mm Z', text: '2024-03-05 16:07 +0200', ms: MS - 9123 },
    { pattern: "yyyy-MM-dd'T'HH:mmXXX", text: '2024-03-05T09:37-04:30', ms: MS - 9123 },
    { pattern: 'hh:mm a', text: '12:30 AM', ms: 30 * 60_000 },
    { pattern: 'yyyy-MM-dd', text: '2024-03-05 trailing text is ignored', ms: DAY },
    { pattern: 'yyyy-MM-dd', text: '2024-02-30', ms: Date.UTC(2024, 2, 1) }, // lenient roll-over
  ])('parse $text with $pattern', ({ pattern, text, ms }) => {
    expect(new DateFormat(pattern).parse(text)).toBe(ms);
  });

  it('two-digit years fall within 80 years before and 20 after now', () => {
    const now = new Date().getUTCFullYear();
    const yy = (now + 10) % 100;
    expect(new Date(new DateFormat('yy').parse(String(yy).padStart(2, '0'))).getUTCFullYear()).toBe(now + 10);
  });

  it.each([
    { pattern: 'yyyy-qq', error: /Illegal pattern character 'q'/ },
    { pattern: "yyyy 'unterminated", error: /Unterminated quote/ },
  ])('bad pattern $pattern', ({ pattern, error }) => {
    expect(() => new DateFormat(pattern)).toThrow(error);
  });

  it('parse failure names what was expected', () => {
    expect(() => new DateFormat('yyyy-MM-dd').parse('2024/03/05')).toThrow(/expected "-" at position 4/);
  });
});

describe('TimestampConverter', () => {
  const FORMAT = "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'";

  it.each([
    { name: 'unix → Timestamp', props: { 'target.type': 'Timestamp' }, input: MS, expected: new Date(MS) },
    { name: 'unix → string', props: { 'target.type': 'string', format: FORMAT }, input: MS, expected: '2024-03-05T14:07:09.123Z' },
    { name: 'string → unix', props: { 'target.type': 'unix', format: FORMAT }, input: '2024-03-05T14:07:09.123Z', expected: MS },
    { name: 'string → Date', props: { 'target.type': 'Date', format: FORMAT }, input: '2024-03-05T14:07:09.123Z', expected: new Date(DAY) },
    { name: 'Date object → Time', props: { 'target.type': 'Time' }, input: new Date(MS), expected: new Date(TIME) },
    { name: 'Date object → unix seconds', props: { 'target.type': 'unix', 'unix.precision': 'seconds' }, input: new Date(MS), expected: Math.trunc(MS / 1000) },
    { name: 'unix seconds → Timestamp', props: { 'target.type': 'Timestamp', 'unix.precision': 'seconds' }, input: 1_709_647_629, expected: new Date(1_709_647_629_000) },
    { name: 'unix microseconds → Timestamp', props: { 'target.type': 'Timestamp', 'unix.precision': 'microseconds' }, input: MS * 1000 + 999, expected: new Date(MS) },
    { name: 'unix nanoseconds (bigint) → Timestamp', props: { 'target.type': 'Timestamp', 'unix.precision': 'nanoseconds' }, input: BigInt(MS) * 1_000_000n + 5n, expected: new Date(MS) },
    { name: 'Timestamp → unix nanoseconds (past 2^53: bigint)', props: { 'target.type': 'unix', 'unix.precision': 'nanoseconds' }, input: new Date(MS), expected: BigInt(MS) * 1_000_000n },
    { name: 'negative epoch → Date floors to the day', props: { 'target.type': 'Date' }, input: -1, expected: new Date(-86_400_000) },
    { name: 'null stays null', props: { 'target.type': 'Timestamp' }, input: null, expected: null },
  ])('schemaless whole value: $name', ({ props, input, expected }) => {
    const out = make(props).apply(sink({ value: input }));
    expect(out?.value).toEqual(expected);
    expect(out?.valueSchema).toBeNull();
  });

  it.each([
    { target: 'string', schema: Schemas.OPTIONAL_STRING, value: '2024-03-05T14:07:09.123Z' },
    { target: 'unix', schema: Schemas.OPTIONAL_INT64, value: MS },
    { target: 'Date', schema: dateSchema(true), value: new Date(DAY) },
    { target: 'Time', schema: timeSchema(true), value: new Date(TIME) },
    { target: 'Timestamp', schema: timestampSchema(true), value: new Date(MS) },
  ])('schema\'d field → $target', ({ target, schema, value }) => {
    const SCHEMA = structSchema([['id', Schemas.INT32], ['at', timestampSchema(true)]], { name: 'Event' });
    const out = make({ field: 'at', 'target.type': target, format: FORMAT }).apply(sink({ valueSchema: SCHEMA, value: new Struct(SCHEMA, [['id', 1], ['at', new Date(MS)]]) }));
    expect(out?.valueSchema?.name).toBe('Event');
    expect(out?.valueSchema?.fields?.map((f) => [f.name, f.schema])).toEqual([['id', Schemas.INT32], ['at', schema]]);
    expect(Object.fromEntries((out?.value as Struct).values)).toEqual({ id: 1, at: value });
  });

  it('schema\'d input types: string and int64 fields', () => {
    const SCHEMA = structSchema([['s', Schemas.STRING], ['n', Schemas.INT64]]);
    const record = sink({ valueSchema: SCHEMA, value: new Struct(SCHEMA, [['s', '2024-03-05T14:07:09.123Z'], ['n', MS]]) });
    expect((make({ field: 's', 'target.type': 'Timestamp', format: FORMAT }).apply(record)?.value as Struct).get('s')).toEqual(new Date(MS));
    expect((make({ field: 'n', 'target.type': 'string', format: 'yyyy' }).apply(record)?.value as Struct).get('n')).toBe('2024');
  });

  it('schema\'d whole key', () => {
    const out = make({ 'target.type': 'Timestamp' }, 'key').apply(sink({ keySchema: Schemas.INT64, key: MS }));
    expect(out?.keySchema).toEqual({ type: 'int64', optional: false, name: LogicalType.Timestamp, version: 1 });
    expect(out?.key).toEqual(new Date(MS));
  });

  it('schemaless field in a map; other fields untouched', () => {
    const out = make({ field: 'ts', 'target.type': 'string', format: 'yyyy-MM-dd' }).apply(sink({ value: { ts: MS, other: 1 } }));
    expect(out?.value).toEqual({ ts: '2024-03-05', other: 1 });
  });

  it.each([
    { name: 'string target without format', props: { 'target.type': 'string' }, error: /requires format option to be specified when using string timestamps/ },
    { name: 'unknown target type', props: { 'target.type': 'timestamp' }, error: /Invalid value timestamp for configuration target.type: String must be one of: string, unix, Date, Time, Timestamp/ },
    { name: 'bad format', props: { 'target.type': 'unix', format: 'yyyy-bb' }, error: /SimpleDateFormat-compatible pattern for string timestamps: yyyy-bb/ },
    { name: 'unknown precision', props: { 'target.type': 'unix', 'unix.precision': 'days' }, error: /configuration unix.precision: String must be one of/ },
    { name: 'no target type', props: {}, error: /Missing required configuration "target.type"/ },
  ])('config error: $name', ({ props, error }) => {
    expect(() => make(props)).toThrow(error);
  });

  it.each([
    { name: 'string input without format', props: { 'target.type': 'unix' }, record: sink({ value: '2024-01-01' }), error: /requires format option/ },
    { name: 'unparseable string', props: { 'target.type': 'unix', format: 'yyyy-MM-dd' }, record: sink({ value: 'yesterday' }), error: /Could not parse timestamp: value \(yesterday\) does not match pattern \(yyyy-MM-dd\)/ },
    { name: 'a boolean value', props: { 'target.type': 'unix' }, record: sink({ value: true }), error: /expected a Date, a number or a string timestamp in the value, found boolean/ },
    { name: 'a non-timestamp schema', props: { field: 'b', 'target.type': 'unix' }, record: sink({ valueSchema: structSchema([['b', Schemas.BOOLEAN]]), value: new Struct(structSchema([['b', Schemas.BOOLEAN]])) }), error: /field "b" has schema type boolean, which is not a timestamp/ },
  ])('data error: $name', ({ props, record, error }) => {
    expect(() => make(props).apply(record)).toThrow(error);
  });
});
