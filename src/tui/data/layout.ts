/**
 * Table layout, pure: which columns fit in a width, and how wide each is. Columns are kept by
 * priority (lowest first) while they fit with a one-space gap between them; the width left over
 * goes to the flexible columns, up to their `maxWidth`. The kept columns stay in their order.
 */

export interface ColumnSpec {
  key: string;
  /** Width when there is no room to spare. */
  width: number;
  /** Takes a share of the spare width, up to `maxWidth`. */
  flex?: boolean;
  maxWidth?: number;
  /** 0 is kept first. */
  priority: number;
}

export interface LaidOutColumn {
  key: string;
  width: number;
}

/** A one-character selection marker starts every row. */
export const MARKER_WIDTH = 2;

export function layoutColumns(columns: readonly ColumnSpec[], width: number): LaidOutColumn[] {
  const available = width - MARKER_WIDTH;
  const byPriority = columns.map((c, i) => ({ c, i })).sort((a, b) => a.c.priority - b.c.priority || a.i - b.i);
  const kept = new Set<number>();
  let used = 0;
  for (const { c, i } of byPriority) {
    const need = c.width + (kept.size > 0 ? 1 : 0);
    if (used + need > available) continue;
    kept.add(i);
    used += need;
  }
  const widths = new Map<number, number>();
  for (const i of kept) widths.set(i, columns[i].width);
  let spare = available - used;
  const flex = [...kept].filter((i) => columns[i].flex).sort((a, b) => a - b);
  // Hand out the spare width a share at a time, so that capped columns leave it to the others.
  for (let round = 0; round < 8 && spare > 0 && flex.length > 0; round++) {
    const open = flex.filter((i) => widths.get(i)! < (columns[i].maxWidth ?? Infinity));
    if (open.length === 0) break;
    const share = Math.max(1, Math.floor(spare / open.length));
    for (const i of open) {
      if (spare <= 0) break;
      const cap = (columns[i].maxWidth ?? Infinity) - widths.get(i)!;
      const add = Math.min(share, cap, spare);
      widths.set(i, widths.get(i)! + add);
      spare -= add;
    }
  }
  return [...kept].sort((a, b) => a - b).map((i) => ({ key: columns[i].key, width: widths.get(i)! }));
}
