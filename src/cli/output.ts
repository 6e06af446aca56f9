/**
 * Where and how commands write. Conventions:
 * - stdout carries data only (tables, values, JSON), so it can be piped;
 * - stderr carries messages for the user (progress, warnings, errors, logs);
 * - colors only when the stream is a terminal and NO_COLOR is not set (any value disables them);
 * - tables are drawn with cli-table3 on a terminal and as plain aligned columns otherwise, so
 *   scripts can `awk`/`cut` them.
 */
import { Chalk, supportsColor, type ChalkInstance } from 'chalk';
import Table from 'cli-table3';

export interface OutputStream {
  write(chunk: string, callback?: (err?: Error | null) => void): unknown;
  isTTY?: boolean;
}

export interface OutputOptions {
  stdout?: OutputStream;
  stderr?: OutputStream;
  env?: NodeJS.ProcessEnv;
}

/** True when `stream` should get ANSI colors. */
export function colorEnabled(stream: OutputStream, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && env.NO_COLOR === undefined;
}

/** A chalk instance that colors only when `stream` should get colors. */
export function chalkFor(stream: OutputStream, env: NodeJS.ProcessEnv = process.env): ChalkInstance {
  if (!colorEnabled(stream, env)) return new Chalk({ level: 0 });
  const level = supportsColor === false ? 1 : Math.max(1, supportsColor.level);
  return new Chalk({ level: level as 1 | 2 | 3 });
}

/** Writes `text` and resolves once the stream has taken it (so exiting right after loses nothing). */
export function writeAndFlush(stream: OutputStream, text: string): Promise<void> {
  return new Promise((resolve) => {
    stream.write(text, () => resolve());
  });
}

/** Renders rows as columns separated by two spaces, padded to the widest cell (no trailing spaces). */
export function plainColumns(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => { widths[i] = Math.max(widths[i] ?? 0, cell.length); });
  return rows
    .map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ').trimEnd())
    .join('\n');
}

/** A human duration: `3d 4h`, `2h 5m`, `1m 30s`, `12s`, `250ms`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  let s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86400); s -= d * 86400;
  const h = Math.floor(s / 3600); s -= h * 3600;
  const m = Math.floor(s / 60); s -= m * 60;
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s}s`;
  return `${s}s`;
}

/** The output channels of a command. */
export class Output {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  /** Colors for stdout / stderr (no-ops when not wanted). */
  readonly color: ChalkInstance;
  readonly stderrColor: ChalkInstance;

  constructor(options: OutputOptions = {}) {
    const env = options.env ?? process.env;
    this.stdout = options.stdout ?? process.stdout;
    this.stderr = options.stderr ?? process.stderr;
    this.color = chalkFor(this.stdout, env);
    this.stderrColor = chalkFor(this.stderr, env);
  }

  /** A line of data on stdout. */
  data(line: string): void {
    this.stdout.write(line + '\n');
  }

  /** A message for the user on stderr. */
  message(line: string): void {
    this.stderr.write(line + '\n');
  }

  /** A warning on stderr: `warning: <text>`. */
  warning(text: string): void {
    this.stderr.write(`${this.stderrColor.yellow('warning:')} ${text}\n`);
  }

  /** A value as indented JSON on stdout (bigints as strings). */
  json(value: unknown): void {
    this.stdout.write(toJson(value) + '\n');
  }

  /** A table on stdout: boxed on a terminal, aligned columns otherwise. */
  table(headers: readonly string[], rows: readonly (readonly string[])[]): void {
    if (this.stdout.isTTY) {
      const table = new Table({ head: headers.map((h) => this.color.bold(h)), style: { head: [], border: [] } });
      for (const row of rows) table.push([...row]);
      this.data(table.toString());
    } else {
      this.data(plainColumns([headers.map((h) => h.toUpperCase()), ...rows]));
    }
  }

  /** `key  value` pairs on stdout: a borderless two-column table, keys bold on a terminal. */
  keyValue(pairs: readonly (readonly [string, string])[]): void {
    if (this.stdout.isTTY) {
      const table = new Table({
        chars: { top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '', left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '  ' },
        style: { 'padding-left': 0, 'padding-right': 0, head: [], border: [] },
      });
      for (const [k, v] of pairs) table.push([this.color.bold(k), v]);
      this.data(table.toString());
    } else {
      this.data(plainColumns(pairs.map(([k, v]) => [k, v])));
    }
  }
}

/** JSON with two-space indentation; bigints become strings. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2);
}
