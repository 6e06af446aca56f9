import { describe, expect, it } from 'vitest';
import { LogicalType, Struct, type SinkRecord, type SourceRecord } from '../api.ts';
import { Schemas, structSchema, timestampSchema } from '../data.ts';
import { InsertField } from './insert-field.ts';
import { builtinTransformations } from './index.ts';

function sink(overrides: Partial<SinkRecord> = {}): SinkRecord {
  return { topic: 'orders', kafkaPartition: 3, kafkaOffset: 42, timestampType: 'CreateTime', keySchema: null, key: null, valueSchema: null, value: null, timestamp: 1_700_000_000_000, headers: [], ...overrides };
}

function source(overrides: Partial<SourceRecord> = {}): SourceRecord {
  return { topic: 'orders', kafkaPartition: null, keySchema: null, key: null, valueSchema: null, value: null, timestamp: null, headers: [], sourcePartition: {}, sourceOffset: {}, ...overrides };
}

function make(side: 'key' | 'value', props: object): InsertField {
  const t = new InsertField(side);
  t.configure(props as Record<string, string>);
  return t;
}

const ALL = { 'topic.field': 'topic', 'partition.field': 'partition', 'offset.field': 'offset', 'timestamp.field': 'ts', 'static.field': 'origin', 'static.value': 'kstream' };
const VALUE_SCHEMA = structSchema([['id', Schemas.INT32]], { name: 'Order' });

describe('InsertField', () => {
  it.each([
    { name: 'plain object value', value: { id: 1 }, expected: { id: 1, topic: 'orders', partition: 3, offset: 42, ts: 1_700_000_000_000, origin: 'kstream' } },
    {
      name: 'Map value',
      value: new Map<unknown, unknown>([['id', 1]]),
      expected: new Map<unknown, unknown>([['id', 1], ['topic', 'orders'], ['partition', 3], ['offset', 42], ['ts', 1_700_000_000_000], ['origin', 'kstream']]),
    },
  ])('schemaless: $name', ({ value, expected }) => {
    const out = make('value', ALL).apply(sink({ value }));
    expect(out?.value).toEqual(expected);
    expect(out?.valueSchema).toBeNull();
    // The input is not modified.
    expect(value instanceof Map ? value.size : Object.keys(value).length).toBe(1);
  });

  it('schema\'d: appends optional fields with Connect\'s types and keeps the schema name', () => {
    const out = make('value', ALL).apply(sink({ valueSchema: VALUE_SCHEMA, value: new Struct(VALUE_SCHEMA, [['id', 7]]) }));
    const schema = out?.valueSchema;
    expect(schema?.name).toBe('Order');
    expect(schema?.fields?.map((f) => [f.name, f.index, f.schema.type, f.schema.optional, f.schema.name])).toEqual([
      ['id', 0, 'int32', false, undefined],
      ['topic', 1, 'string', true, undefined],
      ['partition', 2, 'int32', true, undefined],
      ['offset', 3, 'int64', true, undefined],
      ['ts', 4, 'int64', true, LogicalType.Timestamp],
      ['origin', 5, 'string', true, undefined],
    ]);
    const struct = out?.value as Struct;
    expect(Object.fromEntries(struct.values)).toEqual({ id: 7, topic: 'orders', partition: 3, offset: 42, ts: new Date(1_700_000_000_000), origin: 'kstream' });
    expect(struct.schema).toBe(schema);
  });

  it('a ! suffix makes the field required, ? or nothing optional', () => {
    const out = make('value', { 'topic.field': 'topic!', 'static.field': 's?', 'static.value': 'x' }).apply(sink({ valueSchema: VALUE_SCHEMA, value: new Struct(VALUE_SCHEMA, [['id', 1]]) }));
    expect(out?.valueSchema?.fields?.map((f) => [f.name, f.schema.optional])).toEqual([['id', false], ['topic', false], ['s', true]]);
  });

  it('reuses the derived schema for records with the same schema', () => {
    const t = make('value', { 'topic.field': 'topic' });
    const a = t.apply(sink({ valueSchema: VALUE_SCHEMA, value: new Struct(VALUE_SCHEMA, [['id', 1]]) }));
    const b = t.apply(sink({ valueSchema: VALUE_SCHEMA, value: new Struct(VALUE_SCHEMA, [['id', 2]]) }));
    expect(a?.valueSchema).toBe(b?.valueSchema);
  });

  it('works on the key', () => {
    const out = make('key', { 'topic.field': 'topic' }).apply(sink({ key: { id: 1 }, value: 'v' }));
    expect(out?.key).toEqual({ id: 1, topic: 'orders' });
    expect(out?.value).toBe('v');
  });

  it('passes tombstones through', () => {
    const record = sink({ valueSchema: VALUE_SCHEMA, value: null });
    expect(make('value', ALL).apply(record)).toBe(record);
  });

  it('keeps the record type: source records stay source records', () => {
    const out = make('value', { 'topic.field': 'topic' }).apply(source({ value: { a: 1 }, sourceOffset: { pos: 1 } }));
    expect(out).toEqual(source({ value: { a: 1, topic: 'orders' }, sourceOffset: { pos: 1 } }));
  });

  it('null timestamp and partition on a source record', () => {
    const out = make('value', { 'timestamp.field': 'ts', 'partition.field': 'p' }).apply(source({ valueSchema: VALUE_SCHEMA, value: new Struct(VALUE_SCHEMA, [['id', 1]]) }));
    expect(Object.fromEntries((out?.value as Struct).values)).toEqual({ id: 1, ts: null, p: null });
  });

  it.each([
    { name: 'offset on a source record', props: { 'offset.field': 'o' }, record: source({ value: { a: 1 } }), error: /offset\.field can only be inserted into sink records/ },
    { name: 'a required field without a value', props: { 'partition.field': 'p!' }, record: source({ valueSchema: VALUE_SCHEMA, value: new Struct(VALUE_SCHEMA, [['id', 1]]) }), error: /null used for required field: "p"/ },
    { name: 'a schemaless value that is not a map', props: { 'topic.field': 't' }, record: sink({ value: 'text' }), error: /Only Map objects supported in absence of schema for \[field insertion\], found: string/ },
    { name: 'a schema\'d value that is not a struct', props: { 'topic.field': 't' }, record: sink({ valueSchema: Schemas.STRING, value: 'text' }), error: /Only Struct objects supported for \[field insertion\], found: string/ },
    { name: 'a field that already exists', props: { 'topic.field': 'id' }, record: sink({ valueSchema: VALUE_SCHEMA, value: new Struct(VALUE_SCHEMA, [['id', 1]]) }), error: /already has a field with that name/ },
  ])('error: $name', ({ props, record, error }) => {
    expect(() => make('value', props).apply(record)).toThrow(error);
  });

  it('timestamp schema is Connect\'s Timestamp logical type', () => {
    expect(timestampSchema(true)).toEqual({ type: 'int64', optional: true, name: LogicalType.Timestamp, version: 1 });
  });

  it('is registered as InsertField$Key and InsertField$Value with aliases', () => {
    const names = builtinTransformations.filter((p) => p.className.includes('InsertField')).map((p) => [p.className, p.aliases]);
    expect(names).toEqual([
      ['org.apache.kafka.connect.transforms.InsertField$Key', ['InsertField$Key']],
      ['org.apache.kafka.connect.transforms.InsertField$Value', ['InsertField$Value']],
    ]);
  });
});
