/**
 * Hints for Kafka errors the cluster answers with: what the user can do about
 * `UNKNOWN_TOPIC_OR_PARTITION`, `TOPIC_ALREADY_EXISTS`, ... Commands pass their own hints
 * (a flag that turns the error off) over the defaults.
 */
import { CliError } from './errors.ts';
import { ExitCode } from './exit-codes.ts';

/** A hint, or a function of the topic (and partition) the error is about. */
export type Hint = string | ((topic: string | null, partition: number | null) => string);

/** Hints by Kafka error name, for any topic command. */
export const DEFAULT_KAFKA_HINTS: Readonly<Record<string, Hint>> = {
  UNKNOWN_TOPIC_OR_PARTITION: (topic, partition) => (partition !== null && topic !== null ? `see its partitions with kstream topics describe ${topic}` : 'list topics with kstream topics'),
  TOPIC_ALREADY_EXISTS: 'use --if-not-exists to ignore',
  INVALID_CONFIG: (topic) => `see the valid keys with kstream topics describe ${topic ?? 'TOPIC'} --all-configs`,
  INVALID_REPLICATION_FACTOR: 'the replication factor cannot exceed the number of brokers',
  POLICY_VIOLATION: "the cluster's create/alter policy refused it",
  TOPIC_AUTHORIZATION_FAILED: 'the client lacks the ACL for this; check -X sasl.username',
  CLUSTER_AUTHORIZATION_FAILED: 'the client lacks the ACL for this; check -X sasl.username',
};

interface KafkaErrorLike {
  message: string;
  code?: unknown;
  errorName?: unknown;
  hint?: unknown;
  topic?: unknown;
  partition?: unknown;
}

/**
 * `err` with the hint for its Kafka error name (`hints` over DEFAULT_KAFKA_HINTS), as a CliError
 * keeping the message, code and exit code 3; other errors and errors with a hint are returned as they are.
 */
export function withKafkaHint(err: unknown, hints: Readonly<Record<string, Hint>> = {}): unknown {
  if (!(err instanceof Error)) return err;
  const e = err as KafkaErrorLike;
  if (typeof e.errorName !== 'string' || typeof e.hint === 'string') return err;
  const hint = hints[e.errorName] ?? DEFAULT_KAFKA_HINTS[e.errorName];
  if (hint === undefined) return err;
  const topic = typeof e.topic === 'string' ? e.topic : null;
  const partition = typeof e.partition === 'number' ? e.partition : null;
  return new CliError(e.message, {
    cause: err,
    exitCode: ExitCode.KAFKA_ERROR,
    code: typeof e.code === 'string' ? e.code : 'KAFKA_ERROR',
    hint: typeof hint === 'function' ? hint(topic, partition) : hint,
    showCause: false,
  });
}

/** Awaits `work`, adding hints to Kafka errors (see `withKafkaHint`). */
export async function kafkaHints<T>(work: Promise<T>, hints: Readonly<Record<string, Hint>> = {}): Promise<T> {
  try {
    return await work;
  } catch (err) {
    throw withKafkaHint(err, hints);
  }
}
