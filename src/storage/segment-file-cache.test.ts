import { describe, expect, it } from 'vitest';
import { SegmentFileCache, type CachedSegmentFile } from './segment-file-cache.ts';

class FakeFile implements CachedSegmentFile {
  open = true;
  busy = false;
  readonly name: string;
  constructor(name: string) {
    this.name = name;
  }
  evictIfIdle(): boolean {
    if (this.busy || !this.open) return false;
    this.open = false;
    return true;
  }
}

describe('SegmentFileCache', () => {
  it('closes the least recently used idle files beyond its capacity', () => {
    const cache = new SegmentFileCache(2);
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((n) => new FakeFile(n));
    cache.opened(a);
    cache.opened(b);
    cache.touch(a);
    cache.opened(c);
    expect([a.open, b.open, c.open]).toEqual([true, false, true]);
    expect(cache.size).toBe(2);
    // A file with a read in progress is never closed: the next idle one goes instead.
    a.busy = true;
    cache.opened(d);
    expect([a.open, c.open, d.open]).toEqual([true, false, true]);
    expect(cache.evictions).toBe(2);
  });

  it('may exceed its capacity while every other file is busy, and forgets closed files', () => {
    const cache = new SegmentFileCache(1);
    const a = new FakeFile('a');
    const b = new FakeFile('b');
    a.busy = true;
    cache.opened(a);
    cache.opened(b);
    expect([a.open, b.open, cache.size]).toEqual([true, true, 2]);
    cache.closed(a);
    cache.touch(a);
    expect(cache.size).toBe(1);
  });
});
