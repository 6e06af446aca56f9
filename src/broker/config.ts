/**
 * Broker and topic configuration, with Kafka's key names.
 *
 * - A broker configuration comes from, lowest to highest precedence: built-in defaults, a Java
 *   `.properties` file, key=value overrides, then explicit listener/data-dir values (CLI flags).
 *   `loadBrokerConfig` validates every known key and keeps everything that was set (known or not)
 *   in `BrokerConfig.raw`.
 * - Topic configurations (`retention.ms`, `cleanup.policy`, ...) are described by
 *   `TOPIC_CONFIG_DEFS`; each takes its default from a broker key (`retention.ms` ← `log.retention.ms`),
 *   exactly as Kafka does. `effectiveTopicConfig` resolves a topic's overrides against the broker and
 *   reports every value with its DescribeConfigs source.
 *
 * Numbers: Kafka LONG configs are 64-bit. Values are validated exactly (as bigint) and the string
 * forms reported by DescribeConfigs keep every digit; the typed `number` fields are exact up to
 * 2^53, which covers every realistic byte count and duration (Long.MAX_VALUE, Kafka's "no limit",
 * becomes 9.2e18, which still means "no limit").
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { KstreamError } from '../util/errors.ts';
import type { LogConfig } from '../storage/log-config.ts';

// ---------------------------------------------------------------------------------------------
// Kafka enums (DescribeConfigs)
// ---------------------------------------------------------------------------------------------

/** DescribeConfigs `ConfigSource` (response v1+). `TOPIC_CONFIG` is the AdminClient name for 1. */
export const ConfigSource = {
  UNKNOWN: 0,
  DYNAMIC_TOPIC_CONFIG: 1,
  TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
  DYNAMIC_BROKER_LOGGER_CONFIG: 6,
} as const;
export type ConfigSourceValue = (typeof ConfigSource)[keyof typeof ConfigSource];

const CONFIG_SOURCE_NAMES: Record<number, string> = {
  0: 'UNKNOWN',
  1: 'TOPIC_CONFIG',
  2: 'DYNAMIC_BROKER_CONFIG',
  3: 'DYNAMIC_DEFAULT_BROKER_CONFIG',
  4: 'STATIC_BROKER_CONFIG',
  5: 'DEFAULT_CONFIG',
  6: 'DYNAMIC_BROKER_LOGGER_CONFIG',
};

/** The AdminClient name of a config source code (1 → `TOPIC_CONFIG`). */
export function configSourceName(source: number): string {
  return CONFIG_SOURCE_NAMES[source] ?? 'UNKNOWN';
}

/** DescribeConfigs `ConfigType` (response v3+). */
export const ConfigType = {
  UNKNOWN: 0,
  BOOLEAN: 1,
  STRING: 2,
  INT: 3,
  SHORT: 4,
  LONG: 5,
  DOUBLE: 6,
  LIST: 7,
  CLASS: 8,
  PASSWORD: 9,
} as const;
export type ConfigTypeValue = (typeof ConfigType)[keyof typeof ConfigType];

/** The type of a config value, in Kafka's ConfigDef vocabulary. */
export type ConfigValueType = 'boolean' | 'string' | 'int' | 'short' | 'long' | 'double' | 'list' | 'password' | 'class';

const TYPE_CODES: Record<ConfigValueType, ConfigTypeValue> = {
  boolean: ConfigType.BOOLEAN,
  string: ConfigType.STRING,
  int: ConfigType.INT,
  short: ConfigType.SHORT,
  long: ConfigType.LONG,
  double: ConfigType.DOUBLE,
  list: ConfigType.LIST,
  class: ConfigType.CLASS,
  password: ConfigType.PASSWORD,
};

/** The DescribeConfigs type code of a value type (`long` → 5). */
export function configTypeCode(type: ConfigValueType): ConfigTypeValue {
  return TYPE_CODES[type];
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/**
 * A configuration that cannot be used: an unreadable or malformed file, or a value of the wrong
 * type or out of range. Codes: `CONFIG_FILE` (file cannot be read or parsed), `CONFIG_INVALID`
 * (a value). Context fields: `key`, `value`, `expected`, `file`, `line` when known.
 */
export class ConfigError extends KstreamError {
  declare readonly key?: string;
  declare readonly expected?: string;
  declare readonly file?: string;
  declare readonly line?: number;
  constructor(code: 'CONFIG_FILE' | 'CONFIG_INVALID', message: string, options?: { cause?: unknown; context?: Record<string, unknown> }) {
    super(code, message, options);
  }
}

// ---------------------------------------------------------------------------------------------
// Validators and typed parsing
// ---------------------------------------------------------------------------------------------

/** A value parsed according to its type. */
export type ConfigValue = boolean | number | string | string[];

/** A constraint on a parsed value; `check` returns an error message or null. */
export interface ConfigValidator {
  /** Human-readable constraint, e.g. `[1,...]` or `[delete, compact]`. */
  readonly description: string;
  check(value: ConfigValue, text: string): string | null;
}

function atLeast(min: number): ConfigValidator {
  return {
    description: `[${min},...]`,
    check: (_value, text) => (toBigOrNumber(text) < min ? `Value must be at least ${min}` : null),
  };
}

function between(min: number, max: number): ConfigValidator {
  return {
    description: `[${min},...,${max}]`,
    check: (_value, text) => {
      const v = toBigOrNumber(text);
      if (v < min) return `Value must be at least ${min}`;
      if (v > max) return `Value must be no more than ${max}`;
      return null;
    },
  };
}

function oneOf(values: readonly string[]): ConfigValidator {
  return {
    description: `[${values.join(', ')}]`,
    check: (value) => (values.includes(String(value)) ? null : `String must be one of: ${values.join(', ')}`),
  };
}

/** A non-empty list whose items come from `values`, without repeats. */
function listOf(values: readonly string[]): ConfigValidator {
  return {
    description: `[${values.join(', ')}]`,
    check: (value) => {
      const items = value as string[];
      if (items.length === 0) return `List must contain at least one of: ${values.join(', ')}`;
      for (const item of items) if (!values.includes(item)) return `Invalid value ${item}; list items must be from: ${values.join(', ')}`;
      if (new Set(items).size !== items.length) return 'List must not contain duplicates';
      return null;
    },
  };
}

function gzipLevel(): ConfigValidator {
  return {
    description: '[1,...,9] or -1',
    check: (value) => {
      const v = value as number;
      return v === -1 || (v >= 1 && v <= 9) ? null : 'Value must be -1 (default) or between 1 and 9';
    },
  };
}

/** Compares exactly for integers (bigint) and as numbers for doubles. */
function toBigOrNumber(text: string): number | bigint {
  return /^-?\d+$/.test(text) ? BigInt(text) : Number(text);
}

const INTEGER_RANGES: Record<'int' | 'short' | 'long', { min: bigint; max: bigint; label: string }> = {
  short: { min: -32768n, max: 32767n, label: 'SHORT (16-bit integer)' },
  int: { min: -2147483648n, max: 2147483647n, label: 'INT (32-bit integer)' },
  long: { min: -9223372036854775808n, max: 9223372036854775807n, label: 'LONG (64-bit integer)' },
};

const TYPE_LABELS: Record<ConfigValueType, string> = {
  boolean: 'BOOLEAN (true or false)',
  string: 'STRING',
  int: INTEGER_RANGES.int.label,
  short: INTEGER_RANGES.short.label,
  long: INTEGER_RANGES.long.label,
  double: 'DOUBLE (a decimal number)',
  list: 'LIST (comma-separated values)',
  password: 'PASSWORD',
  class: 'CLASS (a class name)',
};

/** A parsed value and its canonical text (what DescribeConfigs reports). */
export interface ParsedConfigValue {
  value: ConfigValue;
  text: string;
}

/**
 * Parses `raw` as `type`, Kafka style: surrounding whitespace is ignored, booleans are
 * case-insensitive, integers must fit the type, lists are comma-separated and trimmed.
 * Returns the expected-type label as `error` when the text is not of the type.
 */
export function parseConfigValue(type: ConfigValueType, raw: string): ParsedConfigValue | { error: string } {
  const trimmed = raw.trim();
  switch (type) {
    case 'boolean': {
      const lower = trimmed.toLowerCase();
      if (lower === 'true' || lower === 'false') return { value: lower === 'true', text: lower };
      return { error: TYPE_LABELS.boolean };
    }
    case 'short':
    case 'int':
    case 'long': {
      const range = INTEGER_RANGES[type];
      if (!/^[+-]?\d+$/.test(trimmed)) return { error: range.label };
      const big = BigInt(trimmed);
      if (big < range.min || big > range.max) return { error: range.label };
      return { value: Number(big), text: big.toString() };
    }
    case 'double': {
      if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(trimmed)) return { error: TYPE_LABELS.double };
      const n = Number(trimmed);
      if (!Number.isFinite(n)) return { error: TYPE_LABELS.double };
      return { value: n, text: String(n) };
    }
    case 'list': {
      const items = trimmed === '' ? [] : trimmed.split(',').map((s) => s.trim()).filter((s) => s !== '');
      return { value: items, text: items.join(',') };
    }
    case 'string':
    case 'password':
    case 'class':
      return { value: trimmed, text: trimmed };
  }
}

// ---------------------------------------------------------------------------------------------
// Definitions
// ---------------------------------------------------------------------------------------------

/** One supported configuration key. */
export interface ConfigDef {
  readonly name: string;
  readonly type: ConfigValueType;
  /** Canonical text of the default, or null when the key has no default (it is then unset). */
  readonly default: string | null;
  readonly doc: string;
  readonly validator?: ConfigValidator;
}

/** One supported topic configuration key. */
export interface TopicConfigDef extends ConfigDef {
  /**
   * The broker keys that supply this config's default, most specific first
   * (`log.retention.ms`, `log.retention.minutes`, `log.retention.hours`); empty when the
   * default is fixed. The first is "the" broker key (Kafka's server default property).
   */
  readonly brokerSynonyms: readonly string[];
}

const LONG_MAX = '9223372036854775807';
const COMPRESSION_TYPES = ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'] as const;
const TIMESTAMP_TYPES = ['CreateTime', 'LogAppendTime'] as const;
const CLEANUP_POLICIES = ['delete', 'compact'] as const;
const IGNORED = 'Accepted for compatibility with Kafka configuration files; kstream ignores it.';

/** kstream's default listener: loopback only, so a development broker is not exposed by accident. */
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 9092;

/**
 * Every broker key kstream understands. Defaults are Kafka's unless noted:
 * - `listeners` binds 127.0.0.1 (Kafka: all interfaces).
 * - `node.id` is 0 (Kafka: required in KRaft mode).
 * - `log.flush.interval.ms` is 1000 (Kafka: never flush explicitly). Kafka leaves durability to
 *   replication across brokers and lets the OS write pages back whenever it likes; a kstream broker is
 *   a single node with no replica, so it fsyncs its logs at least once per second to bound what a
 *   crash or power loss can lose to about a second of acknowledged writes.
 * - `offsets.topic.num.partitions` is 1 (Kafka: 50). On a single node extra partitions of
 *   `__consumer_offsets` buy no parallelism across brokers and cost files and startup time. As in
 *   Kafka, do not change it once the topic exists: a group's partition is hash(group) % count.
 * - Replication factors and ISR minimums are 1 (Kafka: 3 / 2), the only values a single node can meet.
 */
export const BROKER_CONFIG_DEFS: readonly ConfigDef[] = [
  { name: 'advertised.listeners', type: 'string', default: null, doc: 'Listener address given to clients, e.g. PLAINTEXT://localhost:9092. Defaults to the bound listener (127.0.0.1 when bound to all interfaces).' },
  { name: 'auto.create.topics.enable', type: 'boolean', default: 'true', doc: 'Create a topic when a client asks for metadata of, or produces to, a topic that does not exist.' },
  { name: 'broker.id', type: 'int', default: null, doc: 'Older name of node.id.', validator: atLeast(0) },
  { name: 'compression.gzip.level', type: 'int', default: '-1', doc: 'Default gzip level for topics with compression.type=gzip.', validator: gzipLevel() },
  { name: 'compression.lz4.level', type: 'int', default: '9', doc: 'Default lz4 level for topics with compression.type=lz4.', validator: between(1, 17) },
  { name: 'compression.type', type: 'string', default: 'producer', doc: 'Default compression of topic data; producer keeps what the producer sent.', validator: oneOf(COMPRESSION_TYPES) },
  { name: 'compression.zstd.level', type: 'int', default: '3', doc: 'Default zstd level for topics with compression.type=zstd.', validator: between(-131072, 22) },
  { name: 'controller.listener.names', type: 'list', default: null, doc: 'Names of controller listeners; such listeners are skipped when choosing the client listener.' },
  { name: 'controller.quorum.bootstrap.servers', type: 'list', default: '', doc: IGNORED },
  { name: 'controller.quorum.voters', type: 'list', default: '', doc: IGNORED },
  { name: 'default.replication.factor', type: 'int', default: '1', doc: 'Replication factor of topics created without one; kstream is a single node, so 1.', validator: between(1, 1) },
  { name: 'delete.topic.enable', type: 'boolean', default: 'true', doc: 'Allow DeleteTopics.' },
  { name: 'group.initial.rebalance.delay.ms', type: 'int', default: '3000', doc: 'How long the coordinator waits for more members before the first rebalance of an empty group.', validator: atLeast(0) },
  { name: 'group.max.session.timeout.ms', type: 'int', default: '1800000', doc: 'Largest session timeout a consumer may ask for.', validator: atLeast(1) },
  { name: 'group.min.session.timeout.ms', type: 'int', default: '6000', doc: 'Smallest session timeout a consumer may ask for.', validator: atLeast(1) },
  { name: 'inter.broker.listener.name', type: 'string', default: null, doc: IGNORED },
  { name: 'listener.security.protocol.map', type: 'string', default: 'PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL', doc: 'Listener name to security protocol; kstream serves PLAINTEXT only.' },
  { name: 'listeners', type: 'string', default: `PLAINTEXT://${DEFAULT_HOST}:${DEFAULT_PORT}`, doc: 'Address the broker listens on, NAME://host:port; an empty host means all interfaces, port 0 an ephemeral port.' },
  { name: 'log.cleaner.delete.retention.ms', type: 'long', default: '86400000', doc: 'Default delete.retention.ms of topics.', validator: atLeast(0) },
  { name: 'log.cleaner.max.compaction.lag.ms', type: 'long', default: LONG_MAX, doc: 'Default max.compaction.lag.ms of topics.', validator: atLeast(1) },
  { name: 'log.cleaner.min.cleanable.ratio', type: 'double', default: '0.5', doc: 'Default min.cleanable.dirty.ratio of topics.', validator: between(0, 1) },
  { name: 'log.cleaner.min.compaction.lag.ms', type: 'long', default: '0', doc: 'Default min.compaction.lag.ms of topics.', validator: atLeast(0) },
  { name: 'log.cleanup.policy', type: 'list', default: 'delete', doc: 'Default cleanup.policy of topics.', validator: listOf(CLEANUP_POLICIES) },
  { name: 'log.dir', type: 'string', default: null, doc: 'Data directory, used when log.dirs is not set.' },
  { name: 'log.dirs', type: 'string', default: null, doc: 'Data directory (kstream uses a single directory). Defaults to $KSTREAM_DATA_DIR, $XDG_DATA_HOME/kstream or ~/.local/share/kstream.' },
  { name: 'log.flush.interval.messages', type: 'long', default: LONG_MAX, doc: 'Default flush.messages of topics.', validator: atLeast(1) },
  { name: 'log.flush.interval.ms', type: 'long', default: '1000', doc: 'Default flush.ms of topics. kstream flushes every second by default because a single node has no replica to recover from.', validator: atLeast(0) },
  { name: 'log.index.interval.bytes', type: 'int', default: '4096', doc: 'Default index.interval.bytes of topics.', validator: atLeast(0) },
  { name: 'log.index.size.max.bytes', type: 'int', default: '10485760', doc: 'Default segment.index.bytes of topics.', validator: atLeast(4) },
  { name: 'log.local.retention.bytes', type: 'long', default: '-2', doc: 'Default local.retention.bytes of topics.', validator: atLeast(-2) },
  { name: 'log.local.retention.ms', type: 'long', default: '-2', doc: 'Default local.retention.ms of topics.', validator: atLeast(-2) },
  { name: 'log.message.downconversion.enable', type: 'boolean', default: 'true', doc: 'Default message.downconversion.enable of topics.' },
  { name: 'log.message.timestamp.after.max.ms', type: 'long', default: '3600000', doc: 'Default message.timestamp.after.max.ms of topics.', validator: atLeast(0) },
  { name: 'log.message.timestamp.before.max.ms', type: 'long', default: LONG_MAX, doc: 'Default message.timestamp.before.max.ms of topics.', validator: atLeast(0) },
  { name: 'log.message.timestamp.type', type: 'string', default: 'CreateTime', doc: 'Default message.timestamp.type of topics.', validator: oneOf(TIMESTAMP_TYPES) },
  { name: 'log.preallocate', type: 'boolean', default: 'false', doc: 'Default preallocate of topics.' },
  { name: 'log.retention.bytes', type: 'long', default: '-1', doc: 'Default retention.bytes of topics (-1: no size limit).' },
  { name: 'log.retention.check.interval.ms', type: 'long', default: '300000', doc: 'How often retention is enforced.', validator: atLeast(1) },
  { name: 'log.retention.hours', type: 'int', default: '168', doc: 'Default retention.ms of topics, in hours; log.retention.minutes and log.retention.ms take precedence.' },
  { name: 'log.retention.minutes', type: 'int', default: null, doc: 'Default retention.ms of topics, in minutes; log.retention.ms takes precedence.' },
  { name: 'log.retention.ms', type: 'long', default: null, doc: 'Default retention.ms of topics (-1: keep forever).', validator: atLeast(-1) },
  { name: 'log.roll.hours', type: 'int', default: '168', doc: 'Default segment.ms of topics, in hours; log.roll.ms takes precedence.', validator: atLeast(1) },
  { name: 'log.roll.ms', type: 'long', default: null, doc: 'Default segment.ms of topics.', validator: atLeast(1) },
  { name: 'log.segment.bytes', type: 'int', default: '1073741824', doc: 'Default segment.bytes of topics.', validator: atLeast(14) },
  { name: 'log.segment.delete.delay.ms', type: 'long', default: '60000', doc: 'Default file.delete.delay.ms of topics.', validator: atLeast(0) },
  { name: 'message.max.bytes', type: 'int', default: '1048588', doc: 'Default max.message.bytes of topics (largest record batch).', validator: atLeast(0) },
  { name: 'min.insync.replicas', type: 'int', default: '1', doc: 'Default min.insync.replicas of topics.', validator: atLeast(1) },
  { name: 'node.id', type: 'int', default: '0', doc: 'This broker\'s id.', validator: atLeast(0) },
  { name: 'num.io.threads', type: 'int', default: '8', doc: IGNORED, validator: atLeast(1) },
  { name: 'num.network.threads', type: 'int', default: '3', doc: IGNORED, validator: atLeast(1) },
  { name: 'num.partitions', type: 'int', default: '1', doc: 'Partitions of topics created without a count (auto-created topics too).', validator: atLeast(1) },
  { name: 'num.recovery.threads.per.data.dir', type: 'int', default: '1', doc: IGNORED, validator: atLeast(1) },
  { name: 'offsets.retention.check.interval.ms', type: 'long', default: '600000', doc: 'How often expired committed offsets are removed.', validator: atLeast(1) },
  { name: 'offsets.retention.minutes', type: 'int', default: '10080', doc: 'How long committed offsets of an empty group are kept.', validator: atLeast(1) },
  { name: 'offsets.topic.num.partitions', type: 'int', default: '1', doc: 'Partitions of __consumer_offsets (kstream: 1, Kafka: 50). Do not change once the topic exists.', validator: atLeast(1) },
  { name: 'offsets.topic.replication.factor', type: 'short', default: '1', doc: IGNORED, validator: atLeast(1) },
  { name: 'process.roles', type: 'list', default: null, doc: IGNORED },
  { name: 'socket.receive.buffer.bytes', type: 'int', default: '102400', doc: IGNORED },
  { name: 'socket.request.max.bytes', type: 'int', default: '104857600', doc: 'Largest request the broker accepts, in bytes.', validator: atLeast(1) },
  { name: 'socket.send.buffer.bytes', type: 'int', default: '102400', doc: IGNORED },
  { name: 'transaction.state.log.min.isr', type: 'int', default: '1', doc: IGNORED, validator: atLeast(1) },
  { name: 'transaction.state.log.replication.factor', type: 'short', default: '1', doc: IGNORED, validator: atLeast(1) },
  { name: 'unclean.leader.election.enable', type: 'boolean', default: 'false', doc: 'Default unclean.leader.election.enable of topics.' },
];

/**
 * Every topic config kstream accepts (CreateTopics, AlterConfigs, IncrementalAlterConfigs) and
 * reports (DescribeConfigs). `default` is Kafka's fixed default; the effective default comes from
 * the first broker synonym, so a broker file can change it.
 */
export const TOPIC_CONFIG_DEFS: readonly TopicConfigDef[] = [
  { name: 'cleanup.policy', type: 'list', default: 'delete', brokerSynonyms: ['log.cleanup.policy'], doc: 'delete: remove old segments by time/size; compact: keep the latest record per key; or both.', validator: listOf(CLEANUP_POLICIES) },
  { name: 'compression.gzip.level', type: 'int', default: '-1', brokerSynonyms: ['compression.gzip.level'], doc: 'gzip level when compression.type=gzip.', validator: gzipLevel() },
  { name: 'compression.lz4.level', type: 'int', default: '9', brokerSynonyms: ['compression.lz4.level'], doc: 'lz4 level when compression.type=lz4.', validator: between(1, 17) },
  { name: 'compression.type', type: 'string', default: 'producer', brokerSynonyms: ['compression.type'], doc: 'Compression of stored batches; producer keeps what the producer sent.', validator: oneOf(COMPRESSION_TYPES) },
  { name: 'compression.zstd.level', type: 'int', default: '3', brokerSynonyms: ['compression.zstd.level'], doc: 'zstd level when compression.type=zstd.', validator: between(-131072, 22) },
  { name: 'delete.retention.ms', type: 'long', default: '86400000', brokerSynonyms: ['log.cleaner.delete.retention.ms'], doc: 'How long delete markers (tombstones) are kept in compacted topics.', validator: atLeast(0) },
  { name: 'file.delete.delay.ms', type: 'long', default: '60000', brokerSynonyms: ['log.segment.delete.delay.ms'], doc: 'Delay before a removed segment\'s files are deleted.', validator: atLeast(0) },
  { name: 'flush.messages', type: 'long', default: LONG_MAX, brokerSynonyms: ['log.flush.interval.messages'], doc: 'Flush (fsync) the log after this many messages.', validator: atLeast(1) },
  { name: 'flush.ms', type: 'long', default: LONG_MAX, brokerSynonyms: ['log.flush.interval.ms'], doc: 'Flush (fsync) the log at least this often.', validator: atLeast(0) },
  { name: 'follower.replication.throttled.replicas', type: 'list', default: '', brokerSynonyms: [], doc: IGNORED },
  { name: 'index.interval.bytes', type: 'int', default: '4096', brokerSynonyms: ['log.index.interval.bytes'], doc: 'Bytes of log between two offset index entries.', validator: atLeast(0) },
  { name: 'leader.replication.throttled.replicas', type: 'list', default: '', brokerSynonyms: [], doc: IGNORED },
  { name: 'local.retention.bytes', type: 'long', default: '-2', brokerSynonyms: ['log.local.retention.bytes'], doc: 'Local retention size with tiered storage (-2: use retention.bytes).', validator: atLeast(-2) },
  { name: 'local.retention.ms', type: 'long', default: '-2', brokerSynonyms: ['log.local.retention.ms'], doc: 'Local retention time with tiered storage (-2: use retention.ms).', validator: atLeast(-2) },
  { name: 'max.compaction.lag.ms', type: 'long', default: LONG_MAX, brokerSynonyms: ['log.cleaner.max.compaction.lag.ms'], doc: 'Longest time a record stays uncompacted.', validator: atLeast(1) },
  { name: 'max.message.bytes', type: 'int', default: '1048588', brokerSynonyms: ['message.max.bytes'], doc: 'Largest record batch the topic accepts.', validator: atLeast(0) },
  { name: 'message.downconversion.enable', type: 'boolean', default: 'true', brokerSynonyms: ['log.message.downconversion.enable'], doc: 'Allow down-conversion of batches for old fetch versions.' },
  { name: 'message.timestamp.after.max.ms', type: 'long', default: '3600000', brokerSynonyms: ['log.message.timestamp.after.max.ms'], doc: 'How far in the future a CreateTime timestamp may be.', validator: atLeast(0) },
  { name: 'message.timestamp.before.max.ms', type: 'long', default: LONG_MAX, brokerSynonyms: ['log.message.timestamp.before.max.ms'], doc: 'How far in the past a CreateTime timestamp may be.', validator: atLeast(0) },
  { name: 'message.timestamp.type', type: 'string', default: 'CreateTime', brokerSynonyms: ['log.message.timestamp.type'], doc: 'CreateTime keeps the producer\'s timestamp; LogAppendTime stamps the broker\'s time.', validator: oneOf(TIMESTAMP_TYPES) },
  { name: 'min.cleanable.dirty.ratio', type: 'double', default: '0.5', brokerSynonyms: ['log.cleaner.min.cleanable.ratio'], doc: 'Dirty fraction of the log that triggers compaction.', validator: between(0, 1) },
  { name: 'min.compaction.lag.ms', type: 'long', default: '0', brokerSynonyms: ['log.cleaner.min.compaction.lag.ms'], doc: 'Shortest time a record stays uncompacted.', validator: atLeast(0) },
  { name: 'min.insync.replicas', type: 'int', default: '1', brokerSynonyms: ['min.insync.replicas'], doc: 'Replicas that must acknowledge an acks=all write.', validator: atLeast(1) },
  { name: 'preallocate', type: 'boolean', default: 'false', brokerSynonyms: ['log.preallocate'], doc: 'Preallocate segment files.' },
  { name: 'remote.storage.enable', type: 'boolean', default: 'false', brokerSynonyms: [], doc: 'Tiered storage (not supported by kstream; accepted for compatibility).' },
  { name: 'retention.bytes', type: 'long', default: '-1', brokerSynonyms: ['log.retention.bytes'], doc: 'Largest size of a partition before old segments are deleted (-1: no limit).' },
  { name: 'retention.ms', type: 'long', default: '604800000', brokerSynonyms: ['log.retention.ms', 'log.retention.minutes', 'log.retention.hours'], doc: 'How long records are kept (-1: forever).', validator: atLeast(-1) },
  { name: 'segment.bytes', type: 'int', default: '1073741824', brokerSynonyms: ['log.segment.bytes'], doc: 'Size at which a new segment is rolled.', validator: atLeast(14) },
  { name: 'segment.index.bytes', type: 'int', default: '10485760', brokerSynonyms: ['log.index.size.max.bytes'], doc: 'Size of a segment\'s offset and time indexes.', validator: atLeast(4) },
  { name: 'segment.jitter.ms', type: 'long', default: '0', brokerSynonyms: [], doc: 'Random jitter subtracted from segment.ms.', validator: atLeast(0) },
  { name: 'segment.ms', type: 'long', default: '604800000', brokerSynonyms: ['log.roll.ms', 'log.roll.hours'], doc: 'Age at which a new segment is rolled.', validator: atLeast(1) },
  { name: 'unclean.leader.election.enable', type: 'boolean', default: 'false', brokerSynonyms: ['unclean.leader.election.enable'], doc: 'Allow an out-of-sync replica to become leader.' },
];

const BROKER_DEFS = new Map(BROKER_CONFIG_DEFS.map((d) => [d.name, d]));
const TOPIC_DEFS = new Map(TOPIC_CONFIG_DEFS.map((d) => [d.name, d]));

/** The definition of a broker key, if kstream knows it. */
export function brokerConfigDef(name: string): ConfigDef | undefined {
  return BROKER_DEFS.get(name);
}

/** The definition of a topic config, if kstream knows it. */
export function topicConfigDef(name: string): TopicConfigDef | undefined {
  return TOPIC_DEFS.get(name);
}

interface ValueProblem {
  /** What is wrong, e.g. `expected INT (32-bit integer)` or `Value must be at least 1`. */
  problem: string;
  /** The expected type/constraint, for `ConfigError.expected`. */
  expected: string;
}

/** Parses and validates one value against its definition. */
function checkValue(def: ConfigDef, raw: string): ParsedConfigValue | ValueProblem {
  const parsed = parseConfigValue(def.type, raw);
  if ('error' in parsed) return { problem: `expected ${parsed.error}`, expected: parsed.error };
  const problem = def.validator?.check(parsed.value, parsed.text);
  if (problem) return { problem, expected: `${TYPE_LABELS[def.type]} ${def.validator!.description}` };
  return parsed;
}

/** `Invalid value "abc" for configuration num.partitions (server.properties:3): expected INT (32-bit integer)` */
function invalidMessage(key: string, value: string, problem: string, where?: string): string {
  return `Invalid value ${JSON.stringify(value.trim())} for configuration ${key}${where ? ` (${where})` : ''}: ${problem}`;
}

// ---------------------------------------------------------------------------------------------
// Java .properties
// ---------------------------------------------------------------------------------------------

/** One `key=value` of a properties file, with the line where its logical line starts. */
export interface PropertyEntry {
  key: string;
  value: string;
  line: number;
}

/**
 * Parses Java `.properties` text: `#`/`!` comment lines, `key=value`, `key: value` and
 * `key value`, a trailing odd backslash continuing the line (leading whitespace of the
 * continuation dropped), escapes `\t \n \r \f \uXXXX` and `\x` → `x`. Later duplicates win
 * when the entries are folded into a map. The text is read as UTF-8 (Java's default is ISO-8859-1;
 * ASCII files, the norm, read the same either way).
 */
export function parsePropertiesEntries(text: string, source = 'properties'): PropertyEntry[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  const entries: PropertyEntry[] = [];
  const isWs = (c: string) => c === ' ' || c === '\t' || c === '\f';
  let i = 0;
  while (i < lines.length) {
    const startLine = i + 1;
    let line = lines[i++];
    let start = 0;
    while (start < line.length && isWs(line[start])) start++;
    if (start === line.length) continue;
    if (line[start] === '#' || line[start] === '!') continue;
    let logical = line.slice(start);
    // Join continuation lines: an odd number of trailing backslashes continues the line.
    while (endsWithOddBackslashes(logical)) {
      logical = logical.slice(0, -1);
      if (i >= lines.length) break;
      const next = lines[i++];
      let k = 0;
      while (k < next.length && isWs(next[k])) k++;
      logical += next.slice(k);
    }
    // Split key / separator / value, honouring escapes in the key.
    let pos = 0;
    let keyEnd = logical.length;
    while (pos < logical.length) {
      const c = logical[pos];
      if (c === '\\') { pos += 2; continue; }
      if (c === '=' || c === ':' || isWs(c)) { keyEnd = pos; break; }
      pos++;
    }
    keyEnd = Math.min(keyEnd, logical.length);
    let valueStart = keyEnd;
    while (valueStart < logical.length && isWs(logical[valueStart])) valueStart++;
    if (valueStart < logical.length && (logical[valueStart] === '=' || logical[valueStart] === ':')) {
      valueStart++;
      while (valueStart < logical.length && isWs(logical[valueStart])) valueStart++;
    }
    const key = unescapeProperties(logical.slice(0, keyEnd), source, startLine);
    const value = unescapeProperties(logical.slice(valueStart), source, startLine);
    entries.push({ key, value, line: startLine });
  }
  return entries;
}

/** `parsePropertiesEntries` folded into a map (last duplicate wins). */
export function parseProperties(text: string, source?: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of parsePropertiesEntries(text, source)) out[e.key] = e.value;
  return out;
}

function endsWithOddBackslashes(s: string): boolean {
  let n = 0;
  for (let i = s.length - 1; i >= 0 && s[i] === '\\'; i--) n++;
  return n % 2 === 1;
}

function unescapeProperties(s: string, source: string, line: number): string {
  if (!s.includes('\\')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c !== '\\') { out += c; continue; }
    const n = s[++i];
    if (n === undefined) break;
    switch (n) {
      case 't': out += '\t'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 'f': out += '\f'; break;
      case 'u': {
        const hex = s.slice(i + 1, i + 5);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
          throw new ConfigError('CONFIG_FILE', `malformed \\uXXXX escape in ${source} line ${line}`, { context: { file: source, line } });
        }
        out += String.fromCharCode(parseInt(hex, 16));
        i += 4;
        break;
      }
      default: out += n;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Broker configuration
// ---------------------------------------------------------------------------------------------

/**
 * A resolved broker configuration. Fields are camelCase forms of Kafka's keys; durations are in
 * milliseconds whatever unit the key used (`log.retention.hours=1` → `logRetentionMs: 3600000`).
 */
export interface BrokerConfig {
  /** Interface to listen on (from `listeners`). 0.0.0.0 means all interfaces. */
  host: string;
  /** Port to listen on (from `listeners`); 0 asks for an ephemeral port. */
  port: number;
  /** Host given to clients in Metadata (from `advertised.listeners`; default host, or 127.0.0.1 for 0.0.0.0). */
  advertisedHost: string;
  /**
   * Port given to clients (from `advertised.listeners`, default `port`). 0 means "the port the
   * broker actually bound" — see `advertisedAddress`.
   */
  advertisedPort: number;
  /** Name of the client listener (`PLAINTEXT`). */
  listenerName: string;
  /** `node.id` (or `broker.id`). */
  nodeId: number;
  /** Set by the broker from its data directory (generated once per directory); null until then. */
  clusterId: string | null;
  /** Absolute data directory (`log.dirs` / `log.dir`, else the default data directory). */
  dataDir: string;
  numPartitions: number;
  defaultReplicationFactor: number;
  autoCreateTopicsEnable: boolean;
  deleteTopicEnable: boolean;
  socketRequestMaxBytes: number;
  messageMaxBytes: number;
  logFlushIntervalMessages: number;
  /** Flush (fsync) interval; kstream's default is 1000 (see `BROKER_CONFIG_DEFS`). */
  logFlushIntervalMs: number;
  logRetentionCheckIntervalMs: number;
  groupInitialRebalanceDelayMs: number;
  groupMinSessionTimeoutMs: number;
  groupMaxSessionTimeoutMs: number;
  offsetsRetentionMinutes: number;
  offsetsRetentionCheckIntervalMs: number;
  /** Partitions of `__consumer_offsets`; kstream's default is 1 (see `BROKER_CONFIG_DEFS`). */
  offsetsTopicNumPartitions: number;
  logSegmentBytes: number;
  /** `log.roll.ms`, else `log.roll.hours` × 3600000. */
  logRollMs: number;
  /** `log.retention.ms`, else `.minutes` × 60000, else `.hours` × 3600000; -1 keeps forever. */
  logRetentionMs: number;
  logRetentionBytes: number;
  logIndexIntervalBytes: number;
  logIndexSizeMaxBytes: number;
  logMessageTimestampType: 'CreateTime' | 'LogAppendTime';
  logMessageTimestampBeforeMaxMs: number;
  logMessageTimestampAfterMaxMs: number;
  logMessageDownconversionEnable: boolean;
  logCleanupPolicy: string[];
  logCleanerDeleteRetentionMs: number;
  logCleanerMinCompactionLagMs: number;
  logCleanerMaxCompactionLagMs: number;
  logCleanerMinCleanableRatio: number;
  logSegmentDeleteDelayMs: number;
  logPreallocate: boolean;
  logLocalRetentionMs: number;
  logLocalRetentionBytes: number;
  minInsyncReplicas: number;
  compressionType: string;
  compressionGzipLevel: number;
  compressionLz4Level: number;
  compressionZstdLevel: number;
  uncleanLeaderElectionEnable: boolean;
  /** Every key that was set (file, overrides, flags), known or not, with its value as written. */
  raw: Record<string, string>;
  /** Keys of `raw` that kstream does not know (the caller warns about them). */
  unknownKeys: string[];
  /** The properties file read, if any (absolute). */
  configFile: string | null;
}

export interface LoadBrokerConfigOptions {
  /** A Java `.properties` file. */
  file?: string;
  /** Kafka keys set on top of the file (e.g. `--set key=value`). */
  overrides?: Record<string, string>;
  /** Highest precedence: explicit listener and data directory (CLI flags). */
  flags?: { host?: string; port?: number; dataDir?: string };
  /** Environment for the default data directory; `process.env` when omitted. */
  env?: NodeJS.ProcessEnv;
}

/**
 * The default data directory: `$KSTREAM_DATA_DIR`, else `$XDG_DATA_HOME/kstream` (when absolute,
 * as the XDG spec requires), else `~/.local/share/kstream`.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.KSTREAM_DATA_DIR) return resolve(env.KSTREAM_DATA_DIR);
  if (env.XDG_DATA_HOME && isAbsolute(env.XDG_DATA_HOME)) return join(env.XDG_DATA_HOME, 'kstream');
  return join(env.HOME || homedir(), '.local', 'share', 'kstream');
}

/**
 * Keys that name the same setting. When a higher layer sets one of them, the lower layers' values
 * for the whole group are dropped, so `--set log.retention.hours=1` wins over a file's
 * `log.retention.ms`. Within one layer Kafka's order applies (first listed wins).
 */
const KEY_GROUPS: readonly (readonly string[])[] = [
  ['node.id', 'broker.id'],
  ['log.dirs', 'log.dir'],
  ['log.roll.ms', 'log.roll.hours'],
  ['log.retention.ms', 'log.retention.minutes', 'log.retention.hours'],
];
const GROUP_OF = new Map<string, readonly string[]>();
for (const g of KEY_GROUPS) for (const k of g) GROUP_OF.set(k, g);

interface Origin { where: string; line?: number }

/**
 * Reads, merges and validates a broker configuration. Precedence, highest first: `flags`,
 * `overrides`, `file`, defaults. Throws `ConfigError` for an unreadable file or an invalid value
 * (the message names the key, the expected type and where the value came from). Unknown keys are
 * kept in `raw` and listed in `unknownKeys`.
 */
export function loadBrokerConfig(options: LoadBrokerConfigOptions = {}): BrokerConfig {
  const env = options.env ?? process.env;
  const raw: Record<string, string> = {};
  const origins = new Map<string, Origin>();

  const setLayer = (entries: Iterable<[string, string, Origin]>) => {
    const seen = new Set<string>();
    for (const [key, value, origin] of entries) {
      const group = GROUP_OF.get(key);
      if (group) {
        for (const k of group) {
          // Drop the same setting from lower layers (not from this layer: Kafka's order applies there).
          if (k !== key && !seen.has(k) && k in raw) { delete raw[k]; origins.delete(k); }
        }
      }
      raw[key] = value;
      origins.set(key, origin);
      seen.add(key);
    }
  };

  let configFile: string | null = null;
  if (options.file !== undefined) {
    configFile = resolve(options.file);
    let text: string;
    try {
      text = readFileSync(configFile, 'utf8');
    } catch (err) {
      const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
      throw new ConfigError('CONFIG_FILE', `cannot read config file ${options.file}: ${reason}`, { cause: err, context: { file: options.file } });
    }
    const entries = parsePropertiesEntries(text, options.file);
    setLayer(entries.map((e): [string, string, Origin] => [e.key, e.value, { where: options.file!, line: e.line }]));
  }
  if (options.overrides) {
    setLayer(Object.entries(options.overrides).map(([k, v]): [string, string, Origin] => [k, v, { where: 'overrides' }]));
  }

  // Validate every known key that was set.
  const parsed = new Map<string, ParsedConfigValue>();
  const unknownKeys: string[] = [];
  for (const [key, value] of Object.entries(raw)) {
    const def = BROKER_DEFS.get(key);
    if (!def) { unknownKeys.push(key); continue; }
    const result = checkValue(def, value);
    if ('problem' in result) throw invalid(key, value, result.problem, result.expected, origins.get(key));
    parsed.set(key, result);
  }

  const text = (key: string): string | null => parsed.get(key)?.text ?? BROKER_DEFS.get(key)?.default ?? null;
  const num = (key: string): number => Number(text(key));
  const bool = (key: string): boolean => text(key) === 'true';
  const list = (key: string): string[] => { const t = text(key); return t ? t.split(',') : []; };
  const fail = (key: string, problem: string, expected: string) => invalid(key, raw[key] ?? '', problem, expected, origins.get(key));

  // node.id / broker.id
  let nodeId = num('node.id');
  if (parsed.has('broker.id')) {
    const brokerId = num('broker.id');
    if (parsed.has('node.id') && brokerId !== nodeId) throw fail('broker.id', `must equal node.id (${nodeId}) when both are set`, 'the same value as node.id');
    nodeId = brokerId;
  }

  // Listeners.
  const controllerNames = new Set(list('controller.listener.names'));
  const protocolMap = parseProtocolMap(text('listener.security.protocol.map') ?? '', (m) => fail('listener.security.protocol.map', m, 'NAME:PROTOCOL,...'));
  const listeners = parseListeners(text('listeners') ?? '', (m) => fail('listeners', m, 'NAME://host:port,...'));
  const listener = listeners.find((l) => !controllerNames.has(l.name));
  if (!listener) throw fail('listeners', 'no client listener (all listeners are controller listeners)', 'NAME://host:port,...');
  const protocol = protocolMap.get(listener.name) ?? listener.name;
  if (protocol !== 'PLAINTEXT') throw fail('listeners', `listener ${listener.name} uses ${protocol}; kstream serves PLAINTEXT only`, 'a PLAINTEXT listener');
  let host = listener.host === '' ? '0.0.0.0' : listener.host;
  let port = listener.port;

  let advertisedHost: string | null = null;
  let advertisedPort: number | null = null;
  if (text('advertised.listeners')) {
    const adv = parseListeners(text('advertised.listeners')!, (m) => fail('advertised.listeners', m, 'NAME://host:port,...'));
    const match = adv.find((l) => l.name === listener.name) ?? adv.find((l) => !controllerNames.has(l.name));
    if (match) {
      if (match.host === '') throw fail('advertised.listeners', 'the advertised host must not be empty', 'NAME://host:port');
      advertisedHost = match.host;
      advertisedPort = match.port;
    }
  }

  // Flags (highest precedence).
  const flags = options.flags ?? {};
  if (flags.host !== undefined || flags.port !== undefined) {
    if (flags.host !== undefined) {
      if (flags.host.trim() === '') throw invalid('listeners', flags.host, 'the host must not be empty', 'a host name or address', { where: 'flags' });
      host = stripBrackets(flags.host.trim());
    }
    if (flags.port !== undefined) {
      if (!Number.isInteger(flags.port) || flags.port < 0 || flags.port > 65535) {
        throw invalid('listeners', String(flags.port), 'the port must be between 0 and 65535', 'a port number 0-65535', { where: 'flags' });
      }
      port = flags.port;
    }
    raw.listeners = `${listener.name}://${formatHost(host)}:${port}`;
    origins.set('listeners', { where: 'flags' });
  }
  if (advertisedHost === null) advertisedHost = defaultAdvertisedHost(host);
  if (advertisedPort === null) advertisedPort = port;

  // Data directory.
  let dataDir: string;
  if (flags.dataDir !== undefined) {
    if (flags.dataDir.trim() === '') throw invalid('log.dirs', flags.dataDir, 'the data directory must not be empty', 'a directory path', { where: 'flags' });
    dataDir = resolve(expandHome(flags.dataDir, env));
    delete raw['log.dir'];
    raw['log.dirs'] = dataDir;
    origins.set('log.dirs', { where: 'flags' });
  } else {
    const key = parsed.has('log.dirs') ? 'log.dirs' : parsed.has('log.dir') ? 'log.dir' : null;
    if (key) {
      const dirs = text(key)!.split(',').map((s) => s.trim()).filter((s) => s !== '');
      if (dirs.length !== 1) throw fail(key, dirs.length === 0 ? 'must name a directory' : 'kstream supports a single data directory', 'one directory path');
      dataDir = resolve(expandHome(dirs[0], env));
    } else {
      dataDir = defaultDataDir(env);
    }
  }

  // Time settings with unit synonyms (most specific wins).
  const logRollMs = parsed.has('log.roll.ms') ? num('log.roll.ms') : num('log.roll.hours') * 3_600_000;
  const logRetentionMs = retentionMsText(parsed);

  const groupMin = num('group.min.session.timeout.ms');
  const groupMax = num('group.max.session.timeout.ms');
  if (groupMin > groupMax) {
    throw fail('group.min.session.timeout.ms', `must not exceed group.max.session.timeout.ms (${groupMax})`, 'a value <= group.max.session.timeout.ms');
  }

  return {
    host,
    port,
    advertisedHost,
    advertisedPort,
    listenerName: listener.name,
    nodeId,
    clusterId: null,
    dataDir,
    numPartitions: num('num.partitions'),
    defaultReplicationFactor: num('default.replication.factor'),
    autoCreateTopicsEnable: bool('auto.create.topics.enable'),
    deleteTopicEnable: bool('delete.topic.enable'),
    socketRequestMaxBytes: num('socket.request.max.bytes'),
    messageMaxBytes: num('message.max.bytes'),
    logFlushIntervalMessages: num('log.flush.interval.messages'),
    logFlushIntervalMs: num('log.flush.interval.ms'),
    logRetentionCheckIntervalMs: num('log.retention.check.interval.ms'),
    groupInitialRebalanceDelayMs: num('group.initial.rebalance.delay.ms'),
    groupMinSessionTimeoutMs: groupMin,
    groupMaxSessionTimeoutMs: groupMax,
    offsetsRetentionMinutes: num('offsets.retention.minutes'),
    offsetsRetentionCheckIntervalMs: num('offsets.retention.check.interval.ms'),
    offsetsTopicNumPartitions: num('offsets.topic.num.partitions'),
    logSegmentBytes: num('log.segment.bytes'),
    logRollMs,
    logRetentionMs: Number(logRetentionMs),
    logRetentionBytes: num('log.retention.bytes'),
    logIndexIntervalBytes: num('log.index.interval.bytes'),
    logIndexSizeMaxBytes: num('log.index.size.max.bytes'),
    logMessageTimestampType: text('log.message.timestamp.type') as 'CreateTime' | 'LogAppendTime',
    logMessageTimestampBeforeMaxMs: num('log.message.timestamp.before.max.ms'),
    logMessageTimestampAfterMaxMs: num('log.message.timestamp.after.max.ms'),
    logMessageDownconversionEnable: bool('log.message.downconversion.enable'),
    logCleanupPolicy: list('log.cleanup.policy'),
    logCleanerDeleteRetentionMs: num('log.cleaner.delete.retention.ms'),
    logCleanerMinCompactionLagMs: num('log.cleaner.min.compaction.lag.ms'),
    logCleanerMaxCompactionLagMs: num('log.cleaner.max.compaction.lag.ms'),
    logCleanerMinCleanableRatio: num('log.cleaner.min.cleanable.ratio'),
    logSegmentDeleteDelayMs: num('log.segment.delete.delay.ms'),
    logPreallocate: bool('log.preallocate'),
    logLocalRetentionMs: num('log.local.retention.ms'),
    logLocalRetentionBytes: num('log.local.retention.bytes'),
    minInsyncReplicas: num('min.insync.replicas'),
    compressionType: text('compression.type')!,
    compressionGzipLevel: num('compression.gzip.level'),
    compressionLz4Level: num('compression.lz4.level'),
    compressionZstdLevel: num('compression.zstd.level'),
    uncleanLeaderElectionEnable: bool('unclean.leader.election.enable'),
    raw,
    unknownKeys,
    configFile,
  };
}

/**
 * A broker configuration from defaults plus typed fields — for tests and embedding, where no
 * file is involved. `dataDir` should normally be given.
 */
export function createBrokerConfig(fields: Partial<BrokerConfig> = {}, env?: NodeJS.ProcessEnv): BrokerConfig {
  const base = loadBrokerConfig({ env, flags: { host: fields.host, port: fields.port, dataDir: fields.dataDir } });
  const config = { ...base, ...fields };
  if (fields.advertisedHost === undefined) config.advertisedHost = defaultAdvertisedHost(config.host);
  if (fields.advertisedPort === undefined) config.advertisedPort = config.port;
  return config;
}

/**
 * The address to give clients: the advertised host/port, with an advertised port of 0 (the
 * configured port was 0, i.e. ephemeral) replaced by the port actually bound.
 */
export function advertisedAddress(config: BrokerConfig, bound: { port: number }): { host: string; port: number } {
  return { host: config.advertisedHost, port: config.advertisedPort === 0 ? bound.port : config.advertisedPort };
}

/** 0.0.0.0 / :: cannot be connected to; clients are told the loopback address instead. */
function defaultAdvertisedHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '::1';
  return host;
}

function retentionMsText(parsed: Map<string, ParsedConfigValue>): string {
  if (parsed.has('log.retention.ms')) return parsed.get('log.retention.ms')!.text;
  if (parsed.has('log.retention.minutes')) return (BigInt(parsed.get('log.retention.minutes')!.text) * 60_000n).toString();
  const hours = parsed.get('log.retention.hours')?.text ?? BROKER_DEFS.get('log.retention.hours')!.default!;
  return (BigInt(hours) * 3_600_000n).toString();
}

function rollMsText(parsed: Map<string, ParsedConfigValue>): string {
  if (parsed.has('log.roll.ms')) return parsed.get('log.roll.ms')!.text;
  const hours = parsed.get('log.roll.hours')?.text ?? BROKER_DEFS.get('log.roll.hours')!.default!;
  return (BigInt(hours) * 3_600_000n).toString();
}

function invalid(key: string, value: string, problem: string, expected: string, origin?: Origin): ConfigError {
  const where = origin ? `${origin.where}${origin.line !== undefined ? `:${origin.line}` : ''}` : undefined;
  const isFile = origin !== undefined && origin.where !== 'overrides' && origin.where !== 'flags';
  return new ConfigError('CONFIG_INVALID', invalidMessage(key, value, problem, where), {
    context: { key, value, expected, ...(isFile ? { file: origin.where } : {}), ...(origin?.line !== undefined ? { line: origin.line } : {}) },
  });
}

interface Listener { name: string; host: string; port: number }

function parseListeners(value: string, fail: (message: string) => Error): Listener[] {
  const out: Listener[] = [];
  for (const part of value.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const m = /^([A-Za-z0-9_-]+):\/\/(\[[^\]]*\]|[^:/[\]]*):(\d+)$/.exec(part);
    if (!m) throw fail(`${part} is not NAME://host:port`);
    const port = Number(m[3]);
    if (port > 65535) throw fail(`port ${port} is out of range`);
    out.push({ name: m[1].toUpperCase(), host: stripBrackets(m[2]), port });
  }
  if (out.length === 0) throw fail('no listener given');
  return out;
}

function parseProtocolMap(value: string, fail: (message: string) => Error): Map<string, string> {
  const map = new Map<string, string>();
  for (const part of value.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const [name, protocol, ...rest] = part.split(':');
    if (!name || !protocol || rest.length > 0) throw fail(`${part} is not NAME:PROTOCOL`);
    map.set(name.trim().toUpperCase(), protocol.trim().toUpperCase());
  }
  return map;
}

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

function expandHome(path: string, env: NodeJS.ProcessEnv): string {
  if (path === '~') return env.HOME || homedir();
  if (path.startsWith('~/')) return join(env.HOME || homedir(), path.slice(2));
  return path;
}

// ---------------------------------------------------------------------------------------------
// Describe / effective configs
// ---------------------------------------------------------------------------------------------

/** A config synonym as reported by DescribeConfigs with include_synonyms. */
export interface ConfigSynonym {
  name: string;
  value: string | null;
  source: ConfigSourceValue;
}

/** One config as DescribeConfigs reports it. */
export interface ConfigEntry {
  name: string;
  /** Canonical text; null when unset or sensitive. */
  value: string | null;
  readOnly: boolean;
  source: ConfigSourceValue;
  /** DescribeConfigs v0 `is_default`: the value was not set anywhere. */
  isDefault: boolean;
  sensitive: boolean;
  /** DescribeConfigs type code (v3+). */
  type: ConfigTypeValue;
  /** The same type as a ConfigDef name (`long`). */
  typeName: ConfigValueType;
  documentation: string;
  /** Most specific first: the value itself, then the broker keys it falls back to. */
  synonyms: ConfigSynonym[];
}

/** The typed per-partition log settings the storage layer uses (its own type). */
export type { LogConfig };

export interface EffectiveTopicConfig {
  /** Every topic config, sorted by name. */
  entries: ConfigEntry[];
  /** name → effective canonical text. */
  values: Record<string, string>;
  logConfig: LogConfig;
}

/**
 * Validates topic configs (CreateTopics, AlterConfigs): an unknown name or a value of the wrong
 * type or range gives one error per name. Empty when everything is valid.
 */
export function validateTopicConfigs(configs: Record<string, string>): Array<{ name: string; message: string }> {
  const errors: Array<{ name: string; message: string }> = [];
  for (const [name, value] of Object.entries(configs)) {
    const def = TOPIC_DEFS.get(name);
    if (!def) { errors.push({ name, message: `Unknown topic config name: ${name}` }); continue; }
    const result = checkValue(def, value);
    if ('problem' in result) errors.push({ name, message: invalidMessage(name, value, result.problem) });
  }
  return errors;
}

/** The text of a broker key as the broker resolved it (set value, else default), or null when unset without default. */
function brokerKeyText(broker: BrokerConfig, key: string): string | null {
  const def = BROKER_DEFS.get(key);
  if (!def) return null;
  const raw = broker.raw[key];
  if (raw !== undefined) {
    const parsed = parseConfigValue(def.type, raw);
    if (!('error' in parsed)) return parsed.text;
  }
  return def.default;
}

function brokerParsedMap(broker: BrokerConfig, keys: readonly string[]): Map<string, ParsedConfigValue> {
  const map = new Map<string, ParsedConfigValue>();
  for (const k of keys) {
    const def = BROKER_DEFS.get(k);
    const raw = broker.raw[k];
    if (!def || raw === undefined) continue;
    const parsed = parseConfigValue(def.type, raw);
    if (!('error' in parsed)) map.set(k, parsed);
  }
  return map;
}

/** The effective default of a topic config on this broker, and whether a broker key set it. */
function topicDefaultFromBroker(broker: BrokerConfig, def: TopicConfigDef): { text: string; fromStatic: boolean } {
  const synonyms = def.brokerSynonyms;
  if (synonyms.length === 0) return { text: def.default!, fromStatic: false };
  const fromStatic = synonyms.some((k) => broker.raw[k] !== undefined);
  if (def.name === 'retention.ms') return { text: retentionMsText(brokerParsedMap(broker, synonyms)), fromStatic };
  if (def.name === 'segment.ms') return { text: rollMsText(brokerParsedMap(broker, synonyms)), fromStatic };
  return { text: brokerKeyText(broker, synonyms[0]) ?? def.default!, fromStatic };
}

/**
 * Resolves a topic's overrides against the broker: every topic config with its value and
 * DescribeConfigs source (`TOPIC_CONFIG` when overridden, `STATIC_BROKER_CONFIG` when the broker
 * key was set in the file/overrides/flags, else `DEFAULT_CONFIG`), plus the typed `logConfig`.
 * Throws `ConfigError` for an unknown or invalid override: validate with `validateTopicConfigs` first.
 */
export function effectiveTopicConfig(broker: BrokerConfig, overrides: Record<string, string> = {}): EffectiveTopicConfig {
  const problems = validateTopicConfigs(overrides);
  if (problems.length > 0) {
    const p = problems[0];
    throw new ConfigError('CONFIG_INVALID', p.message, { context: { key: p.name, value: overrides[p.name] } });
  }
  const entries: ConfigEntry[] = [];
  const values: Record<string, string> = {};
  for (const def of TOPIC_CONFIG_DEFS) {
    const fallback = topicDefaultFromBroker(broker, def);
    const synonyms: ConfigSynonym[] = [];
    let value: string;
    let source: ConfigSourceValue;
    if (overrides[def.name] !== undefined) {
      value = (checkValue(def, overrides[def.name]) as ParsedConfigValue).text;
      source = ConfigSource.TOPIC_CONFIG;
      synonyms.push({ name: def.name, value, source });
    } else {
      value = fallback.text;
      source = fallback.fromStatic ? ConfigSource.STATIC_BROKER_CONFIG : ConfigSource.DEFAULT_CONFIG;
    }
    for (const key of def.brokerSynonyms) {
      if (broker.raw[key] !== undefined) synonyms.push({ name: key, value: brokerKeyText(broker, key), source: ConfigSource.STATIC_BROKER_CONFIG });
    }
    for (const key of def.brokerSynonyms) {
      const d = BROKER_DEFS.get(key);
      if (d?.default != null) synonyms.push({ name: key, value: d.default, source: ConfigSource.DEFAULT_CONFIG });
    }
    values[def.name] = value;
    entries.push({
      name: def.name,
      value,
      readOnly: false,
      source,
      isDefault: source === ConfigSource.DEFAULT_CONFIG,
      sensitive: def.type === 'password',
      type: TYPE_CODES[def.type],
      typeName: def.type,
      documentation: def.doc,
      synonyms,
    });
  }
  const n = (name: string) => Number(values[name]);
  return {
    entries,
    values,
    logConfig: {
      segmentBytes: n('segment.bytes'),
      segmentMs: n('segment.ms'),
      retentionMs: n('retention.ms'),
      retentionBytes: n('retention.bytes'),
      indexIntervalBytes: n('index.interval.bytes'),
      segmentIndexBytes: n('segment.index.bytes'),
      maxMessageBytes: n('max.message.bytes'),
      messageTimestampType: values['message.timestamp.type'] as 'CreateTime' | 'LogAppendTime',
      fileDeleteDelayMs: n('file.delete.delay.ms'),
      cleanupPolicy: values['cleanup.policy']
        .split(',')
        .map((p) => p.trim())
        .filter((p): p is 'delete' | 'compact' => p === 'delete' || p === 'compact'),
      deleteRetentionMs: n('delete.retention.ms'),
      minCompactionLagMs: n('min.compaction.lag.ms'),
      maxCompactionLagMs: n('max.compaction.lag.ms'),
      minCleanableDirtyRatio: Number(values['min.cleanable.dirty.ratio']),
    },
  };
}

/**
 * Every broker config as DescribeConfigs (resource type BROKER) reports it: read-only (kstream has
 * no dynamic broker configs), `STATIC_BROKER_CONFIG` when set in the file/overrides/flags, else
 * `DEFAULT_CONFIG`; sensitive values are null. The listener and data directory report the values in
 * use even when they come from defaults.
 */
export function describeBrokerConfigs(broker: BrokerConfig): ConfigEntry[] {
  const computed: Record<string, string> = {
    listeners: `${broker.listenerName}://${formatHost(broker.host)}:${broker.port}`,
    'log.dirs': broker.dataDir,
    'node.id': String(broker.nodeId),
  };
  return BROKER_CONFIG_DEFS.map((def): ConfigEntry => {
    const set = broker.raw[def.name] !== undefined;
    const sensitive = def.type === 'password';
    const value = sensitive ? null : (computed[def.name] ?? brokerKeyText(broker, def.name));
    const source = set ? ConfigSource.STATIC_BROKER_CONFIG : ConfigSource.DEFAULT_CONFIG;
    return {
      name: def.name,
      value,
      readOnly: true,
      source,
      isDefault: !set,
      sensitive,
      type: TYPE_CODES[def.type],
      typeName: def.type,
      documentation: def.doc,
      synonyms: value === null && !set ? [] : [{ name: def.name, value, source }],
    };
  });
}
