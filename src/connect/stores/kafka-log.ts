/**
 * A compacted topic used as a replicated log of key → value (Kafka Connect's KafkaBasedLog):
 * created on start if missing (cleanup.policy=compact), read from the beginning to the end
 * on start (and on `readToEnd()`), written with an idempotent acks=all producer whose partitioner
 * is Java's, so keys land where a Java worker would put them.
 */
import type { Consumer, Producer } from '@platformatic/kafka';
import type { Logger } from '../../util/logger.ts';
import { createAdmin, createConsumer, createProducer, delay, endOffsets, ensureTopic, errorMessage, fetchRound, isRetriableKafkaError, settle, type KafkaTarget, type PartitionPosition } from '../kafka.ts';

export interface KafkaLogOptions {
  target: KafkaTarget;
  topic: string;
  partitions: number;
  replicationFactor: number;
  clientId: string;
  logger: Logger;
  /** Called for each record read, in log order per partition. */
  onRecord(key: string, value: string | null): void;
  /** How long start() keeps retrying while the cluster does not answer (ms). */
  startTimeoutMs?: number;
}

export class KafkaLog {
  readonly topic: string;
  private readonly options: KafkaLogOptions;
  private producer: Producer<Buffer, Buffer, Buffer, Buffer> | null = null;
  private consumer: Consumer<Buffer, Buffer, Buffer, Buffer> | null = null;
  private positions: PartitionPosition[] = [];
  private reading: Promise<void> | null = null;

  constructor(options: KafkaLogOptions) {
    this.options = options;
    this.topic = options.topic;
  }

  async start(): Promise<void> {
    const { target, topic, logger } = this.options;
    const deadline = Date.now() + (this.options.startTimeoutMs ?? 60_000);
    for (let attempt = 1; ; attempt++) {
      try {
        const admin = createAdmin(target, `${this.options.clientId}-admin`);
        try {
          const created = await ensureTopic(admin, {
            name: topic,
            partitions: this.options.partitions,
            replicationFactor: this.options.replicationFactor,
            configs: { 'cleanup.policy': 'compact' },
          });
          if (created) logger.info('created internal topic', { topic, partitions: this.options.partitions });
        } finally {
          await settle(admin.close(), 2000);
        }
        if (!this.consumer) {
          this.consumer = createConsumer(target, `${this.options.clientId}-reader`, `${this.options.clientId}-reader-unused`);
          this.consumer.on('error', (err: unknown) => logger.debug('internal topic reader error', { topic, error: errorMessage(err) }));
        }
        const meta = await this.consumer.metadata({ topics: [topic] });
        const count = meta.topics.get(topic)?.partitionsCount ?? 0;
        if (count === 0) throw new Error(`no metadata for topic ${topic}`);
        this.positions = Array.from({ length: count }, (_v, partition) => ({ topic, partition, position: 0n, leaderEpoch: -1 }));
        await this.readToEnd();
        if (!this.producer) {
          this.producer = createProducer(target, `${this.options.clientId}-producer`, { partitioner: 'java' });
          this.producer.on('error', (err: unknown) => logger.debug('internal topic writer error', { topic, error: errorMessage(err) }));
        }
        return;
      } catch (err) {
        if (Date.now() >= deadline || !isRetriableKafkaError(err)) throw err;
        logger.warn('cannot read internal topic yet, retrying', { topic, attempt, error: errorMessage(err) });
        await delay(Math.min(5000, 250 * 2 ** Math.min(attempt, 5)));
      }
    }
  }

  /** Reads everything written so far (up to the end offsets of this moment). */
  readToEnd(): Promise<void> {
    // Concurrent callers share one read.
    this.reading ??= this.doReadToEnd().finally(() => {
      this.reading = null;
    });
    return this.reading;
  }

  private async doReadToEnd(): Promise<void> {
    const consumer = this.consumer;
    if (!consumer) throw new Error('KafkaLog not started');
    const ends = await endOffsets(consumer, this.topic, this.positions.map((p) => p.partition));
    for (let round = 0; round < 100_000; round++) {
      const behind = this.positions.filter((p) => p.position < (ends.get(p.partition) ?? 0n));
      if (behind.length === 0) return;
      const records = await fetchRound(consumer, behind, { maxWaitMs: 100, reset: 'earliest' });
      for (const r of records) {
        if (r.key === null) continue;
        try {
          this.options.onRecord(r.key.toString('utf8'), r.value === null ? null : r.value.toString('utf8'));
        } catch (err) {
          this.options.logger.warn('skipping unreadable record of internal topic', { topic: this.topic, partition: r.partition, offset: r.offset, error: errorMessage(err) });
        }
      }
    }
  }

  /** Writes one record; resolves once the broker acknowledged it. */
  async send(key: string, value: string | null): Promise<void> {
    await this.sendAll([[key, value]]);
  }

  /** Writes records in order (same-key records stay ordered); resolves once all are acknowledged. */
  async sendAll(records: readonly (readonly [string, string | null])[]): Promise<void> {
    const producer = this.producer;
    if (!producer) throw new Error(`the store on ${this.topic} is not started`);
    if (records.length === 0) return;
    await producer.send({
      messages: records.map(([key, value]) => ({ topic: this.topic, key: Buffer.from(key, 'utf8'), value: value === null ? (null as unknown as Buffer) : Buffer.from(value, 'utf8') })),
    });
  }

  async stop(): Promise<void> {
    await settle(this.reading ?? undefined, 5000);
    await Promise.all([settle(this.producer?.close(), 5000), settle(this.consumer?.close(), 5000)]);
    this.producer = null;
    this.consumer = null;
  }
}
