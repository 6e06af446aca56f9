import { describe, expect, it } from 'vitest';
import { parseRecordJson, recordToJsonLine, RecordJsonError, toEnvelope } from './record-json.ts';
import type { ConsumedRecord, RecordHeader } from './records.ts';

function record(overrides: Partial<ConsumedRecord> = {}): ConsumedRecord {
  return {
    topic: 't',
    partition: 1,
    offset: 7n,
    timestamp: 1714521600000n,
    timestampType: 'CreateTime',
    key: Buffer.from('k'),
    value: Buffer.from('v'),
    headers: [],
    leaderEpoch: 0,
    ...overrides,
  };
}

const INVALID_UTF8 = Buffer.from([0xc3, 0x28, 0xff, 0x00]);

describe('toEnvelope', () => {
  it('has the documented fields in order', () => {
    expect(recordToJsonLine(record({ headers: [{ key: Buffer.from('h'), value: Buffer.from('x') }] }))).toBe(
      '{"topic":"t","partition":1,"offset":7,"timestamp":1714521600000,"timestampType":"CreateTime","key":"k","value":"v","headers":[{"key":"h","value":"x"}],"keyEncoding":"utf8","valueEncoding":"utf8"}',
    );
  });

  it.each<[string, Buffer | null, string | null, string | null]>([
    ['text', Buffer.from('héllo ✓'), 'héllo ✓', 'utf8'],
    ['empty', Buffer.alloc(0), '', 'utf8'],
    ['null', null, null, null],
    ['invalid UTF-8', INVALID_UTF8, INVALID_UTF8.toString('base64'), 'base64'],
    ['NUL bytes are valid UTF-8', Buffer.from([0x61, 0x00, 0x62]), 'a\u0000b', 'utf8'],
    ['JSON text stays text', Buffer.from('{"a":1}'), '{"a":1}', 'utf8'],
  ])('encodes a %s value', (_name, bytes, value, encoding) => {
    const e = toEnvelope(record({ value: bytes, key: bytes }));
    expect([e.value, e.valueEncoding]).toEqual([value, encoding]);
    expect([e.key, e.keyEncoding]).toEqual([value, encoding]);
  });

  it('marks binary header bytes and keeps order, repeats and null values', () => {
    const headers: RecordHeader[] = [
      { key: Buffer.from('a'), value: Buffer.from('1') },
      { key: Buffer.from('a'), value: INVALID_UTF8 },
      { key: Buffer.from([0xff]), value: null },
    ];
    expect(toEnvelope(record({ headers })).headers).toEqual([
      { key: 'a', value: '1' },
      { key: 'a', value: INVALID_UTF8.toString('base64'), valueEncoding: 'base64' },
      { key: '/w==', value: null, keyEncoding: 'base64' },
    ]);
  });

  it('names the timestamp type', () => {
    expect(toEnvelope(record({ timestampType: 'LogAppendTime' })).timestampType).toBe('LogAppendTime');
  });
});

describe('parseRecordJson', () => {
  it.each<[string, ConsumedRecord]>([
    ['plain', record()],
    ['null key (tombstone)', record({ key: null, value: null })],
    ['binary', record({ key: INVALID_UTF8, value: Buffer.from([0, 1, 2, 255]) })],
    ['empty', record({ key: Buffer.alloc(0), value: Buffer.alloc(0) })],
    ['headers', record({ headers: [{ key: Buffer.from('x'), value: null }, { key: Buffer.from('x'), value: INVALID_UTF8 }, { key: Buffer.from([0x80]), value: Buffer.from('v') }] })],
  ])('reads back what consume prints: %s', (_name, r) => {
    const back = parseRecordJson(recordToJsonLine(r));
    expect(back).toEqual({ topic: r.topic, partition: r.partition, timestamp: r.timestamp, key: r.key, value: r.value, headers: r.headers });
  });

  it.each<[string, string, Partial<ReturnType<typeof parseRecordJson>>]>([
    ['only a value', '{"value":"v"}', { key: null, value: Buffer.from('v'), headers: [] }],
    ['hex encoding', '{"value":"00ff","valueEncoding":"hex"}', { value: Buffer.from([0, 255]) }],
    ['an object value is written as JSON', '{"value":{"a":[1,2]}}', { value: Buffer.from('{"a":[1,2]}') }],
    ['a number key', '{"key":42,"value":"v"}', { key: Buffer.from('42') }],
    ['headers as an object', '{"value":"v","headers":{"a":"1","b":"2"}}', { headers: [{ key: Buffer.from('a'), value: Buffer.from('1') }, { key: Buffer.from('b'), value: Buffer.from('2') }] }],
    ['ISO timestamp', '{"value":"v","timestamp":"2024-05-01T00:00:00Z"}', { timestamp: 1714521600000n }],
    ['numeric string timestamp', '{"value":"v","timestamp":"1714521600000"}', { timestamp: 1714521600000n }],
  ])('accepts %s', (_name, line, expected) => {
    expect(parseRecordJson(line)).toMatchObject(expected);
  });

  it('leaves a timestamp of -1 to the producer', () => {
    expect('timestamp' in parseRecordJson('{"value":"v","timestamp":-1}')).toBe(false);
  });

  it.each<[string, string, RegExp]>([
    ['not JSON', '{value:', /not JSON/],
    ['an array', '[1]', /expected a JSON object/],
    ['bad base64', '{"value":"***","valueEncoding":"base64"}', /value is not valid base64/],
    ['bad hex', '{"value":"0g","valueEncoding":"hex"}', /value is not valid hex/],
    ['unknown encoding', '{"value":"x","valueEncoding":"rot13"}', /unknown encoding "rot13"/],
    ['bad partition', '{"value":"x","partition":-2}', /partition is not a whole number/],
    ['bad topic', '{"value":"x","topic":5}', /topic is not a non-empty string/],
    ['bad timestamp', '{"value":"x","timestamp":"soon"}', /timestamp "soon"/],
    ['bad headers', '{"value":"x","headers":"h"}', /headers is neither/],
    ['header without a key', '{"value":"x","headers":[{"value":"v"}]}', /headers\[0\]\.key is not a string/],
  ])('rejects %s', (_name, line, message) => {
    expect(() => parseRecordJson(line)).toThrow(RecordJsonError);
    expect(() => parseRecordJson(line)).toThrow(message);
  });
});
