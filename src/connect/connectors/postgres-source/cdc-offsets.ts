/**
 * CDC source offsets and the rule for acknowledging LSNs to the server.
 *
 * Source partition: `{ server: <server name> }`. Source offset, per record:
 * - the last record of a transaction: `{ lsn, txId, ts_usec }`, lsn = the transaction's end LSN;
 * - any other record of it: `{ lsn, lsn_commit, event, txId, ts_usec }`, lsn = the end LSN of the
 *   previous transaction (where streaming must resume), lsn_commit = this transaction's commit
 *   LSN and event = how many of its records (1-based) are delivered, so a restart skips them;
 * - snapshot records: `{ lsn, snapshot: true, last_snapshot_record }`, lsn = the slot's
 *   consistent point; a snapshot whose last record is not committed is taken again.
 * LSNs are JSON numbers (Debezium keeps longs).
 */
import type { SourceOffset, SourcePartition } from '../../api.ts';
import { lsnFromOffsetValue, lsnToOffsetValue } from '../postgres-common/index.ts';

export function cdcPartition(serverName: string): SourcePartition {
  return { server: serverName };
}

export interface CdcResumePoint {
  /** Where streaming resumes. */
  readonly lsn: bigint;
  /** Records of the transaction committed at this LSN already delivered (skip them). */
  readonly skip: { readonly commitLsn: bigint; readonly events: number } | null;
  /** Whether the stored offset is a snapshot record, and whether the snapshot completed. */
  readonly snapshot: 'none' | 'incomplete' | 'complete';
}

export function readCdcOffset(offset: SourceOffset | null): CdcResumePoint | null {
  if (!offset) return null;
  const lsn = lsnFromOffsetValue(offset.lsn);
  if (lsn === null) return null;
  if (offset.snapshot === true || offset.snapshot === 'true') {
    const last = offset.last_snapshot_record === true || offset.last_snapshot_record === 'true';
    return { lsn, skip: null, snapshot: last ? 'complete' : 'incomplete' };
  }
  const commit = lsnFromOffsetValue(offset.lsn_commit);
  const event = typeof offset.event === 'number' ? offset.event : Number(offset.event);
  const skip = commit !== null && Number.isInteger(event) && event > 0 ? { commitLsn: commit, events: event } : null;
  return { lsn, skip, snapshot: 'none' };
}

export function streamingOffset(resumeLsn: bigint, txId: number, tsUsec: bigint, mid: { commitLsn: bigint; event: number } | null): SourceOffset {
  const offset: Record<string, unknown> = { lsn: lsnToOffsetValue(resumeLsn), txId, ts_usec: Number(tsUsec) };
  if (mid) {
    offset.lsn_commit = lsnToOffsetValue(mid.commitLsn);
    offset.event = mid.event;
  }
  return offset;
}

export function snapshotOffset(lsn: bigint, last: boolean): SourceOffset {
  return { lsn: lsnToOffsetValue(lsn), snapshot: true, last_snapshot_record: last };
}

/**
 * Which LSN may be confirmed to the server (the standby status update's "flushed" position, which
 * becomes the slot's confirmed_flush_lsn). An LSN is confirmed only once Connect has committed an
 * offset that resumes at or after it, so after a crash the slot still holds everything from the
 * committed offset on:
 *
 * - each record poll() returns is remembered with the LSN its offset resumes at;
 * - commitRecord() marks it acknowledged (the broker has it); the acknowledged prefix (every
 *   earlier record acknowledged too) gives the acknowledged LSN;
 * - commit() comes after the worker wrote the offsets of every record acknowledged so far (the
 *   kstream worker acknowledges and commits on one loop), so it confirms the acknowledged LSN;
 * - when everything returned is acknowledged and committed and the task holds nothing (no open
 *   transaction, no record waiting for poll()), the position all received data was processed to
 *   (commits and keepalives of transactions that produced no records) may be confirmed too, so the
 *   slot of a connector whose tables are quiet still advances.
 */
export class LsnAckTracker {
  private nextSeq = 0;
  /** Records handed out and not yet in the acknowledged prefix, in order. */
  private readonly outstanding: { seq: number; lsn: bigint; acked: boolean }[] = [];
  private readonly seqByOffset = new WeakMap<object, number>();
  private ackedLsn: bigint | null = null;
  private ackedSinceCommit = false;
  private confirmed: bigint;

  constructor(initiallyConfirmed: bigint) {
    this.confirmed = initiallyConfirmed;
  }

  /** A record was returned by poll(); `offset` is its sourceOffset object. */
  handedOut(offset: SourceOffset, resumeLsn: bigint): void {
    const seq = this.nextSeq++;
    this.outstanding.push({ seq, lsn: resumeLsn, acked: false });
    this.seqByOffset.set(offset, seq);
  }

  /** commitRecord(): the record (found by its sourceOffset object) reached the broker. */
  acknowledged(offset: SourceOffset): void {
    const seq = this.seqByOffset.get(offset);
    const head = this.outstanding[0];
    if (seq === undefined || !head) return;
    const index = seq - head.seq;
    if (index < 0 || index >= this.outstanding.length) return;
    this.outstanding[index].acked = true;
    while (this.outstanding.length > 0 && this.outstanding[0].acked) {
      this.ackedLsn = (this.outstanding.shift() as { lsn: bigint }).lsn;
      this.ackedSinceCommit = true;
    }
  }

  /** Records returned by poll() and not yet acknowledged. */
  get unacknowledged(): number {
    return this.outstanding.length;
  }

  /** Every record returned is acknowledged and its offset committed. */
  get settled(): boolean {
    return this.outstanding.length === 0 && !this.ackedSinceCommit;
  }

  /** commit(): the LSN to confirm now, or null when it does not advance. */
  onCommit(): bigint | null {
    this.ackedSinceCommit = false;
    return this.ackedLsn === null ? null : this.advance(this.ackedLsn);
  }

  /** An LSN known to be committed in Connect's offsets (the stored offset at start). */
  confirmCommitted(lsn: bigint): bigint | null {
    return this.advance(lsn);
  }

  /** With nothing outstanding anywhere, everything processed may be confirmed. */
  onIdle(processedLsn: bigint | null): bigint | null {
    if (!this.settled || processedLsn === null) return null;
    return this.advance(processedLsn);
  }

  private advance(lsn: bigint): bigint | null {
    if (lsn <= this.confirmed) return null;
    this.confirmed = lsn;
    return lsn;
  }

  get confirmedLsn(): bigint {
    return this.confirmed;
  }
}
