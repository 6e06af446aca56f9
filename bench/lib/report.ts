/** The results table on stdout and the JSON document in bench/results/latest.json. */
import type { Metric } from './context.ts';
import { fmt } from './stats.ts';

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}
function padLeft(s: string, n: number): string {
  return s.length >= n ? s : ' '.repeat(n - s.length) + s;
}

function limitText(m: Metric): string {
  if (!m.limit) return '';
  return `${fmt(m.limit.value)} ${m.limit.unit} (${m.limit.label})`;
}

function statusText(m: Metric): string {
  if (m.pass === null) return m.goalNo !== undefined && m.limit ? 'info' : '';
  return m.pass ? 'PASS' : 'MISS';
}

/** Renders the metrics as an aligned text table, grouped by goal number. */
export function renderTable(metrics: readonly Metric[]): string {
  const rows = metrics.map((m) => [
    m.goalNo !== undefined ? String(m.goalNo) : '',
    m.label,
    `${fmt(m.value)} ${m.unit}`,
    limitText(m),
    m.ratio === null ? '' : fmt(m.ratio),
    m.goalText ?? '',
    statusText(m),
    m.note ?? '',
  ]);
  const head = ['#', 'metric', 'value', 'limit (measured in this run, or goal)', 'ratio', 'goal', 'result', 'note'];
  const widths = head.map((h, i) => (i === head.length - 1 ? 0 : Math.max(h.length, ...rows.map((r) => r[i].length))));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === 2 || i === 4 ? padLeft(c, widths[i]) : pad(c, widths[i]))).join('  ').trimEnd();
  const out = [line(head), widths.map((w) => '-'.repeat(w)).join('  ')];
  let last = '';
  for (let i = 0; i < rows.length; i++) {
    if (i > 0 && rows[i][0] !== last) out.push('');
    last = rows[i][0];
    out.push(line(rows[i]));
  }
  return out.join('\n');
}

/** One line per goal: how many of its checked figures pass. */
export function renderGoalSummary(metrics: readonly Metric[]): string {
  const checked = metrics.filter((m) => m.pass !== null);
  if (checked.length === 0) return 'no goals checked';
  const lines = checked.map((m) => `  ${m.pass ? 'PASS' : 'MISS'}  goal ${m.goalNo ?? '?'}: ${m.label}: ${fmt(m.value)} ${m.unit} vs ${limitText(m)}, ratio ${m.ratio === null ? '-' : fmt(m.ratio)} (${m.goalText})`);
  const passed = checked.filter((m) => m.pass).length;
  return [`goals: ${passed} of ${checked.length} checked figures pass`, ...lines].join('\n');
}
