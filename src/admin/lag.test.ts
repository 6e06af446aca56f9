import { describe, expect, it } from 'vitest';
import { compareTopicPartition, lagByTopic, lagTotals, partitionLag, partitionLags, type LagStatus, type PartitionOffsets } from './lag.ts';

const p = (committed: bigint | null, logStart: bigint | null, logEnd: bigint | null, topic = 't', partition = 0): PartitionOffsets => ({ topic, partition, committed, logStart, logEnd });

describe('partitionLag', () => {
  const cases: { name: string; input: PartitionOffsets; lag: bigint | null; status: LagStatus }[] = [
    { name: 'caught up', input: p(10n, 0n, 10n), lag: 0n, status: 'ok' },
    { name: 'behind', input: p(3n, 0n, 10n), lag: 7n, status: 'ok' },
    { name: 'committed at the log start', input: p(5n, 5n, 12n), lag: 7n, status: 'ok' },
    { name: 'no committed offset', input: p(null, 0n, 10n), lag: null, status: 'no-commit' },
    { name: 'negative committed offset means none (OffsetFetch -1)', input: p(-1n, 0n, 10n), lag: null, status: 'no-commit' },
    { name: 'log end unknown (topic deleted)', input: p(4n, null, null), lag: null, status: 'unknown-log' },
    { name: 'negative log end is unknown', input: p(4n, -1n, -1n), lag: null, status: 'unknown-log' },
    { name: 'committed past the log end (log truncated)', input: p(15n, 0n, 10n), lag: 0n, status: 'ahead-of-log-end' },
    { name: 'committed below the log start (records deleted): still end - committed', input: p(2n, 5n, 10n), lag: 8n, status: 'below-log-start' },
    { name: 'log start unknown but end known', input: p(2n, null, 10n), lag: 8n, status: 'ok' },
    { name: 'empty partition, committed 0', input: p(0n, 0n, 0n), lag: 0n, status: 'ok' },
    { name: 'offsets beyond 2^53 stay exact', input: p(9007199254740993n, 0n, 9007199254741000n), lag: 7n, status: 'ok' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = partitionLag(c.input);
      expect(r.lag).toBe(c.lag);
      expect(r.status).toBe(c.status);
      expect(r.topic).toBe(c.input.topic);
      expect(r.partition).toBe(c.input.partition);
    });
  }

  it('reports a negative committed offset as null', () => {
    expect(partitionLag(p(-1n, 0n, 10n)).committed).toBeNull();
  });
});

describe('lagTotals', () => {
  const cases: { name: string; lags: (bigint | null)[]; total: bigint; max: bigint; lagging: number; unknown: number }[] = [
    { name: 'nothing', lags: [], total: 0n, max: 0n, lagging: 0, unknown: 0 },
    { name: 'all caught up', lags: [0n, 0n], total: 0n, max: 0n, lagging: 0, unknown: 0 },
    { name: 'sums and max', lags: [7n, 5n, 0n], total: 12n, max: 7n, lagging: 2, unknown: 0 },
    { name: 'unknown lags are counted apart, not summed', lags: [3n, null, null], total: 3n, max: 3n, lagging: 1, unknown: 2 },
    { name: 'only unknown', lags: [null], total: 0n, max: 0n, lagging: 0, unknown: 1 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(lagTotals(c.lags.map((lag) => ({ lag })))).toEqual({ total: c.total, max: c.max, partitions: c.lags.length, lagging: c.lagging, unknown: c.unknown });
    });
  }
});

describe('partitionLags and lagByTopic', () => {
  const lags = partitionLags([p(1n, 0n, 5n, 'b', 1), p(0n, 0n, 2n, 'a', 0), p(null, 0n, 9n, 'b', 0), p(4n, 0n, 4n, 'a', 1)]);

  it('sorts by topic then partition', () => {
    expect(lags.map((l) => `${l.topic}:${l.partition}`)).toEqual(['a:0', 'a:1', 'b:0', 'b:1']);
  });

  it('totals per topic', () => {
    expect(lagByTopic(lags)).toEqual([
      { topic: 'a', total: 2n, max: 2n, partitions: 2, lagging: 1, unknown: 0 },
      { topic: 'b', total: 4n, max: 4n, partitions: 2, lagging: 1, unknown: 1 },
    ]);
  });

  it('compares partitions numerically', () => {
    expect([{ topic: 't', partition: 10 }, { topic: 't', partition: 9 }].sort(compareTopicPartition).map((x) => x.partition)).toEqual([9, 10]);
  });
});
