/**
 * Idempotent producer state of one partition: for each producer id, its epoch, its last sequence
 * number and the metadata of its last 5 batches (to answer retries as duplicates).
 *
 * Appends check batches through a `ProducerStateTxn` layered over the committed state, so a
 * request whose later batch fails leaves no trace, and a group of requests written together can
 * be discarded if the write fails. Entries are immutable and replaced on update.
 *
 * Snapshot format (`<offset>.snapshot`, state of every batch below `offset`), big-endian:
 *   version int16 (1) | crc uint32 (CRC-32C of everything after it) | entryCount int32 |
 *   entries: producerId int64, epoch int16, lastSeq int32, batchCount int8,
 *            batches: firstSeq int32, lastSeq int32, firstOffset int64, lastOffset int64, timestamp int64
 */
import { ErrorCode } from '../protocol/generated/error-codes.ts';
import { KafkaProtocolError } from '../protocol/errors.ts';
import { readInt64, writeInt64 } from '../protocol/records/batch-header.ts';
import { crc32c } from '../protocol/records/crc32c.ts';

/** Batches remembered per producer for duplicate detection (Kafka's value). */
export const MAX_CACHED_BATCHES = 5;
export const INT32_MAX = 0x7fffffff;
export const SNAPSHOT_VERSION = 1;

export interface ProducerBatchMetadata {
  firstSeq: number;
  lastSeq: number;
  firstOffset: number;
  lastOffset: number;
  /** Log append time of the batch, or -1 when the log uses CreateTime. */
  timestamp: number;
}

export interface ProducerStateEntry {
  readonly producerId: number;
  readonly epoch: number;
  readonly lastSeq: number;
  /** Oldest first, at most MAX_CACHED_BATCHES. */
  readonly batches: readonly ProducerBatchMetadata[];
}

/** The producer fields of a batch header. */
export interface ProducerBatch {
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  lastOffsetDelta: number;
}

/** Sequence of the batch's last record; sequences wrap from 2147483647 to 0. */
export function lastSequenceOf(baseSequence: number, lastOffsetDelta: number): number {
  return baseSequence > INT32_MAX - lastOffsetDelta ? lastOffsetDelta - (INT32_MAX - baseSequence) - 1 : baseSequence + lastOffsetDelta;
}

/** The sequence expected after `seq`. */
export function nextSequence(seq: number): number {
  return seq === INT32_MAX ? 0 : seq + 1;
}

interface EntryStore {
  get(producerId: number): ProducerStateEntry | undefined;
  put(entry: ProducerStateEntry): void;
}

function updatedEntry(prev: ProducerStateEntry | undefined, producerId: number, epoch: number, meta: ProducerBatchMetadata): ProducerStateEntry {
  const batches = prev !== undefined && prev.epoch === epoch ? [...prev.batches, meta] : [meta];
  if (batches.length > MAX_CACHED_BATCHES) batches.splice(0, batches.length - MAX_CACHED_BATCHES);
  return { producerId, epoch, lastSeq: meta.lastSeq, batches };
}

/** Tentative producer updates on top of a parent (the committed state or another txn). */
export class ProducerStateTxn implements EntryStore {
  private readonly parent: EntryStore;
  private readonly staged = new Map<number, ProducerStateEntry>();

  constructor(parent: EntryStore) {
    this.parent = parent;
  }

  get(producerId: number): ProducerStateEntry | undefined {
    return this.staged.get(producerId) ?? this.parent.get(producerId);
  }

  put(entry: ProducerStateEntry): void {
    this.staged.set(entry.producerId, entry);
  }

  child(): ProducerStateTxn {
    return new ProducerStateTxn(this);
  }

  get size(): number {
    return this.staged.size;
  }

  /**
   * Checks a batch against the state: returns the cached metadata when it is a retry of one of the
   * producer's last batches, null when it is the next batch. Throws INVALID_PRODUCER_EPOCH or
   * OUT_OF_ORDER_SEQUENCE_NUMBER.
   */
  check(batch: ProducerBatch): ProducerBatchMetadata | null {
    const { producerId, producerEpoch: epoch, baseSequence: firstSeq } = batch;
    const lastSeq = lastSequenceOf(firstSeq, batch.lastOffsetDelta);
    const entry = this.get(producerId);
    const context = { producerId, producerEpoch: epoch, baseSequence: firstSeq };
    if (entry === undefined || epoch > entry.epoch) {
      if (firstSeq !== 0) {
        throw new KafkaProtocolError(
          ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
          `${entry === undefined ? 'unknown producer' : 'new epoch'}: sequence ${firstSeq} must be 0`,
          context,
        );
      }
      return null;
    }
    if (epoch < entry.epoch) {
      throw new KafkaProtocolError(ErrorCode.INVALID_PRODUCER_EPOCH, `producer epoch ${epoch} is older than ${entry.epoch}`, { ...context, currentEpoch: entry.epoch });
    }
    for (const b of entry.batches) if (b.firstSeq === firstSeq && b.lastSeq === lastSeq) return b;
    const expected = nextSequence(entry.lastSeq);
    if (firstSeq !== expected) {
      throw new KafkaProtocolError(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, `sequence ${firstSeq} received, ${expected} expected`, { ...context, expectedSequence: expected });
    }
    return null;
  }

  /** Records an accepted batch at its assigned offsets. */
  record(batch: ProducerBatch, firstOffset: number, lastOffset: number, timestamp: number): void {
    const meta: ProducerBatchMetadata = {
      firstSeq: batch.baseSequence,
      lastSeq: lastSequenceOf(batch.baseSequence, batch.lastOffsetDelta),
      firstOffset,
      lastOffset,
      timestamp,
    };
    this.put(updatedEntry(this.get(batch.producerId), batch.producerId, batch.producerEpoch, meta));
  }

  /** Moves the staged entries into the parent. */
  commit(): void {
    for (const entry of this.staged.values()) this.parent.put(entry);
    this.staged.clear();
  }
}

export class ProducerStateManager implements EntryStore {
  private readonly entries = new Map<number, ProducerStateEntry>();

  get(producerId: number): ProducerStateEntry | undefined {
    return this.entries.get(producerId);
  }

  put(entry: ProducerStateEntry): void {
    this.entries.set(entry.producerId, entry);
  }

  get size(): number {
    return this.entries.size;
  }

  producers(): ProducerStateEntry[] {
    return [...this.entries.values()];
  }

  begin(): ProducerStateTxn {
    return new ProducerStateTxn(this);
  }

  /**
   * Applies a batch read back from the log (loading), without checks: a higher epoch replaces
   * the entry, the same epoch appends to it, an older epoch is ignored.
   */
  replay(batch: ProducerBatch, firstOffset: number, timestamp: number): void {
    const prev = this.entries.get(batch.producerId);
    if (prev !== undefined && batch.producerEpoch < prev.epoch) return;
    const meta: ProducerBatchMetadata = {
      firstSeq: batch.baseSequence,
      lastSeq: lastSequenceOf(batch.baseSequence, batch.lastOffsetDelta),
      firstOffset,
      lastOffset: firstOffset + batch.lastOffsetDelta,
      timestamp,
    };
    this.put(updatedEntry(prev, batch.producerId, batch.producerEpoch, meta));
  }

  toSnapshot(): Buffer {
    let size = 10;
    for (const e of this.entries.values()) size += 15 + e.batches.length * 32;
    const buf = Buffer.alloc(size);
    buf.writeInt16BE(SNAPSHOT_VERSION, 0);
    buf.writeInt32BE(this.entries.size, 6);
    let pos = 10;
    for (const e of this.entries.values()) {
      writeInt64(buf, pos, e.producerId);
      buf.writeInt16BE(e.epoch, pos + 8);
      buf.writeInt32BE(e.lastSeq, pos + 10);
      buf.writeInt8(e.batches.length, pos + 14);
      pos += 15;
      for (const b of e.batches) {
        buf.writeInt32BE(b.firstSeq, pos);
        buf.writeInt32BE(b.lastSeq, pos + 4);
        writeInt64(buf, pos + 8, b.firstOffset);
        writeInt64(buf, pos + 16, b.lastOffset);
        writeInt64(buf, pos + 24, b.timestamp);
        pos += 32;
      }
    }
    buf.writeUInt32BE(crc32c(buf, 6), 2);
    return buf;
  }

  /** Parses a snapshot; throws on a truncated or corrupt one. */
  static fromSnapshot(buf: Buffer): ProducerStateManager {
    if (buf.length < 10) throw new Error('producer snapshot is truncated');
    const version = buf.readInt16BE(0);
    if (version !== SNAPSHOT_VERSION) throw new Error(`unsupported producer snapshot version ${version}`);
    if (crc32c(buf, 6) !== buf.readUInt32BE(2)) throw new Error('producer snapshot CRC mismatch');
    const count = buf.readInt32BE(6);
    const state = new ProducerStateManager();
    let pos = 10;
    for (let i = 0; i < count; i++) {
      if (pos + 15 > buf.length) throw new Error('producer snapshot is truncated');
      const producerId = readInt64(buf, pos);
      const epoch = buf.readInt16BE(pos + 8);
      const lastSeq = buf.readInt32BE(pos + 10);
      const n = buf.readInt8(pos + 14);
      pos += 15;
      if (n < 0 || n > MAX_CACHED_BATCHES || pos + n * 32 > buf.length) throw new Error('producer snapshot is corrupt');
      const batches: ProducerBatchMetadata[] = [];
      for (let j = 0; j < n; j++) {
        batches.push({
          firstSeq: buf.readInt32BE(pos),
          lastSeq: buf.readInt32BE(pos + 4),
          firstOffset: readInt64(buf, pos + 8),
          lastOffset: readInt64(buf, pos + 16),
          timestamp: readInt64(buf, pos + 24),
        });
        pos += 32;
      }
      state.put({ producerId, epoch, lastSeq, batches });
    }
    if (pos !== buf.length) throw new Error('producer snapshot has trailing bytes');
    return state;
  }
}
