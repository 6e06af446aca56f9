/**
 * The record batch compression codecs in one place: none (0), gzip (1), snappy (2), lz4 (3),
 * zstd (4). gzip and zstd come from node:zlib; snappy and lz4 from a WebAssembly build shipped
 * in an npm package. Snappy data may be raw or in the xerial framing Java clients write.
 * Only code that must look inside batches uses this (compaction, the coordinator's own log,
 * tools); the produce and fetch paths never decompress.
 */
import { gzipSync, gunzipSync, zstdCompressSync, zstdDecompressSync } from 'node:zlib';
import { snappyCompress, snappyDecompress, lz4Compress, lz4Decompress } from '@platformatic/wasm-utils';
import { KafkaProtocolError } from '../errors.ts';
import { ErrorCode } from '../generated/error-codes.ts';
import type { CompressionType } from './batch-header.ts';

export const compressionIds: Readonly<Record<CompressionType, number>> = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 };
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);

function xerialDecompress(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let pos = 16; // magic (8), version (4), compatible version (4)
  while (pos + 4 <= data.length) {
    const len = data.readInt32BE(pos);
    pos += 4;
    if (len < 0 || pos + len > data.length) throw new Error('bad xerial snappy chunk');
    parts.push(Buffer.from(snappyDecompress(data.subarray(pos, pos + len))));
    pos += len;
  }
  return Buffer.concat(parts);
}

export function decompress(type: CompressionType, data: Buffer): Buffer {
  try {
    switch (type) {
      case 'none':
        return data;
      case 'gzip':
        return gunzipSync(data);
      case 'snappy':
        return data.length >= 16 && data.subarray(0, 8).equals(XERIAL_MAGIC) ? xerialDecompress(data) : Buffer.from(snappyDecompress(data));
      case 'lz4':
        return Buffer.from(lz4Decompress(data));
      case 'zstd':
        return zstdDecompressSync(data);
    }
  } catch (err) {
    throw new KafkaProtocolError(ErrorCode.CORRUPT_MESSAGE, `cannot decompress ${type} records: ${(err as Error).message}`);
  }
}

export function compress(type: CompressionType, data: Buffer): Buffer {
  switch (type) {
    case 'none':
      return data;
    case 'gzip':
      return gzipSync(data);
    case 'snappy':
      return Buffer.from(snappyCompress(data));
    case 'lz4':
      return Buffer.from(lz4Compress(data));
    case 'zstd':
      return zstdCompressSync(data);
  }
}
