/** Configuration of the PostgreSQL sink connector: the Confluent JDBC sink connector's keys. */
import type { ConfigDef, ConfigKey } from '../../api.ts';
import { ConfigValues, connectionConfigKeys, parseConnectionUrl, validators, type PgConnectionOptions } from '../postgres-common/index.ts';

export const INSERT_MODES = ['insert', 'upsert', 'update'] as const;
export type InsertMode = (typeof INSERT_MODES)[number];
export const PK_MODES = ['none', 'kafka', 'record_key', 'record_value'] as const;
export type PkMode = (typeof PK_MODES)[number];

const keys: ConfigKey[] = [
  ...connectionConfigKeys,
  { name: 'topics', type: 'list', defaultValue: '', importance: 'high', group: 'Connector', documentation: 'Topics to consume (read by the runtime).' },
  { name: 'table.name.format', type: 'string', defaultValue: '${topic}', importance: 'medium', group: 'Data Mapping', orderInGroup: 1, documentation: 'Destination table; ${topic} is replaced by the topic. A dotted name is schema.table.' },
  { name: 'pk.mode', type: 'string', defaultValue: 'none', importance: 'high', group: 'Data Mapping', orderInGroup: 2, documentation: 'Primary key source: none, kafka (__connect_topic, __connect_partition, __connect_offset), record_key, record_value.', recommendedValues: PK_MODES, validate: validators.oneOf(PK_MODES) },
  { name: 'pk.fields', type: 'list', defaultValue: '', importance: 'medium', group: 'Data Mapping', orderInGroup: 3, documentation: 'Primary key column names: kafka: three names; record_key with a primitive key: one name (default __connect_key); record_key/record_value with a struct: the fields to use (default all).' },
  { name: 'fields.whitelist', type: 'list', defaultValue: '', importance: 'medium', group: 'Data Mapping', orderInGroup: 4, documentation: 'Value fields to write (default all).' },
  { name: 'fields.include.list', type: 'list', defaultValue: '', importance: 'low', group: 'Data Mapping', orderInGroup: 5, documentation: 'Synonym of fields.whitelist.' },
  { name: 'insert.mode', type: 'string', defaultValue: 'insert', importance: 'high', group: 'Writes', orderInGroup: 1, documentation: 'insert: INSERT; upsert: INSERT ... ON CONFLICT (pk) DO UPDATE; update: UPDATE by the primary key.', recommendedValues: INSERT_MODES, validate: validators.oneOf(INSERT_MODES) },
  { name: 'batch.size', type: 'int', defaultValue: 3000, importance: 'medium', group: 'Writes', orderInGroup: 2, documentation: 'Rows written per statement batch. All writes between two flushes are one transaction, committed by flush, so Connect commits Kafka offsets only after the rows are durable.', validate: validators.atLeast(1) },
  { name: 'delete.enabled', type: 'boolean', defaultValue: false, importance: 'medium', group: 'Writes', orderInGroup: 3, documentation: 'A tombstone (null value) deletes the row with its key (needs pk.mode=record_key). Without it tombstones are ignored.' },
  { name: 'auto.create', type: 'boolean', defaultValue: false, importance: 'medium', group: 'DDL Support', orderInGroup: 1, documentation: 'CREATE TABLE from the record schema (with the primary key) when the table is missing.' },
  { name: 'auto.evolve', type: 'boolean', defaultValue: false, importance: 'medium', group: 'DDL Support', orderInGroup: 2, documentation: 'ALTER TABLE ... ADD COLUMN for record fields the table lacks (optional fields or fields with a default only).' },
  { name: 'max.retries', type: 'int', defaultValue: 10, importance: 'medium', group: 'Retries', orderInGroup: 1, documentation: 'Retries of a write that failed in a way worth retrying (connection lost, deadlock, serialization failure) before the task fails.' },
  { name: 'retry.backoff.ms', type: 'int', defaultValue: 3000, importance: 'medium', group: 'Retries', orderInGroup: 2, documentation: 'Milliseconds before a retry.' },
];

export const sinkConfigDef: ConfigDef = keys;

export interface SinkConfig {
  readonly connection: PgConnectionOptions;
  readonly connectionAttempts: number;
  readonly connectionBackoffMs: number;
  readonly tableNameFormat: string;
  readonly pkMode: PkMode;
  readonly pkFields: readonly string[];
  readonly fieldsWhitelist: readonly string[];
  readonly insertMode: InsertMode;
  readonly batchSize: number;
  readonly deleteEnabled: boolean;
  readonly autoCreate: boolean;
  readonly autoEvolve: boolean;
  readonly maxRetries: number;
  readonly retryBackoffMs: number;
}

export function crossValidateSink(values: ConfigValues): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  const pkMode = values.string('pk.mode') as PkMode;
  const insertMode = values.string('insert.mode') as InsertMode;
  if (insertMode !== 'insert' && pkMode === 'none') errors['pk.mode'] = [`insert.mode=${insertMode} needs a primary key: set pk.mode`];
  if (values.bool('delete.enabled') && pkMode !== 'record_key') errors['delete.enabled'] = ['delete.enabled=true needs pk.mode=record_key'];
  const pkFields = values.list('pk.fields');
  if (pkMode === 'kafka' && pkFields.length !== 0 && pkFields.length !== 3) errors['pk.fields'] = ['with pk.mode=kafka, pk.fields is empty or three names (topic, partition, offset)'];
  return errors;
}

export function parseSinkConfig(props: Readonly<Record<string, string>>): SinkConfig {
  const values = new ConfigValues(sinkConfigDef, props);
  const cross = crossValidateSink(values);
  if (Object.keys(cross).length > 0) throw new Error('invalid configuration: ' + Object.entries(cross).map(([k, v]) => `${k}: ${v.join('; ')}`).join(', '));
  return {
    connection: parseConnectionUrl(values.string('connection.url'), values.optionalString('connection.user'), values.optionalString('connection.password')),
    connectionAttempts: values.int('connection.attempts'),
    connectionBackoffMs: values.int('connection.backoff.ms'),
    tableNameFormat: values.string('table.name.format'),
    pkMode: values.string('pk.mode') as PkMode,
    pkFields: values.list('pk.fields'),
    fieldsWhitelist: values.firstList('fields.include.list', 'fields.whitelist'),
    insertMode: values.string('insert.mode') as InsertMode,
    batchSize: values.int('batch.size'),
    deleteEnabled: values.bool('delete.enabled'),
    autoCreate: values.bool('auto.create'),
    autoEvolve: values.bool('auto.evolve'),
    maxRetries: values.int('max.retries'),
    retryBackoffMs: values.int('retry.backoff.ms'),
  };
}
