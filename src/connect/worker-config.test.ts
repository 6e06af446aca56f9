import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConnectorFile, loadWorkerConfig, parseListener, parseWorkerConfig, type WorkerConfig } from './worker-config.ts';

describe('worker config', () => {
  it('has Connect defaults', () => {
    const c = parseWorkerConfig({});
    expect(c).toMatchObject({
      mode: 'distributed',
      bootstrapServers: ['127.0.0.1:9092'],
      groupId: 'connect-cluster',
      keyConverter: { className: 'org.apache.kafka.connect.json.JsonConverter', props: {} },
      offsetStorageTopic: 'connect-offsets',
      offsetStoragePartitions: 25,
      configStorageTopic: 'connect-configs',
      statusStorageTopic: 'connect-status',
      statusStoragePartitions: 5,
      offsetFlushIntervalMs: 60000,
      listeners: [{ protocol: 'http', host: '127.0.0.1', port: 8083 }],
      pluginPath: [],
      unknownKeys: [],
    } satisfies Partial<WorkerConfig>);
  });

  const cases: { name: string; raw: Record<string, string>; standalone?: boolean; expected: Partial<WorkerConfig> }[] = [
    { name: 'standalone by offsets file', raw: { 'offset.storage.file.filename': '/tmp/o' }, expected: { mode: 'standalone', offsetStorageFile: '/tmp/o' } },
    { name: '--standalone without a file', raw: {}, standalone: true, expected: { mode: 'standalone', offsetStorageFile: 'connect.offsets' } },
    { name: 'bootstrap list with protocol prefix', raw: { 'bootstrap.servers': 'PLAINTEXT://a:1, b:2' }, expected: { bootstrapServers: ['a:1', 'b:2'] } },
    {
      name: 'converters with their settings',
      raw: { 'key.converter': 'org.apache.kafka.connect.storage.StringConverter', 'value.converter.schemas.enable': 'false' },
      expected: { keyConverter: { className: 'org.apache.kafka.connect.storage.StringConverter', props: {} }, valueConverter: { className: 'org.apache.kafka.connect.json.JsonConverter', props: { 'schemas.enable': 'false' } } },
    },
    { name: 'topics and sizes', raw: { 'offset.storage.topic': 'o', 'config.storage.topic': 'c', 'status.storage.topic': 's', 'offset.storage.partitions': '3', 'status.storage.replication.factor': '1' }, expected: { offsetStorageTopic: 'o', configStorageTopic: 'c', statusStorageTopic: 's', offsetStoragePartitions: 3, statusStorageReplicationFactor: 1 } },
    { name: 'flush interval', raw: { 'offset.flush.interval.ms': '500' }, expected: { offsetFlushIntervalMs: 500 } },
    { name: 'listeners and advertised name', raw: { listeners: 'http://0.0.0.0:0', 'rest.advertised.host.name': 'w1', 'rest.advertised.port': '9000' }, expected: { listeners: [{ protocol: 'http', host: '0.0.0.0', port: 0 }], restAdvertisedHostName: 'w1', restAdvertisedPort: 9000 } },
    { name: 'plugin.path list', raw: { 'plugin.path': '/a, /b ,' }, expected: { pluginPath: ['/a', '/b'] } },
    { name: 'client settings', raw: { 'request.timeout.ms': '1234', 'client.id': 'w' }, expected: { clientId: 'w' } },
    { name: 'unknown keys reported', raw: { 'no.such.key': '1', 'producer.linger.ms': '5', 'session.timeout.ms': '10000' }, expected: { unknownKeys: ['no.such.key'] } },
  ];
  it.each(cases)('$name', ({ raw, standalone, expected }) => {
    expect(parseWorkerConfig(raw, { standalone })).toMatchObject(expected);
  });

  it('maps client settings onto the clients', () => {
    expect(parseWorkerConfig({ 'request.timeout.ms': '1234' }).clientOptions.timeout).toBe(1234);
  });

  it.each([
    [{ 'offset.flush.interval.ms': 'soon' }, /offset.flush.interval.ms/],
    [{ 'offset.storage.partitions': '0' }, />= 1/],
    [{ listeners: 'https://127.0.0.1:8443' }, /only http/],
    [{ listeners: 'localhost' }, /protocol:\/\/host:port/],
    [{ 'bootstrap.servers': 'nohostport' }, /host:port/],
    [{ retries: 'x' }, /whole number/],
  ])('rejects %j', (raw, message) => {
    expect(() => parseWorkerConfig(raw)).toThrow(message);
  });

  it('parses IPv6 listeners', () => {
    expect(parseListener('http://[::1]:8083')).toEqual({ protocol: 'http', host: '::1', port: 8083 });
    expect(parseListener('HTTP://:8083')).toEqual({ protocol: 'http', host: '0.0.0.0', port: 8083 });
  });

  it('loads properties and connector files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kstream-wc-'));
    try {
      await writeFile(join(dir, 'worker.properties'), '# comment\nbootstrap.servers=h:1\ngroup.id = g\n');
      expect(loadWorkerConfig({ file: join(dir, 'worker.properties'), overrides: { 'group.id': 'g2' } })).toMatchObject({ bootstrapServers: ['h:1'], groupId: 'g2' });
      await writeFile(join(dir, 'c.properties'), 'name=src\nconnector.class=FileStreamSource\ntopic=t\n');
      expect(loadConnectorFile(join(dir, 'c.properties'))).toEqual({ name: 'src', 'connector.class': 'FileStreamSource', topic: 't' });
      await writeFile(join(dir, 'c.json'), JSON.stringify({ name: 'snk', config: { 'connector.class': 'FileStreamSink', 'tasks.max': 2 } }));
      expect(loadConnectorFile(join(dir, 'c.json'))).toEqual({ name: 'snk', 'connector.class': 'FileStreamSink', 'tasks.max': '2' });
      expect(() => loadWorkerConfig({ file: join(dir, 'missing') })).toThrow(/cannot read/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
