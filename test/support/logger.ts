import { createLogger, type Logger, type LogRecord } from '../../electron/engine/logging/logger.js';

/** A real Logger whose records a test can read. */
export function createMemoryLogger(): { logger: Logger; records: LogRecord[] } {
  const records: LogRecord[] = [];
  return { logger: createLogger([(record) => records.push(record)], { minLevel: 'debug' }), records };
}
