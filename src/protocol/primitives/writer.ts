/**
 * A growable big-endian writer. Small values are copied into a working buffer; large byte
 * fields (record batches) are referenced rather than copied, so the output is a list of
 * buffers to hand to a socket as they are (`toBuffers`) or join once (`toBuffer`).
 */
const REFERENCE_THRESHOLD = 4096;

export class Writer {
  private chunks: Buffer[] = [];
  private chunksLength = 0;
  private buf: Buffer;
  private pos = 0;

  constructor(initialSize = 256) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.chunksLength + this.pos;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const size = Math.max(this.buf.length * 2, this.pos + n, 256);
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  bool(v: boolean): this {
    this.ensure(1);
    this.buf[this.pos++] = v ? 1 : 0;
    return this;
  }

  int8(v: number): this {
    this.ensure(1);
    this.buf.writeInt8(v, this.pos);
    this.pos += 1;
    return this;
  }

  int16(v: number): this {
    this.ensure(2);
    this.buf.writeInt16BE(v, this.pos);
    this.pos += 2;
    return this;
  }

  uint16(v: number): this {
    this.ensure(2);
    this.buf.writeUInt16BE(v, this.pos);
    this.pos += 2;
    return this;
  }

  int32(v: number): this {
    this.ensure(4);
    this.buf.writeInt32BE(v, this.pos);
    this.pos += 4;
    return this;
  }

  uint32(v: number): this {
    this.ensure(4);
    this.buf.writeUInt32BE(v, this.pos);
    this.pos += 4;
    return this;
  }

  int64(v: bigint): this {
    this.ensure(8);
    this.buf.writeBigInt64BE(v, this.pos);
    this.pos += 8;
    return this;
  }

  float64(v: number): this {
    this.ensure(8);
    this.buf.writeDoubleBE(v, this.pos);
    this.pos += 8;
    return this;
  }

  uuid(v: string): this {
    const hex = v.replace(/-/g, '');
    if (hex.length !== 32 || !/^[0-9a-fA-F]+$/.test(hex)) throw new TypeError(`invalid uuid ${v}`);
    this.ensure(16);
    this.buf.write(hex, this.pos, 16, 'hex');
    this.pos += 16;
    return this;
  }

  uvarint(v: number): this {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new RangeError(`unsigned varint out of range: ${v}`);
    this.ensure(5);
    let n = v >>> 0;
    while (n >= 0x80) {
      this.buf[this.pos++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    this.buf[this.pos++] = n;
    return this;
  }

  varint(v: number): this {
    return this.uvarint(((v << 1) ^ (v >> 31)) >>> 0);
  }

  varlong(v: bigint): this {
    let n = BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
    this.ensure(10);
    while (n >= 0x80n) {
      this.buf[this.pos++] = Number(n & 0x7fn) | 0x80;
      n >>= 7n;
    }
    this.buf[this.pos++] = Number(n);
    return this;
  }

  private utf8(s: string, len: number): void {
    this.ensure(len);
    this.buf.write(s, this.pos, len, 'utf8');
    this.pos += len;
  }

  nullableString(v: string | null): this {
    if (v === null) return this.int16(-1);
    const len = Buffer.byteLength(v, 'utf8');
    if (len > 0x7fff) throw new RangeError(`string of ${len} UTF-8 bytes exceeds the 32767 an int16 length allows`);
    this.int16(len);
    this.utf8(v, len);
    return this;
  }

  string(v: string): this {
    return this.nullableString(v);
  }

  compactNullableString(v: string | null): this {
    if (v === null) return this.uvarint(0);
    const len = Buffer.byteLength(v, 'utf8');
    this.uvarint(len + 1);
    this.utf8(v, len);
    return this;
  }

  compactString(v: string): this {
    return this.compactNullableString(v);
  }

  /** Appends bytes as they are: copied when small, referenced when large. */
  raw(v: Uint8Array): this {
    if (v.length >= REFERENCE_THRESHOLD) {
      this.seal();
      const b = Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.length);
      this.chunks.push(b);
      this.chunksLength += b.length;
      return this;
    }
    this.ensure(v.length);
    this.buf.set(v, this.pos);
    this.pos += v.length;
    return this;
  }

  nullableBytes(v: Uint8Array | null): this {
    if (v === null) return this.int32(-1);
    this.int32(v.length);
    return this.raw(v);
  }

  bytes(v: Uint8Array): this {
    return this.nullableBytes(v);
  }

  compactNullableBytes(v: Uint8Array | null): this {
    if (v === null) return this.uvarint(0);
    this.uvarint(v.length + 1);
    return this.raw(v);
  }

  compactBytes(v: Uint8Array): this {
    return this.compactNullableBytes(v);
  }

  arrayLength(n: number): this {
    return this.int32(n);
  }

  compactArrayLength(n: number): this {
    return this.uvarint(n + 1);
  }

  /** An empty tagged-field section. */
  emptyTaggedFields(): this {
    return this.uvarint(0);
  }

  private seal(): void {
    if (this.pos === 0) return;
    const part = this.buf.subarray(0, this.pos);
    this.chunks.push(part);
    this.chunksLength += part.length;
    this.buf = this.buf.length - this.pos >= 64 ? this.buf.subarray(this.pos) : Buffer.allocUnsafe(256);
    this.pos = 0;
  }

  toBuffers(): Buffer[] {
    this.seal();
    return this.chunks;
  }

  toBuffer(): Buffer {
    const parts = this.toBuffers();
    return parts.length === 1 ? parts[0] : Buffer.concat(parts, this.chunksLength);
  }
}
