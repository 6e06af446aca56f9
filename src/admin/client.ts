/**
 * Connecting @platformatic/kafka clients for kstream's tools: an operation bounded by a timeout
 * that always closes its client. The admin modules (topics, groups, configs, offsets) are
 * written on top of this; commands never construct clients themselves.
 */
import { Admin } from '@platformatic/kafka';
import type { HostPort } from '../cli/flags.ts';
import type { PlatformaticClientOptions } from '../cli/connection.ts';
import { KstreamError } from '../util/errors.ts';

export interface ClusterTarget {
  servers: readonly HostPort[];
  clientOptions: PlatformaticClientOptions;
  /** Bound on the whole operation, connecting included (ms). */
  timeoutMs: number;
}

/** No answer from the cluster in time; the CLI maps it to exit code 4. */
export class ClusterTimeoutError extends KstreamError {
  declare readonly timeoutMs: number;
  declare readonly servers: string;
  constructor(servers: string, timeoutMs: number) {
    super('TIMEOUT', `no answer from ${servers} within ${timeoutMs} ms`, { context: { servers, timeoutMs } });
  }
}

export function formatServers(servers: readonly HostPort[]): string {
  return servers.map((s) => (s.host.includes(':') ? `[${s.host}]:${s.port}` : `${s.host}:${s.port}`)).join(',');
}

/** Bounds `work` by the target's timeout; `cleanup` runs either way, for at most one second. */
export async function bounded<R>(target: ClusterTarget, work: Promise<R>, cleanup: () => Promise<unknown>): Promise<R> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new ClusterTimeoutError(formatServers(target.servers), target.timeoutMs)), target.timeoutMs);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
    await Promise.race([cleanup().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
  }
}

/** Runs `fn` with a connected Admin client, closing it afterwards. */
export async function withAdmin<R>(target: ClusterTarget, fn: (admin: Admin) => Promise<R>): Promise<R> {
  const admin = new Admin({
    ...target.clientOptions,
    bootstrapBrokers: target.servers.map((s) => ({ host: s.host, port: s.port })),
    timeout: target.clientOptions.timeout ?? target.timeoutMs,
    connectTimeout: target.clientOptions.connectTimeout ?? target.timeoutMs,
    retries: target.clientOptions.retries ?? 1,
  } as ConstructorParameters<typeof Admin>[0]);
  return bounded(target, fn(admin), () => admin.close());
}
