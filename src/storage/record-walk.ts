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
