import { describe, expect, it } from 'vitest';
import { snapshot } from '../testing/scripted-source.ts';
import { appendSnapshot, EMPTY_HISTORY } from './history.ts';
import { buildModel } from './model.ts';
import { handleKey, initialUiState, rowKeys, scrollWindow, selectedIndex, sortKey, splitInput, visibleGroups, type KeyPress, type UiState } from './ui-state.ts';

const model = buildModel(
  appendSnapshot(
    EMPTY_HISTORY,
    snapshot(1000, {
      topics: { orders: [100, 100], payments: [50], zeta: [5] },
      groups: [
        { group: 'alpha', offsets: { 'orders:0': 90, 'orders:1': 100 } },
        { group: 'beta', offsets: { 'payments:0': 0 } },
        { group: 'gamma', offsets: { 'orders:0': 100, 'orders:1': 100 } },
      ],
    }),
  ),
);

function press(ui: UiState, ...keys: (string | KeyPress)[]): UiState {
  return keys.reduce<UiState>((s, k) => handleKey(s, typeof k === 'string' ? { input: k } : k, rowKeys(model, s), 2), ui);
}

describe('handleKey', () => {
  const start = initialUiState();
  it('groups sorted by lag, the first selected', () => {
    expect(rowKeys(model, start)).toEqual(['beta', 'alpha', 'gamma']);
    expect(selectedIndex(rowKeys(model, start), start.selected.groups)).toBe(0);
  });
  const cases: { name: string; keys: (string | KeyPress)[]; check: (ui: UiState) => void }[] = [
    { name: 'j / down move down, k / up move up, bounded', keys: ['j', { input: '', downArrow: true }, 'j', 'k'], check: (ui) => expect(ui.selected.groups).toBe('alpha') },
    { name: 'End and Home', keys: [{ input: '', end: true }], check: (ui) => expect(ui.selected.groups).toBe('gamma') },
    { name: 'PgDn moves a page', keys: [{ input: '', pageDown: true }], check: (ui) => expect(ui.selected.groups).toBe('gamma') },
    { name: 'Enter drills into the selected group', keys: ['j', { input: '', return: true }], check: (ui) => expect([ui.screen, ui.group]).toEqual(['group', 'alpha']) },
    { name: 'Esc goes back, keeping the selection', keys: ['j', { input: '', return: true }, { input: '', escape: true }], check: (ui) => expect([ui.screen, ui.selected.groups]).toEqual(['groups', 'alpha']) },
    { name: '/ types a filter, Enter keeps it', keys: ['/', 'g', 'a', { input: '', return: true }], check: (ui) => expect([ui.filters.groups, ui.editingFilter, rowKeys(model, ui)]).toEqual(['ga', false, ['gamma']]) },
    { name: 'backspace edits the filter', keys: ['/', 'p', 'x', { input: '', backspace: true }], check: (ui) => expect([ui.filters.groups, ui.editingFilter]).toEqual(['p', true]) },
    { name: 'the filter matches topics too', keys: ['/', 'p', 'a', 'y'], check: (ui) => expect(rowKeys(model, ui)).toEqual(['beta']) },
    { name: 'Esc while editing clears the filter', keys: ['/', 'x', { input: '', escape: true }], check: (ui) => expect([ui.filters.groups, ui.editingFilter]).toEqual(['', false]) },
    { name: 'Esc clears a kept filter', keys: ['/', 'x', { input: '', return: true }, { input: '', escape: true }], check: (ui) => expect(ui.filters.groups).toBe('') },
    { name: 'q in the filter is text, not quit', keys: ['/', 'q'], check: (ui) => expect([ui.quit, ui.filters.groups]).toEqual([false, 'q']) },
    { name: 's cycles the sort', keys: ['s'], check: (ui) => expect(sortKey(ui)).toBe('time-lag') },
    { name: 's cycles back', keys: ['s', 's', 's', 's', 's'], check: (ui) => expect(sortKey(ui)).toBe('lag') },
    { name: 'name sort', keys: ['s', 's', 's', 's'], check: (ui) => expect(rowKeys(model, ui)).toEqual(['alpha', 'beta', 'gamma']) },
    { name: 'p pauses and resumes', keys: ['p'], check: (ui) => expect(ui.paused).toBe(true) },
    { name: 'p twice resumes', keys: ['p', 'p'], check: (ui) => expect(ui.paused).toBe(false) },
    { name: 't shows topics, g groups', keys: ['t'], check: (ui) => expect([ui.screen, rowKeys(model, ui)]).toEqual(['topics', ['orders', 'payments', 'zeta']]) },
    { name: 'Enter on a topic shows its partitions', keys: ['t', { input: '', return: true }], check: (ui) => expect([ui.screen, ui.topic, rowKeys(model, ui)]).toEqual(['topic', 'orders', ['0', '1']]) },
    { name: 'g from a topic', keys: ['t', { input: '', return: true }, 'g'], check: (ui) => expect(ui.screen).toBe('groups') },
    { name: 'q quits', keys: ['q'], check: (ui) => expect(ui.quit).toBe(true) },
    { name: 'Ctrl+C quits', keys: [{ input: 'c', ctrl: true }], check: (ui) => expect(ui.quit).toBe(true) },
    { name: 'partitions of a group, sorted by lag with s', keys: ['j', { input: '', return: true }, 's'], check: (ui) => expect(rowKeys(model, ui)).toEqual(['orders:0', 'orders:1']) },
  ];
  for (const c of cases) it(c.name, () => c.check(press(start, ...c.keys)));

  it('keeps the selected row by key when rows re-sort', () => {
    const ui = press(start, 'j'); // alpha
    const byName = press(ui, 's', 's', 's', 's');
    expect(selectedIndex(rowKeys(model, byName), byName.selected.groups)).toBe(0);
  });

  it('starts drilled into a group', () => {
    const ui = initialUiState({ group: 'beta' });
    expect([ui.screen, ui.group]).toEqual(['group', 'beta']);
    expect(rowKeys(model, ui)).toEqual(['payments:0']);
  });

  it('sorts groups by status, worst first', () => {
    const ui = { ...start, sorts: { ...start.sorts, groups: 2 } };
    expect(sortKey(ui)).toBe('status');
    expect(visibleGroups(model, ui).map((g) => g.group)).toEqual(['beta', 'alpha', 'gamma']);
  });
});

describe('splitInput', () => {
  it('splits keys typed together', () => {
    expect(splitInput({ input: '/ab\r' })).toEqual([{ input: '/' }, { input: 'a' }, { input: 'b' }, { input: '', return: true }]);
  });
  it('leaves single keys and control keys alone', () => {
    expect(splitInput({ input: 'j' })).toEqual([{ input: 'j' }]);
    expect(splitInput({ input: 'c', ctrl: true })).toEqual([{ input: 'c', ctrl: true }]);
  });
});

describe('scrollWindow', () => {
  const cases: [number, number, number, { start: number; end: number }][] = [
    [5, 0, 10, { start: 0, end: 5 }],
    [100, 0, 10, { start: 0, end: 10 }],
    [100, 50, 10, { start: 45, end: 55 }],
    [100, 99, 10, { start: 90, end: 100 }],
    [100, 3, 0, { start: 0, end: 0 }],
  ];
  it.each(cases)('%d rows, selected %d, height %d', (count, sel, height, want) => expect(scrollWindow(count, sel, height)).toEqual(want));
});
