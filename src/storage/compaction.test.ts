import { describe, expect, it } from 'vitest';
import { KafkaProtocolError } from '../protocol/errors.ts';
import { ErrorCode } from '../protocol/generated/error-codes.ts';
import {
  batchCompression,
  checkStoredBatch,
  readBatchHeader,
  validateRecordBatches,
  type CompressionType,
} from '../protocol/records/batch-header.ts';
import { decodeBatchRecords, encodeRecordBatch, type NewRecord } from '../protocol/records/records.ts';
import {
  OffsetMap,
  assertRecordsHaveKeys,
  chooseDirtiest,
  dirtyRatio,
  emptyBatchFrom,
  filterBatch,
  forEachRecord,
  groupSegments,
  retainRecord,
  shouldClean,
  tombstoneExpired,
  type CleanableState,
  type RecordView,
} from './compaction.ts';
import { compactionSettings, defaultLogConfig, NEVER_MS } from './log-config.ts';
import { recordSpans } from './record-walk.ts';

const T0 = 1_700_000_000_000;

function rec(key: string | null, value: string | null, ts = T0, headers: NewRecord['headers'] = []): NewRecord {
  return { key: key === null ? null : Buffer.from(key), value: value === null ? null : Buffer.from(value), timestamp: ts, headers };
}

function view(key: string | null, offset: number, tombstone = false): RecordView {
  return { key, offset, timestamp: T0, tombstone };
}

function mapOf(entries: Record<string, number>): OffsetMap {
  const m = new OffsetMap();
  for (const [k, o] of Object.entries(entries)) m.put(k, o);
  return m;
}

function state(cleanBytes: number, dirtyBytes: number, needsCompactionNow = false): CleanableState {
  return { logStartOffset: 0, firstDirtyOffset: 0, firstUncleanableOffset: 0, cleanBytes, dirtyBytes, needsCompactionNow };
}

describe('compactionSettings', () => {
  it.each([
    ['defaults', {}, { compact: false, delete: true, deleteRetentionMs: 86400000, minCompactionLagMs: 0, maxCompactionLagMs: NEVER_MS, minCleanableDirtyRatio: 0.5 }],
    ['compact', { cleanupPolicy: ['compact'] as const }, { compact: true, delete: false }],
    ['compact,delete', { cleanupPolicy: ['compact', 'delete'] as const }, { compact: true, delete: true }],
    ['Long.MAX as a number', { maxCompactionLagMs: 9223372036854775807 }, { maxCompactionLagMs: 9223372036854775807 }],
    ['clamped ratio', { minCleanableDirtyRatio: 3 }, { minCleanableDirtyRatio: 1 }],
  ])('%s', (_name, overrides, expected) => {
    const base = { ...defaultLogConfig };
    delete base.cleanupPolicy;
    delete base.deleteRetentionMs;
    delete base.maxCompactionLagMs;
    expect(compactionSettings({ ...base, ...overrides })).toMatchObject(expected);
  });
});

describe('OffsetMap', () => {
  it('keeps the latest offset per key, whatever the order of puts', () => {
    const m = new OffsetMap();
    m.put('a', 5);
    m.put('a', 3);
    m.put('b', 1);
    m.put('a', 9);
    expect([m.get('a'), m.get('b'), m.get('c'), m.size, m.latestOffset]).toEqual([9, 1, undefined, 2, 9]);
  });

  it.each<CompressionType>(['none', 'gzip', 'zstd', 'snappy', 'lz4'])('adds the keyed records of a %s batch', (compression) => {
    const m = new OffsetMap();
    m.addBatch(encodeRecordBatch({ baseOffset: 10, compression, records: [rec('a', '1'), rec(null, 'x'), rec('b', null), rec('a', '2')] }));
    expect([m.get('a'), m.get('b'), m.size]).toEqual([13, 12, 2]);
  });

  it('ignores control batches', () => {
    const m = new OffsetMap();
    m.addBatch(encodeRecordBatch({ baseOffset: 0, control: true, records: [rec('ctl', 'x')] }));
    expect(m.size).toBe(0);
  });

  it('distinguishes binary keys byte for byte', () => {
    const m = new OffsetMap();
    const k1 = Buffer.from([0xff, 0x00]);
    const k2 = Buffer.from([0xc3, 0xbf, 0x00]);
    m.addBatch(encodeRecordBatch({ baseOffset: 0, records: [{ key: k1, value: null, timestamp: T0 }, { key: k2, value: null, timestamp: T0 }] }));
    expect(m.size).toBe(2);
  });
});

describe('retainRecord', () => {
  const map = mapOf({ a: 10, b: 4 });
  it.each([
    ['no key', view(null, 1), false, 'keep'],
    ['older than the latest', view('a', 3), false, 'superseded'],
    ['the latest', view('a', 10), false, 'keep'],
    ['key not in the map (clean section)', view('z', 2), false, 'keep'],
    ['latest tombstone, not expired', view('b', 4, true), false, 'keep'],
    ['latest tombstone, expired', view('b', 4, true), true, 'expired-tombstone'],
    ['superseded tombstone', view('a', 2, true), false, 'superseded'],
    ['tombstone outside the map, expired', view('z', 7, true), true, 'expired-tombstone'],
    ['value, expiry does not matter', view('a', 10), true, 'keep'],
  ] as const)('%s', (_name, record, expired, expected) => {
    expect(retainRecord(record, map, expired)).toBe(expected);
  });
});

describe('tombstoneExpired', () => {
  it.each([
    [T0, T0, 0, false],
    [T0, T0 + 1, 0, true],
    [T0, T0 + 1000, 1000, false],
    [T0, T0 + 1001, 1000, true],
    [T0 + 5000, T0, 1000, false],
  ])('segment modified %d, now %d, retention %d → %s', (modified, now, retention, expected) => {
    expect(tombstoneExpired(modified, now, retention)).toBe(expected);
  });
});

describe('dirty ratio and selection', () => {
  it.each([
    [0, 0, 0],
    [100, 0, 0],
    [0, 100, 1],
    [300, 100, 0.25],
  ])('clean %d dirty %d → %d', (clean, dirty, ratio) => {
    expect(dirtyRatio(state(clean, dirty))).toBe(ratio);
  });

  it.each([
    ['nothing dirty', state(100, 0), 0, false],
    ['nothing dirty, lag exceeded', state(100, 0, true), 0.5, false],
    ['below the ratio', state(300, 100), 0.5, false],
    ['at the ratio', state(100, 100), 0.5, true],
    ['above the ratio', state(100, 300), 0.5, true],
    ['below the ratio, lag exceeded', state(900, 1, true), 0.5, true],
  ])('%s', (_name, s, minRatio, expected) => {
    expect(shouldClean(s, minRatio)).toBe(expected);
  });

  it('chooses the largest ratio among the cleanable logs', () => {
    const candidates = [
      { name: 'a', state: state(100, 100), minCleanableDirtyRatio: 0.5 },
      { name: 'b', state: state(100, 900), minCleanableDirtyRatio: 0.95 },
      { name: 'c', state: state(100, 300), minCleanableDirtyRatio: 0.5 },
      { name: 'd', state: state(1000, 10, true), minCleanableDirtyRatio: 0.5 },
    ];
    expect(chooseDirtiest(candidates)?.name).toBe('c');
    expect(chooseDirtiest(candidates.slice(3))?.name).toBe('d');
    expect(chooseDirtiest([{ name: 'e', state: state(10, 0), minCleanableDirtyRatio: 0 }])).toBeNull();
    expect(chooseDirtiest([])).toBeNull();
  });
});

describe('groupSegments', () => {
  const seg = (baseOffset: number, size: number, nextOffset: number) => ({ baseOffset, size, nextOffset });
  it.each([
    ['one group', [seg(0, 100, 10), seg(10, 100, 20), seg(20, 100, 30)], 1000, [[0, 3]]],
    ['split by size', [seg(0, 400, 10), seg(10, 400, 20), seg(20, 400, 30)], 1000, [[0, 2], [2, 3]]],
    ['oversized segment alone', [seg(0, 2000, 10), seg(10, 100, 20)], 1000, [[0, 1], [1, 2]]],
    ['offsets beyond int32', [seg(0, 10, 10), seg(10, 10, 0x80000010)], 1000, [[0, 1], [1, 2]]],
    ['empty', [], 1000, []],
  ])('%s', (_name, segments, maxBytes, expected) => {
    expect(groupSegments(segments, { maxBytes, maxIndexBytes: 1 << 20, indexIntervalBytes: 4096 })).toEqual(expected);
  });

  it('bounds the estimated index size', () => {
    const segments = [seg(0, 1000, 10), seg(10, 1000, 20), seg(20, 1000, 30)];
    // interval 100: ~20 entries for two segments = 264 bytes > 200.
    expect(groupSegments(segments, { maxBytes: 1 << 20, maxIndexBytes: 200, indexIntervalBytes: 100 })).toEqual([[0, 1], [1, 2], [2, 3]]);
  });
});

describe('filterBatch', () => {
  const headers = [{ key: 'h', value: Buffer.from('hv') }, { key: 'n', value: null }];
  const records = [rec('a', 'a0', T0 + 5, headers), rec('b', 'b0', T0 + 1), rec('a', 'a1', T0 + 3), rec('c', null, T0 + 9), rec(null, 'nokey', T0 + 2)];

  it('returns the input itself when every record stays', () => {
    const batch = encodeRecordBatch({ baseOffset: 100, records });
    const out = filterBatch(batch, () => 'keep');
    expect(out.bytes).toBe(batch);
    expect(out).toMatchObject({ changed: false, retained: 5, superseded: 0, tombstonesRemoved: 0 });
  });

  it.each<CompressionType>(['none', 'gzip', 'zstd', 'snappy', 'lz4'])('keeps codec, offsets, timestamps, headers and producer fields (%s)', (compression) => {
    const batch = encodeRecordBatch({
      baseOffset: 100, compression, records, producerId: 7, producerEpoch: 2, baseSequence: 40, partitionLeaderEpoch: 3,
    });
    const map = mapOf({ a: 102, b: 101, c: 103 });
    const out = filterBatch(batch, (r) => retainRecord(r, map, true));
    expect(out).toMatchObject({ changed: true, retained: 3, superseded: 1, tombstonesRemoved: 1 });
    const bytes = out.bytes!;
    expect(checkStoredBatch(bytes, 0)).toEqual({ size: bytes.length });
    const before = readBatchHeader(batch, 0);
    const after = readBatchHeader(bytes, 0);
    expect(batchCompression(after.attributes)).toBe(compression);
    expect(after).toMatchObject({
      baseOffset: 100, lastOffsetDelta: 4, baseTimestamp: before.baseTimestamp, producerId: 7, producerEpoch: 2, baseSequence: 40,
      partitionLeaderEpoch: 3, recordCount: 3, maxTimestamp: T0 + 3,
    });
    const decoded = decodeBatchRecords(bytes).records;
    const original = decodeBatchRecords(batch).records;
    expect(decoded).toEqual([original[1], original[2], original[4]]);
    expect(decoded.map((r) => r.offset)).toEqual([101, 102, 104]);
    expect(decodeBatchRecords(batch).records[0].headers).toEqual(headers);
  });

  it('keeps LogAppendTime batches at their time', () => {
    const batch = encodeRecordBatch({ baseOffset: 0, records, logAppendTime: true, maxTimestamp: T0 + 999 });
    const out = filterBatch(batch, (r) => (r.key === 'a' ? 'superseded' : 'keep'));
    expect(readBatchHeader(out.bytes!, 0).maxTimestamp).toBe(T0 + 999);
  });

  it('drops an emptied batch, or keeps its header when asked', () => {
    const batch = encodeRecordBatch({ baseOffset: 50, compression: 'gzip', records: records.slice(0, 3), producerId: 9, producerEpoch: 0, baseSequence: 12 });
    expect(filterBatch(batch, () => 'superseded')).toMatchObject({ bytes: null, changed: true, retained: 0, superseded: 3 });
    const kept = filterBatch(batch, () => 'superseded', { keepEmpty: true }).bytes!;
    expect(kept.length).toBe(61);
    expect(checkStoredBatch(kept, 0)).toEqual({ size: 61 });
    expect(readBatchHeader(kept, 0)).toMatchObject({ baseOffset: 50, lastOffsetDelta: 2, recordCount: 0, producerId: 9, baseSequence: 12 });
    expect(batchCompression(readBatchHeader(kept, 0).attributes)).toBe('none');
    expect(decodeBatchRecords(kept).records).toEqual([]);
    expect(emptyBatchFrom(batch)).toEqual(kept);
  });

  it('reports what each record is', () => {
    const seen: Array<[string | null, number, boolean]> = [];
    forEachRecord(encodeRecordBatch({ baseOffset: 7, compression: 'zstd', records }), (r) => seen.push([r.key, r.offset, r.tombstone]));
    expect(seen).toEqual([['a', 7, false], ['b', 8, false], ['a', 9, false], ['c', 10, true], [null, 11, false]]);
  });
});

describe('recordSpans', () => {
  it('covers the records section exactly', () => {
    const batch = encodeRecordBatch({ baseOffset: 0, records: [rec('key', 'value', T0, [{ key: 'x', value: Buffer.from('y') }]), rec(null, null, T0 + 4)] });
    const data = batch.subarray(61);
    const spans = [...recordSpans(data, 2)];
    expect(spans[0].start).toBe(0);
    expect(spans[1].start).toBe(spans[0].end);
    expect(spans[1].end).toBe(data.length);
    expect(data.toString('latin1', spans[0].keyStart, spans[0].keyStart + spans[0].keyLength)).toBe('key');
    expect(spans.map((s) => [s.keyLength, s.valueLength, s.offsetDelta, s.timestampDelta])).toEqual([[3, 5, 0, 0], [-1, -1, 1, 4]]);
  });

  it('rejects a record running past the end', () => {
    const batch = encodeRecordBatch({ baseOffset: 0, records: [rec('key', 'value')] });
    expect(() => [...recordSpans(batch.subarray(61, batch.length - 2), 1)]).toThrow(/past the end/);
  });
});

describe('assertRecordsHaveKeys', () => {
  function codeOf(fn: () => void): number | undefined {
    try {
      fn();
    } catch (err) {
      if (err instanceof KafkaProtocolError) return err.errorCode;
      throw err;
    }
    return undefined;
  }

  it.each<[string, Buffer, number | undefined]>([
    ['keyed', encodeRecordBatch({ records: [rec('a', '1'), rec('b', null)] }), undefined],
    ['one keyless record', encodeRecordBatch({ records: [rec('a', '1'), rec(null, '2')] }), ErrorCode.INVALID_RECORD],
    ['keyless, gzip', encodeRecordBatch({ compression: 'gzip', records: [rec(null, '2')] }), ErrorCode.INVALID_RECORD],
    ['keyed, zstd', encodeRecordBatch({ compression: 'zstd', records: [rec('k', '2')] }), undefined],
    ['second batch keyless', Buffer.concat([encodeRecordBatch({ records: [rec('a', '1')] }), encodeRecordBatch({ records: [rec(null, '1')] })]), ErrorCode.INVALID_RECORD],
    ['control batch', encodeRecordBatch({ control: true, records: [rec(null, '1')] }), undefined],
  ])('%s', (_name, records, expected) => {
    const summary = validateRecordBatches(records, { maxMessageBytes: 1 << 20 });
    expect(codeOf(() => assertRecordsHaveKeys(records, summary, 't-0'))).toBe(expected);
  });
});
