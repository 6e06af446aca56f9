import { describe, expect, it } from 'vitest';
import { snapshot, type GroupSpec } from '../testing/scripted-source.ts';
import { appendSnapshot, EMPTY_HISTORY } from './history.ts';
import { buildModel } from './model.ts';
import { conditionMet, conditionShortfall, groupTable, partitionTable, reportJson, type ExitCondition } from './report.ts';

const modelOf = (groups: GroupSpec[]) => buildModel(appendSnapshot(EMPTY_HISTORY, snapshot(1000, { topics: { t: [10, 20, [5, 5]] }, groups })));

describe('conditionMet', () => {
  const cases: { name: string; groups: GroupSpec[]; condition: ExitCondition; threshold: number; want: boolean }[] = [
    { name: 'caught up', groups: [{ group: 'g', offsets: { 't:0': 10, 't:1': 20 } }], condition: 'caught-up', threshold: 0, want: true },
    { name: 'behind', groups: [{ group: 'g', offsets: { 't:0': 10, 't:1': 15 } }], condition: 'caught-up', threshold: 0, want: false },
    { name: 'behind within the threshold', groups: [{ group: 'g', offsets: { 't:0': 10, 't:1': 15 } }], condition: 'caught-up', threshold: 5, want: true },
    { name: 'an assigned partition without a commit is not caught up', groups: [{ group: 'g', members: [{ id: 'm', owns: { t: [0, 1] } }], offsets: { 't:0': 10 } }], condition: 'caught-up', threshold: 0, want: false },
    { name: 'an empty partition without a commit has nothing to read', groups: [{ group: 'g', members: [{ id: 'm', owns: { t: [0, 2] } }], offsets: { 't:0': 10 } }], condition: 'caught-up', threshold: 0, want: true },
    { name: 'a group without offsets is not caught up', groups: [{ group: 'g' }], condition: 'caught-up', threshold: 0, want: false },
    { name: 'no groups is not caught up', groups: [], condition: 'caught-up', threshold: 0, want: false },
    { name: 'every group must be caught up', groups: [{ group: 'a', offsets: { 't:0': 10 } }, { group: 'b', offsets: { 't:0': 1 } }], condition: 'caught-up', threshold: 0, want: false },
    { name: 'lagging: one group over the threshold', groups: [{ group: 'a', offsets: { 't:0': 10 } }, { group: 'b', offsets: { 't:0': 1 } }], condition: 'lagging', threshold: 5, want: true },
    { name: 'not lagging', groups: [{ group: 'a', offsets: { 't:0': 8 } }], condition: 'lagging', threshold: 5, want: false },
  ];
  for (const c of cases) it(c.name, () => expect(conditionMet(modelOf(c.groups).groups, c.condition, BigInt(c.threshold))).toBe(c.want));

  it('says why not', () => {
    expect(conditionShortfall(modelOf([{ group: 'g', offsets: { 't:0': 4 } }]).groups, 'caught-up', 0n)).toBe('g lag 6 > 0');
    expect(conditionShortfall(modelOf([{ group: 'g' }]).groups, 'caught-up', 0n)).toBe('g has no committed offsets');
    expect(conditionShortfall([], 'lagging', 0n)).toBe('no groups');
  });
});

describe('reportJson and tables', () => {
  const model = modelOf([{ group: 'g', members: [{ id: 'c-1', client: 'c', host: '/h', owns: { t: [0] } }], offsets: { 't:0': 4, 't:1': 20 } }]);
  it('a connected sample', () => {
    const r = reportJson(model, { status: 'connected', error: null, failures: 0, lastGoodAt: 1000 }, 1000);
    expect(r).toMatchObject({ at: new Date(1000).toISOString(), connected: true, error: null, staleSeconds: null });
    expect(r.groups[0]).toMatchObject({ group: 'g', state: 'Stable', members: 1, topics: ['t'], lag: 6, maxLag: 6, status: 'OK' });
    expect(r.groups[0].partitions[0]).toEqual({
      topic: 't', partition: 0, committed: 4, logStart: 0, logEnd: 10, lag: 6, timeLagSeconds: null, timeLagKind: null, consumeRate: null,
      status: 'OK', reason: 'consuming', behindRetention: false, memberId: 'c-1', clientId: 'c', host: '/h',
    });
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });
  it('a disconnected sample', () => {
    const r = reportJson(model, { status: 'disconnected', error: 'Connection refused', failures: 3, lastGoodAt: 1000 }, 4500);
    expect(r).toEqual({ at: new Date(1000).toISOString(), connected: false, error: 'Connection refused', staleSeconds: 3.5, groups: [] });
  });
  it('plain rows', () => {
    expect(groupTable(model.groups)).toEqual({
      headers: ['group', 'state', 'members', 'topics', 'lag', 'lag-seconds', 'rate/s', 'status', 'reason'],
      rows: [['g', 'Stable', '1', 't', '6', '-', '-', 'OK', 'consuming']],
    });
    const p = partitionTable(model.groups, true);
    expect(p.headers[0]).toBe('group');
    expect(p.rows).toEqual([
      ['g', 't', '0', '4', '0', '10', '6', '-', '-', 'OK', 'c', '/h', '-'],
      ['g', 't', '1', '20', '0', '20', '0', '0.0', '-', 'OK', '-', '-', '-'],
    ]);
  });
});
