import { describe, expect, it } from 'vitest';
import { FormatError } from './format-syntax.ts';
import { compileInputFormat } from './input-format.ts';
import { compileOutputFormat, renderRecord } from './output-format.ts';
import type { ConsumedRecord } from './records.ts';

function record(overrides: Partial<ConsumedRecord> = {}): ConsumedRecord {
  return {
    topic: 'orders',
    partition: 2,
    offset: 42n,
    timestamp: 1714521600000n,
    timestampType: 'CreateTime',
    key: Buffer.from('k1'),
    value: Buffer.from('hello'),
    headers: [
      { key: Buffer.from('a'), value: Buffer.from('1') },
      { key: Buffer.from('b'), value: null },
    ],
    leaderEpoch: 0,
    ...overrides,
  };
}

const be32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};

describe('compileOutputFormat: renders records', () => {
  it.each<[string, string, Partial<ConsumedRecord>, Buffer | string]>([
    ['value and newline (the default)', '%v\\n', {}, 'hello\n'],
    ['%s is the value', '%s', {}, 'hello'],
    ['topic, partition, offset', '%t/%p/%o', {}, 'orders/2/42'],
    ['key and lengths', '%k %K %S', {}, 'k1 2 5'],
    ['null key and value print as nothing, lengths -1', '[%k][%v] %K %S', { key: null, value: null }, '[][] -1 -1'],
    ['empty value has length 0', '[%v] %S', { value: Buffer.alloc(0) }, '[] 0'],
    ['timestamp millis and ISO', '%T %T{iso}', {}, '1714521600000 2024-05-01T00:00:00.000Z'],
    ['timestamp -1 prints -1 and no ISO', '%T [%T{iso}]', { timestamp: -1n }, '-1 []'],
    ['hex', '%k{hex} %v{hex}', { key: Buffer.from([0, 255]), value: Buffer.from('AB') }, '00ff 4142'],
    ['base64', '%v{base64}', { value: Buffer.from([0xfb, 0xff]) }, '+/8='],
    ['hex of null is empty', '[%k{hex}]', { key: null }, '[]'],
    ['default headers', '%h', {}, 'a=1,b='],
    ['header template with separator', '%h{%k: %v\\n}', {}, 'a: 1\nb: '],
    ['header template lengths', '%h{%k:%K:%S;}', {}, 'a:1:1;b:1:-1'],
    ['the literal after the last directive separates', '%h{(%k=%v), }', {}, '(a=1), (b='],
    ['header hex', '%h{%k=%v{hex},}', {}, 'a=31,b='],
    ['no headers', '[%h] %H', { headers: [] }, '[] 0'],
    ['header count', '%H', {}, '2'],
    ['%R', '%R%v', {}, Buffer.concat([be32(5), Buffer.from('hello')])],
    ['%R of null', '%R', { value: null }, be32(-1)],
    ['size-prefixed fields', '%k{4}%v{2}', {}, Buffer.concat([be32(2), Buffer.from('k1'), Buffer.from([0, 5]), Buffer.from('hello')])],
    ['size-prefixed null', '%k{4}', { key: null }, be32(-1)],
    ['escapes and percent', '%%\\t\\0\\\\\\x41', {}, Buffer.from('%\t\0\\A', 'latin1')],
    ['binary bytes pass through', '%v', { value: Buffer.from([0xc3, 0x28, 0x00]) }, Buffer.from([0xc3, 0x28, 0x00])],
    ['UTF-8 literals', '→ %v', {}, '→ hello'],
  ])('%s', (_name, format, overrides, expected) => {
    const out = renderRecord(compileOutputFormat(format), record(overrides));
    expect(out).toEqual(typeof expected === 'string' ? Buffer.from(expected, 'utf8') : expected);
  });
});

describe('compileOutputFormat: rejects bad formats', () => {
  it.each<[string, RegExp]>([
    ['', /empty/],
    ['%x', /unknown directive %x/],
    ['%v{3}', /unknown modifier/],
    ['%T{date}', /unknown modifier %T\{date\}/],
    ['%p{hex}', /takes no modifier/],
    ['%h{%t}', /cannot be used in a header template/],
    ['%v\\', /lone backslash/],
    ['%h{%k', /unclosed/],
    ['100%', /lone %/],
    ['%!', /not a directive/],
  ])('%j', (format, message) => {
    expect(() => compileOutputFormat(format)).toThrow(FormatError);
    expect(() => compileOutputFormat(format)).toThrow(message);
  });
});

describe('output formats read back as input formats', () => {
  const records = [
    record(),
    record({ key: null, value: Buffer.from('line\nbreak\0nul'), headers: [] }),
    record({ key: Buffer.from('x'), value: null, headers: [{ key: Buffer.from('h'), value: Buffer.from('v') }] }),
  ];
  const simple = record({ headers: [{ key: Buffer.from('a'), value: Buffer.from('1') }] });
  // [format, the records it can carry, the fields compared]
  it.each<[string, ConsumedRecord[], string[]]>([
    ['%k{4}%v{4}', records, ['key', 'value']],
    ['%K:%S:%k%v\\n', records, ['key', 'value']],
    ['%t %p %T %k{hex} %v{base64}\\n', [simple], ['key', 'value', 'partition', 'timestamp']],
    ['%H %h{%k{2}%v{2}}%R%v', records, ['value', 'headers']],
    ['%k\\t%h{%k=%v,}\\t%v\\n', [simple], ['key', 'value', 'headers']],
  ])('%s', (format, usable, fields) => {
    const out = Buffer.concat(usable.map((r) => renderRecord(compileOutputFormat(format), r)));
    const parser = compileInputFormat(format);
    let pos = 0;
    const back = [];
    while (pos < out.length) {
      const r = parser.next(out, pos, true);
      if (!r) break;
      back.push(r.record);
      pos = r.end;
    }
    expect(back).toHaveLength(usable.length);
    back.forEach((b, i) => {
      const u = usable[i];
      if (fields.includes('key')) expect(b.key).toEqual(u.key);
      if (fields.includes('value')) expect(b.value).toEqual(u.value);
      if (fields.includes('headers')) expect(b.headers).toEqual(u.headers);
      if (fields.includes('partition')) expect(b.partition).toBe(u.partition);
      if (fields.includes('timestamp')) expect(b.timestamp).toBe(u.timestamp);
    });
  });
});
