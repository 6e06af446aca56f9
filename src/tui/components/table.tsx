/**
 * A table of rows: a header line, then one line per row in the scroll window around the selected
 * row (marked `›` and shown inverse). Columns that do not fit the width are left out by priority
 * (data/layout.ts). The component only lays out what it is given.
 */
import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import { fit } from '../data/format.ts';
import { layoutColumns, type ColumnSpec } from '../data/layout.ts';
import { scrollWindow } from '../data/ui-state.ts';

export interface Column<R> extends ColumnSpec {
  title: string;
  align?: 'left' | 'right';
  /** The cell's text; `width` is the column's (for sparklines). */
  cell: (row: R, width: number) => string;
  color?: (row: R) => string | undefined;
}

export interface TableProps<R> {
  columns: readonly Column<R>[];
  rows: readonly R[];
  rowKey: (row: R) => string;
  /** Index of the selected row; -1 for none. */
  selected: number;
  width: number;
  /** Lines for the rows (the header is extra). */
  height: number;
  /** Dims every row (stale data). */
  dim?: boolean;
  /** Colors a whole row (e.g. hot partitions). */
  rowColor?: (row: R) => string | undefined;
  empty?: string;
}

export function Table<R>({ columns, rows, rowKey, selected, width, height, dim = false, rowColor, empty = 'nothing to show' }: TableProps<R>): ReactNode {
  const laid = layoutColumns(columns, width);
  const byKey = new Map(columns.map((c) => [c.key, c]));
  // When the rows do not fit, the last line says how many are above and below the window.
  const scrolling = rows.length > height;
  const { start, end } = scrollWindow(rows.length, Math.max(0, selected), scrolling ? Math.max(1, height - 1) : height);
  const header = laid.map((l) => fit(byKey.get(l.key)!.title, l.width, byKey.get(l.key)!.align === 'right')).join(' ');
  const more = [start > 0 ? `↑ ${start} more` : '', end < rows.length ? `↓ ${rows.length - end} more` : ''].filter(Boolean).join('  ');
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate">
        {'  '}
        {header}
      </Text>
      {rows.length === 0 ? <Text dimColor>{'  ' + empty}</Text> : null}
      {rows.slice(start, end).map((row, i) => {
        const isSelected = start + i === selected;
        const whole = rowColor?.(row);
        return (
          <Text key={rowKey(row)} wrap="truncate" inverse={isSelected} dimColor={dim}>
            {isSelected ? '› ' : '  '}
            {laid.map((l, j) => {
              const col = byKey.get(l.key)!;
              const text = fit(col.cell(row, l.width), l.width, col.align === 'right') + (j < laid.length - 1 ? ' ' : '');
              const color = col.color?.(row) ?? whole;
              return color && !dim ? (
                <Text key={l.key} color={color}>
                  {text}
                </Text>
              ) : (
                <Text key={l.key}>{text}</Text>
              );
            })}
          </Text>
        );
      })}
      {scrolling ? (
        <Text dimColor wrap="truncate">
          {'  ' + more}
        </Text>
      ) : null}
    </Box>
  );
}
