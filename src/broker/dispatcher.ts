/**
 * Routes a decoded request header to the handler for its API key and encodes the response.
 * The table is built from the handlers, so ApiVersions advertises exactly what is served.
 */
import type { ApiHandler, RequestContext } from './handler.ts';
import type { ApiKeyNumber } from '../protocol/generated/registry.ts';
import { codecFor } from '../protocol/generated/registry.ts';
import type { Reader } from '../protocol/primitives/reader.ts';
import { Writer } from '../protocol/primitives/writer.ts';
import { writeResponseHeader } from '../protocol/headers.ts';
import type { SupportedApi } from './broker-context.ts';
import { KstreamError } from '../util/errors.ts';

type AnyHandler = ApiHandler<ApiKeyNumber>;

export class UnknownApiError extends KstreamError {
  constructor(apiKey: number, apiVersion: number) {
    super('UNKNOWN_API', `api key ${apiKey} version ${apiVersion} is not served`, { context: { apiKey, apiVersion } });
  }
}

export class Dispatcher {
  private readonly handlers = new Map<number, AnyHandler>();

  constructor(handlers: readonly ApiHandler<never>[]) {
    for (const h of handlers as unknown as AnyHandler[]) {
      if (this.handlers.has(h.apiKey)) throw new Error(`two handlers for api key ${h.apiKey}`);
      const codec = codecFor(h.apiKey);
      if (!codec) throw new Error(`no codec for api key ${h.apiKey}`);
      if (h.minVersion < codec.minVersion || h.maxVersion > codec.maxVersion) {
        throw new Error(`handler for api key ${h.apiKey} serves versions the definitions do not have`);
      }
      this.handlers.set(h.apiKey, h);
    }
  }

  supported(): SupportedApi[] {
    return [...this.handlers.values()]
      .map((h) => ({ apiKey: h.apiKey, minVersion: h.minVersion, maxVersion: h.maxVersion }))
      .sort((a, b) => a.apiKey - b.apiKey);
  }

  /** The handler for a key and version, or undefined when not served. */
  handlerFor(apiKey: number, apiVersion: number): AnyHandler | undefined {
    const h = this.handlers.get(apiKey);
    if (!h || apiVersion < h.minVersion || apiVersion > h.maxVersion) return undefined;
    return h;
  }

  /** Decodes the body, runs the handler, returns the framed response (or null for none). */
  async dispatch(handler: AnyHandler, body: Reader, ctx: RequestContext): Promise<Buffer[] | null> {
    const codec = codecFor(handler.apiKey)!;
    const request = codec.decodeRequest(body, ctx.apiVersion);
    const response = await handler.handle(request as never, ctx);
    if (response === null) return null;
    return encodeResponse(handler.apiKey, ctx.apiVersion, ctx.header.correlationId, (w) => codec.encodeResponse(w, ctx.apiVersion, response as never));
  }
}

/** Frames a response: size, response header, body. */
export function encodeResponse(apiKey: number, apiVersion: number, correlationId: number, body: (w: Writer) => void): Buffer[] {
  const w = new Writer(512);
  w.int32(0);
  writeResponseHeader(w, apiKey, apiVersion, correlationId);
  body(w);
  const size = w.length - 4;
  const out = w.toBuffers();
  out[0].writeInt32BE(size, 0);
  return out;
}
