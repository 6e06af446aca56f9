import { describe, expect, it } from 'vitest';
import { PipeClosedError, ProgressLine, StreamWriter, formatBytes, formatSeconds, plural, type WritableLike } from './streaming.ts';

describe('formatting', () => {
  it.each<[number, string]>([
    [0, '0 B'],
    [999, '999 B'],
    [1000, '1.0 kB'],
    [1_234_567, '1.2 MB'],
    [3_400_000_000, '3.4 GB'],
  ])('formatBytes(%d)', (n, text) => {
    expect(formatBytes(n)).toBe(text);
  });

  it.each<[number, string]>([
    [0, '0ms'],
    [250.4, '250ms'],
    [1000, '1.0s'],
    [12_345, '12.3s'],
    [61_000, '1m 1s'],
    [3_599_000, '59m 59s'],
  ])('formatSeconds(%d)', (ms, text) => {
    expect(formatSeconds(ms)).toBe(text);
  });

  it.each<[number, string]>([
    [0, '0 records'],
    [1, '1 record'],
    [2, '2 records'],
  ])('plural(%d)', (n, text) => {
    expect(plural(n, 'record')).toBe(text);
  });
});

function fakeStream(behaviour: (chunk: string) => Error | null, isTTY = false): WritableLike & { written: string[]; emitError(err: Error): void } {
  const listeners: ((err: Error) => void)[] = [];
  const written: string[] = [];
  return {
    isTTY,
    written,
    write(chunk, callback) {
      const err = behaviour(String(chunk));
      if (!err) written.push(String(chunk));
      queueMicrotask(() => callback?.(err));
      return true;
    },
    on(_event, listener) {
      listeners.push(listener);
    },
    off(_event, listener) {
      listeners.splice(listeners.indexOf(listener), 1);
    },
    emitError(err) {
      for (const l of listeners) l(err);
    },
  };
}

describe('StreamWriter', () => {
  it('resolves once written', async () => {
    const s = fakeStream(() => null);
    const w = new StreamWriter(s);
    await w.write('a');
    await w.write(Buffer.from('b'));
    expect(s.written).toEqual(['a', 'b']);
  });

  it('turns EPIPE into PipeClosedError, and stays closed', async () => {
    const s = fakeStream(() => Object.assign(new Error('broken'), { code: 'EPIPE' }));
    const w = new StreamWriter(s);
    await expect(w.write('a')).rejects.toBeInstanceOf(PipeClosedError);
    expect(w.closed).toBe(true);
    await expect(w.write('b')).rejects.toBeInstanceOf(PipeClosedError);
  });

  it('notices an EPIPE error event', async () => {
    const s = fakeStream(() => null);
    const w = new StreamWriter(s);
    s.emitError(Object.assign(new Error('broken'), { code: 'EPIPE' }));
    await expect(w.write('a')).rejects.toBeInstanceOf(PipeClosedError);
  });

  it('passes other errors on', async () => {
    const s = fakeStream(() => Object.assign(new Error('disk full'), { code: 'ENOSPC' }));
    await expect(new StreamWriter(s).write('a')).rejects.toThrow('disk full');
  });
});

describe('ProgressLine', () => {
  it('redraws in place on a terminal and clears at the end', () => {
    const s = fakeStream(() => null, true);
    const p = new ProgressLine(s);
    p.update('1 record');
    p.update('2 records');
    p.clear();
    expect(s.written).toEqual(['\r\x1b[K1 record', '\r\x1b[K2 records', '\r\x1b[K']);
  });

  it('writes whole lines elsewhere', () => {
    const s = fakeStream(() => null, false);
    const p = new ProgressLine(s);
    p.update('1 record');
    p.clear();
    expect(s.written).toEqual(['1 record\n']);
  });
});
