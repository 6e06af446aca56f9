import { describe, expect, it } from 'vitest';
import { segmentsToDelete, type RetentionSegment } from './retention.ts';

const seg = (baseOffset: number, size: number, largestTimestamp: number): RetentionSegment => ({ baseOffset, size, largestTimestamp });
// Four segments of 100 bytes, timestamps 1000, 2000, 3000 and the active one at 4000.
const log = [seg(0, 100, 1000), seg(10, 100, 2000), seg(20, 100, 3000), seg(30, 100, 4000)];
const policy = { now: 5000, retentionMs: -1, retentionBytes: -1, logStartOffset: 0 };

describe('segmentsToDelete', () => {
  it.each<[string, Partial<typeof policy>, number]>([
    ['nothing configured', {}, 0],
    ['time: older than 3500 ms', { retentionMs: 3500 }, 1],
    ['time: older than 2500 ms', { retentionMs: 2500 }, 2],
    ['time: exactly at the limit is kept', { retentionMs: 3000 }, 1],
    ['time: everything expired keeps the active segment', { retentionMs: 0 }, 3],
    ['size: 400 bytes fit in 400', { retentionBytes: 400 }, 0],
    ['size: 399 keeps all (dropping one would leave 300 < 399)', { retentionBytes: 399 }, 0],
    ['size: 300 drops one', { retentionBytes: 300 }, 1],
    ['size: 250 drops one (two would leave 200 < 250)', { retentionBytes: 250 }, 1],
    ['size: 200 drops two', { retentionBytes: 200 }, 2],
    ['size: 0 keeps the active segment', { retentionBytes: 0 }, 3],
    ['log start inside the second segment', { logStartOffset: 15 }, 1],
    ['log start at the third segment', { logStartOffset: 20 }, 2],
    ['log start at the end', { logStartOffset: 40 }, 3],
    ['largest rule wins', { retentionMs: 3500, retentionBytes: 200 }, 2],
  ])('%s', (_name, overrides, expected) => {
    expect(segmentsToDelete(log, { ...policy, ...overrides }).count).toBe(expected);
  });

  it('only deletes a prefix by time', () => {
    const mixed = [seg(0, 100, 4900), seg(10, 100, 100), seg(20, 100, 4000)];
    expect(segmentsToDelete(mixed, { ...policy, retentionMs: 1000 })).toMatchObject({ count: 0, byTime: 0 });
  });

  it('never deletes a lone active segment', () => {
    expect(segmentsToDelete([seg(0, 100, 0)], { ...policy, retentionMs: 0, retentionBytes: 0, logStartOffset: 100 }).count).toBe(0);
    expect(segmentsToDelete([], { ...policy, retentionMs: 0 }).count).toBe(0);
  });
});
