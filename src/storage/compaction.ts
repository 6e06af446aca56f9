/**
 * The pure parts of log compaction (`cleanup.policy=compact`), as in Kafka's log cleaner:
 *
 *  - the offset map: key → offset of its latest record in the dirty section of a log;
 *  - which records a cleaning keeps: the latest record of each key (records without a key are
 *    kept), tombstones (null value) only until they expire;
 *  - the dirty ratio and which log to clean first;
 *  - grouping adjacent segments into one cleaned segment;
 *  - rewriting one batch with the records it keeps: the header is kept (base offset, last offset
 *    delta, base timestamp, producer id/epoch/base sequence, leader epoch, attributes), each kept
 *    record's bytes are copied as they were (offset delta, timestamp delta, key, value, headers),
 *    the records are compressed again with the batch's codec, and recordCount, maxTimestamp
 *    (CreateTime) and the CRC are recomputed;
 *  - the produce-time check that every record of a compacted log has a key.
 *
 * Tombstone rule: a tombstone that is still the latest record of its key is removed once the
 * segment holding it was last modified more than delete.retention.ms ago. A segment's last
 * modification is never earlier than the append of any batch in it, and a cleaned segment keeps
 * the largest modification time of the segments it replaces, so a tombstone is always kept for at
 * least delete.retention.ms after it was written (a consumer that reaches the end of the log within
 * that time sees it), whatever timestamp the producer gave it.
 */
import { KafkaProtocolError } from '../protocol/errors.ts';
import { ErrorCode } from '../protocol/generated/error-codes.ts';
import {
  ATTRIBUTES_OFFSET,
  BATCH_HEADER_SIZE,
  BATCH_LENGTH_OFFSET,
  COMPRESSION_MASK,
  CRC_OFFSET,
  LOG_OVERHEAD,
  MAX_TIMESTAMP_OFFSET,
  RECORD_COUNT_OFFSET,
  batchCompression,
  computeBatchCrc,
  isControl,
  isLogAppendTime,
  readBatchHeader,
  writeInt64,
  type RecordBatchHeader,
  type ValidationSummary,
} from '../protocol/records/batch-header.ts';
import { compress, decompress } from '../protocol/records/compression.ts';
import { MAX_RELATIVE_OFFSET } from './index-math.ts';
import { recordSpans, type RecordSpan } from './record-walk.ts';

// ---- records of a batch -------------------------------------------------------------------------

/** What the cleaner looks at in one record. */
export interface RecordView {
  offset: number;
  timestamp: number;
  /** The key bytes as a latin1 string (one character per byte), null for a record without key. */
  key: string | null;
  /** Null value. */
  tombstone: boolean;
}

interface DecodedRecords {
  header: RecordBatchHeader;
  data: Buffer;
  spans: RecordSpan[];
}

/** The records section of the whole batch `batch` (decompressed) and each record's span in it. */
function decodeRecords(batch: Buffer): DecodedRecords {
  const header = readBatchHeader(batch, 0);
  const end = Math.min(batch.length, header.batchLength + LOG_OVERHEAD);
  const raw = batch.subarray(BATCH_HEADER_SIZE, end);
  const data = decompress(batchCompression(header.attributes), raw);
  return { header, data, spans: [...recordSpans(data, Math.max(0, header.recordCount))] };
}

function viewOf(header: RecordBatchHeader, data: Buffer, s: RecordSpan): RecordView {
  return {
    offset: header.baseOffset + s.offsetDelta,
    timestamp: isLogAppendTime(header.attributes) ? header.maxTimestamp : header.baseTimestamp + s.timestampDelta,
    key: s.keyLength < 0 ? null : data.toString('latin1', s.keyStart, s.keyStart + s.keyLength),
    tombstone: s.valueLength < 0,
  };
}

/** Calls `fn` for every record of the whole batch `batch` (decompressing when needed). */
export function forEachRecord(batch: Buffer, fn: (record: RecordView) => void): void {
  const { header, data, spans } = decodeRecords(batch);
  for (const s of spans) fn(viewOf(header, data, s));
}

/**
 * Produce-time check for compacted logs (Kafka's): every record of every data batch needs a key.
 * Throws INVALID_RECORD otherwise. Control batches are not checked.
 */
export function assertRecordsHaveKeys(records: Buffer, summary: ValidationSummary, partition: string): void {
  for (const { pos, size, header } of summary.batches) {
    if (isControl(header.attributes)) continue;
    const batch = records.subarray(pos, pos + size);
    const { spans } = decodeRecords(batch);
    for (const s of spans) {
      if (s.keyLength < 0) {
        throw new KafkaProtocolError(
          ErrorCode.INVALID_RECORD,
          `Compacted topic cannot accept message without key in topic partition ${partition}.`,
          { position: pos },
        );
      }
    }
  }
}

// ---- the offset map ---------------------------------------------------------------------------

/** Key → offset of its latest record in the dirty section. */
export class OffsetMap {
  private readonly map = new Map<string, number>();
  /** Largest offset put so far (-1 when empty). */
  latestOffset = -1;

  get size(): number {
    return this.map.size;
  }

  put(key: string, offset: number): void {
    const prev = this.map.get(key);
    if (prev === undefined || offset >= prev) this.map.set(key, offset);
    if (offset > this.latestOffset) this.latestOffset = offset;
  }

  get(key: string): number | undefined {
    return this.map.get(key);
  }

  /** Adds every keyed record of a data batch (control batches add nothing). */
  addBatch(batch: Buffer): void {
    if (isControl(batch.readInt16BE(ATTRIBUTES_OFFSET))) return;
    forEachRecord(batch, (r) => {
      if (r.key !== null) this.put(r.key, r.offset);
    });
  }
}

// ---- what to keep --------------------------------------------------------------------------

export type RetainDecision = 'keep' | 'superseded' | 'expired-tombstone';

/**
 * Whether a tombstone in a segment last modified at `segmentModifiedMs` may be removed at `now`
 * (see the module comment).
 */
export function tombstoneExpired(segmentModifiedMs: number, now: number, deleteRetentionMs: number): boolean {
  return now - segmentModifiedMs > deleteRetentionMs;
}

/**
 * The fate of one record: superseded when the map knows a later record of its key, removed when
 * it is a tombstone whose segment is past delete.retention.ms (`tombstonesExpired`), else kept.
 * Records without a key are kept.
 */
export function retainRecord(record: RecordView, map: OffsetMap, tombstonesExpired: boolean): RetainDecision {
  if (record.key === null) return 'keep';
  const latest = map.get(record.key);
  if (latest !== undefined && record.offset < latest) return 'superseded';
  if (record.tombstone && tombstonesExpired) return 'expired-tombstone';
  return 'keep';
}

export interface BatchFilterResult {
  /** The batch to write: the input itself when unchanged, null when it is dropped. */
  bytes: Buffer | null;
  changed: boolean;
  retained: number;
  superseded: number;
  tombstonesRemoved: number;
}

/**
 * Rewrites the whole batch `batch` keeping the records `decide` keeps. When nothing is removed the
 * input is returned as is. When everything is removed the batch is dropped, unless `keepEmpty`
 * (the last batch of an idempotent producer keeps its header so that its sequence numbers can be
 * rebuilt): then it becomes a batch without records and without compression.
 */
export function filterBatch(batch: Buffer, decide: (record: RecordView) => RetainDecision, options: { keepEmpty?: boolean } = {}): BatchFilterResult {
  const { header, data, spans } = decodeRecords(batch);
  const kept: RecordSpan[] = [];
  let superseded = 0;
  let tombstonesRemoved = 0;
  let maxTimestamp = -1;
  for (const s of spans) {
    const view = viewOf(header, data, s);
    const decision = decide(view);
    if (decision === 'keep') {
      kept.push(s);
      if (view.timestamp > maxTimestamp) maxTimestamp = view.timestamp;
    } else if (decision === 'superseded') {
      superseded++;
    } else {
      tombstonesRemoved++;
    }
  }
  const result = { retained: kept.length, superseded, tombstonesRemoved };
  if (kept.length === spans.length) return { bytes: batch, changed: false, ...result };
  if (kept.length === 0) {
    return { bytes: options.keepEmpty ? emptyBatchFrom(batch) : null, changed: true, ...result };
  }
  const records = Buffer.concat(kept.map((s) => data.subarray(s.start, s.end)));
  const payload = compress(batchCompression(header.attributes), records);
  const out = Buffer.allocUnsafe(BATCH_HEADER_SIZE + payload.length);
  batch.copy(out, 0, 0, BATCH_HEADER_SIZE);
  payload.copy(out, BATCH_HEADER_SIZE);
  out.writeInt32BE(out.length - LOG_OVERHEAD, BATCH_LENGTH_OFFSET);
  out.writeInt32BE(kept.length, RECORD_COUNT_OFFSET);
  if (!isLogAppendTime(header.attributes)) writeInt64(out, MAX_TIMESTAMP_OFFSET, maxTimestamp);
  out.writeUInt32BE(computeBatchCrc(out, 0, out.length), CRC_OFFSET);
  return { bytes: out, changed: true, ...result };
}

/** The header of `batch` as a batch without records (no compression, same offsets and producer fields). */
export function emptyBatchFrom(batch: Buffer): Buffer {
  const out = Buffer.allocUnsafe(BATCH_HEADER_SIZE);
  batch.copy(out, 0, 0, BATCH_HEADER_SIZE);
  out.writeInt32BE(BATCH_HEADER_SIZE - LOG_OVERHEAD, BATCH_LENGTH_OFFSET);
  out.writeInt16BE(out.readInt16BE(ATTRIBUTES_OFFSET) & ~COMPRESSION_MASK, ATTRIBUTES_OFFSET);
  out.writeInt32BE(0, RECORD_COUNT_OFFSET);
  out.writeUInt32BE(computeBatchCrc(out, 0, out.length), CRC_OFFSET);
  return out;
}

// ---- which log, which segments ------------------------------------------------------------------

/** The cleanable state of one compacted log. */
export interface CleanableState {
  logStartOffset: number;
  /** Where the dirty section starts (the clean offset, at least the log start offset). */
  firstDirtyOffset: number;
  /** Where cleaning must stop: the active segment, or the first segment younger than min.compaction.lag.ms. */
  firstUncleanableOffset: number;
  /** Bytes of the segments before the dirty section. */
  cleanBytes: number;
  /** Bytes of the dirty segments before `firstUncleanableOffset`. */
  dirtyBytes: number;
  /** The oldest dirty record is older than max.compaction.lag.ms. */
  needsCompactionNow: boolean;
}

/** dirtyBytes / (cleanBytes + dirtyBytes); 0 for an empty log. */
export function dirtyRatio(state: Pick<CleanableState, 'cleanBytes' | 'dirtyBytes'>): number {
  const total = state.cleanBytes + state.dirtyBytes;
  return total > 0 ? state.dirtyBytes / total : 0;
}

/** A log is worth cleaning when it has dirty bytes and either its dirty ratio reaches `minRatio` or max.compaction.lag.ms passed. */
export function shouldClean(state: Pick<CleanableState, 'cleanBytes' | 'dirtyBytes' | 'needsCompactionNow'>, minRatio: number): boolean {
  if (state.dirtyBytes <= 0) return false;
  return state.needsCompactionNow || dirtyRatio(state) >= minRatio;
}

/** The candidate to clean first: among those worth cleaning, the largest dirty ratio (the first on ties). Null when none. */
export function chooseDirtiest<T extends { state: CleanableState; minCleanableDirtyRatio: number }>(candidates: readonly T[]): T | null {
  let best: T | null = null;
  let bestRatio = -1;
  for (const c of candidates) {
    if (!shouldClean(c.state, c.minCleanableDirtyRatio)) continue;
    const ratio = dirtyRatio(c.state);
    if (ratio > bestRatio) {
      best = c;
      bestRatio = ratio;
    }
  }
  return best;
}

export interface GroupableSegment {
  baseOffset: number;
  size: number;
  /** Exclusive bound of the segment's offsets (the next segment's base offset). */
  nextOffset: number;
}

/**
 * Splits adjacent segments into groups that are each cleaned into one segment: a group's total
 * size stays within `maxBytes` (segment.bytes), its offsets fit an index (relative offsets are
 * int32) and its estimated index stays within `maxIndexBytes`. A segment larger than the limits
 * forms a group alone. Returns the groups as index ranges [start, end).
 */
export function groupSegments(
  segments: readonly GroupableSegment[],
  limits: { maxBytes: number; maxIndexBytes: number; indexIntervalBytes: number },
): Array<[number, number]> {
  const groups: Array<[number, number]> = [];
  const interval = Math.max(1, limits.indexIntervalBytes);
  let i = 0;
  while (i < segments.length) {
    const start = i;
    let bytes = segments[i].size;
    i++;
    while (i < segments.length) {
      const next = segments[i];
      const total = bytes + next.size;
      const span = next.nextOffset - 1 - segments[start].baseOffset;
      const indexBytes = (Math.ceil(total / interval) + (i - start + 1)) * 12;
      if (total > limits.maxBytes || span > MAX_RELATIVE_OFFSET || indexBytes > limits.maxIndexBytes) break;
      bytes = total;
      i++;
    }
    groups.push([start, i]);
  }
  return groups;
}

// ---- cleaning a log: options, hooks, results ------------------------------------------------------

/** Steps of a segment replacement, for tests that simulate a crash at each one (see segment-swap.ts). */
export type CleanerStep =
  /** `<base>.log.cleaned` is complete and fdatasync'ed. */
  | 'cleaned-written'
  /** It was renamed to `<base>.log.swap`. */
  | 'swap-created'
  /** One old segment's files were renamed to `.deleted` (reported once per old segment, newest first; `baseOffset` is that segment's). */
  | 'segment-retired'
  /** `<base>.log.swap` became `<base>.log` and the segment list switched. */
  | 'swapped'
  /** The old segments' files are gone. */
  | 'old-deleted'
  /** The new segment's index files are written. */
  | 'done';

export interface CleanerHooks {
  /** Called at each step; a throw stops the cleaning there (the runtime then undoes what did not commit). */
  onStep?(step: CleanerStep, info: { dir: string; baseOffset: number }): void | Promise<void>;
}

export interface CompactOptions {
  /** The clean offset from the cleaner checkpoint (default: the log start offset, everything is dirty). */
  cleanOffset?: number;
  /** Clock for tombstone expiry and the compaction lags; default the log's clock. */
  now?: number;
  /** Most keys in the offset map; the dirty section is cut at a segment boundary beyond it. Default 500000. */
  maxMapEntries?: number;
  hooks?: CleanerHooks;
  /** Aborts the cleaning at the next batch (nothing is swapped). */
  signal?: AbortSignal;
}

export interface CompactResult {
  /** Compaction ran: the policy contains compact and some non-active segment could be cleaned. */
  cleaned: boolean;
  /** Not every segment group could be swapped (the log changed meanwhile): the clean offset must not move. */
  incomplete: boolean;
  firstDirtyOffset: number;
  /** Everything below this offset is clean now (the next clean offset to checkpoint). */
  cleanOffset: number;
  /** Keys in the offset map. */
  keys: number;
  /** Segments read and segments written in their place. */
  segmentsCleaned: number;
  segmentsWritten: number;
  bytesBefore: number;
  bytesAfter: number;
  /** Records removed because a later record has the same key. */
  recordsRemoved: number;
  /** Tombstones removed because they expired. */
  tombstonesRemoved: number;
}

export const DEFAULT_MAX_MAP_ENTRIES = 500_000;

/** The cleaning stopped because the log closed or the cleaner stopped; nothing was swapped. */
export class CleanAbortedError extends Error {
  constructor(dir: string) {
    super(`cleaning of ${dir} was aborted`);
    this.name = 'CleanAbortedError';
  }
}
