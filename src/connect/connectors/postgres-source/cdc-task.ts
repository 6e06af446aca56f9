/**
 * mode=cdc: change data capture over logical replication.
 *
 * start(): makes sure the publication (before the slot, so decoding sees it) and the pgoutput
 * slot exist. With snapshot.mode=initial and no completed snapshot in the offsets, every included
 * table is read first (op "r") inside a REPEATABLE READ transaction that imports the snapshot the
 * slot exported when it was created, so the snapshot and the stream meet exactly at the slot's
 * consistent point. Then START_REPLICATION streams pgoutput; transactions arrive whole, in commit
 * order, and become Debezium envelopes in that order.
 *
 * Offsets and acknowledgement: see cdc-offsets.ts. The server's slot only moves (standby status
 * update "flushed") to positions whose offsets Connect committed (commit()/commitRecord()), so a
 * crash re-delivers from the last committed offset and never loses; keepalives asking for a reply
 * are answered at once, and a status update goes out every status.update.interval.ms.
 */
import type pg from 'pg';
import { RetriableError, type SourceRecord, type SourceTaskContext } from '../../api.ts';
import {
  ARRAY_ELEMENT_OID,
  Oid,
  connectClient,
  connectorLogger,
  isRetriableDbError,
  formatLsn,
  parseLsn,
  quoteIdent,
  quoteLiteral,
  quoteTable,
  tableName,
  type TableId,
} from '../postgres-common/index.ts';
import { describeTable, listTables, resolveBaseType, tableIncluded, type CatalogTable } from './catalog.ts';
import { cdcPartition, LsnAckTracker, readCdcOffset, snapshotOffset, streamingOffset, type CdcResumePoint } from './cdc-offsets.ts';
import { TableEnvelope, type ChangeOp } from './cdc-envelope.ts';
import type { SourceConfig } from './config.ts';
import { decodePgOutput, encodeStandbyStatus, pgClockNow, PgOutputError, pgTimeToUnixMicros, pgTimeToUnixMs, UNCHANGED_TOAST, type PgOutputMessage, type RelationColumn, type TupleData } from './pgoutput.ts';
import { ReplicationStream } from './replication-stream.ts';
import { UNAVAILABLE, type ColumnDescriptor, type ColumnText } from './row-shape.ts';
import { errorMessage, sleep } from './util.ts';

const SNAPSHOT_CURSOR = 'kstream_snapshot_cursor';
/** Inbound messages beyond which the socket is paused (backpressure), and resumed below LOW. */
const INBOUND_HIGH = 20_000;
const INBOUND_LOW = 5_000;
const MAX_WAIT_MS = 1000;

type Inbound = { readonly kind: 'change'; readonly walStart: bigint; readonly message: PgOutputMessage } | { readonly kind: 'keepalive'; readonly walEnd: bigint };

interface RelationState {
  readonly table: TableId;
  readonly included: boolean;
  readonly envelope: TableEnvelope | null;
  /** Positions of the primary key columns in the relation's tuples. */
  readonly keyIndexes: readonly number[];
}

interface TxState {
  readonly xid: number;
  readonly finalLsn: bigint;
  readonly commitTime: bigint;
  /** Records produced so far in this transaction (1-based index of the last). */
  events: number;
  /** Records of this transaction delivered before a restart: skipped. */
  readonly skip: number;
}

interface Ready {
  readonly record: SourceRecord;
  readonly resumeLsn: bigint;
}

type RecordBuilder = (offset: Readonly<Record<string, unknown>>) => SourceRecord;

interface SnapshotState {
  readonly lsn: bigint;
  readonly tables: readonly TableId[];
  index: number;
  current: { envelope: TableEnvelope; columns: readonly string[] } | null;
  /** The latest snapshot record, held back until we know whether it is the last. */
  held: ((last: boolean) => SourceRecord) | null;
}

function isKnownType(oid: number): boolean {
  return (Object.values(Oid) as number[]).includes(oid) || ARRAY_ELEMENT_OID[oid] !== undefined;
}

export class CdcSourceTaskRunner {
  private readonly config: SourceConfig;
  private readonly context: SourceTaskContext;
  private readonly log;
  private readonly stopController = new AbortController();
  private readonly partition;
  private sql: pg.Client | null = null;
  private repl: pg.Client | null = null;
  private stream: ReplicationStream | null = null;
  private tracker = new LsnAckTracker(0n);
  private readonly inbound = new Queue<Inbound>();
  private readonly ready: Ready[] = [];
  private held: { build: RecordBuilder; event: number } | null = null;
  private tx: TxState | null = null;
  private processing = false;
  /** End LSN of the last transaction fully processed (where a restart resumes). */
  private resumeLsn = 0n;
  /** Everything received before this LSN has been turned into records. */
  private processedLsn: bigint | null = null;
  private skip: CdcResumePoint['skip'] = null;
  private startLsn = 0n;
  private readonly relations = new Map<number, RelationState>();
  private readonly baseTypes = new Map<number, { oid: number; typmod: number | null }>();
  private snapshot: SnapshotState | null = null;
  private failure: Error | null = null;
  /** Streaming must be started again (the connection was lost): from the last record handed out. */
  private needsRestart = false;
  private restartFrom: { lsn: bigint; skip: CdcResumePoint['skip'] } = { lsn: 0n, skip: null };
  private wakeUp: (() => void) | null = null;
  private statusTimer: NodeJS.Timeout | null = null;

  constructor(config: SourceConfig, context: SourceTaskContext) {
    this.config = config;
    this.context = context;
    this.partition = cdcPartition(config.serverName);
    this.log = connectorLogger({ connector: 'postgres-source', mode: 'cdc', slot: config.slotName });
  }

  private get stopped(): boolean {
    return this.stopController.signal.aborted || this.context.signal.aborted;
  }

  // ---- start ------------------------------------------------------------------------------

  private connect(replication: boolean): Promise<pg.Client> {
    const cfg = this.config;
    return connectClient(cfg.connection, {
      replication,
      attempts: cfg.connectionAttempts,
      backoffMs: cfg.connectionBackoffMs,
      signal: this.context.signal,
      applicationName: replication ? 'kstream-postgres-cdc' : 'kstream-postgres-cdc-sql',
    });
  }

  async start(): Promise<void> {
    const cfg = this.config;
    this.sql = await this.connect(false);
    this.repl = await this.connect(true);
    const sql = this.sql;
    const level = await sql.query<{ wal_level: string }>(`SELECT current_setting('wal_level') AS wal_level`);
    if (level.rows[0].wal_level !== 'logical') throw new Error(`mode=cdc needs wal_level=logical (the server has ${level.rows[0].wal_level})`);

    const resume = readCdcOffset(await this.context.offsetStorageReader.offset(this.partition));
    await this.ensurePublication();
    const slot = await this.inactiveSlot();
    const wantSnapshot = cfg.snapshotMode === 'initial' && (resume === null || resume.snapshot === 'incomplete');
    let slotLsn: bigint;
    let exportedSnapshot: string | null = null;
    if (slot.rows.length === 0) {
      const created = await this.createSlot(wantSnapshot);
      slotLsn = created.consistentPoint;
      exportedSnapshot = created.snapshotName;
      if (resume && resume.snapshot !== 'incomplete') {
        this.log.warn('the replication slot was missing and has been created again: changes made while it was gone are not streamed', { slot: cfg.slotName });
      }
    } else {
      const row = slot.rows[0];
      if (row.plugin !== 'pgoutput') throw new Error(`replication slot ${cfg.slotName} uses plugin ${row.plugin}, not pgoutput`);
      if (row.database !== cfg.connection.database) throw new Error(`replication slot ${cfg.slotName} belongs to database ${row.database}`);
      slotLsn = row.confirmed ? parseLsn(row.confirmed) : 0n;
    }
    this.tracker = new LsnAckTracker(slotLsn);
    const offsetLsn = resume && resume.snapshot !== 'incomplete' ? resume.lsn : 0n;
    // The committed offset may be ahead of the slot (a crash between the two): confirm it.
    this.tracker.confirmCommitted(offsetLsn);
    this.startLsn = offsetLsn > slotLsn ? offsetLsn : slotLsn;
    this.resumeLsn = this.startLsn;
    this.skip = resume?.snapshot === 'none' ? resume.skip : null;
    this.restartFrom = { lsn: this.startLsn, skip: this.skip };

    if (wantSnapshot) {
      await sql.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      if (exportedSnapshot) {
        await sql.query(`SET TRANSACTION SNAPSHOT ${quoteLiteral(exportedSnapshot)}`);
      } else {
        // The slot existed already: this snapshot is newer than the slot's position, so some
        // changes come both in it and in the stream after it (at least once, nothing lost).
        this.log.warn('taking the initial snapshot without the slot\'s exported snapshot: events may repeat', { slot: cfg.slotName });
      }
      const tables = await this.snapshotTables();
      this.snapshot = { lsn: this.startLsn, tables, index: 0, current: null, held: null };
      this.log.info('snapshot started', { tables: tables.length, lsn: formatLsn(this.startLsn) });
    } else {
      await this.startStreaming();
    }
  }

  /** The slot's row, once no other connection uses it (a previous task may still be letting go). */
  private async inactiveSlot(): Promise<pg.QueryResult<{ confirmed: string | null; plugin: string | null; database: string | null; active: string }>> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const slot = await (this.sql as pg.Client).query<{ confirmed: string | null; plugin: string | null; database: string | null; active: string }>(
        `SELECT confirmed_flush_lsn::text AS confirmed, plugin, database, active::text AS active FROM pg_catalog.pg_replication_slots WHERE slot_name = $1`,
        [this.config.slotName],
      );
      if (slot.rows.length === 0 || slot.rows[0].active !== 'true') return slot;
      if (Date.now() > deadline || this.stopped) throw new Error(`replication slot ${this.config.slotName} is in use by another connection`);
      await sleep(200, this.context.signal);
    }
  }

  private async ensurePublication(): Promise<void> {
    const cfg = this.config;
    const sql = this.sql as pg.Client;
    const existing = await sql.query(`SELECT 1 FROM pg_catalog.pg_publication WHERE pubname = $1`, [cfg.publicationName]);
    if (existing.rows.length > 0) return;
    if (cfg.publicationAutocreate === 'disabled') throw new Error(`publication ${cfg.publicationName} does not exist (publication.autocreate.mode=disabled)`);
    if (cfg.publicationAutocreate === 'all_tables') {
      await sql.query(`CREATE PUBLICATION ${quoteIdent(cfg.publicationName)} FOR ALL TABLES`);
    } else {
      const tables = await listTables(sql, { include: cfg.includeTables, exclude: cfg.excludeTables, schemaPattern: cfg.schemaPattern });
      if (tables.length === 0) throw new Error(`no table matches table.include.list; cannot create publication ${cfg.publicationName}`);
      await sql.query(`CREATE PUBLICATION ${quoteIdent(cfg.publicationName)} FOR TABLE ${tables.map(quoteTable).join(', ')}`);
    }
    this.log.info('publication created', { publication: cfg.publicationName, mode: cfg.publicationAutocreate });
  }

  private async createSlot(exportSnapshot: boolean): Promise<{ consistentPoint: bigint; snapshotName: string | null }> {
    const sql = this.sql as pg.Client;
    const repl = this.repl as pg.Client;
    const version = Number((await sql.query<{ v: string }>(`SELECT current_setting('server_version_num') AS v`)).rows[0].v);
    const name = quoteIdent(this.config.slotName);
    const option = version >= 150000 ? `(SNAPSHOT '${exportSnapshot ? 'export' : 'nothing'}')` : exportSnapshot ? 'EXPORT_SNAPSHOT' : 'NOEXPORT_SNAPSHOT';
    const result = await repl.query<{ consistent_point: string; snapshot_name: string | null }>(`CREATE_REPLICATION_SLOT ${name} LOGICAL pgoutput ${option}`);
    const row = result.rows[0];
    this.log.info('replication slot created', { slot: this.config.slotName, consistentPoint: row.consistent_point });
    return { consistentPoint: parseLsn(row.consistent_point), snapshotName: exportSnapshot ? row.snapshot_name : null };
  }

  private async snapshotTables(): Promise<TableId[]> {
    const cfg = this.config;
    const result = await (this.sql as pg.Client).query<{ schemaname: string; tablename: string }>(
      `SELECT schemaname, tablename FROM pg_catalog.pg_publication_tables WHERE pubname = $1 ORDER BY schemaname, tablename`,
      [cfg.publicationName],
    );
    return result.rows.map((r) => ({ schema: r.schemaname, table: r.tablename })).filter((t) => tableIncluded(t, cfg.includeTables, cfg.excludeTables));
  }

  private async startStreaming(): Promise<void> {
    const cfg = this.config;
    const publications = quoteLiteral(quoteIdent(cfg.publicationName));
    const text = `START_REPLICATION SLOT ${quoteIdent(cfg.slotName)} LOGICAL ${formatLsn(this.startLsn)} (proto_version '1', publication_names ${publications})`;
    const stream = new ReplicationStream(text, {
      onMessage: (message) => {
        if (message.tag === 'xlogdata') {
          this.inbound.push({ kind: 'change', walStart: message.walStart, message: decodePgOutput(message.data) });
        } else {
          this.inbound.push({ kind: 'keepalive', walEnd: message.walEnd });
          if (message.replyRequested) this.sendStatus();
        }
        if (this.inbound.length >= INBOUND_HIGH) this.stream?.pause();
        this.wake();
      },
      onError: (error) => {
        if (!this.stopped) {
          const message = `replication stream failed: ${error.message}`;
          this.failure = error instanceof PgOutputError ? new Error(message, { cause: error }) : new StreamLost(message, { cause: error });
        }
        this.wake();
      },
      onEnd: () => {
        if (!this.stopped) this.failure = new StreamLost('the server ended the replication stream');
        this.wake();
      },
    });
    this.stream = stream;
    (this.repl as pg.Client).query(stream);
    await stream.started;
    this.sendStatus();
    this.log.info('streaming', { slot: cfg.slotName, from: formatLsn(this.startLsn) });
    this.statusTimer = setInterval(() => {
      this.confirmIfIdle();
      this.sendStatus();
    }, cfg.statusUpdateIntervalMs);
    this.statusTimer.unref();
  }

  // ---- poll ---------------------------------------------------------------------------------

  async poll(): Promise<SourceRecord[] | null> {
    if (this.stopped) return null;
    try {
      if (this.needsRestart) await this.restartStreaming();
      this.throwIfFailed();
      if (this.snapshot) return await this.pollSnapshot(this.snapshot);
      await this.processInbound();
      if (this.ready.length === 0) {
        this.confirmIfIdle();
        await this.waitForInbound(Math.min(this.config.pollIntervalMs, MAX_WAIT_MS));
        if (this.stopped) return null;
        this.throwIfFailed();
        await this.processInbound();
      }
      return this.handOut();
    } catch (error) {
      if (this.stopped) return null;
      if (error instanceof RetriableError) throw error;
      if (!this.snapshot && (error instanceof StreamLost || isRetriableDbError(error))) {
        // Connection lost: the next poll reconnects and streams again after the last record handed out.
        this.needsRestart = true;
        this.log.warn('replication connection lost; reconnecting', { error: errorMessage(error) });
        throw new RetriableError(`${errorMessage(error)}; the replication stream will be restarted`, { cause: error });
      }
      throw error;
    }
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }

  /** Streams again from right after the last record handed out (nothing repeats, nothing is lost). */
  private async restartStreaming(): Promise<void> {
    if (this.statusTimer) clearInterval(this.statusTimer);
    this.statusTimer = null;
    const repl = this.repl;
    this.repl = null;
    this.stream = null;
    await repl?.end().catch(() => undefined);
    this.inbound.clear();
    // Streamed records not handed out yet come again; snapshot records (before them) stay.
    const snapshotRecords = this.ready.filter((r) => r.record.sourceOffset.snapshot === true);
    this.ready.length = 0;
    this.ready.push(...snapshotRecords);
    this.held = null;
    this.tx = null;
    this.relations.clear();
    this.processedLsn = null;
    this.failure = null;
    this.startLsn = this.restartFrom.lsn;
    this.resumeLsn = this.restartFrom.lsn;
    this.skip = this.restartFrom.skip;
    try {
      const sql = this.sql;
      if (!sql || !(await sql.query('SELECT 1').then(() => true, () => false))) {
        await sql?.end().catch(() => undefined);
        this.sql = await this.connect(false);
      }
      await this.inactiveSlot();
      this.repl = await this.connect(true);
      await this.startStreaming();
      this.needsRestart = false;
    } catch (error) {
      throw new RetriableError(`restarting the replication stream failed: ${errorMessage(error)}`, { cause: error });
    }
  }

  private handOut(): SourceRecord[] | null {
    if (this.ready.length === 0) return null;
    const batch = this.ready.splice(0, this.config.batchMaxRows);
    for (const r of batch) this.tracker.handedOut(r.record.sourceOffset, r.resumeLsn);
    const last = readCdcOffset(batch[batch.length - 1].record.sourceOffset);
    if (last) this.restartFrom = { lsn: last.lsn, skip: last.skip };
    return batch.map((r) => r.record);
  }

  private wake(): void {
    const w = this.wakeUp;
    this.wakeUp = null;
    w?.();
  }

  private async waitForInbound(ms: number): Promise<void> {
    if (this.inbound.length > 0 || this.stopped || this.failure) return;
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.wakeUp = resolve;
      timer = setTimeout(resolve, ms);
      this.stopController.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    clearTimeout(timer);
    this.wakeUp = null;
  }

  private async processInbound(): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    try {
      while (this.inbound.length > 0 && this.ready.length < this.config.batchMaxRows && !this.stopped) {
        const item = this.inbound.shift();
        if (this.inbound.length <= INBOUND_LOW) this.stream?.resume();
        if (item.kind === 'keepalive') {
          if (!this.tx && (this.processedLsn === null || item.walEnd > this.processedLsn)) this.processedLsn = item.walEnd;
          continue;
        }
        await this.handle(item.message, item.walStart);
      }
    } finally {
      this.processing = false;
    }
  }

  private async handle(message: PgOutputMessage, walStart: bigint): Promise<void> {
    switch (message.tag) {
      case 'begin': {
        const skip = this.skip && this.skip.commitLsn === message.finalLsn ? this.skip.events : 0;
        this.tx = { xid: message.xid, finalLsn: message.finalLsn, commitTime: message.commitTime, events: 0, skip };
        return;
      }
      case 'commit': {
        const tx = this.tx;
        if (this.held && tx) {
          this.release(this.held.build(streamingOffset(message.endLsn, tx.xid, pgTimeToUnixMicros(tx.commitTime), null)), message.endLsn);
          this.held = null;
        }
        if (this.skip && tx && this.skip.commitLsn === tx.finalLsn) this.skip = null;
        this.tx = null;
        this.resumeLsn = message.endLsn;
        if (this.processedLsn === null || message.endLsn > this.processedLsn) this.processedLsn = message.endLsn;
        return;
      }
      case 'relation':
        await this.onRelation(message);
        return;
      case 'insert':
      case 'update':
      case 'delete':
        this.onChange(message, walStart);
        return;
      case 'truncate':
        this.log.warn('TRUNCATE is not streamed as events', { relations: message.relationIds.map((id) => this.relations.get(id)?.table).filter(Boolean).map((t) => tableName(t as TableId)).join(',') });
        return;
      case 'type':
      case 'origin':
      case 'message':
        return;
    }
  }

  private async baseType(oid: number, typmod: number): Promise<{ oid: number; typmod: number }> {
    if (isKnownType(oid)) return { oid, typmod };
    let base = this.baseTypes.get(oid);
    if (!base) {
      base = await resolveBaseType(this.sql as pg.Client, oid);
      this.baseTypes.set(oid, base);
    }
    return { oid: base.oid, typmod: base.typmod ?? typmod };
  }

  private async onRelation(message: Extract<PgOutputMessage, { tag: 'relation' }>): Promise<void> {
    const table: TableId = { schema: message.namespace || 'pg_catalog', table: message.name };
    const included = tableIncluded(table, this.config.includeTables, this.config.excludeTables);
    if (!included) {
      this.relations.set(message.relationId, { table, included, envelope: null, keyIndexes: [] });
      return;
    }
    const catalog = await describeTable(this.sql as pg.Client, message.relationId);
    const primaryKey = catalog?.primaryKey.length ? catalog.primaryKey : message.columns.filter((c) => c.isKey && message.replicaIdentity !== 'f').map((c) => c.name);
    const columns = await Promise.all(message.columns.map((c) => this.describeColumn(c, catalog, primaryKey, message.replicaIdentity)));
    const envelope = this.newEnvelope(table, columns, primaryKey);
    const keyIndexes = primaryKey.map((k) => message.columns.findIndex((c) => c.name === k)).filter((i) => i >= 0);
    this.relations.set(message.relationId, { table, included, envelope, keyIndexes });
  }

  private async describeColumn(column: RelationColumn, catalog: CatalogTable | null, primaryKey: readonly string[], identity: string): Promise<ColumnDescriptor> {
    const type = await this.baseType(column.typeOid, column.typmod);
    const known = catalog?.columns.find((c) => c.name === column.name);
    return { name: column.name, typeOid: type.oid, typmod: type.typmod, optional: columnOptional(column.name, known?.notNull ?? false, primaryKey, identity) };
  }

  private newEnvelope(table: TableId, columns: readonly ColumnDescriptor[], primaryKey: readonly string[]): TableEnvelope {
    const cfg = this.config;
    return new TableEnvelope(cfg.serverName, cfg.topicPrefix, table, columns, primaryKey, cfg.numericMapping, cfg.unavailablePlaceholder);
  }

  private onChange(message: Extract<PgOutputMessage, { tag: 'insert' | 'update' | 'delete' }>, walStart: bigint): void {
    const tx = this.tx;
    if (!tx) throw new Error(`${message.tag} outside a transaction`);
    const relation = this.relations.get(message.relationId);
    if (!relation) throw new Error(`change for unknown relation ${message.relationId} (no Relation message)`);
    if (!relation.included || !relation.envelope) return;
    const envelope = relation.envelope;
    const source = {
      tsMs: pgTimeToUnixMs(tx.commitTime),
      snapshot: 'false' as const,
      db: this.config.connection.database,
      table: relation.table,
      txId: tx.xid,
      lsn: walStart,
      sequence: JSON.stringify([this.resumeLsn.toString(), walStart.toString()]),
    };
    const emit = (op: ChangeOp | 'tombstone', keyRow: readonly ColumnText[], before: readonly ColumnText[] | null, after: readonly ColumnText[] | null): void => {
      tx.events++;
      if (tx.events <= tx.skip) return;
      const key = envelope.key(keyRow);
      const value = op === 'tombstone' ? null : envelope.envelope(op, before, after, source);
      this.hold(
        (offset) => ({
          topic: envelope.topic,
          kafkaPartition: null,
          keySchema: key ? envelope.keySchema : null,
          key,
          valueSchema: value ? envelope.envelopeSchema : null,
          value,
          timestamp: source.tsMs,
          headers: [],
          sourcePartition: this.partition,
          sourceOffset: offset,
        }),
        tx,
      );
    };
    switch (message.tag) {
      case 'insert': {
        const after = texts(message.newTuple, null);
        emit('c', after, null, after);
        return;
      }
      case 'update': {
        const old = message.oldTuple ?? message.oldKey;
        const before = old ? texts(old, null) : null;
        const after = texts(message.newTuple, message.oldTuple);
        if (before && keyChanged(relation.keyIndexes, before, after)) {
          // The primary key changed: a delete of the old key and a create of the new (as Debezium).
          emit('d', before, before, null);
          if (this.config.tombstonesOnDelete) emit('tombstone', before, null, null);
          emit('c', after, null, after);
          return;
        }
        emit('u', after, message.oldTuple ? before : null, after);
        return;
      }
      case 'delete': {
        const old = message.oldTuple ?? message.oldKey;
        if (!old) return;
        const before = texts(old, null);
        emit('d', before, before, null);
        if (this.config.tombstonesOnDelete) emit('tombstone', before, null, null);
        return;
      }
    }
  }

  /** Keeps the newest record back until the next one (or the commit) tells its offset. */
  private hold(build: RecordBuilder, tx: TxState): void {
    if (this.held) {
      const prev = this.held;
      this.release(prev.build(streamingOffset(this.resumeLsn, tx.xid, pgTimeToUnixMicros(tx.commitTime), { commitLsn: tx.finalLsn, event: prev.event })), this.resumeLsn);
    }
    this.held = { build, event: tx.events };
  }

  private release(record: SourceRecord, resumeLsn: bigint): void {
    this.ready.push({ record, resumeLsn });
  }

  // ---- snapshot -------------------------------------------------------------------------------

  private async pollSnapshot(snap: SnapshotState): Promise<SourceRecord[] | null> {
    const sql = this.sql as pg.Client;
    while (this.ready.length === 0 && !this.stopped) {
      if (!snap.current) {
        if (snap.index >= snap.tables.length) {
          await this.finishSnapshot(snap);
          break;
        }
        const table = snap.tables[snap.index];
        const catalog = await describeTable(sql, table);
        if (!catalog) {
          snap.index++;
          continue;
        }
        const cols = catalog.columns.filter((c) => !c.generated);
        const descriptors: ColumnDescriptor[] = [];
        for (const c of cols) {
          const type = await this.baseType(c.typeOid, c.typmod);
          descriptors.push({ name: c.name, typeOid: type.oid, typmod: type.typmod, optional: columnOptional(c.name, c.notNull, catalog.primaryKey, catalog.replicaIdentity) });
        }
        const envelope = this.newEnvelope(catalog.id, descriptors, catalog.primaryKey);
        await sql.query(`DECLARE ${SNAPSHOT_CURSOR} NO SCROLL CURSOR FOR SELECT ${cols.map((c) => quoteIdent(c.name)).join(', ') || '*'} FROM ${quoteTable(catalog.id)}`);
        snap.current = { envelope, columns: cols.map((c) => c.name) };
      }
      const current = snap.current;
      const result = await sql.query({ text: `FETCH FORWARD ${this.config.batchMaxRows} FROM ${SNAPSHOT_CURSOR}`, rowMode: 'array' });
      const rows = result.rows as (string | null)[][];
      for (const row of rows) this.holdSnapshotRecord(snap, current.envelope, row);
      if (rows.length < this.config.batchMaxRows) {
        await sql.query(`CLOSE ${SNAPSHOT_CURSOR}`);
        snap.current = null;
        snap.index++;
      }
    }
    return this.handOut();
  }

  private holdSnapshotRecord(snap: SnapshotState, envelope: TableEnvelope, row: readonly ColumnText[]): void {
    if (snap.held) this.release(snap.held(false), snap.lsn);
    const now = Date.now();
    snap.held = (last) => {
      const key = envelope.key(row);
      const value = envelope.envelope('r', null, row, {
        tsMs: now,
        snapshot: last ? 'last' : 'true',
        db: this.config.connection.database,
        table: envelope.table,
        txId: null,
        lsn: snap.lsn,
        sequence: null,
      });
      return {
        topic: envelope.topic,
        kafkaPartition: null,
        keySchema: key ? envelope.keySchema : null,
        key,
        valueSchema: envelope.envelopeSchema,
        value,
        timestamp: now,
        headers: [],
        sourcePartition: this.partition,
        sourceOffset: snapshotOffset(snap.lsn, last),
      };
    };
  }

  private async finishSnapshot(snap: SnapshotState): Promise<void> {
    await (this.sql as pg.Client).query('COMMIT');
    if (snap.held) this.release(snap.held(true), snap.lsn);
    snap.held = null;
    this.snapshot = null;
    this.log.info('snapshot completed', { tables: snap.tables.length });
    await this.startStreaming();
  }

  // ---- acknowledgements -------------------------------------------------------------------------

  commitRecord(record: SourceRecord): void {
    this.tracker.acknowledged(record.sourceOffset);
  }

  commit(): void {
    if (this.tracker.onCommit() !== null) this.sendStatus();
    this.confirmIfIdle();
  }

  private get idle(): boolean {
    return !this.snapshot && !this.tx && !this.held && !this.processing && this.ready.length === 0 && this.inbound.length === 0;
  }

  private confirmIfIdle(): void {
    if (this.idle && this.tracker.onIdle(this.processedLsn) !== null) this.sendStatus();
  }

  private sendStatus(): void {
    const stream = this.stream;
    if (!stream?.isStreaming) return;
    const lsn = this.tracker.confirmedLsn;
    try {
      stream.send(encodeStandbyStatus(lsn, lsn, lsn, pgClockNow()));
    } catch (error) {
      this.log.warn('sending a status update failed', { error: errorMessage(error) });
    }
  }

  /** The LSN confirmed to the server so far (for tests and monitoring). */
  get confirmedLsn(): bigint {
    return this.tracker.confirmedLsn;
  }

  // ---- stop ---------------------------------------------------------------------------------------

  async stop(): Promise<void> {
    if (this.stopController.signal.aborted) return;
    this.stopController.abort();
    this.wake();
    if (this.statusTimer) clearInterval(this.statusTimer);
    this.statusTimer = null;
    const repl = this.repl;
    const sql = this.sql;
    this.repl = null;
    this.sql = null;
    this.stream = null;
    if (repl) await repl.end().catch(() => undefined);
    if (sql && this.config.slotDropOnStop) await this.dropSlot(sql);
    if (sql) await sql.end().catch(() => undefined);
  }

  private async dropSlot(sql: pg.Client): Promise<void> {
    await sql.query('ROLLBACK').catch(() => undefined);
    for (let attempt = 0; attempt < 50; attempt++) {
      try {
        await sql.query(`SELECT pg_catalog.pg_drop_replication_slot(slot_name) FROM pg_catalog.pg_replication_slots WHERE slot_name = $1 AND NOT active`, [this.config.slotName]);
        const left = await sql.query(`SELECT 1 FROM pg_catalog.pg_replication_slots WHERE slot_name = $1`, [this.config.slotName]);
        if (left.rows.length === 0) return;
      } catch (error) {
        this.log.debug('dropping the slot failed; retrying', { error: errorMessage(error) });
      }
      await sleep(100);
    }
    this.log.warn('could not drop the replication slot', { slot: this.config.slotName });
  }
}

/** The replication connection broke or the server ended the stream (not a protocol error). */
class StreamLost extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StreamLost';
  }
}

/** A FIFO queue with O(1) shift (Array.prototype.shift copies large arrays). */
class Queue<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }

  shift(): T {
    if (this.head >= this.items.length) throw new Error('queue is empty');
    const item = this.items[this.head] as T;
    this.items[this.head++] = undefined;
    if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}

/**
 * Whether a column is optional in the event schema. Primary key columns and, with REPLICA IDENTITY
 * FULL, NOT NULL columns keep their nullability; otherwise non-key columns are optional, since a
 * delete's `before` then carries only the key columns.
 */
export function columnOptional(name: string, notNull: boolean, primaryKey: readonly string[], replicaIdentity: string): boolean {
  if (primaryKey.includes(name)) return !notNull;
  return replicaIdentity === 'f' ? !notNull : true;
}

function texts(tuple: TupleData, old: TupleData | null): ColumnText[] {
  const out: ColumnText[] = new Array(tuple.length);
  for (let i = 0; i < tuple.length; i++) {
    const v = tuple[i];
    if (v === UNCHANGED_TOAST) {
      const o = old?.[i];
      out[i] = typeof o === 'string' ? o : UNAVAILABLE;
    } else if (Buffer.isBuffer(v)) {
      out[i] = v.toString('utf8');
    } else {
      out[i] = v;
    }
  }
  return out;
}

function keyChanged(keyIndexes: readonly number[], before: readonly ColumnText[], after: readonly ColumnText[]): boolean {
  return keyIndexes.some((i) => before[i] !== after[i] && before[i] !== null);
}
