import { describe, expect, it } from 'vitest';
import { KafkaProtocolError } from '../errors.ts';
import { ErrorCode } from '../generated/error-codes.ts';
import { encodeTestBatch, testRecords } from '../../storage/test-batches.ts';
import {
  BATCH_HEADER_SIZE,
  CRC_OFFSET,
  MAGIC_OFFSET,
  batchCompression,
  checkStoredBatch,
  computeBatchCrc,
  isControl,
  isLogAppendTime,
  isTransactional,
  readBatchHeader,
  readInt64,
  setBaseOffset,
  setLogAppendTime,
  setPartitionLeaderEpoch,
  validateRecordBatches,
  writeInt64,
} from './batch-header.ts';

const limits = { maxMessageBytes: 1_000_000 };

function codeOf(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof KafkaProtocolError) return err.errorCode;
    throw err;
  }
  return undefined;
}

describe('int64 helpers', () => {
  it.each([0, 1, -1, 2 ** 32, -(2 ** 32) - 5, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 1_700_000_000_123])('round-trips %d', (v) => {
    const buf = Buffer.alloc(8);
    writeInt64(buf, 0, v);
    expect(buf.readBigInt64BE(0)).toBe(BigInt(v));
    expect(readInt64(buf, 0)).toBe(v);
  });

  it('refuses unsafe integers', () => {
    expect(() => writeInt64(Buffer.alloc(8), 0, 2 ** 60)).toThrow(RangeError);
  });
});

describe('readBatchHeader', () => {
  it('reads every field of an encoded batch', () => {
    const buf = encodeTestBatch(testRecords(3, { timestamp: 1000 }), {
      baseOffset: 42, partitionLeaderEpoch: 7, producerId: 99, producerEpoch: 3, baseSequence: 10,
    });
    expect(readBatchHeader(buf, 0)).toEqual({
      baseOffset: 42,
      batchLength: buf.length - 12,
      partitionLeaderEpoch: 7,
      magic: 2,
      crc: computeBatchCrc(buf, 0, buf.length),
      attributes: 0,
      lastOffsetDelta: 2,
      baseTimestamp: 1000,
      maxTimestamp: 1002,
      producerId: 99,
      producerEpoch: 3,
      baseSequence: 10,
      recordCount: 3,
    });
  });

  it.each([
    [{}, 'none', false, false, false],
    [{ gzip: true }, 'gzip', false, false, false],
    [{ logAppendTime: true }, 'none', true, false, false],
    [{ transactional: true }, 'none', false, true, false],
    [{ transactional: true, control: true }, 'none', false, true, true],
  ])('attributes of %j', (options, compression, logAppend, transactional, control) => {
    const { attributes } = readBatchHeader(encodeTestBatch(testRecords(1), options), 0);
    expect(batchCompression(attributes)).toBe(compression);
    expect(isLogAppendTime(attributes)).toBe(logAppend);
    expect(isTransactional(attributes)).toBe(transactional);
    expect(isControl(attributes)).toBe(control);
  });
});

describe('patchers', () => {
  it('setBaseOffset and setPartitionLeaderEpoch leave the CRC valid', () => {
    const buf = Buffer.concat([Buffer.alloc(5), encodeTestBatch(testRecords(2))]);
    setBaseOffset(buf, 5, 123456789012);
    setPartitionLeaderEpoch(buf, 5, 4);
    const h = readBatchHeader(buf, 5);
    expect(h.baseOffset).toBe(123456789012);
    expect(h.partitionLeaderEpoch).toBe(4);
    expect(checkStoredBatch(buf, 5)).toEqual({ size: buf.length - 5 });
  });

  it('setLogAppendTime sets bit 3 and maxTimestamp and recomputes the CRC', () => {
    const buf = encodeTestBatch(testRecords(2, { timestamp: 10 }));
    setLogAppendTime(buf, 0, 5555);
    const h = readBatchHeader(buf, 0);
    expect(isLogAppendTime(h.attributes)).toBe(true);
    expect(h.maxTimestamp).toBe(5555);
    expect(h.baseTimestamp).toBe(10);
    expect(h.crc).toBe(computeBatchCrc(buf, 0, buf.length));
    expect(codeOf(() => validateRecordBatches(buf, limits))).toBeUndefined();
  });
});

describe('validateRecordBatches', () => {
  it('summarizes several concatenated batches without copying', () => {
    const a = encodeTestBatch(testRecords(2));
    const b = encodeTestBatch(testRecords(3));
    const records = Buffer.concat([a, b]);
    const summary = validateRecordBatches(records, limits);
    expect(summary.recordCount).toBe(5);
    expect(summary.offsetCount).toBe(5);
    expect(summary.batches.map((x) => [x.pos, x.size, x.header.recordCount])).toEqual([[0, a.length, 2], [a.length, b.length, 3]]);
  });

  const valid = (): Buffer => encodeTestBatch(testRecords(3));
  const mutate = (fn: (b: Buffer) => Buffer | void) => (): Buffer => {
    const b = valid();
    return fn(b) ?? b;
  };
  it.each<[string, () => Buffer, number]>([
    ['empty input', () => Buffer.alloc(0), ErrorCode.CORRUPT_MESSAGE],
    ['bad CRC', mutate((b) => { b[b.length - 1] ^= 1; }), ErrorCode.CORRUPT_MESSAGE],
    ['garbled stored CRC', mutate((b) => { b[CRC_OFFSET] ^= 0xff; }), ErrorCode.CORRUPT_MESSAGE],
    ['magic 0', mutate((b) => { b[MAGIC_OFFSET] = 0; }), ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT],
    ['magic 1', mutate((b) => { b[MAGIC_OFFSET] = 1; }), ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT],
    ['magic 3', mutate((b) => { b[MAGIC_OFFSET] = 3; }), ErrorCode.CORRUPT_MESSAGE],
    ['truncated batch', mutate((b) => b.subarray(0, b.length - 1)), ErrorCode.CORRUPT_MESSAGE],
    ['only part of a header', mutate((b) => b.subarray(0, 10)), ErrorCode.CORRUPT_MESSAGE],
    ['length below the header', mutate((b) => { b.writeInt32BE(10, 8); }), ErrorCode.CORRUPT_MESSAGE],
    ['trailing partial batch', () => Buffer.concat([valid(), valid().subarray(0, 30)]), ErrorCode.CORRUPT_MESSAGE],
    ['trailing garbage bytes', () => Buffer.concat([valid(), Buffer.alloc(4)]), ErrorCode.CORRUPT_MESSAGE],
    ['recordCount 0', mutate((b) => { b.writeInt32BE(0, 57); b.writeInt32BE(-1, 23); b.writeUInt32BE(computeBatchCrc(b, 0, b.length), CRC_OFFSET); }), ErrorCode.INVALID_RECORD],
    ['lastOffsetDelta mismatch', mutate((b) => { b.writeInt32BE(5, 23); b.writeUInt32BE(computeBatchCrc(b, 0, b.length), CRC_OFFSET); }), ErrorCode.INVALID_RECORD],
    ['invalid compression id', mutate((b) => { b.writeInt16BE(6, 21); b.writeUInt32BE(computeBatchCrc(b, 0, b.length), CRC_OFFSET); }), ErrorCode.CORRUPT_MESSAGE],
  ])('%s', (_name, make, code) => {
    expect(codeOf(() => validateRecordBatches(make(), limits))).toBe(code);
  });

  it('rejects a batch larger than max.message.bytes', () => {
    const b = encodeTestBatch(testRecords(10, { valueBytes: 100 }));
    expect(codeOf(() => validateRecordBatches(b, { maxMessageBytes: b.length }))).toBeUndefined();
    expect(codeOf(() => validateRecordBatches(b, { maxMessageBytes: b.length - 1 }))).toBe(ErrorCode.MESSAGE_TOO_LARGE);
  });

  it('reports the failing batch position', () => {
    const good = valid();
    const bad = valid();
    bad[bad.length - 1] ^= 1;
    try {
      validateRecordBatches(Buffer.concat([good, bad]), limits);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(KafkaProtocolError);
      expect(err).toMatchObject({ batchIndex: 1, position: good.length });
    }
  });
});

describe('checkStoredBatch', () => {
  it.each<[string, (b: Buffer) => Buffer, string | null]>([
    ['valid', (b) => b, null],
    ['partial header', (b) => b.subarray(0, BATCH_HEADER_SIZE - 1), 'partial header'],
    ['partial batch', (b) => b.subarray(0, b.length - 1), 'partial batch'],
    ['bad CRC', (b) => { b[b.length - 1] ^= 1; return b; }, 'CRC'],
    ['bad magic', (b) => { b[MAGIC_OFFSET] = 1; return b; }, 'magic'],
  ])('%s', (_name, fn, problem) => {
    const b = fn(encodeTestBatch(testRecords(2)));
    const result = checkStoredBatch(b, 0);
    if (problem === null) expect(result).toEqual({ size: b.length });
    else expect('invalid' in result && result.invalid).toContain(problem);
  });
});
