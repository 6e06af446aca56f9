/** Log sequence numbers: 64-bit WAL positions, written X/Y (two hex halves). */

export function parseLsn(text: string): bigint {
  const m = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(text.trim());
  if (!m) throw new Error(`not an LSN: ${JSON.stringify(text)}`);
  return (BigInt(`0x${m[1]}`) << 32n) | BigInt(`0x${m[2]}`);
}

export function formatLsn(lsn: bigint): string {
  return `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffffffffn).toString(16).toUpperCase()}`;
}

/** An LSN as it is kept in source offsets: a JSON number (Debezium keeps a long). */
export function lsnToOffsetValue(lsn: bigint): number | string {
  return lsn <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(lsn) : lsn.toString();
}

/** Reads an LSN from an offset: a number, a decimal string or X/Y; null when absent or unreadable. */
export function lsnFromOffsetValue(value: unknown): bigint | null {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  if (typeof value === 'bigint' && value >= 0n) return value;
  if (typeof value === 'string') {
    if (/^\d+$/.test(value)) return BigInt(value);
    try {
      return parseLsn(value);
    } catch {
      return null;
    }
  }
  return null;
}
