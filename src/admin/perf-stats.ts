/**
 * Performance-test statistics, pure: latency percentiles, rates, throttling and the report
 * lines of `kstream perf produce|consume` (in the manner of kafka-producer-perf-test and
 * kafka-consumer-perf-test). Times are milliseconds (fractional); MB is 1024 × 1024 bytes,
 * as Kafka's tools count it.
 */

export interface LatencySummary {
  avg: number;
  max: number;
  p50: number;
  p95: number;
  p99: number;
  p999: number;
}

/**
 * Collects latencies, each with a weight (a batch's latency counts once per record in it), and
 * answers weighted nearest-rank percentiles. Memory is bounded: past `maxSamples` samples, every
 * other one is dropped and from then on only one sample in `stride` is kept (a deterministic
 * thinning, like Kafka's tool keeping every n-th record); count, sum and max stay exact.
 */
export class LatencyRecorder {
  readonly #maxSamples: number;
  #values: number[] = [];
  #weights: number[] = [];
  #stride = 1;
  #seen = 0;
  #count = 0;
  #sum = 0;
  #max = 0;

  constructor(maxSamples = 500_000) {
    if (maxSamples < 2) throw new RangeError('maxSamples must be at least 2');
    this.#maxSamples = maxSamples;
  }

  /** Adds a latency of `ms` that `weight` records had. */
  record(ms: number, weight = 1): void {
    if (weight <= 0) return;
    this.#count += weight;
    this.#sum += ms * weight;
    if (ms > this.#max) this.#max = ms;
    if (this.#seen++ % this.#stride !== 0) return;
    this.#values.push(ms);
    this.#weights.push(weight);
    if (this.#values.length >= this.#maxSamples) {
      this.#values = this.#values.filter((_v, i) => i % 2 === 0);
      this.#weights = this.#weights.filter((_w, i) => i % 2 === 0);
      this.#stride *= 2;
    }
  }

  /** Records counted (the sum of weights). */
  get count(): number {
    return this.#count;
  }

  /** Samples held (for tests of the memory bound). */
  get samples(): number {
    return this.#values.length;
  }

  summary(): LatencySummary {
    const order = this.#values.map((_v, i) => i).sort((a, b) => this.#values[a] - this.#values[b]);
    const sorted = order.map((i) => ({ value: this.#values[i], weight: this.#weights[i] }));
    return {
      avg: this.#count === 0 ? 0 : this.#sum / this.#count,
      max: this.#max,
      p50: weightedPercentile(sorted, 0.5),
      p95: weightedPercentile(sorted, 0.95),
      p99: weightedPercentile(sorted, 0.99),
      p999: weightedPercentile(sorted, 0.999),
    };
  }
}

/**
 * The nearest-rank percentile `p` (0..1) of samples sorted by value: the smallest value whose
 * cumulative weight reaches p × total weight. 0 when there are no samples.
 */
export function weightedPercentile(sorted: readonly { value: number; weight: number }[], p: number): number {
  if (sorted.length === 0) return 0;
  const total = sorted.reduce((s, x) => s + x.weight, 0);
  const rank = Math.max(p * total, Number.MIN_VALUE);
  let cumulative = 0;
  for (const x of sorted) {
    cumulative += x.weight;
    if (cumulative >= rank) return x.value;
  }
  return sorted[sorted.length - 1].value;
}

const MB = 1024 * 1024;

/** Per second over `ms` milliseconds (0 for an empty interval). */
export function perSecond(amount: number, ms: number): number {
  return ms > 0 ? (amount * 1000) / ms : 0;
}

/** MB (1024 × 1024 bytes) per second over `ms` milliseconds. */
export function mbPerSecond(bytes: number, ms: number): number {
  return perSecond(bytes, ms) / MB;
}

/**
 * How long to wait before sending record number `sent` (0-based) to keep at most `perSecond`
 * records per second since `startMs` — like Kafka's ThroughputThrottler. 0 when unlimited
 * (`perSecond` ≤ 0) or behind schedule.
 */
export function throttleDelayMs(startMs: number, sent: number, recordsPerSecond: number, nowMs: number): number {
  if (recordsPerSecond <= 0) return 0;
  const due = startMs + (sent * 1000) / recordsPerSecond;
  return Math.max(0, due - nowMs);
}

/**
 * Records per produce request: as many records as fit in `batchSizeBytes` (at least one), and
 * when throttled to `recordsPerSecond` no more than a fiftieth of a second's worth, so the
 * throttle stays smooth.
 */
export function recordsPerBatch(batchSizeBytes: number, recordSize: number, recordsPerSecond: number): number {
  let n = Math.max(1, Math.floor(batchSizeBytes / Math.max(1, recordSize)));
  if (recordsPerSecond > 0) n = Math.min(n, Math.max(1, Math.floor(recordsPerSecond / 50)));
  return n;
}

/** Counts of one reporting window (or of a whole run). */
export interface WindowCounts {
  records: number;
  bytes: number;
  latencySum: number;
  latencyMax: number;
}

/** Accumulates a reporting window; `take()` returns it and starts the next. */
export class Window {
  #start: number;
  #counts: WindowCounts = { records: 0, bytes: 0, latencySum: 0, latencyMax: 0 };

  constructor(startMs: number) {
    this.#start = startMs;
  }

  add(records: number, bytes: number, latencyMs = 0): void {
    this.#counts.records += records;
    this.#counts.bytes += bytes;
    this.#counts.latencySum += latencyMs * records;
    if (latencyMs > this.#counts.latencyMax) this.#counts.latencyMax = latencyMs;
  }

  take(nowMs: number): WindowCounts & { elapsedMs: number } {
    const taken = { ...this.#counts, elapsedMs: nowMs - this.#start };
    this.#start = nowMs;
    this.#counts = { records: 0, bytes: 0, latencySum: 0, latencyMax: 0 };
    return taken;
  }
}

function round(n: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** `perf produce --json`: the final summary. */
export interface ProducePerfSummary {
  records: number;
  bytes: number;
  seconds: number;
  recordsPerSec: number;
  mbPerSec: number;
  latency: LatencySummary;
}

export function producePerfSummary(records: number, bytes: number, elapsedMs: number, latency: LatencySummary): ProducePerfSummary {
  return {
    records,
    bytes,
    seconds: round(elapsedMs / 1000),
    recordsPerSec: round(perSecond(records, elapsedMs), 1),
    mbPerSec: round(mbPerSecond(bytes, elapsedMs), 3),
    latency: { avg: round(latency.avg), max: round(latency.max), p50: round(latency.p50), p95: round(latency.p95), p99: round(latency.p99), p999: round(latency.p999) },
  };
}

/** A periodic line: `N records sent, R records/sec (X MB/sec), A ms avg latency, M ms max latency.` */
export function formatProduceWindow(w: WindowCounts & { elapsedMs: number }): string {
  const avg = w.records > 0 ? w.latencySum / w.records : 0;
  return `${w.records} records sent, ${perSecond(w.records, w.elapsedMs).toFixed(1)} records/sec (${mbPerSecond(w.bytes, w.elapsedMs).toFixed(2)} MB/sec), ${avg.toFixed(1)} ms avg latency, ${w.latencyMax.toFixed(1)} ms max latency.`;
}

/** The final line, kafka-producer-perf-test's with fractional percentiles. */
export function formatProduceSummary(s: ProducePerfSummary): string {
  const l = s.latency;
  return (
    `${s.records} records sent, ${s.recordsPerSec.toFixed(1)} records/sec (${s.mbPerSec.toFixed(2)} MB/sec), ` +
    `${l.avg.toFixed(2)} ms avg latency, ${l.max.toFixed(2)} ms max latency, ` +
    `${l.p50.toFixed(2)} ms 50th, ${l.p95.toFixed(2)} ms 95th, ${l.p99.toFixed(2)} ms 99th, ${l.p999.toFixed(2)} ms 99.9th.`
  );
}

/** `perf consume --json`: the final summary. */
export interface ConsumePerfSummary {
  records: number;
  /** Records asked for with --records. */
  expected: number;
  /** False when the run stopped early (idle timeout or --duration) with fewer records. */
  complete: boolean;
  bytes: number;
  seconds: number;
  recordsPerSec: number;
  mbPerSec: number;
  /** Time from the start until the first record arrived (group join and first fetch), ms. */
  startupMs: number;
  fetch: LatencySummary & { count: number };
}

export function consumePerfSummary(input: { records: number; expected: number; bytes: number; elapsedMs: number; startupMs: number; fetchCount: number; fetch: LatencySummary }): ConsumePerfSummary {
  const f = input.fetch;
  return {
    records: input.records,
    expected: input.expected,
    complete: input.records >= input.expected,
    bytes: input.bytes,
    seconds: round(input.elapsedMs / 1000),
    recordsPerSec: round(perSecond(input.records, input.elapsedMs), 1),
    mbPerSec: round(mbPerSecond(input.bytes, input.elapsedMs), 3),
    startupMs: round(input.startupMs),
    fetch: { count: input.fetchCount, avg: round(f.avg), max: round(f.max), p50: round(f.p50), p95: round(f.p95), p99: round(f.p99), p999: round(f.p999) },
  };
}

/** A periodic line: `N records consumed, R records/sec (X MB/sec).` */
export function formatConsumeWindow(w: WindowCounts & { elapsedMs: number }): string {
  return `${w.records} records consumed, ${perSecond(w.records, w.elapsedMs).toFixed(1)} records/sec (${mbPerSecond(w.bytes, w.elapsedMs).toFixed(2)} MB/sec).`;
}

export function formatConsumeSummary(s: ConsumePerfSummary): string {
  const f = s.fetch;
  return (
    `${s.records} records consumed, ${s.recordsPerSec.toFixed(1)} records/sec (${s.mbPerSec.toFixed(2)} MB/sec), ${(s.bytes / MB).toFixed(2)} MB in ${s.seconds.toFixed(2)} s, ` +
    `${s.startupMs.toFixed(0)} ms to first record, ${f.count} fetches: ${f.avg.toFixed(2)} ms avg, ${f.max.toFixed(2)} ms max, ` +
    `${f.p50.toFixed(2)} ms 50th, ${f.p95.toFixed(2)} ms 95th, ${f.p99.toFixed(2)} ms 99th, ${f.p999.toFixed(2)} ms 99.9th.`
  );
}
