import { describe, expect, it } from 'vitest';
import type { SinkRecord } from '../api.ts';
import { Filter } from './filter.ts';
import { RegexRouter } from './regex-router.ts';

function sink(overrides: Partial<SinkRecord> = {}): SinkRecord {
  return { topic: 't', kafkaPartition: 0, kafkaOffset: 0, timestampType: 'CreateTime', keySchema: null, key: null, valueSchema: null, value: 'v', timestamp: null, headers: [], ...overrides };
}

function router(regex: string, replacement: string): RegexRouter {
  const t = new RegexRouter();
  t.configure({ regex, replacement });
  return t;
}

describe('RegexRouter', () => {
  it.each([
    { regex: '(.*)-(.*)', replacement: '$2_$1', topic: 'orders-eu', expected: 'eu_orders' },
    { regex: 'db\\.public\\.(.*)', replacement: '$1', topic: 'db.public.users', expected: 'users' },
    { regex: '(?<table>.*)_raw', replacement: '${table}_clean', topic: 'users_raw', expected: 'users_clean' },
    { regex: '(.*)', replacement: 'cost\\$$1', topic: 'x', expected: 'cost$x' },
    { regex: 'orders', replacement: 'all', topic: 'orders-eu', expected: 'orders-eu' }, // the whole name must match
    { regex: 'a(b)?', replacement: '[$1]', topic: 'a', expected: '[]' },
    { regex: '(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)', replacement: '$10-$11', topic: 'abcdefghij', expected: 'j-a1' },
  ])('$regex → $replacement: $topic', ({ regex, replacement, topic, expected }) => {
    const record = sink({ topic });
    const out = router(regex, replacement).apply(record);
    expect(out?.topic).toBe(expected);
    if (expected === topic) expect(out).toBe(record);
    else expect(out).toEqual({ ...record, topic: expected });
  });

  it.each([
    { props: { regex: '(', replacement: '' }, error: /Invalid value \( for configuration regex: Invalid regex/ },
    { props: { regex: 'a', replacement: '$1' }, error: /configuration replacement: No group 1/ },
    { props: { regex: 'a', replacement: '${x}' }, error: /No group with name \{x\}/ },
    { props: { regex: 'a', replacement: 'x$' }, error: /Illegal group reference/ },
    { props: { replacement: 'x' }, error: /Missing required configuration "regex"/ },
    { props: { regex: 'x' }, error: /Missing required configuration "replacement"/ },
  ])('config error $props', ({ props, error }) => {
    expect(() => new RegexRouter().configure(props as Record<string, string>)).toThrow(error);
  });
});

describe('Filter', () => {
  it('drops every record', () => {
    const f = new Filter();
    f.configure({});
    expect(f.apply(sink())).toBeNull();
    expect(f.config()).toEqual([]);
  });
});
