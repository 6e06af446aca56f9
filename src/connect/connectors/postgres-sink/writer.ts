/** Writes the row operations of one table: consecutive operations of one shape become multi-row statements. */
import type pg from 'pg';
import type { InsertMode } from './config.ts';
import type { RowOp, SinkTable } from './record-ops.ts';
import { deleteSql, insertSql, rowsPerStatement, updateSql } from './sql.ts';
import type { TableMeta } from './table-meta.ts';
import { toPgParam, type PgParam } from './values.ts';

/** Gives statements names so the server parses each distinct text once per connection. */
export class StatementNames {
  private readonly names = new Map<string, string>();
  private next = 0;
  private readonly limit: number;

  constructor(limit = 500) {
    this.limit = limit;
  }

  nameFor(text: string): string | undefined {
    let name = this.names.get(text);
    if (name === undefined && this.names.size < this.limit) {
      name = `kstream_sink_${this.next++}`;
      this.names.set(text, name);
    }
    return name;
  }

  clear(): void {
    this.names.clear();
  }
}

export interface WriteOptions {
  readonly insertMode: InsertMode;
  readonly batchSize: number;
}

function paramKey(params: readonly PgParam[]): string {
  return params.map((p) => (p === null ? '\u0000' : Buffer.isBuffer(p) ? `b${p.toString('hex')}` : `s${p}`)).join('\u0001');
}

/** Splits operations into runs of the same kind and columns, keeping their order. */
export function runsOf(ops: readonly RowOp[]): RowOp[][] {
  const runs: RowOp[][] = [];
  let current: RowOp[] = [];
  for (const op of ops) {
    if (current.length > 0 && current[0].shape !== op.shape) {
      runs.push(current);
      current = [];
    }
    current.push(op);
  }
  if (current.length > 0) runs.push(current);
  return runs;
}

interface Row {
  readonly keyParams: PgParam[];
  readonly params: PgParam[];
}

function rowsOf(run: readonly RowOp[], meta: TableMeta, dedupe: boolean): Row[] {
  const rows: Row[] = [];
  const byKey = new Map<string, number>();
  for (const op of run) {
    const keyParams = op.key.map((k) => toPgParam(k.value, k.schema, meta.columns.get(k.name) ?? null));
    const params = [...keyParams, ...op.fields.map((f) => toPgParam(f.value, f.schema, meta.columns.get(f.name) ?? null))];
    if (dedupe && keyParams.length > 0) {
      // One statement may touch a row once (ON CONFLICT DO UPDATE requires it): the last wins.
      const k = paramKey(keyParams);
      const at = byKey.get(k);
      if (at !== undefined) {
        rows[at] = { keyParams, params };
        continue;
      }
      byKey.set(k, rows.length);
    }
    rows.push({ keyParams, params });
  }
  return rows;
}

function typesOf(meta: TableMeta, columns: readonly string[], table: SinkTable): string[] {
  return columns.map((c) => {
    const col = meta.columns.get(c);
    if (!col) throw new Error(`table ${table.table} has no column ${c}`);
    return col.type;
  });
}

export async function writeTableOps(client: pg.Client, meta: TableMeta, ops: readonly RowOp[], options: WriteOptions, names: StatementNames): Promise<number> {
  let affected = 0;
  const run = async (text: string, values: PgParam[]): Promise<void> => {
    const name = names.nameFor(text);
    const result = await client.query(name ? { name, text, values } : { text, values });
    affected += result.rowCount ?? 0;
  };
  for (const group of runsOf(ops)) {
    const first = group[0];
    const keyNames = first.key.map((k) => k.name);
    const fieldNames = first.fields.map((f) => f.name);
    const table = first.table;
    if (first.kind === 'delete') {
      const rows = rowsOf(group, meta, true);
      const types = typesOf(meta, keyNames, table);
      const per = rowsPerStatement(keyNames.length, options.batchSize);
      for (let i = 0; i < rows.length; i += per) {
        const chunk = rows.slice(i, i + per);
        await run(deleteSql(table, keyNames, chunk.length, types), chunk.flatMap((r) => r.keyParams));
      }
      continue;
    }
    const columns = [...keyNames, ...fieldNames];
    if (options.insertMode === 'update') {
      const rows = rowsOf(group, meta, true);
      const types = typesOf(meta, columns, table);
      const per = rowsPerStatement(columns.length, options.batchSize);
      for (let i = 0; i < rows.length; i += per) {
        const chunk = rows.slice(i, i + per);
        await run(updateSql(table, keyNames, fieldNames, chunk.length, types), chunk.flatMap((r) => r.params));
      }
      continue;
    }
    const upsert = options.insertMode === 'upsert';
    const rows = rowsOf(group, meta, upsert);
    const per = rowsPerStatement(columns.length, options.batchSize);
    for (let i = 0; i < rows.length; i += per) {
      const chunk = rows.slice(i, i + per);
      await run(insertSql(table, columns, chunk.length, upsert ? keyNames : null), chunk.flatMap((r) => r.params));
    }
  }
  return affected;
}
