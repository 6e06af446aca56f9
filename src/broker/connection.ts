/**
 * One client connection: splits the byte stream into frames, decodes request headers,
 * runs requests (several may be in progress: a produce with acks=-1 waiting for its fsync
 * does not hold up the next one), and writes responses strictly in request order.
 * Back-pressure: reading pauses while too many requests are in progress or the socket's
 * write buffer is full.
 *
 * A malformed frame, an unknown API key or an unsupported version (except ApiVersions,
 * answered with UNSUPPORTED_VERSION per KIP-511) closes the connection, logged with the
 * peer address; the broker keeps serving everyone else.
 */
import type { Socket } from 'node:net';
import { FrameSplitter } from '../protocol/frame.ts';
import { Reader } from '../protocol/primitives/reader.ts';
import { readRequestHeader, type RequestHeader } from '../protocol/headers.ts';
import { ApiKey } from '../protocol/generated/api-keys.ts';
import { ErrorCode } from '../protocol/generated/error-codes.ts';
import { encodeApiVersionsResponse } from '../protocol/generated/messages/api-versions.ts';
import { ProtocolDecodeError } from '../protocol/errors.ts';
import { type Dispatcher, encodeResponse } from './dispatcher.ts';
import type { BrokerContext } from './broker-context.ts';
import type { Logger } from '../util/logger.ts';

interface Slot {
  done: boolean;
  out: Buffer[] | null;
}

export interface ConnectionLimits {
  maxRequestBytes: number;
  maxInFlight: number;
}

export class Connection {
  readonly peer: string;
  private readonly socket: Socket;
  private readonly dispatcher: Dispatcher;
  private readonly broker: BrokerContext;
  private readonly logger: Logger;
  private readonly limits: ConnectionLimits;
  private readonly splitter: FrameSplitter;
  private readonly queue: Slot[] = [];
  private closed = false;
  private pausedForWrite = false;
  private pausedForQueue = false;

  constructor(socket: Socket, dispatcher: Dispatcher, broker: BrokerContext, limits: ConnectionLimits, logger: Logger) {
    this.socket = socket;
    this.dispatcher = dispatcher;
    this.broker = broker;
    this.limits = limits;
    this.peer = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    this.logger = logger;
    this.splitter = new FrameSplitter(limits.maxRequestBytes);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => {
      this.pausedForWrite = false;
      this.updateFlow();
    });
    socket.on('error', (err) => this.logger.debug('connection error', { peer: this.peer, err }));
    socket.on('close', () => {
      this.closed = true;
    });
  }

  /** Stops the connection at once. */
  destroy(): void {
    this.closed = true;
    this.socket.destroy();
  }

  private fail(reason: string, fields: Record<string, unknown> = {}): void {
    this.logger.warn(`closing connection: ${reason}`, { peer: this.peer, ...fields });
    this.destroy();
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    let frames: Buffer[];
    try {
      frames = this.splitter.push(chunk);
    } catch (err) {
      this.fail((err as Error).message);
      return;
    }
    for (const frame of frames) {
      if (this.closed) return;
      this.onFrame(frame);
    }
  }

  private onFrame(frame: Buffer): void {
    const r = new Reader(frame);
    let header: RequestHeader;
    try {
      header = readRequestHeader(r);
    } catch (err) {
      this.fail('malformed request header', { err: (err as Error).message });
      return;
    }
    const handler = this.dispatcher.handlerFor(header.apiKey, header.apiVersion);
    if (!handler) {
      if (header.apiKey === ApiKey.ApiVersions) {
        this.enqueueReady(this.unsupportedApiVersions(header));
        return;
      }
      this.fail('unsupported api key or version', { apiKey: header.apiKey, apiVersion: header.apiVersion, clientId: header.clientId });
      return;
    }
    const slot: Slot = { done: false, out: null };
    this.queue.push(slot);
    this.updateFlow();
    const ctx = { header, apiVersion: header.apiVersion, peer: this.peer, broker: this.broker };
    let pending: Promise<Buffer[] | null>;
    try {
      pending = this.dispatcher.dispatch(handler, r, ctx);
    } catch (err) {
      pending = Promise.reject(err);
    }
    pending.then(
      (out) => {
        slot.done = true;
        slot.out = out;
        this.flush();
      },
      (err: unknown) => {
        if (err instanceof ProtocolDecodeError) {
          this.fail('malformed request', { apiKey: header.apiKey, apiVersion: header.apiVersion, err: err.message, offset: err.offset });
        } else {
          this.logger.error('request failed', { peer: this.peer, apiKey: header.apiKey, apiVersion: header.apiVersion, err: err as Error });
          this.destroy();
        }
      },
    );
  }

  private unsupportedApiVersions(header: RequestHeader): Buffer[] {
    return encodeResponse(ApiKey.ApiVersions, 0, header.correlationId, (w) =>
      encodeApiVersionsResponse(w, 0, { errorCode: ErrorCode.UNSUPPORTED_VERSION, apiKeys: this.broker.supportedApis() }),
    );
  }

  private enqueueReady(out: Buffer[]): void {
    this.queue.push({ done: true, out });
    this.flush();
  }

  /** Writes finished responses from the head of the queue, in request order. */
  private flush(): void {
    if (this.closed) return;
    let wrote = false;
    while (this.queue.length > 0 && this.queue[0].done) {
      const slot = this.queue.shift()!;
      if (slot.out === null) continue;
      if (!wrote) this.socket.cork();
      wrote = true;
      for (const b of slot.out) if (!this.socket.write(b)) this.pausedForWrite = true;
    }
    if (wrote) this.socket.uncork();
    this.updateFlow();
  }

  private updateFlow(): void {
    this.pausedForQueue = this.queue.length >= this.limits.maxInFlight;
    const shouldPause = this.pausedForQueue || this.pausedForWrite;
    if (shouldPause && !this.socket.isPaused()) this.socket.pause();
    else if (!shouldPause && this.socket.isPaused()) this.socket.resume();
  }
}
