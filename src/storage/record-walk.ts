/**
 * Walks the records of an uncompressed v2 batch to learn each record's offset and timestamp
 * (ListOffsets by timestamp). Reads only the record prefix: length, attributes, timestampDelta,
 * offsetDelta. Varints are zigzag encoded; values are exact below 2^53.
 */
import { BASE_OFFSET_OFFSET, BASE_TIMESTAMP_OFFSET, RECORD_COUNT_OFFSET, RECORDS_OFFSET, readInt64 } from '../protocol/records/batch-header.ts';
import { CorruptLogError } from './errors.ts';

export interface RecordPosition {
  offset: number;
  timestamp: number;
}

/** Decodes a zigzag varint/varlong at `pos`; returns the value and the position after it. */
export function readZigzagVarint(buf: Buffer, pos: number): { value: number; next: number } {
  let raw = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    if (pos + i >= buf.length) throw new CorruptLogError('varint runs past the end of the batch', { position: pos });
    const b = buf[pos + i];
    raw += (b & 0x7f) * scale;
    if ((b & 0x80) === 0) {
      const value = raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
      return { value, next: pos + i + 1 };
    }
    scale *= 128;
  }
  throw new CorruptLogError('varint longer than 10 bytes', { position: pos });
}

/** Yields (offset, timestamp) of every record of the uncompressed batch held in `batch`. */
export function* walkRecords(batch: Buffer): Generator<RecordPosition> {
  const baseOffset = readInt64(batch, BASE_OFFSET_OFFSET);
  const baseTimestamp = readInt64(batch, BASE_TIMESTAMP_OFFSET);
  const count = batch.readInt32BE(RECORD_COUNT_OFFSET);
  let pos = RECORDS_OFFSET;
  for (let i = 0; i < count; i++) {
    const length = readZigzagVarint(batch, pos);
    const bodyStart = length.next;
    const end = bodyStart + length.value;
    if (length.value < 0 || end > batch.length) throw new CorruptLogError('record length runs past the end of the batch', { position: pos });
    const timestampDelta = readZigzagVarint(batch, bodyStart + 1);
    const offsetDelta = readZigzagVarint(batch, timestampDelta.next);
    yield { offset: baseOffset + offsetDelta.value, timestamp: baseTimestamp + timestampDelta.value };
    pos = end;
  }
}

/** Where one record lies in a (decompressed) records section, and what compaction needs of it. */
export interface RecordSpan {
  /** First byte of the record (its length varint). */
  start: number;
  /** Byte after the record. */
  end: number;
  offsetDelta: number;
  timestampDelta: number;
  /** Position of the key bytes (meaningless when keyLength < 0). */
  keyStart: number;
  /** -1: null key. */
  keyLength: number;
  /** -1: null value (a tombstone). */
  valueLength: number;
}

/**
 * Yields the span of each of the `count` records in `data` (a batch's records section, already
 * decompressed). Reads length, timestampDelta, offsetDelta, key and value lengths; headers are
 * skipped with the record. Throws CorruptLogError when a record runs past the end.
 */
export function* recordSpans(data: Buffer, count: number): Generator<RecordSpan> {
  let pos = 0;
  for (let i = 0; i < count; i++) {
    const length = readZigzagVarint(data, pos);
    const bodyStart = length.next;
    const end = bodyStart + length.value;
    if (length.value < 0 || end > data.length) throw new CorruptLogError('record length runs past the end of the batch', { position: pos });
    const timestampDelta = readZigzagVarint(data, bodyStart + 1);
    const offsetDelta = readZigzagVarint(data, timestampDelta.next);
    const keyLength = readZigzagVarint(data, offsetDelta.next);
    const keyStart = keyLength.next;
    const afterKey = keyStart + Math.max(0, keyLength.value);
    if (afterKey > end) throw new CorruptLogError('record key runs past the end of the record', { position: pos });
    const valueLength = readZigzagVarint(data, afterKey);
    if (valueLength.next + Math.max(0, valueLength.value) > end) throw new CorruptLogError('record value runs past the end of the record', { position: pos });
    yield {
      start: pos,
      end,
      offsetDelta: offsetDelta.value,
      timestampDelta: timestampDelta.value,
      keyStart,
      keyLength: keyLength.value < 0 ? -1 : keyLength.value,
      valueLength: valueLength.value < 0 ? -1 : valueLength.value,
    };
    pos = end;
  }
}
