/**
 * Kafka client helpers for commands, on top of @platformatic/kafka. Commands connect with
 * `withAdmin`, which bounds the whole operation by a timeout and always closes the client.
 */
import { Admin } from '@platformatic/kafka';
import { CliError } from './errors.ts';
import { ExitCode } from './exit-codes.ts';
import { formatAddress } from './broker-process.ts';
import type { HostPort } from './flags.ts';

export const CLI_CLIENT_ID = 'kstream-cli';

export interface AdminOptions {
  /** Bound on the whole operation, connection included (ms). */
  timeoutMs: number;
  clientId?: string;
}

/**
 * Runs `fn` with an Admin client connected to `servers`, closing it afterwards. The operation
 * fails with an UNREACHABLE `CliError` when it does not finish within `timeoutMs`; client errors
 * propagate (and map to exit codes via `exitCodeFor`).
 */
export async function withAdmin<R>(servers: readonly HostPort[], options: AdminOptions, fn: (admin: Admin) => Promise<R>): Promise<R> {
  const admin = new Admin({
    clientId: options.clientId ?? CLI_CLIENT_ID,
    bootstrapBrokers: servers.map((s) => ({ host: s.host, port: s.port })),
    timeout: options.timeoutMs,
    connectTimeout: options.timeoutMs,
    retries: 0,
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const where = servers.map((s) => formatAddress(s.host, s.port)).join(',');
      reject(new CliError(`no answer from ${where} within ${options.timeoutMs} ms`, { exitCode: ExitCode.UNREACHABLE, code: 'TIMEOUT' }));
    }, options.timeoutMs);
  });
  try {
    return await Promise.race([fn(admin), timeout]);
  } finally {
    clearTimeout(timer);
    // Closing waits for in-flight requests; do not let a dead connection hold the command.
    await Promise.race([admin.close().catch(() => {}), new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
  }
}

export interface ClusterSummary {
  clusterId: string;
  controllerId: number;
  brokers: number;
  /** User topics (internal topics such as __consumer_offsets are not counted). */
  topics: number;
  partitions: number;
}

/** Counts the brokers, topics and partitions a cluster reports in Metadata. */
export async function clusterSummary(servers: readonly HostPort[], options: AdminOptions): Promise<ClusterSummary> {
  return withAdmin(servers, options, async (admin) => {
    const names = await admin.listTopics({ includeInternals: false });
    const metadata = await admin.metadata({ topics: names, forceUpdate: true });
    let partitions = 0;
    for (const name of names) partitions += metadata.topics.get(name)?.partitionsCount ?? 0;
    return {
      clusterId: metadata.id,
      controllerId: metadata.controllerId,
      brokers: metadata.brokers.size,
      topics: names.length,
      partitions,
    };
  });
}
