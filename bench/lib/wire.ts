/**
 * A minimal pipelined Kafka wire client for the benchmarks, built on kstream's own protocol
 * codecs: no client library overhead, any number of requests in flight on one connection
 * (responses arrive in request order), pre-encoded frames re-sent with a patched correlation id.
 */
import { connect, type Socket } from 'node:net';
import { Writer } from '../../src/protocol/primitives/writer.ts';
import { Reader } from '../../src/protocol/primitives/reader.ts';
import { readResponseHeader, writeRequestHeader } from '../../src/protocol/headers.ts';
import { codecFor, type ApiKeyNumber, type ApiMessages } from '../../src/protocol/generated/registry.ts';
import type { Init } from '../../src/protocol/primitives/codec.ts';
import { ApiKey } from '../../src/protocol/generated/api-keys.ts';

/** Byte position of the correlation id in a framed request (size, api key, api version). */
const CORRELATION_POS = 8;
/** Size, api key, api version, correlation id. */
const HEAD_BYTES = 12;

interface Pending {
  correlationId: number;
  resolve: (frame: Frame) => void;
  reject: (err: Error) => void;
}

/** A response frame (without its size prefix) and when it was taken off the socket. */
export interface Frame {
  bytes: Buffer;
  /** process.hrtime.bigint() when the frame was split off the socket. */
  at: bigint;
}

export class WireClient {
  readonly host: string;
  readonly port: number;
  private readonly socket: Socket;
  private readonly sizeBuf = Buffer.alloc(4);
  private sizeBytes = 0;
  private frame: Buffer | null = null;
  private filled = 0;
  private scratch: Buffer | null = null;
  /** Large response frames share one buffer; see `frameBuffer`. */
  reuseBuffers = false;
  private readonly pending: Pending[] = [];
  private head = 0;
  private nextCorrelationId = 1;
  private closedError: Error | null = null;

  private constructor(socket: Socket, host: string, port: number) {
    this.socket = socket;
    this.host = host;
    this.port = port;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.fail(err));
    socket.on('close', () => this.fail(new Error('connection closed')));
  }

  static connect(host: string, port: number, timeoutMs = 10_000): Promise<WireClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`connect to ${host}:${port} timed out`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(new WireClient(socket, host, port));
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  }

  get inFlight(): number {
    return this.pending.length - this.head;
  }

  private onData(chunk: Buffer): void {
    const at = process.hrtime.bigint();
    let pos = 0;
    while (pos < chunk.length) {
      if (this.frame === null) {
        // Size prefix, possibly split across chunks.
        const need = 4 - this.sizeBytes;
        const take = Math.min(need, chunk.length - pos);
        chunk.copy(this.sizeBuf, this.sizeBytes, pos, pos + take);
        this.sizeBytes += take;
        pos += take;
        if (this.sizeBytes < 4) break;
        this.sizeBytes = 0;
        const size = this.sizeBuf.readInt32BE(0);
        if (size < 4) {
          this.fail(new Error(`invalid response frame size ${size}`));
          this.socket.destroy();
          return;
        }
        if (chunk.length - pos >= size) {
          // Whole frame in this chunk: a view, no copy.
          this.deliver(chunk.subarray(pos, pos + size), at);
          pos += size;
          continue;
        }
        this.frame = this.frameBuffer(size);
        this.filled = 0;
      }
      const take = Math.min(this.frame.length - this.filled, chunk.length - pos);
      chunk.copy(this.frame, this.filled, pos, pos + take);
      this.filled += take;
      pos += take;
      if (this.filled === this.frame.length) {
        const done = this.frame;
        this.frame = null;
        this.deliver(done, at);
      }
    }
  }

  /**
   * A buffer for a frame that spans chunks. With `reuseBuffers`, large frames share one buffer
   * (no allocation and page faults per response); the caller must be done with a frame before
   * the next response arrives (one request in flight).
   */
  private frameBuffer(size: number): Buffer {
    if (!this.reuseBuffers || size < 64 * 1024) return Buffer.allocUnsafe(size);
    if (!this.scratch || this.scratch.length < size) this.scratch = Buffer.allocUnsafe(size);
    return this.scratch.subarray(0, size);
  }

  private deliver(bytes: Buffer, at: bigint): void {
    const p = this.pending[this.head];
    if (!p) {
      this.fail(new Error('response without a request'));
      this.socket.destroy();
      return;
    }
    this.pending[this.head++] = undefined as unknown as Pending;
    if (this.head > 1024 && this.head * 2 > this.pending.length) {
      this.pending.splice(0, this.head);
      this.head = 0;
    }
    const id = bytes.readInt32BE(0);
    if (id !== p.correlationId) p.reject(new Error(`correlation id ${id}, expected ${p.correlationId}`));
    else p.resolve({ bytes, at });
  }

  private fail(err: Error): void {
    if (this.closedError) return;
    this.closedError = err;
    const waiting = this.pending.slice(this.head);
    this.pending.length = 0;
    this.head = 0;
    for (const p of waiting) p && p.reject(err);
  }

  /** Encodes a framed request; its correlation id is set by `sendFrame`. */
  static encode<K extends ApiKeyNumber>(apiKey: K, apiVersion: number, body: Init<ApiMessages[K]['request']>, clientId = 'kstream-bench'): Buffer {
    const w = new Writer(256);
    w.int32(0);
    writeRequestHeader(w, { apiKey, apiVersion, correlationId: 0, clientId });
    codecFor(apiKey)!.encodeRequest(w, apiVersion, body as never);
    const buf = w.toBuffer();
    buf.writeInt32BE(buf.length - 4, 0);
    return buf;
  }

  /**
   * Sends a framed request from `encode` (the same frame may be sent any number of times, also
   * while earlier sends are in flight). Resolves with the response frame, or with null at once when
   * `expectResponse` is false (Produce with acks=0).
   */
  sendFrame(frame: Buffer, expectResponse = true): Promise<Frame | null> {
    if (this.closedError) return Promise.reject(this.closedError);
    const correlationId = this.nextCorrelationId++;
    if (!expectResponse) {
      this.write(frame, correlationId);
      return Promise.resolve(null);
    }
    return new Promise<Frame | null>((resolve, reject) => {
      this.pending.push({ correlationId, resolve: resolve as (f: Frame) => void, reject });
      this.write(frame, correlationId);
    });
  }

  /**
   * Writes the frame with its own small copy of the header (the frame itself is never changed,
   * so it may be queued in the socket several times at once).
   */
  private write(frame: Buffer, correlationId: number): void {
    const head = Buffer.allocUnsafe(HEAD_BYTES);
    frame.copy(head, 0, 0, HEAD_BYTES);
    head.writeInt32BE(correlationId, CORRELATION_POS);
    this.socket.cork();
    this.socket.write(head);
    this.socket.write(frame.subarray(HEAD_BYTES));
    this.socket.uncork();
  }

  /** True when the socket's write buffer is over its high-water mark (wait for `drained`). */
  get congested(): boolean {
    return this.socket.writableNeedDrain;
  }

  drained(): Promise<void> {
    return this.socket.writableNeedDrain ? new Promise((r) => this.socket.once('drain', () => r())) : Promise.resolve();
  }

  static decode<K extends ApiKeyNumber>(apiKey: K, apiVersion: number, frame: Frame): ApiMessages[K]['response'] {
    const r = new Reader(frame.bytes);
    readResponseHeader(r, apiKey, apiVersion);
    return codecFor(apiKey)!.decodeResponse(r, apiVersion) as ApiMessages[K]['response'];
  }

  async request<K extends ApiKeyNumber>(apiKey: K, apiVersion: number, body: Init<ApiMessages[K]['request']>): Promise<ApiMessages[K]['response']> {
    const frame = await this.sendFrame(WireClient.encode(apiKey, apiVersion, body));
    return WireClient.decode(apiKey, apiVersion, frame!);
  }

  close(): void {
    this.socket.destroy();
  }
}

// ---- versions and helpers the benchmarks use ---------------------------------------------------

export const PRODUCE_VERSION = 9;
export const FETCH_VERSION = 12; // topics by name
export const METADATA_VERSION = 12;
export const CREATE_TOPICS_VERSION = 7;

/** Creates topics (or checks that they exist); throws on any other error. */
export async function createTopics(
  client: WireClient,
  names: readonly string[],
  partitions: number,
  configs: Record<string, string> = {},
): Promise<void> {
  const res = await client.request(ApiKey.CreateTopics, CREATE_TOPICS_VERSION, {
    timeoutMs: 600_000,
    topics: names.map((name) => ({
      name,
      numPartitions: partitions,
      replicationFactor: 1,
      assignments: [],
      configs: Object.entries(configs).map(([k, value]) => ({ name: k, value })),
    })),
  });
  for (const t of res.topics) {
    if (t.errorCode !== 0 && t.errorCode !== 36 /* TOPIC_ALREADY_EXISTS */) {
      throw new Error(`creating topic ${t.name} failed: error ${t.errorCode} ${t.errorMessage ?? ''}`);
    }
  }
}

/** A Metadata request for every topic (what a client sends first). */
export async function metadataAll(client: WireClient): Promise<ApiMessages[3]['response']> {
  return client.request(ApiKey.Metadata, METADATA_VERSION, { topics: null, allowAutoTopicCreation: false });
}

/** A framed Produce request for one partition (re-sendable through `sendFrame`). */
export function produceFrame(topic: string, partition: number, records: Buffer, acks: number): Buffer {
  return WireClient.encode(ApiKey.Produce, PRODUCE_VERSION, {
    transactionalId: null,
    acks,
    timeoutMs: 30_000,
    topicData: [{ name: topic, partitionData: [{ index: partition, records }] }],
  });
}

/** Checks a Produce response for one partition and returns its base offset. */
export function produceResult(frame: Frame): bigint {
  const res = WireClient.decode(ApiKey.Produce, PRODUCE_VERSION, frame);
  const p = res.responses[0]?.partitionResponses[0];
  if (!p) throw new Error('empty produce response');
  if (p.errorCode !== 0) throw new Error(`produce failed: error ${p.errorCode} ${p.errorMessage ?? ''}`);
  return p.baseOffset;
}

/** A framed Fetch request for one partition. */
export function fetchFrame(topic: string, partition: number, offset: bigint, options: { maxWaitMs: number; minBytes: number; maxBytes: number; partitionMaxBytes: number }): Buffer {
  return WireClient.encode(ApiKey.Fetch, FETCH_VERSION, {
    replicaId: -1,
    maxWaitMs: options.maxWaitMs,
    minBytes: options.minBytes,
    maxBytes: options.maxBytes,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [{ topic, partitions: [{ partition, currentLeaderEpoch: -1, fetchOffset: offset, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: options.partitionMaxBytes }] }],
    forgottenTopicsData: [],
    rackId: '',
  });
}

/** Decodes a one-partition Fetch response: the records bytes (a view) and the high watermark. */
export function fetchResult(frame: Frame): { records: Buffer; highWatermark: bigint } {
  const res = WireClient.decode(ApiKey.Fetch, FETCH_VERSION, frame);
  if (res.errorCode !== 0) throw new Error(`fetch failed: error ${res.errorCode}`);
  const p = res.responses[0]?.partitions[0];
  if (!p) throw new Error('empty fetch response');
  if (p.errorCode !== 0) throw new Error(`fetch failed: partition error ${p.errorCode}`);
  return { records: p.records ?? Buffer.alloc(0), highWatermark: p.highWatermark };
}

/** Offset after the last batch in `records` (whole v2 batches), or `fallback` when there is none. */
export function nextOffsetAfter(records: Buffer, fallback: bigint): bigint {
  let pos = 0;
  let next = fallback;
  while (pos + 61 <= records.length) {
    const size = records.readInt32BE(pos + 8) + 12;
    if (pos + size > records.length) break;
    next = records.readBigInt64BE(pos) + BigInt(records.readInt32BE(pos + 23)) + 1n;
    pos += size;
  }
  return next;
}
