/**
 * Flag builders shared by commands, so the same flag means the same thing everywhere.
 * Each builder returns a fresh oclif flag definition; pass overrides for a command-specific text.
 */
import { Flags } from '@oclif/core';
import { CliError } from './errors.ts';
import { ExitCode } from './exit-codes.ts';

export const LOG_FORMATS = ['text', 'json'] as const;
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/** `--data-dir DIR`: the broker's data directory (default: see `defaultDataDir`). */
export function dataDirFlag(options: { description?: string } = {}) {
  return Flags.string({
    description: options.description ?? 'Broker data directory [default: $KSTREAM_DATA_DIR, $XDG_DATA_HOME/kstream or ~/.local/share/kstream]',
    helpValue: '<dir>',
  });
}

/** Default bootstrap server when neither `-b` nor `KSTREAM_BOOTSTRAP_SERVER` is given. */
export const DEFAULT_BOOTSTRAP_SERVER = '127.0.0.1:9092';

/** `-b, --bootstrap-server host:port[,host:port...]` (env `KSTREAM_BOOTSTRAP_SERVER`). */
export function bootstrapServerFlag(options: { description?: string } = {}) {
  return Flags.string({
    char: 'b',
    description: options.description ?? 'Kafka broker(s) to connect to, host:port[,host:port...]',
    env: 'KSTREAM_BOOTSTRAP_SERVER',
    default: DEFAULT_BOOTSTRAP_SERVER,
    helpValue: '<host:port>',
    parse: async (input) => {
      parseBootstrapServers(input);
      return input;
    },
  });
}

/** `--log-format text|json` for log lines on stderr. */
export function logFormatFlag(options: { helpGroup?: string } = {}) {
  return Flags.option({ options: LOG_FORMATS, description: 'Format of log lines on stderr', default: 'text' as const })(options);
}

/** `--log-level debug|info|warn|error`. */
export function logLevelFlag(options: { helpGroup?: string } = {}) {
  return Flags.option({ options: LOG_LEVELS, description: 'Lowest level of log lines written', default: 'info' as const })(options);
}

/** `--timeout DURATION` parsed to milliseconds (`30s`, `500ms`, `2m`; a bare number is seconds). */
export function timeoutFlag(options: { description: string; defaultMs: number }) {
  return Flags.custom<number>({
    description: `${options.description} (e.g. 30s, 500ms, 2m; a bare number is seconds)`,
    helpValue: '<duration>',
    default: options.defaultMs,
    defaultHelp: async () => formatDurationFlag(options.defaultMs),
    parse: async (input) => parseDuration(input),
  })();
}

/** `--set key=value` (repeatable). */
export function setFlag(options: { description?: string } = {}) {
  return Flags.string({
    description: options.description ?? 'Set a configuration key (repeatable), e.g. --set num.partitions=3',
    multiple: true,
    helpValue: '<key=value>',
  });
}

/** A host and port. IPv6 hosts are given in brackets: `[::1]:9092`. */
export interface HostPort {
  host: string;
  port: number;
}

/** Parses `host:port[,host:port...]`; throws a USAGE `CliError` on a malformed entry. */
export function parseBootstrapServers(input: string): HostPort[] {
  const servers: HostPort[] = [];
  for (const part of input.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const m = /^(\[[^\]]+\]|[^:[\]]+):(\d{1,5})$/.exec(part);
    const port = m ? Number(m[2]) : NaN;
    if (!m || port < 1 || port > 65535) {
      throw new CliError(`expected host:port, got "${part}"`, { exitCode: ExitCode.USAGE, code: 'USAGE' });
    }
    const host = m[1].startsWith('[') ? m[1].slice(1, -1) : m[1];
    servers.push({ host, port });
  }
  if (servers.length === 0) throw new CliError('expected at least one host:port', { exitCode: ExitCode.USAGE, code: 'USAGE' });
  return servers;
}

/** Parses `--set` values into a map (later keys win); throws a USAGE `CliError` naming the bad entry. */
export function parseKeyValuePairs(values: readonly string[] | undefined, flag = '--set'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of values ?? []) {
    const eq = entry.indexOf('=');
    const key = eq > 0 ? entry.slice(0, eq).trim() : '';
    if (key === '') {
      throw new CliError(`invalid ${flag} ${JSON.stringify(entry)}: expected key=value`, { exitCode: ExitCode.USAGE, code: 'USAGE', hint: `e.g. ${flag} num.partitions=3` });
    }
    out[key] = entry.slice(eq + 1);
  }
  return out;
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `500ms`, `30s`, `2m`, `1h`, `1.5s`; a bare number is seconds. Throws on anything else. */
export function parseDuration(input: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(input);
  if (!m) throw new Error(`expected a duration like 30s, 500ms or 2m, got ${JSON.stringify(input)}`);
  return Math.round(Number(m[1]) * DURATION_UNITS[m[2] ?? 's']);
}

function formatDurationFlag(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
