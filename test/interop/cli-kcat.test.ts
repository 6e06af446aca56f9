/**
 * `kstream produce` / `kstream consume` against kcat (librdkafka) on the same broker: records
 * kcat writes read identically by kstream (kcat's own format strings give the same bytes), and
 * records kstream writes — keys, headers, binary values, every codec — read back by kcat -C -e.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, uniqueName, type TestBroker } from '../helpers/broker.ts';
import { KCAT_BINARY_FORMAT, describeResult, kcatAvailable, kcatOk, parseKcatBinary, type ProcessResult } from './helpers.ts';
import { cliEnvironment, cliTempDir, ensureCliBuilt, runCli } from '../helpers/cli.ts';

const tmp = cliTempDir('cli-kcat');
const cliEnv = cliEnvironment(tmp);

let tb: TestBroker;

/** Runs `kstream ARGS -b <broker>`, bounded by a SIGKILL after `timeoutMs`. */
function kstream(args: readonly string[], input?: string | Buffer, timeoutMs = 30_000): Promise<ProcessResult> {
  return runCli([...args, '-b', tb.bootstrap], { cwd: tmp, env: cliEnv, input: input ?? '', timeoutMs, onTimeout: 'resolve', binary: true });
}

async function kstreamOk(args: readonly string[], input?: string | Buffer): Promise<Buffer> {
  const r = await kstream(args, input);
  if (r.code !== 0 || r.timedOut) throw new Error(describeResult(`kstream ${args.join(' ')}`, r));
  return r.stdout;
}

beforeAll(async () => {
  if (!kcatAvailable()) throw new Error('kcat is not installed (Debian/Ubuntu: apt-get install kcat); the interop suite needs it');
  ensureCliBuilt();
  tb = await startBroker();
});

afterAll(async () => {
  await tb?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('kcat -P → kstream consume', () => {
  it('prints what kcat prints, with the same format string', async () => {
    const topic = uniqueName('kcat-p');
    const input = Array.from({ length: 50 }, (_v, i) => `key-${i}:value ${i} ✓`).join('\n') + '\nno-delimiter-line\n';
    await kcatOk(tb.bootstrap, ['-P', '-t', topic, '-K:', '-H', 'origin=kcat', '-H', 'n=1', '-X', 'acks=all'], { input });
    // More records, without keys or headers.
    await kcatOk(tb.bootstrap, ['-P', '-t', topic, '-X', 'acks=all'], { input: 'plain-1\nplain-2\n' });

    for (const format of [KCAT_BINARY_FORMAT, '%t|%p|%o|%k|%s|%h\\n', '%K/%S %k=%s\\n']) {
      const [fromKcat, fromKstream] = await Promise.all([kcatOk(tb.bootstrap, ['-C', '-t', topic, '-e', '-q', '-f', format]), kstreamOk(['consume', topic, '-e', '-f', format])]);
      expect(fromKstream.toString('utf8')).toBe(fromKcat.toString('utf8'));
    }
    const records = parseKcatBinary(await kstreamOk(['consume', topic, '-e', '-f', KCAT_BINARY_FORMAT]));
    expect(records).toHaveLength(53);
    expect(records[0].key?.toString()).toBe('key-0');
    expect(records[0].value?.toString()).toBe('value 0 ✓');
  });

  it('reads kcat records with the JSON envelope: keys, headers, values with newlines', async () => {
    const topic = uniqueName('kcat-json');
    const values = ['multi\nline\nvalue', 'tab\there', 'last']; // kcat skips empty lines
    await kcatOk(tb.bootstrap, ['-P', '-t', topic, '-D', '|', '-k', 'fixed-key', '-H', 'h=v', '-X', 'acks=all'], { input: values.join('|') + '|' });
    const envelopes = (await kstreamOk(['consume', topic, '-e', '--json'])).toString('utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(envelopes.map((e) => e.value)).toEqual(values);
    expect(envelopes.every((e) => e.key === 'fixed-key' && e.keyEncoding === 'utf8')).toBe(true);
    expect(envelopes[0].headers).toEqual([{ key: 'h', value: 'v' }]);
  });
});

describe('kstream produce → kcat -C -e', () => {
  it('writes keys, null keys, binary values and headers that kcat reads identically', async () => {
    const topic = uniqueName('ks-p');
    const frame = (key: Buffer | null, value: Buffer | null): Buffer => {
      const parts: Buffer[] = [];
      for (const b of [key, value]) {
        const len = Buffer.alloc(4);
        len.writeInt32BE(b === null ? -1 : b.length);
        parts.push(len);
        if (b) parts.push(b);
      }
      return Buffer.concat(parts);
    };
    const records: [Buffer | null, Buffer | null][] = [
      [Buffer.from('text-key'), Buffer.from('text value')],
      [null, Buffer.from([0x00, 0xff, 0x0a, 0xc3, 0x28])],
      [Buffer.from([0xde, 0xad]), Buffer.alloc(0)],
      [Buffer.from('tombstone'), null],
    ];
    await kstreamOk(['produce', topic, '-f', '%k{4}%v{4}', '-H', 'app=kstream', '-H', 'trace=abc', '-q'], Buffer.concat(records.map(([k, v]) => frame(k, v))));

    const got = parseKcatBinary(await kcatOk(tb.bootstrap, ['-C', '-t', topic, '-e', '-q', '-f', KCAT_BINARY_FORMAT]));
    expect(got.map((m) => [m.key, m.value])).toEqual(records);
    const json = (await kcatOk(tb.bootstrap, ['-C', '-t', topic, '-e', '-q', '-J'])).toString('utf8').trim().split('\n').map((l) => JSON.parse(l) as { headers?: string[]; key: string | null });
    expect(json[0].key).toBe('text-key');
    expect(json[0].headers).toEqual(['app', 'kstream', 'trace', 'abc']);
    // Both tools print the same bytes for the same format.
    const format = '%p/%o %K %S %h\\n';
    const [a, b] = await Promise.all([kcatOk(tb.bootstrap, ['-C', '-t', topic, '-e', '-q', '-f', format]), kstreamOk(['consume', topic, '-e', '-f', format])]);
    expect(b.toString()).toBe(a.toString());
  });

  it('writes every codec in a way kcat decodes', async () => {
    const topic = uniqueName('ks-codec');
    const codecs = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];
    for (const codec of codecs) {
      const lines = Array.from({ length: 200 }, (_v, i) => `${codec}-${i}:${codec} value ${i} ${'x'.repeat(i % 50)}`);
      await kstreamOk(['produce', `${topic}-${codec}`, '-K:', '--compression', codec, '-q'], lines.join('\n') + '\n');
      const out = (await kcatOk(tb.bootstrap, ['-C', '-t', `${topic}-${codec}`, '-e', '-q', '-f', '%k:%s\\n'])).toString('utf8');
      expect(out).toBe(lines.join('\n') + '\n');
    }
  });

  it('prints offsets kcat agrees with', async () => {
    const topic = uniqueName('ks-offsets');
    const printed = (await kstreamOk(['produce', topic, '--print-offsets', '-q'], 'a\nb\nc\n')).toString('utf8');
    expect(printed).toBe('0/0\n0/1\n0/2\n');
    const fromKcat = (await kcatOk(tb.bootstrap, ['-C', '-t', topic, '-e', '-q', '-f', '%p/%o %s\\n'])).toString('utf8');
    expect(fromKcat).toBe('0/0 a\n0/1 b\n0/2 c\n');
  });
});
