import { describe, expect, it } from 'vitest';
import {
  decodeGroupValue,
  decodeKey,
  decodeOffsetValue,
  encodeGroupKey,
  encodeGroupValue,
  encodeOffsetKey,
  encodeOffsetValue,
  partitionForGroup,
} from './offsets-topic-records.ts';

describe('__consumer_offsets record layout', () => {
  it('encodes an offset key as Kafka does (version 1, group, topic, partition)', () => {
    expect(encodeOffsetKey('g', 't', 3).toString('hex')).toBe('0001' + '0001' + '67' + '0001' + '74' + '00000003');
    expect(decodeKey(encodeOffsetKey('group-1', 'payments', 7))).toEqual({ kind: 'offset', group: 'group-1', topic: 'payments', partition: 7 });
  });

  it('encodes a group key (version 2, group)', () => {
    expect(encodeGroupKey('g').toString('hex')).toBe('0002000167');
    expect(decodeKey(encodeGroupKey('orders'))).toEqual({ kind: 'group', group: 'orders' });
  });

  it('skips unknown key versions', () => {
    expect(decodeKey(Buffer.from([0, 9, 0, 0]))).toBeUndefined();
  });

  it.each([
    { offset: 0, leaderEpoch: -1, metadata: '', commitTimestamp: 1 },
    { offset: 2 ** 40, leaderEpoch: 5, metadata: 'ünïcode metadata', commitTimestamp: 1_700_000_000_000 },
  ])('round-trips offset value %#', (v) => {
    const bytes = encodeOffsetValue(v);
    expect(bytes.readInt16BE(0)).toBe(3);
    expect(decodeOffsetValue(bytes)).toEqual(v);
  });

  it('round-trips group metadata with static and dynamic members', () => {
    const v = {
      protocolType: 'consumer',
      generationId: 12,
      protocolName: 'range',
      leaderId: 'm-1',
      currentStateTimestamp: 1_700_000_000_123,
      members: [
        { memberId: 'm-1', groupInstanceId: null, clientId: 'c1', clientHost: '/127.0.0.1', rebalanceTimeoutMs: 30000, sessionTimeoutMs: 10000, subscription: Buffer.from([0, 1, 2]), assignment: Buffer.from([9]) },
        { memberId: 'm-2', groupInstanceId: 'i-2', clientId: 'c2', clientHost: '/127.0.0.1', rebalanceTimeoutMs: 30000, sessionTimeoutMs: 10000, subscription: Buffer.alloc(0), assignment: Buffer.alloc(0) },
      ],
    };
    expect(decodeGroupValue(encodeGroupValue(v))).toEqual(v);
    const empty = { ...v, protocolName: null, leaderId: null, members: [] };
    expect(decodeGroupValue(encodeGroupValue(empty))).toEqual(empty);
  });

  it.each([
    ['group', 50, 'group'.split('').reduce((h, c) => (Math.imul(31, h) + c.charCodeAt(0)) | 0, 0) % 50],
    ['', 50, 0],
    ['any', 1, 0],
  ] as const)('partition for %j of %i partitions follows Java hashCode', (group, n, expected) => {
    expect(partitionForGroup(group, n)).toBe(Math.abs(expected));
  });
});
