/**
 * The engine of `kstream produce`: takes parsed records as a stream and sends them with
 * @platformatic/kafka's Producer.
 *
 * - Back-pressure: one produce request is in flight while the next one is filled from the
 *   input; when the next one is full, reading waits. Memory stays around two requests
 *   (`maxRequestBytes` each) whatever the input size.
 * - Partitions are chosen here (so `--print-offsets` knows every record's partition): an explicit
 *   partition, else the Java client's partitioner for keyed records (murmur2 of the key, so the
 *   same key lands where Java/Kafka Streams would put it), else a sticky partition per request.
 * - Topics that do not exist are created if the cluster creates topics on demand
 *   (`auto.create.topics.enable`, on by default in Kafka and kstream); otherwise producing fails
 *   with UNKNOWN_TOPIC_OR_PARTITION.
 */
import { Producer, murmur2, type MessageToProduce, type ProduceResult } from '@platformatic/kafka';
import { CliError } from '../cli/errors.ts';
import { ExitCode } from '../cli/exit-codes.ts';
import type { PlatformaticClientOptions } from '../cli/connection.ts';
import type { HostPort } from '../cli/flags.ts';
import { kafkaFailure, settleWithin, timeoutError, unlessAborted, withTimeout } from './kafka-errors.ts';
import { recordSize, type RecordToProduce } from './records.ts';

export const COMPRESSIONS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
export type Compression = (typeof COMPRESSIONS)[number];

/** Where a record was written; offset -1 with acks=0 (the broker does not say). */
export interface DeliveryReport {
  topic: string;
  partition: number;
  offset: bigint;
}

export interface ProduceStats {
  records: number;
  /** Key, value and header bytes sent. */
  bytes: number;
  topics: string[];
  elapsedMs: number;
}

export interface ProducerRunOptions {
  servers: readonly HostPort[];
  clientOptions: PlatformaticClientOptions;
  /** Bound on connecting and on each produce request (ms). */
  timeoutMs: number;
  /** The TOPIC argument: every record goes there. Without it records must name their topic. */
  topic?: string;
  /** `-p`: every record goes to this partition. */
  partition?: number;
  /** Honour the partition a record names (input format %p, JSON with --keep-partition). */
  recordPartitions: boolean;
  acks: -1 | 0 | 1;
  idempotent: boolean;
  compression: Compression;
  batches: AsyncIterable<RecordToProduce[]>;
  /** Called in input order once records are acknowledged. */
  onDelivered?: (reports: DeliveryReport[]) => void | Promise<void>;
  /** Called after each acknowledged request. */
  onProgress?: (stats: ProduceStats) => void;
  /** Stops reading input; what was read is still sent. */
  signal?: AbortSignal;
  /** Size of one produce request (default 256 KiB: below the default max.message.bytes of 1 MiB, and small enough to keep memory low). */
  maxRequestBytes?: number;
  maxRequestRecords?: number;
}

interface Pending {
  messages: MessageToProduce<Buffer, Buffer, Buffer, Buffer>[];
  bytes: number;
}

const NO_VALUE = undefined as unknown as Buffer;

/** Java's default partitioner for keyed records: toPositive(murmur2(key)) % partitions. */
export function partitionForKey(key: Buffer, partitions: number): number {
  return (murmur2(key) & 0x7fffffff) % partitions;
}

export async function runProducer(options: ProducerRunOptions): Promise<ProduceStats> {
  const started = performance.now();
  const maxRequestBytes = options.maxRequestBytes ?? 256 * 1024;
  const maxRequestRecords = options.maxRequestRecords ?? 10_000;
  const { servers, timeoutMs } = options;
  const co = options.clientOptions;
  const producer = new Producer<Buffer, Buffer, Buffer, Buffer>({
    ...co,
    clientId: co.clientId,
    bootstrapBrokers: servers.map((s) => ({ host: s.host, port: s.port })),
    timeout: co.timeout ?? timeoutMs,
    connectTimeout: co.connectTimeout ?? timeoutMs,
    retries: co.retries ?? 3,
    retryDelay: co.retryDelay ?? 250,
    idempotent: options.idempotent,
    // Ask InitProducerId for a new id (-1/-1). The client's default (0/0) reads, to a broker that
    // implements KIP-360 epoch bumps for idempotent producers, as "bump the epoch of producer 0",
    // which would give every run the same producer id and clash with its sequence numbers.
    producerId: -1n,
    producerEpoch: -1,
    acks: options.acks,
    compression: options.compression,
    autocreateTopics: true,
  } as ConstructorParameters<typeof Producer<Buffer, Buffer, Buffer, Buffer>>[0]);

  const stats: ProduceStats = { records: 0, bytes: 0, topics: [], elapsedMs: 0 };
  const topicsSeen = new Set<string>();
  const partitionCounts = new Map<string, number>();
  const sticky = new Map<string, number>();
  let pending: Pending = { messages: [], bytes: 0 };
  let inflight: Promise<void> | null = null as Promise<void> | null;
  let failure: unknown = null;
  let recordNo = 0;

  const partitionsOf = async (topic: string): Promise<number> => {
    const known = partitionCounts.get(topic);
    if (known !== undefined) return known;
    let count: number;
    try {
      const metadata = await withTimeout(producer.metadata({ topics: [topic], autocreateTopics: true }), timeoutMs, () => timeoutError(servers, timeoutMs, `cannot get metadata of topic ${topic}`));
      count = metadata.topics.get(topic)?.partitionsCount ?? 0;
    } catch (err) {
      if (err instanceof CliError) throw err;
      if (/unknown topic/i.test((err as Error).message ?? '')) throw unknownTopic(topic);
      const failed = kafkaFailure(`cannot get metadata of topic ${topic}`, err);
      if (failed.code === 'UNKNOWN_TOPIC_OR_PARTITION') throw unknownTopic(topic);
      throw failed;
    }
    if (count <= 0) throw unknownTopic(topic);
    partitionCounts.set(topic, count);
    sticky.set(topic, Math.floor(Math.random() * count));
    return count;
  };

  const send = async (batch: Pending): Promise<void> => {
    let result: ProduceResult;
    try {
      result = await withTimeout(producer.send({ messages: batch.messages, acks: options.acks }), timeoutMs, () =>
        timeoutError(servers, timeoutMs, `producing to ${describeTopics(batch)} timed out after ${stats.records} records`),
      );
    } catch (err) {
      throw kafkaFailure(`producing to ${describeTopics(batch)} failed after ${stats.records} records`, err);
    }
    stats.records += batch.messages.length;
    stats.bytes += batch.bytes;
    if (options.onDelivered) {
      const base = new Map<string, bigint>();
      for (const o of result.offsets ?? []) base.set(`${o.topic}\0${o.partition}`, o.offset);
      const reports: DeliveryReport[] = batch.messages.map((m) => {
        const k = `${m.topic}\0${m.partition!}`;
        const b = base.get(k);
        if (b === undefined || b < 0n) return { topic: m.topic, partition: m.partition!, offset: -1n };
        base.set(k, b + 1n);
        return { topic: m.topic, partition: m.partition!, offset: b };
      });
      await options.onDelivered(reports);
    }
    stats.elapsedMs = performance.now() - started;
    options.onProgress?.({ ...stats, topics: [...topicsSeen] });
  };

  /** Starts a request with the pending records unless one is in flight; the next starts when it is done. */
  const kick = (): void => {
    if (inflight || failure || pending.messages.length === 0) return;
    const batch = pending;
    pending = { messages: [], bytes: 0 };
    for (const t of new Set(batch.messages.map((m) => m.topic))) {
      // The next request of unkeyed records goes to another partition (sticky partitioning).
      const n = partitionCounts.get(t) ?? 1;
      sticky.set(t, ((sticky.get(t) ?? 0) + 1) % n);
    }
    inflight = send(batch).then(
      () => {
        inflight = null;
        kick();
      },
      (err: unknown) => {
        failure ??= err;
        inflight = null;
      },
    );
  };

  /** Waits until the pending request has room (or everything is sent, with `drain`). */
  const waitForRoom = async (drain: boolean): Promise<void> => {
    for (;;) {
      if (failure) throw failure;
      kick();
      const full = pending.bytes >= maxRequestBytes || pending.messages.length >= maxRequestRecords;
      if (!inflight || (!drain && !full)) break;
      await inflight;
    }
    if (failure) throw failure;
  };

  const iterator = options.batches[Symbol.asyncIterator]();
  try {
    // Connect (and create the topic, where the cluster does that) before reading any input.
    if (options.topic !== undefined) {
      const count = await partitionsOf(options.topic);
      if (options.partition !== undefined && options.partition >= count) throw unknownPartition(options.topic, options.partition, count);
    }
    for (;;) {
      const next = await unlessAborted(iterator.next(), options.signal);
      if (next === 'aborted' || next.done) break;
      for (const r of next.value) {
        recordNo++;
        const topic = options.topic ?? r.topic;
        if (!topic) {
          throw new CliError(`record ${recordNo} names no topic`, { exitCode: ExitCode.USAGE, code: 'USAGE', hint: 'give the TOPIC argument, or %t in --format, or "topic" in --input json' });
        }
        const count = partitionCounts.get(topic) ?? (await partitionsOf(topic));
        topicsSeen.add(topic);
        let partition = options.partition ?? (options.recordPartitions ? r.partition : undefined);
        if (partition !== undefined) {
          if (partition >= count) throw unknownPartition(topic, partition, count);
        } else if (r.key !== null) {
          partition = partitionForKey(r.key, count);
        } else {
          partition = sticky.get(topic) ?? 0;
        }
        const message: MessageToProduce<Buffer, Buffer, Buffer, Buffer> = {
          topic,
          partition,
          key: r.key ?? NO_VALUE,
          value: r.value ?? NO_VALUE,
        };
        if (r.headers.length > 0) {
          // Distinct Buffer objects as Map keys keep repeated header names.
          message.headers = new Map(r.headers.map((h) => [Buffer.from(h.key), h.value ?? NO_VALUE]));
        }
        if (r.timestamp !== undefined) message.timestamp = r.timestamp;
        pending.messages.push(message);
        pending.bytes += recordSize(r);
        if (pending.bytes >= maxRequestBytes || pending.messages.length >= maxRequestRecords) await waitForRoom(false);
      }
      if (failure) throw failure;
      // Send what was read unless a request is out (then it goes when that one is done).
      kick();
    }
    await waitForRoom(true);
    stats.elapsedMs = performance.now() - started;
    stats.topics = [...topicsSeen];
    return stats;
  } finally {
    if (inflight) await settleWithin(inflight, 1000);
    void iterator.return?.(undefined)?.catch?.(() => undefined);
    await settleWithin(producer.close(failure !== null), 2000);
  }
}

function describeTopics(batch: Pending): string {
  const topics = [...new Set(batch.messages.map((m) => m.topic))];
  return topics.length === 1 ? topics[0] : `${topics.length} topics`;
}

function unknownTopic(topic: string): CliError {
  return new CliError(`topic ${topic} does not exist and was not created`, {
    exitCode: ExitCode.KAFKA_ERROR,
    code: 'UNKNOWN_TOPIC_OR_PARTITION',
    hint: 'the cluster does not create topics automatically; create it with kstream topics create',
  });
}

function unknownPartition(topic: string, partition: number, count: number): CliError {
  return new CliError(`topic ${topic} has no partition ${partition} (it has ${count} partition${count === 1 ? '' : 's'}, 0-${count - 1})`, {
    exitCode: ExitCode.KAFKA_ERROR,
    code: 'UNKNOWN_TOPIC_OR_PARTITION',
  });
}
