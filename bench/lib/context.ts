/**
 * What every benchmark module gets: sizes, the baseline figures (measured once, on demand),
 * shared fixtures (record files, a warm log), and `metric` to record a figure with its limit.
 */
import { createWriteStream, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Sizes } from './config.ts';
import { MiB } from './stats.ts';

export interface Limit {
  value: number;
  unit: string;
  /** What the limit is: "dd MB/s", "goal", "2 × (fsync p50 + RTT p50)", ... */
  label: string;
}

export interface Goal {
  /** Pass when value / limit is at least (`>=`) or at most (`<=`) `ratio`. */
  op: '>=' | '<=';
  ratio: number;
}

export interface MetricInput {
  id: string;
  label: string;
  value: number;
  unit: string;
  /** A reference measured in this run (or a fixed goal); the ratio printed is value / limit. */
  limit?: Limit;
  goal?: Goal;
  /** A short remark printed with the figure (CPU use, who the bottleneck is, ...). */
  note?: string;
  /** Which goal of the issue this figure answers (1-9). */
  goalNo?: number;
  details?: Record<string, unknown>;
}

export interface Metric extends MetricInput {
  module: string;
  ratio: number | null;
  pass: boolean | null;
  goalText: string | null;
}

/** Baseline figures (goal 1) other benchmarks compare with. */
export interface Baseline {
  ddMBps: number;
  fsyncP50Ms: number;
  rttP50Ms: number;
}

export interface RecordFile {
  path: string;
  recordBytes: number;
  /** Records (lines) in the file. */
  count: number;
}

export interface WarmLog {
  dataDir: string;
  topic: string;
  /** Bytes of the partition's segment files. */
  bytes: number;
  /** Segment files of the partition. */
  segments: number;
  records: number;
}

export interface BenchContext {
  readonly quick: boolean;
  readonly sizes: Sizes;
  /** Scratch directory of this run (removed at the end). */
  readonly workDir: string;
  baseline(): Promise<Baseline>;
  /** A file of `count` newline-separated records of `recordBytes` bytes (for kcat -l). */
  recordFile(recordBytes: number, count: number): Promise<RecordFile>;
  /** A data directory holding one partition of about sizes.logMiB, broker stopped cleanly. */
  warmLog(): Promise<WarmLog>;
  metric(m: MetricInput): Metric;
  /** A figure recorded earlier in this run, by id. */
  find(id: string): Metric | undefined;
  log(message: string): void;
}

export interface BenchModule {
  name: string;
  title: string;
  run(ctx: BenchContext): Promise<void>;
}

export function toMetric(module: string, m: MetricInput): Metric {
  const ratio = m.limit && m.limit.value > 0 && Number.isFinite(m.value) ? m.value / m.limit.value : null;
  let pass: boolean | null = null;
  let goalText: string | null = null;
  if (m.goal) {
    goalText = `ratio ${m.goal.op === '>=' ? '≥' : '≤'} ${m.goal.ratio}`;
    pass = ratio === null ? false : m.goal.op === '>=' ? ratio >= m.goal.ratio : ratio <= m.goal.ratio;
  }
  return { ...m, module, ratio, pass, goalText };
}

/** Writes `count` lines of `recordBytes` printable bytes plus '\n'. */
export async function writeRecordFile(path: string, recordBytes: number, count: number): Promise<void> {
  const line = Buffer.alloc(recordBytes + 1);
  for (let i = 0; i < recordBytes; i++) line[i] = 0x21 + ((i * 7) % 90);
  line[recordBytes] = 0x0a;
  const perChunk = Math.max(1, Math.floor((4 * MiB) / line.length));
  const chunk = Buffer.alloc(perChunk * line.length);
  for (let i = 0; i < perChunk; i++) line.copy(chunk, i * line.length);
  const out = createWriteStream(path);
  let left = count;
  while (left > 0) {
    const n = Math.min(left, perChunk);
    const ok = out.write(n === perChunk ? chunk : chunk.subarray(0, n * line.length));
    left -= n;
    if (!ok) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

/** Total size and count of the segment files (`*.log`) in a partition directory. */
export function segmentFiles(partitionDir: string): { bytes: number; count: number } {
  let bytes = 0;
  let count = 0;
  for (const f of readdirSync(partitionDir)) {
    if (!f.endsWith('.log')) continue;
    bytes += statSync(join(partitionDir, f)).size;
    count++;
  }
  return { bytes, count };
}
