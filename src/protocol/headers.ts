/**
 * Request and response headers (hand-written; see RequestHeader.json / ResponseHeader.json).
 * - Request header v1: api key, api version, correlation id, client id (int16-length string).
 * - Request header v2: v1 plus a tagged-field section; client id keeps the int16 length.
 * - Request header v0 (no client id): only ControlledShutdown v0, which kstream does not serve.
 * - Response header v0: correlation id; v1 adds a tagged-field section.
 * - ApiVersions responses always use response header v0, so a client can read the error
 *   code even when it sent a version the broker does not know (KIP-511).
 */
import type { Reader } from './primitives/reader.ts';
import type { Writer } from './primitives/writer.ts';
import { isFlexible, ApiKey } from './generated/api-keys.ts';

export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
}

/** Reads the fixed part of a request header (key, version, correlation id). */
export function readRequestHeaderPrefix(r: Reader): { apiKey: number; apiVersion: number; correlationId: number } {
  const apiKey = r.int16();
  const apiVersion = r.int16();
  const correlationId = r.int32();
  return { apiKey, apiVersion, correlationId };
}

/**
 * Reads a whole request header: v2 (with tagged fields) when the API is flexible at that
 * version, as Kafka does also for versions above the defined maximum of a flexible API;
 * v1 for unknown API keys.
 */
export function readRequestHeader(r: Reader): RequestHeader {
  const { apiKey, apiVersion, correlationId } = readRequestHeaderPrefix(r);
  const clientId = r.nullableString();
  if (isFlexible(apiKey, apiVersion)) r.skipTaggedFields();
  return { apiKey, apiVersion, correlationId, clientId };
}

export function writeRequestHeader(w: Writer, h: RequestHeader): void {
  w.int16(h.apiKey).int16(h.apiVersion).int32(h.correlationId).nullableString(h.clientId);
  if (isFlexible(h.apiKey, h.apiVersion)) w.emptyTaggedFields();
}

/** Response header version for an API version: 1 when flexible, except ApiVersions (always 0). */
export function responseHeaderVersion(apiKey: number, apiVersion: number): 0 | 1 {
  if (apiKey === ApiKey.ApiVersions) return 0;
  return isFlexible(apiKey, apiVersion) ? 1 : 0;
}

export function writeResponseHeader(w: Writer, apiKey: number, apiVersion: number, correlationId: number): void {
  w.int32(correlationId);
  if (responseHeaderVersion(apiKey, apiVersion) === 1) w.emptyTaggedFields();
}

export function readResponseHeader(r: Reader, apiKey: number, apiVersion: number): { correlationId: number } {
  const correlationId = r.int32();
  if (responseHeaderVersion(apiKey, apiVersion) === 1) r.skipTaggedFields();
  return { correlationId };
}
