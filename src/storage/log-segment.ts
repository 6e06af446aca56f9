/**
 * One segment of a partition log: `<base>.log` with its `<base>.index` and `<base>.timeindex`.
 *
 * The file descriptor is opened on first use and the indexes are loaded on first use, so an idle
 * segment costs a few numbers of memory. Indexes live in memory and are written to their files
 * when the segment is sealed (roll) or closed; a missing, wrongly sized or inconsistent index
 * file is rebuilt by scanning the segment.
 *
 * A sealed (non-active) segment's descriptor counts in the LogManager's SegmentFileCache: when
 * too many are open, idle ones close and drop their indexes (reopened on use); a segment with an
 * operation in progress (or pinned by a compaction swap) is never closed. A segment replaced by a
 * cleaned one is first retired (`<base>.log.deleted`, index files removed), then deleted.
 */
import { open, readFile, rename, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import {
  BATCH_HEADER_SIZE,
  BATCH_LENGTH_OFFSET,
  LAST_OFFSET_DELTA_OFFSET,
  LOG_OVERHEAD,
  MIN_BATCH_LENGTH,
  readBatchHeader,
  readInt64,
  type RecordBatchHeader,
} from '../protocol/records/batch-header.ts';
import type { Logger } from '../util/logger.ts';
import { scanBatches, type ScanOptions, type ScanResult, type ScannedBatch } from './batch-scan.ts';
import { CorruptLogError, KafkaStorageError } from './errors.ts';
import { atomicWriteFile, isNotFound, readFully, unlinkIfExists } from './fs-util.ts';
import { MAX_RELATIVE_OFFSET } from './index-math.ts';
import { OFFSET_INDEX_ENTRY_SIZE, OffsetIndex, type OffsetPosition } from './offset-index.ts';
import type { SegmentFileCache } from './segment-file-cache.ts';
import { indexFileName, logFileName, timeIndexFileName } from './segment-name.ts';
import { TIME_INDEX_ENTRY_SIZE, TimeIndex, type TimestampOffset } from './time-index.ts';

/** What the indexes need to know about an appended batch. */
export interface AppendedBatch {
  baseOffset: number;
  lastOffset: number;
  maxTimestamp: number;
  size: number;
}

/** Suffix of a segment file renamed for deletion while a cleaned segment replaces it (Kafka's). */
export const DELETED_SUFFIX = '.deleted';

export interface IndexLoadResult {
  /** The index files were unusable and the indexes were rebuilt by scanning. */
  rebuilt: boolean;
  reason?: string;
}

export interface RecoverResult {
  /** Offset after the last valid batch (the base offset when the segment is empty). */
  nextOffset: number;
  /** Bytes cut from the end of the file. */
  truncatedBytes: number;
  invalid?: string;
}

/** Thrown when a deleted segment is used; callers retry against the current segment list. */
export class SegmentDeletedError extends Error {
  constructor(baseOffset: number) {
    super(`segment ${baseOffset} was deleted`);
    this.name = 'SegmentDeletedError';
  }
}

const EMPTY = Buffer.alloc(0);
const LOCATE_HEADER_BYTES = LAST_OFFSET_DELTA_OFFSET + 4;
const MIN_READ_CHUNK = 16 * 1024;

export class LogSegment {
  readonly dir: string;
  readonly baseOffset: number;
  readonly indexPath: string;
  readonly timeIndexPath: string;
  /**
   * Wall-clock time of the segment's first append, which segment.ms is measured from; null while
   * empty. After a restart: the file's creation time, else the first batch's timestamp.
   */
  rollingBaseTime: number | null = null;

  private _logPath: string;
  private readonly fileCache: SegmentFileCache | null;
  /** Not the active segment: its descriptor may be closed by the file cache. */
  private _sealed = false;
  /** The files were renamed for deletion (a cleaned segment replaces this one). */
  private retired = false;
  private _size: number;
  private flushedSize: number;
  private handle: FileHandle | null = null;
  private opening: Promise<FileHandle> | null = null;
  private offsetIndex: OffsetIndex | null = null;
  private timeIndex: TimeIndex | null = null;
  private indexLoading: Promise<IndexLoadResult> | null = null;
  private indexesDirty = false;
  private bytesSinceLastIndexEntry = 0;
  private maxTimestampSoFar = -1;
  private offsetOfMaxTimestampSoFar = -1;
  private largestCache: TimestampOffset | null = null;
  private inflight = 0;
  private idleWaiters: Array<() => void> = [];
  private _deleted = false;

  private constructor(dir: string, baseOffset: number, size: number, cache: SegmentFileCache | null) {
    this.dir = dir;
    this.baseOffset = baseOffset;
    this.fileCache = cache;
    this._logPath = join(dir, logFileName(baseOffset));
    this.indexPath = join(dir, indexFileName(baseOffset));
    this.timeIndexPath = join(dir, timeIndexFileName(baseOffset));
    this._size = size;
    this.flushedSize = size;
  }

  /** A segment whose files exist; nothing is opened or read. */
  static existing(dir: string, baseOffset: number, size: number, cache?: SegmentFileCache | null): LogSegment {
    return new LogSegment(dir, baseOffset, size, cache ?? null);
  }

  /** Creates an empty segment (replacing any stale files of that name) with empty in-memory indexes. */
  static async create(dir: string, baseOffset: number, cache?: SegmentFileCache | null): Promise<LogSegment> {
    const segment = new LogSegment(dir, baseOffset, 0, cache ?? null);
    await unlinkIfExists(segment.indexPath);
    await unlinkIfExists(segment.timeIndexPath);
    segment.handle = await open(segment.logPath, 'w+');
    segment.offsetIndex = new OffsetIndex(baseOffset);
    segment.timeIndex = new TimeIndex(baseOffset);
    segment.indexesDirty = true;
    return segment;
  }

  /**
   * A sealed segment whose `.log` file (of `size` bytes, already durable) holds `batches` at the
   * given positions: its indexes are built in memory (written by `writeIndexFiles`); nothing is
   * opened. Used for segments written by the log cleaner.
   */
  static fromBatches(
    dir: string,
    baseOffset: number,
    size: number,
    batches: ReadonlyArray<AppendedBatch & { position: number }>,
    indexIntervalBytes: number,
    cache?: SegmentFileCache | null,
  ): LogSegment {
    const segment = new LogSegment(dir, baseOffset, size, cache ?? null);
    segment.resetIndexes();
    for (const b of batches) segment.indexBatch(b, b.position, indexIntervalBytes);
    segment.sealTimeIndex();
    segment._sealed = true;
    return segment;
  }

  /** Path of the log file (`<base>.log`, or `<base>.log.deleted` once retired). */
  get logPath(): string {
    return this._logPath;
  }

  get size(): number {
    return this._size;
  }

  /** Not the active segment (its descriptor may be closed by the file cache). */
  get sealed(): boolean {
    return this._sealed;
  }

  /** Marks the segment as no longer active; its open descriptor then counts in the file cache. */
  seal(): void {
    if (this._sealed) return;
    this._sealed = true;
    if (this.handle) this.fileCache?.opened(this);
  }

  get deleted(): boolean {
    return this._deleted;
  }

  get indexesLoaded(): boolean {
    return this.offsetIndex !== null;
  }

  get hasOpenFile(): boolean {
    return this.handle !== null;
  }

  get hasUnflushedData(): boolean {
    return this._size > this.flushedSize;
  }

  /** Number of offset index entries (0 when not loaded). */
  get offsetIndexEntries(): number {
    return this.offsetIndex?.entries ?? 0;
  }

  /** Number of time index entries (0 when not loaded). */
  get timeIndexEntries(): number {
    return this.timeIndex?.entries ?? 0;
  }

  // ---- file handle and in-flight tracking -------------------------------------------------

  private async fileHandle(): Promise<FileHandle> {
    if (this.handle) return this.handle;
    if (!this.opening) {
      this.opening = open(this.logPath, 'r+').then(
        (fh) => {
          this.opening = null;
          if (this._deleted) {
            void fh.close().catch(() => {});
            throw new SegmentDeletedError(this.baseOffset);
          }
          this.handle = fh;
          if (this._sealed) this.fileCache?.opened(this);
          return fh;
        },
        (err: unknown) => {
          this.opening = null;
          throw err;
        },
      );
    }
    return this.opening;
  }

  /** Runs `fn` with the open file; a deletion or close waits for it to finish. */
  private async withFile<T>(fn: (fh: FileHandle) => Promise<T>): Promise<T> {
    if (this._deleted) throw new SegmentDeletedError(this.baseOffset);
    this.inflight++;
    try {
      const fh = await this.fileHandle();
      if (this._sealed) this.fileCache?.touch(this);
      return await fn(fh);
    } finally {
      this.release();
    }
  }

  private release(): void {
    this.inflight--;
    if (this.inflight === 0 && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  /**
   * Opens the file and keeps it open (counted as an operation in progress: neither the file cache
   * nor a deletion closes it) until the returned function is called.
   */
  async pin(): Promise<() => void> {
    if (this._deleted) throw new SegmentDeletedError(this.baseOffset);
    this.inflight++;
    try {
      await this.fileHandle();
    } catch (err) {
      this.release();
      throw err;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.release();
    };
  }

  /** File cache eviction: closes the descriptor and drops the indexes when the segment is sealed and idle. */
  evictIfIdle(): boolean {
    if (!this._sealed || this.inflight > 0 || this.opening || !this.handle) return false;
    const fh = this.handle;
    this.handle = null;
    this.unloadIndexes();
    this.largestCache = null;
    void fh.close().catch(() => {});
    return true;
  }

  private async idle(): Promise<void> {
    if (this.inflight === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  /** Reads up to `length` bytes at `position` (fewer at the end of the file). */
  async readAt(position: number, length: number): Promise<Buffer> {
    if (length <= 0) return EMPTY;
    return this.withFile(async (fh) => {
      const buf = Buffer.allocUnsafe(length);
      const n = await readFully(fh, buf, length, position);
      return n === length ? buf : buf.subarray(0, n);
    });
  }

  /** Scans the batches in [start, end) of this segment (end defaults to the current size). */
  async scan(options: Omit<ScanOptions, 'end'> & { end?: number }, onBatch: (batch: ScannedBatch) => boolean | void): Promise<ScanResult> {
    const end = options.end ?? this._size;
    return this.withFile((fh) => scanBatches(fh, { ...options, end }, onBatch));
  }

  /**
   * The batches of this segment from position `start` to its current end, each as a buffer of its
   * own (valid after the next iteration). Throws CorruptLogError on invalid or partial bytes.
   */
  async *batches(options: { start?: number; chunkSize?: number } = {}): AsyncGenerator<{ header: RecordBatchHeader; position: number; bytes: Buffer }> {
    const end = this._size;
    const chunkSize = Math.max(options.chunkSize ?? 1 << 20, BATCH_HEADER_SIZE);
    let pos = options.start ?? 0;
    while (pos < end) {
      const chunk = await this.readAt(pos, Math.min(chunkSize, end - pos));
      let p = 0;
      while (p + BATCH_HEADER_SIZE <= chunk.length) {
        const batchLength = chunk.readInt32BE(p + BATCH_LENGTH_OFFSET);
        if (batchLength < MIN_BATCH_LENGTH) throw new CorruptLogError(`invalid batch length ${batchLength} in ${this.logPath} at position ${pos + p}`);
        const size = batchLength + LOG_OVERHEAD;
        if (pos + p + size > end) throw new CorruptLogError(`partial batch in ${this.logPath} at position ${pos + p}`);
        let bytes: Buffer;
        if (p + size <= chunk.length) {
          bytes = chunk.subarray(p, p + size);
        } else if (p > 0) {
          break;
        } else {
          bytes = await this.readAt(pos, size);
          if (bytes.length < size) throw new CorruptLogError(`partial batch in ${this.logPath} at position ${pos}`);
        }
        yield { header: readBatchHeader(bytes, 0), position: pos + p, bytes };
        p += size;
      }
      if (p === 0 && chunk.length < BATCH_HEADER_SIZE) throw new CorruptLogError(`partial batch header in ${this.logPath} at position ${pos}`);
      pos += p;
    }
  }

  // ---- indexes ------------------------------------------------------------------------------

  /** Adds index entries for a batch at `position`, following the index.interval.bytes rule. */
  private indexBatch(batch: AppendedBatch, position: number, indexIntervalBytes: number): void {
    const offsetIndex = this.offsetIndex!;
    const timeIndex = this.timeIndex!;
    if (batch.maxTimestamp > this.maxTimestampSoFar) {
      this.maxTimestampSoFar = batch.maxTimestamp;
      this.offsetOfMaxTimestampSoFar = batch.baseOffset;
    }
    if (offsetIndex.entries === 0 || this.bytesSinceLastIndexEntry > indexIntervalBytes) {
      offsetIndex.append(batch.baseOffset, position);
      timeIndex.maybeAppend(this.maxTimestampSoFar, this.offsetOfMaxTimestampSoFar);
      this.bytesSinceLastIndexEntry = 0;
    }
    this.bytesSinceLastIndexEntry += batch.size;
  }

  private resetIndexes(): void {
    this.offsetIndex = new OffsetIndex(this.baseOffset);
    this.timeIndex = new TimeIndex(this.baseOffset);
    this.bytesSinceLastIndexEntry = 0;
    this.maxTimestampSoFar = -1;
    this.offsetOfMaxTimestampSoFar = -1;
    this.largestCache = null;
    this.indexesDirty = true;
  }

  /**
   * Loads the index files, checking them against the segment; rebuilds both by scanning when
   * either is missing or inconsistent. `nextOffset` (exclusive bound of the segment's offsets) is
   * used for the check when known.
   */
  async loadIndexes(nextOffset: number | undefined, indexIntervalBytes: number, logger?: Logger): Promise<IndexLoadResult> {
    if (this.offsetIndex) return { rebuilt: false };
    if (!this.indexLoading) {
      this.indexLoading = this.doLoadIndexes(nextOffset, indexIntervalBytes, logger).finally(() => {
        this.indexLoading = null;
      });
    }
    return this.indexLoading;
  }

  private async doLoadIndexes(nextOffset: number | undefined, indexIntervalBytes: number, logger?: Logger): Promise<IndexLoadResult> {
    const reason = await this.tryLoadIndexFiles(nextOffset);
    if (reason === null) return { rebuilt: false };
    logger?.warn('rebuilding segment indexes', { segment: this.logPath, reason });
    await this.rebuildIndexes(indexIntervalBytes, logger);
    await this.writeIndexFiles(false);
    return { rebuilt: true, reason };
  }

  /** Returns null when both index files were loaded, else why they cannot be used. */
  private async tryLoadIndexFiles(nextOffset: number | undefined): Promise<string | null> {
    let offsetBytes: Buffer;
    let timeBytes: Buffer;
    try {
      offsetBytes = await readFile(this.indexPath);
      timeBytes = await readFile(this.timeIndexPath);
    } catch (err) {
      if (isNotFound(err)) return 'index file missing';
      throw err;
    }
    const offsetIndex = OffsetIndex.parse(this.baseOffset, offsetBytes, this._size, nextOffset);
    if (typeof offsetIndex === 'string') return `offset index: ${offsetIndex}`;
    const timeIndex = TimeIndex.parse(this.baseOffset, timeBytes, this._size, nextOffset);
    if (typeof timeIndex === 'string') return `time index: ${timeIndex}`;
    const last = offsetIndex.lastEntry();
    if (last !== null) {
      // The last entry must point at a batch with that base offset.
      const head = await this.readAt(last.position, LOCATE_HEADER_BYTES);
      if (head.length < LOCATE_HEADER_BYTES) return 'offset index points past the data';
      if (readInt64(head, 0) !== last.offset || head.readInt32BE(BATCH_LENGTH_OFFSET) < MIN_BATCH_LENGTH) {
        return 'offset index entry does not match the batch it points at';
      }
    }
    this.offsetIndex = offsetIndex;
    this.timeIndex = timeIndex;
    this.indexesDirty = false;
    this.bytesSinceLastIndexEntry = last === null ? 0 : this._size - last.position;
    const lastTime = timeIndex.lastEntry();
    this.maxTimestampSoFar = lastTime?.timestamp ?? -1;
    this.offsetOfMaxTimestampSoFar = lastTime?.offset ?? -1;
    return null;
  }

  /** Rebuilds the indexes from the batches in the file (no CRC checks); stops at invalid bytes. */
  private async rebuildIndexes(indexIntervalBytes: number, logger?: Logger): Promise<number> {
    this.resetIndexes();
    let nextOffset = this.baseOffset;
    const result = await this.scan({ start: 0 }, ({ header, position, size }) => {
      const lastOffset = header.baseOffset + header.lastOffsetDelta;
      this.indexBatch({ baseOffset: header.baseOffset, lastOffset, maxTimestamp: header.maxTimestamp, size }, position, indexIntervalBytes);
      nextOffset = lastOffset + 1;
    });
    if (result.invalid) logger?.warn('segment has invalid bytes after the last valid batch', { segment: this.logPath, reason: result.invalid, position: result.end });
    return nextOffset;
  }

  /**
   * Recovery: checks every batch (length, magic, CRC, increasing offsets from `firstOffset`),
   * truncates the file at the first invalid or partial batch and rebuilds the indexes.
   */
  async recover(indexIntervalBytes: number, firstOffset: number): Promise<RecoverResult> {
    this.resetIndexes();
    let nextOffset = Math.max(this.baseOffset, firstOffset);
    let offsetProblem: string | undefined;
    const result = await this.scan({ start: 0, verify: true }, ({ header, position, size }) => {
      const lastOffset = header.baseOffset + header.lastOffsetDelta;
      if (header.baseOffset < nextOffset || header.lastOffsetDelta < 0 || lastOffset - this.baseOffset > MAX_RELATIVE_OFFSET) {
        offsetProblem = `batch at position ${position} has offsets [${header.baseOffset}, ${lastOffset}], expected from ${nextOffset}`;
        return false;
      }
      this.indexBatch({ baseOffset: header.baseOffset, lastOffset, maxTimestamp: header.maxTimestamp, size }, position, indexIntervalBytes);
      nextOffset = lastOffset + 1;
      return true;
    });
    const invalid = result.invalid ?? offsetProblem;
    const truncatedBytes = Math.max(0, this._size - result.end);
    await this.withFile(async (fh) => {
      if (truncatedBytes > 0) await fh.truncate(result.end);
      await fh.datasync();
    });
    this._size = result.end;
    this.flushedSize = this._size;
    return { nextOffset, truncatedBytes, invalid };
  }

  /**
   * Offset after the last batch, read from the last offset index entry onwards. Needs the indexes
   * loaded.
   */
  async readNextOffset(): Promise<number> {
    const start = this.offsetIndex?.lastEntry()?.position ?? 0;
    let nextOffset = this.baseOffset;
    if (this._size === 0) return nextOffset;
    await this.scan({ start }, ({ header }) => {
      nextOffset = header.baseOffset + header.lastOffsetDelta + 1;
    });
    return nextOffset;
  }

  /** Adds the segment's largest timestamp as a final time index entry (roll, close). */
  sealTimeIndex(): void {
    if (this.timeIndex?.maybeAppend(this.maxTimestampSoFar, this.offsetOfMaxTimestampSoFar)) this.indexesDirty = true;
  }

  /**
   * Writes the in-memory indexes to their files when they changed. The time index is sealed first,
   * so the last entry of every time index file is the segment's largest timestamp.
   */
  async writeIndexFiles(sync: boolean): Promise<void> {
    this.sealTimeIndex();
    if (!this.offsetIndex || !this.timeIndex || !this.indexesDirty || this._deleted || this.retired) return;
    this.indexesDirty = false;
    try {
      await atomicWriteFile(this.indexPath, this.offsetIndex.toBuffer(), sync);
      await atomicWriteFile(this.timeIndexPath, this.timeIndex.toBuffer(), sync);
    } catch (err) {
      this.indexesDirty = true;
      throw err;
    }
  }

  /** Position to start scanning for `offset` (needs the indexes loaded). */
  lookup(offset: number): OffsetPosition {
    return this.offsetIndex ? this.offsetIndex.lookup(offset) : { offset: this.baseOffset, position: 0 };
  }

  /** Time index lookup (needs the indexes loaded). */
  lookupTimestamp(timestamp: number): TimestampOffset {
    return this.timeIndex ? this.timeIndex.lookup(timestamp) : { timestamp: -1, offset: this.baseOffset };
  }

  /** First time index entry (first batch with a timestamp), when loaded. */
  firstTimestampEntry(): TimestampOffset | null {
    return this.timeIndex?.firstEntry() ?? null;
  }

  /** True when `newBatches` more batches, each possibly indexed, could make an index exceed `maxIndexBytes`. */
  indexFull(maxIndexBytes: number, newBatches: number): boolean {
    if (!this.offsetIndex || !this.timeIndex) return false;
    return (this.offsetIndex.entries + newBatches) * OFFSET_INDEX_ENTRY_SIZE > maxIndexBytes
      || (this.timeIndex.entries + newBatches) * TIME_INDEX_ENTRY_SIZE > maxIndexBytes;
  }

  /**
   * Largest batch timestamp in the segment and the base offset of the batch that has it
   * ((-1, -1) without timestamps). Cheap for an unloaded segment: reads only the last time index
   * entry when the file looks sound, else loads the indexes.
   */
  async largestTimestamp(nextOffset: number | undefined, indexIntervalBytes: number, logger?: Logger): Promise<TimestampOffset> {
    if (this.offsetIndex) return { timestamp: this.maxTimestampSoFar, offset: this.offsetOfMaxTimestampSoFar };
    if (this.largestCache) return this.largestCache;
    try {
      const info = await stat(this.timeIndexPath);
      if (info.size > 0 && info.size % TIME_INDEX_ENTRY_SIZE === 0 && this._size > 0) {
        const fh = await open(this.timeIndexPath, 'r');
        try {
          const buf = Buffer.allocUnsafe(TIME_INDEX_ENTRY_SIZE);
          const n = await readFully(fh, buf, TIME_INDEX_ENTRY_SIZE, info.size - TIME_INDEX_ENTRY_SIZE);
          if (n === TIME_INDEX_ENTRY_SIZE) {
            const entry = TimeIndex.decodeEntry(this.baseOffset, buf);
            if (entry.timestamp >= 0 && entry.offset >= this.baseOffset && (nextOffset === undefined || entry.offset < nextOffset)) {
              this.largestCache = entry;
              return entry;
            }
          }
        } finally {
          await fh.close();
        }
      }
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    await this.loadIndexes(nextOffset, indexIntervalBytes, logger);
    return { timestamp: this.maxTimestampSoFar, offset: this.offsetOfMaxTimestampSoFar };
  }

  /** maxTimestamp of the first batch (-1 when the segment is empty or the batch has none). */
  async firstBatchTimestamp(): Promise<number> {
    if (this._size < BATCH_HEADER_SIZE) return -1;
    const head = await this.readAt(0, BATCH_HEADER_SIZE);
    return head.length < BATCH_HEADER_SIZE ? -1 : readBatchHeader(head, 0).maxTimestamp;
  }

  /** Creation time of the log file when the file system records one, else null. */
  async createdTime(): Promise<number | null> {
    try {
      const info = await stat(this.logPath);
      return info.birthtimeMs > 0 ? info.birthtimeMs : null;
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  /** Modification time of the log file (retention fallback for segments without timestamps). */
  async lastModified(): Promise<number> {
    try {
      return (await stat(this.logPath)).mtimeMs;
    } catch (err) {
      if (isNotFound(err)) return 0;
      throw err;
    }
  }

  // ---- append, read, flush -----------------------------------------------------------------

  /**
   * Writes `buffers` (whole batches, already validated and given offsets) at the end of the file
   * with one positional writev, then indexes the batches. On failure the file is cut back to
   * its previous size. Needs the indexes loaded.
   */
  async append(buffers: readonly Buffer[], batches: readonly AppendedBatch[], indexIntervalBytes: number): Promise<void> {
    if (!this.offsetIndex) throw new Error('segment indexes must be loaded before appending');
    const start = this._size;
    let total = 0;
    for (const b of buffers) total += b.length;
    await this.withFile(async (fh) => {
      try {
        let written = 0;
        let pending: Buffer[] = [...buffers];
        while (written < total) {
          const { bytesWritten } = await fh.writev(pending, start + written);
          if (bytesWritten <= 0) throw new Error('writev wrote nothing');
          written += bytesWritten;
          if (written < total) pending = remainingBuffers(pending, bytesWritten);
        }
      } catch (err) {
        await fh.truncate(start).catch(() => {});
        throw new KafkaStorageError(`write to ${this.logPath} failed`, err);
      }
    });
    this._size = start + total;
    let position = start;
    for (const batch of batches) {
      this.indexBatch(batch, position, indexIntervalBytes);
      position += batch.size;
    }
    this.indexesDirty = true;
    this.largestCache = null;
  }

  /** fdatasync of the log file when it holds unflushed bytes. Returns whether a sync ran. */
  async flush(): Promise<boolean> {
    if (this._size <= this.flushedSize || this._deleted) return false;
    const target = this._size;
    await this.withFile((fh) => fh.datasync());
    if (target > this.flushedSize) this.flushedSize = target;
    return true;
  }

  /**
   * Whole batches starting with the one holding `offset`: at most `maxBytes`, or the first batch
   * alone when it is larger and `minOneBatch` is set (empty otherwise). Returns null when no batch
   * of this segment has an offset >= `offset`. Needs the indexes loaded. Usually one read.
   */
  async readBatches(offset: number, maxBytes: number, minOneBatch: boolean, indexIntervalBytes: number): Promise<Buffer | null> {
    const end = this._size;
    const target = Math.max(0, maxBytes);
    let pos = this.lookup(offset).position;
    let chunk: Buffer = EMPTY;
    let chunkPos = 0;
    let start = -1;
    let firstSize = 0;
    while (pos < end && start < 0) {
      const len = Math.min(end - pos, Math.max(target, MIN_READ_CHUNK) + indexIntervalBytes + BATCH_HEADER_SIZE);
      chunk = await this.readAt(pos, len);
      chunkPos = pos;
      let p = 0;
      while (p + LOCATE_HEADER_BYTES <= chunk.length) {
        const batchLength = chunk.readInt32BE(p + BATCH_LENGTH_OFFSET);
        if (batchLength < MIN_BATCH_LENGTH) {
          throw new CorruptLogError(`invalid batch length ${batchLength} in ${this.logPath} at position ${chunkPos + p}`);
        }
        const size = batchLength + LOG_OVERHEAD;
        const lastOffset = readInt64(chunk, p) + chunk.readInt32BE(p + LAST_OFFSET_DELTA_OFFSET);
        if (lastOffset >= offset) {
          start = chunkPos + p;
          firstSize = size;
          break;
        }
        p += size;
      }
      if (start >= 0) break;
      if (p === 0) return null; // fewer bytes than a header remain
      pos = chunkPos + p;
    }
    if (start < 0) return null;
    let want = firstSize > target ? (minOneBatch ? firstSize : 0) : target;
    want = Math.min(want, end - start);
    if (want <= 0) return EMPTY;
    const data = start >= chunkPos && start + want <= chunkPos + chunk.length
      ? chunk.subarray(start - chunkPos, start - chunkPos + want)
      : await this.readAt(start, want);
    let q = 0;
    while (q + LOG_OVERHEAD <= data.length) {
      const size = data.readInt32BE(q + BATCH_LENGTH_OFFSET) + LOG_OVERHEAD;
      if (size < BATCH_HEADER_SIZE || q + size > data.length) break;
      q += size;
    }
    return q === data.length ? data : data.subarray(0, q);
  }

  // ---- close, delete -----------------------------------------------------------------------

  /** Closes the file descriptor once in-flight operations finish; indexes stay in memory. */
  async close(): Promise<void> {
    while (this.inflight > 0 || this.opening) {
      await this.idle();
      if (this.opening) await this.opening.catch(() => {});
    }
    const fh = this.handle;
    this.handle = null;
    this.fileCache?.closed(this);
    if (fh) await fh.close();
  }

  /** Drops in-memory indexes (they are reloaded from their files on next use). */
  unloadIndexes(): void {
    if (this.indexesDirty) return;
    this.offsetIndex = null;
    this.timeIndex = null;
  }

  /**
   * First step of replacing this segment by a cleaned one: removes the index files and renames the
   * log file to `<base>.log.deleted` (open descriptors keep reading it). The in-memory indexes
   * stay usable but are no longer written.
   */
  async retireFiles(): Promise<void> {
    if (this.retired) return;
    await unlinkIfExists(this.indexPath);
    await unlinkIfExists(this.timeIndexPath);
    const target = join(this.dir, logFileName(this.baseOffset) + DELETED_SUFFIX);
    await rename(this._logPath, target);
    this._logPath = target;
    this.retired = true;
  }

  /** Undoes `retireFiles` (the replacement failed); the indexes are written again at the next seal or close. */
  async restoreFiles(): Promise<void> {
    if (!this.retired) return;
    const original = join(this.dir, logFileName(this.baseOffset));
    await rename(this._logPath, original);
    this._logPath = original;
    this.retired = false;
    if (this.offsetIndex) this.indexesDirty = true;
  }

  /**
   * Marks the segment deleted, removes its files at once and closes the descriptor after
   * in-flight reads (they keep reading the unlinked file).
   */
  async delete(): Promise<void> {
    this._deleted = true;
    this.indexesDirty = false;
    await unlinkIfExists(this.logPath);
    // A retired segment's index files are gone already, and their names may be the replacement's.
    if (!this.retired) {
      await unlinkIfExists(this.indexPath);
      await unlinkIfExists(this.timeIndexPath);
    }
    await this.close();
  }
}

function remainingBuffers(buffers: readonly Buffer[], skip: number): Buffer[] {
  const out: Buffer[] = [];
  let left = skip;
  for (const b of buffers) {
    if (left >= b.length) {
      left -= b.length;
      continue;
    }
    out.push(left > 0 ? b.subarray(left) : b);
    left = 0;
  }
  return out;
}
