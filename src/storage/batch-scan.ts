/**
 * Sequential scan of the record batches stored in a segment file, reading large chunks. Used to
 * rebuild indexes, to recover after an unclean shutdown (with CRC checks), to rebuild producer
 * state and to search by timestamp.
 */
import {
  BATCH_HEADER_SIZE,
  BATCH_LENGTH_OFFSET,
  LOG_OVERHEAD,
  MIN_BATCH_LENGTH,
  checkStoredBatch,
  readBatchHeader,
  type RecordBatchHeader,
} from '../protocol/records/batch-header.ts';
import { readFully, type ReadableFile } from './fs-util.ts';

export const DEFAULT_SCAN_CHUNK = 1 << 20;

export interface ScannedBatch {
  header: RecordBatchHeader;
  /** Position of the batch in the file. */
  position: number;
  size: number;
  /** The whole batch, when `withBytes` or `verify` was asked; a view into a scan buffer valid only during the callback. */
  bytes: Buffer | null;
}

export interface ScanOptions {
  start: number;
  /** Exclusive end position (the file size or less). */
  end: number;
  /** Check magic and CRC of every batch; implies `withBytes`. */
  verify?: boolean;
  withBytes?: boolean;
  chunkSize?: number;
}

export interface ScanResult {
  /** Position just after the last batch accepted by the callback. */
  end: number;
  /** Why the scan stopped before `options.end` because of the bytes (partial or invalid batch). */
  invalid?: string;
  /** The callback returned false. */
  stopped: boolean;
}

/**
 * Calls `onBatch` for each batch in [start, end). The callback returns false to stop; the batch it
 * was given is then not counted in `end`.
 */
export async function scanBatches(
  file: ReadableFile,
  options: ScanOptions,
  onBatch: (batch: ScannedBatch) => boolean | void,
): Promise<ScanResult> {
  const verify = options.verify ?? false;
  const withBytes = verify || (options.withBytes ?? false);
  const chunkSize = Math.max(options.chunkSize ?? DEFAULT_SCAN_CHUNK, BATCH_HEADER_SIZE);
  const end = options.end;
  let pos = options.start;
  let chunk = Buffer.allocUnsafe(Math.min(chunkSize, Math.max(end - pos, BATCH_HEADER_SIZE)));
  while (pos < end) {
    const want = Math.min(chunk.length, end - pos);
    const n = await readFully(file, chunk, want, pos);
    if (n < BATCH_HEADER_SIZE) {
      return { end: pos, invalid: `partial batch header: ${n} bytes at position ${pos}`, stopped: false };
    }
    let p = 0;
    while (p + BATCH_HEADER_SIZE <= n) {
      const batchLength = chunk.readInt32BE(p + BATCH_LENGTH_OFFSET);
      const at = pos + p;
      if (batchLength < MIN_BATCH_LENGTH) return { end: at, invalid: `invalid batch length ${batchLength} at position ${at}`, stopped: false };
      const size = batchLength + LOG_OVERHEAD;
      if (at + size > end) return { end: at, invalid: `partial batch at position ${at}: ${size} bytes declared, ${end - at} present`, stopped: false };
      let bytes: Buffer | null = null;
      if (withBytes) {
        if (p + size <= n) {
          bytes = chunk.subarray(p, p + size);
        } else if (p > 0) {
          break; // re-read from this batch so it starts the next chunk
        } else {
          bytes = Buffer.allocUnsafe(size);
          const got = await readFully(file, bytes, size, at);
          if (got < size) return { end: at, invalid: `partial batch at position ${at}`, stopped: false };
        }
        if (verify) {
          const check = checkStoredBatch(bytes, 0);
          if ('invalid' in check) return { end: at, invalid: `${check.invalid} at position ${at}`, stopped: false };
        }
      }
      const header = readBatchHeader(chunk, p);
      if (onBatch({ header, position: at, size, bytes }) === false) return { end: at, stopped: true };
      p += size;
    }
    pos += p;
  }
  return { end: pos, stopped: false };
}
