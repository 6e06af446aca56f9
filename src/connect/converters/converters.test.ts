import { describe, expect, it } from 'vitest';
import { Struct, type Schema } from '../api.ts';
import { Schemas, arraySchema, dateSchema, decimalSchema, mapSchema, structSchema, timeSchema, timestampSchema } from '../data.ts';
import { JsonConverter } from './json.ts';
import { ByteArrayConverter, NumberConverter, StringConverter } from './simple.ts';
import { builtinConverters } from './index.ts';

function json(props: Record<string, string> = {}): JsonConverter {
  const c = new JsonConverter();
  c.configure(props, false);
  return c;
}

const text = (b: Buffer | null) => (b === null ? null : b.toString('utf8'));

const person = structSchema(
  [
    ['id', Schemas.INT32],
    ['name', Schemas.OPTIONAL_STRING],
    ['tags', arraySchema(Schemas.STRING)],
  ],
  { name: 'com.example.Person', version: 2 },
);

describe('JsonConverter with schemas.enable=true: Connect data → bytes', () => {
  const cases: { name: string; schema: Schema | null; value: unknown; expected: string | null }[] = [
    { name: 'null schema and value is a tombstone', schema: null, value: null, expected: null },
    { name: 'string', schema: Schemas.STRING, value: 'hi', expected: '{"schema":{"type":"string","optional":false},"payload":"hi"}' },
    { name: 'optional int32 null', schema: Schemas.OPTIONAL_INT32, value: null, expected: '{"schema":{"type":"int32","optional":true},"payload":null}' },
    { name: 'int64 beyond 2^53 stays exact', schema: Schemas.INT64, value: 9007199254740993n, expected: '{"schema":{"type":"int64","optional":false},"payload":9007199254740993}' },
    { name: 'boolean', schema: Schemas.BOOLEAN, value: true, expected: '{"schema":{"type":"boolean","optional":false},"payload":true}' },
    { name: 'bytes as base64', schema: Schemas.BYTES, value: Buffer.from([1, 2, 255]), expected: '{"schema":{"type":"bytes","optional":false},"payload":"AQL/"}' },
    {
      name: 'struct with field order and name/version',
      schema: person,
      value: new Struct(person).put('id', 7).put('name', 'Ada').put('tags', ['a']),
      expected:
        '{"schema":{"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"},{"type":"string","optional":true,"field":"name"},{"type":"array","items":{"type":"string","optional":false},"optional":false,"field":"tags"}],"optional":false,"name":"com.example.Person","version":2},"payload":{"id":7,"name":"Ada","tags":["a"]}}',
    },
    {
      name: 'map with string keys is an object',
      schema: mapSchema(Schemas.STRING, Schemas.INT32),
      value: new Map([['a', 1]]),
      expected: '{"schema":{"type":"map","keys":{"type":"string","optional":false},"values":{"type":"int32","optional":false},"optional":false},"payload":{"a":1}}',
    },
    {
      name: 'map with int keys is a list of pairs',
      schema: mapSchema(Schemas.INT32, Schemas.STRING),
      value: new Map([[1, 'x']]),
      expected: '{"schema":{"type":"map","keys":{"type":"int32","optional":false},"values":{"type":"string","optional":false},"optional":false},"payload":[[1,"x"]]}',
    },
    {
      name: 'Decimal (BASE64 of the unscaled two\'s complement)',
      schema: decimalSchema(2),
      value: '-1.28',
      expected: '{"schema":{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"}},"payload":"gA=="}',
    },
    {
      name: 'Timestamp',
      schema: timestampSchema(),
      value: new Date(1700000000123),
      expected: '{"schema":{"type":"int64","optional":false,"name":"org.apache.kafka.connect.data.Timestamp","version":1},"payload":1700000000123}',
    },
    { name: 'Date as days', schema: dateSchema(), value: new Date(Date.UTC(1970, 0, 11)), expected: '{"schema":{"type":"int32","optional":false,"name":"org.apache.kafka.connect.data.Date","version":1},"payload":10}' },
    { name: 'Time as ms of the day', schema: timeSchema(), value: new Date(3_600_000), expected: '{"schema":{"type":"int32","optional":false,"name":"org.apache.kafka.connect.data.Time","version":1},"payload":3600000}' },
    {
      name: 'default replaces null',
      schema: { type: 'int32', optional: true, defaultValue: 5 },
      value: null,
      expected: '{"schema":{"type":"int32","optional":true,"default":5},"payload":5}',
    },
    { name: 'schemaless value in the envelope', schema: null, value: { a: [1, 'b'] }, expected: '{"schema":null,"payload":{"a":[1,"b"]}}' },
  ];
  it.each(cases)('$name', ({ schema, value, expected }) => {
    expect(text(json().fromConnectData('t', schema, value))).toBe(expected);
  });
});

describe('JsonConverter: bytes → Connect data round trips', () => {
  const cases: { name: string; schema: Schema; value: unknown }[] = [
    { name: 'string', schema: Schemas.STRING, value: 'hé' },
    { name: 'int64 exact', schema: Schemas.INT64, value: -9007199254740993n },
    { name: 'float64', schema: Schemas.FLOAT64, value: 1.5 },
    { name: 'bytes', schema: Schemas.BYTES, value: Buffer.from('abc') },
    { name: 'decimal', schema: decimalSchema(3), value: '12345.678' },
    { name: 'timestamp', schema: timestampSchema(), value: new Date(1700000000123) },
    { name: 'date', schema: dateSchema(), value: new Date(Date.UTC(2024, 1, 29)) },
    { name: 'array of optional ints', schema: arraySchema(Schemas.OPTIONAL_INT32), value: [1, null, 3] },
    { name: 'map', schema: mapSchema(Schemas.STRING, Schemas.BOOLEAN), value: new Map([['x', true]]) },
  ];
  it.each(cases)('$name', ({ schema, value }) => {
    const c = json();
    const back = c.toConnectData('t', c.fromConnectData('t', schema, value));
    expect(back.schema).toEqual(schema);
    expect(back.value).toEqual(value);
  });

  it('struct', () => {
    const c = json();
    const value = new Struct(person).put('id', 1).put('name', null).put('tags', []);
    const back = c.toConnectData('t', c.fromConnectData('t', person, value));
    expect(back.schema).toEqual(person);
    expect(back.value).toBeInstanceOf(Struct);
    expect([...(back.value as Struct).values]).toEqual([
      ['id', 1],
      ['name', null],
      ['tags', []],
    ]);
  });

  it('reads NUMERIC decimals too and writes them with decimal.format=NUMERIC', () => {
    const c = json({ 'decimal.format': 'NUMERIC' });
    const bytes = c.fromConnectData('t', decimalSchema(2), '10.50');
    expect(JSON.parse(text(bytes)!).payload).toBe(10.5);
    expect(c.toConnectData('t', bytes).value).toBe('10.50');
  });
});

describe('JsonConverter errors', () => {
  const cases: { name: string; props?: Record<string, string>; input: string; message: RegExp }[] = [
    { name: 'not JSON', input: 'not json', message: /Converting byte\[\] to Kafka Connect data failed due to serialization error/ },
    { name: 'no envelope with schemas enabled', input: '{"a":1}', message: /requires "schema" and "payload" fields/ },
    { name: 'extra envelope field', input: '{"schema":null,"payload":1,"x":2}', message: /may not contain additional fields/ },
    { name: 'unknown schema type', input: '{"schema":{"type":"uuid"},"payload":"x"}', message: /Unknown schema type/ },
    { name: 'null for a required field', input: '{"schema":{"type":"int32","optional":false},"payload":null}', message: /Invalid null value for required INT32 field/ },
    { name: 'wrong JSON type', input: '{"schema":{"type":"int32","optional":false},"payload":"1"}', message: /Invalid JSON for int32/ },
    { name: 'int8 out of range', input: '{"schema":{"type":"int8","optional":false},"payload":300}', message: /out of range for int8/ },
  ];
  it.each(cases)('$name', ({ props, input, message }) => {
    expect(() => json(props).toConnectData('t', Buffer.from(input))).toThrow(message);
  });

  it('refuses a value that does not match its schema', () => {
    expect(() => json().fromConnectData('t', Schemas.INT32, 'x')).toThrow(/Invalid value for schema type INT32/);
    expect(() => json().fromConnectData('t', Schemas.STRING, null)).toThrow(/null value for field that is required/);
  });

  it('rejects bad settings', () => {
    expect(() => json({ 'schemas.enable': 'maybe' })).toThrow(/schemas.enable/);
    expect(() => json({ 'decimal.format': 'HEX' })).toThrow(/decimal.format/);
  });
});

describe('JsonConverter with schemas.enable=false', () => {
  const cases: { name: string; schema: Schema | null; value: unknown; expected: string }[] = [
    { name: 'string', schema: Schemas.STRING, value: 'line', expected: '"line"' },
    { name: 'schemaless object', schema: null, value: { a: 1, b: [true, null] }, expected: '{"a":1,"b":[true,null]}' },
    { name: 'struct payload only', schema: person, value: new Struct(person).put('id', 3).put('tags', ['x']), expected: '{"id":3,"name":null,"tags":["x"]}' },
  ];
  it.each(cases)('$name', ({ schema, value, expected }) => {
    expect(text(json({ 'schemas.enable': 'false' }).fromConnectData('t', schema, value))).toBe(expected);
  });

  it('reads plain JSON as schemaless values', () => {
    const c = json({ 'schemas.enable': 'false' });
    expect(c.toConnectData('t', Buffer.from('{"a":{"b":[1,2.5,"x"]},"big":12345678901234567890}'))).toEqual({ schema: null, value: { a: { b: [1, 2.5, 'x'] }, big: 12345678901234567890n } });
    expect(c.toConnectData('t', null)).toEqual({ schema: null, value: null });
  });
});

describe('simple converters', () => {
  it('StringConverter', () => {
    const c = new StringConverter();
    c.configure({}, false);
    expect(text(c.fromConnectData('t', Schemas.STRING, 'héllo'))).toBe('héllo');
    expect(text(c.fromConnectData('t', null, 42))).toBe('42');
    expect(text(c.fromConnectData('t', null, { a: 1 }))).toBe('{"a":1}');
    expect(c.fromConnectData('t', null, null)).toBeNull();
    expect(c.toConnectData('t', Buffer.from('x'))).toEqual({ schema: Schemas.OPTIONAL_STRING, value: 'x' });
    const latin = new StringConverter();
    latin.configure({ 'converter.encoding': 'ISO-8859-1' }, true);
    expect(latin.fromConnectData('t', null, 'é')).toEqual(Buffer.from([0xe9]));
  });

  it('ByteArrayConverter', () => {
    const c = new ByteArrayConverter();
    c.configure();
    expect(c.fromConnectData('t', Schemas.BYTES, Buffer.from('ab'))).toEqual(Buffer.from('ab'));
    expect(() => c.fromConnectData('t', Schemas.STRING, 'ab')).toThrow(/Invalid schema type/);
    expect(() => c.fromConnectData('t', null, 'ab')).toThrow(/not compatible/);
    expect(c.toConnectData('t', Buffer.from('z'))).toEqual({ schema: Schemas.OPTIONAL_BYTES, value: Buffer.from('z') });
  });

  it.each([
    ['int16', 300, '012c'],
    ['int32', -2, 'fffffffe'],
    ['int64', 5n, '0000000000000005'],
    ['float64', 1.5, '3ff8000000000000'],
  ] as const)('NumberConverter %s', (kind, value, hex) => {
    const c = new NumberConverter(kind);
    const bytes = c.fromConnectData('t', null, value)!;
    expect(bytes.toString('hex')).toBe(hex);
    expect(c.toConnectData('t', bytes).value).toEqual(typeof value === 'bigint' ? Number(value) : value);
  });

  it('registers Connect class names and aliases', () => {
    const names = builtinConverters.map((c) => c.className);
    expect(names).toEqual(
      expect.arrayContaining(['org.apache.kafka.connect.json.JsonConverter', 'org.apache.kafka.connect.storage.StringConverter', 'org.apache.kafka.connect.converters.ByteArrayConverter']),
    );
  });
});
