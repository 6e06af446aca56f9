/** Catalog look-ups the source needs: which tables to read, their columns and primary keys. */
import type pg from 'pg';
import { parseTableId, quoteTable, splitQualifiedName, type TableId } from '../postgres-common/index.ts';

const REGEX_CHARS = /[*+?()[\]|^$\\{}]/;

/**
 * Whether a table matches one include/exclude entry: a name (`table` or `schema.table`, matched
 * exactly) or, when the entry has regular-expression characters, a regex matched against the
 * whole `schema.table` (Debezium's table.include.list style).
 */
export function tableMatchesEntry(id: TableId, entry: string): boolean {
  if (REGEX_CHARS.test(entry) && !entry.includes('"')) {
    try {
      return new RegExp(`^(?:${entry})$`).test(`${id.schema}.${id.table}`);
    } catch {
      return false;
    }
  }
  let parts: string[];
  try {
    parts = splitQualifiedName(entry);
  } catch {
    return false;
  }
  if (parts.length === 1) return parts[0] === id.table;
  const t = parseTableId(entry);
  return t.schema === id.schema && t.table === id.table;
}

export function tableIncluded(id: TableId, include: readonly string[], exclude: readonly string[]): boolean {
  if (include.length > 0 && !include.some((e) => tableMatchesEntry(id, e))) return false;
  return !exclude.some((e) => tableMatchesEntry(id, e));
}

const RELKINDS: Record<string, string[]> = {
  TABLE: ['r', 'p'],
  'PARTITIONED TABLE': ['p'],
  VIEW: ['v'],
  'MATERIALIZED VIEW': ['m'],
  'FOREIGN TABLE': ['f'],
};

export interface ListTablesOptions {
  readonly include: readonly string[];
  readonly exclude: readonly string[];
  readonly schemaPattern?: string | null;
  readonly tableTypes?: readonly string[];
}

/** Tables (and other relations of `tableTypes`) the filters select, sorted by schema and name. */
export async function listTables(client: pg.Client, options: ListTablesOptions): Promise<TableId[]> {
  const kinds = [...new Set((options.tableTypes ?? ['TABLE']).flatMap((t) => RELKINDS[t.trim().toUpperCase()] ?? []))];
  const result = await client.query<{ nspname: string; relname: string }>(
    `SELECT n.nspname, c.relname
       FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = ANY($1::"char"[])
        AND NOT c.relispartition
        AND n.nspname NOT IN ('pg_catalog', 'information_schema')
        AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
        AND ($2::text IS NULL OR n.nspname LIKE $2)
      ORDER BY n.nspname, c.relname`,
    [`{${kinds.join(',')}}`, options.schemaPattern ?? null],
  );
  return result.rows.map((r) => ({ schema: r.nspname, table: r.relname })).filter((id) => tableIncluded(id, options.include, options.exclude));
}

export interface CatalogColumn {
  readonly name: string;
  readonly typeOid: number;
  readonly typmod: number;
  readonly notNull: boolean;
  /** A generated (stored) column: logical replication does not send it. */
  readonly generated: boolean;
  /** An identity column or one defaulting to nextval(): an incrementing candidate. */
  readonly autoIncrement: boolean;
}

export interface CatalogTable {
  readonly id: TableId;
  readonly oid: number;
  readonly columns: readonly CatalogColumn[];
  readonly primaryKey: readonly string[];
  /** REPLICA IDENTITY: d(efault), n(othing), f(ull), i(ndex). */
  readonly replicaIdentity: string;
}

/**
 * Columns (domains resolved to their base types) and primary key of a table, by name or OID;
 * null when the table does not exist.
 */
export async function describeTable(client: pg.Client, table: TableId | number): Promise<CatalogTable | null> {
  const select = `SELECT c.oid::text AS oid, n.nspname, c.relname, c.relreplident::text AS relreplident
                    FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace`;
  const rel = await client.query<{ oid: string; nspname: string; relname: string; relreplident: string }>(
    typeof table === 'number' ? `${select} WHERE c.oid = $1::oid` : `${select} WHERE c.oid = to_regclass($1)`,
    [typeof table === 'number' ? String(table) : quoteTable(table)],
  );
  if (rel.rows.length === 0) return null;
  const oid = Number(rel.rows[0].oid);
  const cols = await client.query<{ attname: string; typeoid: string; typmod: string; attnotnull: string; generated: string; autoinc: string }>(
    `SELECT a.attname,
            (CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE a.atttypid END)::text AS typeoid,
            (CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END)::text AS typmod,
            a.attnotnull::text AS attnotnull,
            (a.attgenerated <> '')::text AS generated,
            (a.attidentity <> '' OR coalesce(pg_get_expr(d.adbin, d.adrelid) LIKE 'nextval(%', false))::text AS autoinc
       FROM pg_catalog.pg_attribute a
       JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
       LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`,
    [String(oid)],
  );
  const pk = await client.query<{ attname: string }>(
    `SELECT a.attname
       FROM pg_catalog.pg_index i
       JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
      WHERE i.indrelid = $1::oid AND i.indisprimary
      ORDER BY array_position(i.indkey::int2[], a.attnum)`,
    [String(oid)],
  );
  return {
    id: { schema: rel.rows[0].nspname, table: rel.rows[0].relname },
    oid,
    columns: cols.rows.map((c) => ({
      name: c.attname,
      typeOid: Number(c.typeoid),
      typmod: Number(c.typmod),
      notNull: c.attnotnull === 'true',
      generated: c.generated === 'true',
      autoIncrement: c.autoinc === 'true',
    })),
    primaryKey: pk.rows.map((r) => r.attname),
    replicaIdentity: rel.rows[0].relreplident,
  };
}

/** Base type and modifier of a type OID (a domain's base type; the type itself otherwise). */
export async function resolveBaseType(client: pg.Client, oid: number): Promise<{ oid: number; typmod: number | null }> {
  const r = await client.query<{ base: string; typmod: string; typtype: string }>(
    `SELECT typbasetype::text AS base, typtypmod::text AS typmod, typtype::text AS typtype FROM pg_catalog.pg_type WHERE oid = $1::oid`,
    [String(oid)],
  );
  if (r.rows.length === 0 || r.rows[0].typtype !== 'd') return { oid, typmod: null };
  return { oid: Number(r.rows[0].base), typmod: Number(r.rows[0].typmod) };
}
