/**
 * The log cleaner: a background task of the LogManager that compacts logs whose cleanup.policy
 * contains `compact` (Kafka's LogCleaner, with one cleaner thread).
 *
 * Every `intervalMs` (Kafka's log.cleaner.backoff.ms) it looks at every compacted log, computes
 * its dirty ratio (bytes after the clean offset / bytes of the non-active segments, without the
 * segments younger than min.compaction.lag.ms) and compacts the dirtiest one whose ratio reaches
 * min.cleanable.dirty.ratio, or whose oldest dirty record is older than max.compaction.lag.ms;
 * after a cleaning it looks again at once. `cleanNow` compacts on demand whatever the ratio.
 *
 * Progress is persisted in `cleaner-offset-checkpoint` in the data directory (Kafka's name and
 * format): per partition, the offset below which the log is clean. A partition whose data is
 * corrupt is marked uncleanable until restart (logged). The work itself is
 * `PartitionLog.compact`; cleaning never blocks appends or reads.
 */
import { join } from 'node:path';
import { KafkaProtocolError, ProtocolDecodeError } from '../protocol/errors.ts';
import { ErrorCode } from '../protocol/generated/error-codes.ts';
import { silentLogger, type Logger } from '../util/logger.ts';
import { readCheckpointFile, writeCheckpointFile, type CheckpointEntry } from './checkpoint-file.ts';
import {
  CleanAbortedError,
  chooseDirtiest,
  type CleanableState,
  type CleanerHooks,
  type CompactResult,
} from './compaction.ts';
import { CorruptLogError, LogClosedError, LogDeletedError } from './errors.ts';
import { compactionSettings } from './log-config.ts';
import { SegmentDeletedError } from './log-segment.ts';
import type { PartitionLog } from './partition-log.ts';

export const CLEANER_OFFSET_CHECKPOINT = 'cleaner-offset-checkpoint';
/** Kafka's log.cleaner.backoff.ms. */
export const DEFAULT_CLEANER_INTERVAL_MS = 15000;
const MAX_TIMER_MS = 0x7fffffff;

export interface CleanerLogEntry {
  topic: string;
  partition: number;
  log: PartitionLog;
}

export interface LogCleanerOptions {
  /** Pause between looks when nothing was cleanable. Default 15000; 0, negative or non-finite: no background cleaning (`cleanNow` still works). */
  intervalMs?: number;
  now?: () => number;
  logger?: Logger;
  /** Most keys in one cleaning's offset map (default 500000). */
  maxMapEntries?: number;
  /** Test hooks called at each step of a segment swap. */
  hooks?: CleanerHooks;
}

export interface CleanReport extends CompactResult {
  topic: string;
  partition: number;
}

function key(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}

/** Errors that mean the log's data cannot be compacted (not worth retrying until restart). */
function isDataError(err: unknown): boolean {
  if (err instanceof CorruptLogError) return true;
  if (err instanceof KafkaProtocolError && err.errorCode === ErrorCode.CORRUPT_MESSAGE) return true;
  if (err instanceof ProtocolDecodeError) return true;
  const cause = typeof err === 'object' && err !== null ? (err as { cause?: unknown }).cause : undefined;
  return cause !== undefined && cause !== err && isDataError(cause);
}

/** The cleaning was cut short for a reason that is not a failure (the log closed, a segment went away). */
function isInterruption(err: unknown): boolean {
  return err instanceof CleanAbortedError || err instanceof SegmentDeletedError || err instanceof LogClosedError || err instanceof LogDeletedError;
}

export class LogCleaner {
  readonly dataDir: string;
  private readonly logs: () => Iterable<CleanerLogEntry>;
  private readonly intervalMs: number;
  private readonly clock: () => number;
  private readonly logger: Logger;
  private readonly maxMapEntries: number | undefined;
  private readonly hooks: CleanerHooks | undefined;
  private readonly offsets = new Map<string, number>();
  private readonly uncleanable = new Set<string>();
  private readonly abort = new AbortController();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> = Promise.resolve();
  private checkpointChain: Promise<void> = Promise.resolve();
  private started = false;
  private stopped = false;

  constructor(dataDir: string, logs: () => Iterable<CleanerLogEntry>, options: LogCleanerOptions = {}) {
    this.dataDir = dataDir;
    this.logs = logs;
    const interval = options.intervalMs ?? DEFAULT_CLEANER_INTERVAL_MS;
    this.intervalMs = Number.isFinite(interval) && interval > 0 ? Math.min(interval, MAX_TIMER_MS) : 0;
    this.clock = options.now ?? Date.now;
    this.logger = options.logger ?? silentLogger;
    this.maxMapEntries = options.maxMapEntries;
    this.hooks = options.hooks;
  }

  /** Reads `cleaner-offset-checkpoint` (an unreadable file is logged and ignored: everything is dirty). */
  async load(): Promise<void> {
    try {
      for (const e of await readCheckpointFile(join(this.dataDir, CLEANER_OFFSET_CHECKPOINT))) this.offsets.set(key(e.topic, e.partition), e.offset);
    } catch (err) {
      this.logger.warn('ignoring an unreadable cleaner checkpoint', { file: CLEANER_OFFSET_CHECKPOINT, error: err });
    }
  }

  /** Starts the background cleaning (no-op when the interval is 0). */
  start(): void {
    if (this.started || this.stopped || this.intervalMs === 0) return;
    this.started = true;
    this.schedule(this.intervalMs);
  }

  /** Stops the background cleaning, aborts the cleaning in progress (nothing half-done is kept) and writes the checkpoint. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.abort.abort();
    await this.running.catch(() => {});
    await this.writeCheckpoint().catch((err: unknown) => this.logger.error('writing the cleaner checkpoint failed', { error: err }));
  }

  /** The checkpointed clean offset of a partition, when known. */
  cleanOffset(topic: string, partition: number): number | undefined {
    return this.offsets.get(key(topic, partition));
  }

  /** Partitions marked uncleanable (corrupt data) since start, as `<topic>-<partition>`. */
  uncleanablePartitions(): string[] {
    return [...this.uncleanable].sort();
  }

  /** Forgets a partition (deleted or created anew): its next cleaning starts from its log start offset. */
  forget(topic: string, partition: number): void {
    const k = key(topic, partition);
    this.uncleanable.delete(k);
    if (this.offsets.delete(k)) void this.writeCheckpoint().catch((err: unknown) => this.logger.error('writing the cleaner checkpoint failed', { error: err }));
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.tick();
    }, delay);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    let progressed = false;
    try {
      const report = await this.cleanDirtiest();
      progressed = report !== null && report.cleaned && !report.incomplete;
    } catch (err) {
      this.logger.error('log cleaning failed', { error: err });
    }
    this.schedule(progressed ? 0 : this.intervalMs);
  }

  /** Runs `fn` after any cleaning in progress (one at a time). */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.running.then(fn, fn);
    this.running = run.catch(() => {});
    return run;
  }

  /**
   * One round of the background policy: compacts the dirtiest log worth cleaning (see the module
   * comment). Null when none is. Errors of one log are logged, not thrown.
   */
  cleanDirtiest(): Promise<CleanReport | null> {
    return this.exclusive(async () => {
      if (this.stopped) return null;
      const now = this.clock();
      const candidates: Array<CleanerLogEntry & { state: CleanableState; minCleanableDirtyRatio: number }> = [];
      for (const entry of this.logs()) {
        const k = key(entry.topic, entry.partition);
        if (!entry.log.isOpen || this.uncleanable.has(k)) continue;
        const settings = compactionSettings(entry.log.logConfig);
        if (!settings.compact) continue;
        try {
          const state = await entry.log.cleanableState(this.offsets.get(k), now);
          if (state) candidates.push({ ...entry, state, minCleanableDirtyRatio: settings.minCleanableDirtyRatio });
        } catch (err) {
          if (!isInterruption(err)) this.logger.warn('cannot check a log for compaction', { dir: entry.log.dir, error: err });
        }
      }
      const best = chooseDirtiest(candidates);
      if (!best) return null;
      try {
        return await this.cleanLog(best, now);
      } catch (err) {
        if (!isInterruption(err)) this.logger.error('compaction failed', { dir: best.log.dir, error: err });
        return null;
      }
    });
  }

  /**
   * Compacts now, whatever the dirty ratio: one partition, every partition of a topic, or every
   * compacted log. Logs whose policy is not compact are skipped. Errors are thrown (a log closing
   * meanwhile is skipped). `now` overrides the clock (tombstone expiry, compaction lags).
   */
  cleanNow(topic?: string, partition?: number, options: { now?: number } = {}): Promise<CleanReport[]> {
    return this.exclusive(async () => {
      const reports: CleanReport[] = [];
      const now = options.now ?? this.clock();
      for (const entry of [...this.logs()]) {
        if (topic !== undefined && entry.topic !== topic) continue;
        if (partition !== undefined && entry.partition !== partition) continue;
        if (!entry.log.isOpen || !compactionSettings(entry.log.logConfig).compact) continue;
        try {
          reports.push(await this.cleanLog(entry, now));
        } catch (err) {
          if (isInterruption(err)) continue;
          throw err;
        }
      }
      return reports;
    });
  }

  private async cleanLog(entry: CleanerLogEntry, now: number): Promise<CleanReport> {
    const k = key(entry.topic, entry.partition);
    let result: CompactResult;
    try {
      result = await entry.log.compact({
        cleanOffset: this.offsets.get(k),
        now,
        maxMapEntries: this.maxMapEntries,
        hooks: this.hooks,
        signal: this.abort.signal,
      });
    } catch (err) {
      if (isDataError(err)) {
        this.uncleanable.add(k);
        this.logger.error('marking a partition uncleanable', { dir: entry.log.dir, error: err });
      }
      throw err;
    }
    if (result.cleaned && !result.incomplete && this.offsets.get(k) !== result.cleanOffset) {
      this.offsets.set(k, result.cleanOffset);
      await this.writeCheckpoint();
    }
    return { topic: entry.topic, partition: entry.partition, ...result };
  }

  /** Rewrites the checkpoint with the partitions that still have a log. */
  private writeCheckpoint(): Promise<void> {
    const run = async (): Promise<void> => {
      const live = new Set<string>();
      for (const e of this.logs()) live.add(key(e.topic, e.partition));
      const entries: CheckpointEntry[] = [];
      for (const e of this.logs()) {
        const offset = this.offsets.get(key(e.topic, e.partition));
        if (offset !== undefined) entries.push({ topic: e.topic, partition: e.partition, offset });
      }
      entries.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
      for (const k of [...this.offsets.keys()]) if (!live.has(k)) this.offsets.delete(k);
      await writeCheckpointFile(join(this.dataDir, CLEANER_OFFSET_CHECKPOINT), entries);
    };
    const next = this.checkpointChain.then(run, run);
    this.checkpointChain = next.catch(() => {});
    return next;
  }
}
