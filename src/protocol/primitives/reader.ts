import { ProtocolDecodeError } from '../errors.ts';

const textDecoder = new TextDecoder('utf-8', { fatal: false });

/**
 * A bounds-checked cursor over a Buffer. Every overrun or impossible length raises a
 * ProtocolDecodeError carrying the byte offset; nothing here throws RangeError.
 * Byte fields are returned as views into the underlying buffer, never as copies.
 */
export class Reader {
  readonly buf: Buffer;
  pos: number;
  readonly end: number;

  constructor(buf: Buffer, start = 0, end = buf.length) {
    this.buf = buf;
    this.pos = start;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  fail(message: string): never {
    throw new ProtocolDecodeError(message, this.pos);
  }

  private need(n: number): void {
    if (this.pos + n > this.end) this.fail(`need ${n} bytes, ${this.end - this.pos} left`);
  }

  skip(n: number): void {
    if (n < 0) this.fail('negative skip');
    this.need(n);
    this.pos += n;
  }

  bool(): boolean {
    this.need(1);
    return this.buf[this.pos++] !== 0;
  }

  int8(): number {
    this.need(1);
    const v = this.buf.readInt8(this.pos);
    this.pos += 1;
    return v;
  }

  int16(): number {
    this.need(2);
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  uint16(): number {
    this.need(2);
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  int32(): number {
    this.need(4);
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  uint32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  int64(): bigint {
    this.need(8);
    const v = this.buf.readBigInt64BE(this.pos);
    this.pos += 8;
    return v;
  }

  float64(): number {
    this.need(8);
    const v = this.buf.readDoubleBE(this.pos);
    this.pos += 8;
    return v;
  }

  /** A UUID as its canonical 36-character lowercase hex form. */
  uuid(): string {
    this.need(16);
    const hex = this.buf.toString('hex', this.pos, this.pos + 16);
    this.pos += 16;
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  /** Unsigned LEB128 varint of at most 32 bits (Kafka's compact lengths and tags). */
  uvarint(): number {
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 5; i++) {
      if (this.pos >= this.end) this.fail('varint runs past the end');
      const b = this.buf[this.pos++];
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) {
        if (result > 0xffffffff) this.fail('varint exceeds 32 bits');
        return result;
      }
      shift += 7;
    }
    this.fail('varint longer than 5 bytes');
  }

  /** Zigzag signed varint of at most 32 bits. */
  varint(): number {
    const u = this.uvarint();
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }

  /** Zigzag signed varint of at most 64 bits. */
  varlong(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) this.fail('varlong runs past the end');
      const b = this.buf[this.pos++];
      if (i === 9 && b > 1) this.fail('varlong exceeds 64 bits');
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return (result >> 1n) ^ -(result & 1n);
      shift += 7n;
    }
    this.fail('varlong longer than 10 bytes');
  }

  private utf8(len: number): string {
    this.need(len);
    const start = this.pos;
    this.pos += len;
    return textDecoder.decode(this.buf.subarray(start, start + len));
  }

  private view(len: number): Buffer {
    this.need(len);
    const start = this.pos;
    this.pos += len;
    return this.buf.subarray(start, start + len);
  }

  /** int16-length string; -1 is null. */
  nullableString(): string | null {
    const len = this.int16();
    if (len === -1) return null;
    if (len < 0) this.fail(`invalid string length ${len}`);
    return this.utf8(len);
  }

  string(): string {
    const s = this.nullableString();
    if (s === null) this.fail('null where a string is required');
    return s;
  }

  /** unsigned varint length+1; 0 is null. */
  compactNullableString(): string | null {
    const n = this.uvarint();
    if (n === 0) return null;
    return this.utf8(n - 1);
  }

  compactString(): string {
    const s = this.compactNullableString();
    if (s === null) this.fail('null where a string is required');
    return s;
  }

  /** int32-length bytes; -1 is null. A view, not a copy. */
  nullableBytes(): Buffer | null {
    const len = this.int32();
    if (len === -1) return null;
    if (len < 0) this.fail(`invalid bytes length ${len}`);
    return this.view(len);
  }

  bytes(): Buffer {
    const b = this.nullableBytes();
    if (b === null) this.fail('null where bytes are required');
    return b;
  }

  compactNullableBytes(): Buffer | null {
    const n = this.uvarint();
    if (n === 0) return null;
    return this.view(n - 1);
  }

  compactBytes(): Buffer {
    const b = this.compactNullableBytes();
    if (b === null) this.fail('null where bytes are required');
    return b;
  }

  /** int32 array length; -1 is null. Bounded by the bytes left (each element takes at least one byte). */
  arrayLength(): number {
    const n = this.int32();
    if (n < -1) this.fail(`invalid array length ${n}`);
    if (n > this.remaining) this.fail(`array length ${n} exceeds the ${this.remaining} bytes left`);
    return n;
  }

  /** unsigned varint count+1; returns -1 for null. */
  compactArrayLength(): number {
    const n = this.uvarint() - 1;
    if (n > this.remaining) this.fail(`array length ${n} exceeds the ${this.remaining} bytes left`);
    return n;
  }

  /** Skips a tagged-field section, returning nothing. */
  skipTaggedFields(): void {
    const count = this.uvarint();
    for (let i = 0; i < count; i++) {
      this.uvarint();
      this.skip(this.uvarint());
    }
  }
}
