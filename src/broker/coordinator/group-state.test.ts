import { describe, expect, it } from 'vitest';
import { canTransition, protocolsFit, selectProtocol, GROUP_STATES, type GroupState } from './group-state.ts';

const p = (...names: string[]) => names.map((name) => ({ name }));

describe('canTransition', () => {
  const legal: [GroupState, GroupState][] = [
    ['Empty', 'PreparingRebalance'],
    ['Stable', 'PreparingRebalance'],
    ['CompletingRebalance', 'PreparingRebalance'],
    ['PreparingRebalance', 'CompletingRebalance'],
    ['PreparingRebalance', 'Empty'],
    ['CompletingRebalance', 'Stable'],
    ...GROUP_STATES.map((from) => [from, 'Dead'] as [GroupState, GroupState]),
  ];
  const isLegal = (from: GroupState, to: GroupState) => legal.some(([f, t]) => f === from && t === to);
  const all = GROUP_STATES.flatMap((from) => GROUP_STATES.map((to) => [from, to] as [GroupState, GroupState]));

  it.each(legal)('%s → %s is legal', (from, to) => expect(canTransition(from, to)).toBe(true));
  it.each(all.filter(([f, t]) => !isLegal(f, t)))('%s → %s is illegal', (from, to) => expect(canTransition(from, to)).toBe(false));
});

describe('selectProtocol', () => {
  it.each([
    ['one member, first preference', [p('range', 'roundrobin')], 'range'],
    ['common protocol only', [p('range', 'roundrobin'), p('roundrobin')], 'roundrobin'],
    ['majority vote', [p('a', 'b'), p('b', 'a'), p('b', 'a')], 'b'],
    ['no common protocol', [p('a'), p('b')], undefined],
    ['no members', [], undefined],
    ['tie goes to the first member\'s order', [p('a', 'b'), p('b', 'a')], 'a'],
  ] as const)('%s', (_name, members, expected) => {
    expect(selectProtocol(members)).toBe(expected);
  });
});

describe('protocolsFit', () => {
  it.each([
    ['empty group takes any', null, 0, [], 'consumer', p('range'), true],
    ['empty protocol type refused', null, 0, [], '', p('range'), false],
    ['no protocols refused', null, 0, [], 'consumer', [], false],
    ['other protocol type refused', 'consumer', 1, [p('range')], 'connect', p('range'), false],
    ['a shared protocol fits', 'consumer', 1, [p('range', 'sticky')], 'consumer', p('sticky'), true],
    ['nothing shared does not fit', 'consumer', 1, [p('range')], 'consumer', p('sticky'), false],
  ] as const)('%s', (_name, type, count, current, joinType, joinProtocols, expected) => {
    expect(protocolsFit(type, count, current, joinType, joinProtocols)).toBe(expected);
  });
});
