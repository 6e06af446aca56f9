/**
 * End-to-end tests of the `kstream connect ...` client commands, run as real processes through
 * the built entry point (bin/run.js → dist/) against a Connect worker (ConnectHerder and the REST
 * server, with a broker) in this process. Output formats, exit codes (0, 2 usage, 3 answered by
 * the worker, 4 unreachable) and one-line errors with hints.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectCreateResult } from '../../src/commands/connect/create.ts';
import type { ConnectListResult } from '../../src/commands/connect/list.ts';
import type { ConnectRestartResult } from '../../src/commands/connect/restart.ts';
import { ConnectHerder } from '../../src/connect/herder-impl.ts';
import type { ConfigInfos, ConnectorOffsets, ConnectorStateInfo } from '../../src/connect/herder.ts';
import { PluginRegistry } from '../../src/connect/plugins.ts';
import { startRestServer, type RestServerHandle } from '../../src/connect/rest/server.ts';
import { parseWorkerConfig } from '../../src/connect/worker-config.ts';
import { silentLogger } from '../../src/util/logger.ts';
import { startBroker, type TestBroker } from '../helpers/broker.ts';
import { platformaticAdmin } from '../helpers/platformatic.ts';
import { cliEnvironment, cliTempDir, ensureCliBuilt, runCliOutput, type CliOutput } from '../helpers/cli.ts';

const tmp = cliTempDir('cli-connect');
const baseEnv = cliEnvironment(tmp);

type RunResult = CliOutput;

let url = '';

function kstream(args: string[], options: { env?: NodeJS.ProcessEnv; input?: string; url?: string | null } = {}): Promise<RunResult> {
  const urlArgs = options.url === null ? [] : ['--url', options.url ?? url];
  return runCliOutput([...args, ...urlArgs], { cwd: tmp, env: { ...baseEnv, ...options.env }, input: options.input ?? '' });
}

function file(name: string, content: string): string {
  const path = join(tmp, name);
  writeFileSync(path, content);
  return path;
}

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** A GET straight to the worker (polling without starting a process each time); undefined on an error status. */
async function rest_<T>(path: string): Promise<T | undefined> {
  const res = await fetch(url + path);
  return res.ok ? ((await res.json()) as T) : undefined;
}

function waitForState(name: string, state: string, tasks: number): Promise<ConnectorStateInfo> {
  return eventually(`${name} ${state}`, async () => {
    const s = await rest_<ConnectorStateInfo>(`/connectors/${name}/status`);
    return s && s.connector.state === state && s.tasks.length === tasks && s.tasks.every((t) => t.state === state) ? s : undefined;
  });
}

let broker: TestBroker;
let herder: ConnectHerder;
let rest: RestServerHandle;
let workerId: string;
/** Accepts connections and never answers (for --timeout). */
let silent: Server;
const silentSockets = new Set<Socket>();

beforeAll(async () => {
  ensureCliBuilt();
  broker = await startBroker();
  const config = parseWorkerConfig(
    { 'bootstrap.servers': broker.bootstrap, 'offset.storage.file.filename': join(tmp, 'connect.offsets'), 'offset.flush.interval.ms': '200' },
    { standalone: true },
  );
  const plugins = PluginRegistry.withBuiltins();
  herder = new ConnectHerder({ config, plugins, logger: silentLogger, version: '3.9.0-kstream', commit: 'c0ffee', startTimeoutMs: 20_000 });
  rest = await startRestServer(herder, { host: '127.0.0.1', port: 0, logger: silentLogger });
  workerId = `127.0.0.1:${rest.port}`;
  herder.workerId = workerId;
  url = `http://127.0.0.1:${rest.port}`;
  await herder.start();
  // The sink's topic exists up front (a sink task on a missing topic fails in this runtime for now).
  const admin = platformaticAdmin(broker.bootstrap);
  try {
    await admin.createTopics({ topics: ['cli-in'], partitions: 1, replicas: 1 });
  } finally {
    await admin.close();
  }
  silent = createServer((socket) => { silentSockets.add(socket); socket.on('close', () => silentSockets.delete(socket)); });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
}, 60_000);

afterAll(async () => {
  for (const s of silentSockets) s.destroy();
  await new Promise<void>((resolve) => silent?.close(() => resolve()));
  await rest?.close();
  await herder?.stop();
  await broker?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe.concurrent('kstream connect', () => {
  it('info, plugins', async () => {
    const info = await kstream(['connect', 'info']);
    expect(info).toEqual({ code: 0, stderr: '', stdout: expect.stringMatching(new RegExp(`^url +${url}\\nversion +3\\.9\\.0-kstream\\ncommit +c0ffee\\nkafka cluster +\\S+\\n$`)) });

    const plugins = await kstream(['connect', 'plugins']);
    expect(plugins.code).toBe(0);
    expect(plugins.stdout.split('\n')[0]).toMatch(/^CLASS +TYPE +VERSION$/);
    expect(plugins.stdout).toMatch(/org\.apache\.kafka\.connect\.file\.FileStreamSinkConnector +sink +1\.0\.0/);
    expect(plugins.stdout).not.toMatch(/transformation/);

    const all = await kstream(['connect', 'plugins', '--all', '--output', 'ndjson']);
    const lines = all.stdout.trim().split('\n').map((l) => JSON.parse(l) as { class: string; type: string });
    expect(lines).toEqual(expect.arrayContaining([{ class: 'org.apache.kafka.connect.transforms.Cast$Value', type: 'transformation', version: '1.0.0' }]));
  });

  it('validate: exit 2 with the failing settings, 0 when valid', async () => {
    const bad = file('bad.json', JSON.stringify({ name: 'v', config: { 'connector.class': 'FileStreamSink', 'tasks.max': 'x', file: join(tmp, 'v.txt') } }));
    const result = await kstream(['connect', 'validate', 'FileStreamSinkConnector', '--file', bad]);
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/^SETTING +VALUE +ERROR\n/);
    expect(result.stdout).toMatch(/tasks\.max +x +Invalid value x for configuration tasks\.max/);
    expect(result.stdout).toMatch(/topics +Must configure one of topics or topics\.regex/);
    expect(result.stderr).toBe('error: the configuration has 2 errors; fix the settings listed above\n');

    const json = await kstream(['connect', 'validate', 'FileStreamSinkConnector', '--file', bad, '--json']);
    expect(json.code).toBe(2);
    const infos = JSON.parse(json.stdout) as ConfigInfos;
    expect(infos.error_count).toBe(2);

    const good = file('good.properties', `name=v\nconnector.class=FileStreamSink\ntopics=t\nfile=${join(tmp, 'v.txt')}\n`);
    const ok = await kstream(['connect', 'validate', 'FileStreamSinkConnector', '--file', good]);
    expect(ok).toEqual({ code: 0, stdout: '', stderr: expect.stringMatching(/^the configuration is valid for \S+ \(\d+ settings checked\)\n$/) });
  });

  it('create, list, status, config, pause/resume, restart, delete', async () => {
    const sink = file('sink.properties', `name=cli-sink\nconnector.class=FileStreamSink\ntopics=cli-in\nfile=${join(tmp, 'cli-out.txt')}\ntasks.max=2\n`);
    const created = await kstream(['connect', 'create', sink]);
    expect(created).toEqual({ code: 0, stdout: 'name   cli-sink\ntype   sink\nclass  FileStreamSink\ntasks  2\n', stderr: 'created connector "cli-sink"\n' });

    const again = await kstream(['connect', 'create', sink]);
    expect(again).toEqual({ code: 3, stdout: '', stderr: "error: Connector cli-sink already exists; update it with 'kstream connect create FILE --replace' or 'kstream connect config set cli-sink key=value'\n" });

    const replaced = await kstream(['connect', 'create', '-', '--replace', '--json'], { input: JSON.stringify({ name: 'cli-sink', config: { 'connector.class': 'FileStreamSink', topics: 'cli-in', file: join(tmp, 'cli-out.txt'), 'tasks.max': 1 } }) });
    expect(replaced.code).toBe(0);
    expect(replaced.stderr).toBe('updated connector "cli-sink"\n');
    const result = JSON.parse(replaced.stdout) as ConnectCreateResult;
    expect(result).toEqual({ created: false, connector: { name: 'cli-sink', type: 'sink', config: { 'connector.class': 'FileStreamSink', topics: 'cli-in', file: join(tmp, 'cli-out.txt'), 'tasks.max': '1', name: 'cli-sink' }, tasks: expect.any(Array) } });

    await waitForState('cli-sink', 'RUNNING', 1);
    const status = await kstream(['connect', 'status', 'cli-sink']);
    expect(status).toEqual({
      code: 0,
      stderr: '',
      stdout: [`name    cli-sink`, `type    sink`, `state   RUNNING`, `worker  ${workerId}`, '', 'TASK  STATE    WORKER           TRACE'.replace('WORKER           ', 'WORKER'.padEnd(workerId.length + 2)), `0     RUNNING  ${workerId}`, ''].join('\n'),
    });

    const list = await kstream(['connect', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^NAME\n(.*\n)*cli-sink\n/);
    const expanded = JSON.parse((await kstream(['connect', 'list', '--expand', 'status', '--json'])).stdout) as ConnectListResult;
    expect(expanded.connectors.find((c) => c.name === 'cli-sink')).toEqual({ name: 'cli-sink', status: { name: 'cli-sink', connector: { state: 'RUNNING', worker_id: workerId }, tasks: [{ id: 0, state: 'RUNNING', worker_id: workerId }], type: 'sink' } });

    const get = await kstream(['connect', 'config', 'get', 'cli-sink', '--output', 'yaml']);
    expect(get.code).toBe(0);
    expect(get.stdout).toContain('connector.class: FileStreamSink\n');
    const set = await kstream(['connect', 'config', 'set', 'cli-sink', 'errors.tolerance=all', 'errors.log.enable=true', '--json']);
    expect(set.code).toBe(0);
    expect((JSON.parse(set.stdout) as { connector: { config: Record<string, string> } }).connector.config).toMatchObject({ 'errors.tolerance': 'all', 'errors.log.enable': 'true', topics: 'cli-in' });
    const unset = await kstream(['connect', 'config', 'set', 'cli-sink', '--unset', 'errors.log.enable']);
    expect(unset.code).toBe(0);
    expect(unset.stdout).not.toContain('errors.log.enable');
    expect(unset.stdout).toMatch(/^KEY +VALUE\n/);

    expect(await kstream(['connect', 'pause', 'cli-sink'])).toEqual({ code: 0, stdout: '', stderr: 'paused connector "cli-sink"\n' });
    await waitForState('cli-sink', 'PAUSED', 1);
    expect(await kstream(['connect', 'resume', 'cli-sink', '--json'])).toEqual({ code: 0, stdout: expect.stringContaining('"action": "resume"'), stderr: 'resumed connector "cli-sink"\n' });

    const restart = await kstream(['connect', 'restart', 'cli-sink']);
    expect(restart).toEqual({ code: 0, stdout: '', stderr: 'restart of connector "cli-sink" requested\n' });
    const withTasks = await kstream(['connect', 'restart', 'cli-sink', '--include-tasks', '--json']);
    expect(withTasks.code).toBe(0);
    expect(JSON.parse(withTasks.stdout) as ConnectRestartResult).toMatchObject({ connector: 'cli-sink', status: { name: 'cli-sink', connector: { state: 'RESTARTING' }, tasks: [{ id: 0, state: 'RESTARTING' }] } });
    await waitForState('cli-sink', 'RUNNING', 1);
    expect(await kstream(['connect', 'restart', 'cli-sink', '--task', '0'])).toEqual({ code: 0, stdout: '', stderr: 'restarted task 0 of connector "cli-sink"\n' });
    expect(await kstream(['connect', 'restart', 'cli-sink', '--task', '9'])).toEqual({ code: 3, stdout: '', stderr: "error: Task cli-sink-9 not found; see its tasks with 'kstream connect status cli-sink'\n" });

    expect(await kstream(['connect', 'delete', 'cli-sink'])).toEqual({ code: 0, stdout: '', stderr: 'deleted connector "cli-sink"\n' });
    expect(await kstream(['connect', 'delete', 'cli-sink'])).toEqual({ code: 3, stdout: '', stderr: "error: Connector cli-sink not found; list connectors with 'kstream connect list'\n" });
    expect(await kstream(['connect', 'delete', 'cli-sink', '--if-exists', '--json'])).toEqual({ code: 0, stdout: '{\n  "connector": "cli-sink",\n  "status": "missing"\n}\n', stderr: 'connector "cli-sink" does not exist\n' });
  });

  it('offsets get / set / reset on a stopped source connector', async () => {
    const input = file('src-in.txt', 'one\ntwo\n');
    const created = await kstream(['connect', 'create', file('src.json', JSON.stringify({ name: 'cli-src', 'connector.class': 'FileStreamSource', file: input, topic: 'cli-src-out' }))]);
    expect(created.code).toBe(0);
    await eventually('source offsets', async () => ((await rest_<ConnectorOffsets>('/connectors/cli-src/offsets'))?.offsets.length ? true : undefined));
    const offsets = JSON.parse((await kstream(['connect', 'offsets', 'get', 'cli-src', '--json'])).stdout) as ConnectorOffsets;
    expect(offsets).toEqual({ offsets: [{ partition: { filename: input }, offset: { position: 8 } }] });
    const table = await kstream(['connect', 'offsets', 'get', 'cli-src']);
    expect(table.stdout).toBe(`PARTITION${' '.repeat(JSON.stringify({ filename: input }).length - 7)}OFFSET\n${JSON.stringify({ filename: input })}  {"position":8}\n`);

    const notStopped = await kstream(['connect', 'offsets', 'reset', 'cli-src']);
    expect(notStopped.code).toBe(3);
    expect(notStopped.stderr).toMatch(/STOPPED state.*; stop it first with 'kstream connect stop cli-src'\n$/);

    expect(await kstream(['connect', 'stop', 'cli-src'])).toEqual({ code: 0, stdout: '', stderr: 'stopped connector "cli-src"\n' });
    const change = file('offsets.json', JSON.stringify({ offsets: [{ partition: { filename: input }, offset: { position: 4 } }] }));
    expect(await kstream(['connect', 'offsets', 'set', 'cli-src', '--file', change])).toEqual({ code: 0, stdout: '', stderr: 'The offsets for this connector have been altered successfully\n' });
    expect(JSON.parse((await kstream(['connect', 'offsets', 'get', 'cli-src', '--json'])).stdout)).toEqual({ offsets: [{ partition: { filename: input }, offset: { position: 4 } }] });
    expect(await kstream(['connect', 'offsets', 'reset', 'cli-src', '--json'])).toEqual({ code: 0, stdout: expect.stringContaining('"message": "The offsets for this connector have been reset successfully"'), stderr: 'The offsets for this connector have been reset successfully\n' });
    expect(await kstream(['connect', 'offsets', 'get', 'cli-src'])).toEqual({ code: 0, stdout: '', stderr: 'connector "cli-src" has no offsets\n' });
    expect((await kstream(['connect', 'offsets', 'set', 'cli-src', '--file', file('empty.json', '{"offsets": []}')])).code).toBe(2);
    expect((await kstream(['connect', 'delete', 'cli-src'])).code).toBe(0);
  });

  it.each([
    { name: 'an unknown connector', args: ['connect', 'status', 'nope'], code: 3, stderr: "error: No status found for connector nope; list connectors with 'kstream connect list'\n" },
    { name: 'config get of an unknown connector', args: ['connect', 'config', 'get', 'nope'], code: 3, stderr: "error: Connector nope not found; list connectors with 'kstream connect list'\n" },
    { name: 'a file without a name', args: ['connect', 'create', '-'], input: '{"connector.class": "FileStreamSink"}', code: 2, stderr: 'error: stdin has no connector name; add "name" to the file or pass --name\n' },
    { name: 'a missing file', args: ['connect', 'create', 'no-such-file.json'], code: 2, stderr: expect.stringMatching(/^error: cannot read no-such-file\.json: ENOENT/) },
    { name: 'an invalid config', args: ['connect', 'create', '-', '--name', 'x'], input: 'connector.class=FileStreamSink\n', code: 3, stderr: expect.stringMatching(/^error: Connector configuration is invalid/) },
    { name: 'a bad setting', args: ['connect', 'config', 'set', 'x', 'novalue'], code: 2, stderr: 'error: invalid setting "novalue": expected key=value; e.g. tasks.max=2\n' },
    { name: 'an invalid URL', args: ['connect', 'list'], url: 'ftp://x', code: 2, stderr: 'error: invalid Connect URL "ftp://x": expected http:// or https://; e.g. --url http://127.0.0.1:8083\n' },
  ])('errors: $name → exit $code', async ({ args, input, url: target, code, stderr }) => {
    const result = await kstream(args, { input, url: target });
    expect(result).toEqual({ code, stdout: '', stderr });
  });

  it('an unreachable worker → exit 4 with a hint; --json carries the error', async () => {
    const closed = await new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const { port } = s.address() as { port: number };
        s.close(() => resolve(port));
      });
    });
    const result = await kstream(['connect', 'list'], { url: `http://127.0.0.1:${closed}` });
    expect(result).toEqual({
      code: 4,
      stdout: '',
      stderr: `error: cannot connect to Kafka Connect at http://127.0.0.1:${closed} (connection refused); is a Connect worker running? start one with 'kstream connect start', or point --url (or KSTREAM_CONNECT_URL) at one\n`,
    });
    const json = await kstream(['connect', 'list', '--json'], { url: `http://127.0.0.1:${closed}` });
    expect(json.code).toBe(4);
    expect(JSON.parse(json.stdout)).toMatchObject({ error: { code: 'ECONNREFUSED', exitCode: 4 } });
  });

  it('no answer within --timeout → exit 4', async () => {
    const { port } = silent.address() as { port: number };
    const result = await kstream(['connect', 'list', '--timeout', '300ms'], { url: `http://127.0.0.1:${port}` });
    expect(result).toEqual({ code: 4, stdout: '', stderr: `error: no answer from Kafka Connect at http://127.0.0.1:${port} within 300 ms; is the worker overloaded or rebalancing? raise --timeout\n` });
  });

  it('KSTREAM_CONNECT_URL sets the worker; a URL that is not Connect → exit 3 with a hint', async () => {
    const viaEnv = await kstream(['connect', 'info', '--json'], { url: null, env: { KSTREAM_CONNECT_URL: url } });
    expect(viaEnv.code).toBe(0);
    expect(JSON.parse(viaEnv.stdout)).toMatchObject({ url, version: '3.9.0-kstream' });
    const wrong = await kstream(['connect', 'list'], { url: `${url}/not-connect` });
    expect(wrong).toEqual({ code: 3, stdout: '', stderr: 'error: HTTP 404 Not Found; is --url a Kafka Connect REST endpoint, and does the worker support this request?\n' });
  });
});
