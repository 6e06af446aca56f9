/** Short, fixed-width-friendly text for the monitor's numbers, pure. */
import type { TimeLag } from './offset-table.ts';

/** `1234`, `123.5k`, `12.3M`: exact below 100 000. */
export function formatCount(n: bigint | number | null): string {
  if (n === null) return '-';
  const v = typeof n === 'bigint' ? Number(n) : n;
  const abs = Math.abs(v);
  if (abs < 100_000) return String(typeof n === 'bigint' ? n : Math.round(v));
  if (abs < 1e6) return `${(v / 1e3).toFixed(1)}k`;
  if (abs < 1e9) return `${(v / 1e6).toFixed(1)}M`;
  return `${(v / 1e9).toFixed(1)}G`;
}

/** Per second: `0/s`, `12.5/s`, `340/s`, `1.2k/s`; `-` when unknown. */
export function formatRate(r: number | null): string {
  if (r === null || !Number.isFinite(r)) return '-';
  const abs = Math.abs(r);
  if (abs < 0.05) return '0/s';
  if (abs < 100) return `${r.toFixed(1)}/s`;
  if (abs < 10_000) return `${Math.round(r)}/s`;
  return `${(r / 1000).toFixed(1)}k/s`;
}

/** Seconds: `0s`, `4.2s`, `37s`, `12m05s`, `3h07m`. */
export function formatSeconds(ms: number): string {
  const s = ms / 1000;
  if (s < 10) return `${s.toFixed(s === 0 ? 0 : 1)}s`;
  if (s < 600) return `${Math.round(s)}s`;
  const total = Math.round(s);
  if (total < 3600) return `${Math.floor(total / 60)}m${String(total % 60).padStart(2, '0')}s`;
  return `${Math.floor(total / 3600)}h${String(Math.floor((total % 3600) / 60)).padStart(2, '0')}m`;
}

/** A time lag: `~` marks an extrapolation, `>` a lower bound; `-` when unknown. */
export function formatTimeLag(l: TimeLag | null): string {
  if (!l) return '-';
  const prefix = l.kind === 'extrapolated' ? '~' : l.kind === 'at-least' ? '>' : '';
  return prefix + formatSeconds(l.ms);
}

/** Trend arrow from a lag rate: ↑ growing, ↓ draining, → steady, blank when unknown. */
export function trendArrow(lagRate: number | null): string {
  if (lagRate === null) return ' ';
  if (lagRate > 0.05) return '↑';
  if (lagRate < -0.05) return '↓';
  return '→';
}

/** `12:03:04` local time of an epoch ms. */
export function formatClock(t: number): string {
  const d = new Date(t);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

/** Cuts text to `width` with an ellipsis, pads it to `width` (right-aligned with `right`). */
export function fit(text: string, width: number, right = false): string {
  if (width <= 0) return '';
  const chars = [...text];
  const cut = chars.length > width ? chars.slice(0, Math.max(0, width - 1)).join('') + '…' : text;
  const pad = Math.max(0, width - [...cut].length);
  return right ? ' '.repeat(pad) + cut : cut + ' '.repeat(pad);
}
