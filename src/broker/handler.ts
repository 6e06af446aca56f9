/**
 * The shape of one API handler. Each file in handlers/ exports one, named `NN-api-name.ts`
 * after its API key. A handler turns a decoded request into a response and puts Kafka
 * outcomes into it as error codes (per topic, partition or group). It throws only when the
 * connection must close (a request that makes no sense at all).
 */
import type { Init } from '../protocol/primitives/codec.ts';
import type { ApiKeyNumber, ApiMessages } from '../protocol/generated/registry.ts';
import type { RequestHeader } from '../protocol/headers.ts';
import type { BrokerContext } from './broker-context.ts';

export interface RequestContext {
  readonly header: RequestHeader;
  readonly apiVersion: number;
  /** `host:port` of the client, for logs. */
  readonly peer: string;
  readonly broker: BrokerContext;
}

export type ResponseOf<K extends ApiKeyNumber> = Init<ApiMessages[K]['response']>;

export interface ApiHandler<K extends ApiKeyNumber> {
  readonly apiKey: K;
  /** Versions this handler serves; ApiVersions advertises exactly this range. */
  readonly minVersion: number;
  readonly maxVersion: number;
  /** Returns the response, or `null` when none is sent (Produce with acks=0). */
  handle(request: ApiMessages[K]['request'], ctx: RequestContext): ResponseOf<K> | null | Promise<ResponseOf<K> | null>;
}

export function defineHandler<K extends ApiKeyNumber>(handler: ApiHandler<K>): ApiHandler<K> {
  return handler;
}
