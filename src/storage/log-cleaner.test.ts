import { cp, mkdtemp, readdir, rm, stat, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KafkaProtocolError } from '../protocol/errors.ts';
import { ErrorCode } from '../protocol/generated/error-codes.ts';
import { batchCompression, type CompressionType } from '../protocol/records/batch-header.ts';
import { batchesIn, decodeBatchRecords, encodeRecordBatch, type NewBatch } from '../protocol/records/records.ts';
import { readCheckpointFile } from './checkpoint-file.ts';
import type { CleanerStep, CompactOptions } from './compaction.ts';
import { CLEANER_OFFSET_CHECKPOINT } from './log-cleaner.ts';
import { defaultLogConfig, type LogConfig } from './log-config.ts';
import { LogManager, type LogManagerOptions } from './log-manager.ts';
import { PartitionLog, type PartitionLogOptions } from './partition-log.ts';
import { logFileName } from './segment-name.ts';
import type { Logger } from '../util/logger.ts';

let root: string;
let dir: string;
const opened: Array<{ close(): Promise<void> }> = [];

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'kstream-cleaner-'));
  dir = join(root, 'topic-0');
});

afterEach(async () => {
  for (const o of opened.splice(0).reverse()) await o.close().catch(() => {});
  await rm(root, { recursive: true, force: true });
});

const T0 = 1_700_000_000_000;
const HOUR = 3_600_000;

function compacted(overrides: Partial<LogConfig> = {}): LogConfig {
  return { ...defaultLogConfig, cleanupPolicy: ['compact'], segmentBytes: 500, deleteRetentionMs: HOUR, ...overrides };
}

async function openLog(config: LogConfig, path = dir, options: PartitionLogOptions = {}): Promise<PartitionLog> {
  const log = await PartitionLog.open(path, config, options);
  opened.push(log);
  return log;
}

interface Rec {
  offset: number;
  key: string | null;
  value: string | null;
  timestamp: number;
}

type KV = readonly [string | null, string | null];

/** Appends one batch of (key, value) records; returns them with their offsets. */
async function put(log: PartitionLog, kvs: readonly KV[], batch: Partial<NewBatch> = {}, ts = T0): Promise<Rec[]> {
  const records = kvs.map(([k, v], i) => ({ key: k === null ? null : Buffer.from(k), value: v === null ? null : Buffer.from(v), timestamp: ts + i }));
  const info = await log.append(encodeRecordBatch({ ...batch, records }));
  return kvs.map(([key, value], i) => ({ offset: info.firstOffset + i, key, value, timestamp: ts + i }));
}

/** Every record from the log start, through `read` (as a consumer would). */
async function readAll(log: PartitionLog): Promise<Rec[]> {
  const out: Rec[] = [];
  let offset = log.logStartOffset;
  while (offset < log.logEndOffset) {
    const { records } = await log.read(offset, 1 << 20, { minOneBatch: true });
    if (records.length === 0) break;
    let next = offset;
    for (const { pos, header } of batchesIn(records)) {
      for (const r of decodeBatchRecords(records, pos).records) {
        if (r.offset >= offset) out.push({ offset: r.offset, key: r.key?.toString() ?? null, value: r.value?.toString() ?? null, timestamp: r.timestamp });
      }
      next = header.baseOffset + header.lastOffsetDelta + 1;
    }
    offset = next;
  }
  return out;
}

/** What a cleaning that covers offsets below `end` keeps of `all`. */
function expectedAfter(all: readonly Rec[], end: number, tombstonesExpire: boolean): Rec[] {
  const latest = new Map<string, number>();
  for (const r of all) if (r.offset < end && r.key !== null) latest.set(r.key, r.offset);
  return all.filter((r) => r.offset >= end || r.key === null || (latest.get(r.key) === r.offset && !(r.value === null && tombstonesExpire)));
}

/** Writes versions of a few keys (plus tombstones) over several segments, then rolls so they are all cleanable. */
async function fillVersions(log: PartitionLog, rounds = 30, batch: Partial<NewBatch> = {}): Promise<Rec[]> {
  const all: Rec[] = [];
  for (let i = 0; i < rounds; i++) {
    const kvs: KV[] = [[`k${i % 4}`, `v${i}`], [`k${(i + 1) % 4}`, `w${i}`]];
    if (i % 7 === 6) kvs.push([`k${i % 4}`, null]);
    all.push(...(await put(log, kvs, batch, T0 + i * 10)));
  }
  all.push(...(await roll(log, T0 + 10_000)));
  return all;
}

/** A batch nearly as large as segment.bytes: the active segment rolls, everything before it is in non-active segments. */
async function roll(log: PartitionLog, ts = T0 + 20_000, key = 'filler'): Promise<Rec[]> {
  const recs = await put(log, [[key, 'x'.repeat(log.logConfig.segmentBytes - 100)]], {}, ts);
  expect(log.segmentBaseOffsets().at(-1)).toBe(recs[0].offset);
  return recs;
}

async function codeOf(p: Promise<unknown>): Promise<number | undefined> {
  try {
    await p;
  } catch (err) {
    if (err instanceof KafkaProtocolError) return err.errorCode;
    throw err;
  }
  return undefined;
}

function strictlyIncreasing(recs: readonly Rec[]): boolean {
  return recs.every((r, i) => i === 0 || r.offset > recs[i - 1].offset);
}

describe('PartitionLog.compact', () => {
  it('keeps the latest record per key, preserves offsets and leaves gaps', async () => {
    const log = await openLog(compacted());
    const all = await fillVersions(log);
    expect(log.segmentCount).toBeGreaterThan(3);
    const active = log.segmentBaseOffsets().at(-1)!;
    const sizeBefore = log.sizeInBytes;

    const result = await log.compact({ now: Date.now() });
    expect(result).toMatchObject({ cleaned: true, incomplete: false, firstDirtyOffset: 0, cleanOffset: active, keys: 4 });
    expect(result.recordsRemoved).toBeGreaterThan(50);
    expect(result.tombstonesRemoved).toBe(0);
    const after = await readAll(log);
    expect(after).toEqual(expectedAfter(all, active, false));
    // Offsets are those of the original records; there are gaps.
    expect(after.some((r, i) => i > 0 && r.offset > after[i - 1].offset + 1)).toBe(true);
    expect(log.sizeInBytes).toBeLessThan(sizeBefore);
    expect(log.logEndOffset).toBe(all.length);

    // Reading from an offset inside a gap gives the next kept record.
    const gapStart = after.findIndex((r, i) => i > 0 && r.offset > after[i - 1].offset + 1);
    const inGap = after[gapStart - 1].offset + 1;
    const { records } = await log.read(inGap, 1 << 20);
    const fetched = [...batchesIn(records)].flatMap((b) => decodeBatchRecords(records, b.pos).records);
    expect(fetched.find((r) => r.offset >= inGap)?.offset).toBe(after[gapStart].offset);

    // The same after a restart (indexes of the cleaned segments on disk).
    await log.close();
    const reopened = await openLog(compacted(), dir, { cleanShutdown: true });
    expect(await readAll(reopened)).toEqual(after);
  });

  it('removes tombstones only once their segment is older than delete.retention.ms', async () => {
    const log = await openLog(compacted({ deleteRetentionMs: 60_000 }));
    const all = await fillVersions(log);
    const end = log.segmentBaseOffsets().at(-1)!;
    const tombstones = expectedAfter(all, end, false).filter((r) => r.value === null);
    expect(tombstones.length).toBeGreaterThan(0);

    const first = await log.compact({ now: Date.now() + 30_000 });
    expect(first.tombstonesRemoved).toBe(0);
    expect((await readAll(log)).filter((r) => r.value === null)).toEqual(tombstones);

    const second = await log.compact({ now: Date.now() + 61_000, cleanOffset: first.cleanOffset });
    expect(second.tombstonesRemoved).toBe(tombstones.length);
    expect(await readAll(log)).toEqual(expectedAfter(all, end, true));
  });

  it.each<CompressionType>(['gzip', 'zstd', 'lz4', 'snappy'])('cleans %s batches and keeps their codec', async (compression) => {
    const log = await openLog(compacted({ segmentBytes: 400 }));
    const all = await fillVersions(log, 30, { compression });
    const end = log.segmentBaseOffsets().at(-1)!;
    await log.compact({ now: Date.now() });
    expect(await readAll(log)).toEqual(expectedAfter(all, end, false));
    const { records } = await log.read(0, 1 << 20);
    const codecs = new Set([...batchesIn(records)].map((b) => batchCompression(b.header.attributes)));
    expect(codecs).toEqual(new Set([compression]));
    // Offsets by time are exact inside the cleaned compressed batches.
    const kept = expectedAfter(all, end, false);
    for (const ts of [T0, T0 + 3, T0 + 95, T0 + 151, T0 + 289]) {
      const first = kept.find((r) => r.timestamp >= ts)!;
      expect(await log.offsetForTimestamp(ts)).toEqual({ offset: first.offset, timestamp: first.timestamp });
    }
  });

  it('keeps the producer fields and the last batch of each producer', async () => {
    const log = await openLog(compacted());
    // An idempotent producer writes k0..k2, then a plain producer overwrites them.
    for (let seq = 0; seq < 3; seq++) await put(log, [[`k${seq}`, `p${seq}`]], { producerId: 5, producerEpoch: 1, baseSequence: seq });
    const kept = await put(log, [['k0', 'n0'], ['k1', 'n1'], ['k2', 'n2']]);
    await roll(log);
    await log.compact({ now: Date.now() });
    expect((await readAll(log)).filter((r) => r.offset < 6)).toEqual(kept);
    const { records } = await log.read(0, 1 << 20);
    const headers = [...batchesIn(records)].map((b) => b.header);
    // The producer's last batch (offset 2) stays as a header without records.
    expect(headers[0]).toMatchObject({ baseOffset: 2, recordCount: 0, producerId: 5, producerEpoch: 1, baseSequence: 2, lastOffsetDelta: 0 });

    // Without producer snapshots the state is rebuilt from the log, header included.
    await log.close();
    for (const name of await readdir(dir)) if (name.endsWith('.snapshot')) await unlink(join(dir, name));
    const reopened = await openLog(compacted(), dir);
    const dup = await reopened.append(encodeRecordBatch({ producerId: 5, producerEpoch: 1, baseSequence: 2, records: [{ key: Buffer.from('k2'), value: Buffer.from('p2'), timestamp: T0 }] }));
    expect(dup).toMatchObject({ duplicate: true, firstOffset: 2 });
    const next = await reopened.append(encodeRecordBatch({ producerId: 5, producerEpoch: 1, baseSequence: 3, records: [{ key: Buffer.from('k3'), value: Buffer.from('p3'), timestamp: T0 }] }));
    expect(next.duplicate).toBe(false);
  });

  it('keeps records without a key that are already in the log', async () => {
    const log = await openLog({ ...compacted(), cleanupPolicy: ['delete'] });
    const keyless = await put(log, [[null, 'a'], ['k', '1'], [null, 'b'], ['k', '2']]);
    await roll(log);
    log.updateConfig(compacted());
    await log.compact({ now: Date.now() });
    expect((await readAll(log)).filter((r) => r.offset < 4)).toEqual([keyless[0], keyless[2], keyless[3]]);
  });

  it('rejects records without a key on a compacted log, only there', async () => {
    const log = await openLog(compacted());
    expect(await codeOf(put(log, [['k', '1'], [null, 'x']]))).toBe(ErrorCode.INVALID_RECORD);
    expect(await codeOf(put(log, [[null, 'x']], { compression: 'gzip' }))).toBe(ErrorCode.INVALID_RECORD);
    expect(log.logEndOffset).toBe(0);
    log.updateConfig({ ...compacted(), cleanupPolicy: ['delete'] });
    expect(await codeOf(put(log, [[null, 'x']]))).toBeUndefined();
  });

  it('does nothing unless the policy contains compact', async () => {
    const log = await openLog({ ...compacted(), cleanupPolicy: ['delete'] });
    await fillVersions(log);
    expect(await log.cleanableState()).toBeNull();
    expect((await log.compact()).cleaned).toBe(false);
  });

  it('merges small adjacent segments within segment.bytes', async () => {
    const log = await openLog(compacted({ segmentBytes: 300 }));
    const all = await fillVersions(log, 40);
    const segments = log.segmentCount;
    expect(segments).toBeGreaterThan(8);
    const end = log.segmentBaseOffsets().at(-1)!;
    log.updateConfig(compacted({ segmentBytes: 100_000 }));
    const result = await log.compact({ now: Date.now() });
    expect(result.segmentsCleaned).toBe(segments - 1);
    expect(result.segmentsWritten).toBe(1);
    expect(log.segmentCount).toBe(2);
    expect(await readAll(log)).toEqual(expectedAfter(all, end, false));
  });

  it('excludes segments younger than min.compaction.lag.ms and reports max.compaction.lag.ms', async () => {
    const log = await openLog(compacted({ minCompactionLagMs: HOUR }));
    await fillVersions(log);
    const now = T0 + 10_000 + 1000;
    expect(await log.cleanableState(undefined, now)).toMatchObject({ dirtyBytes: 0, firstUncleanableOffset: 0 });
    expect((await log.compact({ now })).cleaned).toBe(false);
    const later = await log.cleanableState(undefined, now + HOUR);
    expect(later!.dirtyBytes).toBeGreaterThan(0);
    expect(later!.needsCompactionNow).toBe(false);

    log.updateConfig(compacted({ maxCompactionLagMs: 60_000 }));
    expect(await log.cleanableState(undefined, T0 + 30_000)).toMatchObject({ needsCompactionNow: false });
    expect(await log.cleanableState(undefined, T0 + 61_000)).toMatchObject({ needsCompactionNow: true });
  });

  it('computes the dirty section from the clean offset', async () => {
    const log = await openLog(compacted());
    await fillVersions(log);
    const total = log.sizeInBytes - (await activeSize(log));
    const fresh = await log.cleanableState();
    expect(fresh).toMatchObject({ firstDirtyOffset: 0, cleanBytes: 0, dirtyBytes: total });
    const result = await log.compact({ now: Date.now() });
    const clean = await log.cleanableState(result.cleanOffset);
    expect(clean).toMatchObject({ firstDirtyOffset: result.cleanOffset, dirtyBytes: 0 });
    expect(clean!.cleanBytes).toBeGreaterThan(0);
    // An out-of-range clean offset counts as none.
    expect(await log.cleanableState(log.logEndOffset + 5)).toMatchObject({ firstDirtyOffset: 0, cleanBytes: 0 });
  });

  it('is not trimmed by retention when only compacted', async () => {
    const onlyCompact = await openLog(compacted({ retentionMs: 1, retentionBytes: 1 }));
    await fillVersions(onlyCompact, 20);
    expect(await onlyCompact.applyRetention(Date.now() + HOUR)).toBe(0);
    const both = await openLog(compacted({ retentionMs: 1, cleanupPolicy: ['compact', 'delete'] }), join(root, 'both-0'));
    await fillVersions(both, 20);
    expect(await both.applyRetention(Date.now() + HOUR)).toBeGreaterThan(0);
  });

  it('loses no append and fails no read while cleaning', async () => {
    const log = await openLog(compacted({ segmentBytes: 400, indexIntervalBytes: 64 }));
    const all = await fillVersions(log, 60);
    const end = log.segmentBaseOffsets().at(-1)!;
    const pause = () => new Promise<void>((resolve) => setTimeout(resolve, 2));
    const cleaning = log.compact({ now: Date.now(), hooks: { onStep: pause } });
    const appended: Rec[] = [];
    const appends = (async () => {
      for (let i = 0; i < 80; i++) appended.push(...(await put(log, [[`new${i}`, `n${i}`]], {}, T0 + 50_000 + i)));
    })();
    let reads = 0;
    const readers = (async () => {
      while (reads < 200) {
        const offset = reads % Math.max(1, log.logEndOffset);
        await log.read(offset, 2000, { minOneBatch: true });
        await log.offsetForTimestamp(T0 + (reads % 50) * 10);
        reads++;
      }
    })();
    const [result] = await Promise.all([cleaning, appends, readers]);
    expect(result.cleaned).toBe(true);
    expect(await readAll(log)).toEqual([...expectedAfter(all, end, false), ...appended]);
  });

  it('serves reads that started before a swap from the old segment', async () => {
    const log = await openLog(compacted());
    await fillVersions(log);
    // A read in progress while every step of the swap happens.
    const results: number[] = [];
    const result = await log.compact({
      now: Date.now(),
      hooks: {
        async onStep() {
          const { records } = await log.read(0, 1 << 20, { minOneBatch: true });
          results.push(records.length);
        },
      },
    });
    expect(result.cleaned).toBe(true);
    expect(results.every((n) => n > 0)).toBe(true);
  });
});

async function activeSize(log: PartitionLog): Promise<number> {
  return (await stat(join(log.dir, logFileName(log.segmentBaseOffsets().at(-1)!)))).size;
}

function captureLogger(messages: string[]): Logger {
  const logger: Logger = {
    debug() {},
    info() {},
    warn(msg) { messages.push(msg); },
    error(msg) { messages.push(msg); },
    child() { return logger; },
  };
  return logger;
}

describe('crash safety of the segment swap', () => {
  const leftovers = (names: string[]) => names.filter((n) => /\.(cleaned|swap|deleted)$/.test(n));

  async function build(path: string): Promise<{ log: PartitionLog; all: Rec[]; end: number }> {
    const log = await openLog(compacted({ segmentBytes: 300 }), path);
    const all = await fillVersions(log, 24);
    // Groups of several segments: every old segment of a group is retired in turn.
    log.updateConfig(compacted({ segmentBytes: 900 }));
    return { log, all, end: log.segmentBaseOffsets().at(-1)! };
  }

  it('leaves a consistent log whatever step a crash interrupts', async () => {
    // The steps of a full cleaning.
    const steps: Array<[CleanerStep, number]> = [];
    const probe = await build(join(root, 'probe-0'));
    await probe.log.compact({ now: Date.now(), hooks: { onStep: (step, info) => void steps.push([step, info.baseOffset]) } });
    expect(steps.filter(([s]) => s === 'swapped').length).toBeGreaterThan(1);
    expect(steps.filter(([s]) => s === 'segment-retired').length).toBeGreaterThan(steps.filter(([s]) => s === 'swapped').length);

    const recoveries: string[] = [];
    for (let at = 0; at < steps.length; at++) {
      const path = join(root, `run${at}-0`);
      const crashed = join(root, `crash${at}-0`);
      const { log, all, end } = await build(path);
      const after = expectedAfter(all, end, false);
      let n = 0;
      const options: CompactOptions = {
        now: Date.now(),
        hooks: {
          async onStep() {
            if (n++ !== at) return;
            // The disk as it is at this step is what a crash leaves.
            await cp(path, crashed, { recursive: true });
            throw new Error(`simulated crash at step ${at}`);
          },
        },
      };
      const failure = await log.compact(options).then(() => null, (err: unknown) => err as Error & { cause?: Error });
      expect(failure?.cause?.message ?? failure?.message).toMatch(/simulated crash/);

      // After a crash and an unclean restart: complete old or new segments, nothing lost or duplicated.
      const recovered = await openLog(compacted({ segmentBytes: 900 }), crashed, { logger: captureLogger(recoveries) });
      const names = await readdir(crashed);
      expect(leftovers(names), `step ${at} ${steps[at].join(' ')}`).toEqual([]);
      const records = await readAll(recovered);
      expect(strictlyIncreasing(records)).toBe(true);
      expect(recovered.logEndOffset).toBe(all.length);
      const allByOffset = new Map(all.map((r) => [r.offset, r]));
      for (const r of records) expect(r).toEqual(allByOffset.get(r.offset));
      const present = new Set(records.map((r) => r.offset));
      for (const r of after) expect(present.has(r.offset), `step ${at}: offset ${r.offset} lost`).toBe(true);
      // Cleaning again finishes the job.
      await recovered.compact({ now: Date.now() });
      expect(await readAll(recovered)).toEqual(after);

      // The log that saw the failure at run time undid or finished it, and still works.
      const live = await readAll(log);
      expect(strictlyIncreasing(live)).toBe(true);
      for (const r of after) expect(live.some((x) => x.offset === r.offset)).toBe(true);
      await log.compact({ now: Date.now() });
      expect(await readAll(log)).toEqual(after);
      await log.close();
      expect(leftovers(await readdir(path))).toEqual([]);
      const reopened = await openLog(compacted({ segmentBytes: 900 }), path, { cleanShutdown: true });
      expect(await readAll(reopened)).toEqual(after);
      await reopened.close();
      await recovered.close();
    }
    // Both outcomes of the load-time recovery happened: swaps undone and swaps completed.
    expect(recoveries).toContain('abandoned an interrupted segment replacement');
    expect(recoveries).toContain('completed an interrupted segment replacement');
  });
});

describe('LogCleaner in a LogManager', () => {
  const quiet: LogManagerOptions = { flushIntervalMs: -1, retentionCheckIntervalMs: -1, cleanerIntervalMs: 0 };

  async function openManager(options: LogManagerOptions = {}, dataDir = join(root, 'data')): Promise<LogManager> {
    const m = await LogManager.open(dataDir, { ...quiet, ...options });
    opened.push(m);
    return m;
  }

  it('cleans compacted logs on demand and checkpoints the clean offset', async () => {
    const dataDir = join(root, 'data');
    const m = await openManager();
    const c = await m.create('compacted', 0, compacted());
    const d = await m.create('plain', 0, { ...compacted(), cleanupPolicy: ['delete'] });
    const all = await fillVersions(c);
    await fillVersions(d);
    const end = c.segmentBaseOffsets().at(-1)!;
    const reports = await m.cleanNow();
    expect(reports.map((r) => [r.topic, r.partition, r.cleaned, r.cleanOffset])).toEqual([['compacted', 0, true, end]]);
    expect(await readAll(c)).toEqual(expectedAfter(all, end, false));
    expect(m.cleaner.cleanOffset('compacted', 0)).toBe(end);
    expect(await readCheckpointFile(join(dataDir, CLEANER_OFFSET_CHECKPOINT))).toEqual([{ topic: 'compacted', partition: 0, offset: end }]);
    expect(await m.cleanNow('plain')).toEqual([]);

    await m.close();
    const m2 = await openManager({ configFor: (topic) => (topic === 'compacted' ? compacted() : undefined) });
    expect(m2.cleaner.cleanOffset('compacted', 0)).toBe(end);
    expect(await m2.get('compacted', 0)!.cleanableState(m2.cleaner.cleanOffset('compacted', 0))).toMatchObject({ dirtyBytes: 0 });
    expect(await m2.cleaner.cleanDirtiest()).toBeNull();
    await m2.deleteTopic('compacted');
    expect(m2.cleaner.cleanOffset('compacted', 0)).toBeUndefined();
  });

  it('picks logs by dirty ratio in the background', async () => {
    const m = await openManager({ cleanerIntervalMs: 20 });
    const log = await m.create('bg', 0, compacted({ minCleanableDirtyRatio: 0.5 }));
    const all = await fillVersions(log);
    const end = log.segmentBaseOffsets().at(-1)!;
    const deadline = Date.now() + 5000;
    while (m.cleaner.cleanOffset('bg', 0) !== end && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(m.cleaner.cleanOffset('bg', 0)).toBe(end);
    expect(await readAll(log)).toEqual(expectedAfter(all, end, false));
  });

  it('leaves a log below min.cleanable.dirty.ratio alone until the ratio is reached', async () => {
    const m = await openManager();
    const log = await m.create('ratio', 0, compacted({ minCleanableDirtyRatio: 0.9 }));
    await fillVersions(log);
    await m.cleanNow('ratio', 0);
    // A little more dirty data: far below 0.9.
    await roll(log, T0 + 30_000, 'filler2');
    expect(await m.cleaner.cleanDirtiest()).toBeNull();
    log.updateConfig(compacted({ minCleanableDirtyRatio: 0.01 }));
    expect(await m.cleaner.cleanDirtiest()).toMatchObject({ topic: 'ratio', cleaned: true });
  });

  it('bounds the open descriptors of non-active segments', async () => {
    const m = await openManager({ maxOpenSegmentFiles: 2 });
    const a = await m.create('fd', 0, { ...defaultLogConfig, segmentBytes: 300 });
    const b = await m.create('fd', 1, { ...defaultLogConfig, segmentBytes: 300 });
    const recsA = await fillVersions(a, 20);
    await fillVersions(b, 20);
    expect(a.segmentCount).toBeGreaterThan(4);
    expect(await readAll(a)).toEqual(recsA);
    await readAll(b);
    expect(m.openSegmentFiles).toBeLessThanOrEqual(2);
    expect(a.openFileCount + b.openFileCount).toBeLessThanOrEqual(4);
    // Evicted segments reopen on use.
    expect(await readAll(a)).toEqual(recsA);
    expect(m.openSegmentFiles).toBeLessThanOrEqual(2);
  });

  it('stops a cleaning in progress at close', async () => {
    const dataDir = join(root, 'data');
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => { release = resolve; });
    let reached = false;
    const m = await openManager({ cleanerHooks: { onStep: async (step) => { if (step === 'cleaned-written' && !reached) { reached = true; await gate; } } } });
    const log = await m.create('closing', 0, compacted());
    const all = await fillVersions(log);
    const cleaning = m.cleanNow('closing', 0);
    while (!reached) await new Promise((r) => setTimeout(r, 5));
    const closing = m.close();
    release();
    await closing;
    await cleaning.catch(() => {});
    expect((await readdir(join(dataDir, 'closing-0'))).filter((n) => /\.(cleaned|swap|deleted)$/.test(n))).toEqual([]);
    const m2 = await openManager({ configFor: () => compacted() });
    const reread = await readAll(m2.get('closing', 0)!);
    expect(reread.length).toBeGreaterThanOrEqual(expectedAfter(all, all.length - 1, false).length);
    for (const r of reread) expect(all).toContainEqual(r);
  });
});
