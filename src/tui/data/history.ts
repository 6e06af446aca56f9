/**
 * The monitor's memory, pure: snapshots go in one at a time (`appendSnapshot`), a new history
 * comes out. It keeps, bounded in time and size:
 * - per partition, the log end offset table (time lag interpolation, produce rate);
 * - per group and partition, the committed offset table (consume rate) and the window of commit
 *   observations (Burrow's rules);
 * - per group, the total lag over time (trend sparkline, growing or draining).
 * Partitions and groups that disappear from the snapshots are forgotten.
 */
import type { ClusterSnapshot } from '../../admin/lag-source.ts';
import { partitionLag } from '../../admin/lag.ts';
import { observeCommit, type CommitObservation } from './burrow.ts';
import { appendPoint, type OffsetPoint, type OffsetTableLimits } from './offset-table.ts';
import { appendSeries, type SeriesPoint } from './sparkline.ts';

export interface HistoryLimits {
  /** How much of each group's lag series is kept (the trend's span), ms. */
  trendMs: number;
  /** Offset tables' bounds. */
  table: OffsetTableLimits;
  /** Commit observations kept per partition (Burrow's window). */
  commitWindow: number;
}

export const DEFAULT_HISTORY_LIMITS: HistoryLimits = {
  trendMs: 5 * 60_000,
  table: { maxPoints: 600, maxAgeMs: 15 * 60_000 },
  commitWindow: 10,
};

export interface MonitorHistory {
  /** The newest snapshot. */
  latest: ClusterSnapshot | null;
  /** How many snapshots went in. */
  samples: number;
  /** Log end offset tables by `topic:partition`. */
  logEnd: ReadonlyMap<string, readonly OffsetPoint[]>;
  /** Committed offset tables by `group\0topic:partition`. */
  committed: ReadonlyMap<string, readonly OffsetPoint[]>;
  /** Commit observations by `group\0topic:partition`. */
  commits: ReadonlyMap<string, readonly CommitObservation[]>;
  /** Total lag (of the partitions whose lag is known) by group. */
  groupLag: ReadonlyMap<string, readonly SeriesPoint[]>;
}

export const EMPTY_HISTORY: MonitorHistory = { latest: null, samples: 0, logEnd: new Map(), committed: new Map(), commits: new Map(), groupLag: new Map() };

export function partitionKey(topic: string, partition: number): string {
  return `${topic}:${partition}`;
}

export function groupPartitionKey(group: string, topic: string, partition: number): string {
  return `${group}\u0000${topic}:${partition}`;
}

/** The history with one more snapshot. Snapshots older than the newest are ignored. */
export function appendSnapshot(history: MonitorHistory, snapshot: ClusterSnapshot, limits: HistoryLimits = DEFAULT_HISTORY_LIMITS): MonitorHistory {
  if (history.latest && snapshot.at < history.latest.at) return history;
  const at = snapshot.at;

  const logEnd = new Map<string, readonly OffsetPoint[]>();
  const bounds = new Map<string, { logStart: bigint | null; logEnd: bigint | null }>();
  for (const t of snapshot.topics) {
    for (const p of t.partitions) {
      const key = partitionKey(t.topic, p.partition);
      bounds.set(key, p);
      const before = history.logEnd.get(key) ?? [];
      logEnd.set(key, p.logEnd === null ? before : appendPoint(before, { t: at, offset: p.logEnd }, limits.table));
    }
  }

  const committed = new Map<string, readonly OffsetPoint[]>();
  const commits = new Map<string, readonly CommitObservation[]>();
  const groupLag = new Map<string, readonly SeriesPoint[]>();
  for (const g of snapshot.groups) {
    let total = 0;
    for (const o of g.offsets) {
      const key = groupPartitionKey(g.group, o.topic, o.partition);
      const b = bounds.get(partitionKey(o.topic, o.partition));
      const lag = partitionLag({ topic: o.topic, partition: o.partition, committed: o.committed, logStart: b?.logStart ?? null, logEnd: b?.logEnd ?? null }).lag;
      if (lag !== null) total += Number(lag);
      committed.set(key, appendPoint(history.committed.get(key) ?? [], { t: at, offset: o.committed }, limits.table));
      commits.set(key, observeCommit(history.commits.get(key) ?? [], { t: at, offset: o.committed, lag }, limits.commitWindow));
    }
    groupLag.set(g.group, appendSeries(history.groupLag.get(g.group) ?? [], { t: at, value: total }, limits.trendMs));
  }
  return { latest: snapshot, samples: history.samples + 1, logEnd, committed, commits, groupLag };
}
