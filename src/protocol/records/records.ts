/**
 * Individual records inside a v2 record batch: encode a batch from records, decode the records
 * of a batch (decompressing when needed). The produce and fetch paths never call this; it
 * serves the group coordinator's own log, compaction, timestamp look-ups and tools.
 */
import { Reader } from '../primitives/reader.ts';
import { Writer } from '../primitives/writer.ts';
import {
  BATCH_HEADER_SIZE,
  CONTROL_MASK,
  CRC_OFFSET,
  TIMESTAMP_TYPE_MASK,
  TRANSACTIONAL_MASK,
  batchCompression,
  computeBatchCrc,
  readBatchHeader,
  type CompressionType,
  type RecordBatchHeader,
} from './batch-header.ts';
import { compress, compressionIds, decompress } from './compression.ts';

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

export interface BatchRecord {
  offset: number;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

export interface NewRecord {
  key?: Buffer | null;
  value?: Buffer | null;
  timestamp?: number;
  headers?: readonly RecordHeader[];
  /** Offset relative to the batch's base offset; defaults to the record's index (compacted batches have gaps). */
  offsetDelta?: number;
}

export interface NewBatch {
  records: readonly NewRecord[];
  baseOffset?: number;
  compression?: CompressionType;
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  partitionLeaderEpoch?: number;
  logAppendTime?: boolean;
  transactional?: boolean;
  control?: boolean;
  /** Last offset delta when it is larger than the last record's (a compacted batch keeps its span). */
  lastOffsetDelta?: number;
  /** Base timestamp when not taken from the first record (compaction keeps the original). */
  baseTimestamp?: number;
  maxTimestamp?: number;
}

function encodeRecordBody(w: Writer, r: NewRecord, offsetDelta: number, baseTimestamp: number): void {
  const body = new Writer(64);
  body.int8(0);
  body.varlong(BigInt((r.timestamp ?? baseTimestamp) - baseTimestamp));
  body.varint(offsetDelta);
  const key = r.key ?? null;
  if (key === null) body.varint(-1);
  else body.varint(key.length).raw(key);
  const value = r.value ?? null;
  if (value === null) body.varint(-1);
  else body.varint(value.length).raw(value);
  const headers = r.headers ?? [];
  body.varint(headers.length);
  for (const h of headers) {
    const k = Buffer.from(h.key, 'utf8');
    body.varint(k.length).raw(k);
    if (h.value === null) body.varint(-1);
    else body.varint(h.value.length).raw(h.value);
  }
  const bytes = body.toBuffer();
  w.varint(bytes.length).raw(bytes);
}

/** Encodes one v2 batch with a correct CRC. */
export function encodeRecordBatch(batch: NewBatch): Buffer {
  if (batch.records.length === 0) throw new Error('a record batch needs at least one record');
  const now = Date.now();
  const timestamps = batch.records.map((r) => r.timestamp ?? now);
  const baseTimestamp = batch.baseTimestamp ?? timestamps[0];
  const maxTimestamp = batch.maxTimestamp ?? Math.max(...timestamps);
  const body = new Writer(256);
  let lastDelta = 0;
  batch.records.forEach((r, i) => {
    const delta = r.offsetDelta ?? i;
    lastDelta = Math.max(lastDelta, delta);
    encodeRecordBody(body, { ...r, timestamp: timestamps[i] }, delta, baseTimestamp);
  });
  const type = batch.compression ?? 'none';
  const recordsBytes = compress(type, body.toBuffer());
  let attributes = compressionIds[type];
  if (batch.logAppendTime) attributes |= TIMESTAMP_TYPE_MASK;
  if (batch.transactional) attributes |= TRANSACTIONAL_MASK;
  if (batch.control) attributes |= CONTROL_MASK;
  const w = new Writer(BATCH_HEADER_SIZE + recordsBytes.length);
  w.int64(BigInt(batch.baseOffset ?? 0));
  w.int32(BATCH_HEADER_SIZE - 12 + recordsBytes.length);
  w.int32(batch.partitionLeaderEpoch ?? -1);
  w.int8(2);
  w.uint32(0);
  w.int16(attributes);
  w.int32(batch.lastOffsetDelta ?? lastDelta);
  w.int64(BigInt(baseTimestamp));
  w.int64(BigInt(maxTimestamp));
  w.int64(BigInt(batch.producerId ?? -1));
  w.int16(batch.producerEpoch ?? -1);
  w.int32(batch.baseSequence ?? -1);
  w.int32(batch.records.length);
  w.raw(recordsBytes);
  const out = w.toBuffer();
  out.writeUInt32BE(computeBatchCrc(out, 0, out.length), CRC_OFFSET);
  return out;
}

/** Decodes every record of the batch at `pos`. Throws ProtocolDecodeError / KafkaProtocolError on bad bytes. */
export function decodeBatchRecords(buf: Buffer, pos = 0): { header: RecordBatchHeader; records: BatchRecord[] } {
  const header = readBatchHeader(buf, pos);
  const end = pos + header.batchLength + 12;
  const data = decompress(batchCompression(header.attributes), buf.subarray(pos + BATCH_HEADER_SIZE, end));
  const r = new Reader(data);
  const records: BatchRecord[] = new Array(Math.max(0, header.recordCount));
  for (let i = 0; i < header.recordCount; i++) {
    const len = r.varint();
    const start = r.pos;
    r.int8();
    const timestampDelta = Number(r.varlong());
    const offsetDelta = r.varint();
    const keyLen = r.varint();
    const key = keyLen < 0 ? null : Buffer.from(viewOf(r, keyLen));
    const valueLen = r.varint();
    const value = valueLen < 0 ? null : Buffer.from(viewOf(r, valueLen));
    const count = r.varint();
    if (count < 0 || count > r.remaining) r.fail(`invalid header count ${count}`);
    const headers: RecordHeader[] = [];
    for (let h = 0; h < count; h++) {
      const kLen = r.varint();
      if (kLen < 0) r.fail('null header key');
      const k = viewOf(r, kLen).toString('utf8');
      const vLen = r.varint();
      headers.push({ key: k, value: vLen < 0 ? null : Buffer.from(viewOf(r, vLen)) });
    }
    if (r.pos - start !== len) r.fail(`record length ${len} does not match its contents`);
    records[i] = { offset: header.baseOffset + offsetDelta, timestamp: header.baseTimestamp + timestampDelta, key, value, headers };
  }
  return { header, records };
}

function viewOf(r: Reader, len: number): Buffer {
  if (len > r.remaining) r.fail(`length ${len} runs past the end`);
  const b = r.buf.subarray(r.pos, r.pos + len);
  r.pos += len;
  return b;
}

/** Iterates the batches in a buffer of concatenated batches (a log segment's bytes or a fetch). */
export function* batchesIn(buf: Buffer): Generator<{ pos: number; size: number; header: RecordBatchHeader }> {
  let pos = 0;
  while (pos + BATCH_HEADER_SIZE <= buf.length) {
    const header = readBatchHeader(buf, pos);
    const size = header.batchLength + 12;
    if (size < BATCH_HEADER_SIZE || pos + size > buf.length) return;
    yield { pos, size, header };
    pos += size;
  }
}
