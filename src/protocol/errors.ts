import { KstreamError } from '../util/errors.ts';
import { ErrorCode, errorInfo } from './generated/error-codes.ts';

/** Bytes that do not form a valid message: a frame is short, a length is negative, a varint is too long. */
export class ProtocolDecodeError extends KstreamError {
  declare readonly offset: number;
  constructor(message: string, offset: number, context?: Record<string, unknown>) {
    super('PROTOCOL_DECODE', message, { context: { offset, ...context } });
  }
}

/** A Kafka outcome carried by an error code (never 0). */
export class KafkaProtocolError extends KstreamError {
  declare readonly errorCode: number;
  declare readonly errorName: string;
  declare readonly retriable: boolean;
  constructor(errorCode: number, message?: string, context?: Record<string, unknown>) {
    const info = errorInfo(errorCode);
    super('KAFKA_' + info.name, message ?? `${info.name}: ${info.description}`, {
      context: { errorCode, errorName: info.name, retriable: info.retriable, ...context },
    });
  }
}

/** The request's API key or version is not one this side implements. */
export class UnsupportedVersionError extends KafkaProtocolError {
  constructor(apiKey: number, version: number) {
    super(ErrorCode.UNSUPPORTED_VERSION, `api key ${apiKey} version ${version} is not supported`, { apiKey, version });
  }
}
