/**
 * CRC-32C (Castagnoli), the checksum of Kafka record batches (magic v2).
 *
 * `crc32c` uses the native implementation from `@node-rs/crc32` on a subarray view, so no bytes
 * are copied. `crc32cJs` is a table-driven pure JavaScript implementation kept as a reference
 * (tests cross-check the two) and as a fallback for callers that cannot load native code.
 */
import { crc32c as nativeCrc32c } from '@node-rs/crc32';

/** CRC-32C of `buf[start, end)`, as an unsigned 32-bit integer. */
export function crc32c(buf: Buffer, start = 0, end = buf.length): number {
  const view = start === 0 && end === buf.length ? buf : buf.subarray(start, end);
  return nativeCrc32c(view) >>> 0;
}

/** Reflected Castagnoli polynomial. */
const POLY = 0x82f63b78;

const TABLE: Uint32Array = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/**
 * Pure JavaScript CRC-32C of `buf[start, end)`. `initial` continues a previous result, so
 * `crc32cJs(b, m, e, crc32cJs(b, s, m)) === crc32cJs(b, s, e)`.
 */
export function crc32cJs(buf: Uint8Array, start = 0, end = buf.length, initial = 0): number {
  let crc = ~initial >>> 0;
  for (let i = start; i < end; i++) crc = TABLE[(crc ^ buf[i]) & 0xff] ^ (crc >>> 8);
  return ~crc >>> 0;
}
