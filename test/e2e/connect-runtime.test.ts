/**
 * kstream Connect's runtime end to end against a real broker started in this process: the worker
 * (ConnectHerder) runs in-process for most tests; the process tests run the built CLI
 * (`bin/run.js connect start`, rebuilt first when dist/ is older than src/) and stop or kill it.
 *
 * Covered: FileStreamSource → topic (order, resume after a restart without duplicates),
 * FileStreamSink topic → file, JsonConverter with and without schemas, errors.tolerance=all with
 * the DLQ and its __connect.errors.* headers, a failing task (FAILED with its trace, others keep
 * running), pause/resume/stop/restart, the offsets API, task reconfiguration, distributed mode's
 * internal topics, SIGTERM (offsets committed on a clean stop) and SIGKILL (nothing committed lost).
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectorContext, ConnectorPlugin, SourceConnector, SourceRecord, SourceTask } from '../../src/connect/api.ts';
import { ConnectRestError } from '../../src/connect/herder.ts';
import { ConnectHerder } from '../../src/connect/herder-impl.ts';
import { PluginRegistry, type PluginSet } from '../../src/connect/plugins.ts';
import { TopicOffsetStore } from '../../src/connect/stores/offset-store.ts';
import { parseWorkerConfig } from '../../src/connect/worker-config.ts';
import { createLogger, silentLogger } from '../../src/util/logger.ts';
import { makeTempDir, startBroker, uniqueName, type TestBroker } from '../helpers/broker.ts';
import { fetchRecords, platformaticAdmin, platformaticProducer, type FetchedRecord } from '../helpers/platformatic.ts';
import { cliEnvironment, ensureCliBuilt, spawnCli } from '../helpers/cli.ts';

const logger = process.env.KSTREAM_TEST_LOG ? createLogger({ level: 'debug' }) : silentLogger;

let tb: TestBroker;
let dir: string;
const herders: ConnectHerder[] = [];
const children: ChildProcess[] = [];

beforeAll(async () => {
  tb = await startBroker();
  dir = await makeTempDir('kstream-connect-');
});

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const h of herders) await h.stop().catch(() => undefined);
  await tb?.close();
});

// ---- helpers ------------------------------------------------------------------------------------------

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function topicRecords(topic: string): Promise<FetchedRecord[]> {
  const admin = platformaticAdmin(tb.bootstrap);
  let end: bigint;
  try {
    const listed = await admin.listOffsets({ topics: [{ name: topic, partitions: [{ partitionIndex: 0, timestamp: -1n }] }] });
    end = listed[0].partitions[0].offset;
  } catch {
    return [];
  } finally {
    await admin.close();
  }
  return end === 0n ? [] : fetchRecords(tb.bootstrap, topic, 0, 0n, end);
}

async function topicValues(topic: string): Promise<(string | null)[]> {
  return (await topicRecords(topic)).map((r) => (r.value === null ? null : r.value.toString('utf8')));
}

async function waitForValues(topic: string, count: number, timeoutMs = 20_000): Promise<(string | null)[]> {
  return waitFor(`${count} records in ${topic}`, async () => {
    const values = await topicValues(topic);
    return values.length >= count ? values : undefined;
  }, timeoutMs);
}

async function fileLines(path: string): Promise<string[]> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text === '' ? [] : text.replace(/\n$/, '').split('\n');
}

async function waitForLines(path: string, count: number, timeoutMs = 20_000): Promise<string[]> {
  return waitFor(`${count} lines in ${path}`, async () => {
    const lines = await fileLines(path);
    return lines.length >= count ? lines : undefined;
  }, timeoutMs);
}

async function produce(topic: string, values: (string | null)[]): Promise<void> {
  const producer = platformaticProducer(tb.bootstrap, { autocreateTopics: true });
  try {
    await producer.send({ messages: values.map((v) => ({ topic, value: v === null ? (null as unknown as Buffer) : Buffer.from(v) })) });
  } finally {
    await producer.close();
  }
}

function lines(from: number, to: number, prefix = 'line'): string[] {
  return Array.from({ length: to - from + 1 }, (_v, i) => `${prefix}-${from + i}`);
}

async function startHerder(settings: Record<string, string>, extra: Partial<PluginSet>[] = []): Promise<ConnectHerder> {
  const config = parseWorkerConfig({ 'bootstrap.servers': tb.bootstrap, 'offset.flush.interval.ms': '200', ...settings });
  const herder = new ConnectHerder({ config, plugins: PluginRegistry.withBuiltins(extra), logger, workerId: '127.0.0.1:8083', version: 'test' });
  herders.push(herder);
  await herder.start();
  return herder;
}

async function stopHerder(herder: ConnectHerder): Promise<void> {
  await herder.stop();
  herders.splice(herders.indexOf(herder), 1);
}

function standalone(name: string, settings: Record<string, string> = {}): Record<string, string> {
  return { 'offset.storage.file.filename': join(dir, `${name}.offsets`), ...settings };
}

const stringValues = { 'value.converter': 'org.apache.kafka.connect.storage.StringConverter' };

async function state(herder: ConnectHerder, name: string): Promise<string> {
  const s = herder.connectorStatus(name);
  return [s.connector.state, ...s.tasks.map((t) => t.state)].join(',');
}

async function waitForState(herder: ConnectHerder, name: string, expected: string, timeoutMs = 20_000): Promise<void> {
  await waitFor(`${name} to be ${expected} (is ${await state(herder, name).catch(() => '?')})`, async () => (await state(herder, name)) === expected, timeoutMs);
}

// ---- in-process worker ----------------------------------------------------------------------------------

describe('file connectors and converters', () => {
  it('FileStreamSource tails a file into a topic in order and resumes after a restart without duplicates', async () => {
    const name = uniqueName('src');
    const topic = uniqueName('lines');
    const input = join(dir, `${name}.txt`);
    await writeFile(input, lines(1, 5).join('\n') + '\n');
    // A long flush interval: only the clean stop commits the offsets.
    const settings = standalone(name, { ...stringValues, 'offset.flush.interval.ms': '60000' });
    const connector = { 'connector.class': 'FileStreamSource', file: input, topic };
    let herder = await startHerder(settings);
    await herder.putConnectorConfig(name, connector, false);
    expect(await waitForValues(topic, 5)).toEqual(lines(1, 5));
    await appendFile(input, lines(6, 7).join('\n') + '\n');
    expect(await waitForValues(topic, 7)).toEqual(lines(1, 7));
    await stopHerder(herder);
    await appendFile(input, 'line-8\n');

    herder = await startHerder(settings);
    await herder.putConnectorConfig(name, connector, false);
    expect(await waitForValues(topic, 8)).toEqual(lines(1, 8));
    await new Promise((r) => setTimeout(r, 500));
    expect(await topicValues(topic)).toEqual(lines(1, 8));
    // Committed so far: what the clean stop wrote (after line 7); line 8 commits at the next flush.
    expect(await herder.connectorOffsets(name)).toEqual({ offsets: [{ partition: { filename: input }, offset: { position: 49 } }] });
    await stopHerder(herder);
  });

  it('JsonConverter writes Connect\'s envelope with schemas.enable=true and the payload alone with false', async () => {
    const input = join(dir, `${uniqueName('json')}.txt`);
    await writeFile(input, 'hello\n');
    const withSchemas = uniqueName('with');
    const without = uniqueName('without');
    const herder = await startHerder(standalone(uniqueName('json')));
    await herder.putConnectorConfig(withSchemas, { 'connector.class': 'FileStreamSource', file: input, topic: withSchemas }, false);
    await herder.putConnectorConfig(without, { 'connector.class': 'FileStreamSource', file: input, topic: without, 'value.converter': 'JsonConverter', 'value.converter.schemas.enable': 'false' }, false);
    expect(await waitForValues(withSchemas, 1)).toEqual(['{"schema":{"type":"string","optional":false},"payload":"hello"}']);
    expect(await waitForValues(without, 1)).toEqual(['"hello"']);
    const [record] = await topicRecords(withSchemas);
    expect(record.key).toBeNull();
    await stopHerder(herder);
  });

  it('FileStreamSink writes a topic to a file, reading JSON with and without schemas, and commits its offsets', async () => {
    const topic = uniqueName('in');
    const plain = uniqueName('plain');
    await produce(topic, [
      '{"schema":{"type":"string","optional":false},"payload":"a"}',
      '{"schema":{"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"},{"type":"string","optional":true,"field":"name"}],"optional":false,"name":"row"},"payload":{"id":1,"name":"x"}}',
      '{"schema":null,"payload":{"free":[1,2]}}',
    ]);
    await produce(plain, ['{"k":1}', '"text"', '42']);
    const out = join(dir, `${topic}.out`);
    const outPlain = join(dir, `${plain}.out`);
    const herder = await startHerder(standalone(uniqueName('sink')));
    const name = uniqueName('sink');
    await herder.putConnectorConfig(name, { 'connector.class': 'FileStreamSink', file: out, topics: topic }, false);
    await herder.putConnectorConfig(uniqueName('sink'), { 'connector.class': 'FileStreamSink', file: outPlain, topics: plain, 'value.converter': 'JsonConverter', 'value.converter.schemas.enable': 'false' }, false);
    expect(await waitForLines(out, 3)).toEqual(['a', '{"id":1,"name":"x"}', '{"free":[1,2]}']);
    expect(await waitForLines(outPlain, 3)).toEqual(['{"k":1}', 'text', '42']);
    await waitFor('sink offsets committed', async () => {
      const offsets = await herder.connectorOffsets(name);
      return offsets.offsets[0]?.offset?.kafka_offset === 3 ? offsets : undefined;
    });
    expect(await herder.connectorOffsets(name)).toEqual({ offsets: [{ partition: { kafka_topic: topic, kafka_partition: 0 }, offset: { kafka_offset: 3 } }] });
    await stopHerder(herder);
  });
});

describe('sink tasks and the group', () => {
  it('sink tasks share partitions; a topic created later is picked up', async () => {
    const topic = uniqueName('late');
    const name = uniqueName('late');
    const out = join(dir, `${name}.out`);
    const herder = await startHerder(standalone(name, stringValues));
    await herder.putConnectorConfig(name, { 'connector.class': 'FileStreamSink', file: out, topics: topic, 'tasks.max': '2' }, false);
    await waitForState(herder, name, 'RUNNING,RUNNING,RUNNING');
    const admin = platformaticAdmin(tb.bootstrap);
    try {
      await admin.createTopics({ topics: [topic], partitions: 4, replicas: 1 });
    } finally {
      await admin.close();
    }
    const producer = platformaticProducer(tb.bootstrap);
    try {
      await producer.send({ messages: [0, 1, 2, 3].map((partition) => ({ topic, partition, value: Buffer.from(`p${partition}`) })) });
    } finally {
      await producer.close();
    }
    expect((await waitForLines(out, 4, 30_000)).sort()).toEqual(['p0', 'p1', 'p2', 'p3']);
    await waitFor('offsets of all four partitions', async () => (await herder.connectorOffsets(name)).offsets.length === 4);
    await stopHerder(herder);
  });
});

describe('error handling', () => {
  it('errors.tolerance=all sends the failing record to the DLQ with error headers; none fails the task with its trace', async () => {
    const topic = uniqueName('mixed');
    const dlq = uniqueName('dlq');
    await produce(topic, ['"good-1"', 'not json', '"good-2"']);
    const out = join(dir, `${topic}.out`);
    const tolerant = uniqueName('tolerant');
    const strict = uniqueName('strict');
    const herder = await startHerder(standalone(uniqueName('dlq'), { 'value.converter.schemas.enable': 'false' }));
    await herder.putConnectorConfig(
      tolerant,
      {
        'connector.class': 'FileStreamSink',
        file: out,
        topics: topic,
        'errors.tolerance': 'all',
        'errors.log.enable': 'true',
        'errors.deadletterqueue.topic.name': dlq,
        'errors.deadletterqueue.topic.replication.factor': '1',
        'errors.deadletterqueue.context.headers.enable': 'true',
      },
      false,
    );
    await herder.putConnectorConfig(strict, { 'connector.class': 'FileStreamSink', file: join(dir, `${strict}.out`), topics: topic }, false);
    expect(await waitForLines(out, 2)).toEqual(['good-1', 'good-2']);
    const [dead] = await waitFor('a DLQ record', async () => {
      const r = await topicRecords(dlq);
      return r.length > 0 ? r : undefined;
    });
    expect(dead.value?.toString()).toBe('not json');
    const headers = Object.fromEntries(dead.headers.map(([k, v]) => [k?.toString() ?? '', v?.toString() ?? '']));
    expect(headers).toMatchObject({
      '__connect.errors.topic': topic,
      '__connect.errors.partition': '0',
      '__connect.errors.offset': '1',
      '__connect.errors.connector.name': tolerant,
      '__connect.errors.task.id': '0',
      '__connect.errors.stage': 'VALUE_CONVERTER',
      '__connect.errors.class.name': 'org.apache.kafka.connect.json.JsonConverter',
      '__connect.errors.exception.class.name': 'DataException',
    });
    expect(headers['__connect.errors.exception.message']).toMatch(/Converting byte\[\] to Kafka Connect data failed due to serialization error/);
    expect(headers['__connect.errors.exception.stacktrace']).toMatch(/DataException/);

    // tolerance none: the task fails with its trace; the connector and the other connector keep running.
    await waitForState(herder, strict, 'RUNNING,FAILED');
    const status = herder.connectorStatus(strict);
    expect(status.tasks[0].trace).toMatch(/Tolerance exceeded in error handler/);
    expect(status.tasks[0].trace).toMatch(/Caused by: DataException/);
    expect(await state(herder, tolerant)).toBe('RUNNING,RUNNING');
    // Records are converted before put(): the failing batch was not delivered at all.
    expect(await fileLines(join(dir, `${strict}.out`))).toEqual([]);
    await stopHerder(herder);
  });
});

// A test connector: its tasks emit `<task>-<n>`; task 1 fails when the config says so; the task
// count follows a shared variable and the connector asks for reconfiguration when told to.
const control = { taskCount: 1, context: null as ConnectorContext | null };
function testPlugin(): ConnectorPlugin {
  class TestTask implements SourceTask {
    private id = '0';
    private topic = '';
    private fail = false;
    private n = 0;
    version(): string {
      return '1';
    }
    start(props: Readonly<Record<string, string>>): void {
      this.id = props.id;
      this.topic = props.topic;
      this.fail = props.fail === this.id;
    }
    async poll(): Promise<SourceRecord[] | null> {
      if (this.fail) throw new Error(`task ${this.id} cannot poll`);
      if (this.n >= 3) return null;
      const value = `${this.id}-${this.n++}`;
      return [{ topic: this.topic, kafkaPartition: null, keySchema: null, key: null, valueSchema: null, value, timestamp: null, headers: [], sourcePartition: { task: this.id }, sourceOffset: { n: this.n } }];
    }
    stop(): void {}
  }
  class TestConnector implements SourceConnector {
    readonly kind = 'source' as const;
    private props: Record<string, string> = {};
    version(): string {
      return '1';
    }
    config() {
      return [{ name: 'topic', type: 'string' as const, importance: 'high' as const, documentation: 'topic' }];
    }
    start(props: Readonly<Record<string, string>>, context: ConnectorContext): void {
      this.props = { ...props };
      control.context = context;
    }
    taskConfigs(maxTasks: number): Record<string, string>[] {
      return Array.from({ length: Math.min(maxTasks, control.taskCount) }, (_v, i) => ({ id: String(i), topic: this.props.topic, fail: this.props.fail ?? '' }));
    }
    stop(): void {}
    createTask(): SourceTask {
      return new TestTask();
    }
  }
  return { className: 'test.MultiSourceConnector', type: 'source', version: '1', create: () => new TestConnector() };
}

describe('lifecycle', () => {
  it('a failing task goes FAILED with its trace and does not stop the others; restart onlyFailed; task reconfiguration', async () => {
    control.taskCount = 2;
    const topic = uniqueName('multi');
    const name = uniqueName('multi');
    const herder = await startHerder({ ...standalone(name), ...stringValues }, [{ connectors: [testPlugin()] }]);
    await herder.putConnectorConfig(name, { 'connector.class': 'test.MultiSourceConnector', 'tasks.max': '3', topic, fail: '1' }, false);
    await waitForState(herder, name, 'RUNNING,RUNNING,FAILED');
    expect(herder.taskStatus(name, 1).trace).toMatch(/Error: task 1 cannot poll/);
    expect((await waitForValues(topic, 3)).sort()).toEqual(['0-0', '0-1', '0-2']);
    expect(herder.taskConfigs(name).map((t) => t.config)).toEqual([
      { id: '0', topic, fail: '1', 'task.class': 'test.MultiSourceTask' },
      { id: '1', topic, fail: '1', 'task.class': 'test.MultiSourceTask' },
    ]);

    // Restart only what failed: the connector and task 0 keep running.
    const snapshot = await herder.restartConnector(name, { includeTasks: true, onlyFailed: true });
    expect(snapshot?.connector.state).toBe('RUNNING');
    expect(snapshot?.tasks.map((t) => t.state)).toEqual(['RUNNING', 'RESTARTING']);
    await waitForState(herder, name, 'RUNNING,RUNNING,FAILED');

    // The connector asks for new task configs: three tasks now.
    control.taskCount = 3;
    control.context?.requestTaskReconfiguration();
    await waitFor('three tasks', () => herder.taskConfigs(name).length === 3);
    await waitForState(herder, name, 'RUNNING,RUNNING,FAILED,RUNNING');
    await waitForValues(topic, 6);
    await expect(herder.restartTask(name, 7)).rejects.toMatchObject({ status: 404 });
    await stopHerder(herder);
  });

  it('pause, resume, stop, and the offsets API', async () => {
    const name = uniqueName('life');
    const topic = uniqueName('life');
    const input = join(dir, `${name}.txt`);
    await writeFile(input, lines(1, 3).join('\n') + '\n');
    const herder = await startHerder({ ...standalone(name), ...stringValues });
    const { created, info } = await herder.putConnectorConfig(name, { 'connector.class': 'FileStreamSource', file: input, topic }, false);
    expect(created).toBe(true);
    expect(info).toMatchObject({ name, type: 'source', tasks: [{ connector: name, task: 0 }] });
    await expect(herder.putConnectorConfig(name, { 'connector.class': 'FileStreamSource', file: input, topic }, false)).rejects.toMatchObject({ status: 409, message: `Connector ${name} already exists` });
    await expect(herder.putConnectorConfig('x', { 'connector.class': 'FileStreamSource' }, false)).rejects.toThrow(/Connector configuration is invalid and contains the following 1 error\(s\):\nMissing required configuration "topic"/);
    await waitForValues(topic, 3);

    await herder.pauseConnector(name);
    await waitForState(herder, name, 'PAUSED,PAUSED');
    await appendFile(input, 'line-4\n');
    await new Promise((r) => setTimeout(r, 700));
    expect(await topicValues(topic)).toEqual(lines(1, 3));
    await herder.resumeConnector(name);
    expect(await waitForValues(topic, 4)).toEqual(lines(1, 4));
    await waitForState(herder, name, 'RUNNING,RUNNING');

    // Offsets may only change while STOPPED (Connect's 400 and message).
    const err = await herder.resetConnectorOffsets(name).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectRestError);
    expect(err).toMatchObject({ status: 400, message: `Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/${name}/stop' endpoint` });

    await waitFor('offsets committed', async () => (await herder.connectorOffsets(name)).offsets[0]?.offset?.position === 28);
    await herder.stopConnector(name);
    await waitForState(herder, name, 'STOPPED');
    expect(herder.taskConfigs(name)).toEqual([]);
    expect(herder.connectorInfo(name).tasks).toEqual([]);
    expect(await herder.connectorOffsets(name)).toEqual({ offsets: [{ partition: { filename: input }, offset: { position: 28 } }] });
    expect(await herder.alterConnectorOffsets(name, { offsets: [{ partition: { filename: input }, offset: { position: 7 } }] })).toEqual({ message: 'The offsets for this connector have been altered successfully' });
    expect(await herder.connectorOffsets(name)).toEqual({ offsets: [{ partition: { filename: input }, offset: { position: 7 } }] });
    expect(await herder.resetConnectorOffsets(name)).toEqual({ message: 'The offsets for this connector have been reset successfully' });
    expect(await herder.connectorOffsets(name)).toEqual({ offsets: [] });

    // Resumed from STOPPED with no offsets: the file is read again from the start.
    await herder.resumeConnector(name);
    expect(await waitForValues(topic, 8)).toEqual([...lines(1, 4), ...lines(1, 4)]);
    await waitForState(herder, name, 'RUNNING,RUNNING');

    // A plain restart answers when done (204); with tasks it answers at once with RESTARTING (202).
    expect(await herder.restartConnector(name, { includeTasks: false, onlyFailed: false })).toBeNull();
    const restarting = await herder.restartConnector(name, { includeTasks: true, onlyFailed: false });
    expect(restarting).toMatchObject({ connector: { state: 'RESTARTING' }, tasks: [{ id: 0, state: 'RESTARTING' }] });
    await waitForState(herder, name, 'RUNNING,RUNNING');

    await herder.deleteConnector(name);
    expect(herder.connectors()).not.toContain(name);
    expect(() => herder.connectorStatus(name)).toThrow(/No status found for connector/);
    await stopHerder(herder);
  });

  it('sink offsets: altered and reset while STOPPED', async () => {
    const topic = uniqueName('sinkoff');
    await produce(topic, ['"a"', '"b"', '"c"']);
    const name = uniqueName('sinkoff');
    const out = join(dir, `${name}.out`);
    const herder = await startHerder(standalone(name, { 'value.converter.schemas.enable': 'false' }));
    await herder.putConnectorConfig(name, { 'connector.class': 'FileStreamSink', file: out, topics: topic }, false);
    await waitForLines(out, 3);
    await waitFor('committed', async () => (await herder.connectorOffsets(name)).offsets[0]?.offset?.kafka_offset === 3);
    await herder.stopConnector(name);
    expect(await herder.alterConnectorOffsets(name, { offsets: [{ partition: { kafka_topic: topic, kafka_partition: 0 }, offset: { kafka_offset: 1 } }] })).toEqual({
      message:
        'The Kafka Connect framework-managed offsets for this connector have been altered successfully. However, if this connector manages offsets externally, they will need to be manually altered in the system that the connector uses.',
    });
    expect(await herder.connectorOffsets(name)).toEqual({ offsets: [{ partition: { kafka_topic: topic, kafka_partition: 0 }, offset: { kafka_offset: 1 } }] });
    await herder.resumeConnector(name);
    expect(await waitForLines(out, 5)).toEqual(['a', 'b', 'c', 'b', 'c']);
    await waitFor('committed again', async () => (await herder.connectorOffsets(name)).offsets[0]?.offset?.kafka_offset === 3);
    await herder.stopConnector(name);
    expect((await herder.resetConnectorOffsets(name)).message).toMatch(/^The Kafka Connect framework-managed offsets for this connector have been reset successfully/);
    expect(await herder.connectorOffsets(name)).toEqual({ offsets: [] });
    await stopHerder(herder);
  });
});

describe('distributed mode', () => {
  it('keeps configs, target states, task configs, statuses and offsets in compacted topics and resumes from them', async () => {
    const id = uniqueName('dist');
    const settings = {
      ...stringValues,
      'group.id': id,
      'config.storage.topic': `${id}-configs`,
      'offset.storage.topic': `${id}-offsets`,
      'status.storage.topic': `${id}-status`,
      'offset.storage.partitions': '3',
      'status.storage.partitions': '2',
    };
    const input = join(dir, `${id}.txt`);
    await writeFile(input, lines(1, 3).join('\n') + '\n');
    const topic = `${id}-lines`;
    let herder = await startHerder(settings);
    await herder.putConnectorConfig('src', { 'connector.class': 'FileStreamSource', file: input, topic }, false);
    await herder.putConnectorConfig('paused-sink', { 'connector.class': 'FileStreamSink', file: join(dir, `${id}.out`), topics: topic }, false);
    await herder.pauseConnector('paused-sink');
    await waitForValues(topic, 3);
    await waitFor('offsets committed', async () => (await herder.connectorOffsets('src')).offsets.length === 1);
    await waitForState(herder, 'paused-sink', 'PAUSED,PAUSED');
    await stopHerder(herder);

    // The internal topics exist, compacted, with Connect's keys.
    const admin = platformaticAdmin(tb.bootstrap);
    try {
      const described = await admin.describeConfigs({ resources: [`${id}-configs`, `${id}-offsets`, `${id}-status`].map((name) => ({ resourceType: 2, resourceName: name, configurationKeys: ['cleanup.policy'] })) } as never);
      for (const d of described) expect(d.configs.find((c) => c.name === 'cleanup.policy')?.value).toBe('compact');
    } finally {
      await admin.close();
    }
    const configKeys = (await topicRecords(`${id}-configs`)).map((r) => r.key?.toString());
    expect(configKeys).toEqual(expect.arrayContaining(['connector-src', 'task-src-0', 'commit-src', 'connector-paused-sink', 'target-state-paused-sink']));
    const commit = (await topicRecords(`${id}-configs`)).find((r) => r.key?.toString() === 'commit-src');
    expect(commit?.value?.toString()).toBe('{"tasks":1}');
    const offsetStore = new TopicOffsetStore({ target: { bootstrapServers: [tb.bootstrap], clientOptions: { clientId: 'test' } }, topic: `${id}-offsets`, partitions: 3, replicationFactor: -1, clientId: 'test-offsets', logger });
    await offsetStore.start();
    expect(await offsetStore.list('src')).toEqual([{ partition: { filename: input }, offset: { position: 21 } }]);
    await offsetStore.stop();

    // A new worker resumes everything where the first left off.
    await appendFile(input, 'line-4\n');
    herder = await startHerder(settings);
    expect(herder.connectors()).toEqual(['paused-sink', 'src']);
    expect(herder.connectorInfo('src').tasks).toEqual([{ connector: 'src', task: 0 }]);
    expect(await waitForValues(topic, 4)).toEqual(lines(1, 4));
    await waitForState(herder, 'paused-sink', 'PAUSED,PAUSED');
    await waitForState(herder, 'src', 'RUNNING,RUNNING');
    expect(await fileLines(join(dir, `${id}.out`))).toEqual([]);
    await new Promise((r) => setTimeout(r, 300));
    expect(await topicValues(topic)).toEqual(lines(1, 4));
    await stopHerder(herder);
  });
});

describe('robustness', () => {
  it('keeps running while the broker goes away and comes back, and delivers everything', async () => {
    const name = uniqueName('away');
    const topic = uniqueName('away');
    const input = join(dir, `${name}.txt`);
    const out = join(dir, `${name}.out`);
    await writeFile(input, lines(1, 3).join('\n') + '\n');
    const herder = await startHerder(standalone(name, stringValues));
    await herder.putConnectorConfig(`${name}-src`, { 'connector.class': 'FileStreamSource', file: input, topic }, false);
    await herder.putConnectorConfig(`${name}-sink`, { 'connector.class': 'FileStreamSink', file: out, topics: topic }, false);
    expect(await waitForLines(out, 3)).toEqual(lines(1, 3));

    // The broker stops; lines written meanwhile wait; the same broker (same port and data) comes back.
    const stopped = tb;
    await stopped.broker.stop();
    await appendFile(input, lines(4, 6).join('\n') + '\n');
    await new Promise((r) => setTimeout(r, 2000));
    tb = await startBroker({ dataDir: stopped.dataDir, port: stopped.port });
    expect(tb.bootstrap).toBe(stopped.bootstrap);
    const seen = await waitForLines(out, 6, 60_000);
    expect([...new Set(seen)]).toEqual(lines(1, 6));
    expect(await state(herder, `${name}-src`)).toBe('RUNNING,RUNNING');
    expect(await state(herder, `${name}-sink`)).toBe('RUNNING,RUNNING');
    await stopHerder(herder);
  });
});

// ---- the CLI as a child process ----------------------------------------------------------------------

interface WorkerChild {
  process: ChildProcess;
  rest: string;
  stderr(): string;
  exited: Promise<number | null>;
}

/** `kstream connect start --json` (the built CLI); resolves once it printed its started document. */
async function spawnWorker(args: string[]): Promise<WorkerChild> {
  const worker = spawnCli(['connect', 'start', '--json', ...args], { cwd: dir, env: cliEnvironment(dir) });
  const child = worker.child;
  children.push(child);
  const exited = worker.exited.then(({ code }) => code);
  const started = await new Promise<{ rest: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start\n${worker.stderr()}`)), 30_000);
    // The started document is indented JSON: parse what arrived so far until it is complete.
    child.stdout.on('data', () => {
      try {
        const doc = JSON.parse(worker.stdout()) as { started?: boolean; rest?: string };
        if (doc.started && doc.rest) {
          clearTimeout(timer);
          resolve({ rest: doc.rest });
        }
      } catch {
        // not complete yet
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited with ${code}\n${worker.stderr()}`));
    });
  });
  return { process: child, rest: started.rest, stderr: worker.stderr, exited };
}

describe('kstream connect start as a process', () => {
  beforeAll(() => ensureCliBuilt(), 120_000);

  it('SIGTERM stops tasks cleanly, committing source offsets; a restart does not duplicate', async () => {
    const name = uniqueName('term');
    const topic = uniqueName('term');
    const input = join(dir, `${name}.txt`);
    const offsets = join(dir, `${name}.offsets`);
    await writeFile(input, lines(1, 4).join('\n') + '\n');
    await writeFile(join(dir, `${name}.properties`), `name=${name}\nconnector.class=FileStreamSource\nfile=${input}\ntopic=${topic}\n`);
    const args = ['--set', `bootstrap.servers=${tb.bootstrap}`, '--set', `offset.storage.file.filename=${offsets}`, '--set', 'offset.flush.interval.ms=60000', '--set', 'listeners=http://127.0.0.1:0', '--set', 'value.converter=StringConverter', `${name}.properties`];
    const worker = await spawnWorker(args);
    const res = await fetch(`${worker.rest}/connectors`);
    expect(await res.json()).toEqual([name]);
    expect(await waitForValues(topic, 4)).toEqual(lines(1, 4));
    worker.process.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    expect(JSON.parse(await readFile(offsets, 'utf8')).offsets).toEqual({ [JSON.stringify([name, { filename: input }])]: { position: 28 } });

    await appendFile(input, 'line-5\n');
    const again = await spawnWorker(args);
    expect(await waitForValues(topic, 5)).toEqual(lines(1, 5));
    again.process.kill('SIGINT');
    expect(await again.exited).toBe(0);
    expect(await topicValues(topic)).toEqual(lines(1, 5));
  });

  it('SIGKILL loses nothing committed and duplicates only what came after the last commit', async () => {
    const id = uniqueName('crash');
    const input = join(dir, `${id}.txt`);
    const out = join(dir, `${id}.out`);
    const topic = `${id}-lines`;
    await writeFile(input, lines(1, 10).join('\n') + '\n');
    await writeFile(join(dir, `${id}-src.properties`), `name=src\nconnector.class=FileStreamSource\nfile=${input}\ntopic=${topic}\n`);
    await writeFile(join(dir, `${id}-sink.properties`), `name=sink\nconnector.class=FileStreamSink\nfile=${out}\ntopics=${topic}\n`);
    const args = [
      '--set', `bootstrap.servers=${tb.bootstrap}`,
      '--set', `group.id=${id}`,
      '--set', `config.storage.topic=${id}-configs`,
      '--set', `offset.storage.topic=${id}-offsets`,
      '--set', `status.storage.topic=${id}-status`,
      '--set', 'offset.storage.partitions=2',
      '--set', 'offset.flush.interval.ms=300',
      // The killed worker's sink consumer keeps its partitions until its session times out.
      '--set', 'consumer.session.timeout.ms=6000',
      '--set', 'listeners=http://127.0.0.1:0',
      '--set', 'value.converter=StringConverter',
    ];
    let worker = await spawnWorker([...args, `${id}-src.properties`, `${id}-sink.properties`]);
    expect(await waitForLines(out, 10)).toEqual(lines(1, 10));
    // Wait for both commits (source offsets in the topic, sink offsets of the group) through the REST API.
    await waitFor('committed offsets', async () => {
      const src = (await (await fetch(`${worker.rest}/connectors/src/offsets`)).json()) as { offsets: { offset: { position: number } }[] };
      const sink = (await (await fetch(`${worker.rest}/connectors/sink/offsets`)).json()) as { offsets: { offset: { kafka_offset: number } }[] };
      return src.offsets[0]?.offset.position === 71 && sink.offsets[0]?.offset.kafka_offset === 10;
    });
    // More lines, then a crash right away: what came after the last commit may be repeated.
    await appendFile(input, lines(11, 15).join('\n') + '\n');
    worker.process.kill('SIGKILL');
    await worker.exited;
    await appendFile(input, lines(16, 20).join('\n') + '\n');

    // The restarted worker finds its connectors in the config topic (no files given).
    worker = await spawnWorker(args);
    await waitFor('every line in the output', async () => new Set(await fileLines(out)).size === 20, 40_000).catch((err: unknown) => {
      throw new Error(`${(err as Error).message}\noutput: ${JSON.stringify(readFileSync(out, 'utf8'))}\nworker log:\n${worker.stderr()}`);
    });
    await new Promise((r) => setTimeout(r, 1000));
    const output = await fileLines(out);
    const produced = await topicValues(topic);
    worker.process.kill('SIGTERM');
    expect(await worker.exited).toBe(0);

    for (const seen of [output, produced]) {
      // Nothing lost, in order of first appearance; the committed part appears exactly once.
      expect([...new Set(seen)]).toEqual(lines(1, 20));
      expect(seen.slice(0, 10)).toEqual(lines(1, 10));
      const repeated = seen.filter((l, i) => seen.indexOf(l) !== i);
      for (const l of repeated) expect(lines(11, 20)).toContain(l);
    }
  });
});
