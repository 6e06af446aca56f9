import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { indexFileName, logFileName, timeIndexFileName } from './segment-name.ts';
import { CleanedSegmentWriter, recoverSegmentSwaps, removeDeletedSegmentFiles } from './segment-swap.ts';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kstream-swap-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const L = (o: number) => logFileName(o);

describe('recoverSegmentSwaps', () => {
  it.each<[string, Record<string, string>, Record<string, string>]>([
    ['nothing to do', { [L(0)]: 'a', [L(10)]: 'b' }, { [L(0)]: 'a', [L(10)]: 'b' }],
    ['a leftover .cleaned file is removed', { [L(0)]: 'a', [L(0) + '.cleaned']: 'new', [L(10)]: 'b' }, { [L(0)]: 'a', [L(10)]: 'b' }],
    [
      'swap created, nothing retired: undone',
      { [L(0)]: 'a', [L(5)]: 'a2', [L(0) + '.swap']: 'new', [L(10)]: 'b' },
      { [L(0)]: 'a', [L(5)]: 'a2', [L(10)]: 'b' },
    ],
    [
      'newer old segment retired, the first not: undone and restored',
      { [L(0)]: 'a', [L(5) + '.deleted']: 'a2', [L(0) + '.swap']: 'new', [L(10)]: 'b' },
      { [L(0)]: 'a', [L(5)]: 'a2', [L(10)]: 'b' },
    ],
    [
      'every old segment retired: completed',
      { [L(0) + '.deleted']: 'a', [L(5) + '.deleted']: 'a2', [L(0) + '.swap']: 'new', [L(10)]: 'b', [indexFileName(0)]: 'stale', [timeIndexFileName(0)]: 'stale' },
      { [L(0)]: 'new', [L(10)]: 'b' },
    ],
    [
      'swap renamed, old files not removed yet: removed',
      { [L(0)]: 'new', [L(0) + '.deleted']: 'a', [L(5) + '.deleted']: 'a2', [L(10)]: 'b' },
      { [L(0)]: 'new', [L(10)]: 'b' },
    ],
    [
      'a swap in the middle of the log',
      { [L(0)]: 'z', [L(20) + '.deleted']: 'c', [L(20) + '.swap']: 'new', [L(30) + '.deleted']: 'd', [L(40)]: 'e' },
      { [L(0)]: 'z', [L(20)]: 'new', [L(40)]: 'e' },
    ],
  ])('%s', async (_name, before, after) => {
    for (const [name, content] of Object.entries(before)) await writeFile(join(dir, name), content);
    await recoverSegmentSwaps(dir, await readdir(dir));
    const names = (await readdir(dir)).sort();
    expect(names).toEqual(Object.keys(after).sort());
    for (const [name, content] of Object.entries(after)) expect(await readFile(join(dir, name), 'utf8')).toBe(content);
    // Idempotent: a crash during recovery is recovered the same way.
    await recoverSegmentSwaps(dir, names);
    expect((await readdir(dir)).sort()).toEqual(names);
  });

  it('reports what it did', async () => {
    await writeFile(join(dir, L(0) + '.deleted'), 'a');
    await writeFile(join(dir, L(0) + '.swap'), 'new');
    await writeFile(join(dir, L(3) + '.cleaned'), 'x');
    expect(await recoverSegmentSwaps(dir, await readdir(dir))).toEqual({ cleanedRemoved: 1, completed: 1, abandoned: 0, deletedRemoved: 1, restored: 0 });
  });
});

describe('CleanedSegmentWriter', () => {
  it('writes batches with their positions and the given modification time', async () => {
    const w = await CleanedSegmentWriter.create(dir, 42);
    await w.append(Buffer.from('aaaa'), { baseOffset: 42, lastOffset: 43, maxTimestamp: 5, size: 4 });
    await w.append(Buffer.from('bb'), { baseOffset: 45, lastOffset: 45, maxTimestamp: 9, size: 2 });
    const mtime = Date.UTC(2020, 0, 1);
    expect(await w.finish(mtime)).toBe(6);
    expect(w.batches.map((b) => [b.baseOffset, b.position, b.size])).toEqual([[42, 0, 4], [45, 4, 2]]);
    expect(await readFile(w.path, 'utf8')).toBe('aaaabb');
    expect((await stat(w.path)).mtimeMs).toBe(mtime);
  });

  it('discards its file', async () => {
    const w = await CleanedSegmentWriter.create(dir, 0);
    await w.append(Buffer.from('x'), { baseOffset: 0, lastOffset: 0, maxTimestamp: 0, size: 1 });
    await w.discard();
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('removeDeletedSegmentFiles', () => {
  it('removes only .deleted segment files', async () => {
    await writeFile(join(dir, L(0) + '.deleted'), 'a');
    await writeFile(join(dir, L(0)), 'b');
    expect(await removeDeletedSegmentFiles(dir)).toBe(0);
    expect(await readdir(dir)).toEqual([L(0)]);
  });
});
