/** Public API of the storage layer. */
export { defaultLogConfig, compactionSettings, type CleanupPolicy, type CompactionSettings, type LogConfig } from './log-config.ts';
export {
  PartitionLog,
  type AppendInfo,
  type AppendOptions,
  type FetchData,
  type PartitionLogOptions,
  type PartitionLogStats,
} from './partition-log.ts';
export { LogManager, CLEAN_SHUTDOWN_FILE, type LogManagerOptions } from './log-manager.ts';
export { LogCleaner, CLEANER_OFFSET_CHECKPOINT, type CleanReport, type LogCleanerOptions } from './log-cleaner.ts';
export type { CleanableState, CleanerHooks, CleanerStep, CompactOptions, CompactResult } from './compaction.ts';
export { SegmentFileCache } from './segment-file-cache.ts';
export { KafkaStorageError, LogClosedError, LogDeletedError, OffsetOutOfRangeError, CorruptLogError } from './errors.ts';
