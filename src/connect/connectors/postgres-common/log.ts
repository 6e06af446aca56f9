/** The connectors' logger: warnings and errors on stderr; KSTREAM_CONNECT_LOG_LEVEL changes the level. */
import { createLogger, type LogLevel, type Logger } from '../../../util/logger.ts';

function level(): LogLevel {
  const v = process.env.KSTREAM_CONNECT_LOG_LEVEL;
  return v === 'debug' || v === 'info' || v === 'warn' || v === 'error' ? v : 'warn';
}

let root: Logger | undefined;

export function connectorLogger(fields: Record<string, unknown>): Logger {
  root ??= createLogger({ level: level() });
  return root.child(fields);
}
