/** Small helpers shared by the cluster commands: the admin target, and printing offsets. */
import type { ClusterTarget } from '../admin/client.ts';
import type { Connection } from './connection.ts';

/** Where an admin operation goes: the resolved connection, bounded by the command's --timeout. */
export function clusterTarget(connection: Connection, timeoutMs: number): ClusterTarget {
  return { servers: connection.servers, clientOptions: connection.clientOptions, timeoutMs };
}

/** An offset or count for a table cell: the number, or `-` when unknown. */
export function cell(value: bigint | number | null | undefined): string {
  return value === null || value === undefined ? '-' : String(value);
}

/**
 * An offset for JSON output: a number (offsets stay far below 2^53 in practice, and numbers
 * compare in jq), or null when unknown.
 */
export function jsonNumber(value: bigint | null | undefined): number | null {
  return value === null || value === undefined ? null : Number(value);
}

/**
 * Base options for a @platformatic/kafka Producer or Consumer on the resolved connection
 * (the -X settings win over the command's --timeout for request and connect timeouts).
 */
export function clientBaseOptions(connection: Connection, timeoutMs: number) {
  const o = connection.clientOptions;
  return {
    ...o,
    bootstrapBrokers: connection.servers.map((s) => ({ host: s.host, port: s.port })),
    timeout: o.timeout ?? timeoutMs,
    connectTimeout: o.connectTimeout ?? timeoutMs,
    retries: o.retries ?? 1,
  };
}
