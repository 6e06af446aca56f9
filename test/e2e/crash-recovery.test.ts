/**
 * Crash recovery with a broker in a child process (test/helpers/broker-child.ts):
 *
 * 1. Several producers (kafkajs and @platformatic/kafka, acks=-1, no retries) write to several
 *    partitions at once; the broker is SIGKILLed at a random moment and restarted on the same data
 *    dir, eight times. After every restart each acknowledged message must be at the offset it was
 *    acknowledged with, offsets contiguous, no value twice, each producer's messages in order, and
 *    everything served before still served. Then a clean stop and start must serve the same log.
 * 2. With the broker killed, the tail of each partition's active segment is damaged by hand (torn
 *    batch, corrupt CRC, garbage, a partial header, zero fill); the restarted broker must serve every
 *    batch before the damage and nothing after it, and accept and keep new writes.
 *
 * Producers never retry, so a message value is sent at most once: a value present twice would be
 * the broker's doing. Unacknowledged messages may or may not be in the log.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { open, readdir, readFile, rm, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { Kafka, logLevel, CompressionTypes } from 'kafkajs';
import { Producer } from '@platformatic/kafka';
import { makeTempDir } from '../helpers/broker.ts';
import { fetchRecords } from '../helpers/platformatic.ts';
import { spawnBrokerChild, type BrokerChild } from '../helpers/broker-child.ts';

const children = new Set<BrokerChild>();
const dirs: string[] = [];

afterAll(async () => {
  for (const child of children) await child.kill();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function startChild(dataDir: string): Promise<BrokerChild> {
  const child = await spawnBrokerChild({ dataDir });
  children.add(child);
  child.process.once('exit', () => children.delete(child));
  return child;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Rejects after `ms` (the promise itself keeps running; its outcome is then ignored). */
function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Deterministic pseudo-random numbers (xorshift32), so a failing run can be repeated by seed. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x1_0000_0000;
  };
}

function quietKafka(bootstrap: string, clientId: string): Kafka {
  return new Kafka({
    clientId,
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2000,
    requestTimeout: 8000,
    retry: { retries: 0 },
  });
}

async function createTopic(bootstrap: string, topic: string, numPartitions: number): Promise<void> {
  const admin = quietKafka(bootstrap, 'crash-admin').admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

async function highWatermarks(bootstrap: string, topic: string): Promise<Map<number, bigint>> {
  const admin = quietKafka(bootstrap, 'crash-admin').admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return new Map(offsets.map((o) => [o.partition, BigInt(o.high)]));
  } finally {
    await admin.disconnect();
  }
}

/** Every value in a partition, offset i at index i; checks the offsets are 0..high-1 without a gap. */
async function readPartition(bootstrap: string, topic: string, partition: number, high: bigint): Promise<string[]> {
  const records = await fetchRecords(bootstrap, topic, partition, 0n, high);
  const values: string[] = [];
  records.forEach((r, i) => {
    if (r.offset !== BigInt(i)) throw new Error(`partition ${partition}: record ${i} has offset ${r.offset} (offsets must be contiguous from 0)`);
    values.push(r.value?.toString() ?? '<null>');
  });
  if (BigInt(values.length) !== high) throw new Error(`partition ${partition}: read ${values.length} records, high watermark is ${high}`);
  return values;
}

// ---- producers ------------------------------------------------------------------------------

interface SendClient {
  name: string;
  /** Sends the values as one batch to a partition with acks=-1; resolves with the base offset. */
  send(partition: number, values: string[]): Promise<bigint>;
  close(): Promise<void>;
}

async function kafkajsSender(bootstrap: string, topic: string, name: string, compression: CompressionTypes): Promise<SendClient> {
  const producer = quietKafka(bootstrap, name).producer({ retry: { retries: 0 }, allowAutoTopicCreation: false });
  await withTimeout(producer.connect(), 10_000, `${name} connect`);
  return {
    name,
    async send(partition, values) {
      const [meta] = await producer.send({ topic, acks: -1, timeout: 8000, compression, messages: values.map((value) => ({ partition, value })) });
      if (meta.errorCode !== 0) throw new Error(`${name}: error code ${meta.errorCode}`);
      return BigInt(meta.baseOffset!);
    },
    close: () => producer.disconnect(),
  };
}

function platformaticSender(bootstrap: string, topic: string, name: string): SendClient {
  const producer = new Producer({ clientId: name, bootstrapBrokers: [bootstrap], retries: 0, timeout: 8000, connectTimeout: 2000, autocreateTopics: false });
  return {
    name,
    async send(partition, values) {
      const result = await producer.send({ acks: -1, compression: 'lz4', messages: values.map((v) => ({ topic, partition, value: Buffer.from(v) })) });
      const offset = result.offsets?.find((o) => o.partition === partition)?.offset;
      if (offset === undefined) throw new Error(`${name}: no offset in the produce result`);
      return BigInt(offset);
    },
    close: () => producer.close(),
  };
}

/** Acknowledged messages: partition → offset → value. */
type AckLog = Map<number, Map<bigint, string>>;

interface RunStats {
  acked: number;
  failed: number;
}

/**
 * Runs every client in a loop (one send in flight per client, 1-5 messages per send, a random
 * partition) until `stop.now` is set. Message values are `<client>:<seq>:<padding>`, seq counting
 * up per client across the whole test and never reused.
 */
async function produceUntilStopped(
  clients: SendClient[],
  partitions: number,
  seqs: Map<string, number>,
  acked: AckLog,
  stop: { now: boolean },
  random: () => number,
): Promise<RunStats> {
  const stats: RunStats = { acked: 0, failed: 0 };
  const deadline = Date.now() + 30_000;
  await Promise.all(
    clients.map(async (client) => {
      for (let n = 0; n < 5000 && !stop.now && Date.now() < deadline; n++) {
        const partition = Math.floor(random() * partitions);
        const count = 1 + Math.floor(random() * 5);
        const values: string[] = [];
        for (let k = 0; k < count; k++) {
          const seq = seqs.get(client.name) ?? 0;
          seqs.set(client.name, seq + 1);
          values.push(`${client.name}:${seq}:${'x'.repeat(Math.floor(random() * 200))}`);
        }
        try {
          const base = await withTimeout(client.send(partition, values), 10_000, `${client.name} send`);
          const log = acked.get(partition)!;
          values.forEach((v, k) => {
            const offset = base + BigInt(k);
            const previous = log.get(offset);
            if (previous !== undefined) throw new Error(`offset ${offset} of partition ${partition} acknowledged twice: ${previous.slice(0, 20)} and ${v.slice(0, 20)}`);
            log.set(offset, v);
          });
          stats.acked += values.length;
        } catch (err) {
          if ((err as Error).message.includes('acknowledged twice')) throw err;
          stats.failed += values.length;
          await sleep(20);
        }
      }
    }),
  );
  return stats;
}

/**
 * Reads every partition and checks it against what was acknowledged and what was served before.
 * Returns the partition contents.
 */
async function verifyLog(bootstrap: string, topic: string, partitions: number, acked: AckLog, previous: string[][] | null, label: string): Promise<string[][]> {
  const highs = await highWatermarks(bootstrap, topic);
  const contents: string[][] = [];
  const seen = new Set<string>();
  for (let p = 0; p < partitions; p++) {
    const high = highs.get(p)!;
    const values = await readPartition(bootstrap, topic, p, high);
    contents.push(values);
    for (const [offset, value] of acked.get(p)!) {
      expect(offset < high, `${label}: acknowledged offset ${offset} of partition ${p} is at or above the high watermark ${high}`).toBe(true);
      expect(values[Number(offset)], `${label}: partition ${p} offset ${offset}`).toBe(value);
    }
    const lastSeq = new Map<string, number>();
    values.forEach((value, offset) => {
      expect(seen.has(value), `${label}: value ${value.slice(0, 30)} appears twice (again at partition ${p} offset ${offset})`).toBe(false);
      seen.add(value);
      const [client, seqText] = value.split(':');
      const seq = Number(seqText);
      expect(seq > (lastSeq.get(client) ?? -1), `${label}: ${client}'s messages out of order in partition ${p} at offset ${offset}`).toBe(true);
      lastSeq.set(client, seq);
    });
    if (previous) {
      expect(values.length, `${label}: partition ${p} shrank`).toBeGreaterThanOrEqual(previous[p].length);
      expect(values.slice(0, previous[p].length), `${label}: partition ${p} changed what it served before`).toEqual(previous[p]);
    }
  }
  return contents;
}

async function closeAll(clients: SendClient[]): Promise<void> {
  await Promise.all(clients.map((c) => withTimeout(c.close(), 10_000, `${c.name} close`).catch(() => undefined)));
}

describe('crash recovery', () => {
  it('keeps every acknowledged message through repeated SIGKILLs, then through a clean restart', { timeout: 90_000 }, async () => {
    const seed = Number(process.env.KSTREAM_CRASH_SEED ?? Date.now() % 1_000_000);
    const random = rng(seed);
    const dataDir = await makeTempDir('kstream-crash-');
    dirs.push(dataDir);
    const topic = 'crash';
    const partitions = 4;
    const cycles = 8;
    const acked: AckLog = new Map(Array.from({ length: partitions }, (_, p) => [p, new Map()]));
    const seqs = new Map<string, number>();
    const context = () => `(seed ${seed}; rerun with KSTREAM_CRASH_SEED=${seed})`;

    let child = await startChild(dataDir);
    await createTopic(child.bootstrap, topic, partitions);
    let served: string[][] | null = null;
    let totalAcked = 0;
    let totalFailed = 0;

    const runProducers = async (bootstrap: string, stopAfter: () => Promise<void>): Promise<RunStats> => {
      const clients = [
        await kafkajsSender(bootstrap, topic, 'kjs-a', CompressionTypes.None),
        await kafkajsSender(bootstrap, topic, 'kjs-b', CompressionTypes.GZIP),
        platformaticSender(bootstrap, topic, 'plt-c'),
      ];
      const stop = { now: false };
      try {
        const running = produceUntilStopped(clients, partitions, seqs, acked, stop, random);
        await stopAfter();
        stop.now = true;
        return await withTimeout(running, 30_000, 'producers');
      } finally {
        stop.now = true;
        await closeAll(clients);
      }
    };

    for (let cycle = 0; cycle < cycles; cycle++) {
      const label = `cycle ${cycle} ${context()}`;
      served = await verifyLog(child.bootstrap, topic, partitions, acked, served, `${label}, before producing`);
      const killAfterMs = 300 + Math.floor(random() * 1200);
      const victim = child;
      const stats = await runProducers(child.bootstrap, async () => {
        await sleep(killAfterMs);
        await victim.kill(); // SIGKILL, mid-traffic
      });
      totalAcked += stats.acked;
      totalFailed += stats.failed;
      expect(stats.acked, `${label}: nothing was acknowledged in ${killAfterMs} ms`).toBeGreaterThan(0);
      child = await startChild(dataDir);
      served = await verifyLog(child.bootstrap, topic, partitions, acked, served, `${label}, after SIGKILL at ${killAfterMs} ms and restart`);
    }

    // Some more traffic without a crash, then a clean stop and start: the same log, byte for byte.
    const stats = await runProducers(child.bootstrap, () => sleep(400));
    totalAcked += stats.acked;
    const beforeStop = await verifyLog(child.bootstrap, topic, partitions, acked, served, `before a clean stop ${context()}`);
    expect(await child.stop()).toBe(0);
    child = await startChild(dataDir);
    const afterStart = await verifyLog(child.bootstrap, topic, partitions, acked, beforeStop, `after a clean restart ${context()}`);
    expect(afterStart).toEqual(beforeStop);
    expect(await child.stop()).toBe(0);

    const ackedCount = [...acked.values()].reduce((n, m) => n + m.size, 0);
    expect(ackedCount).toBe(totalAcked);
    expect(totalAcked).toBeGreaterThan(cycles * 10);
    // Visible with --reporter=verbose; useful when tuning the test.
    console.info(`crash recovery: ${totalAcked} acknowledged, ${totalFailed} failed sends' messages, ${afterStart.flat().length} in the log ${context()}`);
  });
});

describe('offsets by timestamp after a crash', () => {
  // ListOffsets with a timestamp must find records in a log recovered after an unclean shutdown,
  // and in one restarted cleanly after that, exactly as before the crash.
  it('finds the first offset at or after a time after SIGKILL + restart, and after a clean restart', async () => {
    const dataDir = await makeTempDir('kstream-crash-time-');
    dirs.push(dataDir);
    const topic = 'times';
    const base = 1_700_000_000_000;
    let child = await startChild(dataDir);
    await createTopic(child.bootstrap, topic, 1);
    const producer = quietKafka(child.bootstrap, 'times-writer').producer({ retry: { retries: 0 } });
    await producer.connect();
    try {
      for (let b = 0; b < 3; b++) {
        await producer.send({ topic, acks: -1, messages: [0, 1, 2].map((k) => ({ partition: 0, value: `b${b}-m${k}`, timestamp: String(base + b * 1000) })) });
      }
    } finally {
      await producer.disconnect();
    }
    const lookups = async (bootstrap: string) => {
      const admin = quietKafka(bootstrap, 'times-admin').admin();
      await admin.connect();
      try {
        const out: Record<string, string> = {};
        for (const delta of [0, 1000, 1500, 2000]) out[`+${delta}`] = (await admin.fetchTopicOffsetsByTimestamp(topic, base + delta))[0].offset;
        return out;
      } finally {
        await admin.disconnect();
      }
    };
    // (kafkajs reports "no such offset" (-1) as the high watermark, 9 here.)
    const want = { '+0': '0', '+1000': '3', '+1500': '6', '+2000': '6' };
    expect(await lookups(child.bootstrap), 'before the crash').toEqual(want);
    await child.kill();
    child = await startChild(dataDir);
    expect.soft(await lookups(child.bootstrap), 'after SIGKILL and restart').toEqual(want);
    expect(await child.stop()).toBe(0);
    child = await startChild(dataDir);
    expect.soft(await lookups(child.bootstrap), 'after a clean restart that followed').toEqual(want);
    expect(await child.stop()).toBe(0);
  });
});

// ---- hand-damaged segments -----------------------------------------------------------------------

interface BatchPosition {
  position: number;
  size: number;
}

/** Batch boundaries in a segment file: each batch is baseOffset(8) + length(4) + length bytes. */
function batchPositions(buf: Buffer): BatchPosition[] {
  const out: BatchPosition[] = [];
  let pos = 0;
  for (let n = 0; pos + 12 <= buf.length && n < 100_000; n++) {
    const length = buf.readInt32BE(pos + 8);
    if (length <= 0 || pos + 12 + length > buf.length) break;
    out.push({ position: pos, size: 12 + length });
    pos += 12 + length;
  }
  return out;
}

/** The newest (highest base offset) `.log` file of a partition. */
async function activeSegment(dataDir: string, topic: string, partition: number): Promise<string> {
  const dir = join(dataDir, `${topic}-${partition}`);
  const logs = (await readdir(dir)).filter((f) => f.endsWith('.log')).sort();
  if (logs.length === 0) throw new Error(`no segment in ${dir}`);
  return join(dir, logs[logs.length - 1]);
}

async function appendBytes(path: string, bytes: Buffer): Promise<void> {
  const fh = await open(path, 'a');
  try {
    await fh.write(bytes);
  } finally {
    await fh.close();
  }
}

async function overwriteByte(path: string, position: number): Promise<void> {
  const fh = await open(path, 'r+');
  try {
    const one = Buffer.alloc(1);
    await fh.read(one, 0, 1, position);
    one[0] ^= 0x5a;
    await fh.write(one, 0, 1, position);
  } finally {
    await fh.close();
  }
}

describe('damaged segment tails', () => {
  it('serves every batch before the damage, nothing after it, and accepts new writes', async () => {
    const dataDir = await makeTempDir('kstream-garble-');
    dirs.push(dataDir);
    const topic = 'garble';
    const batchesPerPartition = 5;
    const base = 1_700_000_000_000;

    let child = await startChild(dataDir);
    await createTopic(child.bootstrap, topic, 5);
    const value = (p: number, b: number, k: number) => `p${p}-b${b}-m${k}-${'v'.repeat(30 + ((p * 7 + b * 3 + k) % 50))}`;
    /** Per partition: the values of each batch, in order. */
    const batches: string[][][] = [];
    {
      const producer = quietKafka(child.bootstrap, 'garble-writer').producer({ retry: { retries: 0 } });
      await producer.connect();
      try {
        for (let p = 0; p < 5; p++) {
          batches.push([]);
          let expectedBase = 0n;
          for (let b = 0; b < batchesPerPartition; b++) {
            const values = Array.from({ length: 3 + ((p + b) % 3) }, (_, k) => value(p, b, k));
            const [meta] = await producer.send({
              topic,
              acks: -1,
              compression: b % 2 === 1 ? CompressionTypes.GZIP : CompressionTypes.None,
              messages: values.map((v) => ({ partition: p, value: v, timestamp: String(base + b * 1000) })),
            });
            expect(BigInt(meta.baseOffset!)).toBe(expectedBase);
            expectedBase += BigInt(values.length);
            batches[p].push(values);
          }
        }
      } finally {
        await producer.disconnect();
      }
    }
    await child.kill(); // unclean: the restart must scan and repair

    // Damage each partition's active segment differently. `survivors[p]` batches must survive.
    const survivors: number[] = [];
    for (let p = 0; p < 5; p++) {
      const path = await activeSegment(dataDir, topic, p);
      const positions = batchPositions(await readFile(path));
      expect(positions, `batches in ${path}`).toHaveLength(batchesPerPartition);
      const last = positions[batchesPerPartition - 1];
      switch (p) {
        case 0: // torn write: the last batch cut in the middle
          await truncate(path, last.position + Math.floor(last.size / 2));
          survivors.push(batchesPerPartition - 1);
          break;
        case 1: {
          // a flipped byte in the records of the second-to-last batch: its CRC no longer matches
          const victim = positions[batchesPerPartition - 2];
          await overwriteByte(path, victim.position + victim.size - 5);
          survivors.push(batchesPerPartition - 2);
          break;
        }
        case 2: // garbage after the last complete batch
          await appendBytes(path, Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 73 + 11) & 0xff)));
          survivors.push(batchesPerPartition);
          break;
        case 3: // only the first 7 bytes of the last batch's header made it
          await truncate(path, last.position + 7);
          survivors.push(batchesPerPartition - 1);
          break;
        case 4: // zero fill after the end (a preallocated or half-written block)
          await appendBytes(path, Buffer.alloc(4096));
          survivors.push(batchesPerPartition);
          break;
      }
    }

    child = await startChild(dataDir);
    const expected: string[][] = batches.map((list, p) => list.slice(0, survivors[p]).flat());
    const highs = await highWatermarks(child.bootstrap, topic);
    for (let p = 0; p < 5; p++) {
      expect(highs.get(p), `high watermark of partition ${p}`).toBe(BigInt(expected[p].length));
      expect(await readPartition(child.bootstrap, topic, p, highs.get(p)!), `partition ${p} after repair`).toEqual(expected[p]);
    }

    const byTime = async (bootstrap: string, ts: number) => {
      const admin = quietKafka(bootstrap, 'garble-admin').admin();
      await admin.connect();
      try {
        return new Map((await admin.fetchTopicOffsetsByTimestamp(topic, ts)).map((o) => [o.partition, o.offset]));
      } finally {
        await admin.disconnect();
      }
    };

    // Before any new write: the first offset at or after the time of the second original batch.
    {
      const at = await byTime(child.bootstrap, base + 1000);
      const got = [0, 1, 2, 3, 4].map((p) => at.get(p));
      expect.soft(got, 'after repair: offsets by timestamp of partitions 0-4').toEqual(batches.map((list) => String(list[0].length)));
    }
    // New writes continue right after the last good batch; timestamps index them, not the damage.
    {
      const producer = quietKafka(child.bootstrap, 'garble-writer-2').producer({ retry: { retries: 0 } });
      await producer.connect();
      try {
        for (let p = 0; p < 5; p++) {
          for (let b = 0; b < 2; b++) {
            const values = Array.from({ length: 4 }, (_, k) => `p${p}-new${b}-m${k}`);
            const [meta] = await producer.send({
              topic,
              acks: -1,
              messages: values.map((v) => ({ partition: p, value: v, timestamp: String(base + 100_000 + b * 1000) })),
            });
            expect(BigInt(meta.baseOffset!), `base offset of new batch ${b} in partition ${p}`).toBe(BigInt(expected[p].length));
            expected[p].push(...values);
          }
        }
      } finally {
        await producer.disconnect();
      }
    }
    const checkAll = async (bootstrap: string, label: string) => {
      const h = await highWatermarks(bootstrap, topic);
      for (let p = 0; p < 5; p++) {
        expect(await readPartition(bootstrap, topic, p, h.get(p)!), `${label}: partition ${p}`).toEqual(expected[p]);
      }
      // The first record at or after the time of the (possibly destroyed) last original batch:
      // that batch when it survived, else the first new record.
      const at = await byTime(bootstrap, base + (batchesPerPartition - 1) * 1000);
      const want = [0, 1, 2, 3, 4].map((p) => {
        const firstOfLast = batches[p].slice(0, batchesPerPartition - 1).flat().length;
        const firstNew = expected[p].indexOf(`p${p}-new0-m0`);
        return String(survivors[p] === batchesPerPartition ? firstOfLast : firstNew);
      });
      // Soft: a wrong answer here is reported without hiding the checks that follow.
      expect.soft([0, 1, 2, 3, 4].map((p) => at.get(p)), `${label}: offsets by timestamp of partitions 0-4`).toEqual(want);
    };
    await checkAll(child.bootstrap, 'after new writes');

    // The repaired log and the new writes survive another crash, and a clean restart.
    await child.kill();
    child = await startChild(dataDir);
    await checkAll(child.bootstrap, 'after a second SIGKILL');
    expect(await child.stop()).toBe(0);
    child = await startChild(dataDir);
    await checkAll(child.bootstrap, 'after a clean restart');
    expect(await child.stop()).toBe(0);
  });
});
