import { describe, expect, it } from 'vitest';
import { Struct, type SinkRecord } from '../api.ts';
import { Schemas, dateSchema, decimalSchema, structSchema, timeSchema, timestampSchema } from '../data.ts';
import { Cast, castValue, type CastType } from './cast.ts';

function sink(overrides: Partial<SinkRecord> = {}): SinkRecord {
  return { topic: 't', kafkaPartition: 0, kafkaOffset: 0, timestampType: 'CreateTime', keySchema: null, key: null, valueSchema: null, value: null, timestamp: null, headers: [], ...overrides };
}

function make(spec: string, side: 'key' | 'value' = 'value', extra: Record<string, string> = {}): Cast {
  const t = new Cast(side);
  t.configure({ spec, ...extra });
  return t;
}

describe('Cast values', () => {
  it.each<{ value: unknown; to: CastType; expected: unknown; schema?: typeof Schemas.INT8 }>([
    { value: '42', to: 'int32', expected: 42 },
    { value: ' -7 ', to: 'int8', expected: -7 },
    { value: '9223372036854775807', to: 'int64', expected: 9223372036854775807n },
    { value: '12', to: 'int64', expected: 12 },
    { value: 3.99, to: 'int32', expected: 3 },
    { value: -3.99, to: 'int32', expected: -3 },
    { value: 300, to: 'int8', expected: 44 }, // Java's (byte) wrap-around
    { value: 70000, to: 'int16', expected: 4464 },
    { value: 1e20, to: 'int32', expected: 2147483647 }, // doubles saturate before narrowing
    { value: 2n ** 40n, to: 'int32', expected: 0 },
    { value: true, to: 'int64', expected: 1 },
    { value: false, to: 'float64', expected: 0 },
    { value: '1.5e3', to: 'float64', expected: 1500 },
    { value: 1.1, to: 'float32', expected: Math.fround(1.1) },
    { value: 5n, to: 'float64', expected: 5 },
    { value: 0, to: 'boolean', expected: false },
    { value: -2, to: 'boolean', expected: true },
    { value: 'TRUE', to: 'boolean', expected: true },
    { value: 'false', to: 'boolean', expected: false },
    { value: 12, to: 'string', expected: '12' },
    { value: 2.0, to: 'string', expected: '2.0', schema: Schemas.FLOAT64 },
    { value: 1e10, to: 'string', expected: '1.0E10', schema: Schemas.FLOAT64 },
    { value: Math.fround(1.1), to: 'string', expected: '1.1', schema: Schemas.FLOAT32 },
    { value: 12345678901234567890n, to: 'string', expected: '12345678901234567890' },
    { value: true, to: 'string', expected: 'true' },
    { value: Buffer.from('hi'), to: 'string', expected: 'aGk=' },
    { value: new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6)), to: 'string', expected: '2024-01-02T03:04:05.006Z', schema: timestampSchema() },
    { value: new Date(Date.UTC(2024, 0, 2)), to: 'string', expected: '2024-01-02', schema: dateSchema() },
    { value: new Date(3_723_004), to: 'string', expected: '01:02:03.004Z', schema: timeSchema() },
    { value: new Date(1234), to: 'int64', expected: 1234, schema: timestampSchema() },
    { value: '12.75', to: 'int32', expected: 12, schema: decimalSchema(2) },
    { value: '12.75', to: 'float64', expected: 12.75, schema: decimalSchema(2) },
    { value: null, to: 'int32', expected: null },
  ])('$value → $to', ({ value, to, expected, schema }) => {
    expect(castValue(value, to, schema ?? null, 'f')).toEqual(expected);
  });

  it.each<{ value: unknown; to: CastType; error: RegExp }>([
    { value: 'abc', to: 'int32', error: /Cast: cannot cast "abc" \(field "f"\) to int32: not an integer/ },
    { value: '1.5', to: 'int64', error: /not an integer/ },
    { value: '300', to: 'int8', error: /cannot cast "300" \(field "f"\) to int8: out of range for int8/ },
    { value: 'yes', to: 'boolean', error: /expected true or false/ },
    { value: '1,5', to: 'float64', error: /not a number/ },
    { value: { a: 1 }, to: 'string', error: /casting a object is not supported/ },
    { value: [1], to: 'int32', error: /casting a array is not supported/ },
  ])('bad cast: $value → $to', ({ value, to, error }) => {
    expect(() => castValue(value, to, null, 'f')).toThrow(error);
  });
});

describe('Cast transformation', () => {
  const SCHEMA = structSchema(
    [
      ['id', Schemas.STRING],
      ['amount', Schemas.OPTIONAL_FLOAT64],
      ['flag', { ...Schemas.INT8, defaultValue: 1 }],
      ['data', Schemas.BYTES],
      ['keep', Schemas.STRING],
    ],
    { name: 'Row', doc: 'a row' },
  );

  it('schema\'d fields: new types, optional flags and defaults carried over', () => {
    const t = make('id:int64,amount:string,flag:boolean,data:string,nope:int32');
    const out = t.apply(sink({ valueSchema: SCHEMA, value: new Struct(SCHEMA, [['id', '17'], ['amount', null], ['flag', 0], ['data', Buffer.from([1, 2])], ['keep', 'k']]) }));
    expect(out?.valueSchema?.name).toBe('Row');
    expect(out?.valueSchema?.doc).toBe('a row');
    expect(out?.valueSchema?.fields?.map((f) => [f.name, f.schema.type, f.schema.optional, f.schema.defaultValue])).toEqual([
      ['id', 'int64', false, undefined],
      ['amount', 'string', true, undefined],
      ['flag', 'boolean', false, true],
      ['data', 'string', false, undefined],
      ['keep', 'string', false, undefined],
    ]);
    expect(Object.fromEntries((out?.value as Struct).values)).toEqual({ id: 17, amount: null, flag: false, data: 'AQI=', keep: 'k' });
  });

  it('schemaless fields; fields absent from the map are left alone', () => {
    const out = make('id:int32,price:float32,missing:int8').apply(sink({ value: { id: '5', price: '2.5', other: 'x' } }));
    expect(out?.value).toEqual({ id: 5, price: 2.5, other: 'x' });
  });

  it('whole value: schemaless and schema\'d (the schema becomes the target primitive, optional kept)', () => {
    expect(make('int64', 'key').apply(sink({ key: '99' }))?.key).toBe(99);
    const out = make('string').apply(sink({ valueSchema: Schemas.OPTIONAL_INT32, value: 7 }));
    expect(out?.valueSchema).toEqual({ type: 'string', optional: true });
    expect(out?.value).toBe('7');
    const tomb = make('string').apply(sink({ valueSchema: Schemas.OPTIONAL_INT32, value: null }));
    expect(tomb?.value).toBeNull();
  });

  it('type names are case-insensitive', () => {
    expect(make('a:INT32').apply(sink({ value: { a: '1' } }))?.value).toEqual({ a: 1 });
  });

  it.each([
    { name: 'an unknown type', spec: 'a:integer', error: /Invalid type found in casting spec "a:integer": integer/ },
    { name: 'a target type that is not primitive', spec: 'a:bytes', error: /Invalid type found in casting spec "a:bytes"/ },
    { name: 'a whole-value cast with others', spec: 'int32,a:string', error: /may only specify a single cast/ },
    { name: 'a malformed mapping', spec: 'a:b:c', error: /Invalid cast mapping: a:b:c/ },
    { name: 'an empty spec', spec: '', error: /Must specify at least one field to cast/ },
  ])('config error: $name', ({ spec, error }) => {
    expect(() => make(spec)).toThrow(error);
  });

  it.each([
    { name: 'a string that is not a number', spec: 'id:int32', record: sink({ value: { id: 'x12' } }), error: /Cast: cannot cast "x12" \(field "id"\) to int32: not an integer/ },
    { name: 'a struct field cast', spec: 'inner:string', record: sink({ valueSchema: structSchema([['inner', structSchema([])]]), value: new Struct(structSchema([['inner', structSchema([])]])) }), error: /does not support casting from struct/ },
    { name: 'bytes to a number', spec: 'data:int32', record: sink({ valueSchema: SCHEMA, value: new Struct(SCHEMA, [['data', Buffer.alloc(1)]]) }), error: /holds bytes, which can only be cast to string/ },
    { name: 'field casts on a non-map', spec: 'a:int32', record: sink({ value: 'text' }), error: /Only Map objects supported in absence of schema for \[cast types\]/ },
  ])('data error: $name', ({ spec, record, error }) => {
    expect(() => make(spec).apply(record)).toThrow(error);
  });
});
