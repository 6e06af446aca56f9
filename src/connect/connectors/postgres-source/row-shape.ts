/** Turns rows (column texts) into Connect structs: the value struct and the primary-key struct. */
import { Struct, type Schema } from '../../api.ts';
import { mapColumnType, structSchema, withOptional, type ColumnMapping, type NumericMapping } from '../postgres-common/index.ts';

export interface ColumnDescriptor {
  readonly name: string;
  readonly typeOid: number;
  readonly typmod: number;
  readonly optional: boolean;
}

export interface RowShapeOptions {
  readonly numericMapping: NumericMapping;
  readonly valueSchemaName?: string;
  readonly keySchemaName?: string;
  /** Whether the value struct itself is optional (Debezium's before/after). */
  readonly optionalValue?: boolean;
}

/** Marks a column value that is not known (an unchanged TOASTed value in CDC). */
export const UNAVAILABLE: unique symbol = Symbol('unavailable');
export type ColumnText = string | null | typeof UNAVAILABLE;

export class RowShape {
  readonly columns: readonly ColumnDescriptor[];
  readonly valueSchema: Schema;
  readonly keySchema: Schema | null;
  private readonly mappings: ColumnMapping[];
  private readonly keyIndexes: number[];
  private readonly placeholder: string | null;

  constructor(columns: readonly ColumnDescriptor[], keyColumns: readonly string[], options: RowShapeOptions, placeholder: string | null = null) {
    this.columns = columns;
    this.placeholder = placeholder;
    this.mappings = columns.map((c) => mapColumnType({ oid: c.typeOid, typmod: c.typmod }, c.optional, { numericMapping: options.numericMapping }));
    this.valueSchema = structSchema(
      options.valueSchemaName,
      columns.map((c, i) => ({ name: c.name, schema: this.mappings[i].schema })),
      options.optionalValue ?? false,
    );
    this.keyIndexes = keyColumns.map((k) => columns.findIndex((c) => c.name === k)).filter((i) => i >= 0);
    this.keySchema =
      this.keyIndexes.length > 0 && this.keyIndexes.length === keyColumns.length
        ? structSchema(
            options.keySchemaName,
            this.keyIndexes.map((i) => ({ name: columns[i].name, schema: withOptional(this.mappings[i].schema, false) })),
          )
        : null;
  }

  private convert(index: number, text: ColumnText): unknown {
    if (text === null) return null;
    const mapping = this.mappings[index];
    if (text === UNAVAILABLE) {
      if (mapping.schema.type === 'string' && this.placeholder !== null) return this.placeholder;
      if (mapping.schema.type === 'bytes' && !mapping.schema.name && this.placeholder !== null) return Buffer.from(this.placeholder, 'utf8');
      return null;
    }
    try {
      return mapping.fromText(text);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`column ${this.columns[index].name}: ${message}`, { cause: error });
    }
  }

  value(texts: readonly ColumnText[]): Struct {
    const entries: [string, unknown][] = new Array(this.columns.length);
    for (let i = 0; i < this.columns.length; i++) entries[i] = [this.columns[i].name, this.convert(i, texts[i] ?? null)];
    return new Struct(this.valueSchema, entries);
  }

  /** The key struct, or null when the table has no primary key (or a key column is missing). */
  key(texts: readonly ColumnText[]): Struct | null {
    if (!this.keySchema) return null;
    const entries: [string, unknown][] = this.keyIndexes.map((i) => [this.columns[i].name, this.convert(i, texts[i] ?? null)]);
    return new Struct(this.keySchema, entries);
  }

  indexOf(column: string): number {
    return this.columns.findIndex((c) => c.name === column);
  }
}
