/**
 * Sparse offset index of one segment: 8-byte big-endian entries (offset relative to the segment's
 * base offset as int32, file position as int32). An entry points at the start of a batch and is
 * keyed by that batch's base offset. The first batch of a segment is always indexed; after that
 * a batch gets an entry once more than `index.interval.bytes` were appended since the previous one.
 *
 * Held in memory as two growable Int32Arrays; serialized on roll and close.
 */
import { floorIndex, grownCapacity, relativeOffset } from './index-math.ts';

export const OFFSET_INDEX_ENTRY_SIZE = 8;

export interface OffsetPosition {
  offset: number;
  position: number;
}

export class OffsetIndex {
  readonly baseOffset: number;
  private rel: Int32Array;
  private pos: Int32Array;
  private count = 0;

  constructor(baseOffset: number, capacity = 0) {
    this.baseOffset = baseOffset;
    this.rel = new Int32Array(capacity);
    this.pos = new Int32Array(capacity);
  }

  get entries(): number {
    return this.count;
  }

  get sizeInBytes(): number {
    return this.count * OFFSET_INDEX_ENTRY_SIZE;
  }

  /** True when one more entry would make the index larger than `maxIndexBytes`. */
  isFull(maxIndexBytes: number): boolean {
    return (this.count + 1) * OFFSET_INDEX_ENTRY_SIZE > maxIndexBytes;
  }

  entry(i: number): OffsetPosition {
    if (i < 0 || i >= this.count) throw new RangeError(`offset index entry ${i} of ${this.count}`);
    return { offset: this.baseOffset + this.rel[i], position: this.pos[i] };
  }

  lastEntry(): OffsetPosition | null {
    return this.count === 0 ? null : this.entry(this.count - 1);
  }

  /** Adds an entry; offsets and positions must both increase. */
  append(offset: number, position: number): void {
    const rel = relativeOffset(this.baseOffset, offset);
    if (this.count > 0 && (rel <= this.rel[this.count - 1] || position <= this.pos[this.count - 1])) {
      throw new RangeError(`offset index entry (${offset}, ${position}) is not after the last entry`);
    }
    if (this.count === this.rel.length) {
      const capacity = grownCapacity(this.rel.length, this.count + 1);
      const rel2 = new Int32Array(capacity);
      const pos2 = new Int32Array(capacity);
      rel2.set(this.rel.subarray(0, this.count));
      pos2.set(this.pos.subarray(0, this.count));
      this.rel = rel2;
      this.pos = pos2;
    }
    this.rel[this.count] = rel;
    this.pos[this.count] = position;
    this.count++;
  }

  /**
   * The entry with the largest offset <= `offset`: the position where a scan for `offset` can
   * start. Without such an entry, the start of the segment.
   */
  lookup(offset: number): OffsetPosition {
    const i = floorIndex(this.rel, this.count, offset - this.baseOffset);
    return i < 0 ? { offset: this.baseOffset, position: 0 } : { offset: this.baseOffset + this.rel[i], position: this.pos[i] };
  }

  /** Removes every entry whose offset is >= `offset`. */
  truncateTo(offset: number): void {
    let n = this.count;
    while (n > 0 && this.baseOffset + this.rel[n - 1] >= offset) n--;
    this.count = n;
  }

  toBuffer(): Buffer {
    const buf = Buffer.allocUnsafe(this.count * OFFSET_INDEX_ENTRY_SIZE);
    for (let i = 0; i < this.count; i++) {
      buf.writeInt32BE(this.rel[i], i * OFFSET_INDEX_ENTRY_SIZE);
      buf.writeInt32BE(this.pos[i], i * OFFSET_INDEX_ENTRY_SIZE + 4);
    }
    return buf;
  }

  /**
   * Parses and checks index file bytes against the segment they belong to. Returns the index, or
   * a reason it is unusable (then it must be rebuilt by scanning the segment).
   * `nextOffset`, when known, bounds the offsets (exclusive).
   */
  static parse(baseOffset: number, buf: Buffer, segmentSize: number, nextOffset?: number): OffsetIndex | string {
    if (buf.length % OFFSET_INDEX_ENTRY_SIZE !== 0) return `size ${buf.length} is not a multiple of ${OFFSET_INDEX_ENTRY_SIZE}`;
    const n = buf.length / OFFSET_INDEX_ENTRY_SIZE;
    if (segmentSize === 0 && n > 0) return 'entries for an empty segment';
    if (segmentSize > 0 && n === 0) return 'no entry for a non-empty segment';
    const index = new OffsetIndex(baseOffset, n);
    let prevRel = -1;
    let prevPos = -1;
    for (let i = 0; i < n; i++) {
      const rel = buf.readInt32BE(i * OFFSET_INDEX_ENTRY_SIZE);
      const position = buf.readInt32BE(i * OFFSET_INDEX_ENTRY_SIZE + 4);
      if (i === 0 && (rel !== 0 || position !== 0)) return 'first entry is not (0, 0)';
      if (rel <= prevRel || position <= prevPos) return `entry ${i} is not increasing`;
      if (position >= segmentSize) return `entry ${i} points past the segment end`;
      if (nextOffset !== undefined && baseOffset + rel >= nextOffset) return `entry ${i} is past the segment's offsets`;
      index.rel[i] = rel;
      index.pos[i] = position;
      prevRel = rel;
      prevPos = position;
    }
    index.count = n;
    return index;
  }
}
