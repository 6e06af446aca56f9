/**
 * The connector API of kstream Connect: what a connector plugin implements and what it
 * exchanges with the runtime. It follows Kafka Connect's Java API (SourceConnector/SourceTask,
 * SinkConnector/SinkTask, ConnectRecord, Schema and Struct, ConfigDef) in TypeScript, so
 * Connect users recognise every piece.
 *
 * A plugin is a module whose default export (or named export `connectors`) is a list of
 * ConnectorPlugin objects. `plugin.path` lists directories holding such modules.
 */

// ---- schemas and values ------------------------------------------------------------------

export type SchemaType =
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'float32'
  | 'float64'
  | 'boolean'
  | 'string'
  | 'bytes'
  | 'array'
  | 'map'
  | 'struct';

export interface Field {
  readonly name: string;
  readonly index: number;
  readonly schema: Schema;
}

/** A Connect schema. Logical types (Timestamp, Date, Time, Decimal) are named schemas. */
export interface Schema {
  readonly type: SchemaType;
  readonly optional: boolean;
  readonly name?: string;
  readonly version?: number;
  readonly doc?: string;
  readonly defaultValue?: unknown;
  readonly parameters?: Readonly<Record<string, string>>;
  /** struct */
  readonly fields?: readonly Field[];
  /** array and map values */
  readonly valueSchema?: Schema;
  /** map keys */
  readonly keySchema?: Schema;
}

/** Logical type names, as Kafka Connect spells them. */
export const LogicalType = {
  Timestamp: 'org.apache.kafka.connect.data.Timestamp',
  Date: 'org.apache.kafka.connect.data.Date',
  Time: 'org.apache.kafka.connect.data.Time',
  Decimal: 'org.apache.kafka.connect.data.Decimal',
} as const;

/** A struct value: field values by name, with the schema they follow. */
export class Struct {
  readonly schema: Schema;
  readonly values: Map<string, unknown>;

  constructor(schema: Schema, values?: Iterable<[string, unknown]>) {
    if (schema.type !== 'struct') throw new TypeError('a Struct needs a struct schema');
    this.schema = schema;
    this.values = new Map(values);
  }

  get(field: string): unknown {
    return this.values.get(field);
  }

  put(field: string, value: unknown): this {
    if (!this.schema.fields?.some((f) => f.name === field)) throw new TypeError(`no field ${field} in schema ${this.schema.name ?? '(struct)'}`);
    this.values.set(field, value);
    return this;
  }
}

/** Values records carry: what a schema describes, or schemaless JSON-like data. */
export type ConnectValue = null | boolean | number | bigint | string | Buffer | Date | Struct | ConnectValue[] | Map<unknown, unknown> | { [key: string]: unknown };

export interface ConnectHeader {
  readonly key: string;
  readonly schema: Schema | null;
  readonly value: unknown;
}

export interface ConnectRecord {
  readonly topic: string;
  readonly kafkaPartition: number | null;
  readonly keySchema: Schema | null;
  readonly key: unknown;
  readonly valueSchema: Schema | null;
  readonly value: unknown;
  readonly timestamp: number | null;
  readonly headers: readonly ConnectHeader[];
}

/** Where a source record came from in its system, and how far the source got (both JSON objects). */
export type SourcePartition = Readonly<Record<string, unknown>>;
export type SourceOffset = Readonly<Record<string, unknown>>;

export interface SourceRecord extends ConnectRecord {
  readonly sourcePartition: SourcePartition;
  readonly sourceOffset: SourceOffset;
}

export interface SinkRecord extends ConnectRecord {
  readonly kafkaPartition: number;
  readonly kafkaOffset: number;
  readonly timestampType: 'CreateTime' | 'LogAppendTime' | 'NoTimestampType';
}

export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

// ---- configuration -----------------------------------------------------------------------

export type ConfigType = 'string' | 'int' | 'long' | 'double' | 'boolean' | 'list' | 'password' | 'class';
export type Importance = 'high' | 'medium' | 'low';

export interface ConfigKey {
  readonly name: string;
  readonly type: ConfigType;
  /** Absent: the setting is required. */
  readonly defaultValue?: string | number | boolean | readonly string[] | null;
  readonly importance: Importance;
  readonly documentation: string;
  readonly group?: string;
  readonly orderInGroup?: number;
  readonly width?: 'none' | 'short' | 'medium' | 'long';
  readonly displayName?: string;
  readonly dependents?: readonly string[];
  /** Returns an error message for a bad value, or undefined. */
  readonly validate?: (value: unknown, all: Readonly<Record<string, string>>) => string | undefined;
  /** Allowed values, shown by config/validate as recommended values. */
  readonly recommendedValues?: readonly string[];
}

export type ConfigDef = readonly ConfigKey[];

// ---- connectors and tasks ------------------------------------------------------------------

export interface ConnectorContext {
  /** Asks the runtime to fetch new task configs (the set of work changed). */
  requestTaskReconfiguration(): void;
  /** Reports an unrecoverable error: the connector goes to FAILED with this trace. */
  raiseError(error: Error): void;
}

interface ConnectorBase {
  version(): string;
  config(): ConfigDef;
  /** Extra validation beyond the ConfigDef; returns errors by setting name. */
  validate?(props: Readonly<Record<string, string>>): Record<string, string[]>;
  start(props: Readonly<Record<string, string>>, context: ConnectorContext): void | Promise<void>;
  /** Up to `maxTasks` task configs; one task runs per config. */
  taskConfigs(maxTasks: number): Record<string, string>[] | Promise<Record<string, string>[]>;
  stop(): void | Promise<void>;
}

export interface SourceConnector extends ConnectorBase {
  readonly kind: 'source';
  createTask(): SourceTask;
  /** Whether the connector can translate offset changes made over REST (PATCH /offsets). */
  alterOffsets?(config: Readonly<Record<string, string>>, offsets: ReadonlyMap<SourcePartition, SourceOffset | null>): boolean | Promise<boolean>;
}

export interface SinkConnector extends ConnectorBase {
  readonly kind: 'sink';
  createTask(): SinkTask;
}

export type Connector = SourceConnector | SinkConnector;

export interface OffsetStorageReader {
  offset(partition: SourcePartition): Promise<SourceOffset | null>;
  offsets(partitions: readonly SourcePartition[]): Promise<Map<SourcePartition, SourceOffset | null>>;
}

export interface SourceTaskContext {
  readonly offsetStorageReader: OffsetStorageReader;
  readonly signal: AbortSignal;
}

export interface SourceTask {
  version(): string;
  start(props: Readonly<Record<string, string>>, context: SourceTaskContext): void | Promise<void>;
  /** Records produced since the last call; null or [] when there are none (the runtime backs off briefly). */
  poll(): Promise<SourceRecord[] | null>;
  /** Called after source offsets up to the last flush were committed. */
  commit?(): void | Promise<void>;
  /** Called when a record was acknowledged by the broker (or filtered out). */
  commitRecord?(record: SourceRecord): void | Promise<void>;
  stop(): void | Promise<void>;
}

export interface SinkTaskContext {
  /** Rewinds consumption of partitions to these offsets. */
  offset(offsets: ReadonlyMap<TopicPartition, number>): void;
  /** Asks for an offset commit soon. */
  requestCommit(): void;
  pause(partitions: readonly TopicPartition[]): void;
  resume(partitions: readonly TopicPartition[]): void;
  /** Retries the last put after this many ms (RetriableException semantics). */
  timeout(ms: number): void;
  assignment(): readonly TopicPartition[];
  readonly signal: AbortSignal;
}

export interface SinkTask {
  version(): string;
  start(props: Readonly<Record<string, string>>, context: SinkTaskContext): void | Promise<void>;
  open?(partitions: readonly TopicPartition[]): void | Promise<void>;
  put(records: readonly SinkRecord[]): void | Promise<void>;
  /** Makes everything put so far durable; the runtime commits the offsets afterwards. */
  flush?(currentOffsets: ReadonlyMap<TopicPartition, number>): void | Promise<void>;
  /** Returns the offsets safe to commit (default: flush, then the current offsets). */
  preCommit?(currentOffsets: ReadonlyMap<TopicPartition, number>): Map<TopicPartition, number> | Promise<Map<TopicPartition, number>>;
  close?(partitions: readonly TopicPartition[]): void | Promise<void>;
  stop(): void | Promise<void>;
}

/** A failure worth retrying (Connect's RetriableException): the runtime retries within errors.retry.timeout. */
export class RetriableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RetriableError';
  }
}

// ---- plugins ---------------------------------------------------------------------------------

export interface ConnectorPlugin {
  /** The full class name users put in connector.class (Connect's Java names for the built-ins). */
  readonly className: string;
  /** Short names accepted in connector.class (e.g. FileStreamSource). */
  readonly aliases?: readonly string[];
  readonly type: 'source' | 'sink';
  readonly version: string;
  create(): Connector;
}

// ---- converters, transformations and predicates ---------------------------------------------

/** Turns Connect data into bytes for Kafka and back (key.converter / value.converter). */
export interface Converter {
  configure(props: Readonly<Record<string, string>>, isKey: boolean): void;
  fromConnectData(topic: string, schema: Schema | null, value: unknown): Buffer | null;
  toConnectData(topic: string, bytes: Buffer | null): { schema: Schema | null; value: unknown };
}

/** A single message transform (transforms.<alias>.type); returning null drops the record. */
export interface Transformation {
  configure(props: Readonly<Record<string, string>>): void;
  apply<R extends ConnectRecord>(record: R): R | null;
  config(): ConfigDef;
  close?(): void;
}

/** A condition for applying a transform (predicates.<alias>.type). */
export interface Predicate {
  configure(props: Readonly<Record<string, string>>): void;
  test(record: ConnectRecord): boolean;
  config(): ConfigDef;
  close?(): void;
}

export interface ConverterPlugin {
  readonly className: string;
  readonly aliases?: readonly string[];
  readonly version: string;
  create(): Converter;
}

/** Key and value variants are separate plugins, as in Connect (`...InsertField$Value`). */
export interface TransformationPlugin {
  readonly className: string;
  readonly aliases?: readonly string[];
  readonly version: string;
  create(): Transformation;
}

export interface PredicatePlugin {
  readonly className: string;
  readonly aliases?: readonly string[];
  readonly version: string;
  create(): Predicate;
}
