/**
 * Sparklines, pure: a time series cut into equal time buckets (the largest value of each), drawn
 * with the eight block characters ▁▂▃▄▅▆▇█ scaled from 0 to the largest value shown. A bucket
 * with no sample is a space; a bucket of 0 is the lowest block, so "no lag" and "no data" differ.
 */

export interface SeriesPoint {
  t: number;
  value: number;
}

export const SPARK_CHARS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const;

/**
 * `count` buckets covering (from, to]; each holds the largest value sampled in it, or null.
 * Samples outside the range are ignored.
 */
export function bucketize(series: readonly SeriesPoint[], from: number, to: number, count: number): (number | null)[] {
  const buckets: (number | null)[] = new Array(Math.max(0, count)).fill(null);
  if (count <= 0 || to <= from) return buckets;
  const width = (to - from) / count;
  for (const p of series) {
    if (p.t <= from || p.t > to) continue;
    const i = Math.min(count - 1, Math.max(0, Math.ceil((p.t - from) / width) - 1));
    const v = buckets[i];
    buckets[i] = v === null ? p.value : Math.max(v, p.value);
  }
  return buckets;
}

/** Block characters for values, scaled from 0 to `max` (default: the largest value). */
export function sparkChars(values: readonly (number | null)[], max?: number): string {
  const top = max ?? values.reduce<number>((m, v) => (v !== null && v > m ? v : m), 0);
  return values
    .map((v) => {
      if (v === null) return ' ';
      if (top <= 0 || v <= 0) return SPARK_CHARS[0];
      const i = Math.min(SPARK_CHARS.length - 1, Math.max(0, Math.ceil((v / top) * SPARK_CHARS.length) - 1));
      return SPARK_CHARS[i];
    })
    .join('');
}

/** The sparkline of the last `spanMs` before `now`, `width` characters wide. */
export function sparkline(series: readonly SeriesPoint[], now: number, spanMs: number, width: number): string {
  return sparkChars(bucketize(series, now - spanMs, now, width));
}

/**
 * The lag trend: over the last `maxSpanMs`, or only as far back as the series goes (at least
 * `width × stepMs`, one sample per character), so a young series fills the line from the right.
 * A bucket without a sample after the first one repeats the value before it.
 */
export function trendline(series: readonly SeriesPoint[], now: number, maxSpanMs: number, width: number, stepMs = 1000): string {
  if (width <= 0) return '';
  const first = series[0];
  const span = Math.min(maxSpanMs, Math.max(width * stepMs, first ? now - first.t : 0));
  const buckets = bucketize(series, now - span, now, width);
  let last: number | null = null;
  for (let i = 0; i < buckets.length; i++) {
    if (buckets[i] === null) buckets[i] = last;
    else last = buckets[i];
  }
  return sparkChars(buckets);
}

/** Appends a point and drops those older than `keepMs` before it (a new array). */
export function appendSeries(series: readonly SeriesPoint[], point: SeriesPoint, keepMs: number): SeriesPoint[] {
  const last = series[series.length - 1];
  const base = last && last.t >= point.t ? series.slice(0, series.length - 1) : series;
  const cutoff = point.t - keepMs;
  let start = 0;
  while (start < base.length && base[start].t <= cutoff) start++;
  return [...base.slice(start), point];
}

/** Change per second of a series over the last `windowMs` (linear between its ends); null without two points. */
export function seriesRate(series: readonly SeriesPoint[], windowMs: number): number | null {
  const n = series.length;
  if (n < 2) return null;
  const end = series[n - 1];
  let i = n - 2;
  while (i > 0 && series[i].t > end.t - windowMs) i--;
  const start = series[i];
  const span = end.t - start.t;
  if (span <= 0) return null;
  return ((end.value - start.value) * 1000) / span;
}
