/**
 * The sink task. put() turns records into row operations and keeps them; once batch.size of them
 * are waiting they are written inside the open transaction. flush() writes the rest and COMMITs,
 * so every write between two flushes is one transaction and Kafka offsets are committed only for
 * rows that are durable.
 *
 * Failures: the transaction is rolled back and the operations since the last flush stay in memory.
 * A failed put() drops its own batch and throws RetriableError (the runtime delivers it again)
 * for connection losses, deadlocks and serialization failures, up to max.retries times; other
 * errors fail the task. Records the runtime delivers again after a failed flush (it rewinds to the
 * committed offsets) are recognised by offset and not kept twice.
 */
import type pg from 'pg';
import { RetriableError, type SinkRecord, type SinkTask, type SinkTaskContext, type TopicPartition } from '../../api.ts';
import { connectClient, connectorLogger, isRetriableDbError } from '../postgres-common/index.ts';

export { isRetriableDbError };
import { parseSinkConfig, type SinkConfig } from './config.ts';
import { recordToOp, sinkTableKey, type RowOp } from './record-ops.ts';
import { ensureTable, type TableMeta } from './table-meta.ts';
import { StatementNames, writeTableOps } from './writer.ts';

export const SINK_VERSION = '0.1.0';

const pkey = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

export class PostgresSinkTask implements SinkTask {
  private config: SinkConfig | null = null;
  private context: SinkTaskContext | null = null;
  private client: pg.Client | null = null;
  private inTransaction = false;
  /** Operations since the last successful flush; the first `written` are in the open transaction. */
  private retained: RowOp[] = [];
  private written = 0;
  /** Next offset expected per partition: lower ones were already taken. */
  private readonly expected = new Map<string, number>();
  private readonly meta = new Map<string, TableMeta>();
  /** Column sets (RowOp.shape) known to fit each table. */
  private readonly checkedShapes = new Map<string, Set<string>>();
  private readonly statements = new StatementNames();
  private fatal: Error | null = null;
  private retries = 0;
  private readonly log = connectorLogger({ connector: 'postgres-sink' });
  /** Rows the statements affected so far (for tests and the bench). */
  rowsWritten = 0;

  version(): string {
    return SINK_VERSION;
  }

  async start(props: Readonly<Record<string, string>>, context: SinkTaskContext): Promise<void> {
    this.config = parseSinkConfig(props);
    this.context = context;
    await this.connection();
  }

  private get cfg(): SinkConfig {
    if (!this.config) throw new Error('task not started');
    return this.config;
  }

  private async connection(): Promise<pg.Client> {
    if (this.client) return this.client;
    const cfg = this.cfg;
    this.client = await connectClient(cfg.connection, { attempts: cfg.connectionAttempts, backoffMs: cfg.connectionBackoffMs, signal: this.context?.signal, applicationName: 'kstream-postgres-sink' });
    this.statements.clear();
    return this.client;
  }

  private get maxRetained(): number {
    return Math.max(this.cfg.batchSize * 10, 20_000);
  }

  async put(records: readonly SinkRecord[]): Promise<void> {
    if (this.fatal) throw this.fatal;
    const cfg = this.cfg;
    const before = this.retained.length;
    const positions = new Map<string, number>();
    try {
      for (const record of records) {
        const k = pkey(record.topic, record.kafkaPartition);
        const next = positions.get(k) ?? this.expected.get(k);
        if (next !== undefined && record.kafkaOffset < next) continue;
        positions.set(k, record.kafkaOffset + 1);
        const op = recordToOp(record, cfg);
        if (op) this.retained.push(op);
      }
    } catch (error) {
      this.retained.length = before;
      throw error;
    }
    if (this.retained.length - this.written >= cfg.batchSize) {
      try {
        await this.writePending();
        this.retries = 0;
      } catch (error) {
        this.retained.length = before;
        throw await this.failed(error);
      }
    }
    for (const [k, v] of positions) this.expected.set(k, v);
    if (this.retained.length >= this.maxRetained) this.context?.requestCommit();
  }

  async flush(_currentOffsets: ReadonlyMap<TopicPartition, number>): Promise<void> {
    if (this.fatal) throw this.fatal;
    try {
      await this.writePending();
      if (this.inTransaction) {
        await (this.client as pg.Client).query('COMMIT');
        this.inTransaction = false;
      }
      this.retained = [];
      this.written = 0;
      this.retries = 0;
    } catch (error) {
      const failure = await this.failed(error);
      if (!(failure instanceof RetriableError)) this.fatal = failure;
      throw failure;
    }
  }

  /** Writes the operations not yet in the open transaction. */
  private async writePending(): Promise<void> {
    if (this.written >= this.retained.length) return;
    const client = await this.connection();
    if (!this.inTransaction) {
      await client.query('BEGIN');
      this.inTransaction = true;
    }
    const pending = this.retained.slice(this.written);
    const byTable = new Map<string, RowOp[]>();
    for (const op of pending) {
      const key = sinkTableKey(op.table);
      let list = byTable.get(key);
      if (!list) byTable.set(key, (list = []));
      list.push(op);
    }
    const cfg = this.cfg;
    for (const [key, ops] of byTable) {
      let meta = this.meta.get(key);
      let checked = this.checkedShapes.get(key);
      if (!meta || !checked || ops.some((op) => !checked?.has(op.shape))) {
        meta = await ensureTable(client, ops[0].table, ops, meta ?? null, { autoCreate: cfg.autoCreate, autoEvolve: cfg.autoEvolve });
        this.meta.set(key, meta);
        if (!checked) this.checkedShapes.set(key, (checked = new Set()));
        for (const op of ops) checked.add(op.shape);
      }
      this.rowsWritten += await writeTableOps(client, meta, ops, { insertMode: cfg.insertMode, batchSize: cfg.batchSize }, this.statements);
    }
    this.written = this.retained.length;
  }

  /** Rolls back and decides whether the failure is retried. */
  private async failed(error: unknown): Promise<Error> {
    const cfg = this.cfg;
    const client = this.client;
    const retriable = isRetriableDbError(error);
    if (client && this.inTransaction) {
      try {
        await client.query('ROLLBACK');
      } catch {
        // The connection is gone; a new one is made on the next write.
        this.client = null;
        await client.end().catch(() => undefined);
      }
    }
    if (client && retriable && this.client === client) {
      // The connection may be broken: the next write makes a new one.
      this.client = null;
      await client.end().catch(() => undefined);
    }
    this.inTransaction = false;
    this.written = 0;
    // DDL may have been rolled back with the data.
    this.meta.clear();
    this.checkedShapes.clear();
    const message = error instanceof Error ? error.message : String(error);
    if (retriable && this.retries < cfg.maxRetries) {
      this.retries++;
      this.context?.timeout(cfg.retryBackoffMs);
      this.log.warn('write failed; will retry', { attempt: this.retries, error: message });
      return new RetriableError(`PostgreSQL write failed (attempt ${this.retries} of ${cfg.maxRetries}): ${message}`, { cause: error });
    }
    return error instanceof Error ? error : new Error(message);
  }

  close(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) this.expected.delete(pkey(tp.topic, tp.partition));
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (!client) return;
    if (this.inTransaction) await client.query('ROLLBACK').catch(() => undefined);
    this.inTransaction = false;
    await client.end().catch(() => undefined);
  }
}
