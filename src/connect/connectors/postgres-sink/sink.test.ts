import { describe, expect, it } from 'vitest';
import { LogicalType, Struct, type Schema, type SinkRecord } from '../../api.ts';
import { crossValidateSink, parseSinkConfig, sinkConfigDef, type SinkConfig } from './config.ts';
import { ConfigValues } from '../postgres-common/index.ts';
import { destinationTable, recordToOp, RecordError } from './record-ops.ts';
import { addColumnsSql, createTableSql, deleteSql, insertSql, MAX_PARAMS, rowsPerStatement, updateSql } from './sql.ts';
import { isRetriableDbError } from './task.ts';
import { toArrayLiteral, toJsonText, toPgParam, type ColumnMeta } from './values.ts';
import { runsOf, StatementNames } from './writer.ts';

const str = (optional = false): Schema => ({ type: 'string', optional });
const i32 = (optional = false): Schema => ({ type: 'int32', optional });

function config(props: Record<string, string> = {}): SinkConfig {
  return parseSinkConfig({ 'connection.url': 'postgres://127.0.0.1/db', ...props });
}

function record(value: unknown, valueSchema: Schema | null, key: unknown = null, keySchema: Schema | null = null): SinkRecord {
  return { topic: 'orders', kafkaPartition: 2, kafkaOffset: 41, timestampType: 'CreateTime', timestamp: 0, keySchema, key, valueSchema, value, headers: [] };
}

const valueSchema: Schema = {
  type: 'struct',
  optional: false,
  name: 'v',
  fields: [
    { name: 'id', index: 0, schema: i32() },
    { name: 'name', index: 1, schema: str(true) },
  ],
};
const keySchema: Schema = { type: 'struct', optional: false, fields: [{ name: 'id', index: 0, schema: i32() }] };
const value = new Struct(valueSchema, [
  ['id', 7],
  ['name', 'x'],
]);

describe('SQL generation', () => {
  it('creates tables with quoted identifiers, NOT NULL, defaults and the primary key', () => {
    expect(
      createTableSql(
        { schema: 'my"schema', table: 'Order Lines' },
        [{ name: 'id', schema: i32() }],
        [
          { name: 'na"me', schema: str(true) },
          { name: 'qty', schema: { type: 'int32', optional: false, defaultValue: 1 } },
          { name: 'at', schema: { type: 'int64', optional: true, name: LogicalType.Timestamp } },
        ],
      ),
    ).toBe(
      'CREATE TABLE IF NOT EXISTS "my""schema"."Order Lines" (\n  "id" integer NOT NULL,\n  "na""me" text,\n  "qty" integer NOT NULL DEFAULT 1,\n  "at" timestamp(3),\n  PRIMARY KEY ("id")\n)',
    );
    expect(createTableSql({ schema: null, table: 't' }, [], [{ name: 'a', schema: str() }])).toBe('CREATE TABLE IF NOT EXISTS "t" (\n  "a" text NOT NULL\n)');
  });

  it('adds columns', () => {
    expect(addColumnsSql({ schema: null, table: 't' }, [{ name: 'a', schema: str(true) }, { name: 'b', schema: { type: 'string', optional: false, defaultValue: "it's" } }])).toBe(
      `ALTER TABLE "t" ADD COLUMN IF NOT EXISTS "a" text, ADD COLUMN IF NOT EXISTS "b" text NOT NULL DEFAULT 'it''s'`,
    );
  });

  it('writes multi-row inserts and upserts', () => {
    expect(insertSql({ schema: null, table: 't' }, ['id', 'name'], 2, null)).toBe('INSERT INTO "t" ("id", "name") VALUES ($1, $2), ($3, $4)');
    expect(insertSql({ schema: 's', table: 't' }, ['a', 'b', 'name'], 1, ['a', 'b'])).toBe(
      'INSERT INTO "s"."t" ("a", "b", "name") VALUES ($1, $2, $3) ON CONFLICT ("a", "b") DO UPDATE SET "name" = EXCLUDED."name"',
    );
    expect(insertSql({ schema: null, table: 't' }, ['id'], 1, ['id'])).toBe('INSERT INTO "t" ("id") VALUES ($1) ON CONFLICT ("id") DO NOTHING');
  });

  it('writes batched updates and deletes with typed values', () => {
    expect(updateSql({ schema: null, table: 't' }, ['id'], ['name'], 2, ['bigint', 'text'])).toBe(
      'UPDATE "t" AS kstream_t SET "name" = kstream_v."name" FROM (VALUES ($1::bigint, $2::text), ($3::bigint, $4::text)) AS kstream_v ("id", "name") WHERE kstream_t."id" = kstream_v."id"',
    );
    expect(deleteSql({ schema: null, table: 't' }, ['id'], 3, ['integer'])).toBe('DELETE FROM "t" WHERE "id" IN ($1::integer, $2::integer, $3::integer)');
    expect(deleteSql({ schema: null, table: 't' }, ['a', 'b'], 2, ['integer', 'text'])).toBe('DELETE FROM "t" WHERE ("a", "b") IN (($1::integer, $2::text), ($3::integer, $4::text))');
  });

  it('keeps statements under the parameter limit', () => {
    expect(rowsPerStatement(3, 3000)).toBe(3000);
    expect(rowsPerStatement(100, 3000)).toBe(Math.floor(MAX_PARAMS / 100));
    expect(rowsPerStatement(70_000, 10)).toBe(1);
  });
});

describe('records to operations', () => {
  it('pk.mode=none writes every value field', () => {
    const op = recordToOp(record(value, valueSchema), config());
    expect(op).toMatchObject({ kind: 'write', table: { schema: null, table: 'orders' }, key: [] });
    expect(op?.fields.map((f) => [f.name, f.value])).toEqual([
      ['id', 7],
      ['name', 'x'],
    ]);
  });

  it('pk.mode=kafka keys by topic, partition and offset', () => {
    const op = recordToOp(record(value, valueSchema), config({ 'pk.mode': 'kafka' }));
    expect(op?.key.map((k) => [k.name, k.value, k.schema?.type])).toEqual([
      ['__connect_topic', 'orders', 'string'],
      ['__connect_partition', 2, 'int32'],
      ['__connect_offset', 41, 'int64'],
    ]);
    expect(recordToOp(record(value, valueSchema), config({ 'pk.mode': 'kafka', 'pk.fields': 't,p,o' }))?.key.map((k) => k.name)).toEqual(['t', 'p', 'o']);
  });

  it('pk.mode=record_key takes struct, primitive and map keys', () => {
    const structKey = recordToOp(record(value, valueSchema, new Struct(keySchema, [['id', 7]]), keySchema), config({ 'pk.mode': 'record_key', 'insert.mode': 'upsert' }));
    expect(structKey?.key.map((k) => k.name)).toEqual(['id']);
    expect(structKey?.fields.map((f) => f.name)).toEqual(['name']);
    const primitive = recordToOp(record(value, valueSchema, 'k1', str()), config({ 'pk.mode': 'record_key' }));
    expect(primitive?.key).toEqual([{ name: '__connect_key', schema: str(), value: 'k1' }]);
    const named = recordToOp(record(value, valueSchema, 9, null), config({ 'pk.mode': 'record_key', 'pk.fields': 'kid' }));
    expect(named?.key.map((k) => [k.name, k.value])).toEqual([['kid', 9]]);
    const mapKey = recordToOp(record({ id: 7, name: 'x' }, null, new Map([['id', 7]])), config({ 'pk.mode': 'record_key' }));
    expect(mapKey?.key.map((k) => [k.name, k.value])).toEqual([['id', 7]]);
    expect(() => recordToOp(record(value, valueSchema), config({ 'pk.mode': 'record_key' }))).toThrow(RecordError);
  });

  it('pk.mode=record_value picks pk.fields from the value, fields.whitelist limits the rest', () => {
    const op = recordToOp(record(value, valueSchema), config({ 'pk.mode': 'record_value', 'pk.fields': 'id' }));
    expect(op?.key.map((k) => k.name)).toEqual(['id']);
    expect(op?.fields.map((f) => f.name)).toEqual(['name']);
    const none = recordToOp(record(value, valueSchema), config({ 'fields.whitelist': 'name' }));
    expect(none?.fields.map((f) => f.name)).toEqual(['name']);
    expect(() => recordToOp(record(value, valueSchema), config({ 'pk.mode': 'record_value', 'pk.fields': 'nope' }))).toThrow(/no field "nope"/);
  });

  it('tombstones delete with delete.enabled and are skipped otherwise', () => {
    const key = new Struct(keySchema, [['id', 7]]);
    expect(recordToOp(record(null, null, key, keySchema), config({ 'pk.mode': 'record_key' }))).toBeNull();
    const del = recordToOp(record(null, null, key, keySchema), config({ 'pk.mode': 'record_key', 'delete.enabled': 'true' }));
    expect(del).toMatchObject({ kind: 'delete', fields: [] });
    expect(del?.key.map((k) => k.value)).toEqual([7]);
  });

  it('rejects values that are not structs or maps', () => {
    expect(() => recordToOp(record('text', str()), config())).toThrow(/struct or a map/);
  });

  it('maps topics to tables by table.name.format', () => {
    expect(destinationTable('${topic}', 'orders')).toEqual({ schema: null, table: 'orders' });
    expect(destinationTable('kafka_${topic}', 'orders')).toEqual({ schema: null, table: 'kafka_orders' });
    expect(destinationTable('${topic}', 'sales.orders')).toEqual({ schema: 'sales', table: 'orders' });
  });

  it('groups consecutive operations of one shape', () => {
    const c = config({ 'pk.mode': 'record_key', 'delete.enabled': 'true', 'insert.mode': 'upsert' });
    const k = (id: number): Struct => new Struct(keySchema, [['id', id]]);
    const ops = [record(value, valueSchema, k(1), keySchema), record(value, valueSchema, k(2), keySchema), record(null, null, k(1), keySchema), record(value, valueSchema, k(3), keySchema)].map((r) => recordToOp(r, c));
    expect(runsOf(ops.filter((o) => o !== null)).map((run) => run.map((o) => `${o.kind}${o.key[0].value}`))).toEqual([['write1', 'write2'], ['delete1'], ['write3']]);
  });

  it('validates the combination of settings', () => {
    const check = (props: Record<string, string>) => crossValidateSink(new ConfigValues(sinkConfigDef, { 'connection.url': 'postgres://h/d', ...props }));
    expect(check({ 'insert.mode': 'upsert' })).toHaveProperty('pk.mode');
    expect(check({ 'delete.enabled': 'true', 'pk.mode': 'record_value' })).toHaveProperty('delete.enabled');
    expect(check({ 'pk.mode': 'kafka', 'pk.fields': 'a,b' })).toHaveProperty('pk.fields');
    expect(check({ 'insert.mode': 'upsert', 'pk.mode': 'record_key' })).toEqual({});
  });
});

describe('values to parameters', () => {
  const col = (type: string, category: string, typname = type): ColumnMeta => ({ name: 'c', type, typname, category, notNull: false, hasDefault: false });

  it('converts logical types', () => {
    const at = new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6));
    expect(toPgParam(at, { type: 'int64', optional: false, name: LogicalType.Timestamp })).toBe('2024-01-02T03:04:05.006Z');
    expect(toPgParam(at.getTime(), { type: 'int64', optional: false, name: LogicalType.Timestamp })).toBe('2024-01-02T03:04:05.006Z');
    expect(toPgParam(new Date(Date.UTC(2024, 0, 2)), { type: 'int32', optional: false, name: LogicalType.Date })).toBe('2024-01-02');
    expect(toPgParam(19724, { type: 'int32', optional: false, name: LogicalType.Date })).toBe('2024-01-02');
    expect(toPgParam(new Date(3_723_456), { type: 'int32', optional: false, name: LogicalType.Time })).toBe('01:02:03.456');
    const decimal: Schema = { type: 'bytes', optional: false, name: LogicalType.Decimal, parameters: { scale: '2' } };
    expect(toPgParam('-12.30', decimal)).toBe('-12.30');
    expect(toPgParam(Buffer.from([0xfb, 0x2e]), decimal)).toBe('-12.34');
  });

  it('keeps int64 exact and passes bytes as Buffers', () => {
    expect(toPgParam(9007199254740993n, { type: 'int64', optional: false })).toBe('9007199254740993');
    expect(toPgParam(Buffer.from([1]), { type: 'bytes', optional: false })).toEqual(Buffer.from([1]));
    expect(toPgParam(true, null)).toBe('true');
    expect(toPgParam(Number.NaN, null)).toBe('NaN');
    expect(toPgParam(null, str())).toBeNull();
  });

  it('writes structs, maps and arrays as JSON, or as array literals for array columns', () => {
    const s = new Struct(valueSchema, [
      ['id', 1],
      ['name', null],
    ]);
    expect(toPgParam(s, valueSchema, col('jsonb', 'U'))).toBe('{"id":1,"name":null}');
    expect(toJsonText(new Map<string, unknown>([['a', 1n], ['b', Buffer.from('hi')], ['c', [new Date(0)]]]))).toBe('{"a":1,"b":"aGk=","c":["1970-01-01T00:00:00.000Z"]}');
    const arr: Schema = { type: 'array', optional: false, valueSchema: str(true) };
    expect(toPgParam(['a', 'b"c', null], arr, col('text[]', 'A', '_text'))).toBe('{"a","b\\"c",NULL}');
    expect(toPgParam([1, 2], arr, col('jsonb', 'U'))).toBe('[1,2]');
    expect(toArrayLiteral([Buffer.from([1, 2])], { type: 'bytes', optional: false })).toBe('{"\\\\x0102"}');
  });
});

describe('errors and names', () => {
  it('retries connection losses, deadlocks and serialization failures only', () => {
    expect(isRetriableDbError(Object.assign(new Error('x'), { code: '40P01' }))).toBe(true);
    expect(isRetriableDbError(Object.assign(new Error('x'), { code: '40001' }))).toBe(true);
    expect(isRetriableDbError(Object.assign(new Error('x'), { code: '08006' }))).toBe(true);
    expect(isRetriableDbError(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isRetriableDbError(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isRetriableDbError(Object.assign(new Error('x'), { code: '23505' }))).toBe(false);
    expect(isRetriableDbError(Object.assign(new Error('x'), { code: '42703' }))).toBe(false);
  });

  it('names each statement text once, up to a limit', () => {
    const names = new StatementNames(2);
    expect(names.nameFor('a')).toBe('kstream_sink_0');
    expect(names.nameFor('a')).toBe('kstream_sink_0');
    expect(names.nameFor('b')).toBe('kstream_sink_1');
    expect(names.nameFor('c')).toBeUndefined();
  });

  it('parses the defaults', () => {
    expect(config()).toMatchObject({ tableNameFormat: '${topic}', pkMode: 'none', insertMode: 'insert', batchSize: 3000, deleteEnabled: false, autoCreate: false, autoEvolve: false });
    expect(() => config({ 'insert.mode': 'merge' })).toThrow(/insert.mode/);
  });
});
