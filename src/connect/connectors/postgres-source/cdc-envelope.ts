/**
 * Debezium's PostgreSQL change event envelope:
 *
 *   key:   <server>.<schema>.<table>.Key    { primary key columns }   (null without a primary key)
 *   value: <server>.<schema>.<table>.Envelope {
 *     before: <...>.Value (optional; the old row: with REPLICA IDENTITY FULL every column, with the
 *             default identity only for deletes/updates of the key, and then just the key columns),
 *     after:  <...>.Value (optional; null for deletes),
 *     source: io.debezium.connector.postgresql.Source { version, connector: "postgresql", name,
 *             ts_ms, snapshot, db, sequence, schema, table, txId, lsn, xmin },
 *     op:     "c" | "u" | "d" | "r",
 *     ts_ms:  when the connector processed the event
 *   }
 *
 * Column values follow the common type mapping (Connect logical types for temporal columns, as
 * Debezium with time.precision.mode=connect).
 */
import { Struct, type Schema } from '../../api.ts';
import { primitive, structSchema, type NumericMapping, type TableId } from '../postgres-common/index.ts';
import { RowShape, type ColumnDescriptor, type ColumnText } from './row-shape.ts';

export const CONNECTOR_VERSION = '0.1.0';

export const SOURCE_SCHEMA: Schema = structSchema('io.debezium.connector.postgresql.Source', [
  { name: 'version', schema: primitive('string', false) },
  { name: 'connector', schema: primitive('string', false) },
  { name: 'name', schema: primitive('string', false) },
  { name: 'ts_ms', schema: primitive('int64', false) },
  { name: 'snapshot', schema: primitive('string', true, { name: 'io.debezium.data.Enum', version: 1, parameters: { allowed: 'true,last,false,incremental' }, defaultValue: 'false' }) },
  { name: 'db', schema: primitive('string', false) },
  { name: 'sequence', schema: primitive('string', true) },
  { name: 'schema', schema: primitive('string', false) },
  { name: 'table', schema: primitive('string', false) },
  { name: 'txId', schema: primitive('int64', true) },
  { name: 'lsn', schema: primitive('int64', true) },
  { name: 'xmin', schema: primitive('int64', true) },
]);

export type ChangeOp = 'c' | 'u' | 'd' | 'r';

export interface SourceInfo {
  readonly tsMs: number;
  readonly snapshot: 'true' | 'last' | 'false';
  readonly db: string;
  readonly table: TableId;
  readonly txId: number | null;
  readonly lsn: bigint | null;
  readonly sequence: string | null;
}

/** The schemas of one table's events (rebuilt when its columns change). */
export class TableEnvelope {
  readonly table: TableId;
  readonly topic: string;
  readonly shape: RowShape;
  readonly envelopeSchema: Schema;
  private readonly serverName: string;

  constructor(
    serverName: string,
    topicPrefix: string,
    table: TableId,
    columns: readonly ColumnDescriptor[],
    primaryKey: readonly string[],
    numericMapping: NumericMapping,
    placeholder: string,
  ) {
    this.serverName = serverName;
    this.table = table;
    this.topic = `${topicPrefix}${table.schema}.${table.table}`;
    const base = `${serverName}.${table.schema}.${table.table}`;
    this.shape = new RowShape(columns, primaryKey, { numericMapping, valueSchemaName: `${base}.Value`, keySchemaName: `${base}.Key`, optionalValue: true }, placeholder);
    this.envelopeSchema = structSchema(
      `${base}.Envelope`,
      [
        { name: 'before', schema: this.shape.valueSchema },
        { name: 'after', schema: this.shape.valueSchema },
        { name: 'source', schema: SOURCE_SCHEMA },
        { name: 'op', schema: primitive('string', false) },
        { name: 'ts_ms', schema: primitive('int64', true) },
      ],
      false,
      { version: 2 },
    );
  }

  get keySchema(): Schema | null {
    return this.shape.keySchema;
  }

  key(row: readonly ColumnText[]): Struct | null {
    return this.shape.key(row);
  }

  envelope(op: ChangeOp, before: readonly ColumnText[] | null, after: readonly ColumnText[] | null, source: SourceInfo): Struct {
    const src = new Struct(SOURCE_SCHEMA, [
      ['version', CONNECTOR_VERSION],
      ['connector', 'postgresql'],
      ['name', this.serverName],
      ['ts_ms', source.tsMs],
      ['snapshot', source.snapshot],
      ['db', source.db],
      ['sequence', source.sequence],
      ['schema', source.table.schema],
      ['table', source.table.table],
      ['txId', source.txId],
      ['lsn', source.lsn === null ? null : Number(source.lsn)],
      ['xmin', null],
    ]);
    return new Struct(this.envelopeSchema, [
      ['before', before ? this.shape.value(before) : null],
      ['after', after ? this.shape.value(after) : null],
      ['source', src],
      ['op', op],
      ['ts_ms', Date.now()],
    ]);
  }
}
