import { describe, expect, it } from 'vitest';
import { Struct, type SinkRecord } from '../api.ts';
import { Schemas, arraySchema, structSchema } from '../data.ts';
import { Flatten } from './flatten.ts';
import { DropHeaders, InsertHeader } from './headers.ts';
import { SetSchemaMetadata } from './set-schema-metadata.ts';
import { TimestampRouter } from './timestamp-router.ts';

function sink(overrides: Partial<SinkRecord> = {}): SinkRecord {
  return { topic: 'orders', kafkaPartition: 0, kafkaOffset: 0, timestampType: 'CreateTime', keySchema: null, key: null, valueSchema: null, value: null, timestamp: Date.UTC(2024, 2, 5, 14, 7), headers: [], ...overrides };
}

describe('TimestampRouter', () => {
  it.each([
    { props: {}, expected: 'orders-20240305' },
    { props: { 'topic.format': 'logs_${timestamp}_${topic}', 'timestamp.format': 'yyyy-MM' }, expected: 'logs_2024-03_orders' },
  ])('$props → $expected', ({ props, expected }) => {
    const t = new TimestampRouter();
    t.configure(props as Record<string, string>);
    expect(t.apply(sink())?.topic).toBe(expected);
  });
  it('errors: no timestamp, bad pattern', () => {
    const t = new TimestampRouter();
    t.configure({});
    expect(() => t.apply(sink({ timestamp: null }))).toThrow(/Timestamp missing on record/);
    expect(() => new TimestampRouter().configure({ 'timestamp.format': 'yyyy-qq' })).toThrow(/Invalid value yyyy-qq for configuration timestamp.format: Illegal pattern character 'q'/);
  });
});

describe('InsertHeader and DropHeaders', () => {
  it('adds a string header, keeping the existing ones', () => {
    const t = new InsertHeader();
    t.configure({ header: 'source', 'value.literal': 'kstream' });
    const existing = { key: 'a', schema: null, value: 1 };
    const out = t.apply(sink({ headers: [existing] }));
    expect(out?.headers).toEqual([existing, { key: 'source', schema: Schemas.STRING, value: 'kstream' }]);
  });
  it('drops the named headers (every occurrence)', () => {
    const t = new DropHeaders();
    t.configure({ headers: 'a, c' });
    const headers = [{ key: 'a', schema: null, value: 1 }, { key: 'b', schema: null, value: 2 }, { key: 'a', schema: null, value: 3 }, { key: 'c', schema: null, value: 4 }];
    expect(t.apply(sink({ headers }))?.headers).toEqual([{ key: 'b', schema: null, value: 2 }]);
    const untouched = sink({ headers: [{ key: 'z', schema: null, value: 0 }] });
    expect(t.apply(untouched)).toBe(untouched);
  });
  it('config errors', () => {
    expect(() => new InsertHeader().configure({ header: 'x' })).toThrow(/Missing required configuration "value.literal"/);
    expect(() => new DropHeaders().configure({ headers: '' })).toThrow(/Empty list/);
  });
});

describe('SetSchemaMetadata', () => {
  const SCHEMA = structSchema([['id', Schemas.INT32]], { name: 'old', version: 1 });
  it('renames and re-versions the schema; the struct follows', () => {
    const t = new SetSchemaMetadata('value');
    t.configure({ 'schema.name': 'com.example.Order', 'schema.version': '3' });
    const out = t.apply(sink({ valueSchema: SCHEMA, value: new Struct(SCHEMA, [['id', 1]]) }));
    expect(out?.valueSchema).toMatchObject({ type: 'struct', name: 'com.example.Order', version: 3 });
    expect((out?.value as Struct).schema).toBe(out?.valueSchema);
    expect((out?.value as Struct).get('id')).toBe(1);
  });
  it('primitive key schemas', () => {
    const t = new SetSchemaMetadata('key');
    t.configure({ 'schema.name': 'Id' });
    expect(t.apply(sink({ keySchema: Schemas.INT64, key: 5 }))).toMatchObject({ keySchema: { type: 'int64', name: 'Id' }, key: 5 });
  });
  it('errors', () => {
    expect(() => new SetSchemaMetadata('value').configure({})).toThrow(/Neither schema name nor version configured/);
    expect(() => new SetSchemaMetadata('value').configure({ 'schema.version': 'x' })).toThrow(/Not a number of type INT/);
    const t = new SetSchemaMetadata('value');
    t.configure({ 'schema.name': 'x' });
    expect(() => t.apply(sink({ value: { a: 1 } }))).toThrow(/Schema required for \[updating schema metadata\]/);
  });
});

describe('Flatten', () => {
  const ADDRESS = structSchema([['city', Schemas.STRING], ['zip', Schemas.OPTIONAL_STRING]]);
  const SCHEMA = structSchema([
    ['id', Schemas.INT32],
    ['address', ADDRESS],
    ['billing', { ...ADDRESS, optional: true }],
    ['tags', arraySchema(Schemas.STRING)],
  ], { name: 'Customer' });

  it('schema\'d: nested struct fields joined with the delimiter; optional parents make optional fields', () => {
    const t = new Flatten('value');
    t.configure({ delimiter: '_' });
    const value = new Struct(SCHEMA, [['id', 1], ['address', new Struct(ADDRESS, [['city', 'Oslo'], ['zip', '0150']])], ['billing', null], ['tags', ['a']]]);
    const out = t.apply(sink({ valueSchema: SCHEMA, value }));
    expect(out?.valueSchema?.name).toBe('Customer');
    expect(out?.valueSchema?.fields?.map((f) => [f.name, f.schema.type, f.schema.optional])).toEqual([
      ['id', 'int32', false],
      ['address_city', 'string', false],
      ['address_zip', 'string', true],
      ['billing_city', 'string', true],
      ['billing_zip', 'string', true],
      ['tags', 'array', false],
    ]);
    expect(Object.fromEntries((out?.value as Struct).values)).toEqual({ id: 1, address_city: 'Oslo', address_zip: '0150', billing_city: null, billing_zip: null, tags: ['a'] });
  });

  it('schemaless: nested maps and objects', () => {
    const t = new Flatten('value');
    t.configure({});
    const out = t.apply(sink({ value: { id: 1, a: { b: { c: 2 }, d: [1, { e: 3 }] }, m: new Map([['x', 1]]) } }));
    expect(out?.value).toEqual({ id: 1, 'a.b.c': 2, 'a.d': [1, { e: 3 }], 'm.x': 1 });
  });

  it('tombstones and non-struct schemas pass', () => {
    const t = new Flatten('value');
    t.configure({});
    const tomb = sink({ value: null });
    expect(t.apply(tomb)).toBe(tomb);
    const primitive = sink({ valueSchema: Schemas.STRING, value: 'x' });
    expect(t.apply(primitive)).toBe(primitive);
    expect(() => t.apply(sink({ value: 'text' }))).toThrow(/Only Map objects supported in absence of schema for \[flattening\]/);
  });
});
