/**
 * Topic configurations: parsing `key=value` arguments, building AlterConfigs /
 * IncrementalAlterConfigs requests, and turning DescribeConfigs answers into plain entries.
 * Everything here is pure (no I/O); `topics.ts` sends the requests.
 */
import { CliError } from '../cli/errors.ts';
import { ExitCode } from '../cli/exit-codes.ts';

/** One configuration of a topic as `topics describe` reports it. */
export interface TopicConfigEntry {
  name: string;
  /** null when the value is sensitive (the cluster does not send it) or unset. */
  value: string | null;
  /** Where the value comes from, by the Java AdminClient's names: DYNAMIC_TOPIC_CONFIG (a topic override), STATIC_BROKER_CONFIG, DEFAULT_CONFIG, ... */
  source: string;
  readOnly: boolean;
  sensitive: boolean;
}

/** A change of one key: `set` to a value, or `delete` (back to the default). */
export type ConfigChange = { name: string; operation: 'set'; value: string } | { name: string; operation: 'delete' };

/** How `topics alter-config` applies changes: IncrementalAlterConfigs, or AlterConfigs (the overrides become exactly the `--set` pairs). */
export type AlterMode = 'incremental' | 'replace';

/** IncrementalAlterConfigs operation codes. */
export const IncrementalOp = { SET: 0, DELETE: 1 } as const;

/** An IncrementalAlterConfigs request entry. */
export type IncrementalConfig = { name: string; configOperation: typeof IncrementalOp.SET; value: string } | { name: string; configOperation: typeof IncrementalOp.DELETE };

/** An AlterConfigs request entry. */
export interface ReplaceConfig {
  name: string;
  value: string;
}

/** DescribeConfigs `ConfigSource` codes by the Java AdminClient's names. */
const CONFIG_SOURCES: Readonly<Record<number, string>> = {
  0: 'UNKNOWN',
  1: 'DYNAMIC_TOPIC_CONFIG',
  2: 'DYNAMIC_BROKER_CONFIG',
  3: 'DYNAMIC_DEFAULT_BROKER_CONFIG',
  4: 'STATIC_BROKER_CONFIG',
  5: 'DEFAULT_CONFIG',
  6: 'DYNAMIC_BROKER_LOGGER_CONFIG',
  7: 'CLIENT_METRICS_CONFIG',
  8: 'GROUP_CONFIG',
};

/** The name of a DescribeConfigs config source (`1` → `DYNAMIC_TOPIC_CONFIG`). */
export function configSourceName(source: number): string {
  return CONFIG_SOURCES[source] ?? 'UNKNOWN';
}

/** The topic-override source: what `topics describe` shows without `--all-configs`. */
export const TOPIC_OVERRIDE_SOURCE = 'DYNAMIC_TOPIC_CONFIG';

function usage(message: string, hint?: string): CliError {
  return new CliError(message, { exitCode: ExitCode.USAGE, code: 'USAGE', ...(hint === undefined ? {} : { hint }) });
}

const CONFIG_KEY = /^[A-Za-z0-9._-]+$/;

/**
 * Parses `key=value` arguments (`-c/--config`, `--set`). The value may be empty and may contain
 * `=`; the key may not be empty and is trimmed. A key given twice is an error: which one was
 * meant is not clear.
 */
export function parseConfigPairs(values: readonly string[] | undefined, flag: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of values ?? []) {
    const eq = entry.indexOf('=');
    const key = eq > 0 ? entry.slice(0, eq).trim() : '';
    if (key === '') throw usage(`invalid ${flag} ${JSON.stringify(entry)}: expected key=value`, `e.g. ${flag} retention.ms=3600000`);
    if (!CONFIG_KEY.test(key)) throw usage(`invalid ${flag} ${JSON.stringify(entry)}: ${JSON.stringify(key)} is not a configuration name`);
    if (out.has(key)) throw usage(`${flag} ${key} is given twice`);
    out.set(key, entry.slice(eq + 1));
  }
  return out;
}

/** Parses `--delete key` arguments: configuration names, each once. */
export function parseConfigKeys(values: readonly string[] | undefined, flag: string): string[] {
  const out: string[] = [];
  for (const raw of values ?? []) {
    const key = raw.trim();
    if (!CONFIG_KEY.test(key)) throw usage(`invalid ${flag} ${JSON.stringify(raw)}: expected a configuration name`, `e.g. ${flag} retention.ms`);
    if (out.includes(key)) throw usage(`${flag} ${key} is given twice`);
    out.push(key);
  }
  return out;
}

/**
 * The changes `topics alter-config` asks for. In `incremental` mode at least one change is
 * needed and a key cannot be both set and deleted. In `replace` mode `--delete` is not
 * accepted (every key not given with `--set` goes back to its default); no `--set` at all
 * removes every override.
 */
export function planConfigChanges(set: ReadonlyMap<string, string>, del: readonly string[], mode: AlterMode): ConfigChange[] {
  if (mode === 'replace') {
    if (del.length > 0) throw usage('--delete cannot be used with --replace', 'with --replace every key not given with --set goes back to its default');
    return [...set].map(([name, value]) => ({ name, operation: 'set', value }));
  }
  if (set.size === 0 && del.length === 0) throw usage('nothing to change', 'give --set key=value or --delete key');
  const both = del.find((k) => set.has(k));
  if (both !== undefined) throw usage(`${both} is both set and deleted`);
  return [
    ...[...set].map(([name, value]): ConfigChange => ({ name, operation: 'set', value })),
    ...del.map((name): ConfigChange => ({ name, operation: 'delete' })),
  ];
}

/** The IncrementalAlterConfigs entries of `changes`. */
export function incrementalConfigs(changes: readonly ConfigChange[]): IncrementalConfig[] {
  return changes.map((c) => (c.operation === 'set' ? { name: c.name, configOperation: IncrementalOp.SET, value: c.value } : { name: c.name, configOperation: IncrementalOp.DELETE }));
}

/** The AlterConfigs entries of `changes` (only `set` changes exist in replace mode). */
export function replaceConfigs(changes: readonly ConfigChange[]): ReplaceConfig[] {
  const out: ReplaceConfig[] = [];
  for (const c of changes) {
    if (c.operation !== 'set') throw new Error(`AlterConfigs cannot delete ${c.name}`);
    out.push({ name: c.name, value: c.value });
  }
  return out;
}

/** The CreateTopics `configs` entries of `-c key=value` pairs. */
export function createTopicConfigs(pairs: ReadonlyMap<string, string>): { name: string; value: string }[] {
  return [...pairs].map(([name, value]) => ({ name, value }));
}

/** A DescribeConfigs config entry as @platformatic/kafka returns it. */
export interface DescribedConfig {
  name: string;
  value: string | null;
  readOnly: boolean;
  configSource: number;
  isSensitive: boolean;
}

/**
 * Plain entries of a DescribeConfigs answer, sorted by name: only the topic's overrides, or
 * all of them with `all`.
 */
export function toConfigEntries(configs: readonly DescribedConfig[], all: boolean): TopicConfigEntry[] {
  return configs
    .map((c) => ({ name: c.name, value: c.isSensitive ? null : c.value, source: configSourceName(c.configSource), readOnly: c.readOnly, sensitive: c.isSensitive }))
    .filter((c) => all || c.source === TOPIC_OVERRIDE_SOURCE)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** A config value for a table: `(sensitive)` for hidden values, `(null)` for unset ones. */
export function displayConfigValue(entry: TopicConfigEntry): string {
  if (entry.sensitive) return '(sensitive)';
  return entry.value ?? '(null)';
}
