import { describe, expect, it } from 'vitest';
import {
  consumePerfSummary,
  formatConsumeWindow,
  formatProduceSummary,
  formatProduceWindow,
  LatencyRecorder,
  mbPerSecond,
  perSecond,
  producePerfSummary,
  recordsPerBatch,
  throttleDelayMs,
  weightedPercentile,
  Window,
} from './perf-stats.ts';

describe('weightedPercentile', () => {
  const s = (pairs: [number, number][]) => pairs.map(([value, weight]) => ({ value, weight }));
  const cases: { name: string; samples: [number, number][]; p: number; want: number }[] = [
    { name: 'empty', samples: [], p: 0.5, want: 0 },
    { name: 'one sample', samples: [[7, 1]], p: 0.99, want: 7 },
    { name: 'median of 1..4 (nearest rank)', samples: [[1, 1], [2, 1], [3, 1], [4, 1]], p: 0.5, want: 2 },
    { name: 'p95 of 1..100', samples: Array.from({ length: 100 }, (_v, i): [number, number] => [i + 1, 1]), p: 0.95, want: 95 },
    { name: 'p99.9 of 1..1000', samples: Array.from({ length: 1000 }, (_v, i): [number, number] => [i + 1, 1]), p: 0.999, want: 999 },
    { name: 'weights count as repeated samples', samples: [[1, 90], [100, 10]], p: 0.9, want: 1 },
    { name: 'weights: p95 lands in the heavy tail', samples: [[1, 90], [100, 10]], p: 0.95, want: 100 },
    { name: 'p0 is the minimum', samples: [[3, 1], [5, 1]], p: 0, want: 3 },
    { name: 'p100 is the maximum', samples: [[3, 1], [5, 1]], p: 1, want: 5 },
  ];
  for (const c of cases) it(c.name, () => expect(weightedPercentile(s(c.samples), c.p)).toBe(c.want));
});

describe('LatencyRecorder', () => {
  it('summarises weighted latencies', () => {
    const r = new LatencyRecorder();
    r.record(10, 3);
    r.record(20, 1);
    r.record(5, 0); // ignored
    expect(r.count).toBe(4);
    expect(r.summary()).toEqual({ avg: 12.5, max: 20, p50: 10, p95: 20, p99: 20, p999: 20 });
  });

  it('is all zeros when empty', () => {
    expect(new LatencyRecorder().summary()).toEqual({ avg: 0, max: 0, p50: 0, p95: 0, p99: 0, p999: 0 });
  });

  it('bounds its memory and keeps count, average, max and percentiles close', () => {
    const r = new LatencyRecorder(1000);
    for (let i = 1; i <= 100_000; i++) r.record(i % 1000, 1);
    expect(r.samples).toBeLessThan(1000);
    expect(r.count).toBe(100_000);
    const s = r.summary();
    expect(s.max).toBe(999);
    expect(s.avg).toBeCloseTo(499.5, 5);
    expect(Math.abs(s.p50 - 500)).toBeLessThanOrEqual(20);
    expect(Math.abs(s.p99 - 990)).toBeLessThanOrEqual(20);
  });
});

describe('rates', () => {
  it('per second and MB per second (MB = 2^20 bytes)', () => {
    expect(perSecond(500, 250)).toBe(2000);
    expect(perSecond(5, 0)).toBe(0);
    expect(mbPerSecond(1024 * 1024, 500)).toBe(2);
  });
});

describe('throttleDelayMs', () => {
  const cases: { name: string; start: number; sent: number; rate: number; now: number; want: number }[] = [
    { name: 'unlimited (-1)', start: 0, sent: 1000, rate: -1, now: 0, want: 0 },
    { name: 'unlimited (0)', start: 0, sent: 1000, rate: 0, now: 0, want: 0 },
    { name: 'on schedule', start: 0, sent: 100, rate: 100, now: 1000, want: 0 },
    { name: 'ahead: wait', start: 0, sent: 100, rate: 100, now: 400, want: 600 },
    { name: 'behind: no wait', start: 0, sent: 10, rate: 100, now: 5000, want: 0 },
    { name: 'relative to the start', start: 1000, sent: 50, rate: 100, now: 1000, want: 500 },
  ];
  for (const c of cases) it(c.name, () => expect(throttleDelayMs(c.start, c.sent, c.rate, c.now)).toBe(c.want));
});

describe('recordsPerBatch', () => {
  const cases: { name: string; batch: number; size: number; rate: number; want: number }[] = [
    { name: 'fills the batch size', batch: 16384, size: 100, rate: -1, want: 163 },
    { name: 'at least one record', batch: 100, size: 1000, rate: -1, want: 1 },
    { name: 'zero-byte records', batch: 16384, size: 0, rate: -1, want: 16384 },
    { name: 'throttled: a fiftieth of a second', batch: 16384, size: 100, rate: 1000, want: 20 },
    { name: 'throttled slowly: one at a time', batch: 16384, size: 100, rate: 10, want: 1 },
  ];
  for (const c of cases) it(c.name, () => expect(recordsPerBatch(c.batch, c.size, c.rate)).toBe(c.want));
});

describe('Window', () => {
  it('accumulates and restarts', () => {
    const w = new Window(1000);
    w.add(10, 1000, 5);
    w.add(10, 1000, 15);
    expect(w.take(3000)).toEqual({ records: 20, bytes: 2000, latencySum: 200, latencyMax: 15, elapsedMs: 2000 });
    expect(w.take(4000)).toEqual({ records: 0, bytes: 0, latencySum: 0, latencyMax: 0, elapsedMs: 1000 });
  });
});

describe('summaries and lines', () => {
  it('produce summary', () => {
    const s = producePerfSummary(20000, 2_000_000, 2000, { avg: 1.23456, max: 9, p50: 1, p95: 2, p99: 3, p999: 4 });
    expect(s).toEqual({ records: 20000, bytes: 2_000_000, seconds: 2, recordsPerSec: 10000, mbPerSec: 0.954, latency: { avg: 1.235, max: 9, p50: 1, p95: 2, p99: 3, p999: 4 } });
    expect(formatProduceSummary(s)).toBe('20000 records sent, 10000.0 records/sec (0.95 MB/sec), 1.24 ms avg latency, 9.00 ms max latency, 1.00 ms 50th, 2.00 ms 95th, 3.00 ms 99th, 4.00 ms 99.9th.');
  });

  it('produce progress line', () => {
    expect(formatProduceWindow({ records: 500, bytes: 50_000, latencySum: 1000, latencyMax: 7.25, elapsedMs: 5000 })).toBe('500 records sent, 100.0 records/sec (0.01 MB/sec), 2.0 ms avg latency, 7.3 ms max latency.');
  });

  it('consume summary, complete or not', () => {
    const fetch = { avg: 2, max: 3, p50: 2, p95: 3, p99: 3, p999: 3 };
    const s = consumePerfSummary({ records: 100, expected: 100, bytes: 1024 * 1024, elapsedMs: 1000, startupMs: 120.4, fetchCount: 4, fetch });
    expect(s).toEqual({ records: 100, expected: 100, complete: true, bytes: 1048576, seconds: 1, recordsPerSec: 100, mbPerSec: 1, startupMs: 120.4, fetch: { count: 4, ...fetch } });
    expect(consumePerfSummary({ records: 5, expected: 100, bytes: 0, elapsedMs: 0, startupMs: 0, fetchCount: 0, fetch }).complete).toBe(false);
    expect(formatConsumeWindow({ records: 1000, bytes: 1024 * 1024, latencySum: 0, latencyMax: 0, elapsedMs: 2000 })).toBe('1000 records consumed, 500.0 records/sec (0.50 MB/sec).');
  });
});
