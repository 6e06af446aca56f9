/**
 * Writer: growth, and chunking. Byte fields of 4096 bytes or more are referenced (the output
 * list holds the caller's buffer itself), smaller ones are copied; toBuffer() is always the
 * concatenation of toBuffers().
 */
import { describe, expect, it } from 'vitest';
import { Reader } from './reader.ts';
import { Writer } from './writer.ts';

const THRESHOLD = 4096;

function sameMemory(a: Uint8Array, b: Uint8Array): boolean {
  return a.buffer === b.buffer && a.byteOffset === b.byteOffset && a.length === b.length;
}

describe('Writer growth', () => {
  it.each([1, 16, 256])('grows from an initial size of %d', (initial) => {
    const w = new Writer(initial);
    for (let i = 0; i < 5000; i++) w.int32(i).int8(i & 0x7f);
    const out = w.toBuffer();
    expect(out.length).toBe(5000 * 5);
    expect(w.length).toBe(5000 * 5);
    const r = new Reader(out);
    for (let i = 0; i < 5000; i++) {
      expect(r.int32()).toBe(i);
      expect(r.int8()).toBe(i & 0x7f);
    }
  });

  it('an empty writer gives an empty buffer', () => {
    expect(new Writer().toBuffer().length).toBe(0);
  });

  it('length counts referenced chunks and the working buffer', () => {
    const w = new Writer();
    w.int16(1).bytes(Buffer.alloc(THRESHOLD)).int8(1);
    expect(w.length).toBe(2 + 4 + THRESHOLD + 1);
  });
});

describe('Writer chunking', () => {
  it.each([
    ['bytes', (w: Writer, b: Buffer) => w.bytes(b), 4],
    ['nullableBytes', (w: Writer, b: Buffer) => w.nullableBytes(b), 4],
    ['compactBytes', (w: Writer, b: Buffer) => w.compactBytes(b), 2],
    ['compactNullableBytes', (w: Writer, b: Buffer) => w.compactNullableBytes(b), 2],
    ['raw', (w: Writer, b: Buffer) => w.raw(b), 0],
  ])('%s: a field of exactly the threshold is referenced, one byte less is copied', (_name, write, prefix) => {
    for (const [size, referenced] of [
      [THRESHOLD, true],
      [THRESHOLD - 1, false],
      [THRESHOLD * 3 + 17, true],
    ] as const) {
      const payload = Buffer.alloc(size, 0x5a);
      const w = new Writer();
      w.int32(0x01020304);
      write(w, payload);
      w.int16(0x0506);
      const parts = w.toBuffers();
      expect(parts.some((p) => sameMemory(p, payload))).toBe(referenced);
      if (referenced) expect(parts.length).toBe(3);
      const joined = Buffer.concat(parts);
      expect(w.toBuffer().equals(joined)).toBe(true);
      expect(joined.length).toBe(4 + prefix + size + 2);
      expect(joined.readInt32BE(0)).toBe(0x01020304);
      expect(joined.subarray(4 + prefix, 4 + prefix + size).equals(payload)).toBe(true);
      expect(joined.readInt16BE(joined.length - 2)).toBe(0x0506);
    }
  });

  it('interleaved small and large fields keep their order', () => {
    const large1 = Buffer.alloc(5000, 1);
    const large2 = Buffer.alloc(THRESHOLD, 2);
    const small = Buffer.alloc(10, 3);
    const w = new Writer(8);
    w.string('head').bytes(large1).bytes(small).compactBytes(large2).bytes(large1).int64(-1n);
    const parts = w.toBuffers();
    expect(parts.filter((p) => sameMemory(p, large1)).length).toBe(2);
    expect(parts.filter((p) => sameMemory(p, large2)).length).toBe(1);
    const r = new Reader(w.toBuffer());
    expect(r.string()).toBe('head');
    expect(r.bytes().equals(large1)).toBe(true);
    expect(r.bytes().equals(small)).toBe(true);
    expect(r.compactBytes().equals(large2)).toBe(true);
    expect(r.bytes().equals(large1)).toBe(true);
    expect(r.int64()).toBe(-1n);
    expect(r.remaining).toBe(0);
  });

  it('two large fields back to back produce no empty chunk in between', () => {
    const a = Buffer.alloc(THRESHOLD, 1);
    const b = Buffer.alloc(THRESHOLD, 2);
    const w = new Writer();
    w.raw(a).raw(b);
    const parts = w.toBuffers();
    expect(parts.every((p) => p.length > 0)).toBe(true);
    expect(Buffer.concat(parts).equals(Buffer.concat([a, b]))).toBe(true);
  });

  it('a large plain Uint8Array is referenced as a Buffer view of the same memory', () => {
    const u8 = new Uint8Array(THRESHOLD + 100).fill(7);
    const view = u8.subarray(50, 50 + THRESHOLD);
    const w = new Writer();
    w.bytes(view);
    const parts = w.toBuffers();
    const chunk = parts.find((p) => p.length === THRESHOLD)!;
    expect(Buffer.isBuffer(chunk)).toBe(true);
    expect(sameMemory(chunk, view)).toBe(true);
  });

  it('bytes decoded from a frame and written again are forwarded without a copy', () => {
    const records = Buffer.alloc(8192, 0x42);
    const w1 = new Writer();
    w1.bytes(records);
    const frame = w1.toBuffer();
    const view = new Reader(frame).bytes();
    const w2 = new Writer();
    w2.int8(0).bytes(view);
    expect(w2.toBuffers().some((p) => sameMemory(p, view))).toBe(true);
  });

  it('toBuffer() is stable when called twice', () => {
    const w = new Writer();
    w.int32(1).bytes(Buffer.alloc(THRESHOLD, 9)).int32(2);
    const a = Buffer.from(w.toBuffer());
    const b = w.toBuffer();
    expect(b.equals(a)).toBe(true);
  });

  it('continuing to write after toBuffers() keeps earlier chunks intact', () => {
    const w = new Writer(64);
    w.int32(0x11111111);
    const first = Buffer.from(w.toBuffer());
    const firstView = w.toBuffers()[0];
    for (let i = 0; i < 100; i++) w.int32(0x22222222);
    expect(firstView.equals(first)).toBe(true);
    const all = w.toBuffer();
    expect(all.length).toBe(4 + 400);
    expect(all.readUInt32BE(0)).toBe(0x11111111);
    expect(all.readUInt32BE(400)).toBe(0x22222222);
  });
});
