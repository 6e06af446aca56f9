/**
 * The runtime's use of @platformatic/kafka: client construction from the worker config, error
 * classification, topic creation, and a partition reader (Fetch from explicit positions) that the
 * internal-topic stores and the sink tasks build on.
 */
import { Admin, Consumer, Producer, type ClusterMetadata } from '@platformatic/kafka';
import type { PlatformaticClientOptions } from '../cli/connection.ts';

export interface KafkaTarget {
  /** host:port strings */
  bootstrapServers: readonly string[];
  /** Client settings common to every client (security, timeouts, retries). */
  clientOptions: PlatformaticClientOptions;
}

const EARLIEST = -2n;
const LATEST = -1n;
const IS_CONTROL = 0x20;
const LOG_APPEND_TIME = 0x08;

type AdminOptions = ConstructorParameters<typeof Admin>[0];
type ProducerOptions = ConstructorParameters<typeof Producer<Buffer, Buffer, Buffer, Buffer>>[0];
type ConsumerOptions = ConstructorParameters<typeof Consumer<Buffer, Buffer, Buffer, Buffer>>[0];
type FetchResponse = Awaited<ReturnType<Consumer<Buffer, Buffer, Buffer, Buffer>['fetch']>>;

function base(target: KafkaTarget, clientId: string): Record<string, unknown> {
  const co = target.clientOptions;
  const out: Record<string, unknown> = {
    clientId,
    bootstrapBrokers: [...target.bootstrapServers],
    timeout: co.timeout ?? 30_000,
    connectTimeout: co.connectTimeout ?? 10_000,
    retries: co.retries ?? 5,
    retryDelay: co.retryDelay ?? 250,
  };
  if (co.metadataMaxAge !== undefined) out.metadataMaxAge = co.metadataMaxAge;
  if (co.tls) out.tls = co.tls;
  if (co.sasl) out.sasl = co.sasl;
  return out;
}

export function createAdmin(target: KafkaTarget, clientId: string): Admin {
  return new Admin(base(target, clientId) as unknown as AdminOptions);
}

/** An idempotent producer with acks=all (what source tasks and the stores write with). */
export function createProducer(target: KafkaTarget, clientId: string, options: { partitioner?: 'java' } = {}): Producer<Buffer, Buffer, Buffer, Buffer> {
  // producerId/epoch -1 ask InitProducerId for a fresh id, as Java clients do (the client's default, 0/0,
  // is a request to bump the epoch of producer 0 on brokers that honour KIP-360 for idempotent producers).
  const opts: Record<string, unknown> = { ...base(target, clientId), idempotent: true, acks: -1, autocreateTopics: true, producerId: -1n, producerEpoch: -1 };
  // Java's partitioner (murmur2 & 0x7fffffff): the internal topics place keys where a Java worker would.
  if (options.partitioner === 'java') opts.partitioner = javaPartitioner;
  return new Producer<Buffer, Buffer, Buffer, Buffer>(opts as unknown as ProducerOptions);
}

export interface GroupSettings {
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  rebalanceTimeoutMs?: number;
  maxWaitMs?: number;
}

export function createConsumer(target: KafkaTarget, clientId: string, groupId: string, options: GroupSettings = {}): Consumer<Buffer, Buffer, Buffer, Buffer> {
  const b = base(target, clientId);
  const sessionTimeout = options.sessionTimeoutMs ?? 45_000;
  const opts: Record<string, unknown> = {
    ...b,
    groupId,
    timeout: Math.max(Number(b.timeout), (options.maxWaitMs ?? 500) + 10_000),
    autocommit: false,
    sessionTimeout,
    rebalanceTimeout: options.rebalanceTimeoutMs ?? 300_000,
    heartbeatInterval: Math.min(options.heartbeatIntervalMs ?? 3000, Math.max(1, Math.floor(sessionTimeout / 3))),
  };
  return new Consumer<Buffer, Buffer, Buffer, Buffer>(opts as unknown as ConsumerOptions);
}

function murmur2(data: Buffer): number {
  const m = 0x5bd1e995;
  const r = 24;
  const length = data.length;
  let h = (0x9747b28c ^ length) | 0;
  const length4 = length >> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = (data[i4] & 0xff) + ((data[i4 + 1] & 0xff) << 8) + ((data[i4 + 2] & 0xff) << 16) + ((data[i4 + 3] & 0xff) << 24);
    k = Math.imul(k, m);
    k ^= k >>> r;
    k = Math.imul(k, m);
    h = Math.imul(h, m);
    h ^= k;
  }
  const rest = length & 3;
  const idx = length & ~3;
  if (rest === 3) h ^= (data[idx + 2] & 0xff) << 16;
  if (rest >= 2) h ^= (data[idx + 1] & 0xff) << 8;
  if (rest >= 1) {
    h ^= data[idx] & 0xff;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

/** Kafka's Java default partitioner for keyed records: toPositive(murmur2(key)) (the client takes it modulo the partition count). */
export function javaPartitioner(_message: unknown, key: Buffer | undefined): number {
  return Buffer.isBuffer(key) ? murmur2(key) & 0x7fffffff : 0;
}

export { murmur2 as murmur2ForTests };

// ---- errors ----------------------------------------------------------------------------------------

interface ErrorShape {
  apiId?: unknown;
  canRetry?: unknown;
  code?: unknown;
  errors?: unknown;
  cause?: unknown;
}

function walk(err: unknown, visit: (e: ErrorShape) => boolean | void): void {
  const seen = new Set<unknown>();
  const go = (value: unknown, depth: number): boolean => {
    if (typeof value !== 'object' || value === null || seen.has(value) || depth > 10) return false;
    seen.add(value);
    const e = value as ErrorShape;
    if (visit(e) === true) return true;
    if (Array.isArray(e.errors)) for (const member of e.errors) if (go(member, depth + 1)) return true;
    return go(e.cause, depth + 1);
  };
  go(err, 0);
}

/** The first Kafka protocol error name inside `err` (e.g. UNKNOWN_TOPIC_OR_PARTITION), or null. */
export function kafkaErrorName(err: unknown): string | null {
  let name: string | null = null;
  walk(err, (e) => {
    if (typeof e.apiId === 'string' && e.apiId !== '' && e.apiId !== 'NONE') {
      name = e.apiId;
      return true;
    }
  });
  return name;
}

/**
 * Whether retrying may help: network errors, timeouts and retriable Kafka errors. A Kafka error
 * that is not retriable (or a usage error of the client) anywhere in the chain says no.
 */
export function isRetriableKafkaError(err: unknown): boolean {
  let retriable = false;
  let fatal = false;
  walk(err, (e) => {
    if (e.code === 'PLT_KFK_USER' || e.code === 'PLT_KFK_UNSUPPORTED_API' || e.code === 'PLT_KFK_AUTHENTICATION') fatal = true;
    if (typeof e.apiId === 'string' && e.apiId !== 'NONE' && e.canRetry === false) fatal = true;
    if (e.canRetry === true || e.code === 'PLT_KFK_NETWORK' || e.code === 'PLT_KFK_TIMEOUT') retriable = true;
    if (typeof e.code === 'string' && /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND)$/.test(e.code)) retriable = true;
  });
  return retriable && !fatal;
}

export function errorMessage(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const name = kafkaErrorName(err);
  const inner = err instanceof AggregateError && err.errors.length > 0 ? `: ${errorMessage(err.errors[err.errors.length - 1])}` : '';
  return name && !err.message.includes(name) ? `${err.message} (${name})${inner}` : `${err.message}${inner}`;
}

/** A stack trace for status `trace` fields: the stack, then each cause's. */
export function traceOf(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  let out = err.stack ?? `${err.name}: ${err.message}`;
  let cause: unknown = err.cause;
  for (let depth = 0; cause instanceof Error && depth < 5; depth++) {
    out += `\nCaused by: ${cause.stack ?? `${cause.name}: ${cause.message}`}`;
    cause = cause.cause;
  }
  return out;
}

export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

export async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(Object.assign(new Error(`${what}: no answer within ${ms} ms`), { code: 'PLT_KFK_TIMEOUT' })), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves when `work` settles or after `ms`, whichever is first; never rejects. */
export async function settle(work: Promise<unknown> | undefined, ms: number): Promise<void> {
  if (!work) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work.catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

// ---- topics ------------------------------------------------------------------------------------------

export interface TopicSpec {
  name: string;
  partitions: number;
  /** -1: the broker's default. */
  replicationFactor: number;
  configs?: Record<string, string>;
}

/** Creates the topic unless it exists. Returns whether it was created. */
export async function ensureTopic(admin: Admin, spec: TopicSpec): Promise<boolean> {
  const existing = await admin.listTopics({ includeInternals: true });
  if (existing.includes(spec.name)) return false;
  try {
    await admin.createTopics({
      topics: [spec.name],
      partitions: spec.partitions,
      replicas: spec.replicationFactor,
      configs: Object.entries(spec.configs ?? {}).map(([name, value]) => ({ name, value })),
    });
    return true;
  } catch (err) {
    if (kafkaErrorName(err) === 'TOPIC_ALREADY_EXISTS') return false;
    throw err;
  }
}

// ---- reading partitions from explicit positions -------------------------------------------------------

export interface FetchedRecord {
  topic: string;
  partition: number;
  offset: bigint;
  timestamp: bigint;
  timestampType: 'CreateTime' | 'LogAppendTime';
  key: Buffer | null;
  value: Buffer | null;
  headers: [Buffer, Buffer | null][];
  leaderEpoch: number;
}

export interface PartitionPosition {
  topic: string;
  partition: number;
  /** The next offset to read. */
  position: bigint;
  leaderEpoch: number;
}

/**
 * One Fetch round for `partitions` (grouped by leader), from their positions. Advances each
 * position past what it returns (and past control batches). A partition whose position is out
 * of range restarts at `reset` (earliest or latest).
 */
export async function fetchRound(
  consumer: Consumer<Buffer, Buffer, Buffer, Buffer>,
  partitions: readonly PartitionPosition[],
  options: { maxWaitMs: number; maxBytes?: number; reset?: 'earliest' | 'latest' },
): Promise<FetchedRecord[]> {
  if (partitions.length === 0) return [];
  const topics = [...new Set(partitions.map((p) => p.topic))];
  const meta: ClusterMetadata = await consumer.metadata({ topics });
  const byNode = new Map<number, PartitionPosition[]>();
  for (const p of partitions) {
    const tm = meta.topics.get(p.topic);
    const leader = tm?.partitions[p.partition]?.leader ?? -1;
    if (!tm || leader < 0 || !meta.brokers.has(leader)) {
      consumer.clearMetadata();
      continue;
    }
    byNode.set(leader, [...(byNode.get(leader) ?? []), p]);
  }
  const topicById = new Map<string, string>();
  for (const [t, tm] of meta.topics) topicById.set(tm.id, t);
  const out: FetchedRecord[] = [];
  const outOfRange: PartitionPosition[] = [];
  await Promise.all(
    [...byNode].map(async ([node, list]) => {
      const byTopic = new Map<string, PartitionPosition[]>();
      for (const p of list) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p]);
      const request = [...byTopic].map(([t, ps]) => ({
        topicId: meta.topics.get(t)!.id,
        partitions: ps.map((p) => ({ partition: p.partition, fetchOffset: p.position, partitionMaxBytes: options.maxBytes ?? 1 << 20, currentLeaderEpoch: -1, lastFetchedEpoch: -1 })),
      }));
      let response: FetchResponse;
      try {
        response = await consumer.fetch({ node, topics: request, maxWaitTime: options.maxWaitMs, minBytes: 1, maxBytes: 16 << 20 });
      } catch (err) {
        if (kafkaErrorName(err) === 'OFFSET_OUT_OF_RANGE') {
          outOfRange.push(...list);
          return;
        }
        if (kafkaErrorName(err) === 'NOT_LEADER_OR_FOLLOWER' || kafkaErrorName(err) === 'UNKNOWN_TOPIC_OR_PARTITION') consumer.clearMetadata();
        throw err;
      }
      for (const tr of response.responses) {
        const topic = topicById.get(tr.topicId);
        if (!topic) continue;
        for (const pr of tr.partitions) {
          const st = list.find((p) => p.topic === topic && p.partition === pr.partitionIndex);
          if (!st) continue;
          if (pr.errorCode === 1) {
            outOfRange.push(st);
            continue;
          }
          if (pr.errorCode !== 0) {
            consumer.clearMetadata();
            continue;
          }
          for (const batch of pr.records ?? []) {
            const last = batch.firstOffset + BigInt(batch.lastOffsetDelta);
            st.leaderEpoch = batch.partitionLeaderEpoch;
            if ((batch.attributes & IS_CONTROL) === 0) {
              const logAppend = (batch.attributes & LOG_APPEND_TIME) !== 0;
              for (const r of batch.records) {
                const offset = batch.firstOffset + BigInt(r.offsetDelta);
                if (offset < st.position) continue;
                out.push({
                  topic,
                  partition: st.partition,
                  offset,
                  timestamp: logAppend ? batch.maxTimestamp : batch.firstTimestamp + r.timestampDelta,
                  timestampType: logAppend ? 'LogAppendTime' : 'CreateTime',
                  key: r.key ?? null,
                  value: r.value ?? null,
                  headers: r.headers.map(([k, v]) => [k ?? Buffer.alloc(0), v ?? null]),
                  leaderEpoch: batch.partitionLeaderEpoch,
                });
                st.position = offset + 1n;
              }
            }
            if (last >= st.position) st.position = last + 1n;
          }
        }
      }
    }),
  );
  if (outOfRange.length > 0) {
    const ts = options.reset === 'latest' ? LATEST : EARLIEST;
    for (const t of new Set(outOfRange.map((p) => p.topic))) {
      const list = outOfRange.filter((p) => p.topic === t);
      const offsets = await consumer.listOffsets({ topics: [t], partitions: { [t]: list.map((p) => p.partition) }, timestamp: ts });
      for (const p of list) p.position = offsets.get(t)?.[p.partition] ?? 0n;
    }
  }
  return out;
}

/** End offsets (next offset to be written) of the given partitions. */
export async function endOffsets(consumer: Consumer<Buffer, Buffer, Buffer, Buffer>, topic: string, partitions: readonly number[]): Promise<Map<number, bigint>> {
  const offsets = await consumer.listOffsets({ topics: [topic], partitions: { [topic]: [...partitions] }, timestamp: LATEST });
  const list = offsets.get(topic) ?? [];
  return new Map(partitions.map((p) => [p, list[p] ?? 0n]));
}

export async function startOffsets(consumer: Consumer<Buffer, Buffer, Buffer, Buffer>, topic: string, partitions: readonly number[]): Promise<Map<number, bigint>> {
  const offsets = await consumer.listOffsets({ topics: [topic], partitions: { [topic]: [...partitions] }, timestamp: EARLIEST });
  const list = offsets.get(topic) ?? [];
  return new Map(partitions.map((p) => [p, list[p] ?? 0n]));
}
