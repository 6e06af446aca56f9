/**
 * The REST layer's request/response model: what a route handler gets and returns, and the
 * helpers for reading Connect's JSON bodies and query parameters. Handlers never touch
 * node:http; server.ts turns a RestResponse into bytes.
 */
import { ConnectRestError, type Herder } from '../herder.ts';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RestRequest {
  readonly method: HttpMethod;
  /** The decoded path segments' captures, by the names in the route pattern. */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** The body parsed as JSON; undefined when the request had no body. Bad JSON was already answered with 400. */
  readonly body: unknown;
  readonly herder: Herder;
  /** `http://host:port` as the client addressed the server (for Location headers). */
  readonly baseUrl: string;
}

export interface RestResponse {
  readonly status: number;
  /** JSON body; omitted for 204 and 202 without an entity. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export type RouteHandler = (request: RestRequest) => RestResponse | Promise<RestResponse>;

/** Connect's error body. */
export interface RestErrorBody {
  error_code: number;
  message: string;
}

export function errorBody(status: number, message: string): RestErrorBody {
  return { error_code: status, message };
}

export function ok(body: unknown): RestResponse {
  return { status: 200, body };
}

export function noContent(): RestResponse {
  return { status: 204 };
}

export function badRequest(message: string): ConnectRestError {
  return new ConnectRestError(400, message);
}

/** Connect reads boolean query parameters like Java's Boolean.parseBoolean: "true" in any case, else false. */
export function booleanParam(query: URLSearchParams, name: string, defaultValue: boolean): boolean {
  const value = query.get(name);
  if (value === null) return defaultValue;
  return value.trim().toLowerCase() === 'true';
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The body as a JSON object, or 400. */
export function requireObjectBody(body: unknown, what: string): Record<string, unknown> {
  if (body === undefined || body === null) throw badRequest(`Request body is missing: expected ${what}`);
  if (!isPlainObject(body)) throw badRequest(`Request body must be ${what}`);
  return body;
}

/**
 * A JSON object of connector settings as Connect reads it (a Map<String,String>): strings as
 * they are, numbers and booleans as their text (Jackson coerces scalars), null only where
 * `allowNull` (PATCH, where null removes a key); anything else is 400.
 */
export function configMap(value: unknown, what: string, allowNull: true): Record<string, string | null>;
export function configMap(value: unknown, what: string, allowNull?: false): Record<string, string>;
export function configMap(value: unknown, what: string, allowNull = false): Record<string, string | null> {
  if (value === undefined || value === null) throw badRequest(`${what} is missing: expected a JSON object of string settings`);
  if (!isPlainObject(value)) throw badRequest(`${what} must be a JSON object of string settings`);
  const out: Record<string, string | null> = {};
  for (const [key, v] of Object.entries(value)) {
    if (typeof v === 'string') out[key] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[key] = String(v);
    else if (v === null && allowNull) out[key] = null;
    else throw badRequest(`${what}: the value of "${key}" must be a string, found ${v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v}`);
  }
  return out;
}

/** A task number from the path; anything but an integer is 404, as in Connect (the path does not match). */
export function taskIdParam(text: string): number {
  if (!/^\d{1,9}$/.test(text)) throw new ConnectRestError(404, `Task id "${text}" is not a task number`);
  return Number(text);
}
