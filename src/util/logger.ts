/**
 * One-line structured logs on stderr. Text form: `2026-11-21T10:00:00.000Z INFO message key=value ...`;
 * JSON form: one object per line with `time`, `level`, `msg` and the fields.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFormat = 'text' | 'json';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

const levelRank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LoggerOptions {
  format?: LogFormat;
  level?: LogLevel;
  stream?: { write(chunk: string): unknown };
}

function formatValue(value: unknown): string {
  if (value instanceof Error) return JSON.stringify(value.message);
  if (typeof value === 'string') return /^[\w.:/@+-]*$/.test(value) && value !== '' ? value : JSON.stringify(value);
  if (typeof value === 'bigint') return value.toString();
  return JSON.stringify(value) ?? String(value);
}

function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error) return { name: value.name, message: value.message, ...(value as object) };
  return value;
}

class StreamLogger implements Logger {
  private readonly format: LogFormat;
  private readonly minRank: number;
  private readonly stream: { write(chunk: string): unknown };
  private readonly bound: LogFields;

  constructor(options: LoggerOptions, bound: LogFields = {}) {
    this.format = options.format ?? 'text';
    this.minRank = levelRank[options.level ?? 'info'];
    this.stream = options.stream ?? process.stderr;
    this.bound = bound;
  }

  private write(level: LogLevel, msg: string, fields?: LogFields): void {
    if (levelRank[level] < this.minRank) return;
    const all = fields ? { ...this.bound, ...fields } : this.bound;
    const time = new Date().toISOString();
    let line: string;
    if (this.format === 'json') {
      line = JSON.stringify({ time, level, msg, ...all }, jsonReplacer);
    } else {
      line = `${time} ${level.toUpperCase()} ${msg}`;
      for (const [k, v] of Object.entries(all)) if (v !== undefined) line += ` ${k}=${formatValue(v)}`;
    }
    this.stream.write(line + '\n');
  }

  debug(msg: string, fields?: LogFields): void { this.write('debug', msg, fields); }
  info(msg: string, fields?: LogFields): void { this.write('info', msg, fields); }
  warn(msg: string, fields?: LogFields): void { this.write('warn', msg, fields); }
  error(msg: string, fields?: LogFields): void { this.write('error', msg, fields); }

  child(fields: LogFields): Logger {
    return new StreamLogger(
      { format: this.format, level: (Object.keys(levelRank) as LogLevel[]).find((l) => levelRank[l] === this.minRank), stream: this.stream },
      { ...this.bound, ...fields },
    );
  }
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return new StreamLogger(options);
}

/** A logger that drops everything (tests, embedded use). */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() { return silentLogger; },
};
