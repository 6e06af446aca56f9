/** Public API of the storage layer. */
export { defaultLogConfig, type LogConfig } from './log-config.ts';
export {
  PartitionLog,
  type AppendInfo,
  type AppendOptions,
  type FetchData,
  type PartitionLogOptions,
  type PartitionLogStats,
} from './partition-log.ts';
export { LogManager, CLEAN_SHUTDOWN_FILE, type LogManagerOptions } from './log-manager.ts';
export { KafkaStorageError, LogClosedError, LogDeletedError, OffsetOutOfRangeError, CorruptLogError } from './errors.ts';
