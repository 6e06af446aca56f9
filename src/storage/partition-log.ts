/**
 * The log of one partition: an ordered list of segments in a `<topic>-<partition>` directory.
 *
 * Appends are queued and written by one writer in call order; requests queued together are
 * written with one writev. Record bytes are never copied or decoded on the append path: batches
 * are validated (header, CRC), given offsets in place and written as they came.
 *
 * `flush` is a group commit: callers that arrive while an fdatasync runs wait for the next one,
 * which covers all of them.
 *
 * Opening is cheap: the directory is listed and the segment files are stat'ed; descriptors,
 * indexes and producer state are loaded on first use (`deferred` even postpones the listing).
 * Without `cleanShutdown`, segments from the one holding `recoveryPoint` onwards are scanned,
 * CRC-checked and truncated at the first invalid batch, segments after a corrupt one are
 * deleted, and the indexes of the scanned segments are rebuilt.
 *
 * Persistence in the partition directory: segments, their indexes, producer snapshots
 * (`<offset>.snapshot`, written at roll and close, the newest two kept) and `log-start-offset`
 * (written by DeleteRecords).
 *
 * Compaction (`cleanup.policy` with `compact`, driven by the LogManager's LogCleaner): `compact`
 * rewrites the non-active segments keeping the latest record per key (see compaction.ts) and swaps
 * each cleaned segment in with the crash-safe protocol of segment-swap.ts; appends and reads go on
 * meanwhile. Retention by time and size applies only when the policy contains `delete`.
 */
import { readdirSync, statSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  MAX_TIMESTAMP_OFFSET,
  batchCompressionId,
  isControl,
  isLogAppendTime,
  readInt64,
  setBaseOffset,
  setLogAppendTime,
  setPartitionLeaderEpoch,
  validateRecordBatches,
  type RecordBatchHeader,
  type ValidationSummary,
} from '../protocol/records/batch-header.ts';
import { decodeBatchRecords } from '../protocol/records/records.ts';
import { ErrorCode } from '../protocol/generated/error-codes.ts';
import { KafkaProtocolError } from '../protocol/errors.ts';
import { silentLogger, type Logger } from '../util/logger.ts';
import {
  CleanAbortedError,
  DEFAULT_MAX_MAP_ENTRIES,
  OffsetMap,
  assertRecordsHaveKeys,
  filterBatch,
  groupSegments,
  retainRecord,
  tombstoneExpired,
  type CleanableState,
  type CleanerHooks,
  type CleanerStep,
  type CompactOptions,
  type CompactResult,
} from './compaction.ts';
import { KafkaStorageError, LogClosedError, LogDeletedError, OffsetOutOfRangeError } from './errors.ts';
import { atomicWriteFile, fsyncDir, isNotFound, unlinkIfExists } from './fs-util.ts';
import { MAX_RELATIVE_OFFSET } from './index-math.ts';
import { compactionSettings, defaultLogConfig, NEVER_MS, type CompactionSettings, type LogConfig } from './log-config.ts';
import { LogSegment, SegmentDeletedError, type AppendedBatch } from './log-segment.ts';
import { ProducerStateManager, type ProducerBatchMetadata, type ProducerStateTxn } from './producer-state.ts';
import { walkRecords, type RecordPosition } from './record-walk.ts';
import { segmentsToDelete, type RetentionSegment } from './retention.ts';
import type { SegmentFileCache } from './segment-file-cache.ts';
import { DELETE_DIR_SUFFIX, logFileName, parseSegmentFileName, snapshotFileName, TEMP_SUFFIX } from './segment-name.ts';
import {
  CLEANED_SUFFIX,
  CleanedSegmentWriter,
  DELETED_SUFFIX,
  SWAP_SUFFIX,
  recoverSegmentSwaps,
  removeDeletedSegmentFiles,
} from './segment-swap.ts';

export { defaultLogConfig, type LogConfig };

/** File in the partition directory holding the log start offset moved by DeleteRecords. */
export const LOG_START_OFFSET_FILE = 'log-start-offset';
/** Producer snapshots kept on disk (newest first). */
const SNAPSHOTS_KEPT = 2;
/** Most append requests written by one writev. */
const MAX_GROUP = 512;
const INT32_MAX = 0x7fffffff;
const EMPTY = Buffer.alloc(0);
const RESOLVED = Promise.resolve();

export interface AppendInfo {
  firstOffset: number;
  lastOffset: number;
  /** -1 unless the log uses LogAppendTime. */
  logAppendTime: number;
  logStartOffset: number;
  recordCount: number;
  /** Idempotent retry: nothing appended, offsets are the original ones. */
  duplicate: boolean;
}

export interface FetchData {
  /** Whole batches as stored (may be empty). */
  records: Buffer;
  highWatermark: number;
  logStartOffset: number;
}

export interface AppendOptions {
  /** Log append time to use (LogAppendTime) and the segment age clock; default the log's clock. */
  now?: number;
  /** When set, written into every batch's partitionLeaderEpoch. */
  leaderEpoch?: number;
}

export interface PartitionLogOptions {
  now?: () => number;
  /** Every offset below this was durable before the last shutdown; recovery starts at its segment. Default 0. */
  recoveryPoint?: number;
  /** The previous shutdown was clean: nothing is scanned. Default false. */
  cleanShutdown?: boolean;
  /** Known log end offset after a clean shutdown (checked against the active segment on first use). */
  logEndOffset?: number;
  /** Known log start offset (a checkpoint); the largest of this, the persisted one and the first segment's base wins. */
  logStartOffset?: number;
  /** fdatasync every append before it completes (flush.ms = 0). */
  flushOnAppend?: boolean;
  logger?: Logger;
  /** Called after the flushed offset advanced. */
  onFlushed?: (log: PartitionLog) => void;
  /** Called after the log start offset moved. */
  onLogStartOffsetChanged?: (log: PartitionLog) => void;
  /** Bounds the open descriptors of non-active segments (shared by the logs of a LogManager). Default: no bound. */
  fileCache?: SegmentFileCache;
}

export interface PartitionLogStats {
  /** fdatasync calls on segment files. */
  fsyncs: number;
  /** writev batches written (one per group of coalesced appends). */
  writes: number;
  /** Append requests accepted (duplicates excluded). */
  appends: number;
  duplicates: number;
  rolls: number;
  /** Segments scanned by recovery at open. */
  recoveredSegments: number;
  /** Bytes cut from torn segment tails at open. */
  truncatedBytes: number;
}

interface PendingAppend {
  records: Buffer;
  summary: ValidationSummary;
  now: number;
  leaderEpoch: number | undefined;
  resolve: (info: AppendInfo) => void;
  reject: (err: unknown) => void;
}

interface Completion {
  item: PendingAppend;
  firstOffset: number;
  lastOffset: number;
  logAppendTime: number;
  duplicate: boolean;
}

type LogState = 'open' | 'closing' | 'closed' | 'deleted';

function storageError(err: unknown, message: string): unknown {
  return err instanceof KafkaProtocolError ? err : new KafkaStorageError(message, err);
}

export class PartitionLog {
  readonly dir: string;
  readonly stats: PartitionLogStats = { fsyncs: 0, writes: 0, appends: 0, duplicates: 0, rolls: 0, recoveredSegments: 0, truncatedBytes: 0 };

  private config: LogConfig;
  private readonly clock: () => number;
  private readonly logger: Logger;
  private readonly onFlushed?: (log: PartitionLog) => void;
  private readonly onLogStartOffsetChanged?: (log: PartitionLog) => void;
  private readonly flushOnAppend: boolean;
  private readonly fileCache: SegmentFileCache | null;
  private segments: LogSegment[] = [];
  private snapshotOffsets: number[] = [];
  private _logStartOffset = 0;
  private _logEndOffset = 0;
  private _flushedOffset = 0;
  private leoVerified = false;
  private loaded = false;
  private loading: Promise<void> | null = null;
  private deferredLoad: PartitionLogOptions | null = null;
  private coldSize: number | null = null;
  private isReady = false;
  private readyPromise: Promise<void> | null = null;
  private producerState: ProducerStateManager | null = null;
  private readonly queue: PendingAppend[] = [];
  private writerRunning = false;
  private drainWaiters: Array<() => void> = [];
  private syncing: Promise<void> | null = null;
  private maintenance: Promise<unknown> = RESOLVED;
  /** The compaction in progress (one at a time); close waits for it. */
  private cleaning: Promise<unknown> = RESOLVED;
  private state: LogState = 'open';
  private closing: Promise<void> | null = null;

  private constructor(dir: string, config: LogConfig, options: PartitionLogOptions) {
    this.dir = dir;
    this.config = config;
    this.clock = options.now ?? Date.now;
    this.logger = options.logger ?? silentLogger;
    this.onFlushed = options.onFlushed;
    this.onLogStartOffsetChanged = options.onLogStartOffsetChanged;
    this.flushOnAppend = options.flushOnAppend ?? false;
    this.fileCache = options.fileCache ?? null;
  }

  /** Opens (creating when missing) the log in `dir`. See the module comment for recovery. */
  static async open(dir: string, config: LogConfig = defaultLogConfig, options: PartitionLogOptions = {}): Promise<PartitionLog> {
    const log = new PartitionLog(dir, config, options);
    try {
      await log.load(options);
    } catch (err) {
      for (const seg of log.segments) await seg.close().catch(() => {});
      throw storageError(err, `opening log ${dir} failed`);
    }
    log.loaded = true;
    return log;
  }

  /**
   * A log known from a clean shutdown whose directory is read only on first use (any async
   * method); until then the getters answer from `known`, and `sizeInBytes` stats the files
   * synchronously once. Used by LogManager so that idle partitions cost no I/O at startup.
   */
  static deferred(
    dir: string,
    config: LogConfig,
    known: { logStartOffset: number; logEndOffset: number },
    options: PartitionLogOptions = {},
  ): PartitionLog {
    const log = new PartitionLog(dir, config, options);
    log._logStartOffset = known.logStartOffset;
    log._logEndOffset = known.logEndOffset;
    log._flushedOffset = known.logEndOffset;
    log.deferredLoad = { ...options, cleanShutdown: true, logEndOffset: known.logEndOffset, logStartOffset: known.logStartOffset };
    return log;
  }

  /** Reads the directory of a deferred log (no-op once loaded). */
  private ensureLoaded(): Promise<void> {
    if (this.loaded) return RESOLVED;
    this.loading ??= this.load(this.deferredLoad ?? {}).then(
      () => {
        this.loaded = true;
        this.deferredLoad = null;
        this.coldSize = null;
      },
      (err: unknown) => {
        this.loading = null;
        this.segments = [];
        throw storageError(err, `loading log ${this.dir} failed`);
      },
    );
    return this.loading;
  }

  /** The directory was read (always true for logs from `open`). */
  get isLoaded(): boolean {
    return this.loaded;
  }

  // ---- accessors --------------------------------------------------------------------------

  get logStartOffset(): number {
    return this._logStartOffset;
  }

  /** Next offset to be assigned. */
  get logEndOffset(): number {
    return this._logEndOffset;
  }

  /** Every offset below this is fsynced. */
  get flushedOffset(): number {
    return this._flushedOffset;
  }

  get sizeInBytes(): number {
    if (!this.loaded) {
      this.coldSize ??= logFilesSizeSync(this.dir);
      return this.coldSize;
    }
    let total = 0;
    for (const s of this.segments) total += s.size;
    return total;
  }

  get logConfig(): LogConfig {
    return this.config;
  }

  get segmentCount(): number {
    return this.segments.length;
  }

  /** Base offsets of the segments, oldest first. */
  segmentBaseOffsets(): number[] {
    return this.segments.map((s) => s.baseOffset);
  }

  /** Segments with an open file descriptor. */
  get openFileCount(): number {
    return this.segments.filter((s) => s.hasOpenFile).length;
  }

  /** Segments whose indexes are in memory. */
  get loadedIndexCount(): number {
    return this.segments.filter((s) => s.indexesLoaded).length;
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  updateConfig(config: LogConfig): void {
    this.config = config;
  }

  private get active(): LogSegment {
    return this.segments[this.segments.length - 1];
  }

  private assertOpen(): void {
    if (this.state === 'deleted') throw new LogDeletedError(this.dir);
    if (this.state !== 'open') throw new LogClosedError(this.dir);
  }

  /** Exclusive upper bound of the offsets of segment `i`. */
  private nextOffsetBound(i: number): number {
    return i + 1 < this.segments.length ? this.segments[i + 1].baseOffset : this._logEndOffset;
  }

  /** Index of the segment that holds `offset` (the last one with baseOffset <= offset), or 0. */
  private segmentIndexFor(offset: number): number {
    let lo = 0;
    let hi = this.segments.length - 1;
    let found = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.segments[mid].baseOffset <= offset) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  // ---- loading and recovery -----------------------------------------------------------------

  private async load(options: PartitionLogOptions): Promise<void> {
    this.snapshotOffsets = [];
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      await mkdir(this.dir, { recursive: true });
      names = [];
    }
    if (names.some((n) => n.endsWith(CLEANED_SUFFIX) || n.endsWith(SWAP_SUFFIX) || n.endsWith(DELETED_SUFFIX))) {
      // An interrupted compaction: finish or undo its segment swap, then list again.
      await recoverSegmentSwaps(this.dir, names, this.logger);
      names = await readdir(this.dir);
    }
    const logOffsets: number[] = [];
    const indexFiles: Array<{ name: string; offset: number }> = [];
    let hasLogStartFile = false;
    for (const name of names) {
      if (name.endsWith(TEMP_SUFFIX)) {
        await unlinkIfExists(join(this.dir, name));
        continue;
      }
      if (name === LOG_START_OFFSET_FILE) {
        hasLogStartFile = true;
        continue;
      }
      const parsed = parseSegmentFileName(name);
      if (!parsed) continue;
      if (parsed.kind === 'log') logOffsets.push(parsed.offset);
      else if (parsed.kind === 'snapshot') this.snapshotOffsets.push(parsed.offset);
      else indexFiles.push({ name, offset: parsed.offset });
    }
    logOffsets.sort((a, b) => a - b);
    this.snapshotOffsets.sort((a, b) => a - b);
    const logSet = new Set(logOffsets);
    for (const f of indexFiles) if (!logSet.has(f.offset)) await unlinkIfExists(join(this.dir, f.name));

    const sizes = await Promise.all(logOffsets.map(async (o) => (await stat(join(this.dir, logFileName(o)))).size));
    this.segments = logOffsets.map((o, i) => LogSegment.existing(this.dir, o, sizes[i], this.fileCache));

    let persistedStart = 0;
    if (hasLogStartFile) persistedStart = await this.readLogStartOffsetFile();

    if (this.segments.length === 0) {
      this.segments.push(await LogSegment.create(this.dir, persistedStart, this.fileCache));
      this._logEndOffset = persistedStart;
      this.leoVerified = true;
    } else if (options.cleanShutdown) {
      const hint = options.logEndOffset;
      if (hint !== undefined && hint >= this.active.baseOffset) {
        this._logEndOffset = hint;
      } else {
        await this.active.loadIndexes(undefined, this.config.indexIntervalBytes, this.logger);
        this._logEndOffset = await this.active.readNextOffset();
        this.leoVerified = true;
      }
    } else {
      await this.recover(options.recoveryPoint ?? 0);
      // Recovery leaves files closed and indexes on disk: they load again on use.
      for (const seg of this.segments) {
        seg.unloadIndexes();
        await seg.close();
      }
    }
    this._flushedOffset = this._logEndOffset;

    const knownStart = Math.max(persistedStart, options.logStartOffset ?? 0, this.segments[0].baseOffset);
    this._logStartOffset = Math.min(knownStart, this._logEndOffset);
    const stale = this.snapshotOffsets.filter((o) => o > this._logEndOffset);
    for (const o of stale) await unlinkIfExists(join(this.dir, snapshotFileName(o)));
    this.snapshotOffsets = this.snapshotOffsets.filter((o) => o <= this._logEndOffset);
    await this.deleteSegmentsBelowLogStart();
    for (let i = 0; i < this.segments.length - 1; i++) this.segments[i].seal();
  }

  private async recover(recoveryPoint: number): Promise<void> {
    const first = this.segmentIndexFor(recoveryPoint);
    let expected = this.segments[first].baseOffset;
    for (let i = first; i < this.segments.length; i++) {
      const seg = this.segments[i];
      const result = await seg.recover(this.config.indexIntervalBytes, expected);
      this.stats.recoveredSegments++;
      this.stats.truncatedBytes += result.truncatedBytes;
      expected = result.nextOffset;
      if (result.invalid) {
        this.logger.warn('truncated log segment at the first invalid batch', {
          segment: seg.logPath, reason: result.invalid, truncatedBytes: result.truncatedBytes,
        });
        const dropped = this.segments.splice(i + 1);
        for (const d of dropped) {
          this.logger.warn('deleting log segment after a corrupt one', { segment: d.logPath });
          await d.delete();
        }
        break;
      }
      await seg.writeIndexFiles(false);
    }
    await this.active.writeIndexFiles(false);
    this._logEndOffset = expected;
    this.leoVerified = true;
  }

  private async readLogStartOffsetFile(): Promise<number> {
    try {
      const lines = (await readFile(join(this.dir, LOG_START_OFFSET_FILE), 'utf8')).split('\n');
      const offset = Number(lines[1]);
      if (lines[0] === '0' && Number.isSafeInteger(offset) && offset >= 0) return offset;
      this.logger.warn('ignoring a malformed log start offset file', { dir: this.dir });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    return 0;
  }

  private async persistLogStartOffset(): Promise<void> {
    await atomicWriteFile(join(this.dir, LOG_START_OFFSET_FILE), `0\n${this._logStartOffset}\n`, true);
    await fsyncDir(this.dir);
  }

  /**
   * Loads the active segment's indexes and checks the log end offset against its tail (once).
   * Every data operation waits for this.
   */
  private ready(): Promise<void> {
    if (this.isReady) return RESOLVED;
    this.readyPromise ??= this.makeReady().then(
      () => {
        this.isReady = true;
      },
      (err: unknown) => {
        this.readyPromise = null;
        throw storageError(err, `loading log ${this.dir} failed`);
      },
    );
    return this.readyPromise;
  }

  private async makeReady(): Promise<void> {
    await this.ensureLoaded();
    const active = this.active;
    await active.loadIndexes(this.leoVerified ? this._logEndOffset : undefined, this.config.indexIntervalBytes, this.logger);
    if (!this.leoVerified) {
      const actual = await active.readNextOffset();
      if (actual !== this._logEndOffset) {
        this.logger.warn('log end offset differs from the checkpoint', { dir: this.dir, checkpoint: this._logEndOffset, actual });
        this._logEndOffset = actual;
        this._flushedOffset = Math.min(this._flushedOffset, actual);
        this._logStartOffset = Math.min(this._logStartOffset, actual);
      }
      this.leoVerified = true;
    }
    if (active.rollingBaseTime === null && active.size > 0) {
      active.rollingBaseTime = (await active.createdTime()) ?? active.firstTimestampEntry()?.timestamp ?? this.clock();
    }
  }

  /** Newest readable snapshot plus the batches after it (again when a compaction replaced a segment meanwhile). */
  private async loadProducerState(): Promise<ProducerStateManager> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.loadProducerStateOnce();
      } catch (err) {
        if (!(err instanceof SegmentDeletedError) || attempt >= 3) throw err;
      }
    }
  }

  private async loadProducerStateOnce(): Promise<ProducerStateManager> {
    let state: ProducerStateManager | null = null;
    let from = 0;
    for (let i = this.snapshotOffsets.length - 1; i >= 0 && state === null; i--) {
      const offset = this.snapshotOffsets[i];
      const path = join(this.dir, snapshotFileName(offset));
      try {
        state = ProducerStateManager.fromSnapshot(await readFile(path));
        from = offset;
      } catch (err) {
        this.logger.warn('ignoring an unreadable producer snapshot', { snapshot: path, error: err });
        await unlinkIfExists(path);
        this.snapshotOffsets.splice(i, 1);
      }
    }
    state ??= new ProducerStateManager();
    if (from < this._logEndOffset) {
      for (let i = this.segmentIndexFor(from); i < this.segments.length; i++) {
        const seg = this.segments[i];
        const bound = this.nextOffsetBound(i);
        if (bound <= from) continue;
        await seg.loadIndexes(bound, this.config.indexIntervalBytes, this.logger);
        const start = from > seg.baseOffset ? seg.lookup(from).position : 0;
        const loaded = state;
        await seg.scan({ start }, ({ header }) => {
          if (header.baseOffset + header.lastOffsetDelta < from) return;
          if (header.producerId < 0 || isControl(header.attributes)) return;
          loaded.replay(header, header.baseOffset, isLogAppendTime(header.attributes) ? header.maxTimestamp : -1);
        });
      }
    }
    return state;
  }

  private async writeProducerSnapshot(offset: number): Promise<void> {
    if (!this.producerState) return;
    await atomicWriteFile(join(this.dir, snapshotFileName(offset)), this.producerState.toSnapshot(), true);
    if (!this.snapshotOffsets.includes(offset)) {
      this.snapshotOffsets.push(offset);
      this.snapshotOffsets.sort((a, b) => a - b);
    }
    while (this.snapshotOffsets.length > SNAPSHOTS_KEPT) {
      const old = this.snapshotOffsets.shift()!;
      await unlinkIfExists(join(this.dir, snapshotFileName(old)));
    }
  }

  // ---- append ---------------------------------------------------------------------------------

  /**
   * Validates `records` (one or more v2 batches), assigns offsets in place and writes the bytes
   * as they came. Appends are serialized in call order. Rejects with `KafkaProtocolError`.
   */
  append(records: Buffer, options: AppendOptions = {}): Promise<AppendInfo> {
    try {
      this.assertOpen();
      const summary = validateRecordBatches(records, { maxMessageBytes: this.config.maxMessageBytes });
      if (compactionSettings(this.config).compact) assertRecordsHaveKeys(records, summary, basename(this.dir));
      if (records.length > this.config.segmentBytes) {
        throw new KafkaProtocolError(
          ErrorCode.RECORD_LIST_TOO_LARGE,
          `records of ${records.length} bytes exceed segment.bytes ${this.config.segmentBytes}`,
          { size: records.length },
        );
      }
      return new Promise<AppendInfo>((resolve, reject) => {
        this.queue.push({ records, summary, now: options.now ?? this.clock(), leaderEpoch: options.leaderEpoch, resolve, reject });
        this.kickWriter();
      });
    } catch (err) {
      return Promise.reject(err);
    }
  }

  private kickWriter(): void {
    if (this.writerRunning || this.queue.length === 0) return;
    this.writerRunning = true;
    void this.runWriter();
  }

  private async runWriter(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        try {
          await this.ready();
          this.producerState ??= await this.loadProducerState();
        } catch (err) {
          const failed = this.queue.splice(0);
          const error = storageError(err, `loading log ${this.dir} failed`);
          for (const item of failed) item.reject(error);
          break;
        }
        const group = this.queue.splice(0, MAX_GROUP);
        await this.processGroup(group);
      }
    } finally {
      this.writerRunning = false;
      if (this.queue.length > 0) {
        this.kickWriter();
      } else {
        const waiters = this.drainWaiters;
        this.drainWaiters = [];
        for (const w of waiters) w();
      }
    }
  }

  private async drainWriter(): Promise<void> {
    if (!this.writerRunning && this.queue.length === 0) return;
    await new Promise<void>((resolve) => this.drainWaiters.push(resolve));
  }

  private shouldRoll(pendingBytes: number, pendingBatches: number, item: PendingAppend, firstOffset: number): boolean {
    const seg = this.active;
    const size = seg.size + pendingBytes;
    if (size === 0) return false;
    const bytes = item.records.length;
    if (size + bytes > this.config.segmentBytes || size + bytes > INT32_MAX) return true;
    if (seg.rollingBaseTime !== null && item.now - seg.rollingBaseTime > this.config.segmentMs) return true;
    if (seg.indexFull(this.config.segmentIndexBytes, pendingBatches + item.summary.batches.length)) return true;
    return firstOffset + item.summary.offsetCount - 1 - seg.baseOffset > MAX_RELATIVE_OFFSET;
  }

  /** Checks producer state, assigns offsets and writes a group of queued appends. Never throws. */
  private async processGroup(group: PendingAppend[]): Promise<void> {
    const producers = this.producerState!;
    const logAppendTime = this.config.messageTimestampType === 'LogAppendTime';
    let txn: ProducerStateTxn = producers.begin();
    let buffers: Buffer[] = [];
    let batches: AppendedBatch[] = [];
    let completions: Completion[] = [];
    let pendingBytes = 0;
    let next = this._logEndOffset;

    const writePending = async (): Promise<void> => {
      const done = completions;
      const bufs = buffers;
      const infos = batches;
      const groupTxn = txn;
      const end = next;
      completions = [];
      buffers = [];
      batches = [];
      pendingBytes = 0;
      txn = producers.begin();
      try {
        if (bufs.length > 0) {
          await this.active.append(bufs, infos, this.config.indexIntervalBytes);
          this._logEndOffset = end;
          groupTxn.commit();
          this.stats.writes++;
          if (this.flushOnAppend) await this.flush(end);
        }
      } catch (err) {
        next = this._logEndOffset;
        const error = storageError(err, `append to ${this.dir} failed`);
        this.logger.error('log append failed', { dir: this.dir, error: err });
        for (const c of done) c.item.reject(error);
        return;
      }
      for (const c of done) {
        if (c.duplicate) this.stats.duplicates++;
        else this.stats.appends++;
        c.item.resolve({
          firstOffset: c.firstOffset,
          lastOffset: c.lastOffset,
          logAppendTime: c.logAppendTime,
          logStartOffset: this._logStartOffset,
          recordCount: c.item.summary.recordCount,
          duplicate: c.duplicate,
        });
      }
    };

    for (let gi = 0; gi < group.length; gi++) {
      const item = group[gi];
      if (this.shouldRoll(pendingBytes, batches.length, item, next)) {
        await writePending();
        try {
          await this.roll();
        } catch (err) {
          const error = storageError(err, `rolling a segment of ${this.dir} failed`);
          this.logger.error('segment roll failed', { dir: this.dir, error: err });
          for (const rest of group.slice(gi)) rest.reject(error);
          return;
        }
        next = this._logEndOffset;
      }

      const itemTxn = txn.child();
      const appendTime = logAppendTime ? item.now : -1;
      let offset = next;
      let duplicate: ProducerBatchMetadata | null = null;
      try {
        for (const { header } of item.summary.batches) {
          if (header.producerId >= 0 && !isControl(header.attributes)) {
            duplicate = itemTxn.check(header);
            if (duplicate) break;
            itemTxn.record(header, offset, offset + header.lastOffsetDelta, appendTime);
          }
          offset += header.lastOffsetDelta + 1;
        }
      } catch (err) {
        item.reject(err);
        continue;
      }
      if (duplicate) {
        completions.push({ item, firstOffset: duplicate.firstOffset, lastOffset: duplicate.lastOffset, logAppendTime: duplicate.timestamp, duplicate: true });
        continue;
      }
      itemTxn.commit();

      const records = item.records;
      offset = next;
      for (const { pos, size, header } of item.summary.batches) {
        setBaseOffset(records, pos, offset);
        if (item.leaderEpoch !== undefined) setPartitionLeaderEpoch(records, pos, item.leaderEpoch);
        if (appendTime >= 0) setLogAppendTime(records, pos, appendTime);
        batches.push({
          baseOffset: offset,
          lastOffset: offset + header.lastOffsetDelta,
          maxTimestamp: appendTime >= 0 ? appendTime : header.maxTimestamp,
          size,
        });
        offset += header.lastOffsetDelta + 1;
      }
      if (this.active.rollingBaseTime === null) this.active.rollingBaseTime = item.now;
      buffers.push(records);
      pendingBytes += records.length;
      completions.push({ item, firstOffset: next, lastOffset: offset - 1, logAppendTime: appendTime, duplicate: false });
      next = offset;
    }
    await writePending();
  }

  /**
   * Starts a new active segment at the log end offset: seals and fsyncs the current one, writes
   * its indexes and a producer snapshot.
   */
  private async roll(): Promise<void> {
    const old = this.active;
    const newBase = this._logEndOffset;
    old.sealTimeIndex();
    if (await old.flush()) this.stats.fsyncs++;
    await old.writeIndexFiles(true);
    await this.writeProducerSnapshot(newBase);
    const seg = await LogSegment.create(this.dir, newBase, this.fileCache);
    this.segments.push(seg);
    old.seal();
    await fsyncDir(this.dir);
    // The old segment's descriptor and indexes are reopened by reads that need them (then bounded by the file cache).
    old.unloadIndexes();
    void old.close().catch(() => {});
    this.stats.rolls++;
    this.logger.debug('rolled log segment', { dir: this.dir, baseOffset: newBase });
    if (this._flushedOffset < newBase) {
      this._flushedOffset = newBase;
      this.onFlushed?.(this);
    }
  }

  // ---- flush --------------------------------------------------------------------------------

  /**
   * Makes every offset below `upToOffset` (default: the log end offset) durable. Group commit:
   * when an fdatasync is running, callers wait for it and then for at most one more, which covers
   * everything written before it started.
   */
  async flush(upToOffset?: number): Promise<void> {
    if (this.state === 'deleted') throw new LogDeletedError(this.dir);
    if (this.state === 'closed') throw new LogClosedError(this.dir);
    const target = Math.min(upToOffset ?? this._logEndOffset, this._logEndOffset);
    while (this._flushedOffset < target) {
      this.syncing ??= this.syncRound().finally(() => {
        this.syncing = null;
      });
      await this.syncing;
    }
  }

  private async syncRound(): Promise<void> {
    const target = this._logEndOffset;
    try {
      for (const seg of this.segments) {
        if (seg.hasUnflushedData && (await seg.flush())) this.stats.fsyncs++;
      }
    } catch (err) {
      throw storageError(err, `fsync of ${this.dir} failed`);
    }
    if (target > this._flushedOffset) {
      this._flushedOffset = target;
      this.onFlushed?.(this);
    }
  }

  // ---- read -----------------------------------------------------------------------------------

  /**
   * Whole batches from the one holding `offset`: at most `maxBytes`, or one batch larger than
   * that with `minOneBatch`. Reads from one segment. Throws OFFSET_OUT_OF_RANGE outside
   * [logStartOffset, logEndOffset]; at logEndOffset the records are empty.
   */
  async read(offset: number, maxBytes: number, options: { minOneBatch?: boolean } = {}): Promise<FetchData> {
    this.assertOpen();
    await this.ready();
    const minOneBatch = options.minOneBatch ?? false;
    for (let attempt = 0; ; attempt++) {
      const logStartOffset = this._logStartOffset;
      const logEndOffset = this._logEndOffset;
      if (!Number.isSafeInteger(offset) || offset < logStartOffset || offset > logEndOffset) {
        throw new OffsetOutOfRangeError(offset, logStartOffset, logEndOffset, this.dir);
      }
      if (offset === logEndOffset) return { records: EMPTY, highWatermark: logEndOffset, logStartOffset };
      try {
        let cursor = offset;
        for (;;) {
          const i = this.segmentIndexFor(cursor);
          const seg = this.segments[i];
          const bound = this.nextOffsetBound(i);
          await seg.loadIndexes(bound, this.config.indexIntervalBytes, this.logger);
          const records = await seg.readBatches(offset, maxBytes, minOneBatch, this.config.indexIntervalBytes);
          if (records !== null) return { records, highWatermark: this._logEndOffset, logStartOffset: this._logStartOffset };
          const j = this.segments.indexOf(seg);
          if (j < 0) throw new SegmentDeletedError(seg.baseOffset);
          if (j + 1 >= this.segments.length) break;
          cursor = this.segments[j + 1].baseOffset;
        }
        return { records: EMPTY, highWatermark: this._logEndOffset, logStartOffset: this._logStartOffset };
      } catch (err) {
        if (err instanceof SegmentDeletedError && attempt < 3) continue;
        throw storageError(err, `read from ${this.dir} failed`);
      }
    }
  }

  // ---- timestamps -----------------------------------------------------------------------------

  /**
   * The first offset whose timestamp is >= `timestamp`: the first batch with maxTimestamp >=
   * `timestamp` (found through the time index), refined to the exact record, decompressing the
   * batch when it is compressed (only that batch). With LogAppendTime every record of a batch
   * carries the batch's time. Null when no record is that recent.
   */
  async offsetForTimestamp(timestamp: number): Promise<{ offset: number; timestamp: number } | null> {
    this.assertOpen();
    await this.ready();
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.searchTimestamp(timestamp, attempt >= 3);
      } catch (err) {
        // A compaction replaced a segment meanwhile: search the new segment list.
        if (err instanceof SegmentDeletedError && attempt < 3) continue;
        throw storageError(err, `timestamp lookup in ${this.dir} failed`);
      }
    }
  }

  private async searchTimestamp(timestamp: number, skipDeleted: boolean): Promise<{ offset: number; timestamp: number } | null> {
    const interval = this.config.indexIntervalBytes;
    const segments = this.segments;
    for (let i = 0; i < segments.length; i++) {
      const seg = segments[i];
      const bound = i + 1 < segments.length ? segments[i + 1].baseOffset : this._logEndOffset;
      const from0 = this._logStartOffset;
      if (bound <= from0) continue;
      try {
        const largest = await seg.largestTimestamp(bound, interval, this.logger);
        if (largest.timestamp < timestamp) continue;
        await seg.loadIndexes(bound, interval, this.logger);
        const from = Math.max(seg.lookupTimestamp(timestamp).offset, from0);
        const found: { value: { offset: number; timestamp: number } | null } = { value: null };
        await seg.scan({ start: seg.lookup(from).position, withBytes: true, chunkSize: scanChunk(interval) }, ({ header, bytes }) => {
          if (header.baseOffset + header.lastOffsetDelta < from || header.maxTimestamp < timestamp || header.recordCount <= 0) return true;
          if (bytes === null) {
            found.value = { offset: Math.max(header.baseOffset, from), timestamp: header.maxTimestamp };
            return false;
          }
          for (const r of recordTimes(header, bytes)) {
            if (r.timestamp >= timestamp && r.offset >= from) {
              found.value = { offset: r.offset, timestamp: r.timestamp };
              return false;
            }
          }
          return true;
        });
        if (found.value) return found.value;
      } catch (err) {
        if (err instanceof SegmentDeletedError && skipDeleted) continue;
        throw err;
      }
    }
    return null;
  }

  /**
   * The largest timestamp in the log and the first offset that carries it (exact: a compressed
   * batch is decompressed; with LogAppendTime, the batch's first record). Null for an empty log or
   * one without timestamps.
   */
  async maxTimestamp(): Promise<{ offset: number; timestamp: number } | null> {
    this.assertOpen();
    await this.ready();
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.findMaxTimestamp();
      } catch (err) {
        if (err instanceof SegmentDeletedError && attempt < 3) continue;
        throw storageError(err, `timestamp lookup in ${this.dir} failed`);
      }
    }
  }

  private async findMaxTimestamp(): Promise<{ offset: number; timestamp: number } | null> {
    const interval = this.config.indexIntervalBytes;
    const segments = this.segments;
    const from = this._logStartOffset;
    let best: { seg: LogSegment; bound: number; timestamp: number; offset: number } | null = null;
    for (let i = 0; i < segments.length; i++) {
      const seg = segments[i];
      const bound = i + 1 < segments.length ? segments[i + 1].baseOffset : this._logEndOffset;
      if (bound <= from) continue;
      const largest = await seg.largestTimestamp(bound, interval, this.logger);
      if (largest.timestamp >= 0 && (best === null || largest.timestamp > best.timestamp)) {
        best = { seg, bound, timestamp: largest.timestamp, offset: largest.offset };
      }
    }
    if (best === null) return null;
    const target = best;
    await target.seg.loadIndexes(target.bound, interval, this.logger);
    const result = { offset: Math.max(target.offset, from), timestamp: target.timestamp };
    await target.seg.scan({ start: target.seg.lookup(target.offset).position, withBytes: true, chunkSize: scanChunk(interval) }, ({ header, bytes }) => {
      if (header.baseOffset + header.lastOffsetDelta < target.offset) return true;
      if (bytes !== null) {
        for (const r of recordTimes(header, bytes)) {
          if (r.timestamp === target.timestamp && r.offset >= from) {
            result.offset = r.offset;
            break;
          }
        }
      }
      return false;
    });
    return result;
  }

  // ---- deletion ---------------------------------------------------------------------------------

  private serialized<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.maintenance.then(fn, fn);
    this.maintenance = run.catch(() => {});
    return run;
  }

  /**
   * Moves the log start offset to `offset` (DeleteRecords) and deletes the segments wholly below
   * it. Persisted in the partition directory. Returns the new log start offset.
   */
  async deleteRecordsBefore(offset: number): Promise<number> {
    this.assertOpen();
    await this.ready();
    return this.serialized(async () => {
      if (!Number.isSafeInteger(offset) || offset < 0 || offset > this._logEndOffset) {
        throw new OffsetOutOfRangeError(offset, this._logStartOffset, this._logEndOffset, this.dir);
      }
      if (offset <= this._logStartOffset) return this._logStartOffset;
      this._logStartOffset = offset;
      try {
        await this.persistLogStartOffset();
      } catch (err) {
        throw storageError(err, `persisting the log start offset of ${this.dir} failed`);
      }
      this.onLogStartOffsetChanged?.(this);
      await this.deleteSegmentsBelowLogStart();
      return this._logStartOffset;
    });
  }

  private async deleteSegmentsBelowLogStart(): Promise<void> {
    let count = 0;
    while (count < this.segments.length - 1 && this.segments[count + 1].baseOffset <= this._logStartOffset) count++;
    if (count > 0) await this.deleteLeadingSegments(count, 'log start offset');
  }

  private async deleteLeadingSegments(count: number, reason: string): Promise<void> {
    const n = Math.min(count, this.segments.length - 1);
    if (n <= 0) return;
    const removed = this.segments.slice(0, n);
    this.segments = this.segments.slice(n);
    const newStart = this.segments[0].baseOffset;
    if (newStart > this._logStartOffset) {
      this._logStartOffset = newStart;
      this.onLogStartOffsetChanged?.(this);
    }
    for (const seg of removed) {
      this.logger.info('deleting log segment', { segment: seg.logPath, reason });
      await seg.delete();
    }
  }

  /**
   * Deletes whole non-active segments past retention.ms (by their largest timestamp, or file
   * time without timestamps) or retention.bytes. Returns the number of segments deleted.
   */
  async applyRetention(now: number): Promise<number> {
    this.assertOpen();
    await this.ensureLoaded();
    if (this.segments.length <= 1) return 0;
    return this.serialized(async () => {
      const segments = this.segments;
      const interval = this.config.indexIntervalBytes;
      // A log that is only compacted is not trimmed by time or size.
      const byTimeAndSize = compactionSettings(this.config).delete;
      const retentionMs = byTimeAndSize ? this.config.retentionMs : -1;
      const retentionBytes = byTimeAndSize ? this.config.retentionBytes : -1;
      const infos: RetentionSegment[] = [];
      let expired = retentionMs >= 0;
      try {
        for (let i = 0; i < segments.length; i++) {
          const seg = segments[i];
          let largestTimestamp = Number.POSITIVE_INFINITY;
          if (expired && i < segments.length - 1) {
            const largest = await seg.largestTimestamp(segments[i + 1].baseOffset, interval, this.logger);
            largestTimestamp = largest.timestamp >= 0 ? largest.timestamp : await seg.lastModified();
            expired = now - largestTimestamp > retentionMs;
          }
          infos.push({ baseOffset: seg.baseOffset, size: seg.size, largestTimestamp });
        }
      } catch (err) {
        throw storageError(err, `retention check of ${this.dir} failed`);
      }
      const decision = segmentsToDelete(infos, {
        now,
        retentionMs,
        retentionBytes,
        logStartOffset: this._logStartOffset,
      });
      if (decision.count === 0) return 0;
      const reason = decision.byTime === decision.count ? 'retention.ms' : decision.bySize === decision.count ? 'retention.bytes' : 'log start offset';
      // Only segments that are still the leading ones are deleted.
      let n = 0;
      while (n < decision.count && this.segments[n] === segments[n] && n < this.segments.length - 1) n++;
      await this.deleteLeadingSegments(n, reason);
      return n;
    });
  }

  // ---- compaction -------------------------------------------------------------------------------

  /**
   * What the log cleaner needs to choose a log (null unless cleanup.policy contains compact): the
   * clean and dirty bytes from `cleanOffset` (the checkpointed clean offset; the log start offset
   * when unknown or out of range), where cleaning must stop (the active segment, or the first
   * segment younger than min.compaction.lag.ms) and whether max.compaction.lag.ms passed.
   */
  async cleanableState(cleanOffset?: number, now: number = this.clock()): Promise<CleanableState | null> {
    this.assertOpen();
    await this.ensureLoaded();
    const settings = compactionSettings(this.config);
    if (!settings.compact) return null;
    try {
      return (await this.planCleaning(cleanOffset, now, settings)).state;
    } catch (err) {
      throw storageError(err, `compaction check of ${this.dir} failed`);
    }
  }

  private async planCleaning(
    cleanOffset: number | undefined,
    now: number,
    settings: CompactionSettings,
  ): Promise<{ state: CleanableState; segments: LogSegment[]; dirtyStart: number; uncleanable: number }> {
    const segments = this.segments;
    const active = segments.length - 1;
    const logStartOffset = this._logStartOffset;
    const firstDirtyOffset = cleanOffset !== undefined && cleanOffset >= logStartOffset && cleanOffset <= this._logEndOffset
      ? cleanOffset
      : logStartOffset;
    let dirtyStart = 0;
    while (dirtyStart < active && segments[dirtyStart + 1].baseOffset <= firstDirtyOffset) dirtyStart++;
    let uncleanable = active;
    if (settings.minCompactionLagMs > 0) {
      for (let i = dirtyStart; i < active; i++) {
        const largest = await segments[i].largestTimestamp(segments[i + 1].baseOffset, this.config.indexIntervalBytes, this.logger);
        const newest = largest.timestamp >= 0 ? largest.timestamp : await segments[i].lastModified();
        if (newest > now - settings.minCompactionLagMs) {
          uncleanable = i;
          break;
        }
      }
    }
    let cleanBytes = 0;
    let dirtyBytes = 0;
    for (let i = 0; i < dirtyStart; i++) cleanBytes += segments[i].size;
    for (let i = dirtyStart; i < uncleanable; i++) dirtyBytes += segments[i].size;
    let needsCompactionNow = false;
    if (settings.maxCompactionLagMs < NEVER_MS && dirtyStart < uncleanable) {
      const first = await segments[dirtyStart].firstBatchTimestamp();
      needsCompactionNow = first >= 0 && now - first > settings.maxCompactionLagMs;
    }
    return {
      state: {
        logStartOffset,
        firstDirtyOffset,
        firstUncleanableOffset: segments[uncleanable].baseOffset,
        cleanBytes,
        dirtyBytes,
        needsCompactionNow,
      },
      segments,
      dirtyStart,
      uncleanable,
    };
  }

  /**
   * Compacts the log (cleanup.policy compact; otherwise nothing happens): builds the offset map
   * (key → latest offset) over the dirty segments before the active one, then rewrites every
   * segment below the end of that section, oldest first, in groups that fit segment.bytes: a
   * record is kept when it is the latest of its key (or has no key), a tombstone only until
   * delete.retention.ms after its segment was last modified. Offsets, timestamps, keys, values,
   * headers, the producer fields and the compression codec of what is kept do not change.
   * Appends and reads continue meanwhile; each cleaned segment is swapped in atomically (see
   * segment-swap.ts). One compaction runs at a time per log.
   */
  compact(options: CompactOptions = {}): Promise<CompactResult> {
    try {
      this.assertOpen();
    } catch (err) {
      return Promise.reject(err);
    }
    const run = this.cleaning.then(() => this.runCompaction(options));
    this.cleaning = run.catch(() => {});
    return run;
  }

  private checkCleaning(signal: AbortSignal | undefined): void {
    if (signal?.aborted || this.state !== 'open') throw new CleanAbortedError(this.dir);
  }

  private async runCompaction(options: CompactOptions): Promise<CompactResult> {
    this.checkCleaning(options.signal);
    await this.ready();
    const now = options.now ?? this.clock();
    const settings = compactionSettings(this.config);
    const result: CompactResult = {
      cleaned: false,
      incomplete: false,
      firstDirtyOffset: this._logStartOffset,
      cleanOffset: options.cleanOffset ?? this._logStartOffset,
      keys: 0,
      segmentsCleaned: 0,
      segmentsWritten: 0,
      bytesBefore: 0,
      bytesAfter: 0,
      recordsRemoved: 0,
      tombstonesRemoved: 0,
    };
    if (!settings.compact) return result;
    try {
      const { state, segments, dirtyStart, uncleanable } = await this.planCleaning(options.cleanOffset, now, settings);
      result.firstDirtyOffset = state.firstDirtyOffset;

      // The offset map over the dirty section, cut at a segment boundary once it is full.
      const map = new OffsetMap();
      const lastBatchOfProducer = new Map<number, number>();
      const maxEntries = Math.max(1, options.maxMapEntries ?? DEFAULT_MAX_MAP_ENTRIES);
      let end = dirtyStart;
      while (end < uncleanable && (end === dirtyStart || map.size < maxEntries)) {
        for await (const { header, bytes } of segments[end].batches()) {
          this.checkCleaning(options.signal);
          if (isControl(header.attributes)) continue;
          if (header.producerId >= 0) lastBatchOfProducer.set(header.producerId, header.baseOffset);
          map.addBatch(bytes);
        }
        end++;
      }
      result.keys = map.size;
      if (end === 0) return result;
      result.cleaned = true;

      const groups = groupSegments(
        segments.slice(0, end).map((s, i) => ({ baseOffset: s.baseOffset, size: s.size, nextOffset: segments[i + 1].baseOffset })),
        { maxBytes: this.config.segmentBytes, maxIndexBytes: this.config.segmentIndexBytes, indexIntervalBytes: this.config.indexIntervalBytes },
      );
      for (const [a, b] of groups) {
        this.checkCleaning(options.signal);
        const swapped = await this.cleanGroup(segments.slice(a, b), map, lastBatchOfProducer, now, settings, options, result);
        if (!swapped) {
          // Later groups may hold tombstones whose older records this group still has: stop here.
          result.incomplete = true;
          return result;
        }
      }
      result.cleanOffset = segments[end].baseOffset;
      this.logger.info('compacted log', {
        dir: this.dir,
        cleanOffset: result.cleanOffset,
        keys: result.keys,
        segments: result.segmentsCleaned,
        bytesBefore: result.bytesBefore,
        bytesAfter: result.bytesAfter,
        recordsRemoved: result.recordsRemoved,
        tombstonesRemoved: result.tombstonesRemoved,
      });
      return result;
    } catch (err) {
      if (err instanceof CleanAbortedError || err instanceof SegmentDeletedError) throw err;
      throw storageError(err, `compaction of ${this.dir} failed`);
    }
  }

  /**
   * Writes the cleaned form of `group` (adjacent non-active segments) and swaps it in. Returns
   * false when the group could not be swapped because the log changed meanwhile. A group whose
   * only segment would not change is left alone (true).
   */
  private async cleanGroup(
    group: LogSegment[],
    map: OffsetMap,
    lastBatchOfProducer: ReadonlyMap<number, number>,
    now: number,
    settings: CompactionSettings,
    options: CompactOptions,
    result: CompactResult,
  ): Promise<boolean> {
    const base = group[0].baseOffset;
    let modified = 0;
    for (const seg of group) modified = Math.max(modified, await seg.lastModified());
    const writer = await CleanedSegmentWriter.create(this.dir, base);
    let changed = group.length > 1;
    let removed = 0;
    let tombstones = 0;
    let bytesBefore = 0;
    let size: number;
    try {
      for (const seg of group) {
        bytesBefore += seg.size;
        const expired = tombstoneExpired(await seg.lastModified(), now, settings.deleteRetentionMs);
        for await (const { header, bytes } of seg.batches()) {
          this.checkCleaning(options.signal);
          const info = { baseOffset: header.baseOffset, lastOffset: header.baseOffset + header.lastOffsetDelta, maxTimestamp: header.maxTimestamp, size: bytes.length };
          if (isControl(header.attributes)) {
            await writer.append(bytes, info);
            continue;
          }
          // The last batch of an idempotent producer keeps at least its header (its sequence numbers).
          const keepEmpty = header.producerId >= 0 && (lastBatchOfProducer.get(header.producerId) ?? header.baseOffset) === header.baseOffset;
          if (header.recordCount <= 0) {
            if (keepEmpty) await writer.append(bytes, info);
            else changed = true;
            continue;
          }
          const filtered = filterBatch(bytes, (r) => retainRecord(r, map, expired), { keepEmpty });
          removed += filtered.superseded;
          tombstones += filtered.tombstonesRemoved;
          if (filtered.changed) changed = true;
          if (filtered.bytes) {
            await writer.append(filtered.bytes, { ...info, maxTimestamp: readInt64(filtered.bytes, MAX_TIMESTAMP_OFFSET), size: filtered.bytes.length });
          }
        }
      }
      if (!changed) {
        await writer.discard();
        return true;
      }
      size = await writer.finish(modified);
      await this.cleanerStep(options.hooks, 'cleaned-written', base);
    } catch (err) {
      await writer.discard().catch(() => {});
      throw err;
    }
    const swapped = await this.serialized(() => this.swapSegments(group, writer, size, options.hooks));
    if (swapped) {
      result.segmentsCleaned += group.length;
      result.segmentsWritten++;
      result.bytesBefore += bytesBefore;
      result.bytesAfter += size;
      result.recordsRemoved += removed;
      result.tombstonesRemoved += tombstones;
    }
    return swapped;
  }

  private async cleanerStep(hooks: CleanerHooks | undefined, step: CleanerStep, baseOffset: number): Promise<void> {
    await hooks?.onStep?.(step, { dir: this.dir, baseOffset });
  }

  /**
   * Replaces `group` by the cleaned segment in `writer`'s file (segment-swap.ts protocol). Runs
   * with retention and DeleteRecords excluded. False when the group is no longer in the log or
   * the log is closing (the cleaned file is removed).
   */
  private async swapSegments(group: LogSegment[], writer: CleanedSegmentWriter, size: number, hooks: CleanerHooks | undefined): Promise<boolean> {
    const base = group[0].baseOffset;
    const at = this.segments.indexOf(group[0]);
    const intact = this.state === 'open'
      && at >= 0
      && at + group.length < this.segments.length
      && group.every((seg, j) => this.segments[at + j] === seg);
    // A replacement starts only when no earlier one left `.deleted` files (at most one in flight).
    if (!intact || (await removeDeletedSegmentFiles(this.dir)) > 0) {
      await unlinkIfExists(writer.path);
      return false;
    }
    const swapPath = join(this.dir, logFileName(base) + SWAP_SUFFIX);
    const pins: Array<() => void> = [];
    const retired: LogSegment[] = [];
    let deletions: Array<Promise<void>> | null = null;
    try {
      // Open descriptors: reads in progress or starting during the renames keep working.
      for (const seg of group) pins.push(await seg.pin());
      await rename(writer.path, swapPath);
      await fsyncDir(this.dir);
      await this.cleanerStep(hooks, 'swap-created', base);
      for (let j = group.length - 1; j >= 0; j--) {
        await group[j].retireFiles();
        retired.push(group[j]);
        await this.cleanerStep(hooks, 'segment-retired', group[j].baseOffset);
      }
      await fsyncDir(this.dir);
      const replacement = LogSegment.fromBatches(this.dir, base, size, writer.batches, this.config.indexIntervalBytes, this.fileCache);
      await rename(swapPath, join(this.dir, logFileName(base)));
      // Committed on disk; the segment list switches in one synchronous step.
      const i = this.segments.indexOf(group[0]);
      this.segments = [...this.segments.slice(0, i), replacement, ...this.segments.slice(i + group.length)];
      deletions = group.map((seg) => seg.delete());
      for (const release of pins.splice(0)) release();
      await fsyncDir(this.dir);
      await this.cleanerStep(hooks, 'swapped', base);
      await Promise.all(deletions);
      await this.cleanerStep(hooks, 'old-deleted', base);
      await replacement.writeIndexFiles(true);
      replacement.unloadIndexes();
      await this.cleanerStep(hooks, 'done', base);
      return true;
    } catch (err) {
      if (deletions) {
        await Promise.allSettled(deletions);
      } else {
        // Not committed: the old segments come back, the oldest (the commit marker) first.
        try {
          for (const seg of [...retired].reverse()) await seg.restoreFiles();
          await unlinkIfExists(swapPath);
          await unlinkIfExists(writer.path);
          await fsyncDir(this.dir);
        } catch (undoErr) {
          this.logger.error('cannot undo a failed segment replacement; it is finished or undone at the next load', { dir: this.dir, error: undoErr });
        }
      }
      throw err;
    } finally {
      for (const release of pins) release();
    }
  }

  // ---- close, delete ------------------------------------------------------------------------

  /** Waits for queued appends, flushes, writes indexes and a producer snapshot, closes files. */
  close(): Promise<void> {
    return this.shutdown(true);
  }

  /** Closes without flushing and removes the directory. */
  async delete(): Promise<void> {
    if (this.state === 'deleted') return;
    await this.shutdown(false);
    const target = join(dirname(this.dir), `${basename(this.dir)}.${randomBytes(6).toString('hex')}${DELETE_DIR_SUFFIX}`);
    try {
      await rename(this.dir, target);
      await rm(target, { recursive: true, force: true });
    } catch (err) {
      if (!isNotFound(err)) throw storageError(err, `deleting ${this.dir} failed`);
    }
    this.state = 'deleted';
  }

  private shutdown(persist: boolean): Promise<void> {
    if (this.state === 'closed' || this.state === 'deleted') return RESOLVED;
    if (this.closing) return this.closing;
    this.state = 'closing';
    this.closing = (async () => {
      try {
        await this.drainWriter();
        await this.cleaning;
        await this.maintenance;
        if (persist) {
          if (this.readyPromise) await this.readyPromise.catch(() => {});
          await this.flush();
          if (this.isReady) {
            this.active.sealTimeIndex();
            for (const seg of this.segments) await seg.writeIndexFiles(true);
            if (this.producerState) await this.writeProducerSnapshot(this._logEndOffset);
          }
        }
      } finally {
        for (const seg of this.segments) await seg.close().catch(() => {});
        this.state = 'closed';
      }
    })();
    return this.closing;
  }
}

/** Total size of the `.log` files in `dir` (0 when it is missing). */
function logFilesSizeSync(dir: string): number {
  let total = 0;
  try {
    for (const name of readdirSync(dir)) {
      if (parseSegmentFileName(name)?.kind === 'log') total += statSync(join(dir, name)).size;
    }
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  return total;
}

/**
 * Offset and timestamp of every record of the whole batch `bytes`: walked in place when
 * uncompressed, decoded (decompressed) otherwise. With LogAppendTime each record has the batch's
 * maxTimestamp.
 */
function recordTimes(header: RecordBatchHeader, bytes: Buffer): Iterable<RecordPosition> {
  const logAppendTime = isLogAppendTime(header.attributes);
  const records: Iterable<RecordPosition> = batchCompressionId(header.attributes) === 0
    ? walkRecords(bytes)
    : decodeBatchRecords(bytes, 0).records;
  if (!logAppendTime) return records;
  return (function* () {
    for (const r of records) yield { offset: r.offset, timestamp: header.maxTimestamp };
  })();
}

function scanChunk(indexIntervalBytes: number): number {
  return Math.max(64 * 1024, indexIntervalBytes * 4);
}
