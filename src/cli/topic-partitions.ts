/**
 * `--topic T` / `--topic T:0,1,2` values, as kafka-consumer-groups takes them: a topic name,
 * optionally followed by a colon and a comma-separated list of partitions.
 */
import { CliError } from './errors.ts';
import { ExitCode } from './exit-codes.ts';

export interface TopicPartitionSpec {
  topic: string;
  /** The partitions asked for, ascending and without duplicates; null: every partition. */
  partitions: number[] | null;
}

const TOPIC_NAME = /^[A-Za-z0-9._-]{1,249}$/;

/** Parses one `--topic` value; throws a USAGE CliError when it is malformed. */
export function parseTopicPartitionSpec(input: string): TopicPartitionSpec {
  const colon = input.indexOf(':');
  const topic = (colon < 0 ? input : input.slice(0, colon)).trim();
  if (!TOPIC_NAME.test(topic) || topic === '.' || topic === '..') {
    throw new CliError(`invalid topic ${JSON.stringify(topic)} in --topic ${JSON.stringify(input)}`, { exitCode: ExitCode.USAGE, code: 'USAGE', hint: 'expected TOPIC or TOPIC:PARTITION[,PARTITION...]' });
  }
  if (colon < 0) return { topic, partitions: null };
  const partitions = new Set<number>();
  for (const part of input.slice(colon + 1).split(',')) {
    const p = part.trim();
    if (!/^\d{1,9}$/.test(p)) {
      throw new CliError(`invalid partition ${JSON.stringify(p)} in --topic ${JSON.stringify(input)}`, { exitCode: ExitCode.USAGE, code: 'USAGE', hint: 'expected TOPIC or TOPIC:PARTITION[,PARTITION...]' });
    }
    partitions.add(Number(p));
  }
  return { topic, partitions: [...partitions].sort((a, b) => a - b) };
}

/** Parses every `--topic` value, merging repeated topics (a topic given whole wins). */
export function parseTopicPartitionSpecs(inputs: readonly string[]): TopicPartitionSpec[] {
  const byTopic = new Map<string, TopicPartitionSpec>();
  for (const input of inputs) {
    const spec = parseTopicPartitionSpec(input);
    const seen = byTopic.get(spec.topic);
    if (!seen) byTopic.set(spec.topic, spec);
    else if (seen.partitions === null || spec.partitions === null) byTopic.set(spec.topic, { topic: spec.topic, partitions: null });
    else byTopic.set(spec.topic, { topic: spec.topic, partitions: [...new Set([...seen.partitions, ...spec.partitions])].sort((a, b) => a - b) });
  }
  return [...byTopic.values()];
}
