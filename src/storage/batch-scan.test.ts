import { describe, expect, it } from 'vitest';
import { scanBatches, type ScannedBatch } from './batch-scan.ts';
import type { ReadableFile } from './fs-util.ts';
import { encodeTestBatch, testRecords } from './test-batches.ts';

/** A file held in memory that returns at most `maxRead` bytes per read. */
function memoryFile(data: Buffer, maxRead = Number.MAX_SAFE_INTEGER): ReadableFile {
  return {
    async read(buffer, offset, length, position) {
      const n = Math.max(0, Math.min(length, maxRead, data.length - position));
      data.copy(buffer, offset, position, position + n);
      return { bytesRead: n };
    },
  };
}

// Batches of different sizes, the largest bigger than the smallest chunks used below.
const batches = [1, 5, 2, 40, 3].map((n, i) => encodeTestBatch(testRecords(n, { prefix: `b${i}-` }), { baseOffset: i * 100 }));
const data = Buffer.concat(batches);
const positions = batches.reduce<number[]>((acc, _b, i) => [...acc, i === 0 ? 0 : acc[i - 1] + batches[i - 1].length], []);

describe('scanBatches', () => {
  it.each([
    [61, false, false],
    [61, true, false],
    [100, false, true],
    [150, true, true],
    [1000, false, false],
    [1 << 20, true, true],
  ])('finds every batch with chunks of %d bytes (verify %s, bytes %s)', async (chunkSize, verify, withBytes) => {
    const seen: Array<Pick<ScannedBatch, 'position' | 'size'> & { base: number; bytesOk: boolean }> = [];
    const result = await scanBatches(memoryFile(data, 77), { start: 0, end: data.length, chunkSize, verify, withBytes }, (b) => {
      seen.push({ position: b.position, size: b.size, base: b.header.baseOffset, bytesOk: b.bytes === null ? !(verify || withBytes) : b.bytes.equals(data.subarray(b.position, b.position + b.size)) });
    });
    expect(result).toEqual({ end: data.length, stopped: false });
    expect(seen).toEqual(batches.map((b, i) => ({ position: positions[i], size: b.length, base: i * 100, bytesOk: true })));
  });

  it('starts at a batch boundary and stops when asked', async () => {
    const bases: number[] = [];
    const result = await scanBatches(memoryFile(data), { start: positions[1], end: data.length }, (b) => {
      bases.push(b.header.baseOffset);
      return b.header.baseOffset < 300;
    });
    expect(bases).toEqual([100, 200, 300]);
    expect(result).toEqual({ end: positions[3], stopped: true });
  });

  it.each<[string, Buffer, number, string]>([
    ['a torn last batch', data.subarray(0, data.length - 3), positions[4], 'partial batch'],
    ['a partial header', Buffer.concat([data, Buffer.alloc(20, 1)]), data.length, 'partial batch header'],
    ['zero fill', Buffer.concat([data, Buffer.alloc(200)]), data.length, 'invalid batch length'],
  ])('stops at %s', async (_name, file, end, reason) => {
    const result = await scanBatches(memoryFile(file), { start: 0, end: file.length, chunkSize: 128 }, () => {});
    expect(result.end).toBe(end);
    expect(result.invalid).toContain(reason);
  });

  it('detects a bad CRC only when verifying', async () => {
    const damaged = Buffer.from(data);
    damaged[positions[2] + 70] ^= 0xff;
    const plain = await scanBatches(memoryFile(damaged), { start: 0, end: damaged.length }, () => {});
    expect(plain.invalid).toBeUndefined();
    const verified = await scanBatches(memoryFile(damaged), { start: 0, end: damaged.length, verify: true }, () => {});
    expect(verified).toMatchObject({ end: positions[2], invalid: expect.stringContaining('CRC') });
  });
});
