/**
 * Error handling of record processing, as Kafka Connect's `errors.*` settings define it:
 *
 * - a failing stage (converter, transformation, produce...) is retried while its error is
 *   retriable (RetriableError), with exponential backoff from 300 ms up to
 *   `errors.retry.delay.max.ms`, for at most `errors.retry.timeout` ms (0: no retries; -1: forever);
 * - `errors.tolerance=none`: the task fails ("Tolerance exceeded in error handler");
 *   `errors.tolerance=all`: the record is skipped, reported to the log (`errors.log.enable`,
 *   with the record when `errors.log.include.messages`) and, for sinks, written to the dead
 *   letter queue `errors.deadletterqueue.topic.name` as it was consumed, with the
 *   `__connect.errors.*` context headers when `errors.deadletterqueue.context.headers.enable`.
 */
import type { Producer } from '@platformatic/kafka';
import type { SourceRecord } from './api.ts';
import type { ErrorHandlingConfig } from './connector-config.ts';
import { createAdmin, createProducer, delay, ensureTopic, errorMessage, kafkaErrorName, settle, type FetchedRecord, type KafkaTarget } from './kafka.ts';
import type { Logger } from '../util/logger.ts';

export type Stage = 'KEY_CONVERTER' | 'VALUE_CONVERTER' | 'HEADER_CONVERTER' | 'TRANSFORMATION' | 'TASK_PUT' | 'TASK_POLL' | 'KAFKA_PRODUCE' | 'KAFKA_CONSUME';

export const DLQ_HEADERS = {
  topic: '__connect.errors.topic',
  partition: '__connect.errors.partition',
  offset: '__connect.errors.offset',
  connectorName: '__connect.errors.connector.name',
  taskId: '__connect.errors.task.id',
  stage: '__connect.errors.stage',
  className: '__connect.errors.class.name',
  exceptionClassName: '__connect.errors.exception.class.name',
  exceptionMessage: '__connect.errors.exception.message',
  exceptionStacktrace: '__connect.errors.exception.stacktrace',
} as const;

const INITIAL_BACKOFF_MS = 300;

/** The task fails: an error was not tolerated. */
export class ToleranceExceededError extends Error {
  readonly stage: Stage;
  constructor(stage: Stage, cause: unknown) {
    super(`Tolerance exceeded in error handler`, { cause });
    this.name = 'ConnectException';
    this.stage = stage;
  }
}

export function isRetriable(err: unknown): boolean {
  return err instanceof Error && (err.name === 'RetriableError' || err.name === 'RetriableException');
}

export interface ErrorContext {
  stage: Stage;
  /** The class executing the stage (converter class, transformation type, ...). */
  className: string;
  /** The record as consumed (sinks). */
  consumed?: FetchedRecord;
  /** The source record (sources). */
  source?: SourceRecord;
}

export interface ErrorReporter {
  report(context: ErrorContext, error: unknown): Promise<void>;
  close?(): Promise<void>;
}

export class LogReporter implements ErrorReporter {
  private readonly logger: Logger;
  private readonly taskId: string;
  private readonly includeMessages: boolean;

  constructor(logger: Logger, taskId: string, includeMessages: boolean) {
    this.logger = logger;
    this.taskId = taskId;
    this.includeMessages = includeMessages;
  }

  async report(context: ErrorContext, error: unknown): Promise<void> {
    const fields: Record<string, unknown> = { task: this.taskId, stage: context.stage, class: context.className, error: errorMessage(error) };
    if (context.consumed) {
      fields.topic = context.consumed.topic;
      fields.partition = context.consumed.partition;
      fields.offset = context.consumed.offset;
      if (this.includeMessages) {
        fields.key = context.consumed.key?.toString('utf8') ?? null;
        fields.value = context.consumed.value?.toString('utf8') ?? null;
      }
    } else if (context.source) {
      fields.topic = context.source.topic;
      if (this.includeMessages) {
        fields.sourcePartition = context.source.sourcePartition;
        fields.sourceOffset = context.source.sourceOffset;
      }
    }
    this.logger.error(`Error encountered in task ${this.taskId}. Executing stage '${context.stage}' with class '${context.className}'`, fields);
  }
}

export interface DlqOptions {
  target: KafkaTarget;
  topic: string;
  replicationFactor: number;
  contextHeaders: boolean;
  connector: string;
  task: number;
  clientId: string;
  logger: Logger;
}

/** Writes failed sink records to the dead letter queue topic (created when missing). */
export class DeadLetterQueueReporter implements ErrorReporter {
  private readonly options: DlqOptions;
  private producer: Producer<Buffer, Buffer, Buffer, Buffer> | null = null;
  private ensured = false;

  constructor(options: DlqOptions) {
    this.options = options;
  }

  /** Creates the topic if missing (Connect does it when the task starts). */
  async ensureTopic(): Promise<void> {
    if (this.ensured) return;
    const { target, topic, logger } = this.options;
    const admin = createAdmin(target, `${this.options.clientId}-dlq-admin`);
    try {
      try {
        await ensureTopic(admin, { name: topic, partitions: 1, replicationFactor: this.options.replicationFactor });
      } catch (err) {
        if (kafkaErrorName(err) !== 'INVALID_REPLICATION_FACTOR') throw err;
        // Fewer brokers than the replication factor (Connect's default is 3): use the broker default.
        logger.warn('DLQ topic replication factor is larger than the cluster, using the broker default', { topic, replicationFactor: this.options.replicationFactor });
        await ensureTopic(admin, { name: topic, partitions: 1, replicationFactor: -1 });
      }
      this.ensured = true;
    } finally {
      await settle(admin.close(), 2000);
    }
  }

  async report(context: ErrorContext, error: unknown): Promise<void> {
    const record = context.consumed;
    if (!record) return;
    await this.ensureTopic();
    if (!this.producer) {
      this.producer = createProducer(this.options.target, `${this.options.clientId}-dlq`);
      this.producer.on('error', (err: unknown) => this.options.logger.debug('DLQ producer error', { error: errorMessage(err) }));
    }
    const headers = new Map<Buffer, Buffer>();
    for (const [k, v] of record.headers) headers.set(k, v ?? (null as unknown as Buffer));
    if (this.options.contextHeaders) {
      const err = error instanceof Error ? error : new Error(String(error));
      const add = (key: string, value: string) => headers.set(Buffer.from(key), Buffer.from(value, 'utf8'));
      add(DLQ_HEADERS.topic, record.topic);
      add(DLQ_HEADERS.partition, String(record.partition));
      add(DLQ_HEADERS.offset, String(record.offset));
      add(DLQ_HEADERS.connectorName, this.options.connector);
      add(DLQ_HEADERS.taskId, String(this.options.task));
      add(DLQ_HEADERS.stage, context.stage);
      add(DLQ_HEADERS.className, context.className);
      add(DLQ_HEADERS.exceptionClassName, err.name);
      add(DLQ_HEADERS.exceptionMessage, err.message);
      add(DLQ_HEADERS.exceptionStacktrace, err.stack ?? `${err.name}: ${err.message}`);
    }
    await this.producer.send({
      messages: [
        {
          topic: this.options.topic,
          key: record.key ?? (null as unknown as Buffer),
          value: record.value ?? (null as unknown as Buffer),
          headers,
          timestamp: record.timestamp,
        },
      ],
    });
  }

  async close(): Promise<void> {
    await settle(this.producer?.close(), 5000);
    this.producer = null;
  }
}

export type Outcome<T> = { ok: true; value: T } | { ok: false };

/** Runs record-processing stages with Connect's retry and tolerance rules. */
export class RetryWithToleranceOperator {
  private readonly config: ErrorHandlingConfig;
  private readonly reporters: ErrorReporter[];
  private readonly signal: AbortSignal | undefined;
  /** Errors tolerated so far. */
  tolerated = 0;

  constructor(config: ErrorHandlingConfig, reporters: ErrorReporter[], signal?: AbortSignal) {
    this.config = config;
    this.reporters = reporters;
    this.signal = signal;
  }

  /**
   * Runs `fn`. Retriable failures are retried within errors.retry.timeout; a final failure is
   * reported and returns `{ok: false}` under tolerance all, and throws ToleranceExceededError
   * under tolerance none.
   */
  async execute<T>(fn: () => T | Promise<T>, context: ErrorContext): Promise<Outcome<T>> {
    const started = Date.now();
    let backoff = INITIAL_BACKOFF_MS;
    for (;;) {
      try {
        return { ok: true, value: await fn() };
      } catch (err) {
        const timeout = this.config.retryTimeoutMs;
        const elapsed = Date.now() - started;
        const canRetry = isRetriable(err) && (timeout < 0 || elapsed < timeout) && !this.signal?.aborted;
        if (canRetry) {
          const wait = Math.min(backoff, this.config.retryDelayMaxMs, timeout < 0 ? Infinity : Math.max(0, timeout - elapsed));
          backoff *= 2;
          await delay(wait, this.signal);
          continue;
        }
        return this.fail(context, err);
      }
    }
  }

  /** Handles a failure that was not (or no longer) retried. */
  async fail(context: ErrorContext, err: unknown): Promise<{ ok: false }> {
    if (this.config.tolerance !== 'all') {
      // errors.log.enable logs every failure; the DLQ only takes tolerated ones.
      for (const reporter of this.reporters) if (reporter instanceof LogReporter) await reporter.report(context, err);
      throw new ToleranceExceededError(context.stage, err);
    }
    this.tolerated++;
    for (const reporter of this.reporters) await reporter.report(context, err);
    return { ok: false };
  }

  get toleratesAll(): boolean {
    return this.config.tolerance === 'all';
  }

  async close(): Promise<void> {
    for (const r of this.reporters) await r.close?.();
  }
}
