import { describe, expect, it } from 'vitest';
import { Struct, type SinkRecord } from '../api.ts';
import { Schemas, structSchema } from '../data.ts';
import { ExtractField } from './extract-field.ts';
import { HoistField } from './hoist-field.ts';

function sink(overrides: Partial<SinkRecord> = {}): SinkRecord {
  return { topic: 't', kafkaPartition: 0, kafkaOffset: 0, timestampType: 'CreateTime', keySchema: null, key: null, valueSchema: null, value: null, timestamp: null, headers: [], ...overrides };
}

const INNER = structSchema([['city', Schemas.STRING]], { name: 'Address' });
const SCHEMA = structSchema([['id', Schemas.INT32], ['address', INNER], ['note', { ...Schemas.OPTIONAL_STRING, defaultValue: 'none' }]]);

function extract(side: 'key' | 'value', props: Record<string, string>): ExtractField {
  const t = new ExtractField(side);
  t.configure(props);
  return t;
}

function hoist(side: 'key' | 'value', props: Record<string, string>): HoistField {
  const t = new HoistField(side);
  t.configure(props);
  return t;
}

describe('ExtractField', () => {
  it.each([
    { name: 'a field of an object', value: { id: 1, name: 'x' }, expected: 1 },
    { name: 'a field of a Map', value: new Map([['id', 2]]), expected: 2 },
    { name: 'a missing field gives null', value: { other: 1 }, expected: null },
    { name: 'a null value stays null', value: null, expected: null },
  ])('schemaless: $name', ({ value, expected }) => {
    const out = extract('value', { field: 'id' }).apply(sink({ value }));
    expect(out?.value).toEqual(expected);
    expect(out?.valueSchema).toBeNull();
  });

  it('schema\'d: the field\'s value and schema', () => {
    const address = new Struct(INNER, [['city', 'Oslo']]);
    const out = extract('value', { field: 'address' }).apply(sink({ valueSchema: SCHEMA, value: new Struct(SCHEMA, [['id', 1], ['address', address]]) }));
    expect(out?.valueSchema).toBe(INNER);
    expect(out?.value).toBe(address);
  });

  it('schema\'d: a null field reads as its default (replace.null.with.default)', () => {
    const value = new Struct(SCHEMA, [['id', 1], ['note', null]]);
    expect(extract('value', { field: 'note' }).apply(sink({ valueSchema: SCHEMA, value }))?.value).toBe('none');
    expect(extract('value', { field: 'note', 'replace.null.with.default': 'false' }).apply(sink({ valueSchema: SCHEMA, value }))?.value).toBeNull();
  });

  it('key side', () => {
    const out = extract('key', { field: 'id' }).apply(sink({ key: { id: 'k1' }, value: { id: 'v' } }));
    expect(out?.key).toBe('k1');
    expect(out?.value).toEqual({ id: 'v' });
  });

  it.each([
    { name: 'a field missing from the schema', record: sink({ valueSchema: SCHEMA, value: new Struct(SCHEMA, [['id', 1]]) }), error: /Unknown field: nope \(the value schema has id, address, note\)/ },
    { name: 'a schemaless value that is not a map', record: sink({ value: 42 }), error: /Only Map objects supported in absence of schema for \[field extraction\], found: number/ },
  ])('error: $name', ({ record, error }) => {
    expect(() => extract('value', { field: 'nope' }).apply(record)).toThrow(error);
  });

  it('config error: field is required and not empty', () => {
    expect(() => extract('value', {})).toThrow(/Missing required configuration "field"/);
    expect(() => extract('value', { field: '' })).toThrow(/String may not be empty/);
  });
});

describe('HoistField', () => {
  it.each([
    { name: 'a string', value: 'hello', expected: { line: 'hello' } },
    { name: 'an object', value: { a: 1 }, expected: { line: { a: 1 } } },
    { name: 'null', value: null, expected: { line: null } },
  ])('schemaless: $name', ({ value, expected }) => {
    expect(hoist('value', { field: 'line' }).apply(sink({ value }))?.value).toEqual(expected);
  });

  it('schema\'d: a struct with one field of the original schema', () => {
    const out = hoist('key', { field: 'id' }).apply(sink({ keySchema: Schemas.INT64, key: 5 }));
    expect(out?.keySchema).toMatchObject({ type: 'struct', optional: false, fields: [{ name: 'id', index: 0, schema: Schemas.INT64 }] });
    expect((out?.key as Struct).get('id')).toBe(5);
    expect((out?.key as Struct).schema).toBe(out?.keySchema);
  });

  it('round trip with ExtractField', () => {
    const h = hoist('value', { field: 'v' });
    const e = extract('value', { field: 'v' });
    const record = sink({ valueSchema: Schemas.STRING, value: 'x' });
    expect(e.apply(h.apply(record) as SinkRecord)).toEqual(record);
  });
});
