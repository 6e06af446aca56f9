/**
 * View models, pure: the history of snapshots → the rows the monitor shows (and `groups lag`
 * prints, and the Prometheus endpoint exports).
 *
 * - A group's partitions are those it has committed offsets for or a member has assigned.
 * - Lag per partition is `src/admin/lag.ts`'s (log end − committed, with its edge cases);
 *   "behind retention" is its `below-log-start` status: the committed offset points at records
 *   retention already deleted.
 * - Time lag: interpolated from the partition's log end history (offset-table.ts); a group's is
 *   its largest partition's (unknown while a partition with lag has an unknown one).
 * - Rates (per second, over `rateWindowMs`): consume rate from the committed offsets, produce
 *   rate from the log end offsets; the lag rate is the change of the group's total lag (> 0
 *   growing, < 0 draining).
 * - Status: Burrow's rules (burrow.ts); a group's is its worst partition's.
 * - Hot partitions: of a topic with two or more partitions, those producing at least twice the
 *   median partition's rate (and more than nothing).
 */
import type { ClusterSnapshot, GroupSnapshot, MemberSnapshot } from '../../admin/lag-source.ts';
import { compareTopicPartition, partitionLag, type LagStatus } from '../../admin/lag.ts';
import { DEFAULT_EVALUATION, evaluatePartition, worstEvaluation, type BurrowStatus, type EvaluationConfig, type Evaluation } from './burrow.ts';
import { groupPartitionKey, partitionKey, type MonitorHistory } from './history.ts';
import { ratePerSecond, timeLag, type TimeLag } from './offset-table.ts';
import { seriesRate, type SeriesPoint } from './sparkline.ts';

export interface ModelConfig {
  evaluation: EvaluationConfig;
  /** The window of rates (ms). */
  rateWindowMs: number;
}

export const DEFAULT_MODEL_CONFIG: ModelConfig = { evaluation: DEFAULT_EVALUATION, rateWindowMs: 10_000 };

export interface Owner {
  memberId: string;
  clientId: string;
  host: string;
}

export interface PartitionRow {
  topic: string;
  partition: number;
  committed: bigint | null;
  logStart: bigint | null;
  logEnd: bigint | null;
  lag: bigint | null;
  lagStatus: LagStatus;
  /** The committed offset is below the log start: its records were deleted by retention. */
  behindRetention: boolean;
  timeLag: TimeLag | null;
  /** Committed offsets per second. */
  consumeRate: number | null;
  owner: Owner | null;
  evaluation: Evaluation;
}

export interface GroupRow {
  group: string;
  state: string;
  protocolType: string;
  members: number;
  topics: string[];
  /** Sum of the known lags. */
  lag: bigint;
  maxLag: bigint;
  /** Partitions whose lag is unknown. */
  unknownLag: number;
  /** Partitions behind retention. */
  behindRetention: number;
  /** The largest partition time lag. */
  timeLag: TimeLag | null;
  consumeRate: number | null;
  /** Change of the total lag per second: > 0 growing, < 0 draining. */
  lagRate: number | null;
  /** The total lag over time. */
  trend: readonly SeriesPoint[];
  evaluation: Evaluation;
  /** The partition the status is about (`topic-partition`), if any. */
  statusPartition: string | null;
  partitions: PartitionRow[];
}

export interface TopicPartitionRow {
  topic: string;
  partition: number;
  logStart: bigint | null;
  logEnd: bigint | null;
  /** Records in the log (end − start). */
  records: bigint | null;
  produceRate: number | null;
  /** Share of the topic's produce rate (0..1), null when nothing is produced. */
  share: number | null;
  hot: boolean;
}

export interface TopicRow {
  topic: string;
  partitions: TopicPartitionRow[];
  records: bigint;
  produceRate: number | null;
  hot: number;
}

export interface MonitorModel {
  /** Time of the newest snapshot; null before the first. */
  at: number | null;
  groups: GroupRow[];
  topics: TopicRow[];
}

export const EMPTY_MODEL: MonitorModel = { at: null, groups: [], topics: [] };

function ownersOf(members: readonly MemberSnapshot[]): Map<string, Owner> {
  const owners = new Map<string, Owner>();
  for (const m of members) for (const a of m.assignment) for (const p of a.partitions) owners.set(partitionKey(a.topic, p), { memberId: m.memberId, clientId: m.clientId, host: m.host });
  return owners;
}

function sumRates(rates: readonly (number | null)[]): number | null {
  let sum: number | null = null;
  for (const r of rates) if (r !== null) sum = (sum ?? 0) + r;
  return sum;
}

/** The largest time lag; unknown when a partition that has lag has an unknown one. */
function maxTimeLag(partitions: readonly PartitionRow[]): TimeLag | null {
  let max: TimeLag | null = null;
  for (const p of partitions) {
    const l = p.timeLag;
    if (!l) {
      if (p.lag !== null && p.lag > 0n) return null;
      continue;
    }
    if (!max || l.ms > max.ms) max = l;
  }
  return max;
}

const UNKNOWN_REASON: Partial<Record<LagStatus, string>> = { 'no-commit': 'no committed offset', 'unknown-log': 'log end unknown' };

type Bounds = ReadonlyMap<string, { logStart: bigint | null; logEnd: bigint | null }>;

function groupRow(g: GroupSnapshot, snapshot: ClusterSnapshot, bounds: Bounds, history: MonitorHistory, config: ModelConfig): GroupRow {
  const owners = ownersOf(g.members);
  const committed = new Map(g.offsets.map((o) => [partitionKey(o.topic, o.partition), o]));
  const keys = new Set([...committed.keys(), ...owners.keys()]);
  const partitions: PartitionRow[] = [...keys]
    .map((key) => {
      const colon = key.lastIndexOf(':');
      const topic = key.slice(0, colon);
      const partition = Number(key.slice(colon + 1));
      const b = bounds.get(key);
      const c = committed.get(key)?.committed ?? null;
      const lag = partitionLag({ topic, partition, committed: c, logStart: b?.logStart ?? null, logEnd: b?.logEnd ?? null });
      const gpKey = groupPartitionKey(g.group, topic, partition);
      const owner = owners.get(key) ?? null;
      const evaluation = evaluatePartition(
        { now: snapshot.at, lag: lag.lag, unknownReason: UNKNOWN_REASON[lag.status], commits: history.commits.get(gpKey) ?? [], owned: owner !== null },
        config.evaluation,
      );
      return {
        topic,
        partition,
        committed: lag.committed,
        logStart: lag.logStart,
        logEnd: lag.logEnd,
        lag: lag.lag,
        lagStatus: lag.status,
        behindRetention: lag.status === 'below-log-start',
        timeLag: lag.committed === null || lag.logEnd === null ? null : timeLag(history.logEnd.get(key) ?? [], lag.committed, snapshot.at),
        consumeRate: c === null ? null : ratePerSecond(history.committed.get(gpKey) ?? [], config.rateWindowMs),
        owner,
        evaluation,
      };
    })
    .sort(compareTopicPartition);

  let total = 0n;
  let max = 0n;
  let unknown = 0;
  for (const p of partitions) {
    if (p.lag === null) unknown++;
    else {
      total += p.lag;
      if (p.lag > max) max = p.lag;
    }
  }
  const worst = worstEvaluation(partitions.map((p) => ({ p, evaluation: p.evaluation, lag: p.lag })));
  const trend = history.groupLag.get(g.group) ?? [];
  const statusPartition = worst && worst.evaluation.status !== 'OK' ? `${worst.p.topic}-${worst.p.partition}` : null;
  return {
    group: g.group,
    state: g.state,
    protocolType: g.protocolType,
    members: g.members.length,
    topics: [...new Set(partitions.map((p) => p.topic))].sort(),
    lag: total,
    maxLag: max,
    unknownLag: unknown,
    behindRetention: partitions.filter((p) => p.behindRetention).length,
    timeLag: maxTimeLag(partitions),
    consumeRate: sumRates(partitions.map((p) => p.consumeRate)),
    lagRate: seriesRate(trend, config.rateWindowMs),
    trend,
    evaluation: worst
      ? { status: worst.evaluation.status, reason: statusPartition ? `${statusPartition}: ${worst.evaluation.reason}` : groupOkReason(partitions) }
      : { status: 'OK', reason: 'no committed offsets' },
    statusPartition,
    partitions,
  };
}

function groupOkReason(partitions: readonly PartitionRow[]): string {
  if (partitions.every((p) => p.lag === 0n)) return 'caught up';
  if (partitions.every((p) => p.lag === null)) return partitions[0]?.evaluation.reason ?? 'lag unknown';
  return 'consuming';
}

function medianOf(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function topicRow(topic: string, parts: readonly { partition: number; logStart: bigint | null; logEnd: bigint | null }[], history: MonitorHistory, config: ModelConfig): TopicRow {
  const rates = parts.map((p) => ratePerSecond(history.logEnd.get(partitionKey(topic, p.partition)) ?? [], config.rateWindowMs));
  const total = sumRates(rates);
  const median = medianOf(rates.map((r) => r ?? 0));
  const partitions = parts.map((p, i) => {
    const rate = rates[i];
    const share = total !== null && total > 0 && rate !== null ? rate / total : null;
    return {
      topic,
      partition: p.partition,
      logStart: p.logStart,
      logEnd: p.logEnd,
      records: p.logStart !== null && p.logEnd !== null ? p.logEnd - p.logStart : null,
      produceRate: rate,
      share,
      hot: parts.length >= 2 && rate !== null && rate > 0 && rate >= 2 * median,
    };
  });
  return {
    topic,
    partitions,
    records: partitions.reduce((n, p) => n + (p.records ?? 0n), 0n),
    produceRate: total,
    hot: partitions.filter((p) => p.hot).length,
  };
}

/** The rows of every screen for the newest snapshot of `history`. */
export function buildModel(history: MonitorHistory, config: ModelConfig = DEFAULT_MODEL_CONFIG): MonitorModel {
  const s = history.latest;
  if (!s) return EMPTY_MODEL;
  const bounds = new Map<string, { logStart: bigint | null; logEnd: bigint | null }>();
  for (const t of s.topics) for (const p of t.partitions) bounds.set(partitionKey(t.topic, p.partition), p);
  return {
    at: s.at,
    groups: s.groups.map((g) => groupRow(g, s, bounds, history, config)),
    topics: s.topics.map((t) => topicRow(t.topic, t.partitions, history, config)),
  };
}

export type { BurrowStatus };
