import { describe, expect, it } from 'vitest';
import { MultipleErrors, NetworkError, ResponseError } from '@platformatic/kafka';
import { CliError } from '../cli/errors.ts';
import { exitCodeFor } from '../cli/exit-codes.ts';
import { reportError } from '../cli/errors.ts';
import { withKafkaHint } from '../cli/kafka-hints.ts';
import { KafkaProtocolError } from '../protocol/errors.ts';
import { ClusterTimeoutError, type ClusterTarget } from './client.ts';
import { ClusterUnreachableError, checkCreateOptions, describeFailure, failureError, kafkaFailures, parseOffset, parseTimeSpec, responseOf, translateError, trimTarget, type KafkaFailure } from './topics.ts';

const NOW = Date.parse('2024-05-01T12:00:00Z');
const target: ClusterTarget = { servers: [{ host: '127.0.0.1', port: 9092 }], clientOptions: { clientId: 't' }, timeoutMs: 1000 };

describe('parseTimeSpec', () => {
  it.each<[string, number]>([
    ['-1h', NOW - 3_600_000],
    ['-30m', NOW - 1_800_000],
    ['-2d', NOW - 2 * 86_400_000],
    ['-1w', NOW - 7 * 86_400_000],
    ['-90s', NOW - 90_000],
    ['-500ms', NOW - 500],
    ['-1h30m', NOW - 5_400_000],
    ['-1.5h', NOW - 5_400_000],
    ['1700000000000', 1_700_000_000_000],
    ['0', 0],
    ['2024-05-01T00:00:00Z', Date.parse('2024-05-01T00:00:00Z')],
    ['2024-05-01T02:00:00+02:00', Date.parse('2024-05-01T00:00:00Z')],
    ['2024-05-01T00:00:00.250Z', Date.parse('2024-05-01T00:00:00Z') + 250],
    ['2024-05-01 00:00:00Z', Date.parse('2024-05-01T00:00:00Z')],
    ['2024-05-01', Date.parse('2024-05-01T00:00:00Z')],
    [' -1h ', NOW - 3_600_000],
  ])('%s', (input, expected) => {
    expect(parseTimeSpec(input, NOW)).toBe(expected);
  });

  it.each(['', 'yesterday', '1h', '-1', '-1y', '+1h', '2024-13-45T00:00:00Z', '2024/05/01', '99999999999999999999'])('rejects %j', (input) => {
    let err: unknown;
    try {
      parseTimeSpec(input, NOW);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).exitCode).toBe(2);
    expect((err as CliError).message).toBe(`invalid time ${JSON.stringify(input)}`);
  });
});

describe('parseOffset', () => {
  it.each<[string, bigint]>([['0', 0n], ['42', 42n], ['9223372036854775807', 9223372036854775807n]])('%s', (input, expected) => {
    expect(parseOffset(input)).toBe(expected);
  });
  it.each(['-1', 'abc', '1.5', ''])('rejects %j', (input) => {
    expect(() => parseOffset(input)).toThrow(/invalid offset/);
  });
});

describe('trimTarget', () => {
  it.each<[string, bigint, bigint, { offset: bigint } | { timeOffset: bigint | null }, bigint]>([
    ['offset inside the log', 0n, 10n, { offset: 4n }, 4n],
    ['offset before the log start stays', 5n, 10n, { offset: 2n }, 5n],
    ['offset past the end is clamped to the end', 0n, 10n, { offset: 100n }, 10n],
    ['offset at the end', 0n, 10n, { offset: 10n }, 10n],
    ['time inside', 0n, 10n, { timeOffset: 7n }, 7n],
    ['time older than everything keeps all', 3n, 10n, { timeOffset: 3n }, 3n],
    ['time newer than everything deletes all', 3n, 10n, { timeOffset: null }, 10n],
    ['empty partition', 0n, 0n, { offset: 5n }, 0n],
  ])('%s', (_name, start, end, boundary, expected) => {
    expect(trimTarget(start, end, boundary)).toBe(expected);
  });
});

describe('checkCreateOptions', () => {
  it.each<[string, Parameters<typeof checkCreateOptions>[0], string | null]>([
    ['defaults', { names: ['a'] }, null],
    ['explicit', { names: ['a'], partitions: 3, replicationFactor: 1 }, null],
    ['no names', { names: [] }, 'give at least one topic name'],
    ['zero partitions', { names: ['a'], partitions: 0 }, '--partitions must be at least 1, got 0'],
    ['replication factor too big', { names: ['a'], replicationFactor: 40000 }, '--replication-factor must be between 1 and 32767, got 40000'],
  ])('%s', (_name, options, message) => {
    if (message === null) expect(() => checkCreateOptions(options)).not.toThrow();
    else expect(() => checkCreateOptions(options)).toThrow(message);
  });
});

/** An error shaped as @platformatic/kafka raises it for a response with error codes, after `attempts` tries. */
function responseFailure(apiKey: number, errors: Record<string, [number, string | null]>, response: unknown, attempts = 1): MultipleErrors {
  const tries = Array.from({ length: attempts }, () => new ResponseError(apiKey, 7, errors, response));
  return new MultipleErrors('Creating topics failed.', tries);
}

describe('kafkaFailures', () => {
  it('names the topic of each error from the response, once per retry', () => {
    const response = { topics: [{ name: 'a', errorCode: 36, errorMessage: "Topic 'a' already exists." }, { name: 'b', errorCode: 0 }, { name: 'c', errorCode: 3, errorMessage: null }] };
    const err = responseFailure(19, { '/topics/0': [36, "Topic 'a' already exists."], '/topics/2': [3, null] }, response, 2);
    expect(kafkaFailures(err)).toEqual<KafkaFailure[]>([
      { errorCode: 36, errorName: 'TOPIC_ALREADY_EXISTS', resource: 'a', partition: null, serverMessage: "Topic 'a' already exists." },
      { errorCode: 3, errorName: 'UNKNOWN_TOPIC_OR_PARTITION', resource: 'c', partition: null, serverMessage: null },
    ]);
    expect(responseOf(err)).toBe(response);
  });

  it('reads resourceName and partitions', () => {
    const response = { responses: [{ resourceName: 'orders', errorCode: 40 }], topics: [{ name: 't', partitions: [{ partitionIndex: 4, errorCode: 3 }] }] };
    const err = responseFailure(44, { '/responses/0': [40, 'retention.ms: bad'], '/topics/0/partitions/0': [3, null] }, response);
    expect(kafkaFailures(err)).toEqual<KafkaFailure[]>([
      { errorCode: 40, errorName: 'INVALID_CONFIG', resource: 'orders', partition: null, serverMessage: 'retention.ms: bad' },
      { errorCode: 3, errorName: 'UNKNOWN_TOPIC_OR_PARTITION', resource: 't', partition: 4, serverMessage: null },
    ]);
  });

  it('finds nothing in other errors', () => {
    expect(kafkaFailures(new Error('x'))).toEqual([]);
    expect(responseOf(new Error('x'))).toBeUndefined();
  });
});

describe('describeFailure / failureError', () => {
  const f = (errorCode: number, errorName: string, resource: string | null, partition: number | null = null, serverMessage: string | null = null): KafkaFailure => ({ errorCode, errorName, resource, partition, serverMessage });

  it.each<[string, KafkaFailure, string | undefined, string]>([
    ['missing topic', f(3, 'UNKNOWN_TOPIC_OR_PARTITION', 'x'), 'describe', 'topic "x" does not exist (UNKNOWN_TOPIC_OR_PARTITION)'],
    ['missing partition', f(3, 'UNKNOWN_TOPIC_OR_PARTITION', 'x', 7), 'trim', 'partition 7 of topic "x" does not exist (UNKNOWN_TOPIC_OR_PARTITION)'],
    ['exists', f(36, 'TOPIC_ALREADY_EXISTS', 'x'), 'create', 'topic "x" already exists (TOPIC_ALREADY_EXISTS)'],
    ['server message', f(40, 'INVALID_CONFIG', 'x', null, 'retention.ms: expected LONG.'), 'change configs of', 'cannot change configs of topic "x": retention.ms: expected LONG (INVALID_CONFIG)'],
    ['no server message', f(38, 'INVALID_REPLICATION_FACTOR', 'x'), 'create', 'cannot create topic "x": Replication factor is invalid (below 1 or more than available brokers) (INVALID_REPLICATION_FACTOR)'],
    ['no resource', f(41, 'NOT_CONTROLLER', null), undefined, 'This node is not the active controller (NOT_CONTROLLER)'],
    ['no resource, an action', f(41, 'NOT_CONTROLLER', null), 'create', 'cannot create topics: This node is not the active controller (NOT_CONTROLLER)'],
  ])('%s', (_name, failure, action, message) => {
    expect(describeFailure(failure, action)).toBe(message);
  });

  it('raises the first with a count of the others, exit code 3', () => {
    const err = failureError([f(3, 'UNKNOWN_TOPIC_OR_PARTITION', 'a'), f(3, 'UNKNOWN_TOPIC_OR_PARTITION', 'b')]);
    expect(err).toBeInstanceOf(KafkaProtocolError);
    expect(err.message).toBe('topic "a" does not exist (UNKNOWN_TOPIC_OR_PARTITION) (and 1 more)');
    expect(err.code).toBe('KAFKA_UNKNOWN_TOPIC_OR_PARTITION');
    expect(exitCodeFor(err)).toBe(3);
  });

  it('gets the default hints, or the command\'s', () => {
    const missing = failureError([f(3, 'UNKNOWN_TOPIC_OR_PARTITION', 'a')]);
    expect(reportError(withKafkaHint(missing))).toEqual({ code: 'KAFKA_UNKNOWN_TOPIC_OR_PARTITION', message: 'topic "a" does not exist (UNKNOWN_TOPIC_OR_PARTITION)', hint: 'list topics with kstream topics', exitCode: 3 });
    expect(reportError(withKafkaHint(missing, { UNKNOWN_TOPIC_OR_PARTITION: 'use --if-exists to ignore' })).hint).toBe('use --if-exists to ignore');
    expect(reportError(withKafkaHint(failureError([f(3, 'UNKNOWN_TOPIC_OR_PARTITION', 'a', 2)]))).hint).toBe('see its partitions with kstream topics describe a');
    expect(reportError(withKafkaHint(failureError([f(36, 'TOPIC_ALREADY_EXISTS', 'a')]))).hint).toBe('use --if-not-exists to ignore');
    expect(reportError(withKafkaHint(failureError([f(40, 'INVALID_CONFIG', 'a')]))).hint).toBe('see the valid keys with kstream topics describe a --all-configs');
    const plain = new Error('x');
    expect(withKafkaHint(plain)).toBe(plain);
  });
});

describe('translateError', () => {
  it('turns connection failures into one line with exit code 4', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const err = new MultipleErrors('Listing topics failed.', [new MultipleErrors('Cannot connect to any broker.', [new NetworkError('Connection to 127.0.0.1:1 failed.', { cause: refused })])]);
    const out = translateError(err, target);
    expect(out).toBeInstanceOf(ClusterUnreachableError);
    expect((out as Error).message).toBe('cannot connect to 127.0.0.1:1 (ECONNREFUSED)');
    expect(exitCodeFor(out)).toBe(4);
  });

  it('turns the overall timeout into exit code 4', () => {
    const out = translateError(new ClusterTimeoutError('127.0.0.1:9092', 1000), target);
    expect((out as Error).message).toBe('no answer from 127.0.0.1:9092 within 1000 ms');
    expect(exitCodeFor(out)).toBe(4);
  });

  it('turns Kafka error codes into KafkaProtocolError', () => {
    const err = responseFailure(20, { '/responses/0': [3, null] }, { responses: [{ name: 'gone', errorCode: 3 }] });
    const out = translateError(err, target, 'delete');
    expect(out).toBeInstanceOf(KafkaProtocolError);
    expect((out as Error).message).toBe('topic "gone" does not exist (UNKNOWN_TOPIC_OR_PARTITION)');
  });

  it('leaves kstream errors and unknown errors alone', () => {
    const mine = new CliError('x');
    expect(translateError(mine, target)).toBe(mine);
    const other = new TypeError('y');
    expect(translateError(other, target)).toBe(other);
  });
});
