/** The records `produce` reads and `consume` prints, independent of any client library. */

export type TimestampType = 'CreateTime' | 'LogAppendTime';

export interface RecordHeader {
  key: Buffer;
  /** null for a header without a value. */
  value: Buffer | null;
}

/** A record read from a partition. */
export interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: bigint;
  /** Milliseconds since the epoch; -1 when the record has none. */
  timestamp: bigint;
  timestampType: TimestampType;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
  leaderEpoch: number;
}

/** A record parsed from the input of `produce`. Fields left undefined are decided by the producer. */
export interface RecordToProduce {
  /** The topic named by the input (`%t`, the JSON envelope); the command's TOPIC argument wins. */
  topic?: string;
  /** The partition named by the input (`%p`, the JSON envelope with `--keep-partition`). */
  partition?: number;
  /** Milliseconds since the epoch (`%T`, the JSON envelope); the producer's clock otherwise. */
  timestamp?: bigint;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

/** Bytes a record adds to a produce request, roughly (for batching and progress). */
export function recordSize(r: { key: Buffer | null; value: Buffer | null; headers: RecordHeader[] }): number {
  let n = 16 + (r.key?.length ?? 0) + (r.value?.length ?? 0);
  for (const h of r.headers) n += 4 + h.key.length + (h.value?.length ?? 0);
  return n;
}
