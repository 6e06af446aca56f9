/**
 * Reading @platformatic/kafka errors: the client wraps a broker's error codes in nested
 * aggregates (MultipleErrors → ResponseError → ProtocolError), so the Kafka error names and
 * the raw response are found by walking `errors` and `cause`. Also turns kstream's own
 * cluster timeout (`ClusterTimeoutError` from src/admin/client.ts) into an UNREACHABLE CliError.
 */
import { ClusterTimeoutError } from '../admin/client.ts';
import { CliError } from './errors.ts';
import { ExitCode } from './exit-codes.ts';

interface Walkable {
  apiId?: unknown;
  response?: unknown;
  errors?: unknown;
  cause?: unknown;
}

function walk(err: unknown, visit: (e: Walkable) => boolean, seen = new Set<unknown>(), depth = 0): boolean {
  if (typeof err !== 'object' || err === null || seen.has(err) || depth > 10) return false;
  seen.add(err);
  const e = err as Walkable;
  if (visit(e)) return true;
  if (Array.isArray(e.errors)) for (const member of e.errors) if (walk(member, visit, seen, depth + 1)) return true;
  return walk(e.cause, visit, seen, depth + 1);
}

/** The Kafka error names (`NON_EMPTY_GROUP`, ...) inside a client error, outermost first. */
export function kafkaErrorIds(err: unknown): string[] {
  const ids: string[] = [];
  walk(err, (e) => {
    if (typeof e.apiId === 'string' && !ids.includes(e.apiId)) ids.push(e.apiId);
    return false;
  });
  return ids;
}

/** True when the client error carries the Kafka error `id`. */
export function hasKafkaError(err: unknown, id: string): boolean {
  return kafkaErrorIds(err).includes(id);
}

/** The decoded response a ResponseError carries (per-partition error codes live there), if any. */
export function responseOf(err: unknown): unknown {
  let found: unknown;
  walk(err, (e) => {
    if (e.response !== undefined && e.response !== null) {
      found = e.response;
      return true;
    }
    return false;
  });
  return found;
}

/** Runs `fn`; a cluster timeout becomes an UNREACHABLE (exit 4) CliError, other errors pass through. */
export async function withClusterErrors<R>(fn: () => Promise<R>): Promise<R> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ClusterTimeoutError) throw new CliError(err.message, { exitCode: ExitCode.UNREACHABLE, code: 'TIMEOUT', cause: err, showCause: false });
    throw err;
  }
}
