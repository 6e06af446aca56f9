import { describe, expect, it } from 'vitest';
import { DEFAULT_EVALUATION, evaluatePartition, observeCommit, worstEvaluation, type BurrowStatus, type CommitObservation, type EvaluationConfig } from './burrow.ts';

const c = (t: number, offset: number, lag: number | null): CommitObservation => ({ t, offset: BigInt(offset), lag: lag === null ? null : BigInt(lag) });
const config: EvaluationConfig = { window: 10, stallAfterMs: 10_000, warnMinCommits: 4 };

describe('evaluatePartition (Burrow rules)', () => {
  const cases: { name: string; lag: number | null; commits: CommitObservation[]; now: number; owned?: boolean; status: BurrowStatus; reason: RegExp }[] = [
    { name: 'unknown lag is OK (Burrow: no broker offset yet)', lag: null, commits: [], now: 0, status: 'OK', reason: /lag unknown/ },
    { name: 'no lag is OK even when nothing moves', lag: 0, commits: [c(0, 10, 0)], now: 60_000, status: 'OK', reason: /caught up/ },
    { name: 'moving and draining is OK', lag: 50, commits: [c(0, 0, 300), c(1000, 100, 250), c(2000, 200, 150), c(3000, 300, 50)], now: 3500, status: 'OK', reason: /consuming/ },
    {
      name: 'moving but the lag never decreases is WARN',
      lag: 400,
      commits: [c(0, 0, 100), c(1000, 50, 150), c(2000, 100, 250), c(3000, 150, 250), c(4000, 200, 400)],
      now: 4500,
      status: 'WARN',
      reason: /did not decrease over 5 commits \(100 → 400\)/,
    },
    { name: 'too few commits to tell WARN', lag: 400, commits: [c(0, 0, 100), c(1000, 50, 150), c(2000, 100, 250)], now: 2500, status: 'OK', reason: /consuming/ },
    { name: 'a zero lag in the window is OK', lag: 40, commits: [c(0, 0, 0), c(1000, 50, 10), c(2000, 100, 20), c(3000, 150, 30), c(4000, 200, 40)], now: 4500, status: 'OK', reason: /lag was 0/ },
    { name: 'offset still with lag, owned: STALL', lag: 60, commits: [c(0, 40, 60)], now: 12_000, owned: true, status: 'STALL', reason: /stuck at 40 for 12s with lag 60/ },
    { name: 'offset still with lag, no owner: STOP', lag: 60, commits: [c(0, 40, 60)], now: 12_000, owned: false, status: 'STOP', reason: /no consumer: committed offset unchanged at 40 for 12s/ },
    { name: 'still, but not for longer than stallAfterMs', lag: 60, commits: [c(0, 40, 60)], now: 9000, owned: false, status: 'OK', reason: /consuming/ },
    {
      name: 'still, but not for longer than the window spans (a slow committer)',
      lag: 60,
      commits: [c(0, 0, 100), c(30_000, 40, 60)],
      now: 55_000,
      owned: true,
      status: 'OK',
      reason: /consuming/,
    },
    { name: 'offset moved back: REWIND', lag: 900, commits: [c(0, 1000, 0), c(1000, 100, 900)], now: 1500, owned: false, status: 'REWIND', reason: /moved back from 1000 to 100/ },
    { name: 'a rewind that then stops is STOP', lag: 900, commits: [c(0, 1000, 0), c(1000, 100, 900)], now: 20_000, owned: false, status: 'STOP', reason: /unchanged at 100/ },
  ];
  for (const t of cases) {
    it(t.name, () => {
      const e = evaluatePartition({ now: t.now, lag: t.lag === null ? null : BigInt(t.lag), commits: t.commits, owned: t.owned ?? true }, config);
      expect(e.status).toBe(t.status);
      expect(e.reason).toMatch(t.reason);
    });
  }

  it('uses the default config when none is given', () => {
    expect(DEFAULT_EVALUATION.window).toBe(10);
    expect(evaluatePartition({ now: 1, lag: 0n, commits: [], owned: false }).status).toBe('OK');
  });
});

describe('observeCommit', () => {
  it('records changes only, keeping the last `window`', () => {
    let list: CommitObservation[] = [];
    for (const [t, o] of [[0, 1], [1, 1], [2, 2], [3, 2], [4, 3], [5, 4]] as const) list = observeCommit(list, c(t, o, 0), 3);
    expect(list.map((x) => [x.t, Number(x.offset)])).toEqual([[2, 2], [4, 3], [5, 4]]);
  });
});

describe('worstEvaluation', () => {
  const item = (status: BurrowStatus, lag: number | null, id: string) => ({ id, lag: lag === null ? null : BigInt(lag), evaluation: { status, reason: id } });
  const cases: { name: string; items: ReturnType<typeof item>[]; want: string | null }[] = [
    { name: 'none', items: [], want: null },
    { name: 'severity wins', items: [item('WARN', 900, 'a'), item('STOP', 1, 'b'), item('STALL', 5, 'c')], want: 'b' },
    { name: 'ties go to the larger lag', items: [item('WARN', 5, 'a'), item('WARN', 9, 'b'), item('OK', 100, 'c')], want: 'b' },
    { name: 'REWIND is worse than WARN', items: [item('WARN', 5, 'a'), item('REWIND', 1, 'b')], want: 'b' },
  ];
  for (const t of cases) it(t.name, () => expect(worstEvaluation(t.items)?.id ?? null).toBe(t.want));
});
