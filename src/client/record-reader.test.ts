import { describe, expect, it } from 'vitest';
import { compileInputFormat } from './input-format.ts';
import { BadInputError, jsonParser, lineParser, readRecords, type InputSource } from './record-reader.ts';
import type { RecordToProduce } from './records.ts';

async function* chunks(parts: (string | Buffer)[]): AsyncGenerator<Buffer> {
  for (const p of parts) yield typeof p === 'string' ? Buffer.from(p) : p;
}

function source(parts: (string | Buffer)[], name = 'stdin'): InputSource {
  return { name, chunks: chunks(parts) };
}

async function collect(gen: AsyncIterable<RecordToProduce[]>): Promise<{ key: string | null; value: string | null; headers?: string[] }[]> {
  const out: { key: string | null; value: string | null; headers?: string[] }[] = [];
  for await (const batch of gen) {
    for (const r of batch) {
      const item: { key: string | null; value: string | null; headers?: string[] } = { key: r.key?.toString() ?? null, value: r.value?.toString() ?? null };
      if (r.headers.length > 0) item.headers = r.headers.map((h) => `${h.key.toString()}=${h.value?.toString() ?? 'null'}`);
      out.push(item);
    }
  }
  return out;
}

const nl = Buffer.from('\n');

describe('lineParser via readRecords', () => {
  it.each<[string, (string | Buffer)[], Buffer | undefined, { key: string | null; value: string | null }[]]>([
    ['lines', ['a\nb\n'], undefined, [{ key: null, value: 'a' }, { key: null, value: 'b' }]],
    ['a line split across chunks', ['ab', 'c\nd', 'e\n'], undefined, [{ key: null, value: 'abc' }, { key: null, value: 'de' }]],
    ['no final newline', ['a\nb'], undefined, [{ key: null, value: 'a' }, { key: null, value: 'b' }]],
    ['empty lines are records', ['\n\n'], undefined, [{ key: null, value: '' }, { key: null, value: '' }]],
    ['key delimiter', ['k1:v1\nnokey\nk3::v3\n'], Buffer.from(':'), [{ key: 'k1', value: 'v1' }, { key: null, value: 'nokey' }, { key: 'k3', value: ':v3' }]],
    ['multi-byte key delimiter split across chunks', ['k1=', '>v1\n'], Buffer.from('=>'), [{ key: 'k1', value: 'v1' }]],
  ])('%s', async (_name, parts, keyDelimiter, expected) => {
    expect(await collect(readRecords([source(parts)], lineParser(nl, keyDelimiter)))).toEqual(expected);
  });

  it('applies -k, -H and -Z', async () => {
    const records = await collect(
      readRecords([source(['a:1\n\nb:\n'])], lineParser(nl, Buffer.from(':')), {
        defaults: { key: Buffer.from('fixed'), headers: [{ key: Buffer.from('h'), value: Buffer.from('1') }], tombstone: true },
      }),
    );
    expect(records).toEqual([
      { key: 'a', value: '1', headers: ['h=1'] },
      { key: 'fixed', value: null, headers: ['h=1'] },
      { key: 'b', value: null, headers: ['h=1'] },
    ]);
  });

  it('reads sources one after the other; a record does not span them', async () => {
    const records = await collect(readRecords([source(['a\nb']), source(['c\n'])], lineParser(nl)));
    expect(records.map((r) => r.value)).toEqual(['a', 'b', 'c']);
  });

  it('parses a long record arriving in many small chunks', async () => {
    const big = 'x'.repeat(300_000);
    const parts = [];
    for (let i = 0; i < big.length; i += 1000) parts.push(big.slice(i, i + 1000));
    parts.push('\nend\n');
    const records = await collect(readRecords([source(parts)], lineParser(nl)));
    expect(records.map((r) => r.value?.length)).toEqual([300_000, 3]);
  });

  it('hands out records in bounded batches', async () => {
    const sizes: number[] = [];
    for await (const batch of readRecords([source(['1\n'.repeat(2500)])], lineParser(nl), { maxBatch: 1000 })) sizes.push(batch.length);
    expect(sizes).toEqual([1000, 1000, 500]);
  });
});

describe('jsonParser via readRecords', () => {
  it('reads envelopes and skips blank lines', async () => {
    const records = await collect(readRecords([source(['{"key":"k","value":"v"}\n\n  \n{"value":null}\n'])], jsonParser()));
    expect(records).toEqual([{ key: 'k', value: 'v' }, { key: null, value: null }]);
  });

  it('names the record that is not JSON', async () => {
    await expect(collect(readRecords([source(['{"value":"a"}\n{oops}\n'], 'in.json')], jsonParser()))).rejects.toThrow(BadInputError);
    await expect(collect(readRecords([source(['{"value":"a"}\n{oops}\n'], 'in.json')], jsonParser()))).rejects.toThrow(/in\.json: record 2: not JSON/);
  });
});

describe('input formats via readRecords', () => {
  it('reports where a record does not match', async () => {
    const parser = compileInputFormat('%k:%v');
    await expect(collect(readRecords([source(['a:1\nb\n'])], parser))).rejects.toThrow(/stdin: record 2: expected ":"/);
  });

  it('parses size-prefixed records split at any byte', async () => {
    const frame = (k: string, v: string): Buffer => {
      const kb = Buffer.from(k);
      const vb = Buffer.from(v);
      const b = Buffer.alloc(8 + kb.length + vb.length);
      b.writeInt32BE(kb.length, 0);
      kb.copy(b, 4);
      b.writeInt32BE(vb.length, 4 + kb.length);
      vb.copy(b, 8 + kb.length);
      return b;
    };
    const all = Buffer.concat([frame('a', 'x\ny'), frame('', ''), frame('key', 'value')]);
    const parts = [...all].map((byte) => Buffer.from([byte]));
    const records = await collect(readRecords([source(parts)], compileInputFormat('%k{4}%v{4}')));
    expect(records).toEqual([{ key: 'a', value: 'x\ny' }, { key: '', value: '' }, { key: 'key', value: 'value' }]);
  });
});
