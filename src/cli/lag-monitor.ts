/**
 * Pieces shared by the lag monitor commands (`kstream top`, `kstream groups lag`): the duration
 * flags, the cluster name shown and exported, and the per-poll bound.
 */
import { Flags } from '@oclif/core';
import type { ClusterTarget } from '../admin/client.ts';
import { formatServers } from '../admin/client.ts';
import type { Connection } from './connection.ts';
import { parseDuration } from './flags.ts';

function parseAtLeast(min: number): (input: string) => Promise<number> {
  return async (input) => {
    const ms = parseDuration(input);
    if (ms < min) throw new Error(`must be at least ${min}ms`);
    return ms;
  };
}

function durationText(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/** A duration flag (`500ms`, `1s`, `5m`; a bare number is seconds) parsed to milliseconds, with a default. */
export function durationFlag(options: { description: string; defaultMs: number; min?: number }) {
  return Flags.custom<number>({
    description: `${options.description} (e.g. 500ms, 1s, 5m)`,
    helpValue: '<duration>',
    default: options.defaultMs,
    defaultHelp: async () => durationText(options.defaultMs),
    parse: parseAtLeast(options.min ?? 0),
  })();
}

/** A duration flag without a default. */
export function optionalDurationFlag(options: { description: string; min?: number; dependsOn?: string[] }) {
  return Flags.custom<number>({
    description: `${options.description} (e.g. 30s, 5m)`,
    helpValue: '<duration>',
    dependsOn: options.dependsOn,
    parse: parseAtLeast(options.min ?? 0),
  })();
}

/** The cluster's name in the title bar and the `cluster_name` label: the profile's name, else the bootstrap servers. */
export function defaultClusterName(connection: Connection): string {
  return connection.source.startsWith('profile:') ? connection.source.slice('profile:'.length) : formatServers(connection.servers);
}

/**
 * Where a monitor polls, each poll bounded by the smaller of `--timeout` and max(5 s, 3
 * intervals), so that a broker that went away shows as disconnected within seconds.
 */
export function pollTarget(connection: Connection, timeoutMs: number, intervalMs: number): ClusterTarget {
  return { servers: connection.servers, clientOptions: connection.clientOptions, timeoutMs: Math.min(timeoutMs, Math.max(5_000, 3 * intervalMs)) };
}
