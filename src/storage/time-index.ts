/**
 * Time index of one segment: 12-byte big-endian entries (timestamp int64, offset relative to the
 * segment's base offset int32). Each entry records the largest batch maxTimestamp seen so far in
 * the segment and the base offset of the batch that first reached it, so timestamps strictly
 * increase. Entries are added together with offset index entries, and once more when the segment
 * is sealed (roll, close), so the last entry is the segment's largest timestamp.
 */
import { readInt64, writeInt64 } from '../protocol/records/batch-header.ts';
import { floorIndex, grownCapacity, relativeOffset } from './index-math.ts';

export const TIME_INDEX_ENTRY_SIZE = 12;

export interface TimestampOffset {
  timestamp: number;
  offset: number;
}

export class TimeIndex {
  readonly baseOffset: number;
  private ts: Float64Array;
  private rel: Int32Array;
  private count = 0;

  constructor(baseOffset: number, capacity = 0) {
    this.baseOffset = baseOffset;
    this.ts = new Float64Array(capacity);
    this.rel = new Int32Array(capacity);
  }

  get entries(): number {
    return this.count;
  }

  get sizeInBytes(): number {
    return this.count * TIME_INDEX_ENTRY_SIZE;
  }

  /** True when one more entry would make the index larger than `maxIndexBytes`. */
  isFull(maxIndexBytes: number): boolean {
    return (this.count + 1) * TIME_INDEX_ENTRY_SIZE > maxIndexBytes;
  }

  entry(i: number): TimestampOffset {
    if (i < 0 || i >= this.count) throw new RangeError(`time index entry ${i} of ${this.count}`);
    return { timestamp: this.ts[i], offset: this.baseOffset + this.rel[i] };
  }

  firstEntry(): TimestampOffset | null {
    return this.count === 0 ? null : this.entry(0);
  }

  lastEntry(): TimestampOffset | null {
    return this.count === 0 ? null : this.entry(this.count - 1);
  }

  /**
   * Adds (timestamp, offset) when `timestamp` is non-negative and larger than the last entry's.
   * Returns whether an entry was added.
   */
  maybeAppend(timestamp: number, offset: number): boolean {
    if (timestamp < 0 || offset < 0) return false;
    if (this.count > 0) {
      if (timestamp <= this.ts[this.count - 1]) return false;
      if (offset < this.baseOffset + this.rel[this.count - 1]) {
        throw new RangeError(`time index offset ${offset} goes backwards`);
      }
    }
    const rel = relativeOffset(this.baseOffset, offset);
    if (this.count === this.ts.length) {
      const capacity = grownCapacity(this.ts.length, this.count + 1);
      const ts2 = new Float64Array(capacity);
      const rel2 = new Int32Array(capacity);
      ts2.set(this.ts.subarray(0, this.count));
      rel2.set(this.rel.subarray(0, this.count));
      this.ts = ts2;
      this.rel = rel2;
    }
    this.ts[this.count] = timestamp;
    this.rel[this.count] = rel;
    this.count++;
    return true;
  }

  /**
   * The entry with the largest timestamp <= `timestamp`; no batch before its offset has a
   * timestamp >= the entry's. Without such an entry, (-1, baseOffset).
   */
  lookup(timestamp: number): TimestampOffset {
    const i = floorIndex(this.ts, this.count, timestamp);
    return i < 0 ? { timestamp: -1, offset: this.baseOffset } : this.entry(i);
  }

  /** Removes every entry whose offset is >= `offset`. */
  truncateTo(offset: number): void {
    let n = this.count;
    while (n > 0 && this.baseOffset + this.rel[n - 1] >= offset) n--;
    this.count = n;
  }

  toBuffer(): Buffer {
    const buf = Buffer.allocUnsafe(this.count * TIME_INDEX_ENTRY_SIZE);
    for (let i = 0; i < this.count; i++) {
      writeInt64(buf, i * TIME_INDEX_ENTRY_SIZE, this.ts[i]);
      buf.writeInt32BE(this.rel[i], i * TIME_INDEX_ENTRY_SIZE + 8);
    }
    return buf;
  }

  /**
   * Parses and checks time index file bytes. Returns the index, or a reason it is unusable.
   * `nextOffset`, when known, bounds the offsets (exclusive).
   */
  static parse(baseOffset: number, buf: Buffer, segmentSize: number, nextOffset?: number): TimeIndex | string {
    if (buf.length % TIME_INDEX_ENTRY_SIZE !== 0) return `size ${buf.length} is not a multiple of ${TIME_INDEX_ENTRY_SIZE}`;
    const n = buf.length / TIME_INDEX_ENTRY_SIZE;
    if (segmentSize === 0 && n > 0) return 'entries for an empty segment';
    const index = new TimeIndex(baseOffset, n);
    let prevTs = -1;
    let prevRel = -1;
    for (let i = 0; i < n; i++) {
      const timestamp = readInt64(buf, i * TIME_INDEX_ENTRY_SIZE);
      const rel = buf.readInt32BE(i * TIME_INDEX_ENTRY_SIZE + 8);
      if (timestamp <= prevTs || !Number.isSafeInteger(timestamp)) return `entry ${i} timestamp is not increasing`;
      if (rel < prevRel || rel < 0) return `entry ${i} offset goes backwards`;
      if (nextOffset !== undefined && baseOffset + rel >= nextOffset) return `entry ${i} is past the segment's offsets`;
      index.ts[i] = timestamp;
      index.rel[i] = rel;
      prevTs = timestamp;
      prevRel = rel;
    }
    index.count = n;
    return index;
  }

  /** Reads one entry from raw bytes (used to peek at the last entry of a file). */
  static decodeEntry(baseOffset: number, buf: Buffer, pos = 0): TimestampOffset {
    return { timestamp: readInt64(buf, pos), offset: baseOffset + buf.readInt32BE(pos + 8) };
  }
}
