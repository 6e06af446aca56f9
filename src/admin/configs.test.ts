import { describe, expect, it } from 'vitest';
import { CliError } from '../cli/errors.ts';
import { configSourceName, createTopicConfigs, displayConfigValue, incrementalConfigs, parseConfigKeys, parseConfigPairs, planConfigChanges, replaceConfigs, toConfigEntries, type ConfigChange, type DescribedConfig } from './configs.ts';

function usageError(fn: () => unknown): CliError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).exitCode).toBe(2);
    return err as CliError;
  }
  throw new Error('expected a usage error');
}

describe('parseConfigPairs', () => {
  it.each<[string[], [string, string][]]>([
    [[], []],
    [['retention.ms=1000'], [['retention.ms', '1000']]],
    [['a=1', 'b=2'], [['a', '1'], ['b', '2']]],
    [['cleanup.policy='], [['cleanup.policy', '']]],
    [['x=a=b'], [['x', 'a=b']]],
    [[' retention.ms =5'], [['retention.ms', '5']]],
    [['follower.replication.throttled.replicas=0:1,1:2'], [['follower.replication.throttled.replicas', '0:1,1:2']]],
  ])('%j', (input, expected) => {
    expect([...parseConfigPairs(input, '--set')]).toEqual(expected);
  });

  it.each<[string[], string]>([
    [['retention.ms'], 'invalid --set "retention.ms": expected key=value'],
    [['=5'], 'invalid --set "=5": expected key=value'],
    [['bad key=1'], 'invalid --set "bad key=1": "bad key" is not a configuration name'],
    [['a=1', 'a=2'], '--set a is given twice'],
  ])('rejects %j', (input, message) => {
    expect(usageError(() => parseConfigPairs(input, '--set')).message).toBe(message);
  });

  it('undefined is no pairs', () => {
    expect(parseConfigPairs(undefined, '-c').size).toBe(0);
  });
});

describe('parseConfigKeys', () => {
  it('trims and keeps order', () => {
    expect(parseConfigKeys(['retention.ms', ' cleanup.policy '], '--delete')).toEqual(['retention.ms', 'cleanup.policy']);
  });
  it.each<[string[], string]>([
    [['a=b'], 'invalid --delete "a=b": expected a configuration name'],
    [[''], 'invalid --delete "": expected a configuration name'],
    [['a', 'a'], '--delete a is given twice'],
  ])('rejects %j', (input, message) => {
    expect(usageError(() => parseConfigKeys(input, '--delete')).message).toBe(message);
  });
});

describe('planConfigChanges', () => {
  const set = (entries: [string, string][]): Map<string, string> => new Map(entries);

  it.each<[string, Map<string, string>, string[], 'incremental' | 'replace', ConfigChange[]]>([
    ['incremental set', set([['retention.ms', '1']]), [], 'incremental', [{ name: 'retention.ms', operation: 'set', value: '1' }]],
    ['incremental delete', set([]), ['retention.ms'], 'incremental', [{ name: 'retention.ms', operation: 'delete' }]],
    ['incremental both, sets first', set([['a', '1']]), ['b'], 'incremental', [{ name: 'a', operation: 'set', value: '1' }, { name: 'b', operation: 'delete' }]],
    ['replace', set([['a', '1'], ['b', '2']]), [], 'replace', [{ name: 'a', operation: 'set', value: '1' }, { name: 'b', operation: 'set', value: '2' }]],
    ['replace with nothing clears all', set([]), [], 'replace', []],
  ])('%s', (_name, s, d, mode, expected) => {
    expect(planConfigChanges(s, d, mode)).toEqual(expected);
  });

  it.each<[string, Map<string, string>, string[], 'incremental' | 'replace', string, string | undefined]>([
    ['nothing to change', set([]), [], 'incremental', 'nothing to change', 'give --set key=value or --delete key'],
    ['set and delete the same key', set([['a', '1']]), ['a'], 'incremental', 'a is both set and deleted', undefined],
    ['delete with replace', set([]), ['a'], 'replace', '--delete cannot be used with --replace', 'with --replace every key not given with --set goes back to its default'],
  ])('rejects %s', (_name, s, d, mode, message, hint) => {
    const err = usageError(() => planConfigChanges(s, d, mode));
    expect(err.message).toBe(message);
    expect(err.hint).toBe(hint);
  });
});

describe('request builders', () => {
  const changes: ConfigChange[] = [{ name: 'a', operation: 'set', value: '1' }, { name: 'b', operation: 'delete' }];

  it('incrementalConfigs maps set to 0 and delete to 1', () => {
    expect(incrementalConfigs(changes)).toEqual([{ name: 'a', configOperation: 0, value: '1' }, { name: 'b', configOperation: 1 }]);
  });

  it('replaceConfigs takes sets and refuses deletes', () => {
    expect(replaceConfigs([changes[0]])).toEqual([{ name: 'a', value: '1' }]);
    expect(() => replaceConfigs(changes)).toThrow('AlterConfigs cannot delete b');
  });

  it('createTopicConfigs', () => {
    expect(createTopicConfigs(new Map([['retention.ms', '5'], ['cleanup.policy', 'compact']]))).toEqual([{ name: 'retention.ms', value: '5' }, { name: 'cleanup.policy', value: 'compact' }]);
  });
});

describe('describe results', () => {
  it.each<[number, string]>([
    [0, 'UNKNOWN'], [1, 'DYNAMIC_TOPIC_CONFIG'], [2, 'DYNAMIC_BROKER_CONFIG'], [3, 'DYNAMIC_DEFAULT_BROKER_CONFIG'],
    [4, 'STATIC_BROKER_CONFIG'], [5, 'DEFAULT_CONFIG'], [6, 'DYNAMIC_BROKER_LOGGER_CONFIG'], [99, 'UNKNOWN'],
  ])('source %i is %s', (code, name) => {
    expect(configSourceName(code)).toBe(name);
  });

  const raw: DescribedConfig[] = [
    { name: 'segment.ms', value: '100', readOnly: false, configSource: 1, isSensitive: false },
    { name: 'retention.ms', value: '604800000', readOnly: false, configSource: 5, isSensitive: false },
    { name: 'cleanup.policy', value: 'compact', readOnly: false, configSource: 1, isSensitive: false },
    { name: 'sasl.jaas.config', value: 'secret', readOnly: true, configSource: 4, isSensitive: true },
  ];

  it('keeps only overrides, sorted by name', () => {
    expect(toConfigEntries(raw, false)).toEqual([
      { name: 'cleanup.policy', value: 'compact', source: 'DYNAMIC_TOPIC_CONFIG', readOnly: false, sensitive: false },
      { name: 'segment.ms', value: '100', source: 'DYNAMIC_TOPIC_CONFIG', readOnly: false, sensitive: false },
    ]);
  });

  it('keeps everything with all, hiding sensitive values', () => {
    const all = toConfigEntries(raw, true);
    expect(all.map((c) => c.name)).toEqual(['cleanup.policy', 'retention.ms', 'sasl.jaas.config', 'segment.ms']);
    expect(all[2]).toEqual({ name: 'sasl.jaas.config', value: null, source: 'STATIC_BROKER_CONFIG', readOnly: true, sensitive: true });
    expect(displayConfigValue(all[2])).toBe('(sensitive)');
    expect(displayConfigValue({ ...all[1], value: null })).toBe('(null)');
    expect(displayConfigValue(all[1])).toBe('604800000');
  });
});
