/**
 * The dependency direction of src/, checked on every import:
 *   commands → cli → (admin, client, broker, connect, tui); admin/client → protocol;
 *   broker → storage → protocol; tui → admin; connect → client/admin/protocol;
 *   protocol → nothing but util; nothing imports commands.
 * KNOWN_EXCEPTIONS lists the imports that break it today (mostly admin/client code raising the
 * CLI's error class with exit codes); the list may only shrink.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

/** Top-level folder → folders it may import from (besides itself and util). */
const ALLOWED: Record<string, readonly string[]> = {
  protocol: [],
  storage: ['protocol'],
  broker: ['storage', 'protocol'],
  admin: ['protocol'],
  client: ['admin', 'protocol'],
  tui: ['admin', 'protocol'],
  connect: ['admin', 'client', 'protocol'],
  cli: ['admin', 'client', 'broker', 'connect', 'tui', 'protocol', 'storage'],
  commands: ['cli', 'admin', 'client', 'broker', 'connect', 'tui', 'protocol', 'storage'],
  util: [],
};

/** Imports that go against the direction today: `from-file -> imported folder/file`. */
const KNOWN_EXCEPTIONS = new Set([
  'admin/topics.ts -> cli/errors.ts',
  'admin/topics.ts -> cli/exit-codes.ts',
  'admin/groups.ts -> cli/errors.ts',
  'admin/groups.ts -> cli/exit-codes.ts',
  'admin/groups.ts -> cli/kafka-errors.ts',
  'admin/groups.ts -> cli/topic-partitions.ts',
  'admin/configs.ts -> cli/errors.ts',
  'admin/configs.ts -> cli/exit-codes.ts',
  'admin/client.ts -> cli/flags.ts',
  'admin/client.ts -> cli/connection.ts',
  'admin/connect-client.ts -> cli/errors.ts',
  'admin/connect-client.ts -> cli/exit-codes.ts',
  'admin/connect-client.ts -> cli/flags.ts',
  'admin/connect-client.ts -> cli/local-command.ts',
  'client/kafka-errors.ts -> cli/errors.ts',
  'client/kafka-errors.ts -> cli/exit-codes.ts',
  'client/kafka-errors.ts -> cli/flags.ts',
  'client/producer-runner.ts -> cli/errors.ts',
  'client/producer-runner.ts -> cli/exit-codes.ts',
  'client/producer-runner.ts -> cli/connection.ts',
  'client/producer-runner.ts -> cli/flags.ts',
  'client/consumer-runner.ts -> cli/errors.ts',
  'client/consumer-runner.ts -> cli/exit-codes.ts',
  'client/consumer-runner.ts -> cli/connection.ts',
  'client/consumer-runner.ts -> cli/flags.ts',
  'connect/worker-config.ts -> cli/connection.ts',
  'connect/kafka.ts -> cli/connection.ts',
  // Java .properties parsing lives in the broker's config module; it belongs in util.
  'connect/worker-config.ts -> broker/config.ts',
  'admin/connect-client.ts -> broker/config.ts',
  'admin/connect-client.ts -> connect/herder.ts',
  // The Prometheus endpoint reuses the monitor's view models (Burrow status, time lag).
  'admin/prometheus.ts -> tui/data/burrow.ts',
  'admin/prometheus.ts -> tui/data/model.ts',
]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)) out.push(m[1]);
  return out;
}

describe('dependency direction of src/', () => {
  const violations: string[] = [];
  const seenExceptions = new Set<string>();
  for (const file of sourceFiles(src)) {
    const from = relative(src, file);
    const fromTop = from.split('/')[0];
    for (const spec of importsOf(file)) {
      const target = relative(src, resolve(dirname(file), spec));
      if (target.startsWith('..')) continue;
      const toTop = target.split('/')[0];
      if (toTop === fromTop || toTop === 'util') continue;
      const key = `${from} -> ${target}`;
      if ((ALLOWED[fromTop] ?? []).includes(toTop)) continue;
      if (KNOWN_EXCEPTIONS.has(key)) {
        seenExceptions.add(key);
        continue;
      }
      violations.push(key);
    }
  }

  it('has no import against the direction beyond the known exceptions', () => {
    expect(violations).toEqual([]);
  });

  it('nothing imports the commands', () => {
    expect(violations.filter((v) => v.includes('-> commands/'))).toEqual([]);
  });

  it('lists only exceptions that still exist (the list may only shrink)', () => {
    expect([...KNOWN_EXCEPTIONS].filter((k) => !seenExceptions.has(k))).toEqual([]);
  });
});
