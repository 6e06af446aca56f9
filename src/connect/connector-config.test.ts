import { describe, expect, it } from 'vitest';
import { invalidConfigMessage, parseConnectorConfig, requireConnectorConfig, taskClassName } from './connector-config.ts';

const base = { name: 'c', 'connector.class': 'FileStreamSink', topics: 't' };

describe('connector config', () => {
  it('has Connect defaults', () => {
    const { config, errors } = parseConnectorConfig(base, 'sink');
    expect(errors.size).toBe(0);
    expect(config).toMatchObject({
      name: 'c',
      connectorClass: 'FileStreamSink',
      tasksMax: 1,
      topics: ['t'],
      topicsRegex: null,
      keyConverter: null,
      transforms: [],
      errors: { tolerance: 'none', retryTimeoutMs: 0, retryDelayMaxMs: 60000, logEnable: false, logIncludeMessages: false, dlqTopic: null, dlqReplicationFactor: 3, dlqContextHeaders: false },
    });
  });

  it('reads converters, transforms, predicates and error handling', () => {
    const { config, errors } = parseConnectorConfig(
      {
        ...base,
        topics: 'a, b',
        'tasks.max': '3',
        'value.converter': 'JsonConverter',
        'value.converter.schemas.enable': 'false',
        transforms: 'route,mask',
        'transforms.route.type': 'RegexRouter',
        'transforms.route.regex': '(.*)',
        'transforms.route.predicate': 'isA',
        'transforms.route.negate': 'true',
        'transforms.mask.type': 'MaskField$Value',
        predicates: 'isA',
        'predicates.isA.type': 'TopicNameMatches',
        'predicates.isA.pattern': 'a',
        'errors.tolerance': 'all',
        'errors.retry.timeout': '-1',
        'errors.retry.delay.max.ms': '100',
        'errors.log.enable': 'true',
        'errors.deadletterqueue.topic.name': 'dlq',
        'errors.deadletterqueue.context.headers.enable': 'true',
        'errors.deadletterqueue.topic.replication.factor': '1',
      },
      'sink',
    );
    expect([...errors]).toEqual([]);
    expect(config.tasksMax).toBe(3);
    expect(config.topics).toEqual(['a', 'b']);
    expect(config.valueConverter).toEqual({ className: 'JsonConverter', props: { 'schemas.enable': 'false' } });
    expect(config.transforms).toEqual([
      { alias: 'route', type: 'RegexRouter', props: { type: 'RegexRouter', regex: '(.*)', predicate: 'isA', negate: 'true' }, predicate: 'isA', negate: true },
      { alias: 'mask', type: 'MaskField$Value', props: { type: 'MaskField$Value' }, predicate: null, negate: false },
    ]);
    expect(config.predicates).toEqual([{ alias: 'isA', type: 'TopicNameMatches', props: { type: 'TopicNameMatches', pattern: 'a' } }]);
    expect(config.errors).toEqual({ tolerance: 'all', retryTimeoutMs: -1, retryDelayMaxMs: 100, logEnable: true, logIncludeMessages: false, dlqTopic: 'dlq', dlqReplicationFactor: 1, dlqContextHeaders: true });
  });

  it('compiles topics.regex as a whole-name match', () => {
    const { config } = parseConnectorConfig({ ...base, topics: '', 'topics.regex': 'orders-.*' }, 'sink');
    expect(config.topicsRegex?.test('orders-eu')).toBe(true);
    expect(config.topicsRegex?.test('x-orders-eu')).toBe(false);
  });

  const bad: { name: string; raw: Record<string, string>; kind: 'source' | 'sink'; key: string; message: RegExp }[] = [
    { name: 'no name', raw: { 'connector.class': 'X', topics: 't' }, kind: 'sink', key: 'name', message: /Missing required configuration "name"/ },
    { name: 'no class', raw: { name: 'c', topic: 't' }, kind: 'source', key: 'connector.class', message: /"connector.class"/ },
    { name: 'tasks.max 0', raw: { ...base, 'tasks.max': '0' }, kind: 'sink', key: 'tasks.max', message: /at least 1/ },
    { name: 'tasks.max not a number', raw: { ...base, 'tasks.max': 'two' }, kind: 'sink', key: 'tasks.max', message: /Not a number/ },
    { name: 'no topics', raw: { name: 'c', 'connector.class': 'X' }, kind: 'sink', key: 'topics', message: /Must configure one of topics or topics.regex/ },
    { name: 'both topics and regex', raw: { ...base, 'topics.regex': 'x' }, kind: 'sink', key: 'topics', message: /mutually exclusive/ },
    { name: 'bad regex', raw: { ...base, topics: '', 'topics.regex': '(' }, kind: 'sink', key: 'topics.regex', message: /Invalid value/ },
    { name: 'transform without type', raw: { ...base, transforms: 'x' }, kind: 'sink', key: 'transforms.x.type', message: /transforms.x.type/ },
    { name: 'unknown predicate alias', raw: { ...base, transforms: 'x', 'transforms.x.type': 'T', 'transforms.x.predicate': 'nope' }, kind: 'sink', key: 'transforms.x.predicate', message: /not defined in predicates/ },
    { name: 'bad tolerance', raw: { ...base, 'errors.tolerance': 'some' }, kind: 'sink', key: 'errors.tolerance', message: /none, all/ },
    { name: 'bad boolean', raw: { ...base, 'errors.log.enable': 'yes' }, kind: 'sink', key: 'errors.log.enable', message: /true or false/ },
    { name: 'DLQ among the topics', raw: { ...base, 'errors.deadletterqueue.topic.name': 't' }, kind: 'sink', key: 'errors.deadletterqueue.topic.name', message: /may not be included/ },
  ];
  it.each(bad)('reports $name', ({ raw, kind, key, message }) => {
    const { errors } = parseConnectorConfig(raw, kind);
    expect(errors.get(key)?.join('\n')).toMatch(message);
  });

  it('throws Connect\'s message listing every error', () => {
    expect(() => requireConnectorConfig({ 'tasks.max': '0' }, 'source')).toThrow(/Connector configuration is invalid and contains the following 3 error\(s\):/);
    expect(invalidConfigMessage(new Map([['a', ['e1', 'e2']]]))).toContain('e1\ne2\nYou can also find the above list of errors');
  });

  it('ignores DLQ settings for sources', () => {
    expect(parseConnectorConfig({ name: 'c', 'connector.class': 'X', 'errors.deadletterqueue.topic.name': 'd' }, 'source').config.errors.dlqTopic).toBeNull();
  });

  it('names task classes as Connect does', () => {
    expect(taskClassName('org.apache.kafka.connect.file.FileStreamSourceConnector')).toBe('org.apache.kafka.connect.file.FileStreamSourceTask');
    expect(taskClassName('com.example.Thing')).toBe('com.example.ThingTask');
  });
});
