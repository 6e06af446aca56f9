/**
 * CopyBoth streaming over a `pg` replication connection (replication=database): START_REPLICATION
 * is submitted as a custom query object, so `pg` hands every CopyData payload to it and the task
 * writes standby status updates back as CopyData on the same connection.
 */
import type pg from 'pg';
import type { Duplex } from 'node:stream';
import { decodeReplicationMessage, type ReplicationMessage } from './pgoutput.ts';

/** The parts of pg's Connection that COPY uses (not in its type declarations). */
interface CopyConnection {
  readonly stream: Duplex;
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
  once(event: 'replicationStart', listener: () => void): unknown;
  removeListener(event: 'replicationStart', listener: () => void): unknown;
}

export interface ReplicationHandlers {
  /** Called synchronously for every message; XLogData payloads are views valid only during the call. */
  onMessage(message: ReplicationMessage): void;
  /** The stream failed (the connection broke or the server reported an error). */
  onError(error: Error): void;
  /** The stream ended (after end() or the server ended it). */
  onEnd(): void;
}

export class ReplicationStream implements pg.Submittable {
  private readonly text: string;
  private readonly handlers: ReplicationHandlers;
  private connection: CopyConnection | null = null;
  private startedResolve: (() => void) | null = null;
  private startedReject: ((error: Error) => void) | null = null;
  readonly started: Promise<void>;
  private state: 'submitted' | 'streaming' | 'ending' | 'ended' = 'submitted';
  private paused = false;

  constructor(text: string, handlers: ReplicationHandlers) {
    this.text = text;
    this.handlers = handlers;
    this.started = new Promise<void>((resolve, reject) => {
      this.startedResolve = resolve;
      this.startedReject = reject;
    });
    // Avoid an unhandled rejection when nobody awaits `started`.
    this.started.catch(() => undefined);
  }

  submit(connection: pg.Connection): void {
    const conn = connection as unknown as CopyConnection;
    this.connection = conn;
    const onStart = (): void => {
      this.state = 'streaming';
      this.startedResolve?.();
    };
    conn.once('replicationStart', onStart);
    conn.query(this.text);
  }

  // ---- the query-object interface pg's Client drives --------------------------------------

  handleCopyData(message: { chunk: Buffer }): void {
    if (this.state === 'submitted') {
      this.state = 'streaming';
      this.startedResolve?.();
    }
    let decoded: ReplicationMessage;
    try {
      decoded = decodeReplicationMessage(message.chunk);
    } catch (error) {
      this.fail(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    try {
      this.handlers.onMessage(decoded);
    } catch (error) {
      this.fail(error instanceof Error ? error : new Error(String(error)));
    }
  }

  handleError(error: Error): void {
    this.startedReject?.(error);
    this.fail(error);
  }

  handleReadyForQuery(): void {
    const wasEnded = this.state === 'ended';
    this.state = 'ended';
    this.startedReject?.(new Error('replication ended before it started'));
    if (!wasEnded) this.handlers.onEnd();
  }

  handleCommandComplete(): void {}
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handlePortalSuspended(): void {}
  handleEmptyQuery(): void {}
  handleCopyInResponse(): void {}

  // ---- the task's side --------------------------------------------------------------------

  get isStreaming(): boolean {
    return this.state === 'streaming';
  }

  /** Sends a CopyData message (a standby status update). */
  send(payload: Buffer): void {
    if (this.state !== 'streaming' || !this.connection) return;
    this.connection.sendCopyFromChunk(payload);
  }

  /** Ends streaming (CopyDone); the server answers with CopyDone and ReadyForQuery. */
  end(): void {
    if (this.state !== 'streaming' || !this.connection) return;
    this.state = 'ending';
    this.resume();
    this.connection.endCopyFrom();
  }

  /** Stops reading from the socket (backpressure); the server's sends then queue up. */
  pause(): void {
    if (this.paused || !this.connection) return;
    this.paused = true;
    this.connection.stream.pause();
  }

  resume(): void {
    if (!this.paused || !this.connection) return;
    this.paused = false;
    this.connection.stream.resume();
  }

  private fail(error: Error): void {
    if (this.state === 'ended') return;
    this.state = 'ended';
    this.handlers.onError(error);
  }
}
