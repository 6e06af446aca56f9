/**
 * Classic (int16/int32 length) and compact (uvarint length + 1) strings and bytes: null, empty,
 * multi-byte UTF-8 (lengths are byte counts, not characters), the 1- to 2-byte compact length
 * boundary, invalid lengths, and zero-copy byte views.
 */
import { describe, expect, it } from 'vitest';
import { ProtocolDecodeError } from '../errors.ts';
import { Reader } from './reader.ts';
import { Writer } from './writer.ts';

function encode(fn: (w: Writer) => void): Buffer {
  const w = new Writer();
  fn(w);
  return w.toBuffer();
}

function expectDecodeError(fn: () => unknown): void {
  expect(fn).toThrow(ProtocolDecodeError);
}

const STRINGS: Array<[string, string, number]> = [
  ['empty', '', 0],
  ['ascii', 'topic-1', 7],
  ['latin-1 (2-byte)', 'café', 5],
  ['CJK (3-byte)', '日本語', 9],
  ['emoji (4-byte, a surrogate pair in JS)', '🚀', 4],
  ['mixed', 'a🚀é日', 10],
];

describe('classic strings (int16 length)', () => {
  it.each(STRINGS)('%s', (_name, s, byteLength) => {
    const bytes = encode((w) => w.string(s));
    expect(bytes.readInt16BE(0)).toBe(byteLength);
    expect(bytes.subarray(2).toString('utf8')).toBe(s);
    expect(bytes.length).toBe(2 + byteLength);
    const r = new Reader(bytes);
    expect(r.string()).toBe(s);
    expect(r.remaining).toBe(0);
    expect(new Reader(bytes).nullableString()).toBe(s);
  });

  it('null is length -1', () => {
    const bytes = encode((w) => w.nullableString(null));
    expect(bytes.toString('hex')).toBe('ffff');
    expect(new Reader(bytes).nullableString()).toBeNull();
  });

  it('a required string that is null -> ProtocolDecodeError', () => {
    expectDecodeError(() => new Reader(Buffer.from('ffff', 'hex')).string());
  });

  it.each([
    ['length -2', 'fffe'],
    ['length -32768', '8000'],
    ['length past the end', '0005616263'],
    ['truncated length', '00'],
  ])('%s -> ProtocolDecodeError', (_name, hex) => {
    expectDecodeError(() => new Reader(Buffer.from(hex, 'hex')).nullableString());
  });

  it('the maximum int16 length (32767 bytes)', () => {
    const s = 'x'.repeat(32767);
    const r = new Reader(encode((w) => w.string(s)));
    expect(r.string()).toBe(s);
  });
});

describe('compact strings (uvarint length + 1)', () => {
  it.each(STRINGS)('%s', (_name, s, byteLength) => {
    const bytes = encode((w) => w.compactString(s));
    const lenReader = new Reader(bytes);
    expect(lenReader.uvarint()).toBe(byteLength + 1);
    expect(bytes.subarray(lenReader.pos).toString('utf8')).toBe(s);
    const r = new Reader(bytes);
    expect(r.compactString()).toBe(s);
    expect(r.remaining).toBe(0);
    expect(new Reader(bytes).compactNullableString()).toBe(s);
  });

  it('null is 0', () => {
    const bytes = encode((w) => w.compactNullableString(null));
    expect(bytes.toString('hex')).toBe('00');
    expect(new Reader(bytes).compactNullableString()).toBeNull();
    expectDecodeError(() => new Reader(bytes).compactString());
  });

  it.each([
    [126, '7f'],
    [127, '8001'],
    [16382, 'ff7f'],
    [16383, '808001'],
  ])('a %d-byte string has length prefix %s', (n, prefix) => {
    const s = 'é'.repeat(n / 2) + 'a'.repeat(n % 2);
    const bytes = encode((w) => w.compactString(s));
    expect(bytes.subarray(0, prefix.length / 2).toString('hex')).toBe(prefix);
    expect(bytes.length).toBe(prefix.length / 2 + n);
    expect(new Reader(bytes).compactString()).toBe(s);
  });

  it.each([
    ['length past the end', '0a6162'],
    ['truncated length', '80'],
    ['over-long length varint', '8080808080'],
    ['2^32-1 length', 'ffffffff0f'],
  ])('%s -> ProtocolDecodeError', (_name, hex) => {
    expectDecodeError(() => new Reader(Buffer.from(hex, 'hex')).compactNullableString());
  });

  it('invalid UTF-8 decodes with replacement characters rather than throwing', () => {
    const r = new Reader(Buffer.from('03ff61', 'hex'));
    expect(r.compactString()).toBe('\ufffda');
  });
});

describe('bytes are views of the input, never copies', () => {
  const payload = Buffer.from('00010203040506070809', 'hex');

  it.each([
    ['classic', (w: Writer) => w.bytes(payload), (r: Reader) => r.bytes(), 4],
    ['classic nullable', (w: Writer) => w.nullableBytes(payload), (r: Reader) => r.nullableBytes(), 4],
    ['compact', (w: Writer) => w.compactBytes(payload), (r: Reader) => r.compactBytes(), 1],
    ['compact nullable', (w: Writer) => w.compactNullableBytes(payload), (r: Reader) => r.compactNullableBytes(), 1],
  ])('%s', (_name, write, read, prefixLength) => {
    // Place the message at an offset inside a bigger buffer, like a frame inside a socket chunk.
    const message = encode(write);
    const input = Buffer.concat([Buffer.from('aabb', 'hex'), message, Buffer.from('ccdd', 'hex')]);
    const r = new Reader(input, 2, 2 + message.length);
    const out = read(r)!;
    expect(out.equals(payload)).toBe(true);
    expect(r.pos).toBe(2 + message.length);
    // Same memory: same ArrayBuffer, at the right offset, and a write through the input shows.
    expect(out.buffer).toBe(input.buffer);
    expect(out.byteOffset).toBe(input.byteOffset + 2 + prefixLength);
    input[2 + prefixLength] = 0xee;
    expect(out[0]).toBe(0xee);
  });

  it('null and empty bytes', () => {
    expect(encode((w) => w.nullableBytes(null)).toString('hex')).toBe('ffffffff');
    expect(encode((w) => w.compactNullableBytes(null)).toString('hex')).toBe('00');
    expect(encode((w) => w.bytes(Buffer.alloc(0))).toString('hex')).toBe('00000000');
    expect(encode((w) => w.compactBytes(Buffer.alloc(0))).toString('hex')).toBe('01');
    expect(new Reader(Buffer.from('ffffffff', 'hex')).nullableBytes()).toBeNull();
    expect(new Reader(Buffer.from('00', 'hex')).compactNullableBytes()).toBeNull();
    expect(new Reader(Buffer.from('00000000', 'hex')).bytes().length).toBe(0);
    expect(new Reader(Buffer.from('01', 'hex')).compactBytes().length).toBe(0);
  });

  it.each([
    ['required classic bytes that are null', 'ffffffff', (r: Reader) => r.bytes()],
    ['required compact bytes that are null', '00', (r: Reader) => r.compactBytes()],
    ['classic length -2', 'fffffffe', (r: Reader) => r.nullableBytes()],
    ['classic length -2^31', '80000000', (r: Reader) => r.nullableBytes()],
    ['classic length 2^31-1', '7fffffff00', (r: Reader) => r.nullableBytes()],
    ['classic length past the end', '00000003aabb', (r: Reader) => r.nullableBytes()],
    ['compact length past the end', '04aabb', (r: Reader) => r.compactNullableBytes()],
    ['compact length 2^32-2', 'ffffffff0f', (r: Reader) => r.compactNullableBytes()],
    ['truncated classic length', '0000', (r: Reader) => r.nullableBytes()],
  ])('%s -> ProtocolDecodeError', (_name, hex, read) => {
    expectDecodeError(() => read(new Reader(Buffer.from(hex, 'hex'))));
  });

  it('a bytes field cannot read past the reader end even if the buffer continues', () => {
    const input = Buffer.from('00000004aabbccdd', 'hex');
    expectDecodeError(() => new Reader(input, 0, 6).bytes());
  });
});
