import { appendFile, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Struct, type SinkConnector, type SinkRecord, type SinkTaskContext, type SourceConnector, type SourceTaskContext } from '../api.ts';
import { Schemas, structSchema } from '../data.ts';
import { fileStreamSinkPlugin, valueText } from './file-stream-sink.ts';
import { fileStreamSourcePlugin } from './file-stream-source.ts';
import { builtinConnectors } from './index.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'kstream-file-'));
  dirs.push(d);
  return d;
}

function sourceContext(stored: Record<string, unknown> | null): SourceTaskContext {
  return {
    offsetStorageReader: { offset: async () => stored, offsets: async (ps) => new Map(ps.map((p) => [p, stored])) },
    signal: new AbortController().signal,
  };
}

const connectorContext = { requestTaskReconfiguration: () => {}, raiseError: () => {} };

describe('FileStreamSource', () => {
  it('gives one task with the file, topic and batch size', async () => {
    const c = fileStreamSourcePlugin.create() as SourceConnector;
    await c.start({ name: 'x', file: '/f', topic: 't', 'tasks.max': '4' }, connectorContext);
    expect(await c.taskConfigs(4)).toEqual([{ file: '/f', topic: 't', 'batch.size': '2000' }]);
    expect(c.config().find((k) => k.name === 'topic')?.validate?.('a,b', {})).toMatch(/single topic/);
  });

  it('reads complete lines with their byte positions, in batches, and resumes', async () => {
    const dir = await tempDir();
    const file = join(dir, 'in.txt');
    await writeFile(file, 'one\r\ntwo\nthré\npartial');
    const task = (fileStreamSourcePlugin.create() as SourceConnector).createTask();
    await task.start({ file, topic: 't', 'batch.size': '2' }, sourceContext(null));
    const first = await task.poll();
    expect(first?.map((r) => [r.value, r.sourceOffset])).toEqual([
      ['one', { position: 5 }],
      ['two', { position: 9 }],
    ]);
    expect(first?.[0]).toMatchObject({ topic: 't', key: null, keySchema: null, valueSchema: Schemas.STRING, sourcePartition: { filename: file }, kafkaPartition: null });
    const second = await task.poll();
    expect(second?.map((r) => [r.value, r.sourceOffset])).toEqual([['thré', { position: 15 }]]);
    expect(await task.poll()).toBeNull();
    await appendFile(file, ' line\nlast\n');
    expect((await task.poll())?.map((r) => r.value)).toEqual(['partial line', 'last']);
    await task.stop();

    // A new task resumes after the committed position.
    const resumed = (fileStreamSourcePlugin.create() as SourceConnector).createTask();
    await resumed.start({ file, topic: 't' }, sourceContext({ position: 9 }));
    expect((await resumed.poll())?.map((r) => r.value)).toEqual(['thré', 'partial line', 'last']);
    await resumed.stop();
  });

  it('waits for a missing file and starts over when the file shrinks', async () => {
    const dir = await tempDir();
    const file = join(dir, 'later.txt');
    const task = (fileStreamSourcePlugin.create() as SourceConnector).createTask();
    await task.start({ file, topic: 't' }, sourceContext(null));
    expect(await task.poll()).toBeNull();
    await writeFile(file, 'a\nb\n');
    expect((await task.poll())?.map((r) => r.value)).toEqual(['a', 'b']);
    await truncate(file, 0);
    await writeFile(file, 'c\n');
    expect((await task.poll())?.map((r) => [r.value, r.sourceOffset])).toEqual([['c', { position: 2 }]]);
    await task.stop();
  });
});

function sinkRecord(value: unknown, offset: number): SinkRecord {
  return { topic: 't', kafkaPartition: 0, kafkaOffset: offset, timestampType: 'CreateTime', timestamp: 0, keySchema: null, key: null, valueSchema: null, value, headers: [] };
}

describe('FileStreamSink', () => {
  it('gives tasks.max tasks writing the same file', async () => {
    const c = fileStreamSinkPlugin.create() as SinkConnector;
    await c.start({ name: 'x', file: '/f', topics: 't' }, connectorContext);
    expect(await c.taskConfigs(2)).toEqual([{ file: '/f' }, { file: '/f' }]);
  });

  it('appends values as lines and fsyncs on flush', async () => {
    const dir = await tempDir();
    const file = join(dir, 'out.txt');
    await writeFile(file, 'existing\n');
    const task = (fileStreamSinkPlugin.create() as SinkConnector).createTask();
    await task.start({ file }, {} as SinkTaskContext);
    await task.put([sinkRecord('a', 0), sinkRecord({ k: 1 }, 1), sinkRecord(Buffer.from('bytes'), 2), sinkRecord(null, 3)]);
    await task.flush?.(new Map());
    expect(await readFile(file, 'utf8')).toBe('existing\na\n{"k":1}\nbytes\nnull\n');
    await task.stop();
  });

  it('writes structs as JSON', () => {
    const schema = structSchema([['id', Schemas.INT32]]);
    expect(valueText(new Struct(schema).put('id', 3))).toBe('{"id":3}');
    expect(valueText(12)).toBe('12');
  });

  it('are both built in', () => {
    expect(builtinConnectors.map((p) => p.className)).toEqual(expect.arrayContaining(['org.apache.kafka.connect.file.FileStreamSourceConnector', 'org.apache.kafka.connect.file.FileStreamSinkConnector']));
  });
});
