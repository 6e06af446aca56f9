import { describe, expect, it } from 'vitest';
import { appendSeries, bucketize, seriesRate, sparkChars, sparkline, trendline, type SeriesPoint } from './sparkline.ts';

const s = (...list: [number, number][]): SeriesPoint[] => list.map(([t, value]) => ({ t, value }));

describe('bucketize', () => {
  const cases: { name: string; series: SeriesPoint[]; from: number; to: number; count: number; want: (number | null)[] }[] = [
    { name: 'one sample per bucket', series: s([1, 5], [2, 7], [3, 1]), from: 0, to: 3, count: 3, want: [5, 7, 1] },
    { name: 'the largest value of a bucket', series: s([1, 5], [2, 9], [3, 1], [4, 2]), from: 0, to: 4, count: 2, want: [9, 2] },
    { name: 'empty buckets are null', series: s([4, 3]), from: 0, to: 4, count: 4, want: [null, null, null, 3] },
    { name: 'samples outside (from, to] are ignored', series: s([0, 100], [5, 100], [2, 4]), from: 0, to: 4, count: 2, want: [4, null] },
    { name: 'no buckets', series: s([1, 1]), from: 0, to: 4, count: 0, want: [] },
  ];
  for (const c of cases) it(c.name, () => expect(bucketize(c.series, c.from, c.to, c.count)).toEqual(c.want));
});

describe('sparkChars', () => {
  const cases: { name: string; values: (number | null)[]; max?: number; want: string }[] = [
    { name: 'scaled from 0 to the largest', values: [0, 1, 2, 4, 8], want: '▁▁▂▄█' },
    { name: 'all zero is the lowest block', values: [0, 0, 0], want: '▁▁▁' },
    { name: 'no data is a space', values: [null, 8, null], want: ' █ ' },
    { name: 'a flat non-zero line is full', values: [5, 5], want: '██' },
    { name: 'a given maximum', values: [4, 8], max: 16, want: '▂▄' },
  ];
  for (const c of cases) it(c.name, () => expect(sparkChars(c.values, c.max)).toBe(c.want));

  it('draws growing and draining lag', () => {
    expect(sparkline(s([1000, 10], [2000, 20], [3000, 40], [4000, 80]), 4000, 4000, 4)).toBe('▁▂▄█');
    expect(sparkline(s([1000, 80], [2000, 40], [3000, 20], [4000, 0]), 4000, 4000, 4)).toBe('█▄▂▁');
  });
});

describe('trendline', () => {
  it('fills a young series from the right, one character per step', () => {
    expect(trendline(s([8000, 1], [9000, 2], [10_000, 4]), 10_000, 300_000, 5, 1000)).toBe('  ▂▄█');
  });
  it('repeats the value before a gap', () => {
    expect(trendline(s([6000, 8], [10_000, 4]), 10_000, 300_000, 5, 1000)).toBe('████▄');
  });
  it('spans at most maxSpanMs', () => {
    expect(trendline(s([0, 100], [9000, 1], [10_000, 2]), 10_000, 2000, 2, 100)).toBe('▄█');
  });
});

describe('appendSeries and seriesRate', () => {
  it('keeps keepMs of points and replaces a point of the same time', () => {
    let series: SeriesPoint[] = [];
    for (const [t, v] of [[0, 1], [1000, 2], [2000, 3], [2000, 4], [5000, 5]] as const) series = appendSeries(series, { t, value: v }, 4000);
    expect(series).toEqual(s([2000, 4], [5000, 5]));
  });
  const cases: { name: string; series: SeriesPoint[]; windowMs: number; want: number | null }[] = [
    { name: 'growing', series: s([0, 0], [5000, 50], [10_000, 100]), windowMs: 10_000, want: 10 },
    { name: 'draining over the last window', series: s([0, 0], [5000, 100], [10_000, 50]), windowMs: 5000, want: -10 },
    { name: 'a window shorter than a step uses the last step', series: s([0, 0], [10_000, 100]), windowMs: 1000, want: 10 },
    { name: 'one point', series: s([0, 0]), windowMs: 1000, want: null },
  ];
  for (const c of cases) it(c.name, () => expect(seriesRate(c.series, c.windowMs)).toBe(c.want));
});
