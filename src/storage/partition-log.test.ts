import { cp, mkdtemp, open, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KafkaProtocolError } from '../protocol/errors.ts';
import { ErrorCode } from '../protocol/generated/error-codes.ts';
import { checkStoredBatch, isLogAppendTime, readBatchHeader } from '../protocol/records/batch-header.ts';
import { encodeRecordBatch } from '../protocol/records/records.ts';
import type { Logger } from '../util/logger.ts';
import { defaultLogConfig, type LogConfig } from './log-config.ts';
import { PartitionLog, type PartitionLogOptions } from './partition-log.ts';
import { indexFileName, logFileName, snapshotFileName, timeIndexFileName } from './segment-name.ts';
import { decodeTestBatches, encodeTestBatch, testRecords, type TestBatchOptions } from './test-batches.ts';

let root: string;
let dir: string;
const opened: PartitionLog[] = [];

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'kstream-plog-'));
  dir = join(root, 'topic-0');
});

afterEach(async () => {
  for (const log of opened.splice(0)) await log.close().catch(() => {});
  await rm(root, { recursive: true, force: true });
});

const T0 = 1_700_000_000_000;

function config(overrides: Partial<LogConfig> = {}): LogConfig {
  return { ...defaultLogConfig, ...overrides };
}

async function openLog(overrides: Partial<LogConfig> = {}, options: PartitionLogOptions = {}): Promise<PartitionLog> {
  const log = await PartitionLog.open(dir, config(overrides), options);
  opened.push(log);
  return log;
}

/** A batch of `count` records valued `${prefix}${i}` with timestamps ts, ts+1, ... */
function batch(count: number, prefix: string, ts = T0, options: TestBatchOptions = {}): Buffer {
  return encodeTestBatch(testRecords(count, { prefix, timestamp: ts }), options);
}

async function errorCodeOf(p: Promise<unknown>): Promise<number | undefined> {
  try {
    await p;
  } catch (err) {
    if (err instanceof KafkaProtocolError) return err.errorCode;
    throw err;
  }
  return undefined;
}

/** Reads the whole log from `from` with fetches of `maxBytes`. */
async function readAll(log: PartitionLog, from = log.logStartOffset, maxBytes = 1000) {
  const out: ReturnType<typeof decodeTestBatches> = [];
  let offset = from;
  while (offset < log.logEndOffset) {
    const { records } = await log.read(offset, maxBytes, { minOneBatch: true });
    expect(records.length).toBeGreaterThan(0);
    const decoded = decodeTestBatches(records).filter((r) => r.offset >= offset);
    out.push(...decoded);
    offset = decoded[decoded.length - 1].offset + 1;
  }
  return out;
}

function captureLogger(): Logger & { messages: string[] } {
  const messages: string[] = [];
  const logger: Logger & { messages: string[] } = {
    messages,
    debug() {},
    info(msg) { messages.push(msg); },
    warn(msg) { messages.push(msg); },
    error(msg) { messages.push(msg); },
    child() { return logger; },
  };
  return logger;
}

describe('append and read', () => {
  it('round-trips across several segment rolls', async () => {
    const log = await openLog({ segmentBytes: 1024, indexIntervalBytes: 200 });
    for (let i = 0; i < 60; i++) {
      const info = await log.append(batch(3, `b${i}-`, T0 + i * 10));
      expect(info).toEqual({ firstOffset: i * 3, lastOffset: i * 3 + 2, logAppendTime: -1, logStartOffset: 0, recordCount: 3, duplicate: false });
    }
    expect(log.logEndOffset).toBe(180);
    expect(log.segmentCount).toBeGreaterThan(4);
    for (const base of log.segmentBaseOffsets().slice(1)) expect(base % 3).toBe(0);
    const all = await readAll(log);
    expect(all.map((r) => r.offset)).toEqual(Array.from({ length: 180 }, (_, i) => i));
    expect(all[100].value).toBe(`b${33}-1`);
    // A read from the middle of a batch returns that whole batch first.
    const mid = await log.read(100, 10_000);
    expect(readBatchHeader(mid.records, 0).baseOffset).toBe(99);
    expect(mid.highWatermark).toBe(180);
    // Every segment file is within segment.bytes.
    for (const base of log.segmentBaseOffsets()) expect((await stat(join(dir, logFileName(base)))).size).toBeLessThanOrEqual(1024);
  });

  it('honours maxBytes and minOneBatch', async () => {
    const log = await openLog();
    const b = batch(2, 'x');
    for (let i = 0; i < 5; i++) await log.append(Buffer.from(b));
    const size = b.length;
    expect((await log.read(0, size - 1)).records.length).toBe(0);
    expect((await log.read(0, size - 1, { minOneBatch: true })).records.length).toBe(size);
    expect((await log.read(0, size)).records.length).toBe(size);
    expect((await log.read(0, 2 * size + size / 2)).records.length).toBe(2 * size);
    expect((await log.read(2, 100 * size)).records.length).toBe(4 * size);
    expect((await log.read(9, 0, { minOneBatch: true })).records.length).toBe(size);
  });

  it('throws OFFSET_OUT_OF_RANGE outside [logStartOffset, logEndOffset] and is empty at the end', async () => {
    const log = await openLog();
    await log.append(batch(3, 'a'));
    expect(await errorCodeOf(log.read(4, 100))).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    expect(await errorCodeOf(log.read(-1, 100))).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    expect(await log.read(3, 100)).toEqual({ records: Buffer.alloc(0), highWatermark: 3, logStartOffset: 0 });
    await log.deleteRecordsBefore(2);
    expect(await errorCodeOf(log.read(1, 100))).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    expect(readBatchHeader((await log.read(2, 1000)).records, 0).baseOffset).toBe(0);
  });

  it('writes the caller\'s bytes with offsets patched in place', async () => {
    const log = await openLog();
    await log.append(batch(2, 'first'));
    const records = Buffer.concat([batch(2, 'p'), batch(1, 'q')]);
    const info = await log.append(records);
    expect(info).toMatchObject({ firstOffset: 2, lastOffset: 4, recordCount: 3 });
    expect(readBatchHeader(records, 0).baseOffset).toBe(2);
    const stored = (await log.read(2, 10_000)).records;
    expect(stored.equals(records)).toBe(true);
  });

  it('keeps call order for concurrent appends and coalesces them into few writes', async () => {
    const log = await openLog();
    const infos = await Promise.all(Array.from({ length: 40 }, (_, i) => log.append(batch(1 + (i % 3), `c${i}-`))));
    let expected = 0;
    for (const info of infos) {
      expect(info.firstOffset).toBe(expected);
      expected = info.lastOffset + 1;
    }
    expect(log.stats.writes).toBeLessThanOrEqual(2);
    const values = (await readAll(log, 0, 100_000)).map((r) => r.value);
    expect(values[0]).toBe('c0-0');
    expect(values[values.length - 1]).toMatch(/^c39-/);
  });

  it('uses LogAppendTime when configured', async () => {
    const log = await openLog({ messageTimestampType: 'LogAppendTime' });
    const info = await log.append(batch(2, 'a', 5), { now: T0 + 777 });
    expect(info.logAppendTime).toBe(T0 + 777);
    const { records } = await log.read(0, 10_000);
    const h = readBatchHeader(records, 0);
    expect(isLogAppendTime(h.attributes)).toBe(true);
    expect(h.maxTimestamp).toBe(T0 + 777);
    expect(checkStoredBatch(records, 0)).toEqual({ size: records.length });
    expect(await log.maxTimestamp()).toEqual({ offset: 0, timestamp: T0 + 777 });
  });

  it('sets the partition leader epoch when asked', async () => {
    const log = await openLog();
    await log.append(batch(1, 'a'), { leaderEpoch: 5 });
    expect(readBatchHeader((await log.read(0, 1000)).records, 0).partitionLeaderEpoch).toBe(5);
  });

  it.each<[string, () => Buffer, number]>([
    ['bad CRC', () => { const b = batch(2, 'a'); b[b.length - 1] ^= 1; return b; }, ErrorCode.CORRUPT_MESSAGE],
    ['bad magic', () => { const b = batch(2, 'a'); b[16] = 1; return b; }, ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT],
    ['truncated batch', () => batch(2, 'a').subarray(0, 70), ErrorCode.CORRUPT_MESSAGE],
    ['oversize batch', () => batch(50, 'a-long-value-'), ErrorCode.MESSAGE_TOO_LARGE],
    ['second batch corrupt', () => { const b = batch(1, 'b'); b[b.length - 1] ^= 1; return Buffer.concat([batch(1, 'a'), b]); }, ErrorCode.CORRUPT_MESSAGE],
  ])('rejects %s and appends nothing', async (_name, make, code) => {
    const log = await openLog({ maxMessageBytes: 600 });
    expect(await errorCodeOf(log.append(make()))).toBe(code);
    expect(log.logEndOffset).toBe(0);
    expect(log.sizeInBytes).toBe(0);
    await log.append(batch(1, 'ok'));
    expect(log.logEndOffset).toBe(1);
  });

  it('rejects records larger than segment.bytes with RECORD_LIST_TOO_LARGE', async () => {
    const log = await openLog({ segmentBytes: 100 });
    expect(await errorCodeOf(log.append(batch(5, 'x')))).toBe(ErrorCode.RECORD_LIST_TOO_LARGE);
  });

  it('rolls by segment.ms and when an index is full', async () => {
    const byTime = await openLog({ segmentMs: 1000 });
    await byTime.append(batch(1, 'a'), { now: T0 });
    await byTime.append(batch(1, 'b'), { now: T0 + 1000 });
    expect(byTime.segmentCount).toBe(1);
    await byTime.append(batch(1, 'c'), { now: T0 + 1001 });
    expect(byTime.segmentBaseOffsets()).toEqual([0, 2]);
    await byTime.close();

    dir = join(root, 'other-0');
    const byIndex = await openLog({ indexIntervalBytes: 0, segmentIndexBytes: 24 });
    // 24 bytes hold 3 offset entries (one per batch here): every fourth batch starts a segment.
    for (let i = 0; i < 7; i++) await byIndex.append(batch(1, 'x'));
    expect(byIndex.segmentBaseOffsets()).toEqual([0, 3, 6]);
  });

  it('rejects use after close', async () => {
    const log = await openLog();
    await log.close();
    expect(await errorCodeOf(log.append(batch(1, 'a')))).toBe(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    expect(await errorCodeOf(log.read(0, 10))).toBe(ErrorCode.NOT_LEADER_OR_FOLLOWER);
  });

  it('delete removes the directory', async () => {
    const log = await openLog();
    await log.append(batch(1, 'a'));
    await log.delete();
    expect(await readdir(root)).toEqual([]);
    expect(await errorCodeOf(log.append(batch(1, 'a')))).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });
});

describe('timestamps', () => {
  it('offsetForTimestamp finds the first record at or after a timestamp', async () => {
    const log = await openLog({ segmentBytes: 400, indexIntervalBytes: 100 });
    // Batches at T0, T0+100, ... each with records ts, ts+1, ts+2; one batch out of order.
    for (let i = 0; i < 20; i++) await log.append(batch(3, `t${i}-`, T0 + i * 100));
    await log.append(encodeTestBatch([{ value: 'late', timestamp: T0 + 50 }, { value: 'x', timestamp: T0 + 5000 }]));
    expect(log.segmentCount).toBeGreaterThan(3);
    expect(await log.offsetForTimestamp(0)).toEqual({ offset: 0, timestamp: T0 });
    expect(await log.offsetForTimestamp(T0)).toEqual({ offset: 0, timestamp: T0 });
    expect(await log.offsetForTimestamp(T0 + 1)).toEqual({ offset: 1, timestamp: T0 + 1 });
    expect(await log.offsetForTimestamp(T0 + 3)).toEqual({ offset: 3, timestamp: T0 + 100 });
    expect(await log.offsetForTimestamp(T0 + 1502)).toEqual({ offset: 47, timestamp: T0 + 1502 });
    expect(await log.offsetForTimestamp(T0 + 1903)).toEqual({ offset: 61, timestamp: T0 + 5000 });
    expect(await log.offsetForTimestamp(T0 + 5001)).toBeNull();
    expect(await log.maxTimestamp()).toEqual({ offset: 61, timestamp: T0 + 5000 });
  });

  it('finds the exact record inside compressed batches', async () => {
    const log = await openLog();
    await log.append(batch(2, 'a', T0));
    await log.append(encodeTestBatch(testRecords(4, { timestamp: T0 + 10 }), { gzip: true }));
    expect(await log.offsetForTimestamp(T0 + 12)).toEqual({ offset: 4, timestamp: T0 + 12 });
    expect(await log.offsetForTimestamp(T0 + 3)).toEqual({ offset: 2, timestamp: T0 + 10 });
    expect(await log.maxTimestamp()).toEqual({ offset: 5, timestamp: T0 + 13 });
  });

  it('is exact in zstd batches and gives the first record of LogAppendTime batches', async () => {
    const log = await openLog();
    await log.append(encodeTestBatch(testRecords(3, { timestamp: T0 })));
    await log.append(encodeRecordBatch({ compression: 'zstd', records: [5, 9, 7, 20].map((d, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from('v'), timestamp: T0 + 100 + d })) }));
    expect(await log.offsetForTimestamp(T0 + 106)).toEqual({ offset: 4, timestamp: T0 + 109 });
    expect(await log.offsetForTimestamp(T0 + 110)).toEqual({ offset: 6, timestamp: T0 + 120 });
    expect(await log.maxTimestamp()).toEqual({ offset: 6, timestamp: T0 + 120 });

    const lat = await PartitionLog.open(join(root, 'lat-0'), config({ messageTimestampType: 'LogAppendTime' }));
    opened.push(lat);
    await lat.append(batch(2, 'a', T0), { now: T0 + 500 });
    await lat.append(encodeTestBatch(testRecords(3, { timestamp: T0 }), { gzip: true }), { now: T0 + 900 });
    expect(await lat.offsetForTimestamp(T0 + 600)).toEqual({ offset: 2, timestamp: T0 + 900 });
    expect(await lat.maxTimestamp()).toEqual({ offset: 2, timestamp: T0 + 900 });
  });

  it('maxTimestamp finds the exact record and the first of equal maxima', async () => {
    const log = await openLog({ segmentBytes: 300 });
    await log.append(encodeTestBatch([{ value: 'a', timestamp: T0 }, { value: 'b', timestamp: T0 + 900 }, { value: 'c', timestamp: T0 + 5 }]));
    await log.append(batch(3, 'x', T0 + 10));
    await log.append(encodeTestBatch([{ value: 'd', timestamp: T0 + 900 }]));
    expect(await log.maxTimestamp()).toEqual({ offset: 1, timestamp: T0 + 900 });
  });

  it('is null for an empty log', async () => {
    const log = await openLog();
    expect(await log.maxTimestamp()).toBeNull();
    expect(await log.offsetForTimestamp(0)).toBeNull();
  });
});

describe('retention and deleteRecordsBefore', () => {
  async function filled(overrides: Partial<LogConfig>): Promise<PartitionLog> {
    const log = await openLog({ segmentBytes: 300, ...overrides });
    for (let i = 0; i < 12; i++) await log.append(batch(2, `r${i}-`, T0 + i * 1000));
    return log;
  }

  it('deletes the oldest segments by retention.bytes', async () => {
    const log = await filled({ retentionBytes: 500 });
    const before = log.segmentBaseOffsets();
    const size = log.sizeInBytes;
    const deleted = await log.applyRetention(T0);
    expect(deleted).toBeGreaterThan(0);
    expect(log.segmentBaseOffsets()).toEqual(before.slice(deleted));
    expect(log.sizeInBytes).toBeGreaterThanOrEqual(500);
    expect(log.sizeInBytes).toBeLessThan(size);
    expect(log.logStartOffset).toBe(before[deleted]);
    expect(await readdir(dir)).not.toContain(logFileName(0));
    expect((await readAll(log))[0].offset).toBe(log.logStartOffset);
  });

  it('deletes segments by retention.ms using their largest timestamp', async () => {
    const log = await filled({ retentionMs: 5000 });
    const bases = log.segmentBaseOffsets();
    expect(await log.applyRetention(T0 + 4000)).toBe(0);
    const deleted = await log.applyRetention(T0 + 11_000);
    expect(deleted).toBeGreaterThan(0);
    // Every remaining segment holds a record newer than now - retention.ms.
    expect(log.segmentBaseOffsets()).toEqual(bases.slice(deleted));
    const first = (await log.read(log.logStartOffset, 100_000)).records;
    expect(readBatchHeader(first, 0).maxTimestamp).toBeGreaterThanOrEqual(T0 + 4000);
    // The active segment is never deleted.
    const remaining = log.segmentCount;
    expect(await log.applyRetention(T0 + 1e9)).toBe(remaining - 1);
    expect(log.segmentCount).toBe(1);
    expect(log.logEndOffset).toBe(24);
  });

  it('deleteRecordsBefore moves the log start offset, deletes whole segments and survives reopen', async () => {
    const log = await filled({});
    const bases = log.segmentBaseOffsets();
    const target = bases[2] + 1;
    expect(await log.deleteRecordsBefore(target)).toBe(target);
    expect(log.logStartOffset).toBe(target);
    expect(log.segmentBaseOffsets()).toEqual(bases.slice(2));
    expect(await log.deleteRecordsBefore(1)).toBe(target);
    expect(await errorCodeOf(log.deleteRecordsBefore(25))).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    await log.close();

    for (const clean of [true, false]) {
      const reopened = await openLog({ segmentBytes: 300 }, { cleanShutdown: clean });
      expect(reopened.logStartOffset).toBe(target);
      expect(reopened.logEndOffset).toBe(24);
      expect((await readAll(reopened))[0].offset).toBe(target);
      await reopened.close();
    }
  });

  it('deleteRecordsBefore the log end offset empties the log', async () => {
    const log = await filled({});
    expect(await log.deleteRecordsBefore(24)).toBe(24);
    expect(log.segmentCount).toBe(1);
    expect((await log.read(24, 100)).records.length).toBe(0);
    expect((await log.append(batch(1, 'z'))).firstOffset).toBe(24);
  });
});

describe('reopen and recovery', () => {
  it('reopens after a clean close with offsets and indexes intact', async () => {
    const log = await openLog({ segmentBytes: 600, indexIntervalBytes: 100 });
    for (let i = 0; i < 30; i++) await log.append(batch(2, `v${i}-`, T0 + i));
    const before = await readAll(log);
    const bases = log.segmentBaseOffsets();
    await log.close();
    const indexFiles = await Promise.all(bases.map((b) => readFile(join(dir, indexFileName(b)))));
    for (const f of indexFiles) expect(f.length % 8).toBe(0);
    const lastIndex = indexFiles[indexFiles.length - 1];
    expect(lastIndex.length).toBeGreaterThan(8);

    // Without a known end offset, opening reads the active segment's index and tail.
    const probe = await PartitionLog.open(dir, config({ segmentBytes: 600, indexIntervalBytes: 100 }), { cleanShutdown: true });
    expect(probe.logEndOffset).toBe(60);
    expect(probe.stats.recoveredSegments).toBe(0);
    expect(probe.openFileCount).toBe(1);
    expect(probe.loadedIndexCount).toBe(1);
    await probe.close();

    const logger = captureLogger();
    const reopened = await openLog({ segmentBytes: 600, indexIntervalBytes: 100 }, { cleanShutdown: true, logEndOffset: 60, logger });
    expect(reopened.logEndOffset).toBe(60);
    expect(reopened.segmentBaseOffsets()).toEqual(bases);
    expect(reopened.stats.recoveredSegments).toBe(0);
    expect(reopened.openFileCount).toBe(0);
    expect(reopened.loadedIndexCount).toBe(0);
    expect(await readAll(reopened)).toEqual(before);
    expect(await reopened.offsetForTimestamp(T0 + 20)).toEqual({ offset: 39, timestamp: T0 + 20 });
    expect(logger.messages).not.toContain('rebuilding segment indexes');
    expect((await reopened.append(batch(1, 'more'))).firstOffset).toBe(60);
  });

  it('without a known clean shutdown scans everything and keeps a sound log as it is', async () => {
    const log = await openLog({ segmentBytes: 600 });
    for (let i = 0; i < 20; i++) await log.append(batch(2, `v${i}-`));
    const before = await readAll(log);
    await log.close();
    const reopened = await openLog({ segmentBytes: 600 });
    expect(reopened.stats.recoveredSegments).toBe(reopened.segmentCount);
    expect(reopened.stats.truncatedBytes).toBe(0);
    expect(await readAll(reopened)).toEqual(before);
  });

  it.each<[string, (size: number, lastBatch: number) => Promise<void>]>([
    ['cut in the last batch', async (size) => truncate(join(dir, logFileName(0)), size - 7)],
    ['cut inside the last header', async (size, last) => truncate(join(dir, logFileName(0)), size - last + 20)],
    ['garbled last batch', async (size) => {
      const fh = await open(join(dir, logFileName(0)), 'r+');
      await fh.write(Buffer.from([0xde, 0xad]), 0, 2, size - 3);
      await fh.close();
    }],
    ['zeros appended', async (size) => {
      const fh = await open(join(dir, logFileName(0)), 'r+');
      await fh.write(Buffer.alloc(100), 0, 100, size);
      await fh.write(Buffer.alloc(1), 0, 1, size + 500);
      await fh.close();
    }],
  ])('truncates a torn tail: %s', async (name, damage) => {
    const log = await openLog();
    for (let i = 0; i < 10; i++) await log.append(batch(2, `v${i}-`));
    const last = batch(2, 'v9-').length;
    const before = await readAll(log);
    await log.close();
    const size = (await stat(join(dir, logFileName(0)))).size;
    await damage(size, last);
    const logger = captureLogger();
    const reopened = await openLog({}, { logger });
    const keptBatches = name === 'zeros appended' ? 10 : 9;
    expect(reopened.logEndOffset).toBe(keptBatches * 2);
    expect(reopened.stats.truncatedBytes).toBeGreaterThan(0);
    expect((await stat(join(dir, logFileName(0)))).size).toBe(keptBatches * last);
    expect(await readAll(reopened)).toEqual(before.slice(0, keptBatches * 2));
    expect(logger.messages).toContain('truncated log segment at the first invalid batch');
    expect((await reopened.append(batch(1, 'after'))).firstOffset).toBe(keptBatches * 2);
  });

  it('keeps timestamps searchable through recovery and new writes', async () => {
    const log = await openLog();
    for (let b = 0; b < 5; b++) await log.append(batch(3, `b${b}-`, T0 + b * 1000, { gzip: b % 2 === 1 }));
    // A crash: the files as they are now, the last batch torn.
    const first = join(root, 'crash1-0');
    await cp(dir, first, { recursive: true });
    await truncate(join(first, logFileName(0)), (await stat(join(first, logFileName(0)))).size - 10);
    dir = first;
    const recovered = await openLog();
    expect(recovered.logEndOffset).toBe(12);
    expect(await recovered.offsetForTimestamp(T0 + 1000)).toEqual({ offset: 3, timestamp: T0 + 1000 });
    expect(await recovered.offsetForTimestamp(T0 + 1001)).toEqual({ offset: 4, timestamp: T0 + 1001 });
    expect(await recovered.offsetForTimestamp(T0 + 2001)).toEqual({ offset: 7, timestamp: T0 + 2001 });
    expect(await recovered.maxTimestamp()).toEqual({ offset: 11, timestamp: T0 + 3002 });
    await recovered.append(batch(4, 'new-', T0 + 100_000));
    await recovered.flush();
    const second = join(root, 'crash2-0');
    await cp(dir, second, { recursive: true });
    dir = second;
    const again = await openLog({}, { recoveryPoint: 12 });
    expect(again.logEndOffset).toBe(16);
    expect(await again.offsetForTimestamp(T0 + 4000)).toEqual({ offset: 12, timestamp: T0 + 100_000 });
    expect(await again.maxTimestamp()).toEqual({ offset: 15, timestamp: T0 + 100_003 });
  });

  it('recovers only from the segment holding the recovery point and drops segments after a corrupt one', async () => {
    const log = await openLog({ segmentBytes: 300 });
    for (let i = 0; i < 12; i++) await log.append(batch(2, `v${i}-`));
    const bases = log.segmentBaseOffsets();
    expect(bases.length).toBeGreaterThan(3);
    await log.close();
    const victim = bases[2];
    const fh = await open(join(dir, logFileName(victim)), 'r+');
    await fh.write(Buffer.from([1, 2, 3]), 0, 3, 70);
    await fh.close();
    const reopened = await openLog({ segmentBytes: 300 }, { recoveryPoint: bases[1] + 1 });
    expect(reopened.stats.recoveredSegments).toBe(2);
    expect(reopened.segmentBaseOffsets()).toEqual(bases.slice(0, 3));
    expect(reopened.logEndOffset).toBe(victim);
    expect(await readdir(dir)).not.toContain(logFileName(bases[3]));
    expect((await readAll(reopened)).length).toBe(victim);
  });

  it('rebuilds missing and garbage index files', async () => {
    const log = await openLog({ segmentBytes: 500, indexIntervalBytes: 100 });
    for (let i = 0; i < 20; i++) await log.append(batch(2, `v${i}-`, T0 + i * 10));
    const before = await readAll(log);
    const bases = log.segmentBaseOffsets();
    await log.close();
    const good = await readFile(join(dir, indexFileName(bases[1])));
    await rm(join(dir, indexFileName(bases[0])));
    await writeFile(join(dir, indexFileName(bases[1])), Buffer.from('garbage!garbage!'));
    await writeFile(join(dir, timeIndexFileName(bases[2])), Buffer.alloc(7, 1));
    await rm(join(dir, timeIndexFileName(bases[3])));
    const logger = captureLogger();
    const reopened = await openLog({ segmentBytes: 500, indexIntervalBytes: 100 }, { cleanShutdown: true, logger });
    expect(await readAll(reopened)).toEqual(before);
    expect(await reopened.offsetForTimestamp(T0 + 150)).toEqual({ offset: 30, timestamp: T0 + 150 });
    expect(logger.messages.filter((m) => m === 'rebuilding segment indexes').length).toBe(4);
    expect((await readFile(join(dir, indexFileName(bases[1])))).equals(good)).toBe(true);
    expect((await stat(join(dir, timeIndexFileName(bases[2])))).size % 12).toBe(0);
  });

  it('rebuilds an index that points at the wrong place', async () => {
    const log = await openLog({ segmentBytes: 100_000, indexIntervalBytes: 50 });
    for (let i = 0; i < 10; i++) await log.append(batch(2, `v${i}-`));
    const before = await readAll(log);
    await log.close();
    const path = join(dir, indexFileName(0));
    const index = await readFile(path);
    index.writeInt32BE(index.readInt32BE(index.length - 4) + 1, index.length - 4);
    await writeFile(path, index);
    const logger = captureLogger();
    const reopened = await openLog({ indexIntervalBytes: 50 }, { cleanShutdown: true, logger });
    expect(await readAll(reopened)).toEqual(before);
    expect(logger.messages).toContain('rebuilding segment indexes');
  });
});

describe('idempotent producers', () => {
  const idem = (seq: number, count = 1, epoch = 0, producerId = 1000) =>
    batch(count, `p${seq}-`, T0, { producerId, producerEpoch: epoch, baseSequence: seq });

  it('answers a retry as a duplicate with the original offsets', async () => {
    const log = await openLog();
    await log.append(batch(1, 'plain'));
    const first = await log.append(idem(0, 3));
    expect(first).toMatchObject({ firstOffset: 1, lastOffset: 3, duplicate: false });
    await log.append(idem(3, 2));
    const retry = await log.append(idem(0, 3));
    expect(retry).toMatchObject({ firstOffset: 1, lastOffset: 3, duplicate: true, recordCount: 3 });
    expect(log.logEndOffset).toBe(6);
    expect(log.stats.duplicates).toBe(1);
  });

  it.each<[string, Buffer, number]>([
    ['a gap', idem(3), ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER],
    ['an old sequence', idem(1), ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER],
    ['a batch overlapping the last one', idem(0, 1), ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER],
    ['a new epoch not starting at 0', idem(5, 1, 1), ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER],
    ['an unknown producer not starting at 0', idem(4, 1, 0, 2000), ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER],
  ])('rejects %s', async (_name, b, code) => {
    const log = await openLog();
    await log.append(idem(0, 2));
    expect(await errorCodeOf(log.append(b))).toBe(code);
    expect(log.logEndOffset).toBe(2);
  });

  it('fences an older epoch and accepts a new one from sequence 0', async () => {
    const log = await openLog();
    await log.append(idem(0, 1, 3));
    expect(await errorCodeOf(log.append(idem(1, 1, 2)))).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect(await log.append(idem(0, 1, 4))).toMatchObject({ firstOffset: 1, duplicate: false });
    expect(await errorCodeOf(log.append(idem(1, 1, 3)))).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
  });

  it('checks a multi-batch request batch by batch and appends nothing when one fails', async () => {
    const log = await openLog();
    await log.append(idem(0));
    expect(await errorCodeOf(log.append(Buffer.concat([idem(1), idem(3)])))).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect(log.logEndOffset).toBe(1);
    expect(await log.append(Buffer.concat([idem(1, 2), idem(3)]))).toMatchObject({ firstOffset: 1, lastOffset: 3 });
  });

  it('sees earlier requests of the same coalesced write', async () => {
    const log = await openLog();
    const results = await Promise.allSettled([log.append(idem(0)), log.append(idem(1)), log.append(idem(1)), log.append(idem(3))]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value.duplicate : (r.reason as KafkaProtocolError).errorCode))).toEqual([
      false, false, true, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
    ]);
    expect(log.logEndOffset).toBe(2);
  });

  it.each([
    ['clean close', true],
    ['rebuild from the log', false],
  ])('keeps producer state across reopen (%s)', async (_name, clean) => {
    const log = await openLog({ segmentBytes: 400 });
    for (let seq = 0; seq < 10; seq += 2) await log.append(idem(seq, 2));
    expect(log.segmentCount).toBeGreaterThan(1);
    await log.close();
    if (!clean) {
      // Leave only the oldest snapshot so the state is rebuilt by scanning batches after it.
      const snapshots = (await readdir(dir)).filter((n) => n.endsWith('.snapshot')).sort();
      for (const s of snapshots.slice(1)) await rm(join(dir, s));
    }
    const reopened = await openLog({ segmentBytes: 400 }, { cleanShutdown: clean });
    expect(await reopened.append(idem(8, 2))).toMatchObject({ firstOffset: 8, lastOffset: 9, duplicate: true });
    expect(await errorCodeOf(reopened.append(idem(11)))).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect(await reopened.append(idem(10))).toMatchObject({ firstOffset: 10, duplicate: false });
  });

  it('writes a snapshot at close and at roll', async () => {
    const log = await openLog({ segmentBytes: 300 });
    for (let seq = 0; seq < 12; seq += 2) await log.append(idem(seq, 2));
    const bases = log.segmentBaseOffsets();
    await log.close();
    const names = await readdir(dir);
    expect(names).toContain(snapshotFileName(12));
    expect(names).toContain(snapshotFileName(bases[bases.length - 1]));
    expect(names.filter((n) => n.endsWith('.snapshot')).length).toBe(2);
  });
});

describe('flush and group commit', () => {
  it('coalesces concurrent flushes into few fsyncs', async () => {
    const log = await openLog();
    await Promise.all(Array.from({ length: 50 }, async (_, i) => {
      const info = await log.append(batch(1, `g${i}-`));
      await log.flush(info.lastOffset + 1);
      expect(log.flushedOffset).toBeGreaterThan(info.lastOffset);
    }));
    expect(log.flushedOffset).toBe(50);
    expect(log.stats.fsyncs).toBeGreaterThan(0);
    expect(log.stats.fsyncs).toBeLessThanOrEqual(3);
  });

  it('flushes in waves while appends keep arriving', async () => {
    const log = await openLog();
    const tasks: Array<Promise<void>> = [];
    for (let wave = 0; wave < 5; wave++) {
      for (let i = 0; i < 10; i++) {
        tasks.push(log.append(batch(1, `w${wave}-`)).then((info) => log.flush(info.lastOffset + 1)));
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(tasks);
    expect(log.flushedOffset).toBe(50);
    expect(log.stats.fsyncs).toBeLessThan(20);
  });

  it('flush is a no-op when everything is durable, and rolls flush the old segment', async () => {
    const log = await openLog({ segmentBytes: 200 });
    await log.flush();
    expect(log.stats.fsyncs).toBe(0);
    for (let i = 0; i < 4; i++) await log.append(batch(1, `f${i}-`));
    expect(log.segmentCount).toBeGreaterThan(1);
    expect(log.flushedOffset).toBe(log.segmentBaseOffsets()[log.segmentCount - 1]);
    await log.flush(1);
    await log.flush();
    expect(log.flushedOffset).toBe(4);
  });

  it('flushOnAppend makes each append durable before it completes', async () => {
    const log = await openLog({}, { flushOnAppend: true });
    await log.append(batch(2, 'a'));
    expect(log.flushedOffset).toBe(2);
  });
});
