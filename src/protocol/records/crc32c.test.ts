import { describe, expect, it } from 'vitest';
import { crc32c, crc32cJs } from './crc32c.ts';

describe('crc32c', () => {
  it.each([
    ['', 0x00000000],
    ['a', 0xc1d04330],
    ['abc', 0x364b3fb7],
    ['123456789', 0xe3069283],
    ['The quick brown fox jumps over the lazy dog', 0x22620404],
  ])('%j -> %i', (text, expected) => {
    const buf = Buffer.from(text, 'latin1');
    expect(crc32c(buf)).toBe(expected);
    expect(crc32cJs(buf)).toBe(expected);
  });

  it('matches the iSCSI test vector of 32 zero bytes', () => {
    expect(crc32c(Buffer.alloc(32))).toBe(0x8a9136aa);
    expect(crc32cJs(Buffer.alloc(32))).toBe(0x8a9136aa);
  });

  it('computes a range without copying and agrees with the JS version', () => {
    const buf = Buffer.alloc(1000);
    let x = 12345;
    for (let i = 0; i < buf.length; i++) {
      x = (x * 1103515245 + 12345) >>> 0;
      buf[i] = x >>> 24;
    }
    for (const [start, end] of [[0, 1000], [1, 999], [21, 500], [400, 401], [7, 7]] as const) {
      const native = crc32c(buf, start, end);
      expect(native).toBe(crc32cJs(buf, start, end));
      expect(native).toBe(crc32c(Buffer.from(buf.subarray(start, end))));
      expect(native).toBeGreaterThanOrEqual(0);
    }
  });

  it('continues from an initial value in the JS version', () => {
    const buf = Buffer.from('123456789');
    expect(crc32cJs(buf, 4, 9, crc32cJs(buf, 0, 4))).toBe(0xe3069283);
  });
});
