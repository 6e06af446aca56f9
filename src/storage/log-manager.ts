/**
 * Every partition log under one data directory (`<dataDir>/<topic>-<partition>/`).
 *
 * Files in the data directory, by Kafka's names:
 *  - `.kafka_cleanshutdown`: written by `close()`; when present at open nothing is scanned, and
 *    it is removed at once so a crash later in this run is seen as unclean.
 *  - `recovery-point-offset-checkpoint`: per partition, an offset below which everything was
 *    fsynced. Rewritten after flushes (at most every `checkpointIntervalMs`) and at close, where
 *    it equals the log end offset. After an unclean shutdown each partition scans only the
 *    segments from the one holding its recovery point.
 *  - `log-start-offset-checkpoint`: per partition log start offset, so a clean start knows it
 *    without reading anything (DeleteRecords also persists it in the partition directory).
 *  - `cleaner-offset-checkpoint`: per compacted partition, the offset below which the log cleaner
 *    has cleaned it (see log-cleaner.ts).
 *
 * Background tasks: flush, retention (logs whose cleanup.policy contains delete), the log cleaner
 * (logs whose cleanup.policy contains compact). Non-active segments share a bound on open file
 * descriptors (`maxOpenSegmentFiles`, least recently used idle ones are closed).
 *
 * After a clean shutdown, opening reads only the data directory listing and the checkpoints: each
 * partition directory is read on the log's first use (descriptors, indexes and producer state
 * load even later, when needed), so idle partitions cost no I/O and little memory. After an
 * unclean shutdown every partition is opened and recovered before `open` returns.
 *
 * Configs: `options.configFor(topic, partition)` gives the config of each log found at open
 * (default `defaultLogConfig`); `setConfig` / `PartitionLog.updateConfig` change it later.
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KafkaProtocolError } from '../protocol/errors.ts';
import { ErrorCode } from '../protocol/generated/error-codes.ts';
import { silentLogger, type Logger } from '../util/logger.ts';
import {
  LOG_START_OFFSET_CHECKPOINT,
  RECOVERY_POINT_CHECKPOINT,
  readCheckpointFile,
  writeCheckpointFile,
  type CheckpointEntry,
} from './checkpoint-file.ts';
import { forEachLimit, fsyncDir, unlinkIfExists } from './fs-util.ts';
import type { CleanerHooks } from './compaction.ts';
import { LogCleaner, type CleanReport } from './log-cleaner.ts';
import { defaultLogConfig, type LogConfig } from './log-config.ts';
import { PartitionLog } from './partition-log.ts';
import { DEFAULT_MAX_OPEN_SEGMENT_FILES, SegmentFileCache } from './segment-file-cache.ts';
import { DELETE_DIR_SUFFIX, isValidTopicName, parsePartitionDirName, partitionDirName } from './segment-name.ts';

export const CLEAN_SHUTDOWN_FILE = '.kafka_cleanshutdown';

/** setTimeout/setInterval cannot wait longer than this; longer intervals mean "never". */
const MAX_TIMER_MS = 0x7fffffff;

export interface LogManagerOptions {
  now?: () => number;
  /**
   * Period of the background flush of every log with unflushed data (log.flush.interval.ms).
   * Default 1000. 0: every append is fsynced before it completes. Negative, non-finite or above
   * 2^31-1: no background flush.
   */
  flushIntervalMs?: number;
  /** Period of retention enforcement (log.retention.check.interval.ms). Default 300000; 0 or negative: never. */
  retentionCheckIntervalMs?: number;
  /** Least time between two rewrites of the recovery point checkpoint after flushes. Default 1000. */
  checkpointIntervalMs?: number;
  /** Partitions opened (recovered after an unclean shutdown) at the same time. Default 8. */
  loadConcurrency?: number;
  logger?: Logger;
  /** Config of each partition found in the data directory. */
  configFor?: (topic: string, partition: number) => LogConfig | undefined;
  /**
   * Pause of the log cleaner when no compacted log is worth cleaning (log.cleaner.backoff.ms).
   * Default 15000. 0, negative or non-finite: no background cleaning (`cleanNow` still works).
   */
  cleanerIntervalMs?: number;
  /** Most keys in one cleaning's offset map (bounds the cleaner's memory). Default 500000. */
  cleanerMaxMapEntries?: number;
  /** Test hooks called at each step of a compaction's segment swap. */
  cleanerHooks?: CleanerHooks;
  /** Most open descriptors of non-active segment files over every log (LRU). Default 1024. */
  maxOpenSegmentFiles?: number;
}

interface Entry {
  topic: string;
  partition: number;
  log: PartitionLog;
}

function validTimer(ms: number | undefined): ms is number {
  return ms !== undefined && Number.isFinite(ms) && ms > 0 && ms <= MAX_TIMER_MS;
}

export class LogManager {
  readonly dataDir: string;
  /** The previous shutdown was clean (the marker was present at open). */
  readonly cleanStart: boolean;

  private readonly logs = new Map<string, Entry>();
  private readonly creating = new Map<string, Promise<PartitionLog>>();
  private readonly clock: () => number;
  private readonly logger: Logger;
  private readonly flushOnAppend: boolean;
  private readonly checkpointIntervalMs: number;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly fileCache: SegmentFileCache;
  private readonly logCleaner: LogCleaner;
  private checkpointDirty = false;
  private checkpointTimer: NodeJS.Timeout | null = null;
  private checkpointChain: Promise<void> = Promise.resolve();
  private flushing: Promise<void> | null = null;
  private retaining: Promise<number> | null = null;
  private closed = false;
  private closing: Promise<void> | null = null;

  private constructor(dataDir: string, cleanStart: boolean, options: LogManagerOptions) {
    this.dataDir = dataDir;
    this.cleanStart = cleanStart;
    this.clock = options.now ?? Date.now;
    this.logger = options.logger ?? silentLogger;
    this.flushOnAppend = options.flushIntervalMs === 0;
    this.checkpointIntervalMs = Math.max(0, options.checkpointIntervalMs ?? 1000);
    this.fileCache = new SegmentFileCache(options.maxOpenSegmentFiles ?? DEFAULT_MAX_OPEN_SEGMENT_FILES);
    this.logCleaner = new LogCleaner(dataDir, () => this.logs.values(), {
      intervalMs: options.cleanerIntervalMs,
      now: this.clock,
      logger: this.logger,
      maxMapEntries: options.cleanerMaxMapEntries,
      hooks: options.cleanerHooks,
    });
  }

  /** Opens every partition log found in `dataDir` (created when missing). */
  static async open(dataDir: string, options: LogManagerOptions = {}): Promise<LogManager> {
    await mkdir(dataDir, { recursive: true });
    const marker = join(dataDir, CLEAN_SHUTDOWN_FILE);
    const cleanStart = await unlinkIfExists(marker);
    if (cleanStart) await fsyncDir(dataDir);
    const manager = new LogManager(dataDir, cleanStart, options);
    await manager.loadAll(options);
    await manager.logCleaner.load();
    manager.startTimers(options);
    return manager;
  }

  private static key(topic: string, partition: number): string {
    return `${topic}-${partition}`;
  }

  private logOptions(): {
    now: () => number;
    logger: Logger;
    flushOnAppend: boolean;
    onFlushed: () => void;
    onLogStartOffsetChanged: () => void;
    fileCache: SegmentFileCache;
  } {
    return {
      fileCache: this.fileCache,
      now: this.clock,
      logger: this.logger,
      flushOnAppend: this.flushOnAppend,
      onFlushed: () => this.markCheckpointDirty(),
      onLogStartOffsetChanged: () => this.markCheckpointDirty(),
    };
  }

  private async loadAll(options: LogManagerOptions): Promise<void> {
    const started = Date.now();
    const [recoveryPoints, logStarts] = await Promise.all([
      this.readCheckpoint(RECOVERY_POINT_CHECKPOINT),
      this.readCheckpoint(LOG_START_OFFSET_CHECKPOINT),
    ]);
    const entries = await readdir(this.dataDir, { withFileTypes: true });
    const found: Array<{ name: string; topic: string; partition: number }> = [];
    for (const e of entries) {
      if (!e.isDirectory()) continue;
      if (e.name.endsWith(DELETE_DIR_SUFFIX)) {
        await rm(join(this.dataDir, e.name), { recursive: true, force: true });
        continue;
      }
      const parsed = parsePartitionDirName(e.name);
      if (parsed) found.push({ name: e.name, ...parsed });
    }
    const concurrency = this.cleanStart ? 64 : Math.max(1, options.loadConcurrency ?? 8);
    await forEachLimit(found, concurrency, async ({ name, topic, partition }) => {
      try {
        const config = options.configFor?.(topic, partition) ?? defaultLogConfig;
        const recoveryPoint = recoveryPoints.get(name);
        const logStartOffset = logStarts.get(name);
        const clean = this.cleanStart && recoveryPoint !== undefined;
        if (clean && logStartOffset !== undefined) {
          // Known from the checkpoints: nothing is read until the log is used.
          const log = PartitionLog.deferred(join(this.dataDir, name), config, { logStartOffset, logEndOffset: recoveryPoint }, this.logOptions());
          this.logs.set(name, { topic, partition, log });
          return;
        }
        const log = await PartitionLog.open(join(this.dataDir, name), config, {
          ...this.logOptions(),
          cleanShutdown: clean,
          recoveryPoint: recoveryPoint ?? 0,
          logEndOffset: clean ? recoveryPoint : undefined,
          logStartOffset,
        });
        this.logs.set(name, { topic, partition, log });
      } catch (err) {
        // One unreadable partition must not keep the others offline; it stays unloaded.
        this.logger.error('cannot open partition log', { dir: join(this.dataDir, name), error: err });
      }
    });
    if (!this.cleanStart) await this.writeCheckpoints(false);
    this.logger.info('loaded partition logs', {
      dataDir: this.dataDir,
      partitions: this.logs.size,
      cleanStart: this.cleanStart,
      ms: Date.now() - started,
    });
  }

  private async readCheckpoint(name: string): Promise<Map<string, number>> {
    const map = new Map<string, number>();
    try {
      for (const e of await readCheckpointFile(join(this.dataDir, name))) map.set(LogManager.key(e.topic, e.partition), e.offset);
    } catch (err) {
      this.logger.warn('ignoring an unreadable checkpoint file', { file: name, error: err });
    }
    return map;
  }

  private startTimers(options: LogManagerOptions): void {
    const flushMs = options.flushIntervalMs ?? 1000;
    if (validTimer(flushMs)) {
      const t = setInterval(() => {
        if (!this.flushing) void this.flushDirty().catch((err: unknown) => this.logger.error('background flush failed', { error: err }));
      }, flushMs);
      t.unref();
      this.timers.push(t);
    }
    const retentionMs = options.retentionCheckIntervalMs ?? 300000;
    if (validTimer(retentionMs)) {
      const t = setInterval(() => {
        if (!this.retaining) void this.applyRetention().catch((err: unknown) => this.logger.error('retention check failed', { error: err }));
      }, retentionMs);
      t.unref();
      this.timers.push(t);
    }
    this.logCleaner.start();
  }

  // ---- lookup ---------------------------------------------------------------------------------

  get(topic: string, partition: number): PartitionLog | undefined {
    return this.logs.get(LogManager.key(topic, partition))?.log;
  }

  /** Every partition with a log, sorted by topic then partition. */
  partitions(): Array<{ topic: string; partition: number }> {
    return [...this.logs.values()]
      .map(({ topic, partition }) => ({ topic, partition }))
      .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
  }

  /** Topics with at least one partition log. */
  topics(): string[] {
    return [...new Set([...this.logs.values()].map((e) => e.topic))].sort();
  }

  /** Sets the config of a loaded log; false when there is none. */
  setConfig(topic: string, partition: number, config: LogConfig): boolean {
    const log = this.get(topic, partition);
    log?.updateConfig(config);
    return log !== undefined;
  }

  /** The log cleaner (compaction of logs whose cleanup.policy contains compact). */
  get cleaner(): LogCleaner {
    return this.logCleaner;
  }

  /**
   * Compacts now, whatever the dirty ratio: one partition, every partition of a topic, or every
   * compacted log (policy `compact`; others are skipped). `options.now` overrides the clock.
   */
  cleanNow(topic?: string, partition?: number, options: { now?: number } = {}): Promise<CleanReport[]> {
    return this.logCleaner.cleanNow(topic, partition, options);
  }

  /** Open descriptors of non-active segment files over every log (bounded by `maxOpenSegmentFiles`). */
  get openSegmentFiles(): number {
    return this.fileCache.size;
  }

  /** Total bytes of every log. */
  get sizeInBytes(): number {
    let total = 0;
    for (const e of this.logs.values()) total += e.log.sizeInBytes;
    return total;
  }

  // ---- create, delete ---------------------------------------------------------------------------

  /**
   * Creates the partition's log (its directory and first segment). When the log exists already,
   * its config is updated and it is returned. Throws INVALID_TOPIC_EXCEPTION for a bad name.
   */
  async create(topic: string, partition: number, config: LogConfig): Promise<PartitionLog> {
    if (this.closed) throw new KafkaProtocolError(ErrorCode.NOT_LEADER_OR_FOLLOWER, 'log manager is closed');
    if (!isValidTopicName(topic) || !Number.isInteger(partition) || partition < 0) {
      throw new KafkaProtocolError(ErrorCode.INVALID_TOPIC_EXCEPTION, `invalid topic partition ${JSON.stringify(topic)}-${partition}`, { topic, partition });
    }
    const name = partitionDirName(topic, partition);
    const existing = this.logs.get(name);
    if (existing) {
      existing.log.updateConfig(config);
      return existing.log;
    }
    const pending = this.creating.get(name);
    if (pending) return pending;
    const p = (async () => {
      this.logCleaner.forget(topic, partition);
      const log = await PartitionLog.open(join(this.dataDir, name), config, { ...this.logOptions(), cleanShutdown: true });
      await fsyncDir(this.dataDir);
      this.logs.set(name, { topic, partition, log });
      this.markCheckpointDirty();
      return log;
    })().finally(() => this.creating.delete(name));
    this.creating.set(name, p);
    return p;
  }

  /** Closes and removes one partition's log. */
  async deletePartition(topic: string, partition: number): Promise<boolean> {
    const name = LogManager.key(topic, partition);
    const entry = this.logs.get(name);
    if (!entry) return false;
    this.logs.delete(name);
    await entry.log.delete();
    this.logCleaner.forget(topic, partition);
    this.markCheckpointDirty();
    return true;
  }

  /** Closes and removes every partition log of `topic`. */
  async deleteTopic(topic: string): Promise<void> {
    const victims = [...this.logs.values()].filter((e) => e.topic === topic);
    for (const e of victims) this.logs.delete(LogManager.key(e.topic, e.partition));
    await forEachLimit(victims, 8, (e) => e.log.delete());
    for (const e of victims) this.logCleaner.forget(e.topic, e.partition);
    if (victims.length > 0) {
      await fsyncDir(this.dataDir);
      this.markCheckpointDirty();
    }
  }

  // ---- flush, retention, checkpoints ------------------------------------------------------------

  /** Flushes every log, then rewrites the checkpoints. */
  async flushAll(): Promise<void> {
    await forEachLimit([...this.logs.values()], 16, async (e) => {
      if (e.log.isOpen && e.log.flushedOffset < e.log.logEndOffset) await e.log.flush();
    });
    await this.writeCheckpoints(false);
  }

  private flushDirty(): Promise<void> {
    this.flushing ??= (async () => {
      try {
        await forEachLimit([...this.logs.values()], 16, async (e) => {
          if (!e.log.isOpen || e.log.flushedOffset >= e.log.logEndOffset) return;
          try {
            await e.log.flush();
          } catch (err) {
            this.logger.error('flushing a log failed', { dir: e.log.dir, error: err });
          }
        });
      } finally {
        this.flushing = null;
      }
    })();
    return this.flushing;
  }

  /** Applies retention to every log now; returns the number of segments deleted. */
  applyRetention(): Promise<number> {
    this.retaining ??= (async () => {
      let deleted = 0;
      try {
        const now = this.clock();
        await forEachLimit([...this.logs.values()], 8, async (e) => {
          if (!e.log.isOpen || (e.log.isLoaded && e.log.segmentCount <= 1)) return;
          try {
            deleted += await e.log.applyRetention(now);
          } catch (err) {
            this.logger.error('retention failed', { dir: e.log.dir, error: err });
          }
        });
      } finally {
        this.retaining = null;
      }
      return deleted;
    })();
    return this.retaining;
  }

  private markCheckpointDirty(): void {
    this.checkpointDirty = true;
    if (this.closed || this.checkpointTimer) return;
    this.checkpointTimer = setTimeout(() => {
      this.checkpointTimer = null;
      if (this.checkpointDirty && !this.closed) {
        void this.writeCheckpoints(false).catch((err: unknown) => this.logger.error('writing checkpoints failed', { error: err }));
      }
    }, this.checkpointIntervalMs);
    this.checkpointTimer.unref();
  }

  /**
   * Rewrites both checkpoint files from the logs' current state. `atShutdown` records the log end
   * offset as recovery point (every log was flushed and closed).
   */
  private writeCheckpoints(atShutdown: boolean): Promise<void> {
    const run = async (): Promise<void> => {
      this.checkpointDirty = false;
      const recovery: CheckpointEntry[] = [];
      const starts: CheckpointEntry[] = [];
      for (const { topic, partition, log } of this.logs.values()) {
        recovery.push({ topic, partition, offset: atShutdown ? log.logEndOffset : log.flushedOffset });
        starts.push({ topic, partition, offset: log.logStartOffset });
      }
      await writeCheckpointFile(join(this.dataDir, RECOVERY_POINT_CHECKPOINT), recovery);
      await writeCheckpointFile(join(this.dataDir, LOG_START_OFFSET_CHECKPOINT), starts);
    };
    const next = this.checkpointChain.then(run, run);
    this.checkpointChain = next.catch(() => {});
    return next;
  }

  // ---- close ---------------------------------------------------------------------------------------

  /** Flushes and closes every log, writes the checkpoints and the clean shutdown marker. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.closed = true;
      for (const t of this.timers) clearInterval(t);
      if (this.checkpointTimer) clearTimeout(this.checkpointTimer);
      this.checkpointTimer = null;
      await this.logCleaner.stop();
      await Promise.allSettled([...this.creating.values()]);
      await this.flushing?.catch(() => {});
      await this.retaining?.catch(() => {});
      let failures = 0;
      await forEachLimit([...this.logs.values()], 16, async (e) => {
        try {
          await e.log.close();
        } catch (err) {
          failures++;
          this.logger.error('closing a log failed', { dir: e.log.dir, error: err });
        }
      });
      await this.writeCheckpoints(failures === 0);
      if (failures === 0) {
        await writeFile(join(this.dataDir, CLEAN_SHUTDOWN_FILE), '');
        await fsyncDir(this.dataDir);
      }
    })();
    return this.closing;
  }
}

