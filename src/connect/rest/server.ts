/**
 * Kafka Connect's REST API on node:http: `startRestServer(herder, {host, port, logger})`.
 * Routes live in one file per resource (root, connectors, tasks, offsets, plugins); this file
 * reads requests (bodies bounded to MAX_BODY_BYTES, parsed as JSON), dispatches them and maps
 * every failure to Connect's `{error_code, message}` body:
 *
 * - a ConnectRestError from the Herder keeps its status (404 unknown connector, 409 conflict, 400 bad config...);
 * - malformed JSON → 400, a body over the limit → 413, an unknown path → 404, a known path with
 *   another method → 405 (with `Allow`), a Herder call unanswered for REQUEST_TIMEOUT_MS → 500
 *   "Request timed out" (Connect's 90 s), anything else → 500 with the error's message.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../util/logger.ts';
import { stringifyJson } from '../data.ts';
import { ConnectRestError, type Herder } from '../herder.ts';
import { connectorRoutes } from './connectors.ts';
import { errorBody, type HttpMethod, type RestResponse } from './http.ts';
import { offsetRoutes } from './offsets.ts';
import { pluginRoutes } from './plugins.ts';
import { rootRoutes } from './root.ts';
import { Router, pathSegments } from './router.ts';
import { taskRoutes } from './tasks.ts';

export interface RestServerOptions {
  host: string;
  port: number;
  logger: Logger;
  /** How long a Herder call may take before the answer is 500 "Request timed out" (default REQUEST_TIMEOUT_MS). */
  requestTimeoutMs?: number;
}

export interface RestServerHandle {
  /** The host as given; `port` is the bound one (useful with port 0). */
  host: string;
  port: number;
  /** Stops accepting requests; open keep-alive connections are closed, requests in flight get a short grace period. */
  close(): Promise<void>;
}

/** Largest request body accepted (a connector config is a few KiB). */
export const MAX_BODY_BYTES = 1024 * 1024;
/** How long a Herder call may take before the request is answered 500 (Connect: 90 s). */
export const REQUEST_TIMEOUT_MS = 90_000;
const CLOSE_GRACE_MS = 2_000;

const METHODS: ReadonlySet<string> = new Set<HttpMethod>(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);
const METHODS_WITH_BODY: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function createRouter(): Router {
  return new Router().add([...rootRoutes, ...connectorRoutes, ...taskRoutes, ...offsetRoutes, ...pluginRoutes]);
}

class BodyTooLargeError extends Error {}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) {
      reject(new BodyTooLargeError());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        done = true;
        reject(new BodyTooLargeError());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      resolve(Buffer.concat(chunks));
    });
    req.on('error', (err) => {
      if (done) return;
      done = true;
      reject(err);
    });
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ConnectRestError(500, 'Request timed out')), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function errorResponse(err: unknown, logger: Logger, method: string, path: string): RestResponse {
  if (err instanceof ConnectRestError) {
    const status = Number.isInteger(err.status) && err.status >= 400 && err.status <= 599 ? err.status : 500;
    if (status >= 500) logger.error('REST request failed', { method, path, status, error: err.message });
    return { status, body: errorBody(status, err.message) };
  }
  const message = err instanceof Error ? err.message : String(err);
  logger.error('REST request failed with an unexpected error', { method, path, error: message, stack: err instanceof Error ? err.stack : undefined });
  return { status: 500, body: errorBody(500, message || 'Internal server error') };
}

function send(res: ServerResponse, method: string, response: RestResponse, extraHeaders: Record<string, string> = {}): void {
  const headers: Record<string, string | number> = { ...response.headers, ...extraHeaders };
  let payload: Buffer | null = null;
  if (response.body !== undefined && response.status !== 204) {
    payload = Buffer.from(stringifyJson(response.body), 'utf8');
    headers['content-type'] = 'application/json';
  }
  headers['content-length'] = payload?.length ?? 0;
  res.writeHead(response.status, headers);
  res.end(method === 'HEAD' || payload === null ? undefined : payload);
}

/** Answers one request (exported for tests that drive the handler without a socket). */
export async function handleRequest(router: Router, herder: Herder, logger: Logger, req: IncomingMessage, res: ServerResponse, fallbackHost: string, requestTimeoutMs = REQUEST_TIMEOUT_MS): Promise<void> {
  const started = Date.now();
  const method = (req.method ?? 'GET').toUpperCase();
  let path = req.url ?? '/';
  let response: RestResponse;
  const extra: Record<string, string> = {};
  try {
    const target = req.url ?? '/';
    // Origin-form ("/connectors") is the usual; "//x" must not be read as a host, absolute-form is accepted too.
    const url = target.startsWith('/') ? new URL(`http://localhost${target}`) : new URL(target);
    path = url.pathname;
    const segments = pathSegments(url.pathname);
    const allow = router.allowed(segments);
    const match = METHODS.has(method) ? router.match(method as HttpMethod, segments) : null;
    if (allow.length === 0) {
      response = { status: 404, body: errorBody(404, 'HTTP 404 Not Found') };
    } else if (match === null || match.kind !== 'found') {
      extra.allow = allow.join(', ');
      if (method === 'OPTIONS') response = { status: 204 };
      else response = { status: 405, body: errorBody(405, 'HTTP 405 Method Not Allowed') };
    } else {
      let body: unknown;
      if (METHODS_WITH_BODY.has(method)) {
        const raw = await readBody(req);
        const text = raw.toString('utf8').trim();
        if (text !== '') {
          try {
            body = JSON.parse(text) as unknown;
          } catch (err) {
            throw new ConnectRestError(400, `Malformed JSON in the request body: ${(err as Error).message}`);
          }
        }
      }
      const baseUrl = `http://${req.headers.host ?? fallbackHost}`;
      response = await withTimeout(
        Promise.resolve().then(() => match.handler({ method: method as HttpMethod, params: match.params, query: url.searchParams, body, herder, baseUrl })),
        requestTimeoutMs,
      );
    }
  } catch (err) {
    if (err instanceof BodyTooLargeError) {
      response = { status: 413, body: errorBody(413, `Request body is larger than ${MAX_BODY_BYTES} bytes`) };
      extra.connection = 'close';
    } else {
      response = errorResponse(err, logger, method, path);
    }
  }
  if (res.writableEnded || res.destroyed) return;
  send(res, method, response, extra);
  logger.debug('REST request', { method, path, status: response.status, ms: Date.now() - started });
}

export async function startRestServer(herder: Herder, options: RestServerOptions): Promise<RestServerHandle> {
  const { logger } = options;
  const router = createRouter();
  const server = createServer((req, res) => {
    const fallbackHost = hostPort(options.host, boundPort());
    handleRequest(router, herder, logger, req, res, fallbackHost, options.requestTimeoutMs).catch((err: unknown) => {
      logger.error('REST response failed', { error: err instanceof Error ? err.message : String(err) });
      res.destroy();
    });
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy();
  });
  const boundPort = (): number => (server.address() as AddressInfo | null)?.port ?? options.port;

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(options.port, options.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  server.on('error', (err) => logger.error('REST server error', { error: err.message }));
  const port = boundPort();
  logger.info('REST server listening', { url: `http://${hostPort(options.host, port)}` });

  let closing: Promise<void> | undefined;
  return {
    host: options.host,
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}

function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
