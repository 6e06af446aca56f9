import { describe, expect, it } from 'vitest';
import { Struct, type SinkRecord } from '../api.ts';
import { Schemas, arraySchema, decimalSchema, mapSchema, structSchema, timestampSchema } from '../data.ts';
import { MaskField } from './mask-field.ts';

function sink(overrides: Partial<SinkRecord> = {}): SinkRecord {
  return { topic: 't', kafkaPartition: 0, kafkaOffset: 0, timestampType: 'CreateTime', keySchema: null, key: null, valueSchema: null, value: null, timestamp: null, headers: [], ...overrides };
}

function make(props: object): MaskField {
  const t = new MaskField('value');
  t.configure(props as Record<string, string>);
  return t;
}

const SCHEMA = structSchema([
  ['i8', Schemas.INT8],
  ['i64', Schemas.INT64],
  ['f', Schemas.FLOAT64],
  ['b', Schemas.BOOLEAN],
  ['s', Schemas.STRING],
  ['bytes', Schemas.BYTES],
  ['arr', arraySchema(Schemas.INT32)],
  ['map', mapSchema(Schemas.STRING, Schemas.STRING)],
  ['ts', timestampSchema()],
  ['dec', decimalSchema(2)],
  ['opt', Schemas.OPTIONAL_STRING],
  ['keep', Schemas.STRING],
]);
const FIELDS = 'i8,i64,f,b,s,bytes,arr,map,ts,dec,opt';

function struct(): Struct {
  return new Struct(SCHEMA, [
    ['i8', 5], ['i64', 9_007_199_254_740_993n], ['f', 1.5], ['b', true], ['s', 'secret'], ['bytes', Buffer.from('x')], ['arr', [1]],
    ['map', new Map([['k', 'v']])], ['ts', new Date(5)], ['dec', '12.34'], ['opt', null], ['keep', 'visible'],
  ]);
}

describe('MaskField', () => {
  it('schema\'d: each type gets its empty value; null stays null; other fields are kept', () => {
    const out = make({ fields: FIELDS }).apply(sink({ valueSchema: SCHEMA, value: struct() }));
    expect(out?.valueSchema).toBe(SCHEMA);
    expect(Object.fromEntries((out?.value as Struct).values)).toEqual({
      i8: 0, i64: 0n, f: 0, b: false, s: '', bytes: Buffer.alloc(0), arr: [], map: new Map(), ts: new Date(0), dec: '0', opt: null, keep: 'visible',
    });
  });

  it.each([
    { name: 'string replacement', props: { fields: 's', replacement: '***' }, field: 's', expected: '***' },
    { name: 'integer replacement', props: { fields: 'i8', replacement: '-1' }, field: 'i8', expected: -1 },
    { name: 'int64 replacement keeps bigint', props: { fields: 'i64', replacement: '7' }, field: 'i64', expected: 7n },
    { name: 'float replacement', props: { fields: 'f', replacement: '0.5' }, field: 'f', expected: 0.5 },
    { name: 'decimal replacement', props: { fields: 'dec', replacement: '1.00' }, field: 'dec', expected: '1.00' },
  ])('replacement: $name', ({ props, field, expected }) => {
    const out = make(props).apply(sink({ valueSchema: SCHEMA, value: struct() }));
    expect((out?.value as Struct).get(field)).toEqual(expected);
  });

  it.each([
    { name: 'object', value: { card: '4111', n: 3, ok: true, list: [1], nested: { a: 1 }, keep: 'x' }, expected: { card: '', n: 0, ok: false, list: [], nested: {}, keep: 'x' } },
    { name: 'Map', value: new Map<unknown, unknown>([['card', '4111'], ['keep', 'x']]), expected: new Map<unknown, unknown>([['card', ''], ['keep', 'x']]) },
  ])('schemaless $name', ({ value, expected }) => {
    expect(make({ fields: 'card,n,ok,list,nested,missing' }).apply(sink({ value }))?.value).toEqual(expected);
  });

  it('schemaless replacement', () => {
    expect(make({ fields: 'card,n', replacement: '0' }).apply(sink({ value: { card: '4111', n: 12 } }))?.value).toEqual({ card: '0', n: 0 });
  });

  it('tombstones pass', () => {
    const r = sink({ valueSchema: SCHEMA, value: null });
    expect(make({ fields: 's' }).apply(r)).toBe(r);
  });

  it.each([
    { name: 'a field missing from the schema', props: { fields: 'nope' }, error: /Cannot mask field "nope": the value schema has no such field/ },
    { name: 'a replacement for a boolean', props: { fields: 'b', replacement: 'x' }, error: /Cannot mask value of type boolean \(field "b"\) with a custom replacement/ },
    { name: 'a non-numeric replacement for a number', props: { fields: 'i8', replacement: 'abc' }, error: /replacement "abc" is not an integer/ },
    { name: 'a non-numeric replacement for a float', props: { fields: 'f', replacement: 'abc' }, error: /replacement "abc" is not a number/ },
  ])('data error: $name', ({ props, error }) => {
    expect(() => make(props).apply(sink({ valueSchema: SCHEMA, value: struct() }))).toThrow(error);
  });

  it.each([
    { name: 'no fields', props: {}, error: /Missing required configuration "fields" which has no default value/ },
    { name: 'an empty field list', props: { fields: '' }, error: /Invalid value  for configuration fields: Empty list/ },
    { name: 'an empty replacement', props: { fields: 'a', replacement: '' }, error: /configuration replacement: String may not be empty/ },
  ])('config error: $name', ({ props, error }) => {
    expect(() => make(props)).toThrow(error);
  });
});
