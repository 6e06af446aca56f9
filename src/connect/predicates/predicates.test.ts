import { describe, expect, it } from 'vitest';
import type { ConnectRecord } from '../api.ts';
import { Schemas } from '../data.ts';
import { HasHeaderKey, RecordIsTombstone, TopicNameMatches } from './index.ts';

function record(overrides: Partial<ConnectRecord> = {}): ConnectRecord {
  return { topic: 'orders', kafkaPartition: 0, keySchema: null, key: null, valueSchema: null, value: 'v', timestamp: null, headers: [], ...overrides };
}

describe('HasHeaderKey', () => {
  const p = new HasHeaderKey();
  p.configure({ name: 'trace-id' });
  it.each([
    { headers: [], expected: false },
    { headers: [{ key: 'other', schema: null, value: 1 }], expected: false },
    { headers: [{ key: 'other', schema: null, value: 1 }, { key: 'trace-id', schema: null, value: null }], expected: true },
    { headers: [{ key: 'Trace-Id', schema: null, value: 'x' }], expected: false },
  ])('$headers → $expected', ({ headers, expected }) => {
    expect(p.test(record({ headers }))).toBe(expected);
  });
  it('name is required', () => {
    expect(() => new HasHeaderKey().configure({})).toThrow(/Missing required configuration "name"/);
    expect(() => new HasHeaderKey().configure({ name: '' })).toThrow(/String may not be empty/);
  });
});

describe('RecordIsTombstone', () => {
  const p = new RecordIsTombstone();
  p.configure({});
  it.each([
    { value: null, valueSchema: null, expected: true },
    { value: null, valueSchema: Schemas.OPTIONAL_STRING, expected: true },
    { value: '', valueSchema: null, expected: false },
    { value: 0, valueSchema: null, expected: false },
  ])('$value → $expected', ({ value, valueSchema, expected }) => {
    expect(p.test(record({ value, valueSchema }))).toBe(expected);
  });
});

describe('TopicNameMatches', () => {
  it.each([
    { pattern: 'orders', topic: 'orders', expected: true },
    { pattern: 'orders', topic: 'orders-eu', expected: false },
    { pattern: 'orders.*', topic: 'orders-eu', expected: true },
    { pattern: 'a|b', topic: 'b', expected: true },
    { pattern: '\\Adb\\..*\\z', topic: 'db.users', expected: true },
  ])('$pattern ~ $topic → $expected', ({ pattern, topic, expected }) => {
    const p = new TopicNameMatches();
    p.configure({ pattern });
    expect(p.test(record({ topic }))).toBe(expected);
  });
  it.each([
    { props: {}, error: /Missing required configuration "pattern"/ },
    { props: { pattern: '[' }, error: /Invalid value \[ for configuration pattern: Invalid regex/ },
    { props: { pattern: '' }, error: /String may not be empty/ },
  ])('config error $props', ({ props, error }) => {
    expect(() => new TopicNameMatches().configure(props as Record<string, string>)).toThrow(error);
  });
});
