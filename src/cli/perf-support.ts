/**
 * Shared pieces of `kstream perf produce|consume`: flags, the metadata check that the topic
 * exists, bounded waits and SIGINT handling.
 */
import { Flags } from '@oclif/core';
import type { ClusterMetadata, MetadataOptions } from '@platformatic/kafka';
import { CliError } from './errors.ts';
import { ExitCode } from './exit-codes.ts';
import { parseDuration } from './flags.ts';
import { hasKafkaError } from './kafka-errors.ts';

/** `--duration 10s`: an optional bound on a run (`500ms`, `30s`, `2m`; a bare number is seconds). */
export function runDurationFlag(description: string) {
  return Flags.custom<number>({ description: `${description} (e.g. 10s, 2m; a bare number is seconds)`, helpValue: '<duration>', parse: async (input) => parseDuration(input) })();
}

/** `--report-interval 5s`: how often a progress line goes to stderr. */
export function reportIntervalFlag() {
  return Flags.custom<number>({
    description: 'How often to print a progress line on stderr (0 turns them off)',
    helpValue: '<duration>',
    default: 5000,
    defaultHelp: async () => '5s',
    parse: async (input) => parseDuration(input),
  })();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Settles with `work`, or rejects with `onTimeout()` after `ms`. */
export async function within<R>(work: Promise<R>, ms: number, onTimeout: () => Error): Promise<R> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Closes a client, waiting at most `ms` (a dead connection must not hold the command). */
export async function closeQuietly(close: () => Promise<unknown>, ms = 2000): Promise<void> {
  await Promise.race([close().catch(() => undefined), sleep(ms)]);
}

/**
 * Checks that `topic` exists with the client's Metadata, within `timeoutMs`. Unknown topic:
 * exit 3 with a hint; no answer: exit 4.
 */
/** Any @platformatic/kafka client (they all answer Metadata). */
export interface MetadataClient {
  metadata(options: MetadataOptions): Promise<ClusterMetadata>;
}

export async function ensureTopic(client: MetadataClient, topic: string, timeoutMs: number, where: string): Promise<number> {
  try {
    const metadata = await within(client.metadata({ topics: [topic], autocreateTopics: false }), timeoutMs, () => new CliError(`no answer from ${where} within ${timeoutMs} ms`, { exitCode: ExitCode.UNREACHABLE, code: 'TIMEOUT' }));
    const t = metadata.topics.get(topic);
    if (!t) throw unknownTopic(topic);
    return t.partitionsCount;
  } catch (err) {
    // The client reports UNKNOWN_TOPIC_OR_PARTITION in Metadata as a UserError "Unknown topic X.".
    const e = err as { code?: unknown; message?: unknown };
    const clientSaysUnknown = e.code === 'PLT_KFK_USER' && typeof e.message === 'string' && e.message.startsWith('Unknown topic');
    if (clientSaysUnknown || hasKafkaError(err, 'UNKNOWN_TOPIC_OR_PARTITION')) throw unknownTopic(topic, err);
    throw err;
  }
}

function unknownTopic(topic: string, cause?: unknown): CliError {
  return new CliError(`topic ${JSON.stringify(topic)} does not exist`, { exitCode: ExitCode.KAFKA_ERROR, code: 'UNKNOWN_TOPIC_OR_PARTITION', hint: "list topics with 'kstream topics'", cause, showCause: false });
}

/** Calls `onInterrupt` on the first SIGINT while installed; returns the uninstaller. */
export function onSigint(onInterrupt: () => void): () => void {
  const handler = () => onInterrupt();
  process.once('SIGINT', handler);
  return () => process.removeListener('SIGINT', handler);
}
