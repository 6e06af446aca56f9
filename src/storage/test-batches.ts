/**
 * Test helper (imported only by tests): encodes valid magic v2 record batches with a correct
 * CRC from plain records, optionally as an idempotent producer, compressed with gzip, or as
 * LogAppendTime.
 */
import { gzipSync } from 'node:zlib';
import {
  ATTRIBUTES_OFFSET,
  BATCH_HEADER_SIZE,
  COMPRESSION_MASK,
  CONTROL_MASK,
  CRC_OFFSET,
  LOG_OVERHEAD,
  TIMESTAMP_TYPE_MASK,
  TRANSACTIONAL_MASK,
  computeBatchCrc,
  writeInt64,
} from '../protocol/records/batch-header.ts';

export interface TestRecord {
  key?: Buffer | string | null;
  value?: Buffer | string | null;
  timestamp?: number;
  headers?: Array<{ key: string; value: Buffer | string | null }>;
}

export interface TestBatchOptions {
  baseOffset?: number;
  partitionLeaderEpoch?: number;
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  /** Compress the records block with gzip (compression id 1). */
  gzip?: boolean;
  logAppendTime?: boolean;
  transactional?: boolean;
  control?: boolean;
  /** Timestamp for records without one; default 1_700_000_000_000. */
  defaultTimestamp?: number;
}

export const DEFAULT_TEST_TIMESTAMP = 1_700_000_000_000;

function zigzag(value: number): number {
  return value >= 0 ? value * 2 : -value * 2 - 1;
}

function varint(value: number): Buffer {
  let v = zigzag(value);
  const bytes: number[] = [];
  while (v >= 0x80) {
    bytes.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  bytes.push(v);
  return Buffer.from(bytes);
}

function bytesOf(v: Buffer | string | null | undefined): Buffer | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'string' ? Buffer.from(v) : v;
}

function lengthPrefixed(v: Buffer | null): Buffer[] {
  return v === null ? [varint(-1)] : [varint(v.length), v];
}

/** Encodes one batch; `records` must not be empty. */
export function encodeTestBatch(records: readonly TestRecord[], options: TestBatchOptions = {}): Buffer {
  if (records.length === 0) throw new Error('a test batch needs at least one record');
  const timestamps = records.map((r) => r.timestamp ?? options.defaultTimestamp ?? DEFAULT_TEST_TIMESTAMP);
  const baseTimestamp = timestamps[0];
  const maxTimestamp = Math.max(...timestamps);
  const encoded: Buffer[] = records.map((r, i) => {
    const headers = r.headers ?? [];
    const body = Buffer.concat([
      Buffer.from([0]),
      varint(timestamps[i] - baseTimestamp),
      varint(i),
      ...lengthPrefixed(bytesOf(r.key)),
      ...lengthPrefixed(bytesOf(r.value)),
      varint(headers.length),
      ...headers.flatMap((h) => [...lengthPrefixed(Buffer.from(h.key)), ...lengthPrefixed(bytesOf(h.value))]),
    ]);
    return Buffer.concat([varint(body.length), body]);
  });
  let payload = Buffer.concat(encoded);
  let attributes = 0;
  if (options.gzip) {
    payload = gzipSync(payload);
    attributes |= 1 & COMPRESSION_MASK;
  }
  if (options.logAppendTime) attributes |= TIMESTAMP_TYPE_MASK;
  if (options.transactional) attributes |= TRANSACTIONAL_MASK;
  if (options.control) attributes |= CONTROL_MASK;

  const buf = Buffer.alloc(BATCH_HEADER_SIZE + payload.length);
  writeInt64(buf, 0, options.baseOffset ?? 0);
  buf.writeInt32BE(buf.length - LOG_OVERHEAD, 8);
  buf.writeInt32BE(options.partitionLeaderEpoch ?? -1, 12);
  buf.writeInt8(2, 16);
  buf.writeInt16BE(attributes, ATTRIBUTES_OFFSET);
  buf.writeInt32BE(records.length - 1, 23);
  writeInt64(buf, 27, baseTimestamp);
  writeInt64(buf, 35, maxTimestamp);
  writeInt64(buf, 43, options.producerId ?? -1);
  buf.writeInt16BE(options.producerEpoch ?? -1, 51);
  buf.writeInt32BE(options.baseSequence ?? -1, 53);
  buf.writeInt32BE(records.length, 57);
  payload.copy(buf, BATCH_HEADER_SIZE);
  buf.writeUInt32BE(computeBatchCrc(buf, 0, buf.length), CRC_OFFSET);
  return buf;
}

/** `count` records with values `${prefix}${i}` and timestamps `timestamp + i`. */
export function testRecords(count: number, options: { prefix?: string; timestamp?: number; valueBytes?: number } = {}): TestRecord[] {
  const base = options.timestamp ?? DEFAULT_TEST_TIMESTAMP;
  return Array.from({ length: count }, (_, i) => ({
    key: `k${i}`,
    value: options.valueBytes !== undefined ? Buffer.alloc(options.valueBytes, i & 0xff) : `${options.prefix ?? 'v'}${i}`,
    timestamp: base + i,
  }));
}

/** Recomputes the CRC of a batch at `pos` after a test changed its bytes. */
export function fixCrc(buf: Buffer, pos = 0): void {
  const size = buf.readInt32BE(pos + 8) + LOG_OVERHEAD;
  buf.writeUInt32BE(computeBatchCrc(buf, pos, size), pos + CRC_OFFSET);
}

/** Decodes the values (as strings) and offsets of every record in uncompressed batches. */
export function decodeTestBatches(records: Buffer): Array<{ offset: number; timestamp: number; key: string | null; value: string | null }> {
  const out: Array<{ offset: number; timestamp: number; key: string | null; value: string | null }> = [];
  let pos = 0;
  while (pos + BATCH_HEADER_SIZE <= records.length) {
    const size = records.readInt32BE(pos + 8) + LOG_OVERHEAD;
    const baseOffset = Number(records.readBigInt64BE(pos));
    const baseTimestamp = Number(records.readBigInt64BE(pos + 27));
    const count = records.readInt32BE(pos + 57);
    let p = pos + BATCH_HEADER_SIZE;
    const readVar = (): number => {
      let raw = 0;
      let scale = 1;
      for (;;) {
        const b = records[p++];
        raw += (b & 0x7f) * scale;
        if ((b & 0x80) === 0) break;
        scale *= 128;
      }
      return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
    };
    const readBytes = (): string | null => {
      const len = readVar();
      if (len < 0) return null;
      const s = records.toString('utf8', p, p + len);
      p += len;
      return s;
    };
    for (let i = 0; i < count; i++) {
      const len = readVar();
      const end = p + len;
      p += 1;
      const tsDelta = readVar();
      const offDelta = readVar();
      const key = readBytes();
      const value = readBytes();
      out.push({ offset: baseOffset + offDelta, timestamp: baseTimestamp + tsDelta, key, value });
      p = end;
    }
    pos += size;
  }
  return out;
}
