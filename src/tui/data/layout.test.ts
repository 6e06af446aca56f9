import { describe, expect, it } from 'vitest';
import { layoutColumns, MARKER_WIDTH, type ColumnSpec } from './layout.ts';

const cols: ColumnSpec[] = [
  { key: 'name', width: 10, flex: true, maxWidth: 30, priority: 0 },
  { key: 'lag', width: 8, priority: 1 },
  { key: 'extra', width: 20, flex: true, maxWidth: 40, priority: 5 },
  { key: 'status', width: 6, priority: 1 },
];

describe('layoutColumns', () => {
  const cases: { name: string; width: number; want: [string, number][] }[] = [
    { name: 'narrow: only the first priorities, in order', width: MARKER_WIDTH + 10 + 1 + 8, want: [['name', 10], ['lag', 8]] },
    { name: 'room for three', width: MARKER_WIDTH + 10 + 1 + 8 + 1 + 6, want: [['name', 10], ['lag', 8], ['status', 6]] },
    { name: 'all, spare width to flexible columns', width: MARKER_WIDTH + 10 + 8 + 20 + 6 + 3 + 10, want: [['name', 15], ['lag', 8], ['extra', 25], ['status', 6]] },
    { name: 'capped columns leave the rest to others', width: 200, want: [['name', 30], ['lag', 8], ['extra', 40], ['status', 6]] },
    { name: 'nothing fits', width: 5, want: [] },
  ];
  for (const c of cases) it(c.name, () => expect(layoutColumns(cols, c.width).map((l) => [l.key, l.width])).toEqual(c.want));
});
