/**
 * The worker configuration (worker.properties), with Kafka Connect's names.
 *
 * Mode: standalone when `offset.storage.file.filename` is set, distributed otherwise (the CLI's
 * `--standalone` forces standalone; its offsets file then defaults to connect.offsets in the
 * current directory).
 *
 * Sink task consumers take `consumer.session.timeout.ms` (default 45000: how long a crashed
 * worker's tasks keep their partitions), `consumer.heartbeat.interval.ms` (3000) and
 * `consumer.max.poll.interval.ms` (the rebalance timeout, 300000).
 *
 * Client settings (`security.protocol`, `sasl.*`, `request.timeout.ms`, `retry.backoff.ms`, ...)
 * are the ones kstream's `-X` accepts; they apply to every client the worker creates. Other settings
 * prefixed `producer.`, `consumer.` and `admin.` are accepted and ignored (one client
 * configuration for all for now).
 */
import { readFileSync } from 'node:fs';
import { parseProperties } from '../broker/config.ts';
import { CLIENT_SETTINGS, clientOptionsFor, type PlatformaticClientOptions } from '../cli/connection.ts';
import { KstreamError } from '../util/errors.ts';

export class ConnectConfigError extends KstreamError {
  constructor(message: string) {
    super('CONFIG', message);
  }
}

export interface ConverterConfig {
  className: string;
  /** Settings under the converter's prefix, prefix removed (e.g. schemas.enable). */
  props: Record<string, string>;
}

export interface Listener {
  protocol: 'http';
  host: string;
  port: number;
}

export interface WorkerConfig {
  mode: 'standalone' | 'distributed';
  bootstrapServers: string[];
  groupId: string;
  clientId: string;
  clientOptions: PlatformaticClientOptions;
  keyConverter: ConverterConfig;
  valueConverter: ConverterConfig;
  headerConverter: string;
  offsetStorageFile: string | null;
  offsetStorageTopic: string;
  offsetStoragePartitions: number;
  offsetStorageReplicationFactor: number;
  configStorageTopic: string;
  configStorageReplicationFactor: number;
  statusStorageTopic: string;
  statusStoragePartitions: number;
  statusStorageReplicationFactor: number;
  offsetFlushIntervalMs: number;
  offsetFlushTimeoutMs: number;
  taskShutdownGracefulTimeoutMs: number;
  /** Group settings of sink task consumers. */
  sinkConsumer: { sessionTimeoutMs: number; heartbeatIntervalMs: number; rebalanceTimeoutMs: number };
  listeners: Listener[];
  restAdvertisedHostName: string | null;
  restAdvertisedPort: number | null;
  pluginPath: string[];
  /** Every setting as given. */
  raw: Record<string, string>;
  /** Keys this runtime does not know (the CLI warns about them). */
  unknownKeys: string[];
}

export const DEFAULT_LISTENER = 'http://127.0.0.1:8083';
export const DEFAULT_CONVERTER = 'org.apache.kafka.connect.json.JsonConverter';

/** Keys the worker reads (documented in `kstream connect start --help`). */
export const WORKER_KEYS: Readonly<Record<string, string>> = {
  'bootstrap.servers': 'Kafka brokers, host:port[,host:port...] (default 127.0.0.1:9092)',
  'group.id': 'Connect cluster id; distributed workers with the same id share the internal topics (default connect-cluster)',
  'client.id': 'Prefix of the client ids of the worker\'s Kafka clients',
  'key.converter': 'Default key converter class (default JsonConverter)',
  'value.converter': 'Default value converter class (default JsonConverter)',
  'header.converter': 'Accepted for compatibility; headers are written as text (SimpleHeaderConverter)',
  'offset.storage.file.filename': 'Standalone mode: the file source offsets are kept in',
  'offset.storage.topic': 'Distributed mode: the source offsets topic (default connect-offsets)',
  'offset.storage.partitions': 'Partitions of the offsets topic when created (default 25)',
  'offset.storage.replication.factor': 'Replication factor of the offsets topic when created (default -1: the broker default)',
  'config.storage.topic': 'Distributed mode: the connector configs topic (default connect-configs)',
  'config.storage.replication.factor': 'Replication factor of the configs topic when created (default -1)',
  'status.storage.topic': 'Distributed mode: the status topic (default connect-status)',
  'status.storage.partitions': 'Partitions of the status topic when created (default 5)',
  'status.storage.replication.factor': 'Replication factor of the status topic when created (default -1)',
  'offset.flush.interval.ms': 'How often source offsets are committed and sink offsets flushed (default 60000)',
  'offset.flush.timeout.ms': 'How long an offset commit may take (default 5000)',
  'task.shutdown.graceful.timeout.ms': 'How long tasks get to stop (default 5000)',
  listeners: 'REST listeners, e.g. http://127.0.0.1:8083 (default); port 0 picks a free port',
  'rest.advertised.host.name': 'Host name in the worker id (default: the listener host)',
  'rest.advertised.port': 'Port in the worker id (default: the listener port)',
  'rest.advertised.listener': 'Accepted for compatibility (only http)',
  'plugin.path': 'Comma-separated directories or files of plugin modules (.js/.mjs)',
  'consumer.session.timeout.ms': 'Session timeout of sink task consumers (default 45000)',
  'consumer.heartbeat.interval.ms': 'Heartbeat interval of sink task consumers (default 3000)',
  'consumer.max.poll.interval.ms': 'Rebalance timeout of sink task consumers (default 300000)',
};

/** Accepted and ignored (distributed group settings of multi-worker clusters, and the like). */
const IGNORED_KEYS = new Set([
  'heartbeat.interval.ms',
  'session.timeout.ms',
  'rebalance.timeout.ms',
  'scheduled.rebalance.max.delay.ms',
  'connect.protocol',
  'worker.sync.timeout.ms',
  'worker.unsync.backoff.ms',
  'connector.client.config.override.policy',
  'internal.key.converter',
  'internal.value.converter',
  'access.control.allow.origin',
  'access.control.allow.methods',
  'admin.listeners',
  'topic.creation.enable',
  'exactly.once.source.support',
  'metrics.sample.window.ms',
  'metrics.num.samples',
  'metrics.recording.level',
  'response.http.headers.config',
  'config.providers',
  'offset.storage.cleanup.policy',
]);

const IGNORED_PREFIXES = ['producer.', 'consumer.', 'admin.', 'key.converter.', 'value.converter.', 'header.converter.', 'internal.', 'config.providers.', 'listeners.', 'ssl.', 'sasl.'];

function int(raw: Record<string, string>, key: string, dflt: number, min = Number.MIN_SAFE_INTEGER): number {
  const v = raw[key];
  if (v === undefined || v.trim() === '') return dflt;
  const n = Number(v.trim());
  if (!Number.isInteger(n) || n < min) throw new ConnectConfigError(`Invalid value ${v} for configuration ${key}: expected an integer${min > Number.MIN_SAFE_INTEGER ? ` >= ${min}` : ''}`);
  return n;
}

export function splitList(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function prefixed(raw: Record<string, string>, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
  return out;
}

export function parseListener(value: string): Listener {
  const m = /^([a-zA-Z]+):\/\/(\[[^\]]*\]|[^:/]*):(\d+)\/?$/.exec(value.trim());
  if (!m) throw new ConnectConfigError(`Invalid listener ${JSON.stringify(value)}: expected protocol://host:port, e.g. ${DEFAULT_LISTENER}`);
  const protocol = m[1].toLowerCase();
  if (protocol !== 'http') throw new ConnectConfigError(`Unsupported listener protocol ${m[1]} (only http)`);
  const port = Number(m[3]);
  if (port > 65535) throw new ConnectConfigError(`Invalid listener port in ${value}`);
  let host = m[2];
  if (host.startsWith('[')) host = host.slice(1, -1);
  return { protocol: 'http', host: host === '' ? '0.0.0.0' : host, port };
}

export function parseWorkerConfig(raw: Record<string, string>, options: { standalone?: boolean } = {}): WorkerConfig {
  const unknownKeys = Object.keys(raw).filter(
    (k) => !(k in WORKER_KEYS) && !IGNORED_KEYS.has(k) && !(k in CLIENT_SETTINGS) && !IGNORED_PREFIXES.some((p) => k.startsWith(p)),
  );
  const clientSettings: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (k in CLIENT_SETTINGS) clientSettings[k] = v;
  let clientOptions: PlatformaticClientOptions;
  try {
    clientOptions = clientOptionsFor(clientSettings);
  } catch (err) {
    throw new ConnectConfigError((err as Error).message);
  }
  const bootstrapServers = splitList(raw['bootstrap.servers'] ?? '127.0.0.1:9092').map((s) => s.replace(/^[A-Za-z_]+:\/\//, ''));
  if (bootstrapServers.length === 0) throw new ConnectConfigError('bootstrap.servers is empty');
  for (const s of bootstrapServers) {
    if (!/^(\[[^\]]+\]|[^:]+):\d+$/.test(s)) throw new ConnectConfigError(`Invalid value ${s} in bootstrap.servers: expected host:port`);
  }
  let offsetStorageFile = raw['offset.storage.file.filename']?.trim() || null;
  if (options.standalone && !offsetStorageFile) offsetStorageFile = 'connect.offsets';
  const mode = offsetStorageFile ? 'standalone' : 'distributed';
  const listeners = splitList(raw.listeners ?? DEFAULT_LISTENER).map(parseListener);
  if (listeners.length === 0) listeners.push(parseListener(DEFAULT_LISTENER));
  const advertisedPort = raw['rest.advertised.port'] ? int(raw, 'rest.advertised.port', 0, 0) : null;
  return {
    mode,
    bootstrapServers,
    groupId: raw['group.id']?.trim() || 'connect-cluster',
    clientId: raw['client.id']?.trim() || '',
    clientOptions,
    keyConverter: { className: raw['key.converter']?.trim() || DEFAULT_CONVERTER, props: prefixed(raw, 'key.converter.') },
    valueConverter: { className: raw['value.converter']?.trim() || DEFAULT_CONVERTER, props: prefixed(raw, 'value.converter.') },
    headerConverter: raw['header.converter']?.trim() || 'org.apache.kafka.connect.storage.SimpleHeaderConverter',
    offsetStorageFile,
    offsetStorageTopic: raw['offset.storage.topic']?.trim() || 'connect-offsets',
    offsetStoragePartitions: int(raw, 'offset.storage.partitions', 25, 1),
    offsetStorageReplicationFactor: int(raw, 'offset.storage.replication.factor', -1, -1),
    configStorageTopic: raw['config.storage.topic']?.trim() || 'connect-configs',
    configStorageReplicationFactor: int(raw, 'config.storage.replication.factor', -1, -1),
    statusStorageTopic: raw['status.storage.topic']?.trim() || 'connect-status',
    statusStoragePartitions: int(raw, 'status.storage.partitions', 5, 1),
    statusStorageReplicationFactor: int(raw, 'status.storage.replication.factor', -1, -1),
    offsetFlushIntervalMs: int(raw, 'offset.flush.interval.ms', 60_000, 1),
    offsetFlushTimeoutMs: int(raw, 'offset.flush.timeout.ms', 5000, 1),
    taskShutdownGracefulTimeoutMs: int(raw, 'task.shutdown.graceful.timeout.ms', 5000, 0),
    sinkConsumer: {
      sessionTimeoutMs: int(raw, 'consumer.session.timeout.ms', 45_000, 1),
      heartbeatIntervalMs: int(raw, 'consumer.heartbeat.interval.ms', 3000, 1),
      rebalanceTimeoutMs: int(raw, 'consumer.max.poll.interval.ms', 300_000, 1),
    },
    listeners,
    restAdvertisedHostName: raw['rest.advertised.host.name']?.trim() || null,
    restAdvertisedPort: advertisedPort,
    pluginPath: splitList(raw['plugin.path']),
    raw: { ...raw },
    unknownKeys,
  };
}

/** Reads worker.properties (or none), applies overrides, and parses. */
export function loadWorkerConfig(options: { file?: string; overrides?: Record<string, string>; standalone?: boolean }): WorkerConfig {
  let raw: Record<string, string> = {};
  if (options.file) {
    let text: string;
    try {
      text = readFileSync(options.file, 'utf8');
    } catch (err) {
      throw new ConnectConfigError(`cannot read ${options.file}: ${(err as Error).message}`);
    }
    raw = parseProperties(text, options.file);
  }
  return parseWorkerConfig({ ...raw, ...(options.overrides ?? {}) }, { standalone: options.standalone });
}

/** Reads a connector .properties file (standalone command-line connectors) or a JSON file ({name, config} or a flat config). */
export function loadConnectorFile(file: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConnectConfigError(`cannot read ${file}: ${(err as Error).message}`);
  }
  if (/\.json$/i.test(file)) {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (err) {
      throw new ConnectConfigError(`${file} is not valid JSON: ${(err as Error).message}`);
    }
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new ConnectConfigError(`${file}: expected a JSON object`);
    const obj = doc as Record<string, unknown>;
    const config = typeof obj.config === 'object' && obj.config !== null ? (obj.config as Record<string, unknown>) : obj;
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(config)) if (v !== null && v !== undefined) out[k] = String(v);
    if (typeof obj.name === 'string' && out.name === undefined) out.name = obj.name;
    return out;
  }
  return parseProperties(text, file);
}
