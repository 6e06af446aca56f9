/**
 * The monitor's navigation state, pure: which screen, the selected row of each screen (by key,
 * so a row stays selected while the rows re-sort), the filter and sort of each screen, pause and
 * quit; `handleKey` maps a key press to the next state, and the `visible*` functions give each
 * screen's rows, filtered and sorted.
 *
 * Keys: ↑/k ↓/j (PgUp/PgDn, Home/End) move; Enter drills into a group or topic; Esc goes back
 * (or clears the filter); `/` edits the filter (Enter keeps it, Esc clears it); `s` cycles the
 * sort; `p` pauses; `g` / `t` switch to the groups / topics screen; `q` (or Ctrl+C) quits.
 */
import { STATUS_SEVERITY } from './burrow.ts';
import type { GroupRow, MonitorModel, PartitionRow, TopicPartitionRow, TopicRow } from './model.ts';

export type ScreenKind = 'groups' | 'group' | 'topics' | 'topic';

export const SORTS = {
  groups: ['lag', 'time-lag', 'status', 'rate', 'name'],
  group: ['partition', 'lag', 'time-lag'],
  topics: ['name', 'rate', 'records'],
  topic: ['partition', 'rate'],
} as const satisfies Record<ScreenKind, readonly string[]>;

export type SortKey = (typeof SORTS)[ScreenKind][number];

export interface UiState {
  screen: ScreenKind;
  /** The group drilled into. */
  group: string | null;
  /** The topic drilled into. */
  topic: string | null;
  /** Selected row key per screen. */
  selected: Record<ScreenKind, string | null>;
  filters: Record<ScreenKind, string>;
  /** Index into SORTS[screen]. */
  sorts: Record<ScreenKind, number>;
  editingFilter: boolean;
  paused: boolean;
  quit: boolean;
}

export function initialUiState(options: { screen?: 'groups' | 'topics'; group?: string } = {}): UiState {
  const none = { groups: null, group: null, topics: null, topic: null };
  return {
    screen: options.group ? 'group' : (options.screen ?? 'groups'),
    group: options.group ?? null,
    topic: null,
    selected: { ...none, groups: options.group ?? null },
    filters: { groups: '', group: '', topics: '', topic: '' },
    sorts: { groups: 0, group: 0, topics: 0, topic: 0 },
    editingFilter: false,
    paused: false,
    quit: false,
  };
}

export function sortKey(ui: UiState, screen: ScreenKind = ui.screen): SortKey {
  const list: readonly SortKey[] = SORTS[screen];
  return list[ui.sorts[screen] % list.length];
}

// ---- rows ---------------------------------------------------------------------------------------

function matches(filter: string, ...texts: string[]): boolean {
  if (filter === '') return true;
  const f = filter.toLowerCase();
  return texts.some((t) => t.toLowerCase().includes(f));
}

function cmpBig(a: bigint | null, b: bigint | null): number {
  const x = a ?? -1n;
  const y = b ?? -1n;
  return x > y ? -1 : x < y ? 1 : 0;
}

function cmpNum(a: number | null, b: number | null): number {
  return (b ?? -Infinity) - (a ?? -Infinity);
}

function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function visibleGroups(model: MonitorModel, ui: UiState): GroupRow[] {
  const rows = model.groups.filter((g) => matches(ui.filters.groups, g.group, ...g.topics));
  const key = sortKey(ui, 'groups');
  return rows.sort((a, b) => {
    let d = 0;
    if (key === 'lag') d = cmpBig(a.lag, b.lag);
    else if (key === 'time-lag') d = cmpNum(a.timeLag?.ms ?? null, b.timeLag?.ms ?? null);
    else if (key === 'status') d = STATUS_SEVERITY[b.evaluation.status] - STATUS_SEVERITY[a.evaluation.status] || cmpBig(a.lag, b.lag);
    else if (key === 'rate') d = cmpNum(a.consumeRate, b.consumeRate);
    return d || cmpStr(a.group, b.group);
  });
}

export function selectedGroup(model: MonitorModel, ui: UiState): GroupRow | null {
  return model.groups.find((g) => g.group === ui.group) ?? null;
}

export function visiblePartitions(group: GroupRow | null, ui: UiState): PartitionRow[] {
  if (!group) return [];
  const rows = group.partitions.filter((p) => matches(ui.filters.group, `${p.topic}-${p.partition}`, p.owner?.clientId ?? '', p.owner?.host ?? ''));
  const key = sortKey(ui, 'group');
  return rows.sort((a, b) => {
    let d = 0;
    if (key === 'lag') d = cmpBig(a.lag, b.lag);
    else if (key === 'time-lag') d = cmpNum(a.timeLag?.ms ?? null, b.timeLag?.ms ?? null);
    return d || cmpStr(a.topic, b.topic) || a.partition - b.partition;
  });
}

export function visibleTopics(model: MonitorModel, ui: UiState): TopicRow[] {
  const rows = model.topics.filter((t) => matches(ui.filters.topics, t.topic));
  const key = sortKey(ui, 'topics');
  return rows.sort((a, b) => {
    let d = 0;
    if (key === 'rate') d = cmpNum(a.produceRate, b.produceRate);
    else if (key === 'records') d = cmpBig(a.records, b.records);
    return d || cmpStr(a.topic, b.topic);
  });
}

export function selectedTopic(model: MonitorModel, ui: UiState): TopicRow | null {
  return model.topics.find((t) => t.topic === ui.topic) ?? null;
}

export function visibleTopicPartitions(topic: TopicRow | null, ui: UiState): TopicPartitionRow[] {
  if (!topic) return [];
  const rows = topic.partitions.filter((p) => matches(ui.filters.topic, String(p.partition)));
  const key = sortKey(ui, 'topic');
  return rows.sort((a, b) => (key === 'rate' ? cmpNum(a.produceRate, b.produceRate) : 0) || a.partition - b.partition);
}

/** The row keys of the current screen, in display order. */
export function rowKeys(model: MonitorModel, ui: UiState): string[] {
  switch (ui.screen) {
    case 'groups':
      return visibleGroups(model, ui).map((g) => g.group);
    case 'group':
      return visiblePartitions(selectedGroup(model, ui), ui).map((p) => `${p.topic}:${p.partition}`);
    case 'topics':
      return visibleTopics(model, ui).map((t) => t.topic);
    case 'topic':
      return visibleTopicPartitions(selectedTopic(model, ui), ui).map((p) => String(p.partition));
  }
}

/** The index of the selected row among `keys` (the first row when the selection is not there); -1 without rows. */
export function selectedIndex(keys: readonly string[], selected: string | null): number {
  if (keys.length === 0) return -1;
  const i = selected === null ? -1 : keys.indexOf(selected);
  return i < 0 ? 0 : i;
}

/** The first and last (exclusive) rows to show so that the selected one is visible. */
export function scrollWindow(count: number, selected: number, height: number): { start: number; end: number } {
  if (height <= 0) return { start: 0, end: 0 };
  if (count <= height) return { start: 0, end: count };
  const start = Math.max(0, Math.min(count - height, selected - Math.floor(height / 2)));
  return { start, end: start + height };
}

// ---- keys ---------------------------------------------------------------------------------------

/** The parts of a key press the monitor uses (a subset of Ink's `Key`). */
export interface KeyPress {
  input: string;
  upArrow?: boolean;
  downArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  home?: boolean;
  end?: boolean;
  return?: boolean;
  escape?: boolean;
  backspace?: boolean;
  delete?: boolean;
  ctrl?: boolean;
  meta?: boolean;
  tab?: boolean;
}

/**
 * The key presses in one input event. Keys typed faster than they are read arrive together as
 * one string (`/fast\r`); each character is a key press of its own.
 */
export function splitInput(key: KeyPress): KeyPress[] {
  const chars = [...key.input];
  if (chars.length <= 1 || key.ctrl || key.meta || key.escape) return [key];
  return chars.map((c) => {
    if (c === '\r' || c === '\n') return { input: '', return: true };
    if (c === '\u007f' || c === '\b') return { input: '', backspace: true };
    if (c === '\t') return { input: '', tab: true };
    return { input: c };
  });
}

function move(ui: UiState, keys: readonly string[], to: (index: number) => number): UiState {
  if (keys.length === 0) return ui;
  const i = Math.max(0, Math.min(keys.length - 1, to(selectedIndex(keys, ui.selected[ui.screen]))));
  return { ...ui, selected: { ...ui.selected, [ui.screen]: keys[i] } };
}

function goTo(ui: UiState, screen: ScreenKind, extra: Partial<UiState> = {}): UiState {
  return { ...ui, ...extra, screen, editingFilter: false };
}

/**
 * The state after a key press. `keys` are the current screen's row keys in display order, and
 * `pageSize` how many rows fit on it.
 */
export function handleKey(ui: UiState, key: KeyPress, keys: readonly string[], pageSize = 10): UiState {
  const { input } = key;
  if (key.ctrl && input === 'c') return { ...ui, quit: true };
  if (ui.editingFilter) {
    const filter = ui.filters[ui.screen];
    const setFilter = (f: string, editing: boolean): UiState => ({ ...ui, editingFilter: editing, filters: { ...ui.filters, [ui.screen]: f } });
    if (key.escape) return setFilter('', false);
    if (key.return) return setFilter(filter, false);
    if (key.backspace || key.delete) return setFilter([...filter].slice(0, -1).join(''), true);
    if (key.ctrl && input === 'u') return setFilter('', true);
    if (!key.ctrl && !key.meta && !key.tab && input !== '' && !/[\u0000-\u001f\u007f]/.test(input)) return setFilter(filter + input, true);
    return ui;
  }
  if (key.upArrow || input === 'k') return move(ui, keys, (i) => i - 1);
  if (key.downArrow || input === 'j') return move(ui, keys, (i) => i + 1);
  if (key.pageUp) return move(ui, keys, (i) => i - Math.max(1, pageSize));
  if (key.pageDown) return move(ui, keys, (i) => i + Math.max(1, pageSize));
  if (key.home) return move(ui, keys, () => 0);
  if (key.end) return move(ui, keys, () => keys.length - 1);
  if (key.return) {
    const i = selectedIndex(keys, ui.selected[ui.screen]);
    if (i < 0) return ui;
    if (ui.screen === 'groups') return goTo(ui, 'group', { group: keys[i], selected: { ...ui.selected, groups: keys[i] } });
    if (ui.screen === 'topics') return goTo(ui, 'topic', { topic: keys[i], selected: { ...ui.selected, topics: keys[i] } });
    return ui;
  }
  if (key.escape) {
    if (ui.filters[ui.screen] !== '') return { ...ui, filters: { ...ui.filters, [ui.screen]: '' } };
    if (ui.screen === 'group') return goTo(ui, 'groups');
    if (ui.screen === 'topic') return goTo(ui, 'topics');
    return ui;
  }
  if (key.ctrl || key.meta) return ui;
  switch (input) {
    case 'q':
      return { ...ui, quit: true };
    case '/':
      return { ...ui, editingFilter: true };
    case 's':
      return { ...ui, sorts: { ...ui.sorts, [ui.screen]: (ui.sorts[ui.screen] + 1) % SORTS[ui.screen].length } };
    case 'p':
      return { ...ui, paused: !ui.paused };
    case 'g':
      return goTo(ui, 'groups');
    case 't':
      return goTo(ui, 'topics');
    default:
      return ui;
  }
}
