import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { LogSink } from './logger.js';

/** Appends one JSON object per line to `<dir>/lifeboat.log`; records arrive already redacted. */
export function createJsonFileSink(dir: string, fileName = 'lifeboat.log'): LogSink {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, fileName);
  return (record) => appendFileSync(file, `${JSON.stringify(record)}\n`);
}
