/**
 * The query modes (bulk, incrementing, timestamp, timestamp+incrementing) of the source task,
 * as the JDBC source connector runs them: one "querier" per table (or the custom query), each
 * queried every poll.interval.ms through a server-side cursor that is read batch.max.rows at a time
 * across polls, in commit order of the criteria columns.
 */
import type pg from 'pg';
import { RetriableError, type SourceRecord, type SourceTaskContext } from '../../api.ts';
import {
  connectClient,
  isRetriableDbError,
  connectorLogger,
  parseTimestamp,
  minusMs,
  tableName,
  type PgInstant,
  type TableId,
} from '../postgres-common/index.ts';
import { describeTable } from './catalog.ts';
import type { SourceConfig } from './config.ts';
import {
  QUERY_PARTITION,
  queryOffsetFromJson,
  queryOffsetToJson,
  tablePartition,
  usesIncrementing,
  usesTimestamp,
  type QueryOffset,
} from './query-offsets.ts';
import { buildQuerySql } from './query-sql.ts';
import { RowShape, type ColumnDescriptor } from './row-shape.ts';
import { errorMessage, sleep } from './util.ts';

const CURSOR = 'kstream_source_cursor';
/** Longest single wait inside poll(), so stop() and the runtime stay responsive. */
const MAX_WAIT_MS = 1000;

interface Querier {
  readonly table: TableId | null;
  readonly partition: Readonly<Record<string, unknown>>;
  readonly topic: string;
  incrementingColumn: string | null;
  keyColumns: readonly string[];
  notNull: ReadonlySet<string>;
  offset: QueryOffset;
  nextRunAt: number;
  shape: RowShape | null;
  shapeSignature: string;
}

interface FieldInfo {
  readonly name: string;
  readonly dataTypeID: number;
  readonly dataTypeModifier: number;
}

export class QuerySourceTaskRunner {
  private readonly config: SourceConfig;
  private readonly tables: readonly TableId[];
  private readonly context: SourceTaskContext;
  private readonly stopController = new AbortController();
  private readonly log;
  private client: pg.Client | null = null;
  private queriers: Querier[] = [];
  /** The querier whose cursor is open (its transaction too). */
  private current: Querier | null = null;

  constructor(config: SourceConfig, tables: readonly TableId[], context: SourceTaskContext) {
    this.config = config;
    this.tables = tables;
    this.context = context;
    this.log = connectorLogger({ connector: 'postgres-source', mode: config.mode });
  }

  private async connection(): Promise<pg.Client> {
    if (this.client) return this.client;
    const cfg = this.config;
    this.client = await connectClient(cfg.connection, {
      attempts: cfg.connectionAttempts,
      backoffMs: cfg.connectionBackoffMs,
      signal: this.context.signal,
      applicationName: 'kstream-postgres-source',
    });
    return this.client;
  }

  async start(): Promise<void> {
    const cfg = this.config;
    const client = await this.connection();
    if (cfg.query) {
      this.queriers.push(this.newQuerier(null, QUERY_PARTITION, cfg.topicPrefix, cfg.incrementingColumn, [], new Set()));
    } else {
      for (const table of this.tables) {
        const described = await describeTable(client, table);
        if (!described) {
          this.log.warn('table not found; skipped', { table: tableName(table) });
          continue;
        }
        let inc = cfg.incrementingColumn;
        if (usesIncrementing(cfg.mode) && !inc) inc = detectIncrementingColumn(described.columns, described.primaryKey, tableName(table));
        const notNull = new Set(described.columns.filter((c) => c.notNull).map((c) => c.name));
        this.queriers.push(this.newQuerier(described.id, tablePartition(described.id), cfg.topicPrefix + described.id.table, inc, described.primaryKey, notNull));
      }
    }
    for (const querier of this.queriers) {
      const stored = await this.context.offsetStorageReader.offset(querier.partition);
      if (stored) querier.offset = queryOffsetFromJson(stored);
    }
    if (cfg.timestampInitialMs !== null && usesTimestamp(cfg.mode)) {
      for (const q of this.queriers) if (!q.offset.timestamp) q.offset = { ...q.offset, timestamp: { ms: cfg.timestampInitialMs, nanos: (((cfg.timestampInitialMs % 1000) + 1000) % 1000) * 1_000_000 } };
    }
  }

  private newQuerier(
    table: TableId | null,
    partition: Readonly<Record<string, unknown>>,
    topic: string,
    incrementingColumn: string | null,
    keyColumns: readonly string[],
    notNull: ReadonlySet<string>,
  ): Querier {
    return { table, partition, topic, incrementingColumn, keyColumns, notNull, offset: { incrementing: null, timestamp: null }, nextRunAt: 0, shape: null, shapeSignature: '' };
  }

  private get stopped(): boolean {
    return this.stopController.signal.aborted || this.context.signal.aborted;
  }

  async poll(): Promise<SourceRecord[] | null> {
    if (this.stopped) return null;
    try {
      return await this.pollOnce();
    } catch (error) {
      if (this.stopped) return null;
      if (!isRetriableDbError(error)) throw error;
      // The connection is lost: a new one next time; the open cursor is read again from the offset.
      const client = this.client;
      this.client = null;
      this.current = null;
      await client?.end().catch(() => undefined);
      throw new RetriableError(`PostgreSQL query failed: ${errorMessage(error)}`, { cause: error });
    }
  }

  private async pollOnce(): Promise<SourceRecord[] | null> {
    const client = await this.connection();
    if (this.queriers.length === 0) {
      await sleep(MAX_WAIT_MS, this.stopController.signal, this.context.signal);
      return null;
    }
    let querier = this.current;
    if (!querier) {
      querier = this.queriers.reduce((a, b) => (b.nextRunAt < a.nextRunAt ? b : a));
      const wait = querier.nextRunAt - Date.now();
      if (wait > 0) {
        await sleep(Math.min(wait, MAX_WAIT_MS), this.stopController.signal, this.context.signal);
        if (this.stopped || querier.nextRunAt > Date.now()) return null;
      }
      await this.openCursor(querier);
    }
    try {
      const result = await client.query({ text: `FETCH FORWARD ${this.config.batchMaxRows} FROM ${CURSOR}`, rowMode: 'array' });
      const records = this.toRecords(querier, result.fields, result.rows as (string | null)[][]);
      if (result.rows.length < this.config.batchMaxRows) await this.closeCursor(querier);
      return records;
    } catch (error) {
      await this.abortCursor(querier);
      throw error;
    }
  }

  private async openCursor(querier: Querier): Promise<void> {
    const client = this.client as pg.Client;
    const cfg = this.config;
    let upperBound: PgInstant | null = null;
    if (usesTimestamp(cfg.mode)) {
      const now = await client.query<{ now: string }>('SELECT clock_timestamp() AS now');
      upperBound = minusMs(parseTimestamp(now.rows[0].now), cfg.timestampDelayMs);
    }
    const sql = buildQuerySql({
      mode: cfg.mode,
      source: querier.table ? { table: querier.table } : { query: cfg.query ?? '' },
      incrementingColumn: querier.incrementingColumn,
      timestampColumns: cfg.timestampColumns,
      offset: querier.offset,
      upperBound,
    });
    await client.query('BEGIN READ ONLY');
    try {
      await client.query(`DECLARE ${CURSOR} NO SCROLL CURSOR FOR ${sql.text}`, sql.values);
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      if (isRetriableDbError(error)) throw error;
      throw new Error(`query for ${querier.table ? tableName(querier.table) : 'query'} failed: ${errorMessage(error)}`, { cause: error });
    }
    this.current = querier;
  }

  private async closeCursor(querier: Querier): Promise<void> {
    this.current = null;
    querier.nextRunAt = Date.now() + this.config.pollIntervalMs;
    await (this.client as pg.Client).query('COMMIT');
  }

  private async abortCursor(querier: Querier): Promise<void> {
    this.current = null;
    querier.nextRunAt = Date.now() + this.config.pollIntervalMs;
    await this.client?.query('ROLLBACK').catch(() => undefined);
  }

  private shapeFor(querier: Querier, fields: readonly FieldInfo[]): RowShape {
    const signature = fields.map((f) => `${f.name}:${f.dataTypeID}:${f.dataTypeModifier}`).join(',');
    if (querier.shape && querier.shapeSignature === signature) return querier.shape;
    const columns: ColumnDescriptor[] = fields.map((f) => ({
      name: f.name,
      typeOid: f.dataTypeID,
      typmod: f.dataTypeModifier,
      // A custom query's columns may be null whatever the tables say (outer joins): all optional.
      optional: !querier.table || !querier.notNull.has(f.name),
    }));
    querier.shape = new RowShape(columns, querier.keyColumns, {
      numericMapping: this.config.numericMapping,
      ...(querier.table ? { valueSchemaName: querier.table.table, keySchemaName: `${querier.table.table}.Key` } : {}),
    });
    querier.shapeSignature = signature;
    return querier.shape;
  }

  private toRecords(querier: Querier, fields: readonly FieldInfo[], rows: (string | null)[][]): SourceRecord[] {
    if (rows.length === 0) return [];
    const cfg = this.config;
    const shape = this.shapeFor(querier, fields);
    const incIndex = usesIncrementing(cfg.mode) && querier.incrementingColumn ? shape.indexOf(querier.incrementingColumn) : -1;
    if (usesIncrementing(cfg.mode) && incIndex < 0) throw new Error(`incrementing column ${querier.incrementingColumn} is not in the result`);
    const tsIndexes = usesTimestamp(cfg.mode) ? cfg.timestampColumns.map((c) => shape.indexOf(c)) : [];
    if (tsIndexes.some((i) => i < 0)) throw new Error(`timestamp column(s) ${cfg.timestampColumns.join(', ')} not all in the result`);
    const records: SourceRecord[] = [];
    // The querier's offset moves only once the whole batch converted.
    let offset = querier.offset;
    for (const row of rows) {
      if (incIndex >= 0) {
        const text = row[incIndex];
        if (text !== null) offset = { ...offset, incrementing: BigInt(text.replace(/\.0*$/, '')) };
      }
      if (tsIndexes.length > 0) {
        const text = tsIndexes.map((i) => row[i]).find((t) => t !== null);
        if (text !== undefined && text !== null) offset = { ...offset, timestamp: parseTimestamp(text) };
      }
      const key = shape.key(row);
      records.push({
        topic: querier.topic,
        kafkaPartition: null,
        keySchema: key ? shape.keySchema : null,
        key,
        valueSchema: shape.valueSchema,
        value: shape.value(row),
        timestamp: null,
        headers: [],
        sourcePartition: querier.partition,
        sourceOffset: queryOffsetToJson(cfg.mode, offset),
      });
    }
    querier.offset = offset;
    return records;
  }

  async stop(): Promise<void> {
    this.stopController.abort();
    const client = this.client;
    this.client = null;
    this.current = null;
    if (client) await client.end().catch(() => undefined);
  }
}

/** The incrementing column when none is configured: an identity/serial column, else a single-column integer primary key. */
export function detectIncrementingColumn(
  columns: readonly { name: string; typeOid: number; autoIncrement: boolean }[],
  primaryKey: readonly string[],
  table: string,
): string {
  const integer = new Set([20, 21, 23, 1700]);
  const auto = columns.filter((c) => c.autoIncrement && integer.has(c.typeOid));
  if (auto.length === 1) return auto[0].name;
  if (primaryKey.length === 1) {
    const pk = columns.find((c) => c.name === primaryKey[0]);
    if (pk && integer.has(pk.typeOid)) return pk.name;
  }
  throw new Error(`cannot tell the incrementing column of ${table}: set incrementing.column.name`);
}
