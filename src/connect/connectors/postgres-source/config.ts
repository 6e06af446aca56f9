/**
 * Configuration of the PostgreSQL source connector: the Confluent JDBC source connector's keys
 * for the query modes (bulk, incrementing, timestamp, timestamp+incrementing) and Debezium's
 * PostgreSQL keys for `mode=cdc` (logical replication with pgoutput).
 */
import type { ConfigDef, ConfigKey } from '../../api.ts';
import {
  ConfigValues,
  connectionConfigKeys,
  parseConnectionUrl,
  parseNumericMapping,
  validators,
  type NumericMapping,
  type PgConnectionOptions,
} from '../postgres-common/index.ts';

export const SOURCE_MODES = ['bulk', 'incrementing', 'timestamp', 'timestamp+incrementing', 'cdc'] as const;
export type SourceMode = (typeof SOURCE_MODES)[number];

export const SNAPSHOT_MODES = ['initial', 'never'] as const;
export type SnapshotMode = (typeof SNAPSHOT_MODES)[number];

export const PUBLICATION_AUTOCREATE_MODES = ['all_tables', 'filtered', 'disabled'] as const;
export type PublicationAutocreateMode = (typeof PUBLICATION_AUTOCREATE_MODES)[number];

/** Task config key carrying the tables a task reads (a JSON array of schema.table names). */
export const TASK_TABLES_KEY = 'tables';

const numericMappingValidator = (value: unknown): string | undefined =>
  typeof value === 'string' && (value === '' || parseNumericMapping(value)) ? undefined : 'must be one of none, best_fit, precision_only, string, double';

const keys: ConfigKey[] = [
  ...connectionConfigKeys,
  {
    name: 'mode',
    type: 'string',
    defaultValue: 'bulk',
    importance: 'high',
    group: 'Mode',
    orderInGroup: 1,
    displayName: 'Table loading mode',
    documentation:
      'bulk: the whole table each poll; incrementing: rows with a larger incrementing column; timestamp: rows with a newer timestamp; timestamp+incrementing: both, for exactly-once row versions; cdc: every insert, update and delete from logical replication (pgoutput), in commit order, as Debezium envelopes.',
    recommendedValues: SOURCE_MODES,
    validate: validators.oneOf(SOURCE_MODES),
  },
  { name: 'incrementing.column.name', type: 'string', defaultValue: '', importance: 'medium', group: 'Mode', orderInGroup: 2, documentation: 'Strictly increasing column (incrementing modes). Empty: the table\'s single-column integer primary key or identity column.' },
  { name: 'timestamp.column.name', type: 'list', defaultValue: '', importance: 'medium', group: 'Mode', orderInGroup: 3, documentation: 'Timestamp column(s) (timestamp modes); with several, the first non-null (COALESCE) is used.' },
  { name: 'timestamp.initial', type: 'long', defaultValue: null, importance: 'low', group: 'Mode', orderInGroup: 4, documentation: 'Epoch ms to start timestamp modes at when there is no offset; -1 means now. Unset: from the beginning.' },
  { name: 'timestamp.delay.interval.ms', type: 'long', defaultValue: 0, importance: 'medium', group: 'Mode', orderInGroup: 5, documentation: 'How long after a timestamp a row is read, so transactions with earlier timestamps can commit first.' },
  { name: 'query', type: 'string', defaultValue: '', importance: 'medium', group: 'Mode', orderInGroup: 6, documentation: 'A custom SELECT instead of tables (query modes); the topic is topic.prefix. It is wrapped as a subquery, so it may have its own WHERE.' },
  { name: 'numeric.mapping', type: 'string', defaultValue: 'none', importance: 'low', group: 'Mode', orderInGroup: 7, documentation: 'numeric columns: none (Decimal logical type), best_fit, precision_only, string, double. Debezium\'s decimal.handling.mode (precise, double, string) is accepted too.', validate: numericMappingValidator },
  { name: 'decimal.handling.mode', type: 'string', defaultValue: '', importance: 'low', group: 'Mode', orderInGroup: 8, documentation: 'Debezium spelling of numeric.mapping: precise, double or string.', validate: numericMappingValidator },
  { name: 'table.whitelist', type: 'list', defaultValue: '', importance: 'medium', group: 'Tables', orderInGroup: 1, documentation: 'Tables to read (table or schema.table; a regular expression when it has regex characters). Empty: all tables.' },
  { name: 'table.include.list', type: 'list', defaultValue: '', importance: 'medium', group: 'Tables', orderInGroup: 2, documentation: 'Synonym of table.whitelist (Debezium and newer JDBC name).' },
  { name: 'table.blacklist', type: 'list', defaultValue: '', importance: 'low', group: 'Tables', orderInGroup: 3, documentation: 'Tables not to read.' },
  { name: 'table.exclude.list', type: 'list', defaultValue: '', importance: 'low', group: 'Tables', orderInGroup: 4, documentation: 'Synonym of table.blacklist.' },
  { name: 'schema.pattern', type: 'string', defaultValue: '', importance: 'low', group: 'Tables', orderInGroup: 5, documentation: 'LIKE pattern of schemas to read tables from. Empty: all but the system schemas.' },
  { name: 'table.types', type: 'list', defaultValue: 'TABLE', importance: 'low', group: 'Tables', orderInGroup: 6, documentation: 'Kinds of relation to read: TABLE, VIEW, MATERIALIZED VIEW, FOREIGN TABLE (query modes).' },
  { name: 'table.poll.interval.ms', type: 'long', defaultValue: 60000, importance: 'low', group: 'Tables', orderInGroup: 7, documentation: 'How often the connector looks for new or removed tables (query modes); a change reconfigures the tasks.' },
  { name: 'topic.prefix', type: 'string', defaultValue: '', importance: 'high', group: 'Connector', orderInGroup: 1, documentation: 'Topic names: <topic.prefix><table> (query modes), <topic.prefix> (query), <topic.prefix><schema>.<table> (cdc).' },
  { name: 'poll.interval.ms', type: 'int', defaultValue: 5000, importance: 'high', group: 'Connector', orderInGroup: 2, documentation: 'Query modes: how often each table is queried. cdc: the longest a poll waits for changes.', validate: validators.atLeast(1) },
  { name: 'batch.max.rows', type: 'int', defaultValue: 100, importance: 'low', group: 'Connector', orderInGroup: 3, documentation: 'Most records one poll returns.', validate: validators.atLeast(1) },
  { name: 'tasks.max', type: 'int', defaultValue: 1, importance: 'high', group: 'Connector', orderInGroup: 4, documentation: 'Most tasks; tables are split across them (cdc always runs one task).' },
  // cdc
  { name: 'publication.name', type: 'string', defaultValue: 'kstream_publication', importance: 'medium', group: 'CDC', orderInGroup: 1, documentation: 'Publication to stream (created when missing, see publication.autocreate.mode).' },
  {
    name: 'publication.autocreate.mode',
    type: 'string',
    defaultValue: '',
    importance: 'low',
    group: 'CDC',
    orderInGroup: 2,
    documentation: 'all_tables: CREATE PUBLICATION ... FOR ALL TABLES; filtered: FOR TABLE with the included tables; disabled: the publication must exist. Default: filtered with an include list, else all_tables.',
    validate: (v) => (v === '' ? undefined : validators.oneOf(PUBLICATION_AUTOCREATE_MODES)(v)),
  },
  { name: 'slot.name', type: 'string', defaultValue: 'kstream_slot', importance: 'medium', group: 'CDC', orderInGroup: 3, documentation: 'Logical replication slot (pgoutput), created when missing.' },
  { name: 'slot.drop.on.stop', type: 'boolean', defaultValue: false, importance: 'low', group: 'CDC', orderInGroup: 4, documentation: 'Drop the slot when the task stops (tests and demos: changes made while stopped are lost).' },
  {
    name: 'snapshot.mode',
    type: 'string',
    defaultValue: 'initial',
    importance: 'medium',
    group: 'CDC',
    orderInGroup: 5,
    documentation: 'initial: first read every included table (op "r"), consistent with the point the slot starts at; never: only changes.',
    recommendedValues: SNAPSHOT_MODES,
    validate: validators.oneOf(SNAPSHOT_MODES),
  },
  { name: 'tombstones.on.delete', type: 'boolean', defaultValue: true, importance: 'medium', group: 'CDC', orderInGroup: 6, documentation: 'Follow each delete event with a tombstone (same key, null value) for log compaction.' },
  { name: 'status.update.interval.ms', type: 'int', defaultValue: 10000, importance: 'low', group: 'CDC', orderInGroup: 7, documentation: 'How often the task sends the server a standby status update (keeps the connection alive).' },
  { name: 'server.name', type: 'string', defaultValue: '', importance: 'low', group: 'CDC', orderInGroup: 8, documentation: 'Logical server name for source.name, schema names and the source partition. Default: topic.prefix without a trailing dot, or the database name.' },
  { name: 'unavailable.value.placeholder', type: 'string', defaultValue: '__debezium_unavailable_value', importance: 'low', group: 'CDC', orderInGroup: 9, documentation: 'Stands for an unchanged TOASTed text value the server did not send; other types get null.' },
];

export const sourceConfigDef: ConfigDef = keys;

export interface SourceConfig {
  readonly values: ConfigValues;
  readonly connection: PgConnectionOptions;
  readonly connectionAttempts: number;
  readonly connectionBackoffMs: number;
  readonly mode: SourceMode;
  readonly incrementingColumn: string | null;
  readonly timestampColumns: readonly string[];
  readonly timestampInitialMs: number | null;
  readonly timestampDelayMs: number;
  readonly query: string | null;
  readonly numericMapping: NumericMapping;
  readonly includeTables: readonly string[];
  readonly excludeTables: readonly string[];
  readonly schemaPattern: string | null;
  readonly tableTypes: readonly string[];
  readonly tablePollIntervalMs: number;
  readonly topicPrefix: string;
  readonly pollIntervalMs: number;
  readonly batchMaxRows: number;
  readonly publicationName: string;
  readonly publicationAutocreate: PublicationAutocreateMode;
  readonly slotName: string;
  readonly slotDropOnStop: boolean;
  readonly snapshotMode: SnapshotMode;
  readonly tombstonesOnDelete: boolean;
  readonly statusUpdateIntervalMs: number;
  readonly serverName: string;
  readonly unavailablePlaceholder: string;
}

/** Cross-key checks beyond the ConfigDef (what `validate()` reports). */
export function crossValidate(values: ConfigValues): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  const mode = values.string('mode') as SourceMode;
  const query = values.optionalString('query');
  if ((mode === 'timestamp' || mode === 'timestamp+incrementing') && values.list('timestamp.column.name').length === 0) {
    errors['timestamp.column.name'] = [`mode ${mode} needs timestamp.column.name`];
  }
  if (query && (mode === 'incrementing' || mode === 'timestamp+incrementing') && !values.optionalString('incrementing.column.name')) {
    errors['incrementing.column.name'] = [`mode ${mode} with a query needs incrementing.column.name`];
  }
  if (query && mode === 'cdc') errors.query = ['query cannot be used with mode cdc'];
  if (query && (values.firstList('table.include.list', 'table.whitelist').length > 0)) errors.query = ['set either query or table.whitelist, not both'];
  return errors;
}

export function parseSourceConfig(props: Readonly<Record<string, string>>): SourceConfig {
  const values = new ConfigValues(sourceConfigDef, props);
  const cross = crossValidate(values);
  if (Object.keys(cross).length > 0) {
    throw new Error('invalid configuration: ' + Object.entries(cross).map(([k, v]) => `${k}: ${v.join('; ')}`).join(', '));
  }
  const connection = parseConnectionUrl(values.string('connection.url'), values.optionalString('connection.user'), values.optionalString('connection.password'));
  const includeTables = values.firstList('table.include.list', 'table.whitelist');
  const numeric = values.optionalString('decimal.handling.mode') ?? values.string('numeric.mapping');
  const topicPrefix = values.string('topic.prefix');
  const autocreate = values.optionalString('publication.autocreate.mode') as PublicationAutocreateMode | null;
  const initial = values.has('timestamp.initial') ? values.int('timestamp.initial') : null;
  return {
    values,
    connection,
    connectionAttempts: values.int('connection.attempts'),
    connectionBackoffMs: values.int('connection.backoff.ms'),
    mode: values.string('mode') as SourceMode,
    incrementingColumn: values.optionalString('incrementing.column.name'),
    timestampColumns: values.list('timestamp.column.name'),
    timestampInitialMs: initial === null ? null : initial === -1 ? Date.now() : initial,
    timestampDelayMs: values.int('timestamp.delay.interval.ms'),
    query: values.optionalString('query'),
    numericMapping: parseNumericMapping(numeric) ?? 'decimal',
    includeTables,
    excludeTables: values.firstList('table.exclude.list', 'table.blacklist'),
    schemaPattern: values.optionalString('schema.pattern'),
    tableTypes: values.list('table.types'),
    tablePollIntervalMs: values.int('table.poll.interval.ms'),
    topicPrefix,
    pollIntervalMs: values.int('poll.interval.ms'),
    batchMaxRows: values.int('batch.max.rows'),
    publicationName: values.string('publication.name'),
    publicationAutocreate: autocreate ?? (includeTables.length > 0 ? 'filtered' : 'all_tables'),
    slotName: values.string('slot.name'),
    slotDropOnStop: values.bool('slot.drop.on.stop'),
    snapshotMode: values.string('snapshot.mode') as SnapshotMode,
    tombstonesOnDelete: values.bool('tombstones.on.delete'),
    statusUpdateIntervalMs: values.int('status.update.interval.ms'),
    serverName: values.optionalString('server.name') ?? (topicPrefix.replace(/[._-]+$/, '') || connection.database),
    unavailablePlaceholder: values.string('unavailable.value.placeholder'),
  };
}
