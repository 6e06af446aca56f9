import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { SourceConnector, SourceRecord } from './api.ts';
import { PluginRegistry, loadModule, namesOf } from './plugins.ts';
import { createLogger, type Logger } from '../util/logger.ts';

const examples = fileURLToPath(new URL('../../examples', import.meta.url));
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

function capture(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { lines, logger: createLogger({ level: 'debug', stream: { write: (s: string) => lines.push(s) } }) };
}

describe('built-in plugins', () => {
  const registry = PluginRegistry.withBuiltins();

  it.each([
    ['org.apache.kafka.connect.file.FileStreamSourceConnector', 'org.apache.kafka.connect.file.FileStreamSourceConnector'],
    ['FileStreamSourceConnector', 'org.apache.kafka.connect.file.FileStreamSourceConnector'],
    ['FileStreamSource', 'org.apache.kafka.connect.file.FileStreamSourceConnector'],
    ['FileStreamSink', 'org.apache.kafka.connect.file.FileStreamSinkConnector'],
  ])('connector.class %s', (name, cls) => {
    expect(registry.connector(name)?.className).toBe(cls);
  });

  it.each([
    ['org.apache.kafka.connect.json.JsonConverter', 'org.apache.kafka.connect.json.JsonConverter'],
    ['JsonConverter', 'org.apache.kafka.connect.json.JsonConverter'],
    ['Json', 'org.apache.kafka.connect.json.JsonConverter'],
    ['StringConverter', 'org.apache.kafka.connect.storage.StringConverter'],
    ['ByteArrayConverter', 'org.apache.kafka.connect.converters.ByteArrayConverter'],
  ])('converter %s', (name, cls) => {
    expect(registry.converter(name)?.className).toBe(cls);
  });

  it('does not find unknown names', () => {
    expect(registry.connector('Nope')).toBeUndefined();
  });

  it('lists connector plugins as GET /connector-plugins does', () => {
    const connectors = registry.infos(true);
    expect(connectors).toEqual(
      expect.arrayContaining([
        { class: 'org.apache.kafka.connect.file.FileStreamSinkConnector', type: 'sink', version: '1.0.0' },
        { class: 'org.apache.kafka.connect.file.FileStreamSourceConnector', type: 'source', version: '1.0.0' },
      ]),
    );
    expect(connectors.every((p) => p.type === 'source' || p.type === 'sink')).toBe(true);
    expect(registry.infos(false).some((p) => p.type === 'converter')).toBe(true);
  });

  it('derives aliases from simple names', () => {
    expect(namesOf('transformations', { className: 'org.apache.kafka.connect.transforms.InsertField$Value' })).toEqual(['org.apache.kafka.connect.transforms.InsertField$Value', 'InsertField$Value']);
    expect(namesOf('connectors', { className: 'a.b.MySinkConnector', aliases: ['My'] })).toEqual(['a.b.MySinkConnector', 'My', 'MySinkConnector', 'MySink']);
  });
});

describe('plugin.path', () => {
  it.each([
    ['the examples directory', examples],
    ['the plugin directory', join(examples, 'connect-plugin')],
    ['the module file', join(examples, 'connect-plugin', 'index.mjs')],
  ])('loads the example plugin from %s', async (_what, path) => {
    const { logger } = capture();
    const registry = await PluginRegistry.load([path], logger);
    expect(registry.connector('CounterSource')?.className).toBe('com.example.connect.CounterSourceConnector');
    expect(registry.connector('com.example.connect.CounterSourceConnector')?.type).toBe('source');
    expect(registry.transformation('UppercaseValue')?.className).toBe('com.example.connect.UppercaseValue');
    expect(registry.connector('FileStreamSource')).toBeDefined();
  });

  it('the example connector counts and resumes from its offset', async () => {
    const registry = await PluginRegistry.load([examples]);
    const connector = registry.connector('CounterSource')!.create() as SourceConnector;
    await connector.start({ name: 'c', topic: 'counts', 'interval.ms': '0' }, { requestTaskReconfiguration: () => {}, raiseError: () => {} });
    const [taskConfig] = await connector.taskConfigs(3);
    const task = connector.createTask();
    const stored = new Map<string, Record<string, unknown>>([[JSON.stringify({ counter: 'c' }), { value: 4 }]]);
    await task.start(taskConfig, {
      offsetStorageReader: {
        offset: async (p) => stored.get(JSON.stringify(p)) ?? null,
        offsets: async (ps) => new Map(ps.map((p) => [p, stored.get(JSON.stringify(p)) ?? null])),
      },
      signal: new AbortController().signal,
    });
    const records = (await task.poll()) as SourceRecord[];
    expect(records.map((r) => [r.topic, r.key, r.value, r.sourcePartition, r.sourceOffset])).toEqual([['counts', 'c', 5, { counter: 'c' }, { value: 5 }]]);
    const upper = registry.transformation('UppercaseValue')!.create();
    expect(upper.apply({ ...records[0], value: 'abc' })?.value).toBe('ABC');
  });

  it('skips broken modules and invalid plugins, and reads default exports', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kstream-plugins-'));
    dirs.push(dir);
    await writeFile(join(dir, 'broken.mjs'), 'export const connectors = [;\n');
    await writeFile(join(dir, 'invalid.mjs'), 'export const connectors = [{ className: "x.Bad", version: "1", type: "other", create() {} }];\n');
    await writeFile(join(dir, 'default-list.mjs'), 'export default [{ className: "x.ListSourceConnector", version: "2", type: "source", create() { return {}; } }];\n');
    await writeFile(join(dir, 'notes.txt'), 'not a module');
    await mkdir(join(dir, 'pkg'));
    await writeFile(join(dir, 'pkg', 'package.json'), JSON.stringify({ type: 'module', exports: { '.': { import: './lib/main.js' } } }));
    await mkdir(join(dir, 'pkg', 'lib'));
    await writeFile(join(dir, 'pkg', 'lib', 'main.js'), 'export default { predicates: [{ className: "x.Always", version: "1", create() { return { configure() {}, test() { return true; }, config() { return []; } }; } }] };\n');
    const { logger, lines } = capture();
    const registry = await PluginRegistry.load([dir, join(dir, 'missing')], logger);
    expect(registry.connector('ListSource')?.version).toBe('2');
    expect(registry.connector('x.Bad')).toBeUndefined();
    expect(registry.predicate('Always')?.className).toBe('x.Always');
    const log = lines.join('');
    expect(log).toMatch(/cannot load plugin module.*broken\.mjs/);
    expect(log).toMatch(/invalid plugin, ignored.*type must be/);
    expect(log).toMatch(/plugin.path entry does not exist/);
    expect(await loadModule(join(dir, 'invalid.mjs'))).toBeNull();
  });
});
