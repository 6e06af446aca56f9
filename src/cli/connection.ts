/**
 * Where a command connects and with which client settings. Precedence, highest first:
 * flags (`-b`, `-X`), environment (`KSTREAM_BROKERS` or `KSTREAM_BOOTSTRAP_SERVER`,
 * `KSTREAM_PROFILE`), the selected or current profile, the default `127.0.0.1:9092`.
 *
 * `-X key=value` client settings use librdkafka/Java client names where one exists; the
 * supported ones are listed in CLIENT_SETTINGS and mapped onto @platformatic/kafka options.
 */
import { CliError } from './errors.ts';
import { ExitCode } from './exit-codes.ts';
import { DEFAULT_BOOTSTRAP_SERVER, parseBootstrapServers, parseKeyValuePairs, type HostPort } from './flags.ts';
import { loadProfiles } from './profiles.ts';

export interface ConnectionFlags {
  'bootstrap-server'?: string;
  'client-setting'?: string[];
  profile?: string;
}

export interface Connection {
  servers: HostPort[];
  /** Where the servers came from: flag, env, profile:<name> or default. */
  source: string;
  clientSettings: Record<string, string>;
  /** Options for @platformatic/kafka clients. */
  clientOptions: PlatformaticClientOptions;
}

export interface PlatformaticClientOptions {
  clientId: string;
  timeout?: number;
  connectTimeout?: number;
  retries?: number;
  retryDelay?: number;
  metadataMaxAge?: number;
  tls?: Record<string, unknown>;
  sasl?: { mechanism: string; username: string; password: string };
}

interface SettingDef {
  description: string;
  apply(options: PlatformaticClientOptions, value: string): void;
}

function positiveInt(key: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new CliError(`-X ${key}=${value}: expected a whole number`, { exitCode: ExitCode.USAGE, code: 'USAGE' });
  return n;
}

/** The `-X` settings kstream understands. */
export const CLIENT_SETTINGS: Readonly<Record<string, SettingDef>> = {
  'client.id': { description: 'client id sent to the brokers', apply: (o, v) => (o.clientId = v) },
  'request.timeout.ms': { description: 'timeout of one request', apply: (o, v) => (o.timeout = positiveInt('request.timeout.ms', v)) },
  'socket.connection.setup.timeout.ms': { description: 'connection timeout', apply: (o, v) => (o.connectTimeout = positiveInt('socket.connection.setup.timeout.ms', v)) },
  retries: { description: 'retries of retriable errors', apply: (o, v) => (o.retries = positiveInt('retries', v)) },
  'retry.backoff.ms': { description: 'delay between retries', apply: (o, v) => (o.retryDelay = positiveInt('retry.backoff.ms', v)) },
  'metadata.max.age.ms': { description: 'how long metadata is cached', apply: (o, v) => (o.metadataMaxAge = positiveInt('metadata.max.age.ms', v)) },
  'security.protocol': {
    description: 'PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL',
    apply: (o, v) => {
      const p = v.toUpperCase();
      if (!['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'].includes(p)) throw new CliError(`-X security.protocol=${v}: unknown protocol`, { exitCode: ExitCode.USAGE, code: 'USAGE' });
      if (p === 'SSL' || p === 'SASL_SSL') o.tls = o.tls ?? {};
    },
  },
  'ssl.endpoint.identification.algorithm': {
    description: '"none" turns off host name checks',
    apply: (o, v) => {
      if (v === 'none' || v === '') o.tls = { ...(o.tls ?? {}), rejectUnauthorized: false };
    },
  },
  'sasl.mechanism': { description: 'PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512', apply: (o, v) => (o.sasl = { ...(o.sasl ?? { username: '', password: '' }), mechanism: v.toUpperCase() }) },
  'sasl.username': { description: 'SASL user', apply: (o, v) => (o.sasl = { ...(o.sasl ?? { mechanism: 'PLAIN', password: '' }), username: v }) },
  'sasl.password': { description: 'SASL password', apply: (o, v) => (o.sasl = { ...(o.sasl ?? { mechanism: 'PLAIN', username: '' }), password: v }) },
};

export const DEFAULT_CLIENT_ID = 'kstream-cli';

export function clientOptionsFor(settings: Record<string, string>): PlatformaticClientOptions {
  const options: PlatformaticClientOptions = { clientId: DEFAULT_CLIENT_ID };
  for (const [key, value] of Object.entries(settings)) {
    const def = CLIENT_SETTINGS[key];
    if (!def) {
      throw new CliError(`unknown client setting ${JSON.stringify(key)}`, {
        exitCode: ExitCode.USAGE,
        code: 'USAGE',
        hint: `known settings: ${Object.keys(CLIENT_SETTINGS).join(', ')}`,
      });
    }
    def.apply(options, value);
  }
  return options;
}

/** Resolves where to connect from flags, environment and profiles. */
export function resolveConnection(flags: ConnectionFlags, env: NodeJS.ProcessEnv = process.env): Connection {
  const store = loadProfiles(env);
  const profileName = flags.profile ?? env.KSTREAM_PROFILE ?? store.current ?? undefined;
  const profile = profileName ? store.profiles[profileName] : undefined;
  if (profileName && !profile && (flags.profile || env.KSTREAM_PROFILE)) {
    throw new CliError(`no profile named ${JSON.stringify(profileName)}`, { exitCode: ExitCode.USAGE, code: 'USAGE', hint: 'list them with kstream profile list' });
  }
  let bootstrap: string;
  let source: string;
  if (flags['bootstrap-server']) {
    bootstrap = flags['bootstrap-server'];
    source = 'flag';
  } else if (env.KSTREAM_BROKERS || env.KSTREAM_BOOTSTRAP_SERVER) {
    bootstrap = (env.KSTREAM_BROKERS || env.KSTREAM_BOOTSTRAP_SERVER)!;
    source = 'env';
  } else if (profile) {
    bootstrap = profile.bootstrapServer;
    source = `profile:${profileName}`;
  } else {
    bootstrap = DEFAULT_BOOTSTRAP_SERVER;
    source = 'default';
  }
  const clientSettings = { ...(profile?.clientSettings ?? {}), ...parseKeyValuePairs(flags['client-setting'], '-X') };
  return { servers: parseBootstrapServers(bootstrap), source, clientSettings, clientOptions: clientOptionsFor(clientSettings) };
}
