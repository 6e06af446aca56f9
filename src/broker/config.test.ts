import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BROKER_CONFIG_DEFS,
  ConfigError,
  ConfigSource,
  ConfigType,
  TOPIC_CONFIG_DEFS,
  advertisedAddress,
  configSourceName,
  createBrokerConfig,
  defaultDataDir,
  describeBrokerConfigs,
  effectiveTopicConfig,
  loadBrokerConfig,
  parseConfigValue,
  parseProperties,
  validateTopicConfigs,
  type BrokerConfig,
  type ConfigValueType,
} from './config.ts';

const tmp = mkdtempSync(join(tmpdir(), 'kstream-config-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const env = { HOME: '/home/tester' } as NodeJS.ProcessEnv;
let fileCounter = 0;
function propsFile(text: string): string {
  const file = join(tmp, `server-${fileCounter++}.properties`);
  writeFileSync(file, text);
  return file;
}
function load(overrides: Record<string, string> = {}, file?: string): BrokerConfig {
  return loadBrokerConfig({ overrides, env, ...(file === undefined ? {} : { file }) });
}
function loadError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('parseProperties', () => {
  it.each<[string, string, Record<string, string>]>([
    ['key=value', 'a=b', { a: 'b' }],
    ['key: value', 'a: b', { a: 'b' }],
    ['whitespace separator', 'a b', { a: 'b' }],
    ['spaces around =', '  a   =   b', { a: 'b' }],
    ['trailing whitespace kept (Java)', 'a=b  ', { a: 'b  ' }],
    ['# comment', '# a=b\nc=d', { c: 'd' }],
    ['! comment', '! a=b\nc=d', { c: 'd' }],
    ['indented comment', '   # a=b', {}],
    ['blank lines', '\n\n  \na=1\n\n', { a: '1' }],
    ['empty value', 'a=', { a: '' }],
    ['key only', 'a', { a: '' }],
    ['second = is part of value', 'a=b=c', { a: 'b=c' }],
    ['continuation', 'a=one,\\\n    two', { a: 'one,two' }],
    ['double continuation', 'a=1\\\n  2\\\n  3', { a: '123' }],
    ['escaped backslash is not continuation', 'a=b\\\\\nc=d', { a: 'b\\', c: 'd' }],
    ['comment line with trailing backslash does not continue', '# x \\\na=b', { a: 'b' }],
    ['escapes', 'a=tab\\there\\nnl', { a: 'tab\there\nnl' }],
    ['unicode escape', 'a=\\u00e9t\\u00E9', { a: 'été' }],
    ['escaped separator in key', 'a\\=b=c', { 'a=b': 'c' }],
    ['escaped colon in key', 'a\\:b:c', { 'a:b': 'c' }],
    ['escaped space in key', 'a\\ b=c', { 'a b': 'c' }],
    ['unknown escape drops backslash', 'a=\\q', { a: 'q' }],
    ['CRLF line endings', 'a=1\r\nb=2\r\n', { a: '1', b: '2' }],
    ['CR line endings', 'a=1\rb=2', { a: '1', b: '2' }],
    ['BOM', '\uFEFFa=1', { a: '1' }],
    ['last duplicate wins', 'a=1\na=2', { a: '2' }],
    ['listeners URL value', 'listeners=PLAINTEXT://:9092', { listeners: 'PLAINTEXT://:9092' }],
  ])('%s', (_name, text, expected) => {
    expect(parseProperties(text)).toEqual(expected);
  });

  it('rejects a malformed \\u escape with the line number', () => {
    const err = loadError(() => parseProperties('a=1\nb=\\u12', 'x.properties'));
    expect(err.code).toBe('CONFIG_FILE');
    expect(err.message).toContain('x.properties line 2');
  });
});

describe('parseConfigValue', () => {
  it.each<[ConfigValueType, string, unknown, string]>([
    ['boolean', 'true', true, 'true'],
    ['boolean', ' FALSE ', false, 'false'],
    ['int', '42', 42, '42'],
    ['int', '+7', 7, '7'],
    ['int', '-2147483648', -2147483648, '-2147483648'],
    ['short', '32767', 32767, '32767'],
    ['long', '9223372036854775807', 9223372036854775807, '9223372036854775807'],
    ['long', ' 007 ', 7, '7'],
    ['double', '0.5', 0.5, '0.5'],
    ['double', '.25', 0.25, '0.25'],
    ['double', '1e3', 1000, '1000'],
    ['list', 'compact, delete', ['compact', 'delete'], 'compact,delete'],
    ['list', '', [], ''],
    ['string', '  x  ', 'x', 'x'],
  ])('%s %j', (type, raw, value, text) => {
    expect(parseConfigValue(type, raw)).toEqual({ value, text });
  });

  it.each<[ConfigValueType, string]>([
    ['boolean', 'yes'],
    ['boolean', ''],
    ['int', 'abc'],
    ['int', '1.5'],
    ['int', '2147483648'],
    ['int', ''],
    ['short', '32768'],
    ['long', '9223372036854775808'],
    ['long', '1e3'],
    ['double', 'abc'],
    ['double', 'NaN'],
  ])('%s rejects %j', (type, raw) => {
    expect(parseConfigValue(type, raw)).toHaveProperty('error');
  });
});

describe('loadBrokerConfig defaults', () => {
  const config = load();
  it.each<[keyof BrokerConfig, unknown]>([
    ['host', '127.0.0.1'],
    ['port', 9092],
    ['advertisedHost', '127.0.0.1'],
    ['advertisedPort', 9092],
    ['listenerName', 'PLAINTEXT'],
    ['nodeId', 0],
    ['clusterId', null],
    ['dataDir', join('/home/tester', '.local', 'share', 'kstream')],
    ['numPartitions', 1],
    ['autoCreateTopicsEnable', true],
    ['deleteTopicEnable', true],
    ['socketRequestMaxBytes', 104857600],
    ['messageMaxBytes', 1048588],
    ['logFlushIntervalMs', 1000],
    ['logRetentionCheckIntervalMs', 300000],
    ['groupInitialRebalanceDelayMs', 3000],
    ['offsetsRetentionMinutes', 10080],
    ['offsetsTopicNumPartitions', 1],
    ['logSegmentBytes', 1073741824],
    ['logRollMs', 604800000],
    ['logRetentionMs', 604800000],
    ['logRetentionBytes', -1],
    ['logIndexIntervalBytes', 4096],
    ['logIndexSizeMaxBytes', 10485760],
    ['logMessageTimestampType', 'CreateTime'],
    ['logCleanupPolicy', ['delete']],
    ['logCleanerDeleteRetentionMs', 86400000],
    ['minInsyncReplicas', 1],
    ['compressionType', 'producer'],
    ['raw', {}],
    ['unknownKeys', []],
    ['configFile', null],
  ])('%s', (field, expected) => {
    expect(config[field]).toEqual(expected);
  });
});

describe('defaultDataDir', () => {
  it.each<[string, NodeJS.ProcessEnv, string]>([
    ['KSTREAM_DATA_DIR wins', { KSTREAM_DATA_DIR: '/data/ks', XDG_DATA_HOME: '/xdg', HOME: '/h' }, '/data/ks'],
    ['relative KSTREAM_DATA_DIR is resolved', { KSTREAM_DATA_DIR: 'rel', HOME: '/h' }, resolve('rel')],
    ['XDG_DATA_HOME', { XDG_DATA_HOME: '/xdg', HOME: '/h' }, '/xdg/kstream'],
    ['relative XDG_DATA_HOME is ignored', { XDG_DATA_HOME: 'xdg', HOME: '/h' }, '/h/.local/share/kstream'],
    ['HOME', { HOME: '/h' }, '/h/.local/share/kstream'],
  ])('%s', (_name, e, expected) => {
    expect(defaultDataDir(e)).toBe(expected);
  });
});

describe('loadBrokerConfig keys', () => {
  it.each<[string, Record<string, string>, Partial<BrokerConfig>]>([
    ['node.id', { 'node.id': '3' }, { nodeId: 3 }],
    ['broker.id synonym', { 'broker.id': '4' }, { nodeId: 4 }],
    ['num.partitions', { 'num.partitions': '6' }, { numPartitions: 6 }],
    ['boolean case-insensitive', { 'auto.create.topics.enable': 'FALSE' }, { autoCreateTopicsEnable: false }],
    ['listeners', { listeners: 'PLAINTEXT://localhost:19092' }, { host: 'localhost', port: 19092, advertisedHost: 'localhost', advertisedPort: 19092 }],
    ['listeners empty host = all interfaces', { listeners: 'PLAINTEXT://:9093' }, { host: '0.0.0.0', port: 9093, advertisedHost: '127.0.0.1' }],
    ['listeners 0.0.0.0 advertises loopback', { listeners: 'PLAINTEXT://0.0.0.0:9092' }, { host: '0.0.0.0', advertisedHost: '127.0.0.1' }],
    ['listeners IPv6', { listeners: 'PLAINTEXT://[::1]:9092' }, { host: '::1', advertisedHost: '::1' }],
    ['listeners :: advertises ::1', { listeners: 'PLAINTEXT://[::]:9092' }, { host: '::', advertisedHost: '::1' }],
    ['KRaft sample listeners skip CONTROLLER', { listeners: 'CONTROLLER://:9093,PLAINTEXT://:9092', 'controller.listener.names': 'CONTROLLER' }, { port: 9092, listenerName: 'PLAINTEXT' }],
    ['custom listener name mapped to PLAINTEXT', { listeners: 'CLIENT://:9094', 'listener.security.protocol.map': 'CLIENT:PLAINTEXT' }, { port: 9094, listenerName: 'CLIENT' }],
    ['advertised.listeners', { 'advertised.listeners': 'PLAINTEXT://kafka.example:29092' }, { host: '127.0.0.1', port: 9092, advertisedHost: 'kafka.example', advertisedPort: 29092 }],
    ['advertised.listeners picks the same listener name', { listeners: 'PLAINTEXT://:9092,CONTROLLER://:9093', 'controller.listener.names': 'CONTROLLER', 'advertised.listeners': 'CONTROLLER://c:9093,PLAINTEXT://p:9092' }, { advertisedHost: 'p' }],
    ['log.dirs', { 'log.dirs': '/var/ks' }, { dataDir: '/var/ks' }],
    ['log.dir', { 'log.dir': '/var/ks1' }, { dataDir: '/var/ks1' }],
    ['log.dirs beats log.dir in one layer', { 'log.dir': '/a', 'log.dirs': '/b' }, { dataDir: '/b' }],
    ['relative log.dirs resolved', { 'log.dirs': 'data' }, { dataDir: resolve('data') }],
    ['~ expanded', { 'log.dirs': '~/ks' }, { dataDir: '/home/tester/ks' }],
    ['log.retention.hours', { 'log.retention.hours': '1' }, { logRetentionMs: 3600000 }],
    ['log.retention.minutes beats hours', { 'log.retention.hours': '1', 'log.retention.minutes': '2' }, { logRetentionMs: 120000 }],
    ['log.retention.ms beats minutes', { 'log.retention.minutes': '2', 'log.retention.ms': '5' }, { logRetentionMs: 5 }],
    ['log.retention.ms -1', { 'log.retention.ms': '-1' }, { logRetentionMs: -1 }],
    ['log.roll.hours', { 'log.roll.hours': '2' }, { logRollMs: 7200000 }],
    ['log.roll.ms beats hours', { 'log.roll.hours': '2', 'log.roll.ms': '60000' }, { logRollMs: 60000 }],
    ['log.cleanup.policy list', { 'log.cleanup.policy': 'compact, delete' }, { logCleanupPolicy: ['compact', 'delete'] }],
    ['log.message.timestamp.type', { 'log.message.timestamp.type': 'LogAppendTime' }, { logMessageTimestampType: 'LogAppendTime' }],
    ['log.flush.interval.ms', { 'log.flush.interval.ms': '0' }, { logFlushIntervalMs: 0 }],
    ['offsets.topic.num.partitions', { 'offsets.topic.num.partitions': '50' }, { offsetsTopicNumPartitions: 50 }],
    ['min.cleanable ratio', { 'log.cleaner.min.cleanable.ratio': '0.25' }, { logCleanerMinCleanableRatio: 0.25 }],
    ['values are trimmed', { 'num.partitions': ' 3 ' }, { numPartitions: 3 }],
  ])('%s', (_name, overrides, expected) => {
    expect(load(overrides)).toMatchObject(expected);
  });

  it('keeps unknown keys in raw and lists them', () => {
    const config = load({ 'num.partitions': '2', 'some.plugin.setting': 'x', 'ssl.keystore.location': '/k' });
    expect(config.unknownKeys).toEqual(['some.plugin.setting', 'ssl.keystore.location']);
    expect(config.raw).toEqual({ 'num.partitions': '2', 'some.plugin.setting': 'x', 'ssl.keystore.location': '/k' });
  });

  it('accepts a copy of Kafka\'s KRaft server.properties without unknown keys', () => {
    const file = propsFile([
      '# Server Basics',
      'process.roles=broker,controller',
      'node.id=1',
      'controller.quorum.bootstrap.servers=localhost:9093',
      'listeners=PLAINTEXT://:9092,CONTROLLER://:9093',
      'inter.broker.listener.name=PLAINTEXT',
      'advertised.listeners=PLAINTEXT://localhost:9092,CONTROLLER://localhost:9093',
      'controller.listener.names=CONTROLLER',
      'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL',
      'num.network.threads=3',
      'num.io.threads=8',
      'socket.send.buffer.bytes=102400',
      'socket.receive.buffer.bytes=102400',
      'socket.request.max.bytes=104857600',
      `log.dirs=${join(tmp, 'kraft-combined-logs')}`,
      'num.partitions=1',
      'num.recovery.threads.per.data.dir=1',
      'offsets.topic.replication.factor=1',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'log.retention.hours=168',
      'log.segment.bytes=1073741824',
      'log.retention.check.interval.ms=300000',
    ].join('\n'));
    const config = load({}, file);
    expect(config.unknownKeys).toEqual([]);
    expect(config).toMatchObject({ nodeId: 1, host: '0.0.0.0', port: 9092, advertisedHost: 'localhost', advertisedPort: 9092, dataDir: join(tmp, 'kraft-combined-logs'), configFile: file });
  });
});

describe('loadBrokerConfig precedence', () => {
  const file = propsFile('num.partitions=3\nlog.retention.ms=1000\nlisteners=PLAINTEXT://0.0.0.0:9000\nlog.dirs=/from/file\nnode.id=5\n');

  it.each<[string, Parameters<typeof loadBrokerConfig>[0], Partial<BrokerConfig>]>([
    ['file over defaults', { file }, { numPartitions: 3, logRetentionMs: 1000, host: '0.0.0.0', port: 9000, dataDir: '/from/file', nodeId: 5 }],
    ['overrides over file', { file, overrides: { 'num.partitions': '7' } }, { numPartitions: 7, logRetentionMs: 1000 }],
    ['a synonym override drops the file\'s more specific key', { file, overrides: { 'log.retention.hours': '2' } }, { logRetentionMs: 7200000 }],
    ['broker.id override drops the file\'s node.id', { file, overrides: { 'broker.id': '9' } }, { nodeId: 9 }],
    ['log.dir override drops the file\'s log.dirs', { file, overrides: { 'log.dir': '/from/set' } }, { dataDir: '/from/set' }],
    ['flags over overrides', { file, overrides: { listeners: 'PLAINTEXT://h:1' }, flags: { port: 0 } }, { host: 'h', port: 0, advertisedPort: 0 }],
    ['host flag alone keeps the file port', { file, flags: { host: 'localhost' } }, { host: 'localhost', port: 9000, advertisedHost: 'localhost' }],
    ['dataDir flag over log.dirs', { file, overrides: { 'log.dirs': '/from/set' }, flags: { dataDir: '/from/flag' } }, { dataDir: '/from/flag' }],
  ])('%s', (_name, options, expected) => {
    expect(loadBrokerConfig({ env, ...options })).toMatchObject(expected);
  });

  it('records flags in raw', () => {
    const config = loadBrokerConfig({ env, flags: { host: '::1', port: 0, dataDir: '/d' } });
    expect(config.raw).toMatchObject({ listeners: 'PLAINTEXT://[::1]:0', 'log.dirs': '/d' });
  });
});

describe('loadBrokerConfig errors', () => {
  it.each<[string, Record<string, string>, string, RegExp]>([
    ['int not a number', { 'num.partitions': 'abc' }, 'num.partitions', /num\.partitions.*expected INT/],
    ['int out of range', { 'num.partitions': '0' }, 'num.partitions', /num\.partitions.*at least 1/],
    ['int overflow', { 'socket.request.max.bytes': '3000000000' }, 'socket.request.max.bytes', /expected INT/],
    ['boolean', { 'auto.create.topics.enable': 'yes' }, 'auto.create.topics.enable', /expected BOOLEAN/],
    ['long', { 'log.retention.ms': '1h' }, 'log.retention.ms', /expected LONG/],
    ['retention below -1', { 'log.retention.ms': '-2' }, 'log.retention.ms', /at least -1/],
    ['double range', { 'log.cleaner.min.cleanable.ratio': '1.5' }, 'log.cleaner.min.cleanable.ratio', /no more than 1/],
    ['enum', { 'log.message.timestamp.type': 'createtime' }, 'log.message.timestamp.type', /CreateTime, LogAppendTime/],
    ['compression', { 'compression.type': 'brotli' }, 'compression.type', /one of/],
    ['cleanup list', { 'log.cleanup.policy': 'delete,archive' }, 'log.cleanup.policy', /archive/],
    ['listeners syntax', { listeners: 'localhost:9092' }, 'listeners', /NAME:\/\/host:port/],
    ['listeners port range', { listeners: 'PLAINTEXT://:70000' }, 'listeners', /out of range/],
    ['SSL listener', { listeners: 'SSL://:9093' }, 'listeners', /PLAINTEXT only/],
    ['several data dirs', { 'log.dirs': '/a,/b' }, 'log.dirs', /single data directory/],
    ['node.id and broker.id disagree', { 'node.id': '1', 'broker.id': '2' }, 'broker.id', /must equal node.id/],
    ['session timeouts', { 'group.min.session.timeout.ms': '10', 'group.max.session.timeout.ms': '5' }, 'group.min.session.timeout.ms', /must not exceed/],
  ])('%s', (_name, overrides, key, message) => {
    const err = loadError(() => load(overrides));
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.key).toBe(key);
    expect(err.message).toMatch(message);
    expect(err.message).not.toContain('\n');
  });

  it('names the file and line of a bad value', () => {
    const file = propsFile('# comment\nnum.partitions=1\nmessage.max.bytes=big\n');
    const err = loadError(() => load({}, file));
    expect(err.message).toBe(`Invalid value "big" for configuration message.max.bytes (${file}:3): expected INT (32-bit integer)`);
    expect(err).toMatchObject({ key: 'message.max.bytes', file, line: 3, expected: 'INT (32-bit integer)' });
  });

  it('reports a missing file', () => {
    const err = loadError(() => load({}, join(tmp, 'nope.properties')));
    expect(err.code).toBe('CONFIG_FILE');
    expect(err.message).toMatch(/cannot read config file .*nope\.properties: no such file/);
  });

  it.each<[string, { host?: string; port?: number; dataDir?: string }]>([
    ['port out of range', { port: 65536 }],
    ['negative port', { port: -1 }],
    ['empty host', { host: '' }],
    ['empty data dir', { dataDir: '' }],
  ])('rejects flags: %s', (_name, flags) => {
    expect(loadError(() => loadBrokerConfig({ env, flags })).code).toBe('CONFIG_INVALID');
  });
});

describe('createBrokerConfig / advertisedAddress', () => {
  it('fills defaults around typed fields', () => {
    const config = createBrokerConfig({ port: 0, dataDir: '/tmp/x', numPartitions: 4 }, env);
    expect(config).toMatchObject({ host: '127.0.0.1', port: 0, advertisedPort: 0, dataDir: '/tmp/x', numPartitions: 4, logFlushIntervalMs: 1000 });
  });

  it.each<[Partial<BrokerConfig>, number, { host: string; port: number }]>([
    [{ port: 0 }, 40123, { host: '127.0.0.1', port: 40123 }],
    [{ port: 9092 }, 9092, { host: '127.0.0.1', port: 9092 }],
    [{ host: '0.0.0.0', port: 0 }, 5555, { host: '127.0.0.1', port: 5555 }],
    [{ advertisedHost: 'example', advertisedPort: 1234, port: 0 }, 5555, { host: 'example', port: 1234 }],
  ])('%j bound to %d → %j', (fields, bound, expected) => {
    expect(advertisedAddress(createBrokerConfig(fields, env), { port: bound })).toEqual(expected);
  });
});

describe('topic config definitions', () => {
  it('covers the configs the broker and tools use', () => {
    const names = TOPIC_CONFIG_DEFS.map((d) => d.name);
    for (const name of [
      'retention.ms', 'segment.bytes', 'segment.ms', 'cleanup.policy', 'max.message.bytes', 'message.timestamp.type',
      'min.insync.replicas', 'retention.bytes', 'segment.index.bytes', 'index.interval.bytes', 'delete.retention.ms',
      'min.compaction.lag.ms', 'max.compaction.lag.ms', 'min.cleanable.dirty.ratio', 'compression.type', 'file.delete.delay.ms',
      'flush.messages', 'flush.ms', 'unclean.leader.election.enable', 'message.timestamp.before.max.ms',
      'message.timestamp.after.max.ms', 'message.downconversion.enable', 'preallocate', 'local.retention.ms',
      'local.retention.bytes', 'remote.storage.enable',
    ]) expect(names).toContain(name);
    expect([...names].sort()).toEqual(names);
  });

  it('every broker synonym and every default is valid', () => {
    const brokerNames = new Set(BROKER_CONFIG_DEFS.map((d) => d.name));
    for (const def of TOPIC_CONFIG_DEFS) {
      for (const key of def.brokerSynonyms) expect(brokerNames, `${def.name} ← ${key}`).toContain(key);
      expect(validateTopicConfigs({ [def.name]: def.default! })).toEqual([]);
    }
    // Every broker default parses and passes its own validator.
    const withDefaults = Object.fromEntries(BROKER_CONFIG_DEFS.filter((d) => d.default !== null && d.name !== 'broker.id').map((d) => [d.name, d.default!]));
    expect(() => load(withDefaults)).not.toThrow();
  });
});

describe('validateTopicConfigs', () => {
  it.each<[string, Record<string, string>]>([
    ['retention.ms', { 'retention.ms': '86400000' }],
    ['retention.ms -1', { 'retention.ms': '-1' }],
    ['cleanup.policy compact', { 'cleanup.policy': 'compact' }],
    ['cleanup.policy compact,delete', { 'cleanup.policy': 'compact,delete' }],
    ['cleanup.policy delete, compact', { 'cleanup.policy': 'delete, compact' }],
    ['message.timestamp.type', { 'message.timestamp.type': 'LogAppendTime' }],
    ['compression.type zstd', { 'compression.type': 'zstd' }],
    ['compression.type uncompressed', { 'compression.type': 'uncompressed' }],
    ['min.cleanable.dirty.ratio', { 'min.cleanable.dirty.ratio': '0.1' }],
    ['booleans', { preallocate: 'true', 'unclean.leader.election.enable': 'False' }],
    ['several', { 'segment.bytes': '1048576', 'segment.ms': '60000', 'max.message.bytes': '2000000' }],
    ['long max', { 'flush.messages': '9223372036854775807' }],
    ['throttled replicas list', { 'leader.replication.throttled.replicas': '' }],
  ])('accepts %s', (_name, configs) => {
    expect(validateTopicConfigs(configs)).toEqual([]);
  });

  it.each<[string, Record<string, string>, string, RegExp]>([
    ['unknown name', { 'retention.mss': '1' }, 'retention.mss', /Unknown topic config name: retention\.mss/],
    ['broker key is not a topic config', { 'log.retention.ms': '1' }, 'log.retention.ms', /Unknown/],
    ['not a number', { 'retention.ms': 'forever' }, 'retention.ms', /expected LONG/],
    ['below range', { 'retention.ms': '-5' }, 'retention.ms', /at least -1/],
    ['segment.bytes too small', { 'segment.bytes': '10' }, 'segment.bytes', /at least 14/],
    ['int overflow', { 'segment.bytes': '4294967296' }, 'segment.bytes', /expected INT/],
    ['cleanup.policy bad', { 'cleanup.policy': 'archive' }, 'cleanup.policy', /archive/],
    ['cleanup.policy empty', { 'cleanup.policy': '' }, 'cleanup.policy', /at least one/],
    ['cleanup.policy repeated', { 'cleanup.policy': 'delete,delete' }, 'cleanup.policy', /duplicates/],
    ['timestamp type', { 'message.timestamp.type': 'BrokerTime' }, 'message.timestamp.type', /CreateTime, LogAppendTime/],
    ['compression', { 'compression.type': 'none' }, 'compression.type', /uncompressed, zstd, lz4, snappy, gzip, producer/],
    ['ratio', { 'min.cleanable.dirty.ratio': '2' }, 'min.cleanable.dirty.ratio', /no more than 1/],
    ['boolean', { preallocate: '1' }, 'preallocate', /expected BOOLEAN/],
    ['min.insync.replicas', { 'min.insync.replicas': '0' }, 'min.insync.replicas', /at least 1/],
    ['gzip level', { 'compression.gzip.level': '0' }, 'compression.gzip.level', /-1 .*1 and 9/],
    ['max.compaction.lag.ms', { 'max.compaction.lag.ms': '0' }, 'max.compaction.lag.ms', /at least 1/],
  ])('rejects %s', (_name, configs, name, message) => {
    const errors = validateTopicConfigs(configs);
    expect(errors).toHaveLength(1);
    expect(errors[0].name).toBe(name);
    expect(errors[0].message).toMatch(message);
  });

  it('reports every bad entry', () => {
    expect(validateTopicConfigs({ a: '1', 'retention.ms': 'x', 'segment.ms': '60000' }).map((e) => e.name)).toEqual(['a', 'retention.ms']);
  });
});

describe('effectiveTopicConfig', () => {
  const defaults = load();
  const fromFile = load({}, propsFile('log.retention.hours=1\nlog.segment.bytes=1048576\nmessage.max.bytes=2000000\nlog.cleanup.policy=compact\n'));

  it.each<[string, BrokerConfig, Record<string, string>, string, string, number]>([
    ['default retention.ms', defaults, {}, 'retention.ms', '604800000', ConfigSource.DEFAULT_CONFIG],
    ['default segment.ms', defaults, {}, 'segment.ms', '604800000', ConfigSource.DEFAULT_CONFIG],
    ['default flush.ms is kstream\'s 1000', defaults, {}, 'flush.ms', '1000', ConfigSource.DEFAULT_CONFIG],
    ['default flush.messages long max', defaults, {}, 'flush.messages', '9223372036854775807', ConfigSource.DEFAULT_CONFIG],
    ['default cleanup.policy', defaults, {}, 'cleanup.policy', 'delete', ConfigSource.DEFAULT_CONFIG],
    ['default max.message.bytes', defaults, {}, 'max.message.bytes', '1048588', ConfigSource.DEFAULT_CONFIG],
    ['fixed default remote.storage.enable', defaults, {}, 'remote.storage.enable', 'false', ConfigSource.DEFAULT_CONFIG],
    ['broker hours → retention.ms', fromFile, {}, 'retention.ms', '3600000', ConfigSource.STATIC_BROKER_CONFIG],
    ['broker segment bytes', fromFile, {}, 'segment.bytes', '1048576', ConfigSource.STATIC_BROKER_CONFIG],
    ['broker message.max.bytes → max.message.bytes', fromFile, {}, 'max.message.bytes', '2000000', ConfigSource.STATIC_BROKER_CONFIG],
    ['broker cleanup policy', fromFile, {}, 'cleanup.policy', 'compact', ConfigSource.STATIC_BROKER_CONFIG],
    ['unset broker key stays default', fromFile, {}, 'segment.ms', '604800000', ConfigSource.DEFAULT_CONFIG],
    ['override wins over broker', fromFile, { 'retention.ms': '1000' }, 'retention.ms', '1000', ConfigSource.TOPIC_CONFIG],
    ['override is canonicalised', defaults, { 'cleanup.policy': 'compact, delete' }, 'cleanup.policy', 'compact,delete', ConfigSource.TOPIC_CONFIG],
  ])('%s', (_name, broker, overrides, name, value, source) => {
    const entry = effectiveTopicConfig(broker, overrides).entries.find((e) => e.name === name)!;
    expect(entry).toMatchObject({ value, source, readOnly: false, sensitive: false, isDefault: source === ConfigSource.DEFAULT_CONFIG });
  });

  it('reports every topic config with its type', () => {
    const { entries, values } = effectiveTopicConfig(defaults);
    expect(entries.map((e) => e.name)).toEqual(TOPIC_CONFIG_DEFS.map((d) => d.name));
    expect(entries.find((e) => e.name === 'retention.ms')!.type).toBe(ConfigType.LONG);
    expect(entries.find((e) => e.name === 'segment.bytes')!.type).toBe(ConfigType.INT);
    expect(entries.find((e) => e.name === 'cleanup.policy')!.type).toBe(ConfigType.LIST);
    expect(entries.find((e) => e.name === 'preallocate')!.type).toBe(ConfigType.BOOLEAN);
    expect(entries.find((e) => e.name === 'min.cleanable.dirty.ratio')!.type).toBe(ConfigType.DOUBLE);
    expect(entries.find((e) => e.name === 'compression.type')!.type).toBe(ConfigType.STRING);
    expect(Object.keys(values)).toHaveLength(TOPIC_CONFIG_DEFS.length);
  });

  it('lists synonyms most specific first', () => {
    const entry = effectiveTopicConfig(fromFile, { 'retention.ms': '1000' }).entries.find((e) => e.name === 'retention.ms')!;
    expect(entry.synonyms).toEqual([
      { name: 'retention.ms', value: '1000', source: ConfigSource.TOPIC_CONFIG },
      { name: 'log.retention.hours', value: '1', source: ConfigSource.STATIC_BROKER_CONFIG },
      { name: 'log.retention.hours', value: '168', source: ConfigSource.DEFAULT_CONFIG },
    ]);
  });

  it('builds the typed logConfig', () => {
    expect(effectiveTopicConfig(defaults).logConfig).toEqual({
      segmentBytes: 1073741824,
      segmentMs: 604800000,
      retentionMs: 604800000,
      retentionBytes: -1,
      indexIntervalBytes: 4096,
      segmentIndexBytes: 10485760,
      maxMessageBytes: 1048588,
      messageTimestampType: 'CreateTime',
      fileDeleteDelayMs: 60000,
      cleanupPolicy: ['delete'],
      deleteRetentionMs: 86400000,
      minCompactionLagMs: 0,
      maxCompactionLagMs: 9223372036854775807,
      minCleanableDirtyRatio: 0.5,
    });
    expect(effectiveTopicConfig(defaults, { 'cleanup.policy': 'compact,delete' }).logConfig.cleanupPolicy).toEqual(['compact', 'delete']);
    expect(effectiveTopicConfig(fromFile, { 'message.timestamp.type': 'LogAppendTime', 'retention.bytes': '1000', 'segment.index.bytes': '4096' }).logConfig).toMatchObject({
      retentionMs: 3600000,
      segmentBytes: 1048576,
      maxMessageBytes: 2000000,
      messageTimestampType: 'LogAppendTime',
      retentionBytes: 1000,
      segmentIndexBytes: 4096,
    });
  });

  it('throws ConfigError for an invalid override', () => {
    const err = loadError(() => effectiveTopicConfig(defaults, { 'retention.ms': 'x' }));
    expect(err.key).toBe('retention.ms');
  });
});

describe('describeBrokerConfigs', () => {
  const config = loadBrokerConfig({ env, overrides: { 'num.partitions': '3' }, flags: { port: 0, dataDir: '/d' } });
  const entries = describeBrokerConfigs(config);
  const get = (name: string) => entries.find((e) => e.name === name)!;

  it('describes every broker config, read-only', () => {
    expect(entries.map((e) => e.name)).toEqual(BROKER_CONFIG_DEFS.map((d) => d.name));
    for (const e of entries) expect(e.readOnly).toBe(true);
  });

  it.each<[string, string | null, number, number]>([
    ['num.partitions', '3', ConfigSource.STATIC_BROKER_CONFIG, ConfigType.INT],
    ['listeners', 'PLAINTEXT://127.0.0.1:0', ConfigSource.STATIC_BROKER_CONFIG, ConfigType.STRING],
    ['log.dirs', '/d', ConfigSource.STATIC_BROKER_CONFIG, ConfigType.STRING],
    ['log.flush.interval.ms', '1000', ConfigSource.DEFAULT_CONFIG, ConfigType.LONG],
    ['log.retention.ms', null, ConfigSource.DEFAULT_CONFIG, ConfigType.LONG],
    ['log.retention.hours', '168', ConfigSource.DEFAULT_CONFIG, ConfigType.INT],
    ['auto.create.topics.enable', 'true', ConfigSource.DEFAULT_CONFIG, ConfigType.BOOLEAN],
    ['log.cleaner.min.cleanable.ratio', '0.5', ConfigSource.DEFAULT_CONFIG, ConfigType.DOUBLE],
    ['log.cleanup.policy', 'delete', ConfigSource.DEFAULT_CONFIG, ConfigType.LIST],
    ['offsets.topic.replication.factor', '1', ConfigSource.DEFAULT_CONFIG, ConfigType.SHORT],
    ['node.id', '0', ConfigSource.DEFAULT_CONFIG, ConfigType.INT],
  ])('%s', (name, value, source, type) => {
    expect(get(name)).toMatchObject({ name, value, source, type, sensitive: false, readOnly: true });
  });

  it('names sources', () => {
    expect(configSourceName(ConfigSource.TOPIC_CONFIG)).toBe('TOPIC_CONFIG');
    expect(configSourceName(ConfigSource.STATIC_BROKER_CONFIG)).toBe('STATIC_BROKER_CONFIG');
    expect(configSourceName(ConfigSource.DEFAULT_CONFIG)).toBe('DEFAULT_CONFIG');
    expect(configSourceName(99)).toBe('UNKNOWN');
  });
});
