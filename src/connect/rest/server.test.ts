/**
 * The REST layer against a small in-memory Herder: routing, status codes, JSON shapes and error
 * mapping, as Kafka Connect answers them. (test/e2e/connect-rest.test.ts runs the same API on
 * the real worker.)
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../util/logger.ts';
import {
  ConnectRestError,
  type ConfigInfos,
  type ConnectorInfo,
  type ConnectorOffsets,
  type ConnectorStateInfo,
  type Herder,
  type PluginInfo,
  type RestartRequest,
  type StateInfo,
  type TaskInfo,
} from '../herder.ts';
import { MAX_BODY_BYTES, startRestServer, type RestServerHandle } from './server.ts';

interface Entry {
  config: Record<string, string>;
  state: 'RUNNING' | 'PAUSED' | 'STOPPED' | 'FAILED';
  taskStates: ('RUNNING' | 'FAILED')[];
  offsets: ConnectorOffsets;
}

const WORKER = '127.0.0.1:8083';
const PLUGINS: PluginInfo[] = [
  { class: 'org.apache.kafka.connect.file.FileStreamSinkConnector', type: 'sink', version: '1.0.0' },
  { class: 'org.apache.kafka.connect.file.FileStreamSourceConnector', type: 'source', version: '1.0.0' },
  { class: 'org.apache.kafka.connect.transforms.Filter', type: 'transformation', version: '1.0.0' },
];

/** Enough Herder to answer every route the way the runtime's does. */
class MemoryHerder implements Herder {
  readonly connectorsByName = new Map<string, Entry>();
  readonly calls: string[] = [];
  hang = false;

  #get(name: string): Entry {
    const e = this.connectorsByName.get(name);
    if (!e) throw new ConnectRestError(404, `Connector ${name} not found`);
    return e;
  }

  serverInfo() {
    return { version: '3.9.0-kstream', commit: 'abc123', kafka_cluster_id: 'cluster-1' };
  }
  connectors(): string[] {
    return [...this.connectorsByName.keys()].sort();
  }
  connectorInfo(name: string): ConnectorInfo {
    const e = this.#get(name);
    const tasks = e.state === 'STOPPED' ? [] : e.taskStates.map((_, task) => ({ connector: name, task }));
    return { name, config: e.config, tasks, type: e.config['connector.class']?.includes('Sink') ? 'sink' : 'source' };
  }
  connectorConfig(name: string): Record<string, string> {
    return this.#get(name).config;
  }
  connectorStatus(name: string): ConnectorStateInfo {
    const e = this.#get(name);
    return {
      name,
      connector: { state: e.state, worker_id: WORKER },
      tasks: e.taskStates.map((state, id) => ({ id, state, worker_id: WORKER, ...(state === 'FAILED' ? { trace: 'Error: boom\n    at x' } : {}) })),
      type: this.connectorInfo(name).type,
    };
  }
  async putConnectorConfig(name: string, config: Record<string, string>, allowReplace: boolean): Promise<{ created: boolean; info: ConnectorInfo }> {
    if (this.hang) await new Promise(() => {});
    const existing = this.connectorsByName.get(name);
    if (existing && !allowReplace) throw new ConnectRestError(409, `Connector ${name} already exists`);
    if (!config['connector.class']) throw new ConnectRestError(400, 'Connector configuration is invalid and contains the following 1 error(s):\nMissing required configuration "connector.class" which has no default value.');
    const tasks = Number(config['tasks.max'] ?? '1');
    if (existing) existing.config = config;
    else this.connectorsByName.set(name, { config, state: 'RUNNING', taskStates: Array.from({ length: tasks }, () => 'RUNNING'), offsets: { offsets: [] } });
    return { created: !existing, info: this.connectorInfo(name) };
  }
  async patchConnectorConfig(name: string, patch: Record<string, string | null>): Promise<ConnectorInfo> {
    const e = this.#get(name);
    const next = { ...e.config };
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) delete next[k];
      else next[k] = v;
    }
    e.config = next;
    return this.connectorInfo(name);
  }
  async deleteConnector(name: string): Promise<void> {
    this.#get(name);
    this.connectorsByName.delete(name);
  }
  async restartConnector(name: string, request: RestartRequest): Promise<ConnectorStateInfo | null> {
    const e = this.#get(name);
    this.calls.push(`restart ${name} ${JSON.stringify(request)}`);
    if (!request.includeTasks && !request.onlyFailed) return null;
    const status = this.connectorStatus(name);
    status.connector.state = 'RESTARTING';
    status.tasks = status.tasks.map((t) => (request.includeTasks && (!request.onlyFailed || e.taskStates[t.id] === 'FAILED') ? { ...t, state: 'RESTARTING' } : t));
    return status;
  }
  async pauseConnector(name: string): Promise<void> {
    this.#get(name).state = 'PAUSED';
  }
  async resumeConnector(name: string): Promise<void> {
    this.#get(name).state = 'RUNNING';
  }
  async stopConnector(name: string): Promise<void> {
    this.#get(name).state = 'STOPPED';
  }
  taskConfigs(name: string): TaskInfo[] {
    const e = this.#get(name);
    return e.taskStates.map((_, task) => ({ id: { connector: name, task }, config: { ...e.config, 'task.class': 'X' } }));
  }
  taskStatus(name: string, task: number): StateInfo & { id: number } {
    const status = this.connectorStatus(name).tasks.find((t) => t.id === task);
    if (!status) throw new ConnectRestError(404, `No status found for task ${name}-${task}`);
    return status;
  }
  async restartTask(name: string, task: number): Promise<void> {
    this.taskStatus(name, task);
    this.calls.push(`restart-task ${name} ${task}`);
  }
  async connectorOffsets(name: string): Promise<ConnectorOffsets> {
    return this.#get(name).offsets;
  }
  async alterConnectorOffsets(name: string, offsets: ConnectorOffsets): Promise<{ message: string }> {
    const e = this.#get(name);
    if (e.state !== 'STOPPED') throw new ConnectRestError(400, `Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/${name}/stop' endpoint`);
    e.offsets = offsets;
    return { message: 'The offsets for this connector have been altered successfully' };
  }
  async resetConnectorOffsets(name: string): Promise<{ message: string }> {
    const e = this.#get(name);
    if (e.state !== 'STOPPED') throw new ConnectRestError(400, 'Connectors must be in the STOPPED state before their offsets can be modified.');
    e.offsets = { offsets: [] };
    return { message: 'The offsets for this connector have been reset successfully' };
  }
  plugins(connectorsOnly: boolean): PluginInfo[] {
    return connectorsOnly ? PLUGINS.filter((p) => p.type === 'source' || p.type === 'sink') : PLUGINS;
  }
  async validateConfig(pluginClass: string, config: Record<string, string>): Promise<ConfigInfos> {
    if (!PLUGINS.some((p) => p.class === pluginClass || p.class.endsWith(`.${pluginClass}`))) throw new ConnectRestError(404, `Unknown plugin ${pluginClass}`);
    const fileErrors = config.file === undefined ? ['Missing required configuration "file" which has no default value.'] : [];
    const def = (name: string) => ({ name, type: 'STRING', required: true, default_value: null, importance: 'HIGH', documentation: name, group: null, order_in_group: -1, width: 'NONE', display_name: name, dependents: [] });
    return {
      name: pluginClass,
      error_count: fileErrors.length,
      groups: ['Common'],
      configs: [
        { definition: def('connector.class'), value: { name: 'connector.class', value: config['connector.class'] ?? null, recommended_values: [], errors: [], visible: true } },
        { definition: def('file'), value: { name: 'file', value: config.file ?? null, recommended_values: [], errors: fileErrors, visible: true } },
      ],
    };
  }
}

let herder: MemoryHerder;
let server: RestServerHandle;
let base: string;

beforeAll(async () => {
  herder = new MemoryHerder();
  server = await startRestServer(herder, { host: '127.0.0.1', port: 0, logger: silentLogger });
  base = `http://127.0.0.1:${server.port}`;
});

afterAll(async () => {
  await server.close();
});

interface Reply {
  status: number;
  body: unknown;
  headers: Headers;
}

async function call(method: string, path: string, body?: unknown, raw?: string): Promise<Reply> {
  const res = await fetch(base + path, {
    method,
    headers: body !== undefined || raw !== undefined ? { 'content-type': 'application/json' } : {},
    body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : (JSON.parse(text) as unknown), headers: res.headers };
}

const FILE_SINK = { 'connector.class': 'FileStreamSink', 'tasks.max': '2', file: '/tmp/out.txt', topics: 'in' };

describe('Connect REST API (in-memory Herder)', () => {
  it('GET / → version, commit and cluster id', async () => {
    expect(await call('GET', '/')).toMatchObject({ status: 200, body: { version: '3.9.0-kstream', commit: 'abc123', kafka_cluster_id: 'cluster-1' } });
  });

  it('connector lifecycle: create, read, list, update, delete', async () => {
    const created = await call('POST', '/connectors', { name: 'sink-a', config: FILE_SINK });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`${base}/connectors/sink-a`);
    expect(created.headers.get('content-type')).toBe('application/json');
    expect(created.body).toEqual({
      name: 'sink-a',
      config: { ...FILE_SINK, name: 'sink-a' },
      tasks: [{ connector: 'sink-a', task: 0 }, { connector: 'sink-a', task: 1 }],
      type: 'sink',
    });

    expect(await call('POST', '/connectors', { name: 'sink-a', config: FILE_SINK })).toMatchObject({ status: 409, body: { error_code: 409, message: 'Connector sink-a already exists' } });
    expect((await call('GET', '/connectors/sink-a')).body).toEqual(created.body);
    expect(await call('GET', '/connectors')).toMatchObject({ status: 200, body: ['sink-a'] });
    expect(await call('GET', '/connectors/sink-a/config')).toMatchObject({ status: 200, body: { ...FILE_SINK, name: 'sink-a' } });

    // PUT: 200 for an update, 201 (and Location) for a new connector.
    const updated = await call('PUT', '/connectors/sink-a/config', { ...FILE_SINK, topics: 'in2' });
    expect(updated.status).toBe(200);
    expect(updated.headers.get('location')).toBeNull();
    expect((updated.body as ConnectorInfo).config.topics).toBe('in2');
    const put = await call('PUT', '/connectors/sink-b/config', { 'connector.class': 'FileStreamSink', file: '/tmp/b', topics: 'in' });
    expect(put.status).toBe(201);
    expect(put.headers.get('location')).toBe(`${base}/connectors/sink-b`);
    expect((put.body as ConnectorInfo).config.name).toBe('sink-b');

    // PATCH: null removes a key.
    const patched = await call('PATCH', '/connectors/sink-b/config', { topics: 'other', file: null, 'tasks.max': 3 });
    expect(patched.status).toBe(200);
    expect((patched.body as ConnectorInfo).config).toEqual({ 'connector.class': 'FileStreamSink', topics: 'other', name: 'sink-b', 'tasks.max': '3' });

    expect(await call('DELETE', '/connectors/sink-b')).toMatchObject({ status: 204, body: undefined });
    expect(await call('GET', '/connectors/sink-b')).toMatchObject({ status: 404, body: { error_code: 404, message: 'Connector sink-b not found' } });
    expect(await call('DELETE', '/connectors/sink-b')).toMatchObject({ status: 404, body: { error_code: 404, message: 'Connector sink-b not found' } });
  });

  it('GET /connectors?expand=status&expand=info', async () => {
    await call('PUT', '/connectors/exp/config', FILE_SINK);
    const both = await call('GET', '/connectors?expand=status&expand=info');
    expect(both.status).toBe(200);
    const entry = (both.body as Record<string, { status: ConnectorStateInfo; info: ConnectorInfo }>).exp;
    expect(entry.status).toEqual(herder.connectorStatus('exp'));
    expect(entry.info).toEqual(herder.connectorInfo('exp'));
    const statusOnly = (await call('GET', '/connectors?expand=status')).body as Record<string, object>;
    expect(Object.keys(statusOnly.exp)).toEqual(['status']);
    const infoOnly = (await call('GET', '/connectors?expand=info')).body as Record<string, object>;
    expect(Object.keys(infoOnly.exp)).toEqual(['info']);
    await call('DELETE', '/connectors/exp');
  });

  it('status, tasks, task status', async () => {
    await call('PUT', '/connectors/st/config', FILE_SINK);
    herder.connectorsByName.get('st')!.taskStates[1] = 'FAILED';
    expect(await call('GET', '/connectors/st/status')).toMatchObject({
      status: 200,
      body: {
        name: 'st',
        connector: { state: 'RUNNING', worker_id: WORKER },
        tasks: [{ id: 0, state: 'RUNNING', worker_id: WORKER }, { id: 1, state: 'FAILED', worker_id: WORKER, trace: 'Error: boom\n    at x' }],
        type: 'sink',
      },
    });
    const tasks = await call('GET', '/connectors/st/tasks');
    expect(tasks.status).toBe(200);
    expect((tasks.body as TaskInfo[]).map((t) => t.id)).toEqual([{ connector: 'st', task: 0 }, { connector: 'st', task: 1 }]);
    expect(await call('GET', '/connectors/st/tasks/1/status')).toMatchObject({ status: 200, body: { id: 1, state: 'FAILED', worker_id: WORKER } });
    expect(await call('GET', '/connectors/st/tasks/7/status')).toMatchObject({ status: 404, body: { error_code: 404, message: 'No status found for task st-7' } });
    expect(await call('GET', '/connectors/st/tasks/x/status')).toMatchObject({ status: 404, body: { error_code: 404 } });
    expect(await call('POST', '/connectors/st/tasks/1/restart')).toMatchObject({ status: 204, body: undefined });
    expect(herder.calls).toContain('restart-task st 1');
    await call('DELETE', '/connectors/st');
  });

  it('restart: 204 plain, 202 with the states when tasks are included or only failed ones', async () => {
    await call('PUT', '/connectors/rs/config', FILE_SINK);
    expect(await call('POST', '/connectors/rs/restart')).toMatchObject({ status: 204, body: undefined });
    expect(await call('POST', '/connectors/rs/restart?includeTasks=false&onlyFailed=false')).toMatchObject({ status: 204 });
    const withTasks = await call('POST', '/connectors/rs/restart?includeTasks=true');
    expect(withTasks.status).toBe(202);
    expect(withTasks.body).toMatchObject({ name: 'rs', connector: { state: 'RESTARTING' }, tasks: [{ id: 0, state: 'RESTARTING' }, { id: 1, state: 'RESTARTING' }] });
    expect((await call('POST', '/connectors/rs/restart?onlyFailed=TRUE')).status).toBe(202);
    expect(herder.calls.slice(-4)).toEqual([
      'restart rs {"includeTasks":false,"onlyFailed":false}',
      'restart rs {"includeTasks":false,"onlyFailed":false}',
      'restart rs {"includeTasks":true,"onlyFailed":false}',
      'restart rs {"includeTasks":false,"onlyFailed":true}',
    ]);
    expect(await call('POST', '/connectors/nope/restart')).toMatchObject({ status: 404, body: { error_code: 404, message: 'Connector nope not found' } });
    await call('DELETE', '/connectors/rs');
  });

  it('pause and resume → 202, stop → 204', async () => {
    await call('PUT', '/connectors/pr/config', FILE_SINK);
    expect(await call('PUT', '/connectors/pr/pause')).toMatchObject({ status: 202, body: undefined });
    expect((await call('GET', '/connectors/pr/status')).body).toMatchObject({ connector: { state: 'PAUSED' } });
    expect(await call('PUT', '/connectors/pr/resume')).toMatchObject({ status: 202, body: undefined });
    expect(await call('PUT', '/connectors/pr/stop')).toMatchObject({ status: 204, body: undefined });
    expect((await call('GET', '/connectors/pr/status')).body).toMatchObject({ connector: { state: 'STOPPED' } });
    expect(await call('PUT', '/connectors/nope/pause')).toMatchObject({ status: 404 });
    await call('DELETE', '/connectors/pr');
  });

  it('initial_state on create', async () => {
    expect((await call('POST', '/connectors', { name: 'is', config: FILE_SINK, initial_state: 'STOPPED' })).status).toBe(201);
    expect((await call('GET', '/connectors/is/status')).body).toMatchObject({ connector: { state: 'STOPPED' } });
    expect(await call('POST', '/connectors', { name: 'is2', config: FILE_SINK, initial_state: 'SLEEPING' })).toMatchObject({
      status: 400,
      body: { error_code: 400, message: 'Invalid initial state SLEEPING, must be one of RUNNING, PAUSED, STOPPED' },
    });
    await call('DELETE', '/connectors/is');
  });

  it('offsets: GET, PATCH and DELETE (the connector must be stopped)', async () => {
    await call('PUT', '/connectors/off/config', { ...FILE_SINK, 'connector.class': 'FileStreamSource' });
    expect(await call('GET', '/connectors/off/offsets')).toMatchObject({ status: 200, body: { offsets: [] } });
    const offsets = { offsets: [{ partition: { filename: '/tmp/in.txt' }, offset: { position: 42 } }] };
    expect(await call('PATCH', '/connectors/off/offsets', offsets)).toMatchObject({ status: 400, body: { error_code: 400 } });
    await call('PUT', '/connectors/off/stop');
    expect(await call('PATCH', '/connectors/off/offsets', offsets)).toMatchObject({ status: 200, body: { message: 'The offsets for this connector have been altered successfully' } });
    expect((await call('GET', '/connectors/off/offsets')).body).toEqual(offsets);
    expect(await call('PATCH', '/connectors/off/offsets', { offsets: [] })).toMatchObject({ status: 400, body: { message: 'Partitions / offsets need to be provided for an alter offsets request' } });
    expect(await call('PATCH', '/connectors/off/offsets', { offsets: [{ partition: 'x', offset: null }] })).toMatchObject({ status: 400, body: { message: 'offsets[0].partition must be a JSON object' } });
    expect(await call('DELETE', '/connectors/off/offsets')).toMatchObject({ status: 200, body: { message: 'The offsets for this connector have been reset successfully' } });
    await call('DELETE', '/connectors/off');
  });

  it('connector plugins and validation', async () => {
    expect(await call('GET', '/connector-plugins')).toMatchObject({ status: 200, body: PLUGINS.slice(0, 2) });
    expect((await call('GET', '/connector-plugins?connectorsOnly=false')).body).toEqual(PLUGINS);
    const ok = await call('PUT', '/connector-plugins/FileStreamSinkConnector/config/validate', { 'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector', file: '/tmp/x', topics: 't' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ name: 'FileStreamSinkConnector', error_count: 0, groups: ['Common'] });
    const bad = await call('PUT', '/connector-plugins/FileStreamSinkConnector/config/validate', { topics: 't' });
    expect(bad.body).toMatchObject({ error_count: 1, configs: [{ value: { name: 'connector.class', value: 'FileStreamSinkConnector' } }, { value: { name: 'file', errors: ['Missing required configuration "file" which has no default value.'] } }] });
    expect(await call('PUT', '/connector-plugins/FileStreamSinkConnector/config/validate', { 'connector.class': 'FileStreamSource' })).toMatchObject({
      status: 400,
      body: { error_code: 400, message: 'Included connector type FileStreamSource does not match request type FileStreamSinkConnector' },
    });
    expect(await call('PUT', '/connector-plugins/Nope/config/validate', {})).toMatchObject({ status: 404, body: { error_code: 404, message: 'Unknown plugin Nope' } });
    const defs = await call('GET', '/connector-plugins/FileStreamSinkConnector/config');
    expect(defs.status).toBe(200);
    expect((defs.body as { name: string }[]).map((d) => d.name)).toEqual(['connector.class', 'file']);
  });

  it.each([
    { name: 'malformed JSON', method: 'POST', path: '/connectors', raw: '{"name": ', status: 400, message: /^Malformed JSON in the request body/ },
    { name: 'a missing body', method: 'POST', path: '/connectors', raw: '', status: 400, message: /^Request body is missing/ },
    { name: 'a body that is not an object', method: 'POST', path: '/connectors', raw: '[1]', status: 400, message: /^Request body must be/ },
    { name: 'no name', method: 'POST', path: '/connectors', raw: '{"config": {}}', status: 400, message: /^Connector name is missing/ },
    { name: 'no config', method: 'POST', path: '/connectors', raw: '{"name": "x"}', status: 400, message: /^Connector config is missing/ },
    { name: 'a non-string config value', method: 'POST', path: '/connectors', raw: '{"name": "x", "config": {"a": {"b": 1}}}', status: 400, message: /the value of "a" must be a string, found object/ },
    { name: 'a name mismatch', method: 'PUT', path: '/connectors/x/config', raw: '{"name": "y", "connector.class": "C"}', status: 400, message: /^Connector name configuration \(y\) doesn't match connector name in the URL \(x\)$/ },
    { name: 'bad config reported by the Herder', method: 'POST', path: '/connectors', raw: '{"name": "x", "config": {}}', status: 400, message: /Missing required configuration "connector.class"/ },
    { name: 'an unknown path', method: 'GET', path: '/nope', raw: undefined, status: 404, message: /^HTTP 404 Not Found$/ },
    { name: 'an unknown sub-resource', method: 'GET', path: '/connectors/x/nope', raw: undefined, status: 404, message: /^HTTP 404 Not Found$/ },
    { name: 'a wrong method', method: 'DELETE', path: '/connectors', raw: undefined, status: 405, message: /^HTTP 405 Method Not Allowed$/ },
    { name: 'a wrong method on a sub-resource', method: 'GET', path: '/connectors/x/pause', raw: undefined, status: 405, message: /^HTTP 405 Method Not Allowed$/ },
  ])('errors: $name → $status', async ({ method, path, raw, status, message }) => {
    const reply = await call(method, path, undefined, raw);
    expect(reply.status).toBe(status);
    expect(reply.headers.get('content-type')).toBe('application/json');
    const body = reply.body as { error_code: number; message: string };
    expect(Object.keys(body)).toEqual(['error_code', 'message']);
    expect(body.error_code).toBe(status);
    expect(body.message).toMatch(message);
  });

  it('405 lists the allowed methods', async () => {
    const reply = await call('POST', '/connectors/x/config');
    expect(reply.headers.get('allow')).toBe('GET, HEAD, OPTIONS, PATCH, PUT');
  });

  it('HEAD and OPTIONS', async () => {
    await call('PUT', '/connectors/h/config', FILE_SINK);
    const head = await fetch(`${base}/connectors/h`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(Number(head.headers.get('content-length'))).toBeGreaterThan(0);
    expect(await head.text()).toBe('');
    const options = await fetch(`${base}/connectors/h/restart`, { method: 'OPTIONS' });
    expect(options.status).toBe(204);
    expect(options.headers.get('allow')).toBe('OPTIONS, POST');
    await call('DELETE', '/connectors/h');
  });

  it('percent-encoded connector names and trailing slashes', async () => {
    expect((await call('PUT', '/connectors/a%20b%2Fc/config', FILE_SINK)).status).toBe(201);
    expect((await call('GET', '/connectors/a%20b%2Fc/')).body).toMatchObject({ name: 'a b/c' });
    expect((await call('GET', '/connectors/')).body).toContain('a b/c');
    expect((await call('GET', '/connectors/%E0%A4%A')).status).toBe(400);
    await call('DELETE', '/connectors/a%20b%2Fc');
  });

  it('a body over the limit → 413', async () => {
    const big = JSON.stringify({ name: 'big', config: { x: 'y'.repeat(MAX_BODY_BYTES) } });
    const reply = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${base}/connectors`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(big) } }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => { body += d.toString(); });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end(big);
    });
    expect(reply.status).toBe(413);
    expect(JSON.parse(reply.body)).toEqual({ error_code: 413, message: `Request body is larger than ${MAX_BODY_BYTES} bytes` });
    expect(herder.connectorsByName.has('big')).toBe(false);
  });

  it('an unexpected Herder error → 500 with its message', async () => {
    const original = herder.connectors.bind(herder);
    herder.connectors = () => {
      throw new Error('store unavailable');
    };
    try {
      expect(await call('GET', '/connectors')).toMatchObject({ status: 500, body: { error_code: 500, message: 'store unavailable' } });
    } finally {
      herder.connectors = original;
    }
  });

  it('close() stops the server even with keep-alive connections open', async () => {
    const other = await startRestServer(herder, { host: '127.0.0.1', port: 0, logger: silentLogger });
    const res = await fetch(`http://127.0.0.1:${other.port}/`, { headers: { connection: 'keep-alive' } });
    await res.text();
    const started = Date.now();
    await other.close();
    expect(Date.now() - started).toBeLessThan(1500);
    await expect(fetch(`http://127.0.0.1:${other.port}/`)).rejects.toThrow();
  });

  it('a Herder call that does not finish in time → 500 "Request timed out"', async () => {
    const slow = await startRestServer(herder, { host: '127.0.0.1', port: 0, logger: silentLogger, requestTimeoutMs: 200 });
    herder.hang = true;
    try {
      const res = await fetch(`http://127.0.0.1:${slow.port}/connectors/slow/config`, { method: 'PUT', body: JSON.stringify(FILE_SINK) });
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({ error_code: 500, message: 'Request timed out' });
    } finally {
      herder.hang = false;
      await slow.close();
    }
  });

  it('a port in use is an error from startRestServer', async () => {
    await expect(startRestServer(herder, { host: '127.0.0.1', port: server.port, logger: silentLogger })).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });
});
