/**
 * kcat (librdkafka) against the broker: metadata listing (text and JSON), producing lines with
 * keys, headers, a partition, every compression codec and acks=all, consuming with formats and
 * every kind of start offset, offsets by timestamp, auto-creation by a producer, and byte-for-byte
 * exchanges of binary data with @platformatic/kafka and kafkajs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startBroker, uniqueName, type TestBroker } from '../helpers/broker.ts';
import { kafkajsClient } from '../helpers/kafkajs.ts';
import { fetchRecords } from '../helpers/platformatic.ts';
import { KCAT_BINARY_FORMAT, describeResult, kcat, kcatAvailable, kcatOk, parseKcatBinary, readStoredBatches } from './helpers.ts';

let tb: TestBroker;
let scratch: string;

beforeAll(async () => {
  if (!kcatAvailable()) throw new Error('kcat is not installed (Debian/Ubuntu: apt-get install kcat); the interop suite needs it');
  tb = await startBroker();
  scratch = await mkdtemp(join(tmpdir(), 'kstream-kcat-'));
});

afterAll(async () => {
  await tb?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

async function createTopic(topic: string, numPartitions: number): Promise<void> {
  const admin = kafkajsClient(tb.bootstrap).admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions }] });
  } finally {
    await admin.disconnect();
  }
}

async function highWatermarks(topic: string): Promise<Record<number, string>> {
  const admin = kafkajsClient(tb.bootstrap).admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return Object.fromEntries(offsets.map((o) => [o.partition, o.high]));
  } finally {
    await admin.disconnect();
  }
}

/** kcat -C output as text lines (drops the trailing empty line). */
function lines(out: Buffer): string[] {
  const text = out.toString('utf8');
  const all = text.split('\n');
  if (all[all.length - 1] === '') all.pop();
  return all;
}

describe('kcat -L (metadata)', () => {
  it('lists the broker, topics, partitions and leaders as text', async () => {
    const topic = uniqueName('kl');
    await createTopic(topic, 3);
    const text = (await kcatOk(tb.bootstrap, ['-L'])).toString('utf8');
    expect(text).toContain('1 brokers:');
    expect(text).toContain(`broker 0 at ${tb.bootstrap} (controller)`);
    expect(text).toContain(`topic "${topic}" with 3 partitions:`);
    for (let p = 0; p < 3; p++) expect(text).toContain(`partition ${p}, leader 0, replicas: 0, isrs: 0`);

    const one = (await kcatOk(tb.bootstrap, ['-L', '-t', topic])).toString('utf8');
    expect(one).toContain(' 1 topics:');
    expect(one).toContain(`topic "${topic}" with 3 partitions:`);
  });

  it('lists brokers, topics, partitions and leaders as JSON (-J)', async () => {
    const topic = uniqueName('kj');
    await createTopic(topic, 4);
    const meta = JSON.parse((await kcatOk(tb.bootstrap, ['-L', '-J'])).toString('utf8')) as {
      originating_broker: { id: number; name: string };
      controllerid: number;
      brokers: { id: number; name: string }[];
      topics: { topic: string; error?: string; partitions: { partition: number; leader: number; replicas: { id: number }[]; isrs: { id: number }[]; error?: string }[] }[];
    };
    expect(meta.brokers).toEqual([{ id: 0, name: tb.bootstrap }]);
    expect(meta.controllerid).toBe(0);
    expect(meta.originating_broker.id).toBe(0);
    const t = meta.topics.find((x) => x.topic === topic);
    expect(t).toBeDefined();
    expect(t!.error).toBeUndefined();
    expect(t!.partitions.map((p) => p.partition).sort()).toEqual([0, 1, 2, 3]);
    for (const p of t!.partitions) {
      expect(p.error).toBeUndefined();
      expect(p.leader).toBe(0);
      expect(p.replicas).toEqual([{ id: 0 }]);
      expect(p.isrs).toEqual([{ id: 0 }]);
    }
  });
});

describe('kcat -P / -C (produce and consume)', () => {
  it.each(['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const)(
    'produces keyed lines with headers to one partition (-z %s, acks=all) and reads them back exactly',
    async (codec) => {
      const topic = uniqueName(`kp-${codec}`);
      await createTopic(topic, 3);
      const n = 60;
      // Repetitive text so every codec really compresses (librdkafka sends uncompressed otherwise).
      const input = Array.from({ length: n }, (_, i) => `key-${i}:value ${i} with: colons and some repeated text repeated text repeated text`);
      const args = ['-P', '-t', topic, '-p', '2', '-K:', '-H', 'trace=abc-123', '-H', `codec=${codec}`, '-X', 'acks=all', '-X', 'linger.ms=50'];
      if (codec !== 'none') args.push('-z', codec);
      await kcatOk(tb.bootstrap, args, { input: input.join('\n') + '\n' });

      expect(await highWatermarks(topic)).toEqual({ 0: '0', 1: '0', 2: String(n) });

      const out = await kcatOk(tb.bootstrap, ['-C', '-t', topic, '-p', '2', '-o', 'beginning', '-e', '-f', '%k|%s|%h|%p|%o\\n']);
      expect(lines(out)).toEqual(
        input.map((line, i) => {
          const [key, ...rest] = line.split(':');
          return `${key}|${rest.join(':')}|trace=abc-123,codec=${codec}|2|${i}`;
        }),
      );

      // The same records through another client's decoder.
      const records = await fetchRecords(tb.bootstrap, topic, 2, 0n, BigInt(n));
      expect(records.map((r) => r.key?.toString())).toEqual(input.map((l) => l.split(':')[0]));
      expect(records.map((r) => r.value?.toString())).toEqual(input.map((l) => l.slice(l.indexOf(':') + 1)));
      for (const r of records) {
        expect(r.headers.map(([k, v]) => [k?.toString(), v?.toString()])).toEqual([
          ['trace', 'abc-123'],
          ['codec', codec],
        ]);
      }
    },
  );

  // librdkafka up to 2.11 (kcat here links 2.0.2) enables gzip, snappy and lz4 only when the
  // broker's ApiVersions answer includes Produce v0 (it asks "is Produce [0, 0] supported?";
  // confluentinc/librdkafka#4956). Apache Kafka 4.0 removed Produce v0-v2 (KIP-896) yet still
  // advertises Produce from v0 for exactly this reason (KAFKA-18659), rejecting the old versions
  // when they are used. A broker advertising Produce v3+ makes these clients silently send
  // uncompressed batches.
  it.each(['gzip', 'snappy', 'lz4', 'zstd'] as const)('kcat -z %s batches reach the log compressed with that codec', async (codec) => {
    const topic = uniqueName(`kz-${codec}`);
    await createTopic(topic, 1);
    const input = Array.from({ length: 40 }, (_, i) => `line ${i} repeated text repeated text repeated text repeated text`);
    await kcatOk(tb.bootstrap, ['-P', '-t', topic, '-z', codec, '-X', 'acks=all', '-X', 'linger.ms=50'], { input: input.join('\n') + '\n' });
    expect(lines(await kcatOk(tb.bootstrap, ['-C', '-t', topic, '-o', 'beginning', '-e']))).toEqual(input);
    // The broker keeps the producer's batches as they came (compression.type=producer).
    const codecs = (await readStoredBatches(tb.dataDir, topic, 0)).map((b) => b.codec);
    expect(codecs.length).toBeGreaterThan(0);
    const expected = { gzip: 1, snappy: 2, lz4: 3, zstd: 4 }[codec];
    expect(codecs, `codec of every stored batch (0 = uncompressed, ${expected} = ${codec})`).toEqual(codecs.map(() => expected));
  });

  it('starts at beginning, -N from the end, an absolute offset, and stops after -c messages', async () => {
    const topic = uniqueName('koff');
    await createTopic(topic, 1);
    const values = Array.from({ length: 10 }, (_, i) => `m${i}`);
    await kcatOk(tb.bootstrap, ['-P', '-t', topic, '-X', 'acks=all'], { input: values.join('\n') + '\n' });
    const read = async (...args: string[]) => lines(await kcatOk(tb.bootstrap, ['-C', '-t', topic, '-p', '0', '-f', '%o=%s\\n', ...args]));

    expect(await read('-o', 'beginning', '-e')).toEqual(values.map((v, i) => `${i}=${v}`));
    expect(await read('-o', '-3', '-e')).toEqual(['7=m7', '8=m8', '9=m9']);
    expect(await read('-o', '4', '-e')).toEqual(['4=m4', '5=m5', '6=m6', '7=m7', '8=m8', '9=m9']);
    expect(await read('-o', '2', '-c', '3')).toEqual(['2=m2', '3=m3', '4=m4']);
    expect(await read('-o', 'beginning', '-c', '1')).toEqual(['0=m0']);
    // Nothing after the end: -o end with -e exits without output.
    expect(await read('-o', 'end', '-e')).toEqual([]);
  });

  it('consumes between timestamps (-o s@ / e@) and queries offsets by timestamp (-Q)', async () => {
    const topic = uniqueName('kts');
    await createTopic(topic, 2);
    const base = 1_700_000_000_000;
    const producer = kafkajsClient(tb.bootstrap).producer();
    await producer.connect();
    try {
      for (let i = 0; i < 10; i++) {
        await producer.send({
          topic,
          acks: -1,
          messages: [
            { partition: 0, value: `p0-${i}`, timestamp: String(base + i * 1000) },
            { partition: 1, value: `p1-${i}`, timestamp: String(base + 500 + i * 2000) },
          ],
        });
      }
    } finally {
      await producer.disconnect();
    }

    const query = async (...specs: string[]) => {
      const out = (await kcatOk(tb.bootstrap, ['-Q', ...specs.flatMap((s) => ['-t', s])])).toString('utf8');
      const found: Record<string, string> = {};
      for (const m of out.matchAll(/^(\S+) \[(\d+)\] offset (-?\d+)$/gm)) found[`${m[1]}:${m[2]}`] = m[3];
      return found;
    };
    // First offset whose timestamp is >= the one asked for.
    expect(await query(`${topic}:0:${base + 4600}`, `${topic}:1:${base + 4600}`)).toEqual({ [`${topic}:0`]: '5', [`${topic}:1`]: '3' });
    expect(await query(`${topic}:1:${base + 4500}`)).toEqual({ [`${topic}:1`]: '2' }); // exact match
    expect(await query(`${topic}:0:${base}`, `${topic}:1:${base}`)).toEqual({ [`${topic}:0`]: '0', [`${topic}:1`]: '0' });
    expect(await query(`${topic}:0:${base + 9000}`)).toEqual({ [`${topic}:0`]: '9' });
    // After the newest timestamp: no such offset (librdkafka reports -1, "end").
    expect(await query(`${topic}:0:${base + 60_000}`)).toEqual({ [`${topic}:0`]: '-1' });

    const between = lines(
      await kcatOk(tb.bootstrap, ['-C', '-t', topic, '-p', '0', '-o', `s@${base + 2000}`, '-o', `e@${base + 5000}`, '-f', '%o %T %s\\n']),
    );
    expect(between).toEqual([2, 3, 4].map((i) => `${i} ${base + i * 1000} p0-${i}`));
  });

  it('auto-creates an unknown topic when kcat -P produces to it', async () => {
    const topic = uniqueName('kauto');
    const admin = kafkajsClient(tb.bootstrap).admin();
    await admin.connect();
    try {
      expect(await admin.listTopics()).not.toContain(topic);
      await kcatOk(tb.bootstrap, ['-P', '-t', topic, '-X', 'acks=all'], { input: 'first\nsecond\n' });
      expect(await admin.listTopics()).toContain(topic);
      const meta = await admin.fetchTopicMetadata({ topics: [topic] });
      expect(meta.topics[0].partitions).toHaveLength(1); // num.partitions default
    } finally {
      await admin.disconnect();
    }
    expect(lines(await kcatOk(tb.bootstrap, ['-C', '-t', topic, '-o', 'beginning', '-e']))).toEqual(['first', 'second']);
  });

  it('reports an unknown topic to a consumer instead of hanging', async () => {
    const r = await kcat(tb.bootstrap, ['-C', '-t', uniqueName('nosuch'), '-o', 'beginning', '-e'], { timeoutMs: 30_000 });
    expect(r.timedOut, describeResult('kcat -C on an unknown topic', r)).toBe(false);
    expect(r.stderr).toMatch(/Unknown topic or partition/i);
  });
});

describe('binary data across clients', () => {
  function binaryValue(i: number): Buffer {
    // Every byte value, newlines and NULs included, at varying lengths (one empty).
    const len = i === 3 ? 0 : 1 + ((i * 97) % 700);
    const buf = Buffer.alloc(len);
    for (let j = 0; j < len; j++) buf[j] = (i * 131 + j * 29 + (j >> 3)) & 0xff;
    return buf;
  }

  it('kcat -P with one file per message → @platformatic/kafka reads every byte', async () => {
    const topic = uniqueName('kbin');
    await createTopic(topic, 2);
    const values = Array.from({ length: 12 }, (_, i) => (i === 3 ? binaryValue(100) : binaryValue(i)));
    values.push(randomBytes(64 * 1024));
    const files: string[] = [];
    for (let i = 0; i < values.length; i++) {
      const file = join(scratch, `${topic}-${String(i).padStart(3, '0')}.bin`);
      await writeFile(file, values[i]);
      files.push(file);
    }
    await kcatOk(tb.bootstrap, ['-P', '-t', topic, '-p', '1', '-k', 'file-key', '-X', 'acks=all', '-X', 'max.in.flight=1', ...files]);
    const records = await fetchRecords(tb.bootstrap, topic, 1, 0n, BigInt(values.length));
    expect(records).toHaveLength(values.length);
    records.forEach((r, i) => {
      expect(r.offset).toBe(BigInt(i));
      expect(r.key?.toString()).toBe('file-key');
      expect(r.value?.toString('hex')).toBe(values[i].toString('hex'));
    });
    // And kcat reads back the same bytes.
    const back = parseKcatBinary(await kcatOk(tb.bootstrap, ['-C', '-t', topic, '-p', '1', '-o', 'beginning', '-e', '-f', KCAT_BINARY_FORMAT]));
    expect(back.map((m) => m.value?.toString('hex'))).toEqual(values.map((v) => v.toString('hex')));
  });

  it('kcat -P -l with a multi-byte delimiter and binary keys → @platformatic/kafka reads every byte', async () => {
    const topic = uniqueName('kdelim');
    await createTopic(topic, 1);
    const delim = '--SEP--';
    const messages = Array.from({ length: 20 }, (_, i) => ({ key: Buffer.from([0x00, 0xff, 0x0a, i]), value: binaryValue(i + 1) }));
    for (const m of messages) {
      expect(m.value.includes(delim)).toBe(false);
      expect(m.key.includes('=>')).toBe(false);
    }
    const file = join(scratch, `${topic}.bin`);
    await writeFile(file, Buffer.concat(messages.flatMap((m) => [m.key, Buffer.from('=>'), m.value, Buffer.from(delim)])));
    await kcatOk(tb.bootstrap, ['-P', '-t', topic, '-l', '-D', delim, '-K', '=>', '-X', 'acks=all', '-X', 'max.in.flight=1', '-z', 'lz4', file]);
    const records = await fetchRecords(tb.bootstrap, topic, 0, 0n, BigInt(messages.length));
    expect(records.map((r) => r.key?.toString('hex'))).toEqual(messages.map((m) => m.key.toString('hex')));
    expect(records.map((r) => r.value?.toString('hex'))).toEqual(messages.map((m) => m.value.toString('hex')));
  });

  it('kafkajs produces binary keys, values, tombstones and headers → kcat reads every byte', async () => {
    const topic = uniqueName('kjs2kcat');
    await createTopic(topic, 3);
    const messages = Array.from({ length: 40 }, (_, i) => ({
      key: i % 7 === 0 ? null : Buffer.from([i, 0x00, 0x0a, 0xff, 0x3a]),
      value: i % 11 === 5 ? null : binaryValue(i),
      headers: { seq: String(i), origin: 'kafkajs' },
      partition: 1,
      timestamp: String(1_700_000_000_000 + i),
    }));
    const producer = kafkajsClient(tb.bootstrap).producer();
    await producer.connect();
    try {
      await producer.send({ topic, acks: -1, messages: messages.slice(0, 20) });
      await producer.send({ topic, acks: -1, messages: messages.slice(20) });
    } finally {
      await producer.disconnect();
    }
    const got = parseKcatBinary(await kcatOk(tb.bootstrap, ['-C', '-t', topic, '-p', '1', '-o', 'beginning', '-e', '-f', KCAT_BINARY_FORMAT]));
    expect(got).toHaveLength(messages.length);
    got.forEach((m, i) => {
      expect(m.partition).toBe(1);
      expect(m.offset).toBe(BigInt(i));
      expect(m.timestamp).toBe(BigInt(messages[i].timestamp));
      expect(m.key === null ? null : m.key.toString('hex')).toBe(messages[i].key === null ? null : messages[i].key!.toString('hex'));
      expect(m.value === null ? null : m.value.toString('hex')).toBe(messages[i].value === null ? null : messages[i].value!.toString('hex'));
    });
    const headers = lines(await kcatOk(tb.bootstrap, ['-C', '-t', topic, '-p', '1', '-o', 'beginning', '-e', '-f', '%o %h\\n']));
    expect(headers).toEqual(messages.map((_, i) => `${i} seq=${i},origin=kafkajs`));
  });
});
