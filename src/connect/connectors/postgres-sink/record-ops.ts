/**
 * Sink records to row operations, by pk.mode (the JDBC sink connector's FieldsMetadata rules):
 * which columns form the key, which are written, and whether the record deletes a row.
 */
import { Struct, type Schema, type SinkRecord } from '../../api.ts';
import { primitive, splitQualifiedName } from '../postgres-common/index.ts';
import type { SinkConfig } from './config.ts';

/** A destination table; `schema` null means the connection's search_path decides. */
export interface SinkTable {
  readonly schema: string | null;
  readonly table: string;
}

export function sinkTableKey(t: SinkTable): string {
  return t.schema === null ? t.table : `${t.schema}.${t.table}`;
}

/** `table.name.format` with ${topic} replaced; `a.b` is schema a, table b (as in the JDBC sink). */
export function destinationTable(format: string, topic: string): SinkTable {
  const name = format.replaceAll('${topic}', topic);
  const parts = splitQualifiedName(name);
  if (parts.length === 1) return { schema: null, table: parts[0] };
  return { schema: parts[parts.length - 2], table: parts[parts.length - 1] };
}

export interface ColumnValue {
  readonly name: string;
  /** The Connect schema of the field; null for schemaless values. */
  readonly schema: Schema | null;
  readonly value: unknown;
}

export interface RowOp {
  readonly kind: 'write' | 'delete';
  readonly table: SinkTable;
  readonly key: readonly ColumnValue[];
  /** Columns written besides the key (none for deletes). */
  readonly fields: readonly ColumnValue[];
  /** The column names, for grouping rows into one statement. */
  readonly shape: string;
}

export class RecordError extends Error {
  constructor(record: SinkRecord, message: string) {
    super(`${record.topic}-${record.kafkaPartition}@${record.kafkaOffset}: ${message}`);
    this.name = 'RecordError';
  }
}

const KAFKA_PK_DEFAULTS = ['__connect_topic', '__connect_partition', '__connect_offset'];
const PRIMITIVE_KEY_DEFAULT = '__connect_key';

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || Buffer.isBuffer(v) || v instanceof Date || v instanceof Struct || v instanceof Map) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** The named fields of a struct, map or plain object, in order. */
function fieldsOf(value: unknown, schema: Schema | null): ColumnValue[] | null {
  if (value instanceof Struct) {
    const fields = value.schema.fields ?? [];
    return fields.map((f) => ({ name: f.name, schema: f.schema, value: value.values.has(f.name) ? value.values.get(f.name) : (f.schema.defaultValue ?? null) }));
  }
  if (value instanceof Map) return [...value.entries()].map(([k, v]) => ({ name: String(k), schema: null, value: v }));
  if (isPlainObject(value)) {
    if (schema?.type === 'struct' && schema.fields) {
      return schema.fields.map((f) => ({ name: f.name, schema: f.schema, value: Object.hasOwn(value, f.name) ? value[f.name] : (f.schema.defaultValue ?? null) }));
    }
    return Object.entries(value).map(([k, v]) => ({ name: k, schema: null, value: v }));
  }
  return null;
}

function pick(fields: readonly ColumnValue[], names: readonly string[], record: SinkRecord, what: string): ColumnValue[] {
  return names.map((n) => {
    const f = fields.find((x) => x.name === n);
    if (!f) throw new RecordError(record, `${what} has no field ${JSON.stringify(n)} (pk.fields)`);
    return f;
  });
}

function keyColumns(record: SinkRecord, config: SinkConfig, valueFields: readonly ColumnValue[] | null): ColumnValue[] {
  switch (config.pkMode) {
    case 'none':
      return [];
    case 'kafka': {
      const [t, p, o] = config.pkFields.length === 3 ? config.pkFields : KAFKA_PK_DEFAULTS;
      return [
        { name: t, schema: primitive('string', false), value: record.topic },
        { name: p, schema: primitive('int32', false), value: record.kafkaPartition },
        { name: o, schema: primitive('int64', false), value: record.kafkaOffset },
      ];
    }
    case 'record_key': {
      if (record.key === null || record.key === undefined) throw new RecordError(record, 'pk.mode=record_key but the record has no key');
      const fields = fieldsOf(record.key, record.keySchema);
      if (fields) {
        const names = config.pkFields.length > 0 ? config.pkFields : fields.map((f) => f.name);
        return pick(fields, names, record, 'the key');
      }
      if (config.pkFields.length > 1) throw new RecordError(record, 'a primitive key gives one primary key column: pk.fields must name at most one');
      return [{ name: config.pkFields[0] ?? PRIMITIVE_KEY_DEFAULT, schema: record.keySchema, value: record.key }];
    }
    case 'record_value': {
      if (!valueFields) throw new RecordError(record, 'pk.mode=record_value needs a struct or map value');
      const names = config.pkFields.length > 0 ? config.pkFields : valueFields.map((f) => f.name);
      return pick(valueFields, names, record, 'the value');
    }
  }
}

/** The operation for one record, or null when it writes nothing (a tombstone with delete.enabled=false). */
export function recordToOp(record: SinkRecord, config: SinkConfig): RowOp | null {
  const table = destinationTable(config.tableNameFormat, record.topic);
  if (record.value === null || record.value === undefined) {
    if (!config.deleteEnabled) return null;
    const key = keyColumns(record, config, null);
    return { kind: 'delete', table, key, fields: [], shape: JSON.stringify(['d', key.map((k) => k.name)]) };
  }
  const valueFields = fieldsOf(record.value, record.valueSchema);
  if (!valueFields) throw new RecordError(record, `the value must be a struct or a map, got ${record.valueSchema?.type ?? typeof record.value}`);
  const key = keyColumns(record, config, valueFields);
  const keyNames = new Set(key.map((k) => k.name));
  const whitelist = config.fieldsWhitelist;
  const fields = valueFields.filter((f) => !keyNames.has(f.name) && (whitelist.length === 0 || whitelist.includes(f.name)));
  if (config.insertMode === 'update' && fields.length === 0) throw new RecordError(record, 'insert.mode=update but the record has no fields besides the key');
  return { kind: 'write', table, key, fields, shape: JSON.stringify(['w', key.map((k) => k.name), fields.map((f) => f.name)]) };
}
