import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileOffsetStore, MemoryOffsetStore } from './offset-store.ts';
import { MemoryConfigStore } from './config-store.ts';
import { MemoryStatusStore } from './status-store.ts';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('FileOffsetStore', () => {
  it('persists offsets in Connect key format and reloads them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kstream-offsets-'));
    dirs.push(dir);
    const path = join(dir, 'sub', 'connect.offsets');
    const store = new FileOffsetStore(path);
    await store.start();
    await store.set('src', [{ partition: { filename: '/a' }, offset: { position: 10 } }]);
    await store.set('src', [{ partition: { filename: '/b' }, offset: { position: 3 } }]);
    await store.set('other', [{ partition: { filename: '/a' }, offset: { position: 1 } }]);
    await store.set('src', [{ partition: { filename: '/b' }, offset: null }]);
    await store.stop();
    const doc = JSON.parse(await readFile(path, 'utf8'));
    expect(doc).toEqual({ version: 1, offsets: { '["src",{"filename":"/a"}]': { position: 10 }, '["other",{"filename":"/a"}]': { position: 1 } } });

    const again = new FileOffsetStore(path);
    await again.start();
    const p = { filename: '/a' };
    expect((await again.get('src', [p])).get(p)).toEqual({ position: 10 });
    expect(await again.list('other')).toEqual([{ partition: { filename: '/a' }, offset: { position: 1 } }]);
    expect(await again.list('nobody')).toEqual([]);
  });

  it('starts empty without a file and refuses a foreign file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kstream-offsets-'));
    dirs.push(dir);
    const store = new FileOffsetStore(join(dir, 'none'));
    await store.start();
    expect(await store.list('x')).toEqual([]);
    await writeFile(join(dir, 'bad'), '[1,2]');
    await expect(new FileOffsetStore(join(dir, 'bad')).start()).rejects.toThrow(/not a kstream offsets file/);
  });
});

describe('memory stores', () => {
  it('offsets match partitions whatever their field order', async () => {
    const store = new MemoryOffsetStore();
    await store.set('c', [{ partition: { a: 1, b: 2 }, offset: { o: 1 } }]);
    const p = { b: 2, a: 1 };
    expect((await store.get('c', [p])).get(p)).toEqual({ o: 1 });
  });

  it('config store keeps configs, tasks and target states', async () => {
    const store = new MemoryConfigStore();
    await store.putConnectorConfig('b', { x: '1' });
    await store.putConnectorConfig('a', { y: '2' }, 'PAUSED');
    await store.putTaskConfigs('b', [{ t: '0' }, { t: '1' }]);
    await store.putTargetState('b', 'STOPPED');
    expect(store.connectors().map((c) => [c.name, c.targetState, c.tasks.length])).toEqual([
      ['a', 'PAUSED', 0],
      ['b', 'STOPPED', 2],
    ]);
    await store.removeConnector('a');
    expect(store.get('a')).toBeUndefined();
  });

  it('status store tracks the highest generation', () => {
    const store = new MemoryStatusStore();
    expect(store.maxGeneration()).toBe(-1);
    store.putConnector('c', { state: 'RUNNING', trace: null, worker_id: 'w', generation: 3 });
    store.putTask('c', 1, { state: 'FAILED', trace: 't', worker_id: 'w', generation: 5 });
    expect(store.maxGeneration()).toBe(5);
    store.removeConnector('c');
    expect(store.connector('c')).toBeUndefined();
    expect(store.tasks('c').size).toBe(0);
  });
});
