/** Per-topic log settings, by Kafka's topic config names. */

export interface LogConfig {
  /** segment.bytes: roll when an append would make the active segment larger. */
  segmentBytes: number;
  /** segment.ms: roll when the active segment's first append is older than this. */
  segmentMs: number;
  /** retention.ms: delete segments whose largest timestamp is older; -1 = unlimited. */
  retentionMs: number;
  /** retention.bytes: delete the oldest segments while the log stays at least this large; -1 = unlimited. */
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
}

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
});
