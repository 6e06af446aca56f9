import { describe, expect, it } from 'vitest';
import type { SinkRecord, SourceRecord } from './api.ts';
import { requireConnectorConfig } from './connector-config.ts';
import { RetryWithToleranceOperator } from './errors.ts';
import { PluginRegistry } from './plugins.ts';
import { TransformationChain } from './transformation-chain.ts';
import { checkConfigValue, validateConnectorConfig, validationErrors } from './validation.ts';

const registry = PluginRegistry.withBuiltins();
const source = registry.connector('FileStreamSource')!;
const sink = registry.connector('FileStreamSink')!;

describe('config validation (PUT /connector-plugins/{plugin}/config/validate)', () => {
  it('reports a valid config with Connect\'s groups and definitions', () => {
    const infos = validateConnectorConfig(source, { name: 's', 'connector.class': 'FileStreamSource', topic: 't', file: '/f' }, registry);
    expect(infos.name).toBe('org.apache.kafka.connect.file.FileStreamSourceConnector');
    expect(infos.error_count).toBe(0);
    expect(infos.groups).toEqual(['Common', 'Transforms', 'Predicates', 'Error Handling']);
    const tasksMax = infos.configs.find((c) => c.definition.name === 'tasks.max')!;
    expect(tasksMax.definition).toMatchObject({ type: 'INT', required: false, default_value: '1', importance: 'HIGH', group: 'Common', order_in_group: 3, width: 'SHORT', display_name: 'Tasks max' });
    expect(tasksMax.value).toEqual({ name: 'tasks.max', value: '1', recommended_values: [], errors: [], visible: true });
    expect(infos.configs.find((c) => c.definition.name === 'topic')?.definition.required).toBe(true);
  });

  const cases: { name: string; plugin: typeof source; props: Record<string, string>; errors: Record<string, RegExp> }[] = [
    { name: 'missing connector setting', plugin: source, props: { name: 's', 'connector.class': 'FileStreamSource' }, errors: { topic: /Missing required configuration "topic"/ } },
    { name: 'connector validator', plugin: source, props: { name: 's', 'connector.class': 'FileStreamSource', topic: 'a,b' }, errors: { topic: /single topic/ } },
    { name: 'type error', plugin: source, props: { name: 's', 'connector.class': 'FileStreamSource', topic: 't', 'batch.size': 'many' }, errors: { 'batch.size': /Not a number of type INT/ } },
    { name: 'sink without topics', plugin: sink, props: { name: 'k', 'connector.class': 'FileStreamSink' }, errors: { topics: /Must configure one of topics or topics.regex/ } },
    { name: 'unknown transformation', plugin: sink, props: { name: 'k', 'connector.class': 'FileStreamSink', topics: 't', transforms: 'x', 'transforms.x.type': 'NoSuch' }, errors: { 'transforms.x.type': /Class NoSuch could not be found/ } },
    { name: 'transformation settings', plugin: sink, props: { name: 'k', 'connector.class': 'FileStreamSink', topics: 't', transforms: 'r', 'transforms.r.type': 'RegexRouter' }, errors: { 'transforms.r.regex': /Missing required configuration "transforms.r.regex"/ } },
    { name: 'unknown converter', plugin: sink, props: { name: 'k', 'connector.class': 'FileStreamSink', topics: 't', 'value.converter': 'Avro' }, errors: { 'value.converter': /Class Avro could not be found/ } },
  ];
  it.each(cases)('$name', ({ plugin, props, errors }) => {
    const infos = validateConnectorConfig(plugin, props, registry);
    const found = validationErrors(infos);
    for (const [key, message] of Object.entries(errors)) expect(found.get(key)?.join('\n')).toMatch(message);
    expect(infos.error_count).toBe([...found.values()].flat().length);
  });

  it('hides passwords and checks value types', () => {
    expect(checkConfigValue({ name: 'n', type: 'long', importance: 'low', documentation: '' }, '9223372036854775808')).toMatch(/LONG/);
    expect(checkConfigValue({ name: 'n', type: 'double', importance: 'low', documentation: '' }, '1.5')).toBeUndefined();
    expect(checkConfigValue({ name: 'n', type: 'boolean', importance: 'low', documentation: '' }, 'TRUE')).toBeUndefined();
  });
});

function sinkRecord(topic: string, value: unknown): SinkRecord {
  return { topic, kafkaPartition: 0, kafkaOffset: 1, timestampType: 'CreateTime', timestamp: 0, keySchema: null, key: null, valueSchema: null, value, headers: [] };
}

describe('transformation chain', () => {
  const operator = new RetryWithToleranceOperator({ tolerance: 'none', retryTimeoutMs: 0, retryDelayMaxMs: 1, logEnable: false, logIncludeMessages: false, dlqTopic: null, dlqReplicationFactor: 1, dlqContextHeaders: false }, []);

  it('applies transforms in order, guarded by predicates (and negate)', async () => {
    const config = requireConnectorConfig(
      {
        name: 'k',
        'connector.class': 'FileStreamSink',
        topics: 'orders,audit',
        transforms: 'drop,route',
        'transforms.drop.type': 'Filter',
        'transforms.drop.predicate': 'isAudit',
        'transforms.route.type': 'RegexRouter',
        'transforms.route.regex': '(.*)',
        'transforms.route.replacement': 'copy-$1',
        'transforms.route.predicate': 'isAudit',
        'transforms.route.negate': 'true',
        predicates: 'isAudit',
        'predicates.isAudit.type': 'TopicNameMatches',
        'predicates.isAudit.pattern': 'audit',
      },
      'sink',
    );
    const chain = TransformationChain.build(config, registry);
    expect(chain.size).toBe(2);
    expect((await chain.apply(sinkRecord('orders', 'x'), operator, {})).record?.topic).toBe('copy-orders');
    expect((await chain.apply(sinkRecord('audit', 'x'), operator, {})).record).toBeNull();
    chain.close();
  });

  it('keeps source partitions and offsets through transforms', async () => {
    const config = requireConnectorConfig({ name: 's', 'connector.class': 'FileStreamSource', topic: 't', transforms: 'r', 'transforms.r.type': 'RegexRouter', 'transforms.r.regex': 't', 'transforms.r.replacement': 'u' }, 'source');
    const chain = TransformationChain.build(config, registry);
    const record: SourceRecord = { topic: 't', kafkaPartition: null, keySchema: null, key: null, valueSchema: null, value: 'v', timestamp: null, headers: [], sourcePartition: { f: 1 }, sourceOffset: { p: 2 } };
    const out = (await chain.apply(record, operator, { source: record })).record;
    expect(out).toMatchObject({ topic: 'u', sourcePartition: { f: 1 }, sourceOffset: { p: 2 } });
  });

  it('refuses unknown types', () => {
    const config = requireConnectorConfig({ name: 'k', 'connector.class': 'FileStreamSink', topics: 't', transforms: 'x', 'transforms.x.type': 'Nope' }, 'sink');
    expect(() => TransformationChain.build(config, registry)).toThrow(/Class Nope could not be found/);
  });
});
