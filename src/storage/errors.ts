/**
 * Errors raised by the storage layer. Kafka-level failures are `KafkaProtocolError`s so the
 * broker can put `.errorCode` in its response.
 */
import { KafkaProtocolError } from '../protocol/errors.ts';
import { ErrorCode } from '../protocol/generated/error-codes.ts';

/** A fetch, list or delete-records offset outside [logStartOffset, logEndOffset]. */
export class OffsetOutOfRangeError extends KafkaProtocolError {
  declare readonly offset: number;
  declare readonly logStartOffset: number;
  declare readonly logEndOffset: number;
  constructor(offset: number, logStartOffset: number, logEndOffset: number, dir?: string) {
    super(
      ErrorCode.OFFSET_OUT_OF_RANGE,
      `offset ${offset} is outside the log range [${logStartOffset}, ${logEndOffset}]`,
      { offset, logStartOffset, logEndOffset, dir },
    );
  }
}

/** An I/O failure while reading or writing a log; the partition should be treated as offline. */
export class KafkaStorageError extends KafkaProtocolError {
  constructor(message: string, cause?: unknown, context?: Record<string, unknown>) {
    super(ErrorCode.KAFKA_STORAGE_ERROR, message, { ...context, cause });
  }
}

/** Stored bytes that are not a valid batch where one was expected. */
export class CorruptLogError extends KafkaProtocolError {
  constructor(message: string, context?: Record<string, unknown>) {
    super(ErrorCode.CORRUPT_MESSAGE, message, context);
  }
}

/** The log was closed (broker shutting down): retriable for clients. */
export class LogClosedError extends KafkaProtocolError {
  constructor(dir: string) {
    super(ErrorCode.NOT_LEADER_OR_FOLLOWER, `log ${dir} is closed`, { dir });
  }
}

/** The log was deleted. */
export class LogDeletedError extends KafkaProtocolError {
  constructor(dir: string) {
    super(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `log ${dir} was deleted`, { dir });
  }
}
