import { describe, expect, it } from 'vitest';
import type { ConfigDef } from '../api.ts';
import { builtinPredicates } from '../predicates/index.ts';
import { builtinTransformations } from './index.ts';
import { newRecord, parseConfig } from './support.ts';

const DEF: ConfigDef = [
  { name: 's', type: 'string', importance: 'high', documentation: '' },
  { name: 'l', type: 'list', defaultValue: [], importance: 'low', documentation: '' },
  { name: 'b', type: 'boolean', defaultValue: false, importance: 'low', documentation: '' },
  { name: 'i', type: 'int', defaultValue: 5, importance: 'low', documentation: '' },
];

describe('parseConfig', () => {
  it('trims strings, splits lists, parses booleans and numbers, applies defaults', () => {
    const c = parseConfig(DEF, { s: '  x ', l: ' a , b,c ', b: 'TRUE' });
    expect([c.string('s'), c.list('l'), c.boolean('b'), c.number('i')]).toEqual(['x', ['a', 'b', 'c'], true, 5]);
    expect(parseConfig(DEF, { s: 'x', l: '' }).list('l')).toEqual([]);
  });

  it.each([
    { props: {}, error: 'Missing required configuration "s" which has no default value.' },
    { props: { s: 'x', b: 'yes' }, error: 'Invalid value yes for configuration b: Expected value to be either true or false' },
    { props: { s: 'x', i: '1.5' }, error: 'Invalid value 1.5 for configuration i: Not a number of type INT' },
  ])('errors: $error', ({ props, error }) => {
    expect(() => parseConfig(DEF, props as Record<string, string>)).toThrow(error);
  });
});

describe('newRecord', () => {
  it('keeps the prototype and every own field', () => {
    class Rec {
      topic = 't';
      kafkaPartition = 0;
      keySchema = null;
      key = null;
      valueSchema = null;
      value: unknown = 1;
      timestamp = null;
      headers = [];
      extra = 'kept';
    }
    const out = newRecord(new Rec(), { value: 2 });
    expect(out).toBeInstanceOf(Rec);
    expect(out.extra).toBe('kept');
    expect(out.value).toBe(2);
  });
});

describe('registries', () => {
  it('every transformation has a unique Connect class name, a version and a config', () => {
    const names = builtinTransformations.map((p) => p.className);
    expect(new Set(names).size).toBe(names.length);
    for (const p of builtinTransformations) {
      expect(p.className).toMatch(/^org\.apache\.kafka\.connect\.transforms\.\w+(\$(Key|Value))?$/);
      expect(p.version).toBe('1.0.0');
      expect(Array.isArray(p.create().config())).toBe(true);
    }
    expect(names).toEqual(expect.arrayContaining([
      'org.apache.kafka.connect.transforms.InsertField$Value',
      'org.apache.kafka.connect.transforms.ReplaceField$Key',
      'org.apache.kafka.connect.transforms.MaskField$Value',
      'org.apache.kafka.connect.transforms.ValueToKey',
      'org.apache.kafka.connect.transforms.ExtractField$Key',
      'org.apache.kafka.connect.transforms.HoistField$Value',
      'org.apache.kafka.connect.transforms.Cast$Value',
      'org.apache.kafka.connect.transforms.TimestampConverter$Value',
      'org.apache.kafka.connect.transforms.RegexRouter',
      'org.apache.kafka.connect.transforms.Filter',
    ]));
  });

  it('predicates', () => {
    expect(builtinPredicates.map((p) => [p.className, p.aliases])).toEqual([
      ['org.apache.kafka.connect.transforms.predicates.HasHeaderKey', ['HasHeaderKey']],
      ['org.apache.kafka.connect.transforms.predicates.RecordIsTombstone', ['RecordIsTombstone']],
      ['org.apache.kafka.connect.transforms.predicates.TopicNameMatches', ['TopicNameMatches']],
    ]);
  });
});
