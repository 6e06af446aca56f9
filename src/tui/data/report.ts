/**
 * The monitor's model as plain data for `kstream groups lag`, pure: JSON objects (one per tick
 * in watch mode), plain table rows for scripts, and the `--exit-when` conditions.
 *
 * Conditions, over the groups shown:
 * - `caught-up`: every group has partitions, each either with a known lag or with nothing to
 *   read (an empty log), and a total lag ≤ threshold;
 * - `lagging`: some group's total lag > threshold.
 */
import type { ConnectionState } from './monitor-state.ts';
import type { GroupRow, MonitorModel, PartitionRow } from './model.ts';
import type { TimeLag, TimeLagKind } from './offset-table.ts';

export interface PartitionJson {
  topic: string;
  partition: number;
  committed: number | null;
  logStart: number | null;
  logEnd: number | null;
  lag: number | null;
  timeLagSeconds: number | null;
  timeLagKind: TimeLagKind | null;
  consumeRate: number | null;
  status: string;
  reason: string;
  behindRetention: boolean;
  memberId: string | null;
  clientId: string | null;
  host: string | null;
}

export interface GroupJson {
  group: string;
  state: string;
  protocolType: string;
  members: number;
  topics: string[];
  lag: number;
  maxLag: number;
  unknownLag: number;
  timeLagSeconds: number | null;
  consumeRate: number | null;
  lagRate: number | null;
  status: string;
  reason: string;
  behindRetention: number;
  partitions: PartitionJson[];
}

export interface LagReportJson {
  /** Time of the data (ISO 8601); null before the first sample. */
  at: string | null;
  connected: boolean;
  /** Why the last poll failed, while disconnected. */
  error: string | null;
  /** Seconds since the last good sample, while disconnected. */
  staleSeconds: number | null;
  groups: GroupJson[];
}

const num = (v: bigint | null): number | null => (v === null ? null : Number(v));
const round = (v: number | null, digits = 3): number | null => (v === null || !Number.isFinite(v) ? null : Math.round(v * 10 ** digits) / 10 ** digits);
const seconds = (l: TimeLag | null): number | null => (l === null ? null : round(l.ms / 1000));

export function partitionJson(p: PartitionRow): PartitionJson {
  return {
    topic: p.topic,
    partition: p.partition,
    committed: num(p.committed),
    logStart: num(p.logStart),
    logEnd: num(p.logEnd),
    lag: num(p.lag),
    timeLagSeconds: seconds(p.timeLag),
    timeLagKind: p.timeLag?.kind ?? null,
    consumeRate: round(p.consumeRate),
    status: p.evaluation.status,
    reason: p.evaluation.reason,
    behindRetention: p.behindRetention,
    memberId: p.owner?.memberId ?? null,
    clientId: p.owner?.clientId ?? null,
    host: p.owner?.host ?? null,
  };
}

export function groupJson(g: GroupRow): GroupJson {
  return {
    group: g.group,
    state: g.state,
    protocolType: g.protocolType,
    members: g.members,
    topics: g.topics,
    lag: Number(g.lag),
    maxLag: Number(g.maxLag),
    unknownLag: g.unknownLag,
    timeLagSeconds: seconds(g.timeLag),
    consumeRate: round(g.consumeRate),
    lagRate: round(g.lagRate),
    status: g.evaluation.status,
    reason: g.evaluation.reason,
    behindRetention: g.behindRetention,
    partitions: g.partitions.map(partitionJson),
  };
}

export function reportJson(model: MonitorModel, connection: ConnectionState, now: number): LagReportJson {
  const connected = connection.status !== 'disconnected';
  return {
    at: model.at === null ? null : new Date(model.at).toISOString(),
    connected,
    error: connected ? null : connection.error,
    staleSeconds: connected || connection.lastGoodAt === null ? null : round((now - connection.lastGoodAt) / 1000),
    groups: connected ? model.groups.map(groupJson) : [],
  };
}

// ---- plain rows -----------------------------------------------------------------------------------

const cell = (v: bigint | number | null): string => (v === null ? '-' : String(v));
const decimal = (v: number | null): string => (v === null || !Number.isFinite(v) ? '-' : v.toFixed(1));
const secondsCell = (l: TimeLag | null): string => (l === null ? '-' : (l.ms / 1000).toFixed(1));

export interface PlainTable {
  headers: string[];
  rows: string[][];
}

export function groupTable(groups: readonly GroupRow[]): PlainTable {
  return {
    headers: ['group', 'state', 'members', 'topics', 'lag', 'lag-seconds', 'rate/s', 'status', 'reason'],
    rows: groups.map((g) => [g.group, g.state, String(g.members), g.topics.join(',') || '-', String(g.lag), secondsCell(g.timeLag), decimal(g.consumeRate), g.evaluation.status, g.evaluation.reason]),
  };
}

export function partitionTable(groups: readonly GroupRow[], withGroup: boolean): PlainTable {
  const headers = ['topic', 'partition', 'committed', 'log-start', 'log-end', 'lag', 'lag-seconds', 'rate/s', 'status', 'client-id', 'host', 'note'];
  const rows: string[][] = [];
  for (const g of groups) {
    for (const p of g.partitions) {
      const note = p.behindRetention ? 'behind-retention' : p.evaluation.status === 'OK' ? '-' : p.evaluation.reason;
      const row = [p.topic, String(p.partition), cell(p.committed), cell(p.logStart), cell(p.logEnd), cell(p.lag), secondsCell(p.timeLag), decimal(p.consumeRate), p.evaluation.status, p.owner?.clientId ?? '-', p.owner?.host ?? '-', note];
      rows.push(withGroup ? [g.group, ...row] : row);
    }
  }
  return { headers: withGroup ? ['group', ...headers] : headers, rows };
}

// ---- conditions -----------------------------------------------------------------------------------

export const EXIT_CONDITIONS = ['caught-up', 'lagging'] as const;
export type ExitCondition = (typeof EXIT_CONDITIONS)[number];

/** Nothing left to read on a partition: a known lag, or no commit on an empty log. */
function settled(p: PartitionRow): boolean {
  if (p.lag !== null) return true;
  return p.logEnd !== null && p.logEnd === (p.logStart ?? 0n);
}

export function groupCaughtUp(g: GroupRow, threshold: bigint): boolean {
  return g.partitions.length > 0 && g.partitions.every(settled) && g.lag <= threshold;
}

export function conditionMet(groups: readonly GroupRow[], condition: ExitCondition, threshold: bigint): boolean {
  if (condition === 'caught-up') return groups.length > 0 && groups.every((g) => groupCaughtUp(g, threshold));
  return groups.some((g) => g.lag > threshold);
}

/** Why the condition is not met, in a few words. */
export function conditionShortfall(groups: readonly GroupRow[], condition: ExitCondition, threshold: bigint): string {
  if (groups.length === 0) return 'no groups';
  if (condition === 'caught-up') {
    const behind = groups.filter((g) => !groupCaughtUp(g, threshold));
    return behind
      .map((g) => {
        if (g.partitions.length === 0) return `${g.group} has no committed offsets`;
        const unsettled = g.partitions.filter((p) => !settled(p)).length;
        return unsettled > 0 ? `${g.group} has ${unsettled} partition(s) without a committed offset` : `${g.group} lag ${g.lag} > ${threshold}`;
      })
      .join(', ');
  }
  return groups.map((g) => `${g.group} lag ${g.lag} ≤ ${threshold}`).join(', ');
}
