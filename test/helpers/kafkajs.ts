/** kafkajs set up for tests: quiet logs and every compression codec (gzip is built in). */
import { Kafka, logLevel, CompressionCodecs, CompressionTypes } from 'kafkajs';
import { snappyCompress, snappyDecompress, lz4Compress, lz4Decompress } from '@platformatic/wasm-utils';
import { zstdCompressSync, zstdDecompressSync } from 'node:zlib';

interface Encoder {
  buffer: Buffer;
}

let registered = false;
function registerCodecs(): void {
  if (registered) return;
  registered = true;
  CompressionCodecs[CompressionTypes.Snappy] = () => ({
    compress: async (encoder: Encoder) => Buffer.from(snappyCompress(encoder.buffer)),
    decompress: async (buffer: Buffer) => Buffer.from(snappyDecompress(buffer)),
  });
  CompressionCodecs[CompressionTypes.LZ4] = () => ({
    compress: async (encoder: Encoder) => Buffer.from(lz4Compress(encoder.buffer)),
    decompress: async (buffer: Buffer) => Buffer.from(lz4Decompress(buffer)),
  });
  CompressionCodecs[CompressionTypes.ZSTD] = () => ({
    compress: async (encoder: Encoder) => zstdCompressSync(encoder.buffer),
    decompress: async (buffer: Buffer) => zstdDecompressSync(buffer),
  });
}

export function kafkajsClient(bootstrap: string, clientId = 'kstream-test'): Kafka {
  registerCodecs();
  return new Kafka({ clientId, brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 3, initialRetryTime: 100 } });
}
