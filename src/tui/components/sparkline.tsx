/** The lag trend: a sparkline of a series over the last `spanMs` (data/sparkline.ts). */
import { Text } from 'ink';
import { sparkline, type SeriesPoint } from '../data/sparkline.ts';

export function Sparkline({ series, now, spanMs, width, color }: { series: readonly SeriesPoint[]; now: number; spanMs: number; width: number; color?: string }) {
  return <Text color={color}>{sparkline(series, now, spanMs, width)}</Text>;
}
