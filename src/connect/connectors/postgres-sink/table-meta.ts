/** Destination table metadata and auto.create / auto.evolve. */
import type pg from 'pg';
import { quoteSinkTable, createTableSql, addColumnsSql, type ColumnDef } from './sql.ts';
import { sinkTableKey, type ColumnValue, type RowOp, type SinkTable } from './record-ops.ts';
import type { ColumnMeta } from './values.ts';

export interface TableMeta {
  readonly table: SinkTable;
  readonly columns: ReadonlyMap<string, ColumnMeta>;
  readonly primaryKey: readonly string[];
}

/** A problem no retry fixes (missing table or column without auto.create/auto.evolve, ...). */
export class SinkSchemaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SinkSchemaError';
  }
}

export async function readTableMeta(client: pg.Client, table: SinkTable): Promise<TableMeta | null> {
  const rel = await client.query<{ oid: string | null }>(`SELECT to_regclass($1)::oid::text AS oid`, [quoteSinkTable(table)]);
  const oid = rel.rows[0]?.oid;
  if (!oid) return null;
  const cols = await client.query<{ attname: string; type: string; typname: string; typcategory: string; attnotnull: string; atthasdef: string }>(
    `SELECT a.attname, format_type(a.atttypid, a.atttypmod) AS type, t.typname::text AS typname, t.typcategory::text AS typcategory,
            a.attnotnull::text AS attnotnull, (a.atthasdef OR a.attidentity <> '')::text AS atthasdef
       FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
      WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`,
    [oid],
  );
  const pk = await client.query<{ attname: string }>(
    `SELECT a.attname FROM pg_catalog.pg_index i
       JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
      WHERE i.indrelid = $1::oid AND i.indisprimary
      ORDER BY array_position(i.indkey::int2[], a.attnum)`,
    [oid],
  );
  const columns = new Map<string, ColumnMeta>();
  for (const c of cols.rows) {
    columns.set(c.attname, { name: c.attname, type: c.type, typname: c.typname, category: c.typcategory, notNull: c.attnotnull === 'true', hasDefault: c.atthasdef === 'true' });
  }
  return { table, columns, primaryKey: pk.rows.map((r) => r.attname) };
}

/** The first schema seen for each column among the operations (key columns first). */
function columnsOf(ops: readonly RowOp[]): { key: ColumnValue[]; fields: ColumnValue[] } {
  const key = new Map<string, ColumnValue>();
  const fields = new Map<string, ColumnValue>();
  for (const op of ops) {
    for (const k of op.key) if (!key.has(k.name) || (key.get(k.name)?.schema === null && k.schema)) key.set(k.name, k);
    for (const f of op.fields) if (!key.has(f.name) && (!fields.has(f.name) || (fields.get(f.name)?.schema === null && f.schema))) fields.set(f.name, f);
  }
  return { key: [...key.values()], fields: [...fields.values()] };
}

function defOf(c: ColumnValue, table: SinkTable): ColumnDef {
  if (!c.schema) throw new SinkSchemaError(`cannot create column ${c.name} of ${sinkTableKey(table)}: the records have no schema`);
  return { name: c.name, schema: c.schema };
}

export interface DdlOptions {
  readonly autoCreate: boolean;
  readonly autoEvolve: boolean;
}

/**
 * Makes sure the table exists with every column the operations write, creating or altering it
 * when allowed; returns the current metadata. Runs in the caller's transaction.
 */
export async function ensureTable(client: pg.Client, table: SinkTable, ops: readonly RowOp[], known: TableMeta | null, options: DdlOptions): Promise<TableMeta> {
  let meta = known ?? (await readTableMeta(client, table));
  const { key, fields } = columnsOf(ops);
  if (!meta) {
    if (!options.autoCreate) throw new SinkSchemaError(`table ${sinkTableKey(table)} does not exist (auto.create=false)`);
    await client.query(createTableSql(table, key.map((c) => defOf(c, table)), fields.map((c) => defOf(c, table))));
    meta = await readTableMeta(client, table);
    if (!meta) throw new SinkSchemaError(`table ${sinkTableKey(table)} was not created`);
  }
  const current = meta;
  const missing = [...key, ...fields].filter((c) => !current.columns.has(c.name));
  if (missing.length === 0) return meta;
  if (!options.autoEvolve) throw new SinkSchemaError(`table ${sinkTableKey(table)} has no column(s) ${missing.map((c) => c.name).join(', ')} (auto.evolve=false)`);
  const defs = missing.map((c) => defOf(c, table));
  const keyNames = new Set(key.map((k) => k.name));
  for (const d of defs) {
    if (keyNames.has(d.name)) throw new SinkSchemaError(`cannot add primary key column ${d.name} to ${sinkTableKey(table)}`);
    if (!d.schema.optional && (d.schema.defaultValue === undefined || d.schema.defaultValue === null)) {
      throw new SinkSchemaError(`cannot add column ${d.name} to ${sinkTableKey(table)}: the field is required and has no default`);
    }
  }
  await client.query(addColumnsSql(table, defs));
  const evolved = await readTableMeta(client, table);
  if (!evolved) throw new SinkSchemaError(`table ${sinkTableKey(table)} disappeared`);
  return evolved;
}

