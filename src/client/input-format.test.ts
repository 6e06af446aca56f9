import { describe, expect, it } from 'vitest';
import { FormatError } from './format-syntax.ts';
import { compileInputFormat, InputParseError, type RecordParser } from './input-format.ts';
import type { RecordToProduce } from './records.ts';

interface Simple {
  key?: string | null;
  value?: string | null;
  topic?: string;
  partition?: number;
  timestamp?: string;
  headers?: [string, string | null][];
}

function simplify(r: RecordToProduce): Simple {
  const out: Simple = { key: r.key === null ? null : r.key.toString('latin1'), value: r.value === null ? null : r.value.toString('latin1') };
  if (r.topic !== undefined) out.topic = r.topic;
  if (r.partition !== undefined) out.partition = r.partition;
  if (r.timestamp !== undefined) out.timestamp = r.timestamp.toString();
  if (r.headers.length > 0) out.headers = r.headers.map((h) => [h.key.toString('latin1'), h.value === null ? null : h.value.toString('latin1')]);
  return out;
}

/** Parses all records of `input` at once (eof). */
function parseAll(parser: RecordParser, input: Buffer): Simple[] {
  const out: Simple[] = [];
  let pos = 0;
  for (let n = 0; pos < input.length && n < 10_000; n++) {
    const r = parser.next(input, pos, true);
    if (!r) break;
    out.push(simplify(r.record));
    pos = r.end;
  }
  return out;
}

/** Feeds `input` one byte at a time (as a stream would), re-parsing when a record is incomplete. */
function parseStreamed(parser: RecordParser, input: Buffer): Simple[] {
  const out: Simple[] = [];
  let pos = 0;
  for (let len = 1; len <= input.length; len++) {
    const buf = input.subarray(0, len);
    for (;;) {
      if (pos >= buf.length) break;
      const r = parser.next(buf, pos, false);
      if (!r) break;
      out.push(simplify(r.record));
      pos = r.end;
    }
  }
  for (let n = 0; pos < input.length && n < 10_000; n++) {
    const r = parser.next(input, pos, true);
    if (!r) break;
    out.push(simplify(r.record));
    pos = r.end;
  }
  return out;
}

const be32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};

describe('compileInputFormat: parses records', () => {
  it.each<[string, string, Buffer | string, Simple[]]>([
    ['value lines', '%v\\n', 'a\nbb\n\nc', [{ key: null, value: 'a' }, { key: null, value: 'bb' }, { key: null, value: '' }, { key: null, value: 'c' }]],
    ['delimiter appended to a trailing text field', '%k\\t%v', 'k1\tv1\nk2\tv2\n', [{ key: 'k1', value: 'v1' }, { key: 'k2', value: 'v2' }]],
    ['value may contain the key separator', '%k:%v', 'a:b:c\n', [{ key: 'a', value: 'b:c' }]],
    ['empty key and value', '%k=%v', '=\n', [{ key: '', value: '' }]],
    ['topic, partition, offset (ignored)', '%t %p %o %v', 'orders 2 99 hello\nusers 0 1 x\n', [{ key: null, value: 'hello', topic: 'orders', partition: 2 }, { key: null, value: 'x', topic: 'users', partition: 0 }]],
    ['partition -1 means unset', '%p %v', '-1 v\n', [{ key: null, value: 'v' }]],
    ['timestamp millis', '%T %v', '1700000000000 v\n', [{ key: null, value: 'v', timestamp: '1700000000000' }]],
    ['timestamp ISO', '%T|%v', '2024-05-01T00:00:00Z|v\n', [{ key: null, value: 'v', timestamp: '1714521600000' }]],
    ['timestamp empty or -1 means unset', '%T|%v', '|a\n-1|b\n', [{ key: null, value: 'a' }, { key: null, value: 'b' }]],
    ['hex and base64 fields', '%k{hex} %v{base64}', '00ff aGk=\n', [{ key: '\x00\xff', value: 'hi' }]],
    ['headers with a separator', '%k %h{%k=%v,} %v', 'key a=1,b=2 value\n', [{ key: 'key', value: 'value', headers: [['a', '1'], ['b', '2']] }]],
    ['headers with a trailing separator', '%k %h{%k=%v,} %v', 'key a=1,b=2, value\n', [{ key: 'key', value: 'value', headers: [['a', '1'], ['b', '2']] }]],
    ['no headers', '%k %h{%k=%v,} %v', 'key  value\n', [{ key: 'key', value: 'value' }]],
    ['plain %h is %h{%k=%v,}', '%v\\t%h', 'v\tx=1,y=2\nw\t\n', [{ key: null, value: 'v', headers: [['x', '1'], ['y', '2']] }, { key: null, value: 'w' }]],
    ['repeated header keys are kept', '%h{%k=%v;}|%v', 'a=1;a=2|v\n', [{ key: null, value: 'v', headers: [['a', '1'], ['a', '2']] }]],
    ['counted headers', '%H %h{%k:%v,}%v', '2 a:1,b:2,x\n0 y\n', [{ key: null, value: 'x', headers: [['a', '1'], ['b', '2']] }, { key: null, value: 'y' }]],
    ['kcat-style lengths', '%K %S %k%v\\n', '3 5 keyvalue\n-1 2 hi\n0 -1 \n', [{ key: 'key', value: 'value' }, { key: null, value: 'hi' }, { key: '', value: null }]],
    ['lengths make fields binary-safe', '%S:%v\\n', '4:a\nb\n\n1:x\n', [{ key: null, value: 'a\nb\n' }, { key: null, value: 'x' }]],
    ['%R binary value length', '%R%v', Buffer.concat([be32(2), Buffer.from('hi'), be32(-1), be32(0)]), [{ key: null, value: 'hi' }, { key: null, value: null }, { key: null, value: '' }]],
    ['size-prefixed key and value', '%k{4}%v{4}', Buffer.concat([be32(1), Buffer.from('k'), be32(3), Buffer.from('\n\0v'), be32(-1), be32(0)]), [{ key: 'k', value: '\n\0v' }, { key: null, value: '' }]],
    ['1-byte and 2-byte size prefixes', '%k{1}%v{2}', Buffer.from([1, 0x41, 0, 2, 0x42, 0x43]), [{ key: 'A', value: 'BC' }]],
    ['size-prefixed header fields', '%H%h{%k{2}%v{2}}%v{4}', Buffer.concat([Buffer.from('1'), Buffer.from([0, 1]), Buffer.from('h'), Buffer.from([0xff, 0xff]), be32(1), Buffer.from('v')]), [{ key: null, value: 'v', headers: [['h', null]] }]],
    ['escapes in the format', '%k\\x01%v\\r\\n', 'a\x01b\r\nc\x01d\r\n', [{ key: 'a', value: 'b' }, { key: 'c', value: 'd' }]],
    ['percent literal', '%k%%%v', 'a%b\n', [{ key: 'a', value: 'b' }]],
    ['NUL-delimited', '%v\\0', 'a\0b\0', [{ key: null, value: 'a' }, { key: null, value: 'b' }]],
    ['last record without its delimiter', '%k,%v\\n', 'a,b\nc,d', [{ key: 'a', value: 'b' }, { key: 'c', value: 'd' }]],
    ['UTF-8 passes through', '%k:%v', 'ключ:värde ✓\n', [{ key: Buffer.from('ключ').toString('latin1'), value: Buffer.from('värde ✓').toString('latin1') }]],
  ])('%s', (_name, format, input, expected) => {
    const parser = compileInputFormat(format);
    const buf = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
    expect(parseAll(parser, buf)).toEqual(expected);
    expect(parseStreamed(parser, buf)).toEqual(expected);
  });

  it('uses the given delimiter for a trailing text field', () => {
    const parser = compileInputFormat('%k=%v', { delimiter: Buffer.from('\0') });
    expect(parseAll(parser, Buffer.from('a=1\0b=2\0'))).toEqual([{ key: 'a', value: '1' }, { key: 'b', value: '2' }]);
  });

  it('waits for more input instead of guessing', () => {
    const parser = compileInputFormat('%k:%v\\n');
    expect(parser.next(Buffer.from('abc'), 0, false)).toBeNull();
    expect(parser.next(Buffer.from('abc:de'), 0, false)).toBeNull();
    expect(parser.next(Buffer.from('abc:de\n'), 0, false)?.end).toBe(7);
    const sized = compileInputFormat('%v{4}');
    expect(sized.next(Buffer.from([0, 0, 0, 5, 1, 2]), 0, false)).toBeNull();
  });
});

describe('compileInputFormat: rejects bad formats', () => {
  it.each<[string, RegExp]>([
    ['', /empty/],
    ['%k%v', /%k must be followed by literal text/],
    ['%q', /unknown directive %q/],
    ['%v{7}', /unknown modifier/],
    ['%T{weird}', /unknown modifier %T\{weird\}/],
    ['%v\\', /lone backslash/],
    ['%v\\q', /unknown escape/],
    ['%v\\x4', /two hex digits/],
    ['%', /lone %/],
    ['%h{%k=%v', /unclosed/],
    ['%h{%k=%v}%v{4}', /needs a separator|must be followed/],
    ['%h{%h{%k}}', /cannot be nested/],
    ['%h{%t=%v,}\\n', /%t cannot be used in a header template/],
    ['%p{x} %v', /takes no modifier/],
    ['literal only', /no directives/],
    ['%K %k{hex}', /cannot be read by a length/],
  ])('%j', (format, message) => {
    expect(() => compileInputFormat(format)).toThrow(FormatError);
    expect(() => compileInputFormat(format)).toThrow(message);
  });
});

describe('compileInputFormat: rejects bad input', () => {
  it.each<[string, string, RegExp]>([
    ['%k:%v', 'no separator\n', /expected ":" before the end of the record/],
    ['%p %v', 'x y\n', /expected the partition/],
    ['%k{hex}:%v', 'zz:v\n', /key is not hex/],
    ['%v{base64}', '!!!\n', /value is not base64/],
    ['%T|%v', 'yesterday|v\n', /timestamp/],
    ['%S:%v\\n', '10:abc', /input ended inside a record/],
    ['%k,%v;', 'a;b', /expected ","/],
  ])('%j on %j', (format, input, message) => {
    const parser = compileInputFormat(format);
    expect(() => parseAll(parser, Buffer.from(input))).toThrow(InputParseError);
    expect(() => parseAll(parser, Buffer.from(input))).toThrow(message);
  });
});
