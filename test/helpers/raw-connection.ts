/**
 * A bare socket for wire-level tests: sends hand-built frames (valid or not) and reads framed
 * responses, decoding them with the generated codecs. Test-only; clients in tests are real
 * Kafka clients everywhere else.
 */
import { connect, type Socket } from 'node:net';
import { FrameSplitter } from '../../src/protocol/frame.ts';
import { Writer } from '../../src/protocol/primitives/writer.ts';
import { Reader } from '../../src/protocol/primitives/reader.ts';
import { writeRequestHeader, readResponseHeader } from '../../src/protocol/headers.ts';
import { codecFor, type ApiKeyNumber, type ApiMessages } from '../../src/protocol/generated/registry.ts';
import type { Init } from '../../src/protocol/primitives/codec.ts';

export class RawConnection {
  private readonly socket: Socket;
  private readonly splitter = new FrameSplitter(1 << 30);
  private readonly frames: Buffer[] = [];
  private waiters: (() => void)[] = [];
  private correlationId = 1;
  closed = false;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.frames.push(...this.splitter.push(chunk));
      this.notify();
    });
    socket.on('close', () => {
      this.closed = true;
      this.notify();
    });
    socket.on('error', () => undefined);
  }

  private notify(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const fn of w) fn();
  }

  static open(host: string, port: number): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port }, () => resolve(new RawConnection(socket)));
      socket.once('error', reject);
    });
  }

  writeRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Frames a request with a header and an encoded body and sends it; returns its correlation id. */
  send<K extends ApiKeyNumber>(apiKey: K, apiVersion: number, body: Init<ApiMessages[K]['request']>, clientId = 'raw-test'): number {
    const correlationId = this.correlationId++;
    const w = new Writer();
    w.int32(0);
    writeRequestHeader(w, { apiKey, apiVersion, correlationId, clientId });
    codecFor(apiKey)!.encodeRequest(w, apiVersion, body as never);
    const buf = w.toBuffer();
    buf.writeInt32BE(buf.length - 4, 0);
    this.socket.write(buf);
    return correlationId;
  }

  /** Next response frame, or null when the connection closes first. */
  async nextFrame(timeoutMs = 5000): Promise<Buffer | null> {
    const deadline = Date.now() + timeoutMs;
    while (this.frames.length === 0) {
      if (this.closed) return null;
      if (Date.now() > deadline) throw new Error('timed out waiting for a response');
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
    return this.frames.shift()!;
  }

  async receive<K extends ApiKeyNumber>(apiKey: K, apiVersion: number): Promise<{ correlationId: number; body: ApiMessages[K]['response'] }> {
    const frame = await this.nextFrame();
    if (!frame) throw new Error('connection closed');
    const r = new Reader(frame);
    const { correlationId } = readResponseHeader(r, apiKey, apiVersion);
    const body = codecFor(apiKey)!.decodeResponse(r, apiVersion) as ApiMessages[K]['response'];
    return { correlationId, body };
  }

  async request<K extends ApiKeyNumber>(apiKey: K, apiVersion: number, body: Init<ApiMessages[K]['request']>): Promise<ApiMessages[K]['response']> {
    const id = this.send(apiKey, apiVersion, body);
    const res = await this.receive(apiKey, apiVersion);
    if (res.correlationId !== id) throw new Error(`correlation id ${res.correlationId}, expected ${id}`);
    return res.body;
  }

  /** Resolves true when the broker closes the connection within the time given. */
  async closedWithin(ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!this.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return this.closed;
  }

  close(): void {
    this.socket.destroy();
  }
}
