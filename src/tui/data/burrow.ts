/**
 * Consumer status, pure, after Burrow's consumer lag evaluation rules
 * (github.com/linkedin/Burrow/wiki/Consumer-Lag-Evaluation-Rules), adapted to what an admin
 * client can see.
 *
 * Burrow evaluates a window of the group's recent offset commits, each with the lag it had when
 * it was made. OffsetFetch returns no commit times, so here a commit is observed as a change of
 * the committed offset between two polls (the first observation is the first poll that saw the
 * partition); the window is the last `window` such observations. What Burrow infers from commit
 * timing alone (a consumer still committing the same offset vs. one that stopped committing),
 * the group membership says directly: a partition an active member owns is alive.
 *
 * Rules, in order, for one partition (the first that applies decides):
 * 1. the lag is unknown (no committed offset, log end unknown): OK — Burrow treats a missing
 *    broker offset as OK;
 * 2. the lag is 0: OK;
 * 3. the committed offset has not moved for longer than both `stallAfterMs` and the time the
 *    window of observations spans (Burrow: now − last commit > last commit − first commit):
 *    STALL when a member owns the partition (the consumer is there but makes no progress),
 *    STOP when none does (nobody is consuming);
 * 4. the committed offset went back within the window: REWIND;
 * 5. the lag was 0 at some observation of the window: OK (it caught up recently);
 * 6. at least `warnMinCommits` observations, and the lag never decreased from one to the next:
 *    WARN (the consumer moves but falls behind, or does not gain);
 * 7. otherwise OK.
 * Burrow checks REWIND after the "lag was zero" rule; here it comes first, so that a reset to an
 * earlier offset of a group that was caught up shows as a rewind.
 *
 * A group's status is the worst of its partitions' (STOP > STALL > REWIND > WARN > OK).
 */

export type BurrowStatus = 'OK' | 'WARN' | 'REWIND' | 'STALL' | 'STOP';

export const STATUS_SEVERITY: Readonly<Record<BurrowStatus, number>> = { OK: 0, WARN: 1, REWIND: 2, STALL: 3, STOP: 4 };

/** A committed offset seen for the first time or changed, with the lag it had then. */
export interface CommitObservation {
  t: number;
  offset: bigint;
  lag: bigint | null;
}

export interface EvaluationConfig {
  /** Observations kept per partition. */
  window: number;
  /** A committed offset unchanged (with lag) for longer than this is stalled or stopped (ms). */
  stallAfterMs: number;
  /** Observations needed before WARN can be told. */
  warnMinCommits: number;
}

export const DEFAULT_EVALUATION: EvaluationConfig = { window: 10, stallAfterMs: 30_000, warnMinCommits: 5 };

export interface PartitionEvaluationInput {
  now: number;
  /** The current lag (null when unknown). */
  lag: bigint | null;
  /** Why the lag is unknown, when it is. */
  unknownReason?: string;
  /** Oldest first; the last is the current committed offset. */
  commits: readonly CommitObservation[];
  /** A member of the group owns the partition. */
  owned: boolean;
}

export interface Evaluation {
  status: BurrowStatus;
  reason: string;
}

/** The window observations, appended with the current committed offset when it is new or changed. */
export function observeCommit(commits: readonly CommitObservation[], next: CommitObservation, window: number): CommitObservation[] {
  const last = commits[commits.length - 1];
  if (last && last.offset === next.offset) return commits as CommitObservation[];
  const list = [...commits, next];
  return list.length > window ? list.slice(list.length - window) : list;
}

function seconds(ms: number): string {
  const s = ms / 1000;
  return s < 10 ? `${s.toFixed(1)}s` : `${Math.round(s)}s`;
}

/** The status of one partition (see the rules above). */
export function evaluatePartition(input: PartitionEvaluationInput, config: EvaluationConfig = DEFAULT_EVALUATION): Evaluation {
  const { lag, commits, now } = input;
  if (lag === null) return { status: 'OK', reason: input.unknownReason ?? 'lag unknown' };
  if (lag === 0n) return { status: 'OK', reason: 'caught up' };
  const last = commits[commits.length - 1];
  const first = commits[0];
  if (last && first) {
    const still = now - last.t;
    if (still > config.stallAfterMs && still > last.t - first.t) {
      if (input.owned) return { status: 'STALL', reason: `committed offset stuck at ${last.offset} for ${seconds(still)} with lag ${lag}` };
      return { status: 'STOP', reason: `no consumer: committed offset unchanged at ${last.offset} for ${seconds(still)} with lag ${lag}` };
    }
  }
  for (let i = commits.length - 1; i > 0; i--) {
    if (commits[i].offset < commits[i - 1].offset) {
      return { status: 'REWIND', reason: `committed offset moved back from ${commits[i - 1].offset} to ${commits[i].offset}` };
    }
  }
  if (commits.some((c) => c.lag === 0n)) return { status: 'OK', reason: 'lag was 0 within the window' };
  if (commits.length >= config.warnMinCommits) {
    let growing = true;
    for (let i = 1; i < commits.length && growing; i++) {
      const a = commits[i - 1].lag;
      const b = commits[i].lag;
      if (a === null || b === null || b < a) growing = false;
    }
    if (growing) return { status: 'WARN', reason: `lag did not decrease over ${commits.length} commits (${first!.lag} → ${last!.lag})` };
  }
  return { status: 'OK', reason: 'consuming' };
}

/** The worst evaluation of a list with its subject (`topic-partition`), or null for an empty list. Ties go to the larger lag. */
export function worstEvaluation<T extends { evaluation: Evaluation; lag: bigint | null }>(items: readonly T[]): T | null {
  let worst: T | null = null;
  for (const item of items) {
    if (!worst) {
      worst = item;
      continue;
    }
    const d = STATUS_SEVERITY[item.evaluation.status] - STATUS_SEVERITY[worst.evaluation.status];
    if (d > 0 || (d === 0 && (item.lag ?? -1n) > (worst.lag ?? -1n))) worst = item;
  }
  return worst;
}
