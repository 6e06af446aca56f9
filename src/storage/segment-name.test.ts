import { describe, expect, it } from 'vitest';
import {
  formatOffset,
  indexFileName,
  isValidTopicName,
  logFileName,
  parsePartitionDirName,
  parseSegmentFileName,
  partitionDirName,
  snapshotFileName,
  timeIndexFileName,
} from './segment-name.ts';

describe('segment file names', () => {
  it.each([
    [0, '00000000000000000000'],
    [42, '00000000000000000042'],
    [1234567890123, '00000001234567890123'],
    [Number.MAX_SAFE_INTEGER, '00009007199254740991'],
  ])('formats %d', (offset, digits) => {
    expect(formatOffset(offset)).toBe(digits);
    expect(logFileName(offset)).toBe(`${digits}.log`);
    expect(indexFileName(offset)).toBe(`${digits}.index`);
    expect(timeIndexFileName(offset)).toBe(`${digits}.timeindex`);
    expect(snapshotFileName(offset)).toBe(`${digits}.snapshot`);
  });

  it.each([-1, 1.5, Number.NaN, 2 ** 60])('refuses offset %d', (offset) => {
    expect(() => formatOffset(offset)).toThrow(RangeError);
  });

  it.each([
    ['00000000000000000000.log', { offset: 0, kind: 'log' }],
    ['00000000000000000100.index', { offset: 100, kind: 'index' }],
    ['00000000000000000100.timeindex', { offset: 100, kind: 'timeindex' }],
    ['00000000000000000007.snapshot', { offset: 7, kind: 'snapshot' }],
    ['00000000000000000000.log.tmp', null],
    ['0000000000000000000.log', null],
    ['0000000000000000000a.log', null],
    ['00000000000000000000.txt', null],
    ['leader-epoch-checkpoint', null],
    ['99999999999999999999.log', null],
  ])('parses %s', (name, expected) => {
    expect(parseSegmentFileName(name)).toEqual(expected);
  });
});

describe('partition directory names', () => {
  it.each([
    ['orders-0', { topic: 'orders', partition: 0 }],
    ['my-topic-12', { topic: 'my-topic', partition: 12 }],
    ['a.b_c-d-3', { topic: 'a.b_c-d', partition: 3 }],
    ['__consumer_offsets-49', { topic: '__consumer_offsets', partition: 49 }],
    ['topic-2147483647', { topic: 'topic', partition: 2147483647 }],
    ['topic-2147483648', null],
    ['topic-01', null],
    ['topic-', null],
    ['-3', null],
    ['topic', null],
    ['bad topic-1', null],
    ['orders-0.abc123-delete', null],
    ['..-1', null],
  ])('parses %s', (name, expected) => {
    expect(parsePartitionDirName(name)).toEqual(expected);
  });

  it.each([
    ['orders', 0],
    ['my-topic', 12],
    ['a.b_c-d', 3],
  ])('round-trips %s-%d', (topic, partition) => {
    expect(parsePartitionDirName(partitionDirName(topic, partition))).toEqual({ topic, partition });
  });

  it.each([
    ['', false],
    ['.', false],
    ['..', false],
    ['a'.repeat(249), true],
    ['a'.repeat(250), false],
    ['with space', false],
    ['slash/no', false],
    ['Ok.Name_1-x', true],
  ])('isValidTopicName(%j) = %s', (topic, valid) => {
    expect(isValidTopicName(topic)).toBe(valid);
  });

  it('refuses invalid names and partitions', () => {
    expect(() => partitionDirName('bad/topic', 0)).toThrow(RangeError);
    expect(() => partitionDirName('ok', -1)).toThrow(RangeError);
  });
});
