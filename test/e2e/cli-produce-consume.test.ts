/**
 * End-to-end tests of `kstream produce` and `kstream consume`, run as real processes through the
 * built entry point (bin/run.js → dist/) against an in-process broker: piping large inputs,
 * keys/headers/partitions, a lossless JSON round trip of binary records, every start-offset
 * form, consumer groups, format strings, exit codes, closed pipes, Ctrl+C and bounded memory.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Consumer } from '@platformatic/kafka';
import { Partitioners } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, uniqueName, type TestBroker } from '../helpers/broker.ts';
import { fetchRecords, platformaticAdmin, platformaticProducer, type FetchedRecord } from '../helpers/platformatic.ts';
import { readStoredBatches } from '../interop/helpers.ts';
import { cliEnvironment, cliTempDir, ensureCliBuilt, runCli as runBuiltCli, spawnCli, type CliResult } from '../helpers/cli.ts';

const tmp = cliTempDir('cli-pc');

/** Environment of every CLI process: no colors, no profiles or brokers inherited, a private HOME. */
const cliEnv = cliEnvironment(tmp);

type RunResult = Omit<CliResult<Buffer>, 'timedOut'>;

interface RunOptions {
  input?: string | Buffer;
  timeoutMs?: number;
}

let tb: TestBroker;

/** Runs `kstream ARGS -b <broker>` to completion (SIGKILL after the timeout). */
function kstream(args: string[], options: RunOptions = {}): Promise<RunResult> {
  return runCli([...args, '-b', tb.bootstrap], options);
}

function runCli(args: string[], options: RunOptions = {}): Promise<RunResult> {
  return runBuiltCli(args, { cwd: tmp, env: cliEnv, input: options.input ?? '', timeoutMs: options.timeoutMs, binary: true }).then(({ code, signal, stdout, stderr }) => ({ code, signal, stdout, stderr }));
}

/** Asserts success and returns stdout as text. */
function ok(r: RunResult, what = 'kstream'): string {
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}\n--- stderr ---\n${r.stderr}\n--- stdout ---\n${r.stdout.toString().slice(0, 2000)}`);
  return r.stdout.toString('utf8');
}

function lines(text: string): string[] {
  const all = text.split('\n');
  if (all[all.length - 1] === '') all.pop();
  return all;
}

async function createTopic(name: string, partitions: number): Promise<void> {
  const admin = platformaticAdmin(tb.bootstrap);
  try {
    await admin.createTopics({ topics: [name], partitions, replicas: 1 });
  } finally {
    await admin.close();
  }
}

async function endOffsets(topic: string): Promise<bigint[]> {
  const consumer = new Consumer({ clientId: 'kstream-test-offsets', groupId: 'kstream-test-unused', bootstrapBrokers: [tb.bootstrap], retries: 2, timeout: 10_000 });
  try {
    const offsets = await consumer.listOffsets({ topics: [topic] });
    return [...(offsets.get(topic) ?? [])];
  } finally {
    await consumer.close();
  }
}

async function readAll(topic: string, partitions: number): Promise<FetchedRecord[][]> {
  const ends = await endOffsets(topic);
  const out: FetchedRecord[][] = [];
  for (let p = 0; p < partitions; p++) out.push(ends[p] > 0n ? await fetchRecords(tb.bootstrap, topic, p, 0n, ends[p]) : []);
  return out;
}

beforeAll(async () => {
  ensureCliBuilt();
  tb = await startBroker();
});

afterAll(async () => {
  await tb?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('produce and consume text', () => {
  const topic = uniqueName('seq');

  it('pipes 100000 lines in and reads them back in order', async () => {
    const input = Array.from({ length: 100_000 }, (_v, i) => String(i + 1)).join('\n') + '\n';
    const produced = await kstream(['produce', topic], { input, timeoutMs: 60_000 });
    ok(produced, 'produce');
    expect(produced.stdout.length).toBe(0);
    expect(produced.stderr).toMatch(new RegExp(`^produced 100000 records to ${topic} in [0-9.]+m?s`));

    const [all, some] = await Promise.all([kstream(['consume', topic, '-e'], { timeoutMs: 60_000 }), kstream(['consume', topic, '-e', '-c', '5', '-o', '+10'])]);
    const values = lines(ok(all, 'consume -e'));
    expect(values).toHaveLength(100_000);
    expect(values[0]).toBe('1');
    expect(values[99_999]).toBe('100000');
    expect(values.every((v, i) => v === String(i + 1))).toBe(true);
    expect(all.stderr).toBe(''); // stderr is not a terminal: no summary
    expect(lines(ok(some))).toEqual(['11', '12', '13', '14', '15']);
  });

  it('stops at once with -e on an empty topic, and with -o end', async () => {
    const empty = uniqueName('empty');
    await createTopic(empty, 2);
    const [a, b] = await Promise.all([kstream(['consume', empty, '-e']), kstream(['consume', topic, '-e', '-o', 'end'])]);
    expect(ok(a)).toBe('');
    expect(ok(b)).toBe('');
  });
});

describe('keys, headers and partitions', () => {
  it('splits keys with -K, adds headers, and partitions keys as the Java client does', async () => {
    const topic = uniqueName('keys');
    await createTopic(topic, 3);
    const input = Array.from({ length: 30 }, (_v, i) => `key-${i}:value ${i}:with colon`).join('\n') + '\nno key here\n';
    const produced = await kstream(['produce', topic, '-K:', '-H', 'source=cli', '-H', 'source=again', '-H', 'empty=', '--print-offsets'], { input });
    const offsets = lines(ok(produced));
    expect(offsets, produced.stderr).toHaveLength(31);

    const out = lines(ok(await kstream(['consume', topic, '-e', '-f', '%p/%o|%k|%K|%v|%h\\n'])));
    expect(out).toHaveLength(31);
    const byKey = new Map(out.map((l) => { const [po, k, klen, v, h] = l.split('|'); return [k, { po, klen, v, h }]; }));
    const partitioner = Partitioners.DefaultPartitioner();
    const partitionMetadata = [0, 1, 2].map((partitionId) => ({ partitionId, leader: 0, partitionErrorCode: 0, replicas: [0], isr: [0] }));
    for (let i = 0; i < 30; i++) {
      const rec = byKey.get(`key-${i}`)!;
      expect(rec.v).toBe(`value ${i}:with colon`);
      expect(rec.h).toBe('source=cli,source=again,empty=');
      const expected = partitioner({ topic, partitionMetadata, message: { key: Buffer.from(`key-${i}`), value: null } });
      expect(Number(rec.po.split('/')[0])).toBe(expected);
    }
    const unkeyed = byKey.get('')!;
    expect(unkeyed.klen).toBe('-1');
    expect(unkeyed.v).toBe('no key here');
    // --print-offsets printed exactly where each record went.
    expect(offsets.sort()).toEqual(out.map((l) => l.split('|')[0]).sort());
  });

  it('writes to one partition with -p, keeps a fixed key with -k and sends tombstones with -Z', async () => {
    const topic = uniqueName('part');
    await createTopic(topic, 3);
    ok(await kstream(['produce', topic, '-p', '2', '-k', 'fixed', '-Z'], { input: 'a\n\nb\n' }));
    const json = lines(ok(await kstream(['consume', topic, '-e', '--json']))).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(json.map((r) => [r.partition, r.offset, r.key, r.value, r.valueEncoding])).toEqual([
      [2, 0, 'fixed', 'a', 'utf8'],
      [2, 1, 'fixed', null, null],
      [2, 2, 'fixed', 'b', 'utf8'],
    ]);
    expect(lines(ok(await kstream(['consume', topic, '-e', '-p', '0,1'])))).toEqual([]);
  });
});

describe('compression and acks', () => {
  it.concurrent.each<[string, number]>([
    ['gzip', 1],
    ['snappy', 2],
    ['lz4', 3],
    ['zstd', 4],
  ])('writes %s batches', async (codec, code) => {
    const topic = uniqueName(`codec-${codec}`);
    const input = Array.from({ length: 500 }, (_v, i) => `record ${i} ${'abc'.repeat(20)}`).join('\n') + '\n';
    ok(await kstream(['produce', topic, '--compression', codec, '-q'], { input }));
    const batches = await readStoredBatches(tb.dataDir, topic, 0);
    expect(batches.length).toBeGreaterThan(0);
    expect(batches.every((b) => b.codec === code)).toBe(true);
    const [records] = await readAll(topic, 1);
    expect(records.map((r) => r.value!.toString() + '\n').join('')).toBe(input);
  });

  it.concurrent('produces with acks=0 and acks=1 (not idempotent)', async () => {
    const topic = uniqueName('acks');
    const zero = await kstream(['produce', topic, '--acks', '0', '--print-offsets'], { input: 'a\nb\n' });
    expect(ok(zero)).toBe('0/-1\n0/-1\n');
    const one = await kstream(['produce', topic, '--acks', '1', '--print-offsets', '--json'], { input: 'c\n' });
    expect(JSON.parse(ok(one))).toEqual({ topic, partition: 0, offset: 2 });
    const batches = await readStoredBatches(tb.dataDir, topic, 0);
    expect(batches.every((b) => b.producerId === -1n)).toBe(true);
    const idem = await kstream(['produce', topic, '--acks', '1', '--idempotent'], { input: 'x\n' });
    expect(idem.code).toBe(2);
  });

  it.concurrent('is idempotent by default: each run gets its own producer id', async () => {
    const topic = uniqueName('idem');
    ok(await kstream(['produce', topic, '-q'], { input: 'a\nb\n' }));
    ok(await kstream(['produce', topic, '-q'], { input: 'c\n' }));
    const batches = await readStoredBatches(tb.dataDir, topic, 0);
    expect(batches).toHaveLength(2);
    expect(batches.every((b) => b.producerId >= 0n && b.baseSequence === 0)).toBe(true);
    expect(batches[0].producerId).not.toBe(batches[1].producerId);
  });
});

describe('JSON round trip', () => {
  it('copies binary records losslessly: consume --json | produce --input json', async () => {
    const src = uniqueName('bin-src');
    const dst = uniqueName('bin-dst');
    await createTopic(src, 2);
    await createTopic(dst, 2);
    const invalid = Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0x00, 0x0a]);
    const base = 1_600_000_000_000n;
    const producer = platformaticProducer(tb.bootstrap);
    const none = undefined as unknown as Buffer;
    try {
      await producer.send({
        messages: [
          { topic: src, partition: 0, key: Buffer.from('text'), value: Buffer.from('héllo\nworld ✓'), timestamp: base },
          { topic: src, partition: 0, key: none, value: invalid, timestamp: base + 1n },
          { topic: src, partition: 0, key: invalid, value: none, timestamp: base + 2n },
          { topic: src, partition: 1, key: Buffer.alloc(0), value: Buffer.alloc(0), timestamp: base + 3n },
          {
            topic: src,
            partition: 1,
            key: Buffer.from('h'),
            value: Buffer.from('{"json":true}'),
            timestamp: base + 4n,
            headers: new Map<Buffer, Buffer>([
              [Buffer.from('dup'), Buffer.from('1')],
              [Buffer.from('dup'), invalid],
              [Buffer.from('null'), none],
              [Buffer.from([0xff, 0x01]), Buffer.from('binary key')],
            ]),
          },
        ],
      });
    } finally {
      await producer.close();
    }
    const dump = await kstream(['consume', src, '-e', '--json']);
    const text = ok(dump);
    expect(lines(text)).toHaveLength(5);
    ok(await kstream(['produce', '--input', 'json', dst, '--keep-partition', '-q'], { input: text }));

    const [a, b] = await Promise.all([readAll(src, 2), readAll(dst, 2)]);
    const strip = (rs: FetchedRecord[][]): unknown => rs.map((p) => p.map((r) => ({ offset: r.offset, timestamp: r.timestamp, key: r.key, value: r.value, headers: r.headers })));
    expect(strip(b)).toEqual(strip(a));
    expect(b[0][1].key).toBeNull();
    expect(b[0][2].value).toBeNull();
    expect(b[1][0].key).toEqual(Buffer.alloc(0));
    expect(b[1][1].headers).toHaveLength(4);

    // Without TOPIC each record goes back to the topic it names; without --keep-partition to any partition.
    const again = uniqueName('bin-again');
    await createTopic(again, 1);
    const renamed = lines(text).map((l) => JSON.stringify({ ...JSON.parse(l), topic: again, partition: 1 })).join('\n') + '\n';
    ok(await kstream(['produce', '--input', 'json', '-q'], { input: renamed }));
    const [c] = await readAll(again, 1);
    expect(c.map((r) => r.value)).toEqual([...a[0], ...a[1]].map((r) => r.value));
  });
});

describe('start offsets', () => {
  const topic = uniqueName('offsets');
  const base = 1_700_000_000_000;
  const iso = (ms: number): string => new Date(ms).toISOString();

  beforeAll(async () => {
    await createTopic(topic, 2);
    const producer = platformaticProducer(tb.bootstrap);
    try {
      const messages = [];
      for (let p = 0; p < 2; p++) {
        for (let i = 0; i < 10; i++) messages.push({ topic, partition: p, key: Buffer.from(`k${i}`), value: Buffer.from(`p${p}-${i}`), timestamp: BigInt(base + i * 1000) });
      }
      await producer.send({ messages });
    } finally {
      await producer.close();
    }
  });

  it.concurrent.each<[string, string[], string[]]>([
    ['-5 (5 before the end)', ['-o', '-5'], ['p0-5', 'p0-6', 'p0-7', 'p0-8', 'p0-9', 'p1-5', 'p1-6', 'p1-7', 'p1-8', 'p1-9']],
    ['+8 (8 after the beginning)', ['-o', '+8'], ['p0-8', 'p0-9', 'p1-8', 'p1-9']],
    ['an absolute offset', ['-o', '9'], ['p0-9', 'p1-9']],
    ['@ms: the first record at or after a time', ['-o', `@${base + 7000}`], ['p0-7', 'p0-8', 'p0-9', 'p1-7', 'p1-8', 'p1-9']],
    ['@iso', ['-o', `@${iso(base + 8500)}`], ['p0-9', 'p1-9']],
    ['@t1:t2 time range', ['-o', `@${base + 2000}:${base + 4000}`], ['p0-2', 'p0-3', 'p1-2', 'p1-3']],
    ['@iso1:iso2 time range', ['-o', `@${iso(base + 1000)}:${iso(base + 2500)}`], ['p0-1', 'p0-2', 'p1-1', 'p1-2']],
    ['P:N reads only that partition', ['-o', '0:7'], ['p0-7', 'p0-8', 'p0-9']],
    ['P:SPEC for two partitions', ['-o', '0:8', '-o', '1:-1'], ['p0-8', 'p0-9', 'p1-9']],
    ['P:SPEC next to a plain SPEC', ['-o', '-1', '-o', '1:+9'], ['p0-9', 'p1-9']],
    ['-p with a spec', ['-p', '1', '-o', '-2'], ['p1-8', 'p1-9']],
    ['--until a time', ['--until', String(base + 2000)], ['p0-0', 'p0-1', 'p1-0', 'p1-1']],
    ['-c counts across partitions', ['-p', '0', '-c', '3'], ['p0-0', 'p0-1', 'p0-2']],
  ])('%s', async (_name, args, expected) => {
    const out = lines(ok(await kstream(['consume', topic, '-e', ...args])));
    expect(out.sort()).toEqual([...expected].sort());
  });

  it.concurrent('time ranges stop without -e', async () => {
    const out = lines(ok(await kstream(['consume', topic, '-o', `@${base}:${base + 1000}`, '-f', '%p:%o %T\\n'])));
    expect(out.sort()).toEqual([`0:0 ${base}`, `1:0 ${base}`]);
  });
});

describe('consumer groups', () => {
  it('commits what was printed, resumes after it, and leaves the group', async () => {
    const topic = uniqueName('grp');
    const group = uniqueName('g');
    await createTopic(topic, 2);
    ok(await kstream(['produce', topic, '-K:', '-q'], { input: Array.from({ length: 20 }, (_v, i) => `k${i}:v${i}`).join('\n') }));

    const first = lines(ok(await kstream(['consume', topic, '-g', group, '-e'])));
    expect(first.sort()).toEqual(Array.from({ length: 20 }, (_v, i) => `v${i}`).sort());
    expect(lines(ok(await kstream(['consume', topic, '-g', group, '-e'])))).toEqual([]);

    ok(await kstream(['produce', topic, '-q'], { input: 'new1\nnew2\nnew3\n' }));
    const third = lines(ok(await kstream(['consume', topic, '-g', group, '-e'])));
    expect(third.sort()).toEqual(['new1', 'new2', 'new3']);

    const admin = platformaticAdmin(tb.bootstrap);
    try {
      const groups = await admin.describeGroups({ groups: [group] });
      const g = groups.get(group);
      expect(g?.state).toBe('Empty');
      expect(g?.members.size ?? 0).toBe(0);
    } finally {
      await admin.close();
    }
  });

  it('subscribes by pattern with --regex and starts where -o says when nothing is committed', async () => {
    const prefix = uniqueName('rx');
    await createTopic(`${prefix}-a`, 1);
    await createTopic(`${prefix}-b`, 1);
    ok(await kstream(['produce', `${prefix}-a`, '-q'], { input: 'a1\na2\n' }));
    ok(await kstream(['produce', `${prefix}-b`, '-q'], { input: 'b1\nb2\n' }));
    const out = lines(ok(await kstream(['consume', `${prefix}-.*`, '--regex', '-g', uniqueName('g'), '-e', '-o', '-1', '-f', '%t %v\\n'])));
    expect(out.sort()).toEqual([`${prefix}-a a2`, `${prefix}-b b2`]);
  });

  it('picks up topics created later that match --regex', async () => {
    const prefix = uniqueName('rxnew');
    ok(await kstream(['produce', `${prefix}-a`, '-q'], { input: 'a1\n' }));
    const child = spawnCli(['consume', `${prefix}-.*`, '--regex', '-g', uniqueName('g'), '-f', '%t %v\\n', '-b', tb.bootstrap], { cwd: tmp, env: cliEnv }).child;
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const waitFor = async (line: string): Promise<void> => {
      for (let i = 0; i < 300 && !lines(stdout).includes(line); i++) await new Promise((resolve) => setTimeout(resolve, 100));
      if (!lines(stdout).includes(line)) throw new Error(`no ${line} in ${JSON.stringify(stdout)}\n${stderr}`);
    };
    try {
      await waitFor(`${prefix}-a a1`);
      ok(await kstream(['produce', `${prefix}-b`, '-q'], { input: 'b1\n' }));
      await waitFor(`${prefix}-b b1`);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(130);
  });

  it('commits and leaves on Ctrl+C (exit 130)', async () => {
    const topic = uniqueName('sigint');
    const group = uniqueName('g');
    ok(await kstream(['produce', topic, '-q'], { input: 'one\ntwo\nthree\n' }));
    const child = spawnCli(['consume', topic, '-g', group, '-b', tb.bootstrap], { cwd: tmp, env: cliEnv }).child;
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no output\n${stderr}`)), 20_000);
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (lines(stdout).length >= 3) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    child.kill('SIGINT');
    const code = await Promise.race([exited, new Promise<string>((resolve) => setTimeout(() => resolve('timeout'), 15_000))]);
    if (code === 'timeout') child.kill('SIGKILL');
    expect(code).toBe(130);
    expect(lines(stdout)).toEqual(['one', 'two', 'three']);
    expect(lines(ok(await kstream(['consume', topic, '-g', group, '-e'])))).toEqual([]);
  });
});

describe('format strings', () => {
  it('prints hex, base64, lengths, ISO times and header templates', async () => {
    const topic = uniqueName('fmt');
    const producer = platformaticProducer(tb.bootstrap);
    try {
      await producer.send({
        messages: [
          { topic, partition: 0, key: Buffer.from([0x00, 0xff]), value: Buffer.from([0xde, 0xad, 0xbe, 0xef]), timestamp: 1714521600000n, headers: new Map([[Buffer.from('a'), Buffer.from('1')], [Buffer.from('b'), Buffer.from('2')]]) },
        ],
        autocreateTopics: true,
      });
    } finally {
      await producer.close();
    }
    const out = ok(await kstream(['consume', topic, '-e', '-f', '%t %p %o %k{hex} %v{base64} %K %S %T %T{iso} %H [%h{%k: %v, }] 100%%\\n']));
    expect(out).toBe(`${topic} 0 0 00ff 3q2+7w== 2 4 1714521600000 2024-05-01T00:00:00.000Z 2 [a: 1, b: 2] 100%\n`);
  });

  it('frames binary records with size prefixes that produce reads back', async () => {
    const src = uniqueName('frame-src');
    const dst = uniqueName('frame-dst');
    const producer = platformaticProducer(tb.bootstrap);
    const values = [Buffer.from('line\nbreak'), Buffer.from([0, 1, 2, 0x0a, 0xff]), Buffer.alloc(0)];
    try {
      await producer.send({ messages: values.map((value, i) => ({ topic: src, partition: 0, key: Buffer.from(`k\n${i}`), value })), autocreateTopics: true });
    } finally {
      await producer.close();
    }
    const framed = await kstream(['consume', src, '-e', '-f', '%k{4}%v{4}']);
    ok(framed);
    ok(await kstream(['produce', dst, '-f', '%k{4}%v{4}', '-q'], { input: framed.stdout }));
    const [[a], [b]] = await Promise.all([readAll(src, 1), readAll(dst, 1)]);
    expect(b.map((r) => [r.key, r.value])).toEqual(a.map((r) => [r.key, r.value]));

    // kcat's %K/%S framing reads back too.
    const kcatStyle = await kstream(['consume', src, '-e', '-f', '%K %S:%k%v\\n']);
    const dst2 = uniqueName('frame-dst2');
    ok(await kstream(['produce', dst2, '-f', '%K %S:%k%v\\n', '-q'], { input: kcatStyle.stdout }));
    const [c] = await readAll(dst2, 1);
    expect(c.map((r) => [r.key, r.value])).toEqual(a.map((r) => [r.key, r.value]));
  });

  it('reads topics, timestamps and headers with an input format', async () => {
    const t1 = uniqueName('in-a');
    const t2 = uniqueName('in-b');
    const input = `${t1}|k1|1714521600000|x=1;y=2|v1\n${t2}|k2|2024-05-01T00:00:01Z||v2\n`;
    ok(await kstream(['produce', '-f', '%t|%k|%T|%h{%k=%v;}|%v', '-q'], { input }));
    const [a, b] = await Promise.all([
      kstream(['consume', t1, '-e', '-f', '%k %T %h %v\\n']),
      kstream(['consume', t2, '-e', '-f', '%k %T %H %v\\n']),
    ]);
    expect(ok(a)).toBe('k1 1714521600000 x=1,y=2 v1\n');
    expect(ok(b)).toBe('k2 1714521601000 0 v2\n');
  });
});

describe('errors and exit codes', () => {
  it.concurrent.each<[string, string[], string | undefined, number, RegExp]>([
    ['produce to a partition the topic does not have', ['produce', 'EXISTING', '-p', '9'], 'x\n', 3, /has no partition 9/],
    ['consume a partition the topic does not have', ['consume', 'EXISTING', '-p', '9', '-e'], undefined, 3, /has no partition 9/],
    ['consume a topic that does not exist', ['consume', 'no-such-topic-here', '-e'], undefined, 3, /topic no-such-topic-here does not exist/],
    ['consume with a bad format', ['consume', 'EXISTING', '-f', '%q'], undefined, 2, /invalid format: unknown directive %q/],
    ['produce with a bad format', ['produce', 'EXISTING', '-f', '%k%v'], 'x\n', 2, /invalid format/],
    ['a bad offset', ['consume', 'EXISTING', '-o', 'yesterday'], undefined, 2, /invalid offset "yesterday"/],
    ['-p with a group', ['consume', 'EXISTING', '-g', 'g', '-p', '0'], undefined, 2, /cannot be used with -g/],
    ['a record that is not JSON', ['produce', 'EXISTING', '--input', 'json'], '{"value":"ok"}\nnot json\n', 2, /stdin: record 2: not JSON/],
    ['a record that does not match the format', ['produce', 'EXISTING', '-f', '%k:%v'], 'a:b\nno colon\n', 2, /stdin: record 2: expected ":"/],
    ['a record larger than the broker accepts', ['produce', 'EXISTING'], 'x'.repeat(1_200_000) + '\n', 3, /MESSAGE_TOO_LARGE/],
  ])('%s', async (_name, args, input, code, message) => {
    const topic = uniqueName('err');
    await createTopic(topic, 1);
    const r = await kstream(args.map((a) => (a === 'EXISTING' ? topic : a)), input === undefined ? {} : { input });
    expect({ code: r.code, stderr: r.stderr }).toMatchObject({ code });
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^error: /);
  });

  it.concurrent('reports errors as JSON on stdout with --json', async () => {
    const r = await kstream(['consume', 't', '--json', '-f', '%v']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout.toString())).toMatchObject({ error: { code: 'USAGE', exitCode: 2, message: expect.stringMatching(/cannot be used with --json/) } });
  });

  it.concurrent.each<[string, string[], string | undefined]>([
    ['consume', ['consume', 't', '-e'], undefined],
    ['produce', ['produce', 't'], 'x\n'],
  ])('%s exits 4 when the broker is unreachable', async (_name, args, input) => {
    const started = Date.now();
    const r = await runCli([...args, '-b', '127.0.0.1:1', '--timeout', '2s'], input === undefined ? {} : { input });
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/^error: .*is the broker running/);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('exits 0 quietly when stdout is closed early (| head)', async () => {
    const topic = uniqueName('epipe');
    ok(await kstream(['produce', topic, '-q'], { input: Array.from({ length: 50_000 }, (_v, i) => `line ${i}`).join('\n') }));
    const child = spawnCli(['consume', topic, '-e', '-b', tb.bootstrap], { cwd: tmp, env: cliEnv }).child;
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(code).toBe(0);
    expect(stderr).toBe('');
  });
});

describe('memory', () => {
  it('produces 200000 records from a pipe with bounded memory', async () => {
    const topic = uniqueName('mem');
    const records = 200_000;
    const payload = 'x'.repeat(500);
    const child = spawnCli(['produce', topic, '-K:', '--progress', '-b', tb.bootstrap], { cwd: tmp, env: cliEnv, stdin: 'pipe' }).child;
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.stdin.on('error', () => undefined);
    let peakKb = 0;
    const sampler = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakKb = Math.max(peakKb, Number(m[1]));
      } catch {
        // the process has exited
      }
    }, 50);
    const exited = new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    let inputBytes = 0;
    for (let i = 0; i < records; i += 1000) {
      let chunk = '';
      for (let j = i; j < i + 1000; j++) chunk += `key-${j}:${j} ${payload}\n`;
      inputBytes += chunk.length;
      if (!child.stdin.write(chunk)) await new Promise((resolve) => child.stdin.once('drain', resolve));
    }
    child.stdin.end();
    const code = await Promise.race([exited, new Promise<string>((resolve) => setTimeout(() => resolve('timeout'), 60_000))]);
    clearInterval(sampler);
    if (code === 'timeout') child.kill('SIGKILL');
    expect(code, stderr).toBe(0);
    // --progress: rate lines while it runs (one per second), then the summary.
    const messages = lines(stderr);
    expect(messages[messages.length - 1]).toMatch(/^produced 200000 records to \S+ in [0-9.]+s \(\d+\.\d MB, \d+ records\/s, [0-9.]+ [kMG]?B\/s\)$/);
    expect(messages.length).toBeGreaterThan(1);
    expect(messages.slice(0, -1).every((l) => /^\d+ records, \d+ records\/s, [0-9.]+ [kMG]?B\/s, [0-9.]+ [kMG]?B read$/.test(l))).toBe(true);
    const ends = await endOffsets(topic);
    expect(ends.reduce((a, b) => a + b, 0n)).toBe(BigInt(records));
    const peakMb = peakKb / 1024;
    console.log(`produce: ${(inputBytes / 1e6).toFixed(0)} MB of input, peak RSS ${peakMb.toFixed(0)} MB`);
    // An idle CLI process takes ~140 MB (Node, oclif, the Kafka client); buffering the ~100 MB input
    // would add more than that again. Streamed, the run stays near 170 MB (1 GB of input: ~250 MB).
    expect(peakMb).toBeGreaterThan(0);
    expect(peakMb).toBeLessThan(240);
  });
});
