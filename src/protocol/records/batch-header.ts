/**
 * The fixed 61-byte header of a Kafka record batch (magic v2): field offsets, a typed reader,
 * in-place patchers and the produce-path validation that walks concatenated batches without
 * copying or decoding their records. Pure: no I/O.
 *
 * 64-bit fields (baseOffset, timestamps, producerId) are returned as JavaScript numbers. They
 * are exact while their magnitude stays below 2^53 (Number.MAX_SAFE_INTEGER); offsets, epoch
 * millisecond timestamps and producer ids stay far below that in practice. Larger values
 * are read approximately and cannot be written.
 */
import { ErrorCode } from '../generated/error-codes.ts';
import { KafkaProtocolError } from '../errors.ts';
import { crc32c } from './crc32c.ts';

export const BASE_OFFSET_OFFSET = 0;
export const BATCH_LENGTH_OFFSET = 8;
export const PARTITION_LEADER_EPOCH_OFFSET = 12;
export const MAGIC_OFFSET = 16;
export const CRC_OFFSET = 17;
export const ATTRIBUTES_OFFSET = 21;
export const LAST_OFFSET_DELTA_OFFSET = 23;
export const BASE_TIMESTAMP_OFFSET = 27;
export const MAX_TIMESTAMP_OFFSET = 35;
export const PRODUCER_ID_OFFSET = 43;
export const PRODUCER_EPOCH_OFFSET = 51;
export const BASE_SEQUENCE_OFFSET = 53;
export const RECORD_COUNT_OFFSET = 57;
export const RECORDS_OFFSET = 61;

/** Bytes before the batch length is counted: baseOffset + batchLength. */
export const LOG_OVERHEAD = 12;
/** Size of the whole header; the smallest possible batch (no records). */
export const BATCH_HEADER_SIZE = RECORDS_OFFSET;
/** Smallest legal value of the batchLength field. */
export const MIN_BATCH_LENGTH = BATCH_HEADER_SIZE - LOG_OVERHEAD;
/** The record batch format this module reads. */
export const CURRENT_MAGIC = 2;

export const COMPRESSION_MASK = 0x07;
export const TIMESTAMP_TYPE_MASK = 0x08;
export const TRANSACTIONAL_MASK = 0x10;
export const CONTROL_MASK = 0x20;

export const NO_PRODUCER_ID = -1;
export const NO_PRODUCER_EPOCH = -1;
export const NO_SEQUENCE = -1;
export const NO_TIMESTAMP = -1;

export type CompressionType = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';
const COMPRESSION_NAMES: readonly CompressionType[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

export interface RecordBatchHeader {
  baseOffset: number;
  /** Bytes after the batchLength field; the whole batch is `batchLength + LOG_OVERHEAD`. */
  batchLength: number;
  partitionLeaderEpoch: number;
  magic: number;
  /** Stored CRC-32C, unsigned. */
  crc: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

const TWO_32 = 0x1_0000_0000;

/** Reads a big-endian int64 as a number (exact below 2^53 in magnitude). */
export function readInt64(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos) * TWO_32 + buf.readUInt32BE(pos + 4);
}

/** Writes a safe integer as a big-endian int64. */
export function writeInt64(buf: Buffer, pos: number, value: number): void {
  if (!Number.isSafeInteger(value)) throw new RangeError(`int64 value ${value} is not a safe integer`);
  const hi = Math.floor(value / TWO_32);
  buf.writeInt32BE(hi, pos);
  buf.writeUInt32BE(value - hi * TWO_32, pos + 4);
}

/** Reads the 61-byte header at `pos`; the caller ensures `pos + BATCH_HEADER_SIZE <= buf.length`. */
export function readBatchHeader(buf: Buffer, pos: number): RecordBatchHeader {
  return {
    baseOffset: readInt64(buf, pos + BASE_OFFSET_OFFSET),
    batchLength: buf.readInt32BE(pos + BATCH_LENGTH_OFFSET),
    partitionLeaderEpoch: buf.readInt32BE(pos + PARTITION_LEADER_EPOCH_OFFSET),
    magic: buf.readInt8(pos + MAGIC_OFFSET),
    crc: buf.readUInt32BE(pos + CRC_OFFSET),
    attributes: buf.readInt16BE(pos + ATTRIBUTES_OFFSET),
    lastOffsetDelta: buf.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET),
    baseTimestamp: readInt64(buf, pos + BASE_TIMESTAMP_OFFSET),
    maxTimestamp: readInt64(buf, pos + MAX_TIMESTAMP_OFFSET),
    producerId: readInt64(buf, pos + PRODUCER_ID_OFFSET),
    producerEpoch: buf.readInt16BE(pos + PRODUCER_EPOCH_OFFSET),
    baseSequence: buf.readInt32BE(pos + BASE_SEQUENCE_OFFSET),
    recordCount: buf.readInt32BE(pos + RECORD_COUNT_OFFSET),
  };
}

/** Whole size in bytes of a batch with this header. */
export function batchSize(header: Pick<RecordBatchHeader, 'batchLength'>): number {
  return header.batchLength + LOG_OVERHEAD;
}

/** Offset of the batch's last record. */
export function lastOffsetOf(header: Pick<RecordBatchHeader, 'baseOffset' | 'lastOffsetDelta'>): number {
  return header.baseOffset + header.lastOffsetDelta;
}

/** CRC-32C the batch at `pos` should carry, computed over bytes [pos+21, pos+size). */
export function computeBatchCrc(buf: Buffer, pos: number, size: number): number {
  return crc32c(buf, pos + ATTRIBUTES_OFFSET, pos + size);
}

/** Sets baseOffset in place. Not covered by the CRC. */
export function setBaseOffset(buf: Buffer, pos: number, baseOffset: number): void {
  writeInt64(buf, pos + BASE_OFFSET_OFFSET, baseOffset);
}

/** Sets partitionLeaderEpoch in place. Not covered by the CRC. */
export function setPartitionLeaderEpoch(buf: Buffer, pos: number, epoch: number): void {
  buf.writeInt32BE(epoch, pos + PARTITION_LEADER_EPOCH_OFFSET);
}

/**
 * Marks the batch at `pos` as LogAppendTime: sets attribute bit 3 and maxTimestamp to `time`,
 * then recomputes the CRC (both fields are covered by it).
 */
export function setLogAppendTime(buf: Buffer, pos: number, time: number): void {
  const attributes = buf.readInt16BE(pos + ATTRIBUTES_OFFSET);
  buf.writeInt16BE(attributes | TIMESTAMP_TYPE_MASK, pos + ATTRIBUTES_OFFSET);
  writeInt64(buf, pos + MAX_TIMESTAMP_OFFSET, time);
  const size = buf.readInt32BE(pos + BATCH_LENGTH_OFFSET) + LOG_OVERHEAD;
  buf.writeUInt32BE(computeBatchCrc(buf, pos, size), pos + CRC_OFFSET);
}

export function batchCompression(attributes: number): CompressionType {
  return COMPRESSION_NAMES[attributes & COMPRESSION_MASK] ?? 'none';
}

/** Compression codec id (0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd; 5-7 are invalid). */
export function batchCompressionId(attributes: number): number {
  return attributes & COMPRESSION_MASK;
}

export function isLogAppendTime(attributes: number): boolean {
  return (attributes & TIMESTAMP_TYPE_MASK) !== 0;
}

export function isTransactional(attributes: number): boolean {
  return (attributes & TRANSACTIONAL_MASK) !== 0;
}

export function isControl(attributes: number): boolean {
  return (attributes & CONTROL_MASK) !== 0;
}

export interface ValidatedBatch {
  /** Position of the batch inside the validated buffer. */
  pos: number;
  /** Whole batch size in bytes. */
  size: number;
  header: RecordBatchHeader;
}

export interface ValidationSummary {
  batches: ValidatedBatch[];
  /** Sum of the batches' recordCount. */
  recordCount: number;
  /** Sum of lastOffsetDelta + 1: how many offsets the batches take. */
  offsetCount: number;
  /** Largest maxTimestamp over the batches (-1 when none carries one). */
  maxTimestamp: number;
}

export interface ValidationLimits {
  /** max.message.bytes: largest accepted batch, in bytes. */
  maxMessageBytes: number;
}

function fail(errorCode: number, message: string, context: Record<string, unknown>): never {
  throw new KafkaProtocolError(errorCode, message, context);
}

/**
 * Walks the `records` field of a produce request (one or more concatenated v2 batches) and checks
 * each batch's length, magic, size limit, CRC and record count. Never copies or decodes records.
 * Throws `KafkaProtocolError` with CORRUPT_MESSAGE (bad length, bad CRC, trailing partial batch,
 * invalid compression id, empty input), UNSUPPORTED_FOR_MESSAGE_FORMAT (magic 0 or 1),
 * MESSAGE_TOO_LARGE (batch larger than maxMessageBytes) or INVALID_RECORD (recordCount < 1 or
 * lastOffsetDelta != recordCount - 1).
 */
export function validateRecordBatches(records: Buffer, limits: ValidationLimits): ValidationSummary {
  const batches: ValidatedBatch[] = [];
  let recordCount = 0;
  let offsetCount = 0;
  let maxTimestamp = NO_TIMESTAMP;
  const end = records.length;
  if (end === 0) fail(ErrorCode.CORRUPT_MESSAGE, 'produce request carries no record batch', { position: 0 });
  let pos = 0;
  while (pos < end) {
    const remaining = end - pos;
    const context = { batchIndex: batches.length, position: pos };
    if (remaining < LOG_OVERHEAD) {
      fail(ErrorCode.CORRUPT_MESSAGE, `trailing partial batch: ${remaining} bytes`, context);
    }
    const batchLength = records.readInt32BE(pos + BATCH_LENGTH_OFFSET);
    const size = batchLength + LOG_OVERHEAD;
    if (remaining > MAGIC_OFFSET) {
      const magic = records.readInt8(pos + MAGIC_OFFSET);
      if (magic === 0 || magic === 1) {
        fail(ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT, `message format v${magic} is not supported; use v2 record batches`, { ...context, magic });
      }
      if (magic !== CURRENT_MAGIC) fail(ErrorCode.CORRUPT_MESSAGE, `invalid magic ${magic}`, { ...context, magic });
    }
    if (batchLength < MIN_BATCH_LENGTH) {
      fail(ErrorCode.CORRUPT_MESSAGE, `batch length ${batchLength} is below the minimum ${MIN_BATCH_LENGTH}`, context);
    }
    if (size > remaining) {
      fail(ErrorCode.CORRUPT_MESSAGE, `batch of ${size} bytes is truncated: ${remaining} bytes left`, { ...context, size });
    }
    if (size > limits.maxMessageBytes) {
      fail(ErrorCode.MESSAGE_TOO_LARGE, `batch of ${size} bytes exceeds max.message.bytes ${limits.maxMessageBytes}`, { ...context, size });
    }
    const header = readBatchHeader(records, pos);
    const crc = computeBatchCrc(records, pos, size);
    if (crc !== header.crc) {
      fail(ErrorCode.CORRUPT_MESSAGE, `batch CRC mismatch: stored ${header.crc}, computed ${crc}`, context);
    }
    if (batchCompressionId(header.attributes) > 4) {
      fail(ErrorCode.CORRUPT_MESSAGE, `invalid compression id ${batchCompressionId(header.attributes)}`, context);
    }
    if (header.recordCount < 1) {
      fail(ErrorCode.INVALID_RECORD, `batch has recordCount ${header.recordCount}`, context);
    }
    if (header.lastOffsetDelta !== header.recordCount - 1) {
      fail(ErrorCode.INVALID_RECORD, `lastOffsetDelta ${header.lastOffsetDelta} does not match recordCount ${header.recordCount}`, context);
    }
    batches.push({ pos, size, header });
    recordCount += header.recordCount;
    offsetCount += header.lastOffsetDelta + 1;
    if (header.maxTimestamp > maxTimestamp) maxTimestamp = header.maxTimestamp;
    pos += size;
  }
  return { batches, recordCount, offsetCount, maxTimestamp };
}

/**
 * Structural check of one stored batch at `pos` (recovery): the length is sane and fits in
 * `end`, magic is 2 and the CRC matches. Returns the batch size, or a reason it is invalid.
 */
export function checkStoredBatch(buf: Buffer, pos: number, end = buf.length): { size: number } | { invalid: string } {
  const remaining = end - pos;
  if (remaining < BATCH_HEADER_SIZE) return { invalid: `partial header: ${remaining} bytes` };
  const batchLength = buf.readInt32BE(pos + BATCH_LENGTH_OFFSET);
  if (batchLength < MIN_BATCH_LENGTH) return { invalid: `batch length ${batchLength}` };
  const size = batchLength + LOG_OVERHEAD;
  if (size > remaining) return { invalid: `partial batch: ${size} bytes declared, ${remaining} present` };
  const magic = buf.readInt8(pos + MAGIC_OFFSET);
  if (magic !== CURRENT_MAGIC) return { invalid: `magic ${magic}` };
  if (computeBatchCrc(buf, pos, size) !== buf.readUInt32BE(pos + CRC_OFFSET)) return { invalid: 'CRC mismatch' };
  return { size };
}
