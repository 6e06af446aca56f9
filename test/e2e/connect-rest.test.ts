/**
 * Kafka Connect's REST API on the real worker: a broker, a standalone ConnectHerder and the REST
 * server in this process, driven with plain fetch() requests as curl would send them. Status
 * codes and JSON shapes are compared with Connect's documented ones; a FileStreamSource →
 * transforms → FileStreamSink pipeline checks that the built-in SMTs run in the worker.
 */
import { appendFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectHerder } from '../../src/connect/herder-impl.ts';
import type { ConnectorInfo, ConnectorOffsets, ConnectorStateInfo, ConfigInfos, PluginInfo, TaskInfo } from '../../src/connect/herder.ts';
import { PluginRegistry } from '../../src/connect/plugins.ts';
import { startRestServer, type RestServerHandle } from '../../src/connect/rest/server.ts';
import { parseWorkerConfig } from '../../src/connect/worker-config.ts';
import { createLogger, silentLogger } from '../../src/util/logger.ts';
import { makeTempDir, startBroker, type TestBroker } from '../helpers/broker.ts';

const SOURCE_CLASS = 'org.apache.kafka.connect.file.FileStreamSourceConnector';
const SINK_CLASS = 'org.apache.kafka.connect.file.FileStreamSinkConnector';

let broker: TestBroker;
let herder: ConnectHerder;
let rest: RestServerHandle;
let dir: string;
let base: string;
let workerId: string;

interface Reply<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

/** One request, as `curl -X METHOD -H 'Content-Type: application/json' -d BODY URL`. */
async function curl<T = unknown>(method: string, path: string, body?: unknown): Promise<Reply<T>> {
  const res = await fetch(base + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text === '' ? undefined : JSON.parse(text)) as T, headers: res.headers };
}

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stateOf(name: string): Promise<ConnectorStateInfo> {
  return (await curl<ConnectorStateInfo>('GET', `/connectors/${name}/status`)).body;
}

function waitForState(name: string, state: string, tasks?: number): Promise<ConnectorStateInfo> {
  return eventually(`${name} ${state}`, async () => {
    const s = await stateOf(name);
    if (s.connector?.state !== state) return undefined;
    if (tasks !== undefined && (s.tasks.length !== tasks || s.tasks.some((t) => t.state !== state))) return undefined;
    return s;
  });
}

beforeAll(async () => {
  broker = await startBroker();
  dir = await makeTempDir('kstream-connect-rest-');
  await mkdir(join(dir, 'data'), { recursive: true });
  const config = parseWorkerConfig(
    {
      'bootstrap.servers': broker.bootstrap,
      'offset.storage.file.filename': join(dir, 'connect.offsets'),
      'offset.flush.interval.ms': '200',
      listeners: 'http://127.0.0.1:0',
    },
    { standalone: true },
  );
  const logger = process.env.KSTREAM_TEST_LOG ? createLogger({ level: 'debug' }) : silentLogger;
  const plugins = PluginRegistry.withBuiltins();
  herder = new ConnectHerder({ config, plugins, logger, version: '3.9.0-kstream', commit: 'test', startTimeoutMs: 20_000 });
  rest = await startRestServer(herder, { host: '127.0.0.1', port: 0, logger });
  workerId = `127.0.0.1:${rest.port}`;
  herder.workerId = workerId;
  base = `http://127.0.0.1:${rest.port}`;
  await herder.start();
});

afterAll(async () => {
  await rest?.close();
  await herder?.stop();
  await broker?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('Connect REST API on the worker', () => {
  it('GET / → 200 {version, commit, kafka_cluster_id}', async () => {
    const reply = await curl<Record<string, string>>('GET', '/');
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toBe('application/json');
    expect(Object.keys(reply.body).sort()).toEqual(['commit', 'kafka_cluster_id', 'version']);
    expect(reply.body.version).toBe('3.9.0-kstream');
    expect(reply.body.kafka_cluster_id).toMatch(/\S/);
  });

  it('GET /connector-plugins: connectors by default, every plugin type with connectorsOnly=false', async () => {
    const connectors = await curl<PluginInfo[]>('GET', '/connector-plugins');
    expect(connectors.status).toBe(200);
    expect(connectors.body).toEqual(expect.arrayContaining([
      { class: SINK_CLASS, type: 'sink', version: expect.any(String) },
      { class: SOURCE_CLASS, type: 'source', version: expect.any(String) },
    ]));
    expect(connectors.body.every((p) => p.type === 'source' || p.type === 'sink')).toBe(true);
    const all = await curl<PluginInfo[]>('GET', '/connector-plugins?connectorsOnly=false');
    const types = new Set(all.body.map((p) => p.type));
    expect([...types]).toEqual(expect.arrayContaining(['source', 'sink', 'converter', 'transformation', 'predicate']));
    expect(all.body).toEqual(expect.arrayContaining([
      { class: 'org.apache.kafka.connect.transforms.InsertField$Value', type: 'transformation', version: '1.0.0' },
      { class: 'org.apache.kafka.connect.transforms.predicates.TopicNameMatches', type: 'predicate', version: '1.0.0' },
    ]));
  });

  it('PUT /connector-plugins/{plugin}/config/validate: per-setting errors and error_count', async () => {
    const good = await curl<ConfigInfos>('PUT', '/connector-plugins/FileStreamSinkConnector/config/validate', { name: 'v', 'connector.class': SINK_CLASS, topics: 'x', file: join(dir, 'x.txt') });
    expect(good.status).toBe(200);
    expect(good.body.configs.filter((c) => c.value.errors.length > 0)).toEqual([]);
    expect(good.body).toMatchObject({ name: expect.any(String), error_count: 0, groups: expect.any(Array) });
    const entry = good.body.configs.find((c) => c.definition.name === 'connector.class');
    expect(entry && Object.keys(entry.definition).sort()).toEqual(['default_value', 'dependents', 'display_name', 'documentation', 'group', 'importance', 'name', 'order_in_group', 'required', 'type', 'width']);
    expect(entry && Object.keys(entry.value).sort()).toEqual(['errors', 'name', 'recommended_values', 'value', 'visible']);

    const bad = await curl<ConfigInfos>('PUT', '/connector-plugins/FileStreamSinkConnector/config/validate', { 'connector.class': SINK_CLASS, 'tasks.max': 'many', topics: 'x' });
    expect(bad.status).toBe(200);
    expect(bad.body.error_count).toBeGreaterThan(0);
    const tasksMax = bad.body.configs.find((c) => c.value.name === 'tasks.max');
    expect(tasksMax?.value.errors.length).toBeGreaterThan(0);
    expect(bad.body.error_count).toBe(bad.body.configs.reduce((n, c) => n + c.value.errors.length, 0));

    const mismatch = await curl('PUT', '/connector-plugins/FileStreamSinkConnector/config/validate', { 'connector.class': SOURCE_CLASS });
    expect(mismatch).toMatchObject({ status: 400, body: { error_code: 400, message: `Included connector type ${SOURCE_CLASS} does not match request type FileStreamSinkConnector` } });
  });

  it('a source → SMT chain → sink pipeline, and the lifecycle endpoints', async () => {
    const input = join(dir, 'data', 'in.txt');
    const output = join(dir, 'data', 'out.txt');
    await writeFile(input, 'alpha\nbeta\n');
    const sourceConfig = {
      'connector.class': 'FileStreamSource',
      'tasks.max': '1',
      file: input,
      topic: 'raw-lines',
      transforms: 'hoist,insert,route,dropBeta',
      'transforms.hoist.type': 'org.apache.kafka.connect.transforms.HoistField$Value',
      'transforms.hoist.field': 'line',
      'transforms.insert.type': 'InsertField$Value',
      'transforms.insert.static.field': 'origin',
      'transforms.insert.static.value': 'kstream',
      'transforms.insert.topic.field': 'source_topic',
      'transforms.route.type': 'org.apache.kafka.connect.transforms.RegexRouter',
      'transforms.route.regex': 'raw-(.*)',
      'transforms.route.replacement': 'clean-$1',
      'transforms.dropBeta.type': 'org.apache.kafka.connect.transforms.Filter',
      'transforms.dropBeta.predicate': 'isBeta',
      'predicates': 'isBeta',
      'predicates.isBeta.type': 'org.apache.kafka.connect.transforms.predicates.TopicNameMatches',
      'predicates.isBeta.pattern': 'never-.*',
    };

    // POST /connectors → 201, Location, ConnectorInfo
    const created = await curl<ConnectorInfo>('POST', '/connectors', { name: 'lines-in', config: sourceConfig });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`${base}/connectors/lines-in`);
    expect(created.body).toEqual({ name: 'lines-in', config: { ...sourceConfig, name: 'lines-in' }, tasks: expect.any(Array), type: 'source' });

    // POST again → 409
    expect(await curl('POST', '/connectors', { name: 'lines-in', config: sourceConfig })).toMatchObject({ status: 409, body: { error_code: 409, message: 'Connector lines-in already exists' } });

    // PUT /connectors/{name}/config for a new connector → 201
    const sinkConfig = { 'connector.class': 'FileStreamSink', 'tasks.max': '1', topics: 'clean-lines', file: output, 'value.converter': 'org.apache.kafka.connect.json.JsonConverter' };
    const sink = await curl<ConnectorInfo>('PUT', '/connectors/lines-out/config', sinkConfig);
    expect(sink.status).toBe(201);
    expect(sink.body).toMatchObject({ name: 'lines-out', type: 'sink', config: { ...sinkConfig, name: 'lines-out' } });

    await waitForState('lines-in', 'RUNNING', 1);
    await waitForState('lines-out', 'RUNNING', 1);
    const text = await eventually('the sink output', async () => {
      const content = await readFile(output, 'utf8').catch(() => '');
      return content.split('\n').filter((l) => l !== '').length >= 2 ? content : undefined;
    }, 30_000);
    const lines = text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as unknown);
    expect(lines).toEqual([
      { line: 'alpha', origin: 'kstream', source_topic: 'raw-lines' },
      { line: 'beta', origin: 'kstream', source_topic: 'raw-lines' },
    ]);

    // GET /connectors, with ?expand=status and ?expand=info
    expect(await curl('GET', '/connectors')).toMatchObject({ status: 200, body: ['lines-in', 'lines-out'] });
    const expanded = await curl<Record<string, { status: ConnectorStateInfo; info: ConnectorInfo }>>('GET', '/connectors?expand=status&expand=info');
    expect(expanded.status).toBe(200);
    expect(Object.keys(expanded.body).sort()).toEqual(['lines-in', 'lines-out']);
    expect(expanded.body['lines-in'].status).toEqual({ name: 'lines-in', connector: { state: 'RUNNING', worker_id: workerId }, tasks: [{ id: 0, state: 'RUNNING', worker_id: workerId }], type: 'source' });
    expect(expanded.body['lines-out'].info).toEqual({ name: 'lines-out', config: { ...sinkConfig, name: 'lines-out' }, tasks: [{ connector: 'lines-out', task: 0 }], type: 'sink' });
    const statusOnly = await curl<Record<string, object>>('GET', '/connectors?expand=status');
    expect(Object.keys(statusOnly.body['lines-in'])).toEqual(['status']);

    // GET /connectors/{name}, /config, /tasks, /tasks/{id}/status
    expect(await curl('GET', '/connectors/lines-in')).toMatchObject({ status: 200, body: { name: 'lines-in', type: 'source', tasks: [{ connector: 'lines-in', task: 0 }] } });
    expect(await curl('GET', '/connectors/lines-in/config')).toMatchObject({ status: 200, body: { ...sourceConfig, name: 'lines-in' } });
    const tasks = await curl<TaskInfo[]>('GET', '/connectors/lines-in/tasks');
    expect(tasks.status).toBe(200);
    expect(tasks.body.map((t) => t.id)).toEqual([{ connector: 'lines-in', task: 0 }]);
    expect(typeof tasks.body[0].config).toBe('object');
    expect(await curl('GET', '/connectors/lines-in/tasks/0/status')).toMatchObject({ status: 200, body: { id: 0, state: 'RUNNING', worker_id: workerId } });
    expect(await curl('GET', '/connectors/lines-in/tasks/5/status')).toMatchObject({ status: 404, body: { error_code: 404 } });

    // PUT config of an existing connector → 200; PATCH → 200
    const updated = await curl<ConnectorInfo>('PUT', '/connectors/lines-out/config', { ...sinkConfig, 'tasks.max': '1' });
    expect(updated.status).toBe(200);
    const patched = await curl<ConnectorInfo>('PATCH', '/connectors/lines-out/config', { 'errors.tolerance': 'all' });
    expect(patched.status).toBe(200);
    expect(patched.body.config['errors.tolerance']).toBe('all');
    await waitForState('lines-out', 'RUNNING', 1);

    // pause/resume → 202; stop → 204
    expect(await curl('PUT', '/connectors/lines-out/pause')).toMatchObject({ status: 202, body: undefined });
    await waitForState('lines-out', 'PAUSED', 1);
    expect(await curl('PUT', '/connectors/lines-out/resume')).toMatchObject({ status: 202, body: undefined });
    await waitForState('lines-out', 'RUNNING', 1);

    // restart → 204; with includeTasks → 202 and the states
    expect(await curl('POST', '/connectors/lines-out/restart')).toMatchObject({ status: 204, body: undefined });
    const restarted = await curl<ConnectorStateInfo>('POST', '/connectors/lines-out/restart?includeTasks=true&onlyFailed=false');
    expect(restarted.status).toBe(202);
    expect(restarted.body).toMatchObject({ name: 'lines-out', connector: { state: 'RESTARTING', worker_id: workerId }, tasks: [{ id: 0, state: 'RESTARTING' }], type: 'sink' });
    await waitForState('lines-out', 'RUNNING', 1);
    expect(await curl('POST', '/connectors/lines-out/tasks/0/restart')).toMatchObject({ status: 204 });
    await waitForState('lines-out', 'RUNNING', 1);

    // More input still flows after all that.
    await appendFile(input, 'gamma\n');
    await eventually('gamma in the output', async () => ((await readFile(output, 'utf8')).includes('"gamma"') ? true : undefined), 30_000);
  });

  it('offsets: GET, then PATCH and DELETE once the connector is STOPPED', async () => {
    const offsets = await eventually('source offsets', async () => {
      const reply = await curl<ConnectorOffsets>('GET', '/connectors/lines-in/offsets');
      expect(reply.status).toBe(200);
      return reply.body.offsets.length > 0 ? reply.body : undefined;
    });
    expect(offsets.offsets).toEqual([{ partition: { filename: join(dir, 'data', 'in.txt') }, offset: { position: expect.any(Number) } }]);

    const change = { offsets: [{ partition: { filename: join(dir, 'data', 'in.txt') }, offset: { position: 0 } }] };
    const running = await curl<{ error_code: number; message: string }>('PATCH', '/connectors/lines-in/offsets', change);
    expect(running.status).toBe(400);
    expect(running.body.message).toMatch(/STOPPED/);

    expect(await curl('PUT', '/connectors/lines-in/stop')).toMatchObject({ status: 204, body: undefined });
    const stopped = await waitForState('lines-in', 'STOPPED');
    expect(stopped.tasks).toEqual([]);
    expect((await curl<ConnectorInfo>('GET', '/connectors/lines-in')).body.tasks).toEqual([]);

    expect(await curl('PATCH', '/connectors/lines-in/offsets', change)).toMatchObject({ status: 200, body: { message: expect.stringMatching(/altered successfully/) } });
    expect((await curl<ConnectorOffsets>('GET', '/connectors/lines-in/offsets')).body).toEqual(change);
    expect(await curl('PATCH', '/connectors/lines-in/offsets', { offsets: [] })).toMatchObject({ status: 400, body: { error_code: 400 } });
    expect(await curl('DELETE', '/connectors/lines-in/offsets')).toMatchObject({ status: 200, body: { message: expect.stringMatching(/reset successfully/) } });
    expect((await curl<ConnectorOffsets>('GET', '/connectors/lines-in/offsets')).body).toEqual({ offsets: [] });

    expect(await curl('PUT', '/connectors/lines-in/resume')).toMatchObject({ status: 202 });
    await waitForState('lines-in', 'RUNNING', 1);
  });

  it('DELETE /connectors/{name} → 204, then 404 everywhere', async () => {
    expect(await curl('DELETE', '/connectors/lines-out')).toMatchObject({ status: 204, body: undefined });
    for (const path of ['/connectors/lines-out', '/connectors/lines-out/config', '/connectors/lines-out/tasks']) {
      expect(await curl('GET', path)).toMatchObject({ status: 404, body: { error_code: 404, message: 'Connector lines-out not found' } });
    }
    expect(await curl('GET', '/connectors/lines-out/status')).toMatchObject({ status: 404, body: { error_code: 404 } });
    expect(await curl('DELETE', '/connectors/lines-out')).toMatchObject({ status: 404, body: { error_code: 404, message: 'Connector lines-out not found' } });
    expect((await curl('GET', '/connectors')).body).toEqual(['lines-in']);
  });

  it.each([
    { name: 'bad JSON', method: 'POST', path: '/connectors', body: '{"name":', status: 400 },
    { name: 'an invalid config', method: 'POST', path: '/connectors', body: { name: 'bad', config: { 'connector.class': 'FileStreamSink' } }, status: 400 },
    { name: 'an unknown connector class', method: 'POST', path: '/connectors', body: { name: 'bad', config: { 'connector.class': 'NoSuchConnector' } }, status: 400 },
    { name: 'a config name mismatch', method: 'PUT', path: '/connectors/a/config', body: { name: 'b', 'connector.class': 'FileStreamSink' }, status: 400 },
    { name: 'an unknown route', method: 'GET', path: '/connectorz', body: undefined, status: 404 },
    { name: 'a wrong method', method: 'POST', path: '/connectors/lines-in/status', body: undefined, status: 405 },
  ])('errors: $name → $status {error_code, message}', async ({ method, path, body, status }) => {
    const reply = await curl<{ error_code: number; message: string }>(method, path, body);
    expect(reply.status).toBe(status);
    expect(Object.keys(reply.body)).toEqual(['error_code', 'message']);
    expect(reply.body.error_code).toBe(status);
    expect(reply.body.message).toMatch(/\S/);
  });
});
