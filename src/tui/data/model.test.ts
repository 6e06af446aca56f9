import { describe, expect, it } from 'vitest';
import type { ClusterSnapshot } from '../../admin/lag-source.ts';
import { snapshot, type GroupSpec, type TopicsSpec } from '../testing/scripted-source.ts';
import { DEFAULT_EVALUATION } from './burrow.ts';
import { appendSnapshot, EMPTY_HISTORY, type MonitorHistory } from './history.ts';
import { buildModel, type ModelConfig } from './model.ts';

const config: ModelConfig = { rateWindowMs: 10_000, evaluation: { ...DEFAULT_EVALUATION, stallAfterMs: 10_000, warnMinCommits: 4 } };

function run(snapshots: ClusterSnapshot[]): MonitorHistory {
  return snapshots.reduce((h, s) => appendSnapshot(h, s), EMPTY_HISTORY);
}

/** One snapshot per second from t=1000: the log end and the committed offset of one partition. */
function series(ends: number[], committed: number[], extra: { members?: GroupSpec['members']; starts?: number[] } = {}): ClusterSnapshot[] {
  return ends.map((end, i) =>
    snapshot(1000 * (i + 1), {
      topics: { orders: [[extra.starts?.[i] ?? 0, end]] },
      groups: [{ group: 'g', members: extra.members, offsets: { 'orders:0': committed[i] } }],
    }),
  );
}

const owner = [{ id: 'c-1', client: 'c', owns: { orders: [0] } }];

describe('buildModel: groups', () => {
  it('lag growing: total, trend, lag rate, consume rate, WARN', () => {
    const h = run(series([100, 200, 300, 400, 500], [0, 50, 100, 150, 200], { members: owner }));
    const [g] = buildModel(h, config).groups;
    expect(g.lag).toBe(300n);
    expect(g.trend.map((p) => p.value)).toEqual([100, 150, 200, 250, 300]);
    expect(g.lagRate).toBeCloseTo(50, 6);
    expect(g.consumeRate).toBeCloseTo(50, 6);
    expect(g.evaluation.status).toBe('WARN');
    expect(g.evaluation.reason).toMatch(/^orders-0: lag did not decrease/);
    expect(g.statusPartition).toBe('orders-0');
    expect(g.partitions[0].owner).toEqual({ memberId: 'c-1', clientId: 'c', host: '/10.0.0.1' });
  });

  it('lag draining: negative lag rate, OK', () => {
    const h = run(series([500, 500, 500, 500, 500], [100, 200, 300, 400, 450], { members: owner }));
    const [g] = buildModel(h, config).groups;
    expect(g.lag).toBe(50n);
    expect(g.lagRate).toBeCloseTo(-87.5, 6);
    expect(g.evaluation).toEqual({ status: 'OK', reason: 'consuming' });
  });

  it('time lag: interpolated from the log end history', () => {
    // The log end grows 100/s from 100 at t=1000: it passed 250 at t=2500, 2.5 s before the last sample.
    const h = run(series([100, 200, 300, 400, 500], [0, 100, 200, 250, 250], { members: owner }));
    const [g] = buildModel(h, config).groups;
    expect(g.partitions[0].timeLag).toEqual({ ms: 2500, kind: 'interpolated' });
    expect(g.timeLag).toEqual({ ms: 2500, kind: 'interpolated' });
  });

  it('a stalled consumer (owned, offset still) and a stopped one (no member)', () => {
    const ends = Array.from({ length: 13 }, (_v, i) => 100 + i * 10);
    const still = ends.map(() => 40);
    expect(buildModel(run(series(ends, still, { members: owner })), config).groups[0].evaluation.status).toBe('STALL');
    const stopped = buildModel(run(series(ends, still)), config).groups[0];
    expect(stopped.evaluation.status).toBe('STOP');
    expect(stopped.evaluation.reason).toMatch(/^orders-0: no consumer/);
  });

  it('a rewind', () => {
    const h = run(series([1000, 1000, 1000], [1000, 1000, 100]));
    expect(buildModel(h, config).groups[0].evaluation).toEqual({ status: 'REWIND', reason: 'orders-0: committed offset moved back from 1000 to 100' });
  });

  it('behind retention: committed below the log start', () => {
    const h = run(series([1000], [20], { starts: [500] }));
    const [g] = buildModel(h, config).groups;
    expect(g.behindRetention).toBe(1);
    expect(g.partitions[0]).toMatchObject({ behindRetention: true, lag: 980n, logStart: 500n, lagStatus: 'below-log-start' });
  });

  it('assigned partitions without a commit have an unknown lag; groups without partitions are OK', () => {
    const s = snapshot(1000, {
      topics: { orders: [10, 20] },
      groups: [
        { group: 'a', members: [{ id: 'm-1', owns: { orders: [0, 1] } }], offsets: { 'orders:0': 4 } },
        { group: 'b', protocolType: 'connect', members: [{ id: 'w-1', owns: {} }] },
      ],
    });
    const [a, b] = buildModel(run([s]), config).groups;
    expect(a.partitions.map((p) => [p.partition, p.lag, p.lagStatus])).toEqual([
      [0, 6n, 'ok'],
      [1, null, 'no-commit'],
    ]);
    expect(a.unknownLag).toBe(1);
    expect(a.lag).toBe(6n);
    expect(a.topics).toEqual(['orders']);
    expect(b.evaluation).toEqual({ status: 'OK', reason: 'no committed offsets' });
    expect(b.partitions).toEqual([]);
  });

  it('forgets groups and partitions that disappear', () => {
    const h = run([
      snapshot(1000, { topics: { a: [1], b: [1] }, groups: [{ group: 'x', offsets: { 'a:0': 0 } }] }),
      snapshot(2000, { topics: { a: [2] }, groups: [] }),
    ]);
    expect([...h.logEnd.keys()]).toEqual(['a:0']);
    expect(h.groupLag.size).toBe(0);
    expect(h.commits.size).toBe(0);
  });

  it('ignores a snapshot older than the newest', () => {
    const h1 = run([snapshot(2000, { topics: { a: [5] } })]);
    expect(appendSnapshot(h1, snapshot(1000, { topics: { a: [1] } }))).toBe(h1);
  });
});

describe('buildModel: topics', () => {
  const topicsAt = (t: number, spec: TopicsSpec) => snapshot(t, { topics: spec });
  it('produce rates, records, hot partitions', () => {
    const h = run([topicsAt(1000, { hot: [0, 0, 0], even: [0, 0] }), topicsAt(3000, { hot: [[0, 20], 100, 20], even: [10, 10] })]);
    const m = buildModel(h, config);
    const hot = m.topics.find((t) => t.topic === 'hot')!;
    expect(hot.partitions.map((p) => p.produceRate)).toEqual([10, 50, 10]);
    expect(hot.partitions.map((p) => p.hot)).toEqual([false, true, false]);
    expect(hot.hot).toBe(1);
    expect(hot.records).toBe(140n);
    expect(hot.produceRate).toBe(70);
    expect(hot.partitions[1].share).toBeCloseTo(50 / 70, 6);
    const even = m.topics.find((t) => t.topic === 'even')!;
    expect(even.hot).toBe(0);
  });

  const hotCases: { name: string; ends: number[]; hot: boolean[] }[] = [
    { name: 'one partition is never hot', ends: [100], hot: [false] },
    { name: 'two partitions, one idle', ends: [100, 0], hot: [true, false] },
    { name: 'nothing produced', ends: [0, 0, 0], hot: [false, false, false] },
    { name: 'twice the median', ends: [50, 25, 25], hot: [true, false, false] },
    { name: 'below twice the median', ends: [40, 25, 25], hot: [false, false, false] },
  ];
  for (const c of hotCases) {
    it(`hot: ${c.name}`, () => {
      const h = run([topicsAt(0, { t: c.ends.map(() => 0) }), topicsAt(1000, { t: c.ends })]);
      expect(buildModel(h, config).topics[0].partitions.map((p) => p.hot)).toEqual(c.hot);
    });
  }

  it('no snapshot: an empty model', () => {
    expect(buildModel(EMPTY_HISTORY)).toEqual({ at: null, groups: [], topics: [] });
  });
});
