import { describe, expect, it } from 'vitest';
import type { SourceOffset } from '../../api.ts';
import { tableMatchesEntry, tableIncluded } from './catalog.ts';
import { cdcPartition, LsnAckTracker, readCdcOffset, snapshotOffset, streamingOffset } from './cdc-offsets.ts';
import { columnOptional } from './cdc-task.ts';
import { crossValidate, parseSourceConfig, sourceConfigDef } from './config.ts';
import { groupTables } from './index.ts';
import { queryOffsetFromJson, queryOffsetToJson, tablePartition } from './query-offsets.ts';
import { buildQuerySql } from './query-sql.ts';
import { detectIncrementingColumn } from './query-task.ts';
import { decodeTaskTables, encodeTaskTables } from './task.ts';
import { ConfigValues } from '../postgres-common/index.ts';
import { TableEnvelope } from './cdc-envelope.ts';
import { Struct } from '../../api.ts';

const table = { schema: 'public', table: 'orders' };

describe('query-mode SQL', () => {
  const base = { source: { table }, incrementingColumn: 'id', timestampColumns: ['updated_at'], upperBound: null } as const;

  it.each([
    ['bulk, no offset', { ...base, mode: 'bulk' as const, offset: { incrementing: null, timestamp: null } }, 'SELECT * FROM "public"."orders"', []],
    ['incrementing, first run', { ...base, mode: 'incrementing' as const, offset: { incrementing: null, timestamp: null } }, 'SELECT * FROM "public"."orders" ORDER BY "id" ASC', []],
    ['incrementing, resumed', { ...base, mode: 'incrementing' as const, offset: { incrementing: 42n, timestamp: null } }, 'SELECT * FROM "public"."orders" WHERE "id" > $1 ORDER BY "id" ASC', ['42']],
    [
      'timestamp, resumed, with an upper bound',
      { ...base, mode: 'timestamp' as const, offset: { incrementing: null, timestamp: { ms: 1000, nanos: 1_000 } }, upperBound: { ms: 5000, nanos: 0 } },
      'SELECT * FROM "public"."orders" WHERE "updated_at" < $1 AND "updated_at" > $2 ORDER BY "updated_at" ASC',
      ['1970-01-01 00:00:05.000000', '1970-01-01 00:00:01.000001'],
    ],
    [
      'timestamp with two columns, first run',
      { ...base, mode: 'timestamp' as const, timestampColumns: ['modified', 'created'], offset: { incrementing: null, timestamp: null } },
      'SELECT * FROM "public"."orders" WHERE COALESCE("modified", "created") IS NOT NULL ORDER BY COALESCE("modified", "created") ASC',
      [],
    ],
    [
      'timestamp+incrementing, resumed',
      { ...base, mode: 'timestamp+incrementing' as const, offset: { incrementing: 7n, timestamp: { ms: 1000, nanos: 0 } } },
      'SELECT * FROM "public"."orders" WHERE (("updated_at" = $1 AND "id" > $2) OR "updated_at" > $1) ORDER BY "updated_at" ASC, "id" ASC',
      ['1970-01-01 00:00:01.000000', '7'],
    ],
    [
      'a custom query',
      { ...base, mode: 'incrementing' as const, source: { query: 'SELECT * FROM x WHERE y = 1;' }, offset: { incrementing: 1n, timestamp: null } },
      'SELECT * FROM (SELECT * FROM x WHERE y = 1) AS "kstream_query" WHERE "id" > $1 ORDER BY "id" ASC',
      ['1'],
    ],
  ])('%s', (_name, input, text, values) => {
    expect(buildQuerySql(input)).toEqual({ text, values });
  });

  it('needs the incrementing column', () => {
    expect(() => buildQuerySql({ ...base, incrementingColumn: null, mode: 'incrementing', offset: { incrementing: null, timestamp: null } })).toThrow(/incrementing column/);
  });

  it('detects the incrementing column', () => {
    const cols = [
      { name: 'id', typeOid: 23, autoIncrement: false },
      { name: 'seq', typeOid: 20, autoIncrement: true },
    ];
    expect(detectIncrementingColumn(cols, ['id'], 't')).toBe('seq');
    expect(detectIncrementingColumn([{ name: 'id', typeOid: 23, autoIncrement: false }], ['id'], 't')).toBe('id');
    expect(() => detectIncrementingColumn([{ name: 'id', typeOid: 25, autoIncrement: false }], ['id'], 't')).toThrow(/incrementing.column.name/);
  });
});

describe('query-mode offsets', () => {
  it('use the JDBC connector format and read back', () => {
    const offset = { incrementing: 12n, timestamp: { ms: 1_700_000_000_123, nanos: 123_456_000 } };
    expect(queryOffsetToJson('incrementing', offset)).toEqual({ incrementing: 12 });
    expect(queryOffsetToJson('timestamp', offset)).toEqual({ timestamp: 1_700_000_000_123, timestamp_nanos: 123_456_000 });
    expect(queryOffsetToJson('timestamp+incrementing', offset)).toEqual({ incrementing: 12, timestamp: 1_700_000_000_123, timestamp_nanos: 123_456_000 });
    expect(queryOffsetToJson('bulk', offset)).toEqual({});
    expect(queryOffsetFromJson({ incrementing: 12, timestamp: 1_700_000_000_123, timestamp_nanos: 123_456_000 })).toEqual(offset);
    expect(queryOffsetToJson('incrementing', { incrementing: 2n ** 62n, timestamp: null })).toEqual({ incrementing: (2n ** 62n).toString() });
    expect(queryOffsetFromJson({ incrementing: (2n ** 62n).toString() }).incrementing).toBe(2n ** 62n);
    // Without timestamp_nanos the millisecond fraction is used.
    expect(queryOffsetFromJson({ timestamp: 1500 }).timestamp).toEqual({ ms: 1500, nanos: 500_000_000 });
    expect(queryOffsetFromJson(null)).toEqual({ incrementing: null, timestamp: null });
    expect(tablePartition(table)).toEqual({ table: 'public.orders' });
  });
});

describe('CDC offsets', () => {
  it('write and read the resume point', () => {
    expect(readCdcOffset(streamingOffset(500n, 9, 1000n, null))).toEqual({ lsn: 500n, skip: null, snapshot: 'none' });
    expect(streamingOffset(500n, 9, 1000n, { commitLsn: 700n, event: 2 })).toEqual({ lsn: 500, txId: 9, ts_usec: 1000, lsn_commit: 700, event: 2 });
    expect(readCdcOffset(streamingOffset(500n, 9, 1000n, { commitLsn: 700n, event: 2 }))).toEqual({ lsn: 500n, skip: { commitLsn: 700n, events: 2 }, snapshot: 'none' });
    expect(readCdcOffset(snapshotOffset(400n, false))).toEqual({ lsn: 400n, skip: null, snapshot: 'incomplete' });
    expect(readCdcOffset(snapshotOffset(400n, true))).toEqual({ lsn: 400n, skip: null, snapshot: 'complete' });
    expect(readCdcOffset({ lsn: '0/1F4' })).toMatchObject({ lsn: 500n });
    expect(readCdcOffset(null)).toBeNull();
    expect(readCdcOffset({})).toBeNull();
    expect(cdcPartition('pg')).toEqual({ server: 'pg' });
  });
});

describe('LSN acknowledgement', () => {
  const offsets = (n: number): SourceOffset[] => Array.from({ length: n }, (_, i) => ({ i }));

  it('confirms only what Connect committed, in order', () => {
    const t = new LsnAckTracker(100n);
    const o = offsets(4);
    [100n, 200n, 200n, 300n].forEach((lsn, i) => t.handedOut(o[i], lsn));
    expect(t.onCommit()).toBeNull();
    // Acknowledged out of order: only the prefix counts.
    t.acknowledged(o[1]);
    t.acknowledged(o[2]);
    expect(t.onCommit()).toBeNull();
    t.acknowledged(o[0]);
    expect(t.onCommit()).toBe(200n);
    expect(t.confirmedLsn).toBe(200n);
    t.acknowledged(o[3]);
    expect(t.settled).toBe(false);
    expect(t.onCommit()).toBe(300n);
    expect(t.settled).toBe(true);
    // Unknown records (not handed out by this task) are ignored.
    t.acknowledged({ other: true });
    expect(t.unacknowledged).toBe(0);
  });

  it('advances an idle slot only when everything is committed', () => {
    const t = new LsnAckTracker(100n);
    expect(t.onIdle(150n)).toBe(150n);
    const [o] = offsets(1);
    t.handedOut(o, 160n);
    expect(t.onIdle(500n)).toBeNull();
    t.acknowledged(o);
    // Acknowledged but not yet committed.
    expect(t.onIdle(500n)).toBeNull();
    expect(t.onCommit()).toBe(160n);
    expect(t.onIdle(500n)).toBe(500n);
    expect(t.onIdle(400n)).toBeNull();
    expect(t.confirmCommitted(450n)).toBeNull();
    expect(t.confirmCommitted(600n)).toBe(600n);
  });
});

describe('CDC envelopes', () => {
  it('have the Debezium shape', () => {
    const env = new TableEnvelope('srv', 'p.', table, [{ name: 'id', typeOid: 23, typmod: -1, optional: false }, { name: 'v', typeOid: 25, typmod: -1, optional: true }], ['id'], 'decimal', 'N/A');
    expect(env.topic).toBe('p.public.orders');
    expect(env.envelopeSchema.name).toBe('srv.public.orders.Envelope');
    expect(env.envelopeSchema.fields?.map((f) => [f.name, f.schema.name ?? f.schema.type, f.schema.optional])).toEqual([
      ['before', 'srv.public.orders.Value', true],
      ['after', 'srv.public.orders.Value', true],
      ['source', 'io.debezium.connector.postgresql.Source', false],
      ['op', 'string', false],
      ['ts_ms', 'int64', true],
    ]);
    expect(env.keySchema?.name).toBe('srv.public.orders.Key');
    const value = env.envelope('u', ['1', 'a'], ['1', 'b'], { tsMs: 5, snapshot: 'false', db: 'd', table, txId: 3, lsn: 77n, sequence: null });
    expect((value.get('before') as Struct).get('v')).toBe('a');
    expect((value.get('after') as Struct).get('v')).toBe('b');
    expect([...(value.get('source') as Struct).values.entries()]).toEqual([
      ['version', expect.any(String)],
      ['connector', 'postgresql'],
      ['name', 'srv'],
      ['ts_ms', 5],
      ['snapshot', 'false'],
      ['db', 'd'],
      ['sequence', null],
      ['schema', 'public'],
      ['table', 'orders'],
      ['txId', 3],
      ['lsn', 77],
      ['xmin', null],
    ]);
    expect(value.get('op')).toBe('u');
    expect((env.key(['1', 'x']) as Struct).get('id')).toBe(1);
  });

  it('make non-key columns optional unless the replica identity is FULL', () => {
    expect(columnOptional('id', true, ['id'], 'd')).toBe(false);
    expect(columnOptional('name', true, ['id'], 'd')).toBe(true);
    expect(columnOptional('name', true, ['id'], 'f')).toBe(false);
    expect(columnOptional('name', false, ['id'], 'f')).toBe(true);
  });
});

describe('source config and tables', () => {
  it('matches include/exclude entries by name or regex', () => {
    expect(tableMatchesEntry(table, 'orders')).toBe(true);
    expect(tableMatchesEntry(table, 'public.orders')).toBe(true);
    expect(tableMatchesEntry(table, 'other.orders')).toBe(false);
    expect(tableMatchesEntry(table, 'public\\.ord.*')).toBe(true);
    expect(tableMatchesEntry(table, 'public\\.x.*')).toBe(false);
    expect(tableIncluded(table, [], [])).toBe(true);
    expect(tableIncluded(table, ['orders'], ['public.orders'])).toBe(false);
  });

  it('splits tables across tasks and carries them in task configs', () => {
    expect(groupTables([1, 2, 3, 4, 5], 2)).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
    expect(groupTables([1], 4)).toEqual([[1]]);
    expect(groupTables([], 4)).toEqual([]);
    const tables = [table, { schema: 'we.ird', table: 'a"b' }];
    expect(decodeTaskTables(encodeTaskTables(tables))).toEqual(tables);
    expect(decodeTaskTables(undefined)).toEqual([]);
    expect(() => decodeTaskTables('[1]')).toThrow(/bad table entry/);
  });

  it('parses the settings with JDBC and Debezium names', () => {
    const c = parseSourceConfig({ 'connection.url': 'jdbc:postgresql://h/db', mode: 'cdc', 'table.include.list': 'a', 'topic.prefix': 'pg.', 'decimal.handling.mode': 'string' });
    expect(c).toMatchObject({ mode: 'cdc', includeTables: ['a'], publicationName: 'kstream_publication', slotName: 'kstream_slot', publicationAutocreate: 'filtered', serverName: 'pg', numericMapping: 'string', snapshotMode: 'initial', tombstonesOnDelete: true });
    expect(parseSourceConfig({ 'connection.url': 'jdbc:postgresql://h/db', 'table.whitelist': 'a,b' })).toMatchObject({ mode: 'bulk', includeTables: ['a', 'b'], serverName: 'db', publicationAutocreate: 'filtered', batchMaxRows: 100, pollIntervalMs: 5000 });
    expect(parseSourceConfig({ 'connection.url': 'jdbc:postgresql://h/db', mode: 'cdc' }).publicationAutocreate).toBe('all_tables');
    const cross = (props: Record<string, string>) => crossValidate(new ConfigValues(sourceConfigDef, { 'connection.url': 'postgres://h/d', ...props }));
    expect(cross({ mode: 'timestamp+incrementing', query: 'select 1' })).toMatchObject({ 'timestamp.column.name': expect.any(Array), 'incrementing.column.name': expect.any(Array) });
    expect(cross({ mode: 'cdc', query: 'select 1' })).toHaveProperty('query');
    expect(() => parseSourceConfig({ 'connection.url': 'postgres://h/d', mode: 'timestamp' })).toThrow(/timestamp.column.name/);
  });
});
