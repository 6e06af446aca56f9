import { describe, expect, it } from 'vitest';
import { appendPoint, offsetAt, ratePerSecond, timeLag, type OffsetPoint, type TimeLag } from './offset-table.ts';

const pts = (...list: [number, number][]): OffsetPoint[] => list.map(([t, o]) => ({ t, offset: BigInt(o) }));
const build = (list: [number, number][], limits = { maxPoints: 100, maxAgeMs: 1e9 }): OffsetPoint[] => list.reduce<OffsetPoint[]>((acc, [t, o]) => appendPoint(acc, { t, offset: BigInt(o) }, limits), []);

describe('appendPoint', () => {
  const cases: { name: string; input: [number, number][]; limits?: { maxPoints: number; maxAgeMs: number }; want: [number, number][] }[] = [
    { name: 'appends growing offsets', input: [[0, 0], [1000, 10], [2000, 25]], want: [[0, 0], [1000, 10], [2000, 25]] },
    { name: 'keeps a flat run as its first and last points', input: [[0, 10], [1000, 10], [2000, 10], [3000, 10]], want: [[0, 10], [3000, 10]] },
    { name: 'a flat run between growth', input: [[0, 0], [1000, 10], [2000, 10], [3000, 10], [4000, 20]], want: [[0, 0], [1000, 10], [3000, 10], [4000, 20]] },
    { name: 'a lower offset starts over (log truncated or recreated)', input: [[0, 50], [1000, 60], [2000, 5]], want: [[2000, 5]] },
    { name: 'an older sample is ignored', input: [[1000, 10], [500, 20]], want: [[1000, 10]] },
    { name: 'the same time replaces', input: [[1000, 10], [1000, 12]], want: [[1000, 12]] },
    { name: 'drops points older than maxAge, keeping one anchor', input: [[0, 0], [1000, 10], [2000, 20], [10_000, 30]], limits: { maxPoints: 100, maxAgeMs: 8500 }, want: [[1000, 10], [2000, 20], [10_000, 30]] },
    { name: 'keeps at most maxPoints', input: [[0, 0], [1, 1], [2, 2], [3, 3], [4, 4]], limits: { maxPoints: 3, maxAgeMs: 1e9 }, want: [[2, 2], [3, 3], [4, 4]] },
  ];
  for (const c of cases) it(c.name, () => expect(build(c.input, c.limits)).toEqual(pts(...c.want)));

  it('does not change its input', () => {
    const before = pts([0, 0], [1000, 10]);
    const copy = [...before];
    appendPoint(before, { t: 2000, offset: 20n });
    expect(before).toEqual(copy);
  });
});

describe('timeLag (kafka-lag-exporter style interpolation)', () => {
  // The log end grew 100 records per second from t=10 s to t=20 s, then stayed at 1000 until t=30 s.
  const table = pts([10_000, 0], [20_000, 1000], [30_000, 1000]);
  const cases: { name: string; points: OffsetPoint[]; committed: number; now: number; want: TimeLag | null }[] = [
    { name: 'at the log end: 0, caught up', points: table, committed: 1000, now: 31_000, want: { ms: 0, kind: 'caught-up' } },
    { name: 'past the log end: 0', points: table, committed: 1200, now: 31_000, want: { ms: 0, kind: 'caught-up' } },
    { name: 'between samples: linear', points: table, committed: 500, now: 31_000, want: { ms: 16_000, kind: 'interpolated' } },
    { name: 'at a sample', points: table, committed: 200, now: 31_000, want: { ms: 19_000, kind: 'interpolated' } },
    { name: 'on a sampled offset exactly at the start', points: table, committed: 0, now: 31_000, want: { ms: 21_000, kind: 'interpolated' } },
    { name: 'flat run: the record came after the run ended', points: pts([0, 0], [1000, 10], [5000, 10], [6000, 20]), committed: 10, now: 6000, want: { ms: 1000, kind: 'interpolated' } },
    { name: 'older than the table: extrapolated with its average rate', points: pts([10_000, 1000], [20_000, 2000]), committed: 500, now: 20_000, want: { ms: 15_000, kind: 'extrapolated' } },
    { name: 'older than a flat table: a lower bound', points: pts([10_000, 1000], [20_000, 1000]), committed: 500, now: 25_000, want: { ms: 15_000, kind: 'at-least' } },
    { name: 'one sample, taken now: unknown', points: pts([10_000, 1000]), committed: 500, now: 10_000, want: null },
    { name: 'one sample, taken earlier: a lower bound', points: pts([10_000, 1000]), committed: 500, now: 12_000, want: { ms: 2000, kind: 'at-least' } },
    { name: 'no samples: unknown', points: [], committed: 5, now: 1, want: null },
    { name: 'never negative', points: table, committed: 999, now: 19_000, want: { ms: 0, kind: 'interpolated' } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = timeLag(c.points, BigInt(c.committed), c.now);
      if (c.want === null) expect(got).toBeNull();
      else {
        expect(got?.kind).toBe(c.want.kind);
        expect(got?.ms).toBeCloseTo(c.want.ms, 3);
      }
    });
  }
});

describe('offsetAt and ratePerSecond', () => {
  const table = pts([0, 0], [10_000, 1000], [20_000, 1000], [30_000, 4000]);
  it.each([
    [-5, 0],
    [0, 0],
    [5000, 500],
    [15_000, 1000],
    [25_000, 2500],
    [40_000, 4000],
  ])('offset at %d is %d', (t, want) => expect(offsetAt(table, t)).toBe(want));

  const cases: { name: string; points: OffsetPoint[]; windowMs: number; want: number | null }[] = [
    { name: 'over the window before the newest point', points: table, windowMs: 10_000, want: 300 },
    { name: 'a window reaching into a flat run', points: table, windowMs: 20_000, want: 150 },
    { name: 'a window longer than the table: the whole table', points: table, windowMs: 100_000, want: 4000 / 30 },
    { name: 'flat: 0', points: pts([0, 7], [5000, 7]), windowMs: 10_000, want: 0 },
    { name: 'one point: unknown', points: pts([0, 7]), windowMs: 10_000, want: null },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = ratePerSecond(c.points, c.windowMs);
      if (c.want === null) expect(got).toBeNull();
      else expect(got).toBeCloseTo(c.want, 6);
    });
  }
});
