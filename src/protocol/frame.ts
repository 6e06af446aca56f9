/**
 * Splits a byte stream into size-prefixed frames (int32 size, then that many bytes).
 * A pure state machine: push socket chunks in, take whole frames out. A frame that lies in
 * one chunk is returned as a view of it; only frames spanning chunks are joined.
 */
import { ProtocolDecodeError } from './errors.ts';

export class FrameTooLargeError extends ProtocolDecodeError {
  declare readonly size: number;
  declare readonly limit: number;
  constructor(size: number, limit: number) {
    super(`frame of ${size} bytes exceeds the limit of ${limit}`, 0, { size, limit });
  }
}

export class FrameSplitter {
  private readonly maxFrameBytes: number;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Size of the frame being assembled, once its 4 size bytes have arrived; -1 before. */
  private expectedSize = -1;

  constructor(maxFrameBytes: number) {
    this.maxFrameBytes = maxFrameBytes;
  }

  /** Bytes received that do not yet form a whole frame. */
  get buffered(): number {
    return this.pendingBytes;
  }

  /** Adds a chunk and returns the frames it completes (without their size prefix). */
  push(chunk: Buffer): Buffer[] {
    const frames: Buffer[] = [];
    let buf: Buffer;
    if (this.pendingBytes === 0) {
      buf = chunk;
    } else {
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      if (this.expectedSize < 0) {
        if (this.pendingBytes < 4) return frames;
        this.expectedSize = this.peekSize();
        this.check(this.expectedSize);
      }
      // Join only once the whole frame has arrived: each byte is copied once.
      if (this.pendingBytes < this.expectedSize + 4) return frames;
      buf = Buffer.concat(this.pending, this.pendingBytes);
      this.pending = [];
      this.pendingBytes = 0;
      this.expectedSize = -1;
    }
    let pos = 0;
    while (buf.length - pos >= 4) {
      const size = buf.readInt32BE(pos);
      this.check(size);
      if (buf.length - pos - 4 < size) break;
      frames.push(buf.subarray(pos + 4, pos + 4 + size));
      pos += 4 + size;
    }
    if (pos < buf.length) {
      const rest = buf.subarray(pos);
      this.pending = [rest];
      this.pendingBytes = rest.length;
      this.expectedSize = rest.length >= 4 ? rest.readInt32BE(0) : -1;
    }
    return frames;
  }

  /** Reads the int32 size from the first 4 buffered bytes, copying only those. */
  private peekSize(): number {
    const head = Buffer.allocUnsafe(4);
    let filled = 0;
    for (const part of this.pending) {
      const n = Math.min(4 - filled, part.length);
      part.copy(head, filled, 0, n);
      filled += n;
      if (filled === 4) break;
    }
    return head.readInt32BE(0);
  }

  private check(size: number): void {
    if (size < 0) throw new ProtocolDecodeError(`negative frame size ${size}`, 0);
    if (size > this.maxFrameBytes) throw new FrameTooLargeError(size, this.maxFrameBytes);
  }
}
