import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatCheckpoint, parseCheckpoint, readCheckpointFile, writeCheckpointFile } from './checkpoint-file.ts';

describe('checkpoint files', () => {
  it('formats Kafka\'s layout', () => {
    expect(formatCheckpoint([{ topic: 'a', partition: 0, offset: 5 }, { topic: 'b-c', partition: 3, offset: 0 }])).toBe('0\n2\na 0 5\nb-c 3 0\n');
  });

  it.each([
    ['0\n0\n', []],
    ['0\n1\nmy.topic 7 123\n', [{ topic: 'my.topic', partition: 7, offset: 123 }]],
    ['0\n1\nt 0 1', [{ topic: 't', partition: 0, offset: 1 }]],
  ])('parses %j', (text, expected) => {
    expect(parseCheckpoint(text)).toEqual(expected);
  });

  it.each([
    ['', 'truncated'],
    ['1\n0\n', 'version'],
    ['0\nx\n', 'count'],
    ['0\n2\nt 0 1\n', 'declares'],
    ['0\n1\nt 0\n', 'malformed'],
    ['0\n1\nt 0 -4\n', 'malformed'],
    ['0\n1\nbad/topic 0 1\n', 'malformed'],
  ])('rejects %j', (text, message) => {
    expect(() => parseCheckpoint(text)).toThrow(message);
  });

  it('writes and reads a file; a missing file is empty', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kstream-ckpt-'));
    try {
      const path = join(dir, 'recovery-point-offset-checkpoint');
      expect(await readCheckpointFile(path)).toEqual([]);
      await writeCheckpointFile(path, [{ topic: 't', partition: 1, offset: 9 }]);
      expect(await readFile(path, 'utf8')).toBe('0\n1\nt 1 9\n');
      expect(await readCheckpointFile(path)).toEqual([{ topic: 't', partition: 1, offset: 9 }]);
      await writeFile(path, 'garbage');
      await expect(readCheckpointFile(path)).rejects.toThrow();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
