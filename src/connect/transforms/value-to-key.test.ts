import { describe, expect, it } from 'vitest';
import { Struct, type SinkRecord } from '../api.ts';
import { Schemas, structSchema } from '../data.ts';
import { ValueToKey } from './value-to-key.ts';

function sink(overrides: Partial<SinkRecord> = {}): SinkRecord {
  return { topic: 't', kafkaPartition: 0, kafkaOffset: 0, timestampType: 'CreateTime', keySchema: null, key: 'old', valueSchema: null, value: null, timestamp: null, headers: [], ...overrides };
}

function make(props: Record<string, string>): ValueToKey {
  const t = new ValueToKey();
  t.configure(props);
  return t;
}

const SCHEMA = structSchema([['id', Schemas.INT64], ['region', Schemas.OPTIONAL_STRING], ['amount', Schemas.FLOAT64]], { name: 'Order' });

describe('ValueToKey', () => {
  it.each([
    { name: 'one field', fields: 'id', value: { id: 1, region: 'eu' }, key: { id: 1 } },
    { name: 'several fields, in the configured order', fields: 'region,id', value: { id: 1, region: 'eu', x: 0 }, key: { region: 'eu', id: 1 } },
    { name: 'a missing field becomes null', fields: 'id,nope', value: { id: 1 }, key: { id: 1, nope: null } },
    { name: 'Map values give Map keys', fields: 'id', value: new Map([['id', 1]]), key: new Map([['id', 1]]) },
  ])('schemaless: $name', ({ fields, value, key }) => {
    const out = make({ fields }).apply(sink({ value }));
    expect(out?.key).toEqual(key);
    expect(out?.keySchema).toBeNull();
    expect(out?.value).toBe(value);
  });

  it('schema\'d: the key struct has the fields\' schemas', () => {
    const out = make({ fields: 'region,id' }).apply(sink({ valueSchema: SCHEMA, value: new Struct(SCHEMA, [['id', 7], ['region', 'us'], ['amount', 1.5]]) }));
    expect(out?.keySchema?.type).toBe('struct');
    expect(out?.keySchema?.fields?.map((f) => [f.name, f.schema])).toEqual([['region', Schemas.OPTIONAL_STRING], ['id', Schemas.INT64]]);
    expect(Object.fromEntries((out?.key as Struct).values)).toEqual({ region: 'us', id: 7 });
  });

  it.each([
    { name: 'a field missing from the schema', record: sink({ valueSchema: SCHEMA, value: new Struct(SCHEMA, [['id', 1]]) }), error: /Field does not exist: nope \(the value schema Order has id, region, amount\)/ },
    { name: 'a schemaless value that is not a map', record: sink({ value: 'x' }), error: /Only Map objects supported in absence of schema for \[copying fields from value to key\], found: string/ },
    { name: 'a schemaless tombstone', record: sink({ value: null }), error: /found: null/ },
    { name: 'a schema\'d value that is not a struct', record: sink({ valueSchema: Schemas.STRING, value: 'x' }), error: /Only Struct objects supported/ },
  ])('error: $name', ({ record, error }) => {
    expect(() => make({ fields: 'id,nope' }).apply(record)).toThrow(error);
  });

  it('config error: fields is required', () => {
    expect(() => make({})).toThrow(/Missing required configuration "fields"/);
  });
});
