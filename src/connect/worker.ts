/**
 * The worker: runs connector instances and their tasks on this process.
 *
 * - WorkerConnector wraps a Connector: start/stop/pause by target state, task configs, the
 *   ConnectorContext (requestTaskReconfiguration, raiseError → FAILED).
 * - WorkerSourceTask: poll → transforms → converters → produce (idempotent, acks=all), one batch
 *   in flight; once the broker acknowledged a batch, its source offsets become committable. Offsets
 *   are committed to the offset store every `offset.flush.interval.ms` and when the task stops
 *   cleanly, then `task.commit()` is called. A crash loses nothing committed; what was produced
 *   after the last commit is produced again (at least once).
 * - WorkerSinkTask: a consumer in group `connect-<name>` (joins, heartbeats and rebalances via
 *   @platformatic/kafka; records are fetched from explicit positions by this loop) → converters →
 *   transforms → `task.put`. Offsets are committed only after `task.preCommit` (default:
 *   `task.flush`) succeeded: every `offset.flush.interval.ms`, on `requestCommit()`, when partitions
 *   are revoked and when the task stops.
 *
 * Every task runs its own loop; a task that throws goes FAILED with its stack as `trace` and
 * does not affect the others. Kafka errors that may pass (the broker away, leadership moving) are
 * retried with backoff; the task stays RUNNING meanwhile.
 *
 * States reach the herder through `WorkerListener`; pause keeps positions (sources stop polling,
 * sinks stop fetching but stay in the group).
 */
import type { Consumer, Producer } from '@platformatic/kafka';
import type {
  Connector,
  ConnectorContext,
  ConnectorPlugin,
  ConnectHeader,
  Converter,
  OffsetStorageReader,
  SinkConnector,
  SinkRecord,
  SinkTask,
  SinkTaskContext,
  SourceConnector,
  SourceOffset,
  SourcePartition,
  SourceRecord,
  SourceTask,
  TopicPartition,
} from './api.ts';
import type { ConnectorState, ConnectorTaskId } from './herder.ts';
import { requireConnectorConfig, type ConnectorConfig } from './connector-config.ts';
import { DeadLetterQueueReporter, LogReporter, RetryWithToleranceOperator, isRetriable, type ErrorReporter } from './errors.ts';
import {
  createAdmin,
  createConsumer,
  createProducer,
  delay,
  errorMessage,
  fetchRound,
  isRetriableKafkaError,
  settle,
  startOffsets,
  traceOf,
  type FetchedRecord,
  type KafkaTarget,
  type PartitionPosition,
} from './kafka.ts';
import type { PluginRegistry } from './plugins.ts';
import { canonicalJson } from './stores/formats.ts';
import type { OffsetStore } from './stores/offset-store.ts';
import type { TargetState } from './stores/formats.ts';
import { TransformationChain } from './transformation-chain.ts';
import { ConnectConfigError, type ConverterConfig, type WorkerConfig } from './worker-config.ts';
import { Schemas, stringifyJson } from './data.ts';
import type { Logger } from '../util/logger.ts';

export interface WorkerListener {
  onConnectorState(name: string, state: ConnectorState, trace?: string): void;
  onTaskState(id: ConnectorTaskId, state: ConnectorState, trace?: string): void;
  /** A connector asked for its task configs to be regenerated. */
  onTaskReconfigurationRequest(name: string): void;
}

export interface WorkerOptions {
  config: WorkerConfig;
  plugins: PluginRegistry;
  offsetStore: OffsetStore;
  logger: Logger;
  listener: WorkerListener;
  /** Kafka clients' target; defaults to the worker config's. */
  target?: KafkaTarget;
}

const EMPTY_POLL_BACKOFF_MS = 100;
/** How often sink tasks look for new topics (topics created later, topics.regex) and partitions. */
const SUBSCRIPTION_REFRESH_MS = 5000;
const MAX_KAFKA_BACKOFF_MS = 10_000;

export function sinkGroupId(connector: string): string {
  return `connect-${connector}`;
}

export function taskLabel(id: ConnectorTaskId): string {
  return `${id.connector}-${id.task}`;
}

export class Worker {
  readonly config: WorkerConfig;
  readonly plugins: PluginRegistry;
  readonly offsetStore: OffsetStore;
  readonly logger: Logger;
  readonly listener: WorkerListener;
  readonly target: KafkaTarget;

  constructor(options: WorkerOptions) {
    this.config = options.config;
    this.plugins = options.plugins;
    this.offsetStore = options.offsetStore;
    this.logger = options.logger;
    this.listener = options.listener;
    this.target = options.target ?? { bootstrapServers: options.config.bootstrapServers, clientOptions: options.config.clientOptions };
  }

  /** The plugin of a connector config, or a ConnectConfigError. */
  connectorPlugin(config: Readonly<Record<string, string>>): ConnectorPlugin {
    const cls = config['connector.class']?.trim() ?? '';
    const plugin = this.plugins.connector(cls);
    if (!plugin) throw new ConnectConfigError(`Failed to find any class that implements Connector and which name matches ${cls}`);
    return plugin;
  }

  createConnector(name: string, config: Record<string, string>): WorkerConnector {
    return new WorkerConnector(this, name, config);
  }

  createTask(id: ConnectorTaskId, connectorConfig: Record<string, string>, taskConfig: Record<string, string>): WorkerTask {
    const plugin = this.connectorPlugin(connectorConfig);
    return plugin.type === 'source' ? new WorkerSourceTask(this, id, connectorConfig, taskConfig, plugin) : new WorkerSinkTask(this, id, connectorConfig, taskConfig, plugin);
  }

  /** A converter for a task: the connector's override, or the worker's default. */
  converter(override: ConverterConfig | null, fallback: ConverterConfig, isKey: boolean): { converter: Converter; className: string } {
    const spec = override ?? fallback;
    const plugin = this.plugins.converter(spec.className);
    if (!plugin) throw new ConnectConfigError(`Invalid value ${spec.className} for configuration ${isKey ? 'key' : 'value'}.converter: Class ${spec.className} could not be found.`);
    const converter = plugin.create();
    converter.configure(spec.props, isKey);
    return { converter, className: plugin.className };
  }

  clientIdPrefix(): string {
    return this.config.clientId ? `${this.config.clientId}-` : '';
  }
}

// ---- connectors -----------------------------------------------------------------------------------

export class WorkerConnector {
  readonly name: string;
  readonly config: Record<string, string>;
  private readonly worker: Worker;
  private connector: Connector | null = null;
  private started = false;
  state: ConnectorState = 'UNASSIGNED';
  kind: 'source' | 'sink' | 'unknown' = 'unknown';

  constructor(worker: Worker, name: string, config: Record<string, string>) {
    this.worker = worker;
    this.name = name;
    this.config = config;
  }

  private setState(state: ConnectorState, trace?: string): void {
    this.state = state;
    this.worker.listener.onConnectorState(this.name, state, trace);
  }

  /** Creates the connector and moves it to the target state; failures leave it FAILED (no throw). */
  async start(target: TargetState): Promise<void> {
    try {
      const plugin = this.worker.connectorPlugin(this.config);
      this.kind = plugin.type;
      this.connector = plugin.create();
    } catch (err) {
      this.fail(err);
      return;
    }
    await this.transition(target);
  }

  async transition(target: TargetState): Promise<void> {
    if (!this.connector) return;
    if (target === 'STARTED') {
      if (!this.started) {
        try {
          const context: ConnectorContext = {
            requestTaskReconfiguration: () => this.worker.listener.onTaskReconfigurationRequest(this.name),
            raiseError: (error: Error) => this.fail(error),
          };
          await this.connector.start(this.config, context);
          this.started = true;
        } catch (err) {
          this.fail(err);
          return;
        }
      }
      if (this.state !== 'FAILED') this.setState('RUNNING');
      return;
    }
    await this.stopInstance();
    if (this.state !== 'FAILED' || target === 'STOPPED') this.setState(target === 'PAUSED' ? 'PAUSED' : 'STOPPED');
  }

  /** Up to tasks.max task configs, with Connect's task.class (and topics for sinks) added. */
  async taskConfigs(): Promise<Record<string, string>[]> {
    if (!this.connector || !this.started) throw new Error(`connector ${this.name} is not running`);
    const tasksMax = Math.max(1, Number(this.config['tasks.max'] ?? '1') || 1);
    const list = await this.connector.taskConfigs(tasksMax);
    const taskClass = `${(this.config['connector.class'] ?? '').trim()}`;
    return list.slice(0, tasksMax).map((c) => {
      const out: Record<string, string> = { ...c, 'task.class': taskClassOf(this.worker, taskClass) };
      if (this.kind === 'sink') {
        if (this.config.topics !== undefined) out.topics = this.config.topics;
        if (this.config['topics.regex'] !== undefined) out['topics.regex'] = this.config['topics.regex'];
      }
      return out;
    });
  }

  get running(): boolean {
    return this.started && this.state === 'RUNNING';
  }

  private async stopInstance(): Promise<void> {
    if (!this.connector || !this.started) return;
    this.started = false;
    try {
      await this.connector.stop();
    } catch (err) {
      this.worker.logger.warn('connector stop failed', { connector: this.name, error: errorMessage(err) });
    }
  }

  private fail(err: unknown): void {
    this.worker.logger.error('connector failed', { connector: this.name, error: errorMessage(err) });
    this.setState('FAILED', traceOf(err));
  }

  /** Stops the instance for good (no state reported: the herder decides what the status becomes). */
  async shutdown(): Promise<void> {
    await this.stopInstance();
    this.connector = null;
  }
}

function taskClassOf(worker: Worker, connectorClass: string): string {
  const plugin = worker.plugins.connector(connectorClass);
  const cls = plugin?.className ?? connectorClass;
  return cls.endsWith('Connector') ? `${cls.slice(0, -'Connector'.length)}Task` : `${cls}Task`;
}

// ---- tasks ----------------------------------------------------------------------------------------

export abstract class WorkerTask {
  readonly id: ConnectorTaskId;
  readonly connectorConfig: Record<string, string>;
  readonly taskConfig: Record<string, string>;
  protected readonly worker: Worker;
  protected readonly logger: Logger;
  protected readonly plugin: ConnectorPlugin;
  protected readonly stopController = new AbortController();
  protected targetState: TargetState = 'STARTED';
  state: ConnectorState = 'UNASSIGNED';
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private stopped = false;

  constructor(worker: Worker, id: ConnectorTaskId, connectorConfig: Record<string, string>, taskConfig: Record<string, string>, plugin: ConnectorPlugin) {
    this.worker = worker;
    this.id = id;
    this.connectorConfig = connectorConfig;
    this.taskConfig = taskConfig;
    this.plugin = plugin;
    this.logger = worker.logger.child({ task: taskLabel(id) });
  }

  protected get stopping(): boolean {
    return this.stopController.signal.aborted;
  }

  protected get paused(): boolean {
    return this.targetState === 'PAUSED';
  }

  protected setState(state: ConnectorState, trace?: string): void {
    // Once stopping, the herder owns the status (UNASSIGNED, RESTARTING, removed...).
    if (this.stopping) return;
    if (this.state === state && state !== 'FAILED') return;
    this.state = state;
    this.worker.listener.onTaskState(this.id, state, trace);
  }

  /** Starts the task's loop in the background. */
  start(target: TargetState): void {
    this.targetState = target === 'STOPPED' ? 'PAUSED' : target;
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    try {
      await this.execute();
    } catch (err) {
      if (this.stopping) {
        // Stopping interrupted it (a closed client, a cancelled poll): not a failure.
        this.logger.debug('task ended with an error while stopping', { error: errorMessage(err) });
        return;
      }
      this.logger.error('task failed; it will not recover until restarted', { error: errorMessage(err) });
      this.setState('FAILED', traceOf(err));
    }
  }

  /** The task's life: start, loop until stopped, clean up. Throws to fail the task. */
  protected abstract execute(): Promise<void>;

  /** Called when stop is requested while the loop may be blocked in the connector's code. */
  protected abstract cancel(): Promise<void>;

  setTargetState(target: TargetState): void {
    this.targetState = target === 'STOPPED' ? 'PAUSED' : target;
    this.wake();
  }

  /** Stops the task: the loop ends (committing offsets), the connector task is stopped. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.stopController.abort();
    this.wake();
    const graceful = this.worker.config.taskShutdownGracefulTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      (this.loop ?? Promise.resolve()).then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), Math.max(graceful, 100)))),
    ]);
    clearTimeout(timer);
    if (!finished) {
      this.logger.warn('task did not stop in time, cancelling it', { timeoutMs: graceful });
      await settle(this.cancel(), 2000);
      await settle(this.loop ?? undefined, 2000);
    }
  }

  /** Waits `ms`, or less when woken (pause/resume, stop, commit request). */
  protected sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done(): void {
        clearTimeout(timer);
        if (self.wakeUp === done) self.wakeUp = null;
        resolve();
      }
      this.wakeUp = done;
    });
  }

  protected wake(): void {
    this.wakeUp?.();
  }

  protected buildCommon(kind: 'source' | 'sink'): {
    config: ConnectorConfig;
    keyConverter: { converter: Converter; className: string };
    valueConverter: { converter: Converter; className: string };
    chain: TransformationChain;
  } {
    const config = requireConnectorConfig(this.connectorConfig, kind);
    const keyConverter = this.worker.converter(config.keyConverter, this.worker.config.keyConverter, true);
    const valueConverter = this.worker.converter(config.valueConverter, this.worker.config.valueConverter, false);
    const chain = TransformationChain.build(config, this.worker.plugins);
    return { config, keyConverter, valueConverter, chain };
  }

  protected reporters(config: ConnectorConfig, withDlq: boolean): { reporters: ErrorReporter[]; dlq: DeadLetterQueueReporter | null } {
    const reporters: ErrorReporter[] = [];
    if (config.errors.logEnable) reporters.push(new LogReporter(this.logger, taskLabel(this.id), config.errors.logIncludeMessages));
    let dlq: DeadLetterQueueReporter | null = null;
    if (withDlq && config.errors.dlqTopic) {
      dlq = new DeadLetterQueueReporter({
        target: this.worker.target,
        topic: config.errors.dlqTopic,
        replicationFactor: config.errors.dlqReplicationFactor,
        contextHeaders: config.errors.dlqContextHeaders,
        connector: this.id.connector,
        task: this.id.task,
        clientId: `${this.worker.clientIdPrefix()}connector-dlq-producer-${taskLabel(this.id)}`,
        logger: this.logger,
      });
      reporters.push(dlq);
    }
    return { reporters, dlq };
  }

  /** Backoff for Kafka errors that may pass: logs the first and every tenth. */
  protected async kafkaBackoff(attempt: number, what: string, err: unknown): Promise<void> {
    if (attempt === 1 || attempt % 10 === 0) this.logger.warn(`${what} failed, retrying`, { attempt, error: errorMessage(err) });
    await this.sleep(Math.min(MAX_KAFKA_BACKOFF_MS, 100 * 2 ** Math.min(attempt, 7)));
  }
}

// ---- headers ------------------------------------------------------------------------------------------

/** Connect headers to Kafka headers: text for values (SimpleHeaderConverter's way), bytes as they are. */
export function headersToKafka(headers: readonly ConnectHeader[]): Map<Buffer, Buffer> {
  const out = new Map<Buffer, Buffer>();
  for (const h of headers) {
    const v = h.value;
    let bytes: Buffer | null;
    if (v === null || v === undefined) bytes = null;
    else if (Buffer.isBuffer(v)) bytes = v;
    else if (v instanceof Uint8Array) bytes = Buffer.from(v.buffer, v.byteOffset, v.byteLength);
    else if (typeof v === 'string') bytes = Buffer.from(v, 'utf8');
    else if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') bytes = Buffer.from(String(v), 'utf8');
    else if (v instanceof Date) bytes = Buffer.from(v.toISOString(), 'utf8');
    else bytes = Buffer.from(stringifyJson(v), 'utf8');
    out.set(Buffer.from(h.key, 'utf8'), bytes as Buffer);
  }
  return out;
}

export function headersFromKafka(headers: readonly [Buffer, Buffer | null][]): ConnectHeader[] {
  return headers.map(([k, v]) => ({ key: k.toString('utf8'), schema: Schemas.OPTIONAL_STRING, value: v === null ? null : v.toString('utf8') }));
}

// ---- source tasks -----------------------------------------------------------------------------------

export class WorkerSourceTask extends WorkerTask {
  private task: SourceTask | null = null;
  /** Offsets acknowledged by the broker and not yet committed, by canonical partition. */
  private readonly acked = new Map<string, { partition: SourcePartition; offset: SourceOffset }>();
  private lastCommit = Date.now();
  private producer: Producer<Buffer, Buffer, Buffer, Buffer> | null = null;

  protected async execute(): Promise<void> {
    const { config, keyConverter, valueConverter, chain } = this.buildCommon('source');
    const { reporters } = this.reporters(config, false);
    const operator = new RetryWithToleranceOperator(config.errors, reporters, this.stopController.signal);
    const connector = this.id.connector;
    const store = this.worker.offsetStore;
    const reader: OffsetStorageReader = {
      offset: async (partition) => (await store.get(connector, [partition])).get(partition) ?? null,
      offsets: (partitions) => store.get(connector, partitions),
    };
    this.producer = createProducer(this.worker.target, `${this.worker.clientIdPrefix()}connector-producer-${taskLabel(this.id)}`);
    const producer = this.producer;
    producer.on('error', (err: unknown) => this.logger.debug('producer error', { error: errorMessage(err) }));
    try {
      this.task = (this.plugin.create() as SourceConnector).createTask();
      await this.task.start(this.taskConfig, { offsetStorageReader: reader, signal: this.stopController.signal });
      this.setState(this.paused ? 'PAUSED' : 'RUNNING');
      const flushInterval = this.worker.config.offsetFlushIntervalMs;
      let pollErrors = 0;
      while (!this.stopping) {
        if (this.paused) {
          this.setState('PAUSED');
          if (Date.now() - this.lastCommit >= flushInterval) await this.commitOffsets();
          await this.sleep(Math.min(1000, flushInterval));
          continue;
        }
        this.setState('RUNNING');
        let records: SourceRecord[] | null;
        try {
          records = await this.task.poll();
          pollErrors = 0;
        } catch (err) {
          if (this.stopping) break;
          if (!isRetriable(err)) throw err;
          pollErrors++;
          this.logger.warn('poll failed with a retriable error, polling again', { error: errorMessage(err) });
          await this.sleep(Math.min(10_000, 100 * 2 ** Math.min(pollErrors, 7)));
          continue;
        }
        if (records && records.length > 0) await this.sendRecords(records, chain, keyConverter, valueConverter, operator);
        else if (!this.stopping) await this.sleep(EMPTY_POLL_BACKOFF_MS);
        if (Date.now() - this.lastCommit >= flushInterval) await this.commitOffsets();
      }
      // A clean stop: commit what the broker acknowledged.
      await this.commitOffsets();
    } finally {
      const task = this.task;
      this.task = null;
      if (task) {
        try {
          await task.stop();
        } catch (err) {
          this.logger.warn('task stop failed', { error: errorMessage(err) });
        }
      }
      chain.close();
      await operator.close();
      await settle(producer.close(), 5000);
      this.producer = null;
    }
  }

  protected async cancel(): Promise<void> {
    await this.task?.stop();
  }

  private async sendRecords(
    records: SourceRecord[],
    chain: TransformationChain,
    keyConverter: { converter: Converter; className: string },
    valueConverter: { converter: Converter; className: string },
    operator: RetryWithToleranceOperator,
  ): Promise<void> {
    type Message = { topic: string; partition?: number; key?: Buffer; value?: Buffer; headers: Map<Buffer, Buffer>; timestamp?: bigint };
    const messages: Message[] = [];
    const sent: SourceRecord[] = [];
    const skipped: SourceRecord[] = [];
    for (const original of records) {
      const transformed = await chain.apply(original, operator, { source: original });
      const record = transformed.record;
      if (record === null) {
        skipped.push(original);
        continue;
      }
      const key = await operator.execute(() => keyConverter.converter.fromConnectData(record.topic, record.keySchema, record.key), { stage: 'KEY_CONVERTER', className: keyConverter.className, source: original });
      if (!key.ok) {
        skipped.push(original);
        continue;
      }
      const value = await operator.execute(() => valueConverter.converter.fromConnectData(record.topic, record.valueSchema, record.value), { stage: 'VALUE_CONVERTER', className: valueConverter.className, source: original });
      if (!value.ok) {
        skipped.push(original);
        continue;
      }
      const headers = await operator.execute(() => headersToKafka(record.headers ?? []), { stage: 'HEADER_CONVERTER', className: 'org.apache.kafka.connect.storage.SimpleHeaderConverter', source: original });
      if (!headers.ok) {
        skipped.push(original);
        continue;
      }
      const message: Message = { topic: record.topic, headers: headers.value };
      if (key.value !== null) message.key = key.value;
      if (value.value !== null) message.value = value.value;
      if (record.kafkaPartition !== null && record.kafkaPartition !== undefined) message.partition = record.kafkaPartition;
      if (record.timestamp !== null && record.timestamp !== undefined) message.timestamp = BigInt(Math.trunc(record.timestamp));
      messages.push(message);
      sent.push(original);
    }
    if (messages.length > 0) {
      for (let attempt = 1; ; attempt++) {
        try {
          await this.producer!.send({ messages: messages as never });
          break;
        } catch (err) {
          if (isRetriableKafkaError(err) && !this.stopping) {
            await this.kafkaBackoff(attempt, 'producing records', err);
            continue;
          }
          if (this.stopping && isRetriableKafkaError(err)) {
            // Not acknowledged: their offsets stay uncommitted, so they are produced again after a restart.
            return;
          }
          const outcome = await operator.fail({ stage: 'KAFKA_PRODUCE', className: 'org.apache.kafka.clients.producer.KafkaProducer', source: sent[0] }, err);
          if (!outcome.ok) break;
        }
      }
    }
    // Acknowledged (or dropped/tolerated): their offsets may be committed, in poll order.
    const done = new Set<SourceRecord>([...sent, ...skipped]);
    for (const r of records) {
      if (!done.has(r)) continue;
      if (r.sourcePartition && Object.keys(r.sourcePartition).length > 0 && r.sourceOffset) {
        this.acked.set(canonicalJson(r.sourcePartition), { partition: r.sourcePartition, offset: r.sourceOffset });
      }
      if (this.task?.commitRecord) {
        try {
          await this.task.commitRecord(r);
        } catch (err) {
          this.logger.warn('commitRecord failed', { error: errorMessage(err) });
        }
      }
    }
  }

  /** Writes the acknowledged offsets to the offset store, then calls task.commit(). */
  async commitOffsets(): Promise<void> {
    this.lastCommit = Date.now();
    if (this.acked.size === 0) return;
    const entries = [...this.acked.values()];
    try {
      await this.withFlushTimeout(this.worker.offsetStore.set(this.id.connector, entries));
      // Only what was written is cleared; newer offsets for the same partitions stay pending.
      for (const e of entries) {
        const k = canonicalJson(e.partition);
        if (this.acked.get(k) === e) this.acked.delete(k);
      }
      this.logger.debug('committed source offsets', { partitions: entries.length });
    } catch (err) {
      this.logger.warn('committing source offsets failed; will retry', { error: errorMessage(err) });
      return;
    }
    try {
      await this.task?.commit?.();
    } catch (err) {
      this.logger.warn('task commit failed', { error: errorMessage(err) });
    }
  }

  private async withFlushTimeout(work: Promise<void>): Promise<void> {
    const ms = this.worker.config.offsetFlushTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([work, new Promise<never>((_r, reject) => (timer = setTimeout(() => reject(new Error(`offset commit did not finish within offset.flush.timeout.ms=${ms}`)), ms)))]);
    } finally {
      clearTimeout(timer);
    }
  }
}

// ---- sink tasks ---------------------------------------------------------------------------------------

interface SinkPartition extends PartitionPosition {
  tp: TopicPartition;
  /** Offset to commit next: everything before it was delivered to put(). */
  delivered: bigint;
  /** Last committed offset (-1: none). */
  committed: bigint;
}

const pkey = (topic: string, partition: number): string => `${topic}\0${partition}`;

export class WorkerSinkTask extends WorkerTask {
  private task: SinkTask | null = null;
  private consumer: Consumer<Buffer, Buffer, Buffer, Buffer> | null = null;
  private readonly partitions = new Map<string, SinkPartition>();
  private readonly pausedPartitions = new Set<string>();
  private readonly rewinds = new Map<string, bigint>();
  private assignmentDirty = false;
  private commitRequested = false;
  private retryTimeoutMs = 0;
  private lastCommit = Date.now();
  /** Subscribed topics (those that exist) and their partition counts. */
  private subscribed = new Map<string, number>();
  private lastRefresh = 0;

  protected async execute(): Promise<void> {
    const { config, keyConverter, valueConverter, chain } = this.buildCommon('sink');
    const { reporters, dlq } = this.reporters(config, true);
    const operator = new RetryWithToleranceOperator(config.errors, reporters, this.stopController.signal);
    const groupId = sinkGroupId(this.id.connector);
    const consumer = createConsumer(this.worker.target, `${this.worker.clientIdPrefix()}connector-consumer-${taskLabel(this.id)}`, groupId, this.worker.config.sinkConsumer);
    this.consumer = consumer;
    consumer.on('error', (err: unknown) => this.logger.debug('consumer error', { error: errorMessage(err) }));
    const onJoin = (): void => {
      this.assignmentDirty = true;
      this.wake();
    };
    consumer.on('consumer:group:join', onJoin);
    try {
      if (dlq) await dlq.ensureTopic();
      this.task = (this.plugin.create() as SinkConnector).createTask();
      const context: SinkTaskContext = {
        offset: (offsets) => {
          for (const [tp, offset] of offsets) this.rewinds.set(pkey(tp.topic, tp.partition), BigInt(offset));
          this.wake();
        },
        requestCommit: () => {
          this.commitRequested = true;
          this.wake();
        },
        pause: (tps) => {
          for (const tp of tps) this.pausedPartitions.add(pkey(tp.topic, tp.partition));
        },
        resume: (tps) => {
          for (const tp of tps) this.pausedPartitions.delete(pkey(tp.topic, tp.partition));
          this.wake();
        },
        timeout: (ms) => {
          this.retryTimeoutMs = ms;
        },
        assignment: () => [...this.partitions.values()].map((p) => p.tp),
        signal: this.stopController.signal,
      };
      await this.task.start(this.taskConfig, context);

      // Subscribe to the topics that exist and join the group.
      for (let attempt = 1; !this.stopping; attempt++) {
        try {
          await this.refreshSubscription(config);
          break;
        } catch (err) {
          if (!isRetriableKafkaError(err) && attempt > 3) throw err;
          await this.kafkaBackoff(attempt, `joining group ${groupId}`, err);
        }
      }
      this.setState(this.paused ? 'PAUSED' : 'RUNNING');

      const flushInterval = this.worker.config.offsetFlushIntervalMs;
      let fetchErrors = 0;
      let pending: { batch: SinkRecord[]; delivered: Map<string, bigint> } | null = null;
      while (!this.stopping) {
        if (Date.now() - this.lastRefresh >= SUBSCRIPTION_REFRESH_MS) {
          // Topics created (or matching topics.regex) and partitions added since: rejoin to get them.
          await this.refreshSubscription(config).catch((err: unknown) => this.logger.debug('refreshing the subscription failed', { error: errorMessage(err) }));
        }
        if (this.assignmentDirty) await this.applyAssignment();
        this.applyRewinds();
        if (this.paused) {
          this.setState('PAUSED');
          if (Date.now() - this.lastCommit >= flushInterval || this.commitRequested) await this.commitOffsets();
          await this.sleep(Math.min(1000, flushInterval));
          continue;
        }
        this.setState('RUNNING');

        // A batch whose put() asked to be retried goes again first.
        if (!pending) {
          const active = [...this.partitions.values()].filter((p) => !this.pausedPartitions.has(pkey(p.topic, p.partition)));
          if (active.length === 0) {
            await this.sleep(200);
            if (Date.now() - this.lastCommit >= flushInterval || this.commitRequested) await this.commitOffsets();
            continue;
          }
          let fetched: FetchedRecord[];
          try {
            fetched = await fetchRound(consumer, active, { maxWaitMs: 500, reset: 'earliest' });
            fetchErrors = 0;
          } catch (err) {
            if (this.stopping) break;
            if (!isRetriableKafkaError(err)) throw err;
            await this.kafkaBackoff(++fetchErrors, 'fetching records', err);
            continue;
          }
          if (this.assignmentDirty) {
            // Positions may belong to revoked partitions; drop this round and re-read after the rebalance.
            for (const r of fetched) {
              const p = this.partitions.get(pkey(r.topic, r.partition));
              if (p && r.offset < p.position) p.position = r.offset;
            }
            continue;
          }
          const batch: SinkRecord[] = [];
          const delivered = new Map<string, bigint>();
          for (const raw of fetched) {
            delivered.set(pkey(raw.topic, raw.partition), raw.offset + 1n);
            const record = await this.toSinkRecord(raw, keyConverter, valueConverter, operator, chain);
            if (record) batch.push(record);
          }
          pending = { batch, delivered };
        }

        if (pending.batch.length > 0 || pending.delivered.size > 0) {
          try {
            await this.task.put(pending.batch);
          } catch (err) {
            if (isRetriable(err) && !this.stopping) {
              const wait = this.retryTimeoutMs > 0 ? this.retryTimeoutMs : 1000;
              this.logger.warn('put failed with a retriable error; delivering the batch again', { waitMs: wait, error: errorMessage(err) });
              await this.sleep(wait);
              continue;
            }
            if (this.stopping) break;
            throw err;
          }
          for (const [k, next] of pending.delivered) {
            const p = this.partitions.get(k);
            if (p && next > p.delivered) p.delivered = next;
          }
        }
        pending = null;
        if (Date.now() - this.lastCommit >= flushInterval || this.commitRequested) await this.commitOffsets();
      }
      // A clean stop: flush and commit what was delivered.
      if (this.state !== 'FAILED') await this.commitOffsets();
      await this.closePartitions([...this.partitions.values()].map((p) => p.tp));
    } finally {
      consumer.off('consumer:group:join', onJoin);
      const task = this.task;
      this.task = null;
      if (task) {
        try {
          await task.stop();
        } catch (err) {
          this.logger.warn('task stop failed', { error: errorMessage(err) });
        }
      }
      chain.close();
      await operator.close();
      // Leaves the group.
      await settle(consumer.close(), 5000);
      this.consumer = null;
    }
  }

  protected async cancel(): Promise<void> {
    await this.task?.stop();
    await settle(this.consumer?.close(true), 2000);
  }

  /**
   * Subscribes to the configured topics that exist (topics, or those matching topics.regex) and
   * (re)joins the group when they or their partition counts changed. Topics that do not exist yet
   * are picked up once they do.
   */
  private async refreshSubscription(config: ConnectorConfig): Promise<void> {
    const consumer = this.consumer!;
    this.lastRefresh = Date.now();
    const admin = createAdmin(this.worker.target, `${this.worker.clientIdPrefix()}connector-admin-${taskLabel(this.id)}`);
    let existing: string[];
    try {
      existing = await admin.listTopics({ includeInternals: false });
    } finally {
      await settle(admin.close(), 2000);
    }
    const regex = config.topicsRegex;
    const topics = existing.filter((t) => (regex ? regex.test(t) : config.topics.includes(t))).sort();
    const wanted = new Map<string, number>();
    if (topics.length > 0) {
      const meta = await consumer.metadata({ topics, forceUpdate: true, autocreateTopics: false });
      for (const t of topics) {
        const count = meta.topics.get(t)?.partitionsCount;
        if (count) wanted.set(t, count);
      }
    }
    const changed = wanted.size !== this.subscribed.size || [...wanted].some(([t, n]) => this.subscribed.get(t) !== n);
    if (!changed) return;
    const removed = [...this.subscribed.keys()].filter((t) => !wanted.has(t));
    const added = [...wanted.keys()].filter((t) => !this.subscribed.has(t));
    if (removed.length > 0) consumer.topics.untrackAll(...removed);
    if (added.length > 0) consumer.topics.trackAll(...added);
    const first = this.subscribed.size === 0;
    this.subscribed = wanted;
    if (!first || added.length > 0) this.logger.info('subscription changed', { topics: [...wanted.keys()].join(',') || '(none yet)' });
    if (wanted.size > 0 || consumer.memberId !== null) {
      await consumer.joinGroup({});
      this.assignmentDirty = true;
    }
  }

  /** Applies the group's assignment: revoked partitions are committed and closed, new ones opened at their committed offsets. */
  private async applyAssignment(): Promise<void> {
    const consumer = this.consumer!;
    this.assignmentDirty = false;
    const wanted = new Set<string>();
    for (const a of consumer.assignments ?? []) for (const p of a.partitions) wanted.add(pkey(a.topic, p));
    const revoked = [...this.partitions.values()].filter((p) => !wanted.has(pkey(p.topic, p.partition)));
    if (revoked.length > 0) {
      await this.commitOffsets();
      await this.closePartitions(revoked.map((p) => p.tp));
      for (const p of revoked) this.partitions.delete(pkey(p.topic, p.partition));
    }
    const added: { topic: string; partition: number }[] = [];
    for (const a of consumer.assignments ?? []) for (const p of a.partitions) if (!this.partitions.has(pkey(a.topic, p))) added.push({ topic: a.topic, partition: p });
    if (added.length === 0) return;
    const byTopic = new Map<string, number[]>();
    for (const a of added) byTopic.set(a.topic, [...(byTopic.get(a.topic) ?? []), a.partition]);
    for (const [topic, parts] of byTopic) {
      let committed: bigint[] = [];
      let earliest = new Map<number, bigint>();
      for (let attempt = 1; ; attempt++) {
        try {
          const c = await consumer.listCommittedOffsets({ topics: [{ topic, partitions: parts }] });
          committed = c.get(topic) ?? [];
          earliest = await startOffsets(consumer, topic, parts);
          break;
        } catch (err) {
          if (this.stopping) return;
          if (!isRetriableKafkaError(err) && attempt > 3) throw err;
          await this.kafkaBackoff(attempt, 'reading committed offsets', err);
        }
      }
      for (const partition of parts) {
        const c = committed[partition];
        const start = c !== undefined && c >= 0n ? c : earliest.get(partition) ?? 0n;
        const tp: TopicPartition = Object.freeze({ topic, partition });
        this.partitions.set(pkey(topic, partition), { topic, partition, position: start, leaderEpoch: -1, tp, delivered: start, committed: c !== undefined ? c : -1n });
      }
    }
    const tps = added.map((a) => this.partitions.get(pkey(a.topic, a.partition))!.tp);
    this.logger.info('partitions assigned', { partitions: added.map((a) => `${a.topic}-${a.partition}`).join(',') });
    await this.task?.open?.(tps);
  }

  private async closePartitions(tps: TopicPartition[]): Promise<void> {
    if (tps.length === 0 || !this.task?.close) return;
    try {
      await this.task.close(tps);
    } catch (err) {
      this.logger.warn('task close of partitions failed', { error: errorMessage(err) });
    }
  }

  private applyRewinds(): void {
    if (this.rewinds.size === 0) return;
    for (const [k, offset] of this.rewinds) {
      const p = this.partitions.get(k);
      if (!p) continue;
      p.position = offset;
      p.delivered = offset;
    }
    this.rewinds.clear();
  }

  private async toSinkRecord(
    raw: FetchedRecord,
    keyConverter: { converter: Converter; className: string },
    valueConverter: { converter: Converter; className: string },
    operator: RetryWithToleranceOperator,
    chain: TransformationChain,
  ): Promise<SinkRecord | null> {
    const key = await operator.execute(() => keyConverter.converter.toConnectData(raw.topic, raw.key), { stage: 'KEY_CONVERTER', className: keyConverter.className, consumed: raw });
    if (!key.ok) return null;
    const value = await operator.execute(() => valueConverter.converter.toConnectData(raw.topic, raw.value), { stage: 'VALUE_CONVERTER', className: valueConverter.className, consumed: raw });
    if (!value.ok) return null;
    const headers = await operator.execute(() => headersFromKafka(raw.headers), { stage: 'HEADER_CONVERTER', className: 'org.apache.kafka.connect.storage.SimpleHeaderConverter', consumed: raw });
    if (!headers.ok) return null;
    const record: SinkRecord = {
      topic: raw.topic,
      kafkaPartition: raw.partition,
      kafkaOffset: Number(raw.offset),
      timestampType: raw.timestampType,
      timestamp: Number(raw.timestamp),
      keySchema: key.value.schema,
      key: key.value.value,
      valueSchema: value.value.schema,
      value: value.value.value,
      headers: headers.value,
    };
    if (chain.size === 0) return record;
    const transformed = await chain.apply(record, operator, { consumed: raw });
    return transformed.record;
  }

  /** preCommit (default: flush) with the delivered offsets, then commits what it returned to the group. */
  async commitOffsets(): Promise<void> {
    this.lastCommit = Date.now();
    this.commitRequested = false;
    const task = this.task;
    const consumer = this.consumer;
    if (!task || !consumer) return;
    const current = new Map<TopicPartition, number>();
    let changed = false;
    for (const p of this.partitions.values()) {
      current.set(p.tp, Number(p.delivered));
      if (p.delivered !== p.committed) changed = true;
    }
    if (!changed) return;
    let toCommit: Map<TopicPartition, number>;
    try {
      if (task.preCommit) toCommit = await task.preCommit(current);
      else {
        await task.flush?.(current);
        toCommit = current;
      }
    } catch (err) {
      // Nothing is committed; what was delivered since the last commit is delivered again.
      this.logger.error('flush failed; rewinding to the last committed offsets', { error: errorMessage(err) });
      for (const p of this.partitions.values()) {
        if (p.committed >= 0n) {
          p.position = p.committed;
          p.delivered = p.committed;
        }
      }
      return;
    }
    const offsets: { topic: string; partition: number; offset: bigint; leaderEpoch: number }[] = [];
    for (const [tp, offset] of toCommit) {
      const p = this.partitions.get(pkey(tp.topic, tp.partition));
      if (!p) continue;
      const o = BigInt(offset);
      if (o === p.committed) continue;
      offsets.push({ topic: p.topic, partition: p.partition, offset: o, leaderEpoch: p.leaderEpoch });
    }
    if (offsets.length === 0) return;
    try {
      await consumer.commit({ offsets });
      for (const o of offsets) {
        const p = this.partitions.get(pkey(o.topic, o.partition));
        if (p) p.committed = o.offset;
      }
      this.logger.debug('committed sink offsets', { offsets: offsets.map((o) => `${o.topic}-${o.partition}@${o.offset}`).join(',') });
    } catch (err) {
      this.logger.warn('committing sink offsets failed; will retry', { error: errorMessage(err) });
    }
  }
}
