/**
 * Connection settings: `connection.url` in the JDBC form (jdbc:postgresql://host:port/db?user=...)
 * or the libpq URI form (postgres://user:password@host:port/db?sslmode=...), plus
 * `connection.user` / `connection.password`, which win over credentials in the URL.
 *
 * Every client this module makes returns column values as PostgreSQL's text output (no type
 * parsing by `pg`), in a session with DateStyle=ISO and TimeZone=UTC, so the type mapping here
 * controls every conversion and keeps full precision (int8, numeric, microsecond timestamps).
 */
import pg from 'pg';
import type { ConfigKey } from '../../api.ts';

export interface PgConnectionOptions {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user?: string;
  readonly password?: string;
  /** false: no TLS; otherwise TLS, verifying the server unless rejectUnauthorized is false. */
  readonly ssl: false | { readonly rejectUnauthorized: boolean };
  readonly applicationName?: string;
}

export class ConnectionUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConnectionUrlError';
  }
}

function sslFrom(params: URLSearchParams): PgConnectionOptions['ssl'] {
  const mode = (params.get('sslmode') ?? '').toLowerCase();
  const ssl = (params.get('ssl') ?? '').toLowerCase();
  if (mode === 'disable' || mode === 'allow' || mode === 'prefer') return false;
  if (mode === 'require') return { rejectUnauthorized: false };
  if (mode === 'verify-ca' || mode === 'verify-full') return { rejectUnauthorized: true };
  if (ssl === 'true' || ssl === '1') return { rejectUnauthorized: true };
  return false;
}

/** Parses `connection.url`; `user`/`password` (connection.user/password) override the URL's. */
export function parseConnectionUrl(url: string, user?: string | null, password?: string | null): PgConnectionOptions {
  const trimmed = url.trim();
  let rest: string;
  let jdbc = false;
  if (/^jdbc:postgresql:/i.test(trimmed)) {
    jdbc = true;
    rest = trimmed.slice('jdbc:postgresql:'.length);
  } else if (/^postgres(ql)?:\/\//i.test(trimmed)) {
    rest = trimmed.slice(trimmed.indexOf(':') + 1);
  } else {
    throw new ConnectionUrlError(`connection.url must start with jdbc:postgresql: or postgres://, got ${JSON.stringify(redactUrl(url))}`);
  }
  let query = '';
  const q = rest.indexOf('?');
  if (q >= 0) {
    query = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  const params = new URLSearchParams(query);
  let host = 'localhost';
  let port = 5432;
  let database = '';
  let urlUser: string | undefined;
  let urlPassword: string | undefined;
  if (rest.startsWith('//')) {
    rest = rest.slice(2);
    const slash = rest.indexOf('/');
    let authority = slash >= 0 ? rest.slice(0, slash) : rest;
    database = slash >= 0 ? decodeURIComponent(rest.slice(slash + 1)) : '';
    const at = authority.lastIndexOf('@');
    if (at >= 0) {
      const userInfo = authority.slice(0, at);
      authority = authority.slice(at + 1);
      const colon = userInfo.indexOf(':');
      urlUser = decodeURIComponent(colon >= 0 ? userInfo.slice(0, colon) : userInfo);
      if (colon >= 0) urlPassword = decodeURIComponent(userInfo.slice(colon + 1));
    }
    // Several hosts (failover lists): the first one is used.
    const first = authority.split(',')[0] ?? '';
    const hostPort = /^\[([^\]]+)\](?::(\d+))?$/.exec(first) ?? /^([^:]*)(?::(\d+))?$/.exec(first);
    if (!hostPort) throw new ConnectionUrlError(`cannot read host and port from ${JSON.stringify(first)}`);
    if (hostPort[1]) host = hostPort[1];
    if (hostPort[2]) {
      port = Number(hostPort[2]);
      if (!(port > 0 && port < 65536)) throw new ConnectionUrlError(`bad port ${hostPort[2]}`);
    }
  } else if (jdbc) {
    // jdbc:postgresql:database
    database = decodeURIComponent(rest.replace(/^\//, ''));
  }
  if (params.get('host')) host = params.get('host') as string;
  if (params.get('port')) port = Number(params.get('port'));
  if (params.get('dbname')) database = params.get('dbname') as string;
  urlUser = params.get('user') ?? urlUser;
  urlPassword = params.get('password') ?? urlPassword;
  const applicationName = params.get('ApplicationName') ?? params.get('application_name') ?? undefined;
  const finalUser = user || urlUser;
  const finalPassword = password || urlPassword;
  return {
    host,
    port,
    database: database || finalUser || 'postgres',
    ...(finalUser ? { user: finalUser } : {}),
    ...(finalPassword !== undefined ? { password: finalPassword } : {}),
    ssl: sslFrom(params),
    ...(applicationName ? { applicationName } : {}),
  };
}

/** The URL with any password removed, for logs and errors. */
export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]*:)[^@/]*@/, '$1****@').replace(/([?&]password=)[^&]*/i, '$1****');
}

const rawText = (value: string): string => value;
/** Every type as text: `pg` parses nothing, this package's type mapping does. */
const textTypes = {
  getTypeParser: () => rawText,
} as unknown as pg.CustomTypesConfig;

/** Session settings every connection uses, so text values have one known form. */
export const SESSION_OPTIONS = '-c DateStyle=ISO -c TimeZone=UTC -c extra_float_digits=3 -c IntervalStyle=postgres -c bytea_output=hex';

export interface ClientOptions {
  /** A walsender connection for logical replication (replication=database). */
  readonly replication?: boolean;
  readonly applicationName?: string;
  readonly connectTimeoutMs?: number;
}

/** A new (unconnected) client. Errors on an idle connection are kept, not thrown. */
export function createClient(conn: PgConnectionOptions, options: ClientOptions = {}): pg.Client {
  const config: pg.ClientConfig & { replication?: string } = {
    host: conn.host,
    port: conn.port,
    database: conn.database,
    user: conn.user,
    password: conn.password,
    ssl: conn.ssl === false ? false : { rejectUnauthorized: conn.ssl.rejectUnauthorized },
    application_name: options.applicationName ?? conn.applicationName ?? 'kstream-connect',
    options: SESSION_OPTIONS,
    types: textTypes,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 30_000,
    keepAlive: true,
  };
  if (options.replication) config.replication = 'database';
  const client = new pg.Client(config);
  // An error on an idle connection is emitted, not thrown; the next query reports it.
  client.on('error', () => undefined);
  return client;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Connects, retrying `attempts` times `backoffMs` apart (connection.attempts / connection.backoff.ms). */
export async function connectClient(
  conn: PgConnectionOptions,
  options: ClientOptions & { attempts?: number; backoffMs?: number; signal?: AbortSignal } = {},
): Promise<pg.Client> {
  const attempts = Math.max(1, options.attempts ?? 1);
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const client = createClient(conn, options);
    try {
      await client.connect();
      return client;
    } catch (error) {
      lastError = error;
      await client.end().catch(() => undefined);
      if (attempt < attempts && !options.signal?.aborted) await sleep(options.backoffMs ?? 10_000, options.signal);
    }
  }
  const message = lastError instanceof Error ? lastError.message : String(lastError);
  throw new Error(`could not connect to PostgreSQL at ${conn.host}:${conn.port}/${conn.database}: ${message}`, { cause: lastError });
}

/** The connection settings both connectors take (Confluent JDBC names). */
export const connectionConfigKeys: readonly ConfigKey[] = [
  {
    name: 'connection.url',
    type: 'string',
    importance: 'high',
    group: 'Database',
    orderInGroup: 1,
    displayName: 'JDBC URL',
    documentation:
      'PostgreSQL URL: jdbc:postgresql://host:port/database?user=...&password=... or postgres://user:password@host:port/database?sslmode=require.',
    validate: (value) => {
      try {
        parseConnectionUrl(String(value));
        return undefined;
      } catch (error) {
        return error instanceof Error ? error.message : String(error);
      }
    },
  },
  { name: 'connection.user', type: 'string', defaultValue: null, importance: 'high', group: 'Database', orderInGroup: 2, displayName: 'User', documentation: 'Database user (overrides the URL).' },
  { name: 'connection.password', type: 'password', defaultValue: null, importance: 'high', group: 'Database', orderInGroup: 3, displayName: 'Password', documentation: 'Database password (overrides the URL).' },
  { name: 'connection.attempts', type: 'int', defaultValue: 3, importance: 'low', group: 'Database', orderInGroup: 4, documentation: 'How many times to try to connect.' },
  { name: 'connection.backoff.ms', type: 'long', defaultValue: 10000, importance: 'low', group: 'Database', orderInGroup: 5, documentation: 'Milliseconds between connection attempts.' },
];

/** Whether a database error is worth retrying: lost connections, deadlocks, serialization failures, shutdowns. */
export function isRetriableDbError(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : '';
  if (/^[0-9A-Z]{5}$/.test(code)) {
    return code.startsWith('08') || code.startsWith('53') || code === '40001' || code === '40P01' || code === '55P03' || code === '57P01' || code === '57P02' || code === '57P03';
  }
  // Node socket errors (ECONNRESET, ECONNREFUSED, ...) and a closed connection.
  if (/^E[A-Z]+$/.test(code)) return true;
  const message = error instanceof Error ? error.message : String(error);
  return /Connection terminated|not queryable|connection.*(closed|ended)/i.test(message);
}
