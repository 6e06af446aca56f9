/** The SELECT each query mode runs (the JDBC source connector's criteria). */
import { formatTimestamp, quoteIdent, quoteTable, type PgInstant, type TableId } from '../postgres-common/index.ts';
import type { SourceMode } from './config.ts';
import { usesIncrementing, usesTimestamp, type QueryOffset } from './query-offsets.ts';

export interface QuerySqlInput {
  readonly mode: SourceMode;
  /** A table, or a custom query wrapped as a subquery. */
  readonly source: { readonly table: TableId } | { readonly query: string };
  readonly incrementingColumn: string | null;
  readonly timestampColumns: readonly string[];
  readonly offset: QueryOffset;
  /** Rows with a timestamp at or after this are left for later (now − timestamp.delay.interval.ms). */
  readonly upperBound: PgInstant | null;
}

export function timestampExpression(columns: readonly string[]): string {
  if (columns.length === 0) throw new Error('no timestamp column');
  return columns.length === 1 ? quoteIdent(columns[0]) : `COALESCE(${columns.map(quoteIdent).join(', ')})`;
}

export function buildQuerySql(input: QuerySqlInput): { text: string; values: string[] } {
  const from = 'table' in input.source ? quoteTable(input.source.table) : `(${input.source.query.trim().replace(/;\s*$/, '')}) AS "kstream_query"`;
  const values: string[] = [];
  const param = (v: string): string => {
    values.push(v);
    return `$${values.length}`;
  };
  const where: string[] = [];
  const order: string[] = [];
  const inc = usesIncrementing(input.mode) ? input.incrementingColumn : null;
  if (usesIncrementing(input.mode) && !inc) throw new Error(`mode ${input.mode} needs an incrementing column`);
  if (input.mode === 'incrementing' && inc) {
    if (input.offset.incrementing !== null) where.push(`${quoteIdent(inc)} > ${param(input.offset.incrementing.toString())}`);
    order.push(`${quoteIdent(inc)} ASC`);
  } else if (usesTimestamp(input.mode)) {
    const ts = timestampExpression(input.timestampColumns);
    if (input.upperBound) where.push(`${ts} < ${param(formatTimestamp(input.upperBound))}`);
    const last = input.offset.timestamp;
    if (input.mode === 'timestamp') {
      if (last) where.push(`${ts} > ${param(formatTimestamp(last))}`);
      // Rows without a timestamp cannot be ordered or resumed: they are never read (as in JDBC).
      else where.push(`${ts} IS NOT NULL`);
      order.push(`${ts} ASC`);
    } else if (inc) {
      if (last) {
        const lastTs = param(formatTimestamp(last));
        if (input.offset.incrementing !== null) {
          where.push(`((${ts} = ${lastTs} AND ${quoteIdent(inc)} > ${param(input.offset.incrementing.toString())}) OR ${ts} > ${lastTs})`);
        } else {
          where.push(`${ts} >= ${lastTs}`);
        }
      } else {
        where.push(`${ts} IS NOT NULL`);
      }
      order.push(`${ts} ASC`, `${quoteIdent(inc)} ASC`);
    }
  }
  let text = `SELECT * FROM ${from}`;
  if (where.length > 0) text += ` WHERE ${where.join(' AND ')}`;
  if (order.length > 0) text += ` ORDER BY ${order.join(', ')}`;
  return { text, values };
}
