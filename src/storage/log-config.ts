/** Per-topic log settings, by Kafka's topic config names. */

export type CleanupPolicy = 'delete' | 'compact';

export interface LogConfig {
  /** segment.bytes: roll when an append would make the active segment larger. */
  segmentBytes: number;
  /** segment.ms: roll when the active segment's first append is older than this. */
  segmentMs: number;
  /** retention.ms: delete segments whose largest timestamp is older; -1 = unlimited. Only with cleanup.policy delete. */
  retentionMs: number;
  /** retention.bytes: delete the oldest segments while the log stays at least this large; -1 = unlimited. Only with cleanup.policy delete. */
  retentionBytes: number;
  /** index.interval.bytes: bytes between offset index entries. */
  indexIntervalBytes: number;
  /** segment.index.bytes: roll when an index would exceed this size. */
  segmentIndexBytes: number;
  /** max.message.bytes: largest accepted record batch. */
  maxMessageBytes: number;
  /** message.timestamp.type. */
  messageTimestampType: 'CreateTime' | 'LogAppendTime';
  /**
   * file.delete.delay.ms: accepted for compatibility; this version deletes segment files at once
   * (in-flight reads keep their open descriptor until they finish).
   */
  fileDeleteDelayMs: number;
  /**
   * cleanup.policy: `delete` applies retention.ms / retention.bytes, `compact` runs the log
   * cleaner (keeps the latest record per key); both may be set. Default `['delete']`.
   */
  cleanupPolicy?: readonly CleanupPolicy[];
  /** delete.retention.ms: how long tombstones (null values) survive compaction. Default 86400000. */
  deleteRetentionMs?: number;
  /** min.compaction.lag.ms: records younger than this are not compacted. Default 0. */
  minCompactionLagMs?: number;
  /** max.compaction.lag.ms: a dirty record older than this makes the log cleanable whatever its dirty ratio. Default Long.MAX (never). */
  maxCompactionLagMs?: number;
  /** min.cleanable.dirty.ratio: dirty bytes / cleanable bytes above which the log is cleaned. Default 0.5. */
  minCleanableDirtyRatio?: number;
}

/** Kafka's Long.MAX_VALUE defaults, as the largest exact JavaScript integer (any larger value means the same: never). */
export const NEVER_MS = Number.MAX_SAFE_INTEGER;

export const defaultLogConfig: LogConfig = Object.freeze({
  segmentBytes: 1073741824,
  segmentMs: 604800000,
  retentionMs: 604800000,
  retentionBytes: -1,
  indexIntervalBytes: 4096,
  segmentIndexBytes: 10485760,
  maxMessageBytes: 1048588,
  messageTimestampType: 'CreateTime',
  fileDeleteDelayMs: 60000,
  cleanupPolicy: Object.freeze(['delete'] as const),
  deleteRetentionMs: 86400000,
  minCompactionLagMs: 0,
  maxCompactionLagMs: NEVER_MS,
  minCleanableDirtyRatio: 0.5,
});

/** The cleanup and compaction settings of a config with Kafka's defaults applied. */
export interface CompactionSettings {
  /** cleanup.policy contains `compact`. */
  compact: boolean;
  /** cleanup.policy contains `delete` (retention by time and size applies). */
  delete: boolean;
  deleteRetentionMs: number;
  minCompactionLagMs: number;
  maxCompactionLagMs: number;
  minCleanableDirtyRatio: number;
}

function finiteOr(value: number | undefined, fallback: number): number {
  return value !== undefined && !Number.isNaN(value) ? value : fallback;
}

export function compactionSettings(config: LogConfig): CompactionSettings {
  const policy = config.cleanupPolicy ?? defaultLogConfig.cleanupPolicy!;
  return {
    compact: policy.includes('compact'),
    delete: policy.includes('delete'),
    deleteRetentionMs: Math.max(0, finiteOr(config.deleteRetentionMs, 86400000)),
    minCompactionLagMs: Math.max(0, finiteOr(config.minCompactionLagMs, 0)),
    maxCompactionLagMs: Math.max(1, finiteOr(config.maxCompactionLagMs, NEVER_MS)),
    minCleanableDirtyRatio: Math.min(1, Math.max(0, finiteOr(config.minCleanableDirtyRatio, 0.5))),
  };
}
