import { describe, expect, it } from 'vitest';
import { Struct, type SinkRecord } from '../api.ts';
import { Schemas, structSchema } from '../data.ts';
import { ReplaceField } from './replace-field.ts';

function sink(overrides: Partial<SinkRecord> = {}): SinkRecord {
  return { topic: 't', kafkaPartition: 0, kafkaOffset: 0, timestampType: 'CreateTime', keySchema: null, key: null, valueSchema: null, value: null, timestamp: null, headers: [], ...overrides };
}

function make(props: object, side: 'key' | 'value' = 'value'): ReplaceField {
  const t = new ReplaceField(side);
  t.configure(props as Record<string, string>);
  return t;
}

const SCHEMA = structSchema(
  [
    ['id', Schemas.INT32],
    ['name', Schemas.STRING],
    ['secret', Schemas.OPTIONAL_STRING],
    ['age', { ...Schemas.OPTIONAL_INT32, defaultValue: 18 }],
  ],
  { name: 'Person', version: 2 },
);
const VALUE = { id: 1, name: 'ann', secret: 's3', age: 30 };

describe('ReplaceField', () => {
  it.each([
    { name: 'exclude', props: { exclude: 'secret' }, expected: { id: 1, name: 'ann', age: 30 } },
    { name: 'include', props: { include: 'id, name' }, expected: { id: 1, name: 'ann' } },
    { name: 'exclude wins over include', props: { include: 'id,secret', exclude: 'secret' }, expected: { id: 1 } },
    { name: 'renames', props: { renames: 'id:person_id,name:full_name' }, expected: { person_id: 1, full_name: 'ann', secret: 's3', age: 30 } },
    { name: 'blacklist (old name of exclude)', props: { blacklist: 'secret,age' }, expected: { id: 1, name: 'ann' } },
    { name: 'whitelist (old name of include)', props: { whitelist: 'name' }, expected: { name: 'ann' } },
    { name: 'fields absent from the record are ignored', props: { include: 'id,nope', renames: 'nope:x' }, expected: { id: 1 } },
    { name: 'no settings: unchanged', props: {}, expected: VALUE },
  ])('schemaless: $name', ({ props, expected }) => {
    expect(make(props).apply(sink({ value: VALUE }))?.value).toEqual(expected);
  });

  it('schemaless Map values stay Maps', () => {
    const out = make({ exclude: 'b' }).apply(sink({ value: new Map([['a', 1], ['b', 2]]) }));
    expect(out?.value).toEqual(new Map([['a', 1]]));
  });

  it.each([
    { name: 'exclude + rename', props: { exclude: 'secret', renames: 'name:full_name' }, fields: ['id', 'full_name', 'age'], values: { id: 1, full_name: 'ann', age: 30 } },
    { name: 'include', props: { include: 'name,id' }, fields: ['id', 'name'], values: { id: 1, name: 'ann' } },
  ])('schema\'d: $name', ({ props, fields, values }) => {
    const out = make(props).apply(sink({ valueSchema: SCHEMA, value: new Struct(SCHEMA, Object.entries(VALUE)) }));
    expect(out?.valueSchema?.name).toBe('Person');
    expect(out?.valueSchema?.version).toBe(2);
    expect(out?.valueSchema?.fields?.map((f) => f.name)).toEqual(fields);
    expect(out?.valueSchema?.fields?.map((f) => f.index)).toEqual(fields.map((_, i) => i));
    expect(Object.fromEntries((out?.value as Struct).values)).toEqual(values);
  });

  it('replace.null.with.default: null reads as the default unless turned off', () => {
    const value = new Struct(SCHEMA, [['id', 1], ['name', 'a'], ['secret', null], ['age', null]]);
    expect((make({}).apply(sink({ valueSchema: SCHEMA, value }))?.value as Struct).get('age')).toBe(18);
    expect((make({ 'replace.null.with.default': 'false' }).apply(sink({ valueSchema: SCHEMA, value }))?.value as Struct).get('age')).toBeNull();
  });

  it('a schema\'d tombstone keeps a null value with the updated schema', () => {
    const out = make({ exclude: 'secret' }).apply(sink({ valueSchema: SCHEMA, value: null }));
    expect(out?.value).toBeNull();
    expect(out?.valueSchema?.fields?.map((f) => f.name)).toEqual(['id', 'name', 'age']);
  });

  it('works on keys', () => {
    expect(make({ renames: 'a:b' }, 'key').apply(sink({ key: { a: 1 }, value: { a: 2 } }))).toMatchObject({ key: { b: 1 }, value: { a: 2 } });
  });

  it.each([
    { name: 'a bad rename', props: { renames: 'a:b,c' }, error: /Invalid value a:b,c for configuration renames: Invalid rename mapping: c/ },
    { name: 'both include and whitelist', props: { include: 'a', whitelist: 'b' }, error: /set include or its deprecated name whitelist, not both/ },
  ])('config error: $name', ({ props, error }) => {
    expect(() => make(props)).toThrow(error);
  });

  it('data error: a schemaless value that is not a map', () => {
    expect(() => make({ exclude: 'a' }).apply(sink({ value: [1, 2] }))).toThrow(/Only Map objects supported in absence of schema for \[field replacement\], found: array/);
  });
});
