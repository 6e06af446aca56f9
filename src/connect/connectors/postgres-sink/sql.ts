/** SQL the sink runs: DDL for auto.create/auto.evolve and the batched write statements. */
import type { Schema } from '../../api.ts';
import { pgTypeForSchema, quoteIdent, quoteLiteral } from '../postgres-common/index.ts';
import type { SinkTable } from './record-ops.ts';

/** PostgreSQL accepts at most 65535 parameters in one statement. */
export const MAX_PARAMS = 65_535;

export function quoteSinkTable(t: SinkTable): string {
  return t.schema === null ? quoteIdent(t.table) : `${quoteIdent(t.schema)}.${quoteIdent(t.table)}`;
}

export interface ColumnDef {
  readonly name: string;
  readonly schema: Schema;
}

function defaultClause(schema: Schema): string {
  const d = schema.defaultValue;
  if (d === undefined || d === null || schema.name) return '';
  if (typeof d === 'number' && Number.isFinite(d)) return ` DEFAULT ${d}`;
  if (typeof d === 'bigint') return ` DEFAULT ${d.toString()}`;
  if (typeof d === 'boolean') return ` DEFAULT ${d ? 'TRUE' : 'FALSE'}`;
  if (typeof d === 'string' && schema.type === 'string') return ` DEFAULT ${quoteLiteral(d)}`;
  return '';
}

function columnDefinition(c: ColumnDef, forceNotNull: boolean): string {
  const notNull = forceNotNull || !c.schema.optional;
  return `${quoteIdent(c.name)} ${pgTypeForSchema(c.schema)}${notNull ? ' NOT NULL' : ''}${defaultClause(c.schema)}`;
}

/** CREATE TABLE IF NOT EXISTS with the key columns first and PRIMARY KEY over them. */
export function createTableSql(table: SinkTable, key: readonly ColumnDef[], fields: readonly ColumnDef[]): string {
  const defs = [...key.map((c) => columnDefinition(c, true)), ...fields.map((c) => columnDefinition(c, false))];
  if (key.length > 0) defs.push(`PRIMARY KEY (${key.map((c) => quoteIdent(c.name)).join(', ')})`);
  return `CREATE TABLE IF NOT EXISTS ${quoteSinkTable(table)} (\n  ${defs.join(',\n  ')}\n)`;
}

/** ALTER TABLE ... ADD COLUMN IF NOT EXISTS for each new column. */
export function addColumnsSql(table: SinkTable, columns: readonly ColumnDef[]): string {
  return `ALTER TABLE ${quoteSinkTable(table)} ${columns.map((c) => `ADD COLUMN IF NOT EXISTS ${columnDefinition(c, false)}`).join(', ')}`;
}

function placeholders(rows: number, cols: number, casts?: readonly string[]): string {
  const out: string[] = [];
  let n = 1;
  for (let r = 0; r < rows; r++) {
    const row: string[] = [];
    for (let c = 0; c < cols; c++) row.push(casts ? `$${n++}::${casts[c]}` : `$${n++}`);
    out.push(`(${row.join(', ')})`);
  }
  return out.join(', ');
}

/** INSERT of `rows` rows; with `conflictKey`, an upsert (ON CONFLICT ... DO UPDATE SET the other columns). */
export function insertSql(table: SinkTable, columns: readonly string[], rows: number, conflictKey: readonly string[] | null): string {
  let sql = `INSERT INTO ${quoteSinkTable(table)} (${columns.map(quoteIdent).join(', ')}) VALUES ${placeholders(rows, columns.length)}`;
  if (conflictKey) {
    const updates = columns.filter((c) => !conflictKey.includes(c));
    sql += ` ON CONFLICT (${conflictKey.map(quoteIdent).join(', ')}) `;
    sql += updates.length > 0 ? `DO UPDATE SET ${updates.map((c) => `${quoteIdent(c)} = EXCLUDED.${quoteIdent(c)}`).join(', ')}` : 'DO NOTHING';
  }
  return sql;
}

/** UPDATE of `rows` rows by key from a VALUES list (typed by the columns' types). */
export function updateSql(table: SinkTable, key: readonly string[], fields: readonly string[], rows: number, types: readonly string[]): string {
  const all = [...key, ...fields];
  const alias = 'kstream_v';
  return (
    `UPDATE ${quoteSinkTable(table)} AS kstream_t SET ${fields.map((f) => `${quoteIdent(f)} = ${alias}.${quoteIdent(f)}`).join(', ')} ` +
    `FROM (VALUES ${placeholders(rows, all.length, types)}) AS ${alias} (${all.map(quoteIdent).join(', ')}) ` +
    `WHERE ${key.map((k) => `kstream_t.${quoteIdent(k)} = ${alias}.${quoteIdent(k)}`).join(' AND ')}`
  );
}

/** DELETE of `rows` rows by key. */
export function deleteSql(table: SinkTable, key: readonly string[], rows: number, types: readonly string[]): string {
  const target = key.length === 1 ? quoteIdent(key[0]) : `(${key.map(quoteIdent).join(', ')})`;
  const list =
    key.length === 1
      ? Array.from({ length: rows }, (_, i) => `$${i + 1}::${types[0]}`).join(', ')
      : placeholders(rows, key.length, types);
  return `DELETE FROM ${quoteSinkTable(table)} WHERE ${target} IN (${list})`;
}

/** Rows per statement so the parameters stay under the limit. */
export function rowsPerStatement(columns: number, batchSize: number): number {
  return Math.max(1, Math.min(batchSize, Math.floor(MAX_PARAMS / Math.max(1, columns))));
}
