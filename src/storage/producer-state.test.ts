import { describe, expect, it } from 'vitest';
import { KafkaProtocolError } from '../protocol/errors.ts';
import { ErrorCode } from '../protocol/generated/error-codes.ts';
import { INT32_MAX, lastSequenceOf, nextSequence, ProducerStateManager, type ProducerBatch } from './producer-state.ts';

const batch = (producerEpoch: number, baseSequence: number, records = 1, producerId = 7): ProducerBatch => ({
  producerId,
  producerEpoch,
  baseSequence,
  lastOffsetDelta: records - 1,
});

function codeOf(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof KafkaProtocolError) return err.errorCode;
    throw err;
  }
  return undefined;
}

/** State after producer 7, epoch 2, wrote sequences 0-2 at offsets 100-102 and 3-4 at 103-104. */
function seeded(): ProducerStateManager {
  const state = new ProducerStateManager();
  const txn = state.begin();
  txn.record(batch(2, 0, 3), 100, 102, -1);
  txn.record(batch(2, 3, 2), 103, 104, -1);
  txn.commit();
  return state;
}

describe('sequence arithmetic', () => {
  it.each([
    [0, 0, 0],
    [0, 4, 4],
    [INT32_MAX, 0, INT32_MAX],
    [INT32_MAX, 1, 0],
    [INT32_MAX - 1, 3, 1],
  ])('lastSequenceOf(%d, %d) = %d', (base, delta, last) => {
    expect(lastSequenceOf(base, delta)).toBe(last);
  });

  it.each([
    [0, 1],
    [INT32_MAX - 1, INT32_MAX],
    [INT32_MAX, 0],
  ])('nextSequence(%d) = %d', (seq, next) => {
    expect(nextSequence(seq)).toBe(next);
  });
});

describe('ProducerStateTxn.check', () => {
  it.each<[string, ProducerBatch, number | 'dup' | 'ok']>([
    ['next sequence', batch(2, 5), 'ok'],
    ['duplicate of the last batch', batch(2, 3, 2), 'dup'],
    ['duplicate of an older batch', batch(2, 0, 3), 'dup'],
    ['same first sequence, other length', batch(2, 3, 1), ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER],
    ['gap', batch(2, 6), ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER],
    ['going back', batch(2, 1), ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER],
    ['older epoch', batch(1, 5), ErrorCode.INVALID_PRODUCER_EPOCH],
    ['newer epoch from 0', batch(3, 0), 'ok'],
    ['newer epoch not from 0', batch(3, 5), ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER],
    ['unknown producer from 0', batch(0, 0, 1, 8), 'ok'],
    ['unknown producer not from 0', batch(0, 4, 1, 8), ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER],
  ])('%s', (_name, b, expected) => {
    const txn = seeded().begin();
    if (expected === 'ok') expect(txn.check(b)).toBeNull();
    else if (expected === 'dup') expect(txn.check(b)).toMatchObject({ firstSeq: b.baseSequence });
    else expect(codeOf(() => txn.check(b))).toBe(expected);
  });

  it('returns the original offsets of a duplicate', () => {
    expect(seeded().begin().check(batch(2, 0, 3))).toEqual({ firstSeq: 0, lastSeq: 2, firstOffset: 100, lastOffset: 102, timestamp: -1 });
  });

  it('remembers only the last 5 batches', () => {
    const state = new ProducerStateManager();
    const txn = state.begin();
    for (let seq = 0; seq < 7; seq++) txn.record(batch(0, seq), seq, seq, -1);
    txn.commit();
    expect(state.get(7)?.batches.map((b) => b.firstSeq)).toEqual([2, 3, 4, 5, 6]);
    expect(state.begin().check(batch(0, 2))).not.toBeNull();
    expect(codeOf(() => state.begin().check(batch(0, 1)))).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
  });

  it('accepts the wrap from 2147483647 to 0', () => {
    const state = new ProducerStateManager();
    const txn = state.begin();
    txn.record(batch(0, INT32_MAX - 1, 2), 0, 1, -1);
    expect(txn.check(batch(0, 0))).toBeNull();
    expect(codeOf(() => txn.check(batch(0, INT32_MAX)))).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
  });

  it('a new epoch forgets the old batches', () => {
    const state = seeded();
    const txn = state.begin();
    txn.record(batch(3, 0), 200, 200, -1);
    txn.commit();
    expect(state.get(7)).toMatchObject({ epoch: 3, lastSeq: 0, batches: [{ firstOffset: 200 }] });
  });

  it('child transactions see their parent and commit only into it', () => {
    const state = seeded();
    const group = state.begin();
    const first = group.child();
    first.record(batch(2, 5), 105, 105, -1);
    first.commit();
    const second = group.child();
    expect(second.check(batch(2, 6))).toBeNull();
    expect(second.check(batch(2, 5))).toMatchObject({ firstOffset: 105 });
    expect(state.get(7)?.lastSeq).toBe(4);
    group.commit();
    expect(state.get(7)?.lastSeq).toBe(5);
  });

  it('a discarded transaction leaves no trace', () => {
    const state = seeded();
    const txn = state.begin();
    txn.record(batch(2, 5), 105, 105, -1);
    expect(state.get(7)?.lastSeq).toBe(4);
  });
});

describe('replay and snapshots', () => {
  it('replay applies batches read back from the log', () => {
    const state = new ProducerStateManager();
    state.replay(batch(0, 0, 2), 0, -1);
    state.replay(batch(0, 2, 1), 5, 1234);
    state.replay(batch(1, 0, 1), 9, -1);
    state.replay(batch(0, 3, 1), 10, -1); // older epoch: ignored
    expect(state.get(7)).toEqual({ producerId: 7, epoch: 1, lastSeq: 0, batches: [{ firstSeq: 0, lastSeq: 0, firstOffset: 9, lastOffset: 9, timestamp: -1 }] });
  });

  it('round-trips through a snapshot', () => {
    const state = seeded();
    const txn = state.begin();
    txn.record(batch(0, 0, 4, 2 ** 40), 300, 303, 1_700_000_000_000);
    txn.commit();
    const copy = ProducerStateManager.fromSnapshot(state.toSnapshot());
    expect(copy.producers()).toEqual(state.producers());
  });

  it.each<[string, (b: Buffer) => Buffer]>([
    ['truncated', (b) => b.subarray(0, b.length - 3)],
    ['flipped byte', (b) => { b[b.length - 5] ^= 1; return b; }],
    ['wrong version', (b) => { b.writeInt16BE(9, 0); return b; }],
    ['too short', () => Buffer.alloc(4)],
  ])('rejects a %s snapshot', (_name, damage) => {
    expect(() => ProducerStateManager.fromSnapshot(damage(seeded().toSnapshot()))).toThrow();
  });
});
