/** Quoting and parsing of PostgreSQL identifiers and table names. */

export interface TableId {
  readonly schema: string;
  readonly table: string;
}

/** "name" with embedded double quotes doubled: safe for any identifier. */
export function quoteIdent(name: string): string {
  if (name.includes('\u0000')) throw new Error('identifier contains a NUL character');
  return `"${name.replace(/"/g, '""')}"`;
}

/** "schema"."table" */
export function quoteTable(id: TableId): string {
  return `${quoteIdent(id.schema)}.${quoteIdent(id.table)}`;
}

/** A SQL string literal ('it''s'). */
export function quoteLiteral(value: string): string {
  if (value.includes('\u0000')) throw new Error('string contains a NUL character');
  return `'${value.replace(/'/g, "''")}'`;
}

/** schema.table, unquoted, for topics, offsets and logs. */
export function tableName(id: TableId): string {
  return `${id.schema}.${id.table}`;
}

/**
 * Splits a dotted name into parts; double-quoted parts keep dots and "" escapes
 * (`"my.schema"."Orders"` → ['my.schema', 'Orders']). Unquoted parts are kept as written.
 */
export function splitQualifiedName(name: string): string[] {
  const parts: string[] = [];
  let i = 0;
  const text = name.trim();
  while (i <= text.length) {
    if (text[i] === '"') {
      let part = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new Error(`unterminated quoted identifier in ${JSON.stringify(name)}`);
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            part += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        part += text[i++];
      }
      parts.push(part);
      if (i < text.length && text[i] !== '.') throw new Error(`unexpected text after quoted identifier in ${JSON.stringify(name)}`);
      i++;
    } else {
      const dot = text.indexOf('.', i);
      const end = dot < 0 ? text.length : dot;
      parts.push(text.slice(i, end).trim());
      i = end + 1;
    }
  }
  if (parts.some((p) => p === '')) throw new Error(`empty identifier in ${JSON.stringify(name)}`);
  return parts;
}

/** `table`, `schema.table` or `database.schema.table` (the database part is ignored). */
export function parseTableId(name: string, defaultSchema = 'public'): TableId {
  const parts = splitQualifiedName(name);
  if (parts.length === 1) return { schema: defaultSchema, table: parts[0] };
  if (parts.length === 2) return { schema: parts[0], table: parts[1] };
  if (parts.length === 3) return { schema: parts[1], table: parts[2] };
  throw new Error(`cannot read a table name from ${JSON.stringify(name)}`);
}

export function sameTable(a: TableId, b: TableId): boolean {
  return a.schema === b.schema && a.table === b.table;
}
