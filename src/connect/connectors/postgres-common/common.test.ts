import { describe, expect, it } from 'vitest';
import { LogicalType, type Schema } from '../../api.ts';
import { ConfigError, ConfigValues, validateConfig, validators } from './config-values.ts';
import { parseConnectionUrl, redactUrl } from './connection.ts';
import { parseTableId, quoteIdent, quoteLiteral, quoteTable, splitQualifiedName } from './identifiers.ts';
import { formatLsn, lsnFromOffsetValue, lsnToOffsetValue, parseLsn } from './lsn.ts';
import { compareInstants, formatDate, formatTime, formatTimestamp, parseDate, parseTime, parseTimestamp } from './pg-time.ts';
import { mapColumnType, normalizeDecimal, numericPrecisionScale, Oid, parseArrayLiteral, parseNumericMapping, pgTypeForSchema, type NumericMapping } from './type-mapping.ts';

const numericTypmod = (p: number, s: number): number => ((p << 16) | (s & 0x7ff)) + 4;

describe('type mapping', () => {
  const map = (oid: number, typmod = -1, numericMapping: NumericMapping = 'decimal', optional = true) => mapColumnType({ oid, typmod }, optional, { numericMapping });

  it.each([
    ['bool', Oid.bool, 't', 'boolean', true],
    ['int2', Oid.int2, '-32768', 'int16', -32768],
    ['int4', Oid.int4, '2147483647', 'int32', 2147483647],
    ['int8', Oid.int8, '-9223372036854775808', 'int64', -9223372036854775808n],
    ['oid', Oid.oid, '4294967295', 'int64', 4294967295n],
    ['float4', Oid.float4, '1.5', 'float32', 1.5],
    ['float8 NaN', Oid.float8, 'NaN', 'float64', Number.NaN],
    ['float8 -Infinity', Oid.float8, '-Infinity', 'float64', -Infinity],
    ['text', Oid.text, 'héllo', 'string', 'héllo'],
    ['varchar', Oid.varchar, 'x', 'string', 'x'],
    ['bytea', Oid.bytea, '\\xdeadbeef', 'bytes', Buffer.from('deadbeef', 'hex')],
    ['json', Oid.json, '{"a":1}', 'string', '{"a":1}'],
    ['jsonb', Oid.jsonb, '{"a": 1}', 'string', '{"a": 1}'],
    ['uuid', Oid.uuid, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'string', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'],
    ['interval', Oid.interval, '1 day 02:00:00', 'string', '1 day 02:00:00'],
    ['timetz', Oid.timetz, '10:00:00+02', 'string', '10:00:00+02'],
    ['an enum (unknown OID)', 99999, 'happy', 'string', 'happy'],
  ])('%s', (_name, oid, text, type, value) => {
    const m = map(oid);
    expect(m.schema.type).toBe(type);
    expect(m.schema.optional).toBe(true);
    expect(m.fromText(text)).toEqual(value);
  });

  it('maps temporal types to Connect logical types (UTC)', () => {
    expect(map(Oid.date).schema).toMatchObject({ type: 'int32', name: LogicalType.Date });
    expect(map(Oid.date).fromText('2024-02-29')).toEqual(new Date(Date.UTC(2024, 1, 29)));
    expect(map(Oid.time).schema).toMatchObject({ type: 'int32', name: LogicalType.Time });
    expect(map(Oid.time).fromText('01:02:03.456789')).toEqual(new Date(3_723_456));
    expect(map(Oid.timestamp).schema).toMatchObject({ type: 'int64', name: LogicalType.Timestamp });
    expect(map(Oid.timestamp).fromText('2024-01-02 03:04:05.678')).toEqual(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678)));
    expect(map(Oid.timestamptz).fromText('2024-01-02 03:04:05+05:30')).toEqual(new Date(Date.UTC(2024, 0, 1, 21, 34, 5)));
  });

  it('maps numeric by numeric.mapping', () => {
    expect(numericPrecisionScale(-1)).toBeNull();
    expect(numericPrecisionScale(numericTypmod(10, 2))).toEqual({ precision: 10, scale: 2 });
    expect(numericPrecisionScale(numericTypmod(5, -2))).toEqual({ precision: 5, scale: -2 });
    const dec = map(Oid.numeric, numericTypmod(10, 2));
    expect(dec.schema).toEqual({ type: 'bytes', optional: true, name: LogicalType.Decimal, version: 1, parameters: { scale: '2', 'connect.decimal.precision': '10' } });
    expect(dec.fromText('-1.5')).toBe('-1.50');
    expect(dec.fromText('NaN')).toBeNull();
    expect(map(Oid.numeric).schema.type).toBe('string');
    expect(map(Oid.numeric, numericTypmod(10, 2), 'string').fromText('1.50')).toBe('1.50');
    expect(map(Oid.numeric, numericTypmod(10, 2), 'double').fromText('1.50')).toBe(1.5);
    expect(map(Oid.numeric, numericTypmod(2, 0), 'precision_only').schema.type).toBe('int8');
    expect(map(Oid.numeric, numericTypmod(4, 0), 'precision_only').schema.type).toBe('int16');
    expect(map(Oid.numeric, numericTypmod(9, 0), 'precision_only').schema.type).toBe('int32');
    const big = map(Oid.numeric, numericTypmod(18, 0), 'precision_only');
    expect(big.schema.type).toBe('int64');
    expect(big.fromText('123456789012345678')).toBe(123456789012345678n);
    expect(map(Oid.numeric, numericTypmod(10, 2), 'precision_only').schema.name).toBe(LogicalType.Decimal);
    expect(map(Oid.numeric, numericTypmod(10, 2), 'best_fit').schema.type).toBe('float64');
    expect(map(Oid.numeric, numericTypmod(30, 2), 'best_fit').schema.name).toBe(LogicalType.Decimal);
    expect(normalizeDecimal('1e2', 1)).toBe('100.0');
    expect(parseNumericMapping('none')).toBe('decimal');
    expect(parseNumericMapping('precise')).toBe('decimal');
    expect(parseNumericMapping('best_fit')).toBe('best_fit');
    expect(parseNumericMapping('bogus')).toBeNull();
  });

  it('maps one-dimensional arrays', () => {
    const ints = map(1007);
    expect(ints.schema).toEqual({ type: 'array', optional: true, valueSchema: { type: 'int32', optional: true } });
    expect(ints.fromText('{1,NULL,-3}')).toEqual([1, null, -3]);
    expect(map(1009).fromText('{"a,b","c\\"d","e\\\\f",NULL,"NULL",plain}')).toEqual(['a,b', 'c"d', 'e\\f', null, 'NULL', 'plain']);
    expect(map(1009).fromText('{}')).toEqual([]);
    expect(() => map(1007).fromText('{{1,2},{3,4}}')).toThrow(/one-dimensional/);
    expect(parseArrayLiteral('[0:1]={1,2}')).toBeNull();
  });

  it('gives column types for Connect schemas', () => {
    const cases: [Schema, string][] = [
      [{ type: 'int8', optional: false }, 'smallint'],
      [{ type: 'int16', optional: false }, 'smallint'],
      [{ type: 'int32', optional: false }, 'integer'],
      [{ type: 'int64', optional: false }, 'bigint'],
      [{ type: 'float32', optional: false }, 'real'],
      [{ type: 'float64', optional: false }, 'double precision'],
      [{ type: 'boolean', optional: false }, 'boolean'],
      [{ type: 'string', optional: false }, 'text'],
      [{ type: 'bytes', optional: false }, 'bytea'],
      [{ type: 'bytes', optional: false, name: LogicalType.Decimal, parameters: { scale: '3', 'connect.decimal.precision': '12' } }, 'numeric(12,3)'],
      [{ type: 'bytes', optional: false, name: LogicalType.Decimal, parameters: { scale: '3' } }, 'numeric'],
      [{ type: 'int32', optional: false, name: LogicalType.Date }, 'date'],
      [{ type: 'int32', optional: false, name: LogicalType.Time }, 'time(3)'],
      [{ type: 'int64', optional: false, name: LogicalType.Timestamp }, 'timestamp(3)'],
      [{ type: 'string', optional: false, name: 'io.debezium.data.Json' }, 'jsonb'],
      [{ type: 'array', optional: false, valueSchema: { type: 'int32', optional: false } }, 'jsonb'],
      [{ type: 'struct', optional: false, fields: [] }, 'jsonb'],
    ];
    for (const [schema, type] of cases) expect(pgTypeForSchema(schema)).toBe(type);
  });
});

describe('date and time text', () => {
  it('keeps microseconds as { ms, nanos }', () => {
    expect(parseTimestamp('2024-01-02 03:04:05.123456')).toEqual({ ms: Date.UTC(2024, 0, 2, 3, 4, 5, 123), nanos: 123_456_000 });
    expect(parseTimestamp('1969-12-31 23:59:59.5')).toEqual({ ms: -500, nanos: 500_000_000 });
    expect(parseTimestamp('2024-01-02 03:04:05-01')).toEqual({ ms: Date.UTC(2024, 0, 2, 4, 4, 5), nanos: 0 });
    expect(parseTimestamp('infinity').ms).toBe(8.64e15);
    expect(() => parseTimestamp('yesterday')).toThrow(/cannot read timestamp/);
  });

  it.each(['2024-01-02 03:04:05.123456', '1969-12-31 23:59:59.999999', '0001-01-01 00:00:00.000000', '0044-03-15 12:00:00.000001 BC', '10000-01-01 00:00:00.000000'])(
    'formats %s back to the same text',
    (text) => {
      expect(formatTimestamp(parseTimestamp(text))).toBe(text);
    },
  );

  it('parses and formats dates and times', () => {
    expect(parseDate('2024-02-29')).toBe(Date.UTC(2024, 1, 29));
    expect(formatDate(parseDate('0044-03-15 BC'))).toBe('0044-03-15 BC');
    expect(formatDate(Date.UTC(2024, 1, 29))).toBe('2024-02-29');
    expect(parseTime('24:00:00')).toEqual({ ms: 86_400_000, nanos: 0 });
    expect(mapColumnType({ oid: Oid.time, typmod: -1 }, false, { numericMapping: 'decimal' }).fromText('24:00:00')).toEqual(new Date(86_399_999));
    expect(formatTime(3_723_456)).toBe('01:02:03.456');
    expect(compareInstants({ ms: 1, nanos: 1_000_000 }, { ms: 1, nanos: 1_000_001 })).toBeLessThan(0);
  });
});

describe('connection.url', () => {
  it.each([
    ['jdbc:postgresql://db.example:6543/shop?user=u&password=p', { host: 'db.example', port: 6543, database: 'shop', user: 'u', password: 'p', ssl: false }],
    ['jdbc:postgresql://localhost/shop', { host: 'localhost', port: 5432, database: 'shop', ssl: false }],
    ['jdbc:postgresql:shop', { host: 'localhost', port: 5432, database: 'shop', ssl: false }],
    ['jdbc:postgresql://h1:1,h2:2/db?sslmode=require', { host: 'h1', port: 1, database: 'db', ssl: { rejectUnauthorized: false } }],
    ['postgres://al%40ice:s%3Acret@[::1]:5433/my%20db?sslmode=verify-full', { host: '::1', port: 5433, database: 'my db', user: 'al@ice', password: 's:cret', ssl: { rejectUnauthorized: true } }],
    ['postgresql://127.0.0.1/x?ApplicationName=app', { host: '127.0.0.1', port: 5432, database: 'x', ssl: false, applicationName: 'app' }],
  ])('%s', (url, expected) => {
    expect(parseConnectionUrl(url)).toEqual(expected);
  });

  it('connection.user and connection.password win; errors for other schemes', () => {
    expect(parseConnectionUrl('postgres://a:b@h/d', 'x', 'y')).toMatchObject({ user: 'x', password: 'y' });
    expect(parseConnectionUrl('jdbc:postgresql://h/', 'bob')).toMatchObject({ database: 'bob' });
    expect(() => parseConnectionUrl('mysql://h/d')).toThrow(/must start with/);
    expect(() => parseConnectionUrl('postgres://h:99999/d')).toThrow(/bad port/);
    expect(redactUrl('postgres://a:secret@h/d')).toBe('postgres://a:****@h/d');
    expect(redactUrl('jdbc:postgresql://h/d?user=a&password=secret')).toBe('jdbc:postgresql://h/d?user=a&password=****');
  });
});

describe('identifiers', () => {
  it('quotes anything safely', () => {
    expect(quoteIdent('Order')).toBe('"Order"');
    expect(quoteIdent('we"ird; DROP TABLE x')).toBe('"we""ird; DROP TABLE x"');
    expect(quoteTable({ schema: 'my schema', table: 't"1' })).toBe('"my schema"."t""1"');
    expect(quoteLiteral("it's")).toBe("'it''s'");
    expect(() => quoteIdent('a\u0000b')).toThrow();
  });

  it('splits qualified names, with quoted parts', () => {
    expect(splitQualifiedName('public.orders')).toEqual(['public', 'orders']);
    expect(splitQualifiedName('"my.schema"."Or""ders"')).toEqual(['my.schema', 'Or"ders']);
    expect(parseTableId('orders')).toEqual({ schema: 'public', table: 'orders' });
    expect(parseTableId('db.s.t')).toEqual({ schema: 's', table: 't' });
    expect(() => splitQualifiedName('"open')).toThrow(/unterminated/);
    expect(() => splitQualifiedName('a..b')).toThrow(/empty/);
  });
});

describe('LSNs', () => {
  it('parse, format and go through offsets', () => {
    expect(parseLsn('16/B374D848')).toBe(0x16b374d848n);
    expect(formatLsn(0x16b374d848n)).toBe('16/B374D848');
    expect(formatLsn(0n)).toBe('0/0');
    expect(lsnToOffsetValue(0x16b374d848n)).toBe(0x16b374d848);
    expect(lsnToOffsetValue(1n << 60n)).toBe((1n << 60n).toString());
    expect(lsnFromOffsetValue(123)).toBe(123n);
    expect(lsnFromOffsetValue('0/7B')).toBe(123n);
    expect(lsnFromOffsetValue('123')).toBe(123n);
    expect(lsnFromOffsetValue(null)).toBeNull();
    expect(lsnFromOffsetValue('x')).toBeNull();
    expect(() => parseLsn('nope')).toThrow();
  });
});

describe('config values', () => {
  const def = [
    { name: 'a', type: 'int', importance: 'high', documentation: '' },
    { name: 'b', type: 'boolean', defaultValue: false, importance: 'low', documentation: '' },
    { name: 'c', type: 'list', defaultValue: 'x, y', importance: 'low', documentation: '' },
    { name: 'd', type: 'string', defaultValue: 'one', importance: 'low', documentation: '', validate: (v: unknown) => (v === 'bad' ? 'no' : undefined) },
  ] as const;

  it('fills defaults and parses types', () => {
    const v = new ConfigValues(def, { a: '5' });
    expect(v.int('a')).toBe(5);
    expect(v.bool('b')).toBe(false);
    expect(v.list('c')).toEqual(['x', 'y']);
    expect(v.string('d')).toBe('one');
  });

  it('validators take raw strings (as the worker passes them) and parsed values', () => {
    expect(validators.atLeast(1)('200')).toBeUndefined();
    expect(validators.atLeast(1)(200)).toBeUndefined();
    expect(validators.atLeast(1)('0')).toMatch(/at least 1/);
    expect(validators.oneOf(['a', 'b'])(' a ')).toBeUndefined();
    expect(validators.oneOf(['a', 'b'])('c')).toMatch(/one of a, b/);
  });

  it('reports every error', () => {
    expect(validateConfig(def, { b: 'maybe', d: 'bad' })).toEqual({ a: [expect.stringMatching(/Missing required/)], b: [expect.stringMatching(/true or false/)], d: ['no'] });
    expect(() => new ConfigValues(def, { a: 'x' })).toThrow(ConfigError);
  });
});
