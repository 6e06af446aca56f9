import { mkdirSync, writeFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KafkaProtocolError } from '../protocol/errors.ts';
import { ErrorCode } from '../protocol/generated/error-codes.ts';
import { LOG_START_OFFSET_CHECKPOINT, RECOVERY_POINT_CHECKPOINT, formatCheckpoint, readCheckpointFile } from './checkpoint-file.ts';
import { defaultLogConfig, type LogConfig } from './log-config.ts';
import { CLEAN_SHUTDOWN_FILE, LogManager, type LogManagerOptions } from './log-manager.ts';
import { forEachLimit } from './fs-util.ts';
import { logFileName } from './segment-name.ts';
import { decodeTestBatches, encodeTestBatch, testRecords } from './test-batches.ts';

let root: string;
const managers: LogManager[] = [];

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'kstream-logmgr-'));
});

afterEach(async () => {
  for (const m of managers.splice(0)) await m.close().catch(() => {});
  await rm(root, { recursive: true, force: true });
});

const T0 = 1_700_000_000_000;
const quiet: LogManagerOptions = { flushIntervalMs: -1, retentionCheckIntervalMs: -1 };

function config(overrides: Partial<LogConfig> = {}): LogConfig {
  return { ...defaultLogConfig, ...overrides };
}

async function openManager(dataDir = join(root, 'data'), options: LogManagerOptions = {}): Promise<LogManager> {
  const m = await LogManager.open(dataDir, { ...quiet, ...options });
  managers.push(m);
  return m;
}

function batch(count: number, prefix: string, ts = T0): Buffer {
  return encodeTestBatch(testRecords(count, { prefix, timestamp: ts }));
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

describe('LogManager', () => {
  it('closes cleanly and reopens without scanning', async () => {
    const dataDir = join(root, 'data');
    const m = await openManager(dataDir);
    expect(m.cleanStart).toBe(false);
    const a0 = await m.create('my.topic-x', 0, config());
    const a1 = await m.create('my.topic-x', 1, config());
    const b0 = await m.create('other_topic', 0, config());
    await a0.append(batch(3, 'a0-'));
    await a1.append(batch(2, 'a1-'));
    await a1.append(batch(2, 'a1b-'));
    await b0.append(batch(1, 'b0-'));
    await a1.deleteRecordsBefore(1);
    await m.close();
    expect(await exists(join(dataDir, CLEAN_SHUTDOWN_FILE))).toBe(true);
    expect(await readCheckpointFile(join(dataDir, RECOVERY_POINT_CHECKPOINT))).toEqual(expect.arrayContaining([
      { topic: 'my.topic-x', partition: 0, offset: 3 },
      { topic: 'my.topic-x', partition: 1, offset: 4 },
      { topic: 'other_topic', partition: 0, offset: 1 },
    ]));
    expect(await readCheckpointFile(join(dataDir, LOG_START_OFFSET_CHECKPOINT))).toContainEqual({ topic: 'my.topic-x', partition: 1, offset: 1 });

    const m2 = await openManager(dataDir);
    expect(m2.cleanStart).toBe(true);
    expect(await exists(join(dataDir, CLEAN_SHUTDOWN_FILE))).toBe(false);
    expect(m2.partitions()).toEqual([
      { topic: 'my.topic-x', partition: 0 },
      { topic: 'my.topic-x', partition: 1 },
      { topic: 'other_topic', partition: 0 },
    ]);
    expect(m2.topics()).toEqual(['my.topic-x', 'other_topic']);
    const log = m2.get('my.topic-x', 1)!;
    expect([log.logStartOffset, log.logEndOffset, log.flushedOffset]).toEqual([1, 4, 4]);
    expect(log.stats.recoveredSegments).toBe(0);
    expect(log.openFileCount).toBe(0);
    expect(log.loadedIndexCount).toBe(0);
    expect(log.sizeInBytes).toBeGreaterThan(0);
    expect(decodeTestBatches((await log.read(1, 10_000)).records).map((r) => r.value)).toEqual(['a1-0', 'a1-1', 'a1b-0', 'a1b-1']);
    expect((await m2.get('other_topic', 0)!.append(batch(1, 'x'))).firstOffset).toBe(1);
    expect(m2.get('missing', 0)).toBeUndefined();
  });

  it('after a crash scans only what may be torn and truncates the torn tail', async () => {
    const dataDir = join(root, 'data');
    const m = await openManager(dataDir);
    const log = await m.create('events', 0, config({ segmentBytes: 400 }));
    for (let i = 0; i < 12; i++) await log.append(batch(2, `e${i}-`));
    await m.flushAll();
    const flushed = log.logEndOffset;
    for (let i = 12; i < 16; i++) await log.append(batch(2, `e${i}-`));
    const segments = log.segmentBaseOffsets();
    expect(segments.length).toBeGreaterThan(3);

    // The crash: the files as they are now, no marker, a checkpoint from the last flushAll.
    const crashed = join(root, 'crashed');
    await cp(dataDir, crashed, { recursive: true });
    const active = join(crashed, 'events-0', logFileName(segments[segments.length - 1]));
    await truncate(active, (await stat(active)).size - 5);

    const m2 = await openManager(crashed, { configFor: () => config({ segmentBytes: 400 }) });
    expect(m2.cleanStart).toBe(false);
    const recovered = m2.get('events', 0)!;
    expect(recovered.logEndOffset).toBe(30);
    expect(recovered.stats.truncatedBytes).toBeGreaterThan(0);
    const scanned = segments.filter((_base, i) => i === segments.length - 1 || segments[i + 1] > flushed).length;
    expect(recovered.stats.recoveredSegments).toBe(scanned);
    expect(recovered.stats.recoveredSegments).toBeLessThan(segments.length);
    const values: string[] = [];
    for (let offset = 0; offset < recovered.logEndOffset;) {
      const decoded = decodeTestBatches((await recovered.read(offset, 100_000)).records);
      values.push(...decoded.map((r) => r.value ?? ''));
      offset = decoded[decoded.length - 1].offset + 1;
    }
    expect(values.length).toBe(30);
    expect(values[29]).toBe('e14-1');
    // The recovery point written after recovery covers the recovered log.
    expect(await readCheckpointFile(join(crashed, RECOVERY_POINT_CHECKPOINT))).toEqual([{ topic: 'events', partition: 0, offset: 30 }]);
  });

  it('loads 10,000 idle partitions quickly without opening files', async () => {
    const dataDir = join(root, 'many');
    mkdirSync(dataDir);
    // Idle partitions as a clean shutdown leaves them; only t4-444 holds data.
    const entries = Array.from({ length: 10_000 }, (_, i) => ({ topic: `t${i % 10}`, partition: Math.floor(i / 10), offset: i === 4444 ? 1 : 0 }));
    await forEachLimit(entries, 32, (e) => mkdir(join(dataDir, `${e.topic}-${e.partition}`)));
    writeFileSync(join(dataDir, 't4-444', logFileName(0)), batch(1, 'x'));
    writeFileSync(join(dataDir, RECOVERY_POINT_CHECKPOINT), formatCheckpoint(entries));
    writeFileSync(join(dataDir, LOG_START_OFFSET_CHECKPOINT), formatCheckpoint(entries.map((e) => ({ ...e, offset: 0 }))));
    writeFileSync(join(dataDir, CLEAN_SHUTDOWN_FILE), '');
    const started = performance.now();
    const m = await openManager(dataDir);
    const elapsed = performance.now() - started;
    expect(m.partitions().length).toBe(10_000);
    expect(elapsed).toBeLessThan(2000);
    let touched = 0;
    for (const { topic, partition } of m.partitions()) {
      const log = m.get(topic, partition)!;
      touched += log.openFileCount + log.loadedIndexCount + (log.isLoaded ? 1 : 0);
    }
    expect(touched).toBe(0);
    // Offsets come from the checkpoints; the directory is read on first use.
    const used = m.get('t4', 444)!;
    expect([used.logStartOffset, used.logEndOffset, used.flushedOffset]).toEqual([0, 1, 1]);
    expect(used.sizeInBytes).toBe(batch(1, 'x').length);
    expect(used.isLoaded).toBe(false);
    expect((await used.append(batch(1, 'y'))).firstOffset).toBe(1);
    expect(used.isLoaded).toBe(true);
    expect(decodeTestBatches((await used.read(0, 1000)).records).map((r) => r.value)).toEqual(['x0', 'y0']);
    await m.close();
  }, 60_000);

  it('deletes topics with their directories and checkpoint entries', async () => {
    const dataDir = join(root, 'data');
    const m = await openManager(dataDir);
    for (const p of [0, 1, 2]) await (await m.create('doomed', p, config())).append(batch(1, 'd'));
    await (await m.create('doomed-2', 0, config())).append(batch(1, 'k'));
    await m.deleteTopic('doomed');
    expect(m.partitions()).toEqual([{ topic: 'doomed-2', partition: 0 }]);
    expect((await readdir(dataDir)).filter((n) => !n.includes('checkpoint'))).toEqual(['doomed-2-0']);
    await m.close();
    expect((await readCheckpointFile(join(dataDir, RECOVERY_POINT_CHECKPOINT))).map((e) => e.topic)).toEqual(['doomed-2']);
    const m2 = await openManager(dataDir);
    expect(m2.partitions()).toEqual([{ topic: 'doomed-2', partition: 0 }]);
  });

  it('removes leftover directories renamed for deletion', async () => {
    const dataDir = join(root, 'data');
    mkdirSync(join(dataDir, 'gone-0.abc123-delete'), { recursive: true });
    writeFileSync(join(dataDir, 'gone-0.abc123-delete', logFileName(0)), 'x');
    const m = await openManager(dataDir);
    expect(m.partitions()).toEqual([]);
    expect(await readdir(dataDir)).not.toContain('gone-0.abc123-delete');
  });

  it('applies retention across logs with the injected clock', async () => {
    let now = T0;
    const m = await openManager(join(root, 'data'), { now: () => now });
    const log = await m.create('old', 0, config({ segmentBytes: 300, retentionMs: 10_000 }));
    for (let i = 0; i < 10; i++) await log.append(batch(2, `o${i}-`, T0 + i * 1000));
    const segments = log.segmentCount;
    expect(await m.applyRetention()).toBe(0);
    await m.close();

    // After a clean restart the log is not read until used; retention still reaches it.
    const m2 = await openManager(join(root, 'data'), { now: () => now, configFor: () => config({ segmentBytes: 300, retentionMs: 10_000 }) });
    const reopened = m2.get('old', 0)!;
    expect(reopened.isLoaded).toBe(false);
    now = T0 + 1_000_000;
    expect(await m2.applyRetention()).toBe(segments - 1);
    expect(reopened.segmentCount).toBe(1);
    expect(reopened.logStartOffset).toBe(reopened.segmentBaseOffsets()[0]);
    expect(reopened.logEndOffset).toBe(20);
  });

  it('creates idempotently, validates names and takes configs', async () => {
    const m = await openManager(join(root, 'data'), { configFor: () => config({ maxMessageBytes: 100 }) });
    const a = await m.create('t', 0, config({ maxMessageBytes: 200 }));
    const [b, c] = await Promise.all([m.create('t', 0, config({ maxMessageBytes: 300 })), m.create('t', 0, config({ maxMessageBytes: 300 }))]);
    expect(b).toBe(a);
    expect(c).toBe(a);
    expect(a.logConfig.maxMessageBytes).toBe(300);
    expect(m.setConfig('t', 0, config({ maxMessageBytes: 50 }))).toBe(true);
    expect(m.setConfig('t', 9, config())).toBe(false);
    try {
      await m.create('bad/name', 0, config());
      expect.unreachable();
    } catch (err) {
      expect((err as KafkaProtocolError).errorCode).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
    }
    await m.close();
    const m2 = await openManager(join(root, 'data'), { configFor: () => config({ maxMessageBytes: 100 }) });
    expect(m2.get('t', 0)!.logConfig.maxMessageBytes).toBe(100);
  });

  it('flushes in the background and records recovery points', async () => {
    const dataDir = join(root, 'data');
    const m = await openManager(dataDir, { flushIntervalMs: 10, checkpointIntervalMs: 10 });
    const log = await m.create('bg', 0, config());
    await log.append(batch(3, 'x'));
    for (let i = 0; i < 200 && log.flushedOffset < 3; i++) await new Promise((r) => setTimeout(r, 10));
    expect(log.flushedOffset).toBe(3);
    let entries: Array<{ offset: number }> = [];
    for (let i = 0; i < 200; i++) {
      entries = await readCheckpointFile(join(dataDir, RECOVERY_POINT_CHECKPOINT)).catch(() => []);
      if (entries[0]?.offset === 3) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(entries).toEqual([{ topic: 'bg', partition: 0, offset: 3 }]);
  });

  it('with flushIntervalMs 0 fsyncs every append before it completes', async () => {
    const m = await openManager(join(root, 'data'), { flushIntervalMs: 0 });
    const log = await m.create('sync', 0, config());
    await log.append(batch(2, 's'));
    expect(log.flushedOffset).toBe(2);
  });

  it('keeps serving other partitions when one cannot be opened', async () => {
    const dataDir = join(root, 'data');
    mkdirSync(join(dataDir, 'bad-0', logFileName(0)), { recursive: true });
    mkdirSync(join(dataDir, 'good-0'), { recursive: true });
    writeFileSync(join(dataDir, 'good-0', logFileName(0)), batch(2, 'g'));
    const m = await openManager(dataDir);
    expect(m.partitions()).toEqual([{ topic: 'good', partition: 0 }]);
    expect(m.get('good', 0)!.logEndOffset).toBe(2);
  });

  it('ignores files and directories that are not partitions', async () => {
    const dataDir = join(root, 'data');
    mkdirSync(join(dataDir, 'not a partition'), { recursive: true });
    writeFileSync(join(dataDir, 'meta.properties'), 'x=1\n');
    writeFileSync(join(dataDir, RECOVERY_POINT_CHECKPOINT), 'garbage');
    const m = await openManager(dataDir);
    expect(m.partitions()).toEqual([]);
    await m.create('fine', 0, config());
    await m.close();
    expect(await readFile(join(dataDir, 'meta.properties'), 'utf8')).toBe('x=1\n');
  });
});
