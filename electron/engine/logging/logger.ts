// The logger the engine is given. Electron main backs it with electron-log; headless mode with a JSON-lines file
// and the console. Every implementation redacts secrets before anything is written.
import { containsKnownSecret, maskKnownSecrets, MIN_SECRET_LENGTH } from './known-secrets.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger whose lines all carry these fields (a job id, a connection id). */
  child(fields: LogFields): Logger;
}

/** One log line as every sink receives it, already redacted. */
export interface LogRecord {
  time: string;
  level: LogLevel;
  message: string;
  fields: Record<string, unknown>;
}

export type LogSink = (record: LogRecord) => void;

const SECRET_KEY = /pass(word|phrase)?|secret|token|private.?key|credential|authorization|cookie/i;
/** Whether a field of this name holds a secret (its value is never logged, and is remembered as a secret). */
export const isSecretKey = (key: string): boolean => SECRET_KEY.test(key);
/** Values that look like secrets wherever they appear, even in free text: PEM keys, tokens in URLs. */
const SECRET_TEXT: readonly [RegExp, string][] = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, '[redacted private key]'],
  [/([?&#;](?:[a-z_]*token|password|passwd|pwd|passphrase|secret)=)[^&\s#;]+/gi, '$1[redacted]'],
  // The password of `scheme://user:password@host`, up to the last `@` before a blank or a quote: a password may
  // itself hold `@`, `/` or `:` when it was not percent-encoded. The user name may be empty. Also `scheme:/user:…@`,
  // which is what such a URL becomes once resolved as a file path (path.resolve folds the `//`).
  [/((?:\/\/|\b[a-z][a-z0-9+.-]*:\/)[^/\s:@"'<>]*:)[^\s"'<>]*@/gi, '$1[redacted]@'],
];
export const REDACTED = '[redacted]';

/**
 * Masks what looks like a secret in free text, and every secret value the engine has handled (known-secrets.ts)
 * of at least `minSecretLength` characters.
 */
export function redactText(text: string, minSecretLength = MIN_SECRET_LENGTH): string {
  let out = maskKnownSecrets(text, minSecretLength);
  for (const [pattern, replacement] of SECRET_TEXT) out = out.replace(pattern, replacement);
  return out;
}

/** Whether redactText would change `text`. */
export function needsRedaction(text: string, minSecretLength = MIN_SECRET_LENGTH): boolean {
  if (containsKnownSecret(text, minSecretLength)) return true;
  return SECRET_TEXT.some(([pattern]) => {
    pattern.lastIndex = 0;
    const found = pattern.test(text);
    pattern.lastIndex = 0;
    return found;
  });
}

type Path = readonly (string | number)[];

/**
 * Paths of the strings in `value` that redactText would change, or [] when there are none (the common case costs
 * one JSON.stringify and one search per pattern and known secret). Object keys are not searched.
 */
export function pathsToRedact(value: unknown, minSecretLength = MIN_SECRET_LENGTH): Path[] {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    return [];
  }
  if (text === undefined || !needsRedaction(text, minSecretLength)) return [];
  const out: Path[] = [];
  const walk = (node: unknown, path: Path, depth: number): void => {
    if (typeof node === 'string') {
      if (needsRedaction(node, minSecretLength)) out.push(path);
    } else if (Array.isArray(node)) {
      if (depth < 64) node.forEach((item, i) => walk(item, [...path, i], depth + 1));
    } else if (node !== null && typeof node === 'object') {
      if (depth < 64) for (const [key, item] of Object.entries(node)) walk(item, [...path, key], depth + 1);
    }
  };
  walk(value, [], 0);
  return out;
}

/** A copy of `value` with the string at `path` passed through redactText. */
export function redactAt<T>(value: T, path: Path, minSecretLength = MIN_SECRET_LENGTH): T {
  if (path.length === 0) return (typeof value === 'string' ? redactText(value, minSecretLength) : value) as T;
  const [head, ...rest] = path;
  if (Array.isArray(value)) return value.map((item, i) => (i === head ? redactAt(item, rest, minSecretLength) : item)) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    Object.defineProperty(out, key, { value: key === head ? redactAt(item, rest, minSecretLength) : item, enumerable: true, writable: true, configurable: true });
  }
  return out as T;
}

/** A deep copy of `value` with secret-named fields replaced and secret-looking text masked. */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 8) return '[too deep]';
  if (value instanceof Error) {
    return { name: value.name, message: redactText(value.message), ...(value.stack ? { stack: redactText(value.stack) } : {}) };
  }
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    // defineProperty: an own `__proto__` key (parsed JSON) stays a field, never becomes the copy's prototype.
    Object.defineProperty(out, key, { value: isSecretKey(key) ? REDACTED : redact(item, depth + 1), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** Builds a Logger that redacts, then hands records at or above `minLevel` to the sinks. */
export function createLogger(sinks: readonly LogSink[], options: { minLevel?: LogLevel; now?: () => Date } = {}): Logger {
  const min = LOG_LEVELS.indexOf(options.minLevel ?? 'info');
  const now = options.now ?? (() => new Date());
  const make = (bound: LogFields): Logger => {
    const emit = (level: LogLevel, message: string, fields?: LogFields): void => {
      if (LOG_LEVELS.indexOf(level) < min) return;
      const record: LogRecord = {
        time: now().toISOString(),
        level,
        message: redactText(message),
        fields: redact({ ...bound, ...fields }) as Record<string, unknown>,
      };
      for (const sink of sinks) {
        try {
          sink(record);
        } catch {
          // A failing sink (full disk, closed console) must not take the engine down with it.
        }
      }
    };
    return {
      debug: (m, f) => emit('debug', m, f),
      info: (m, f) => emit('info', m, f),
      warn: (m, f) => emit('warn', m, f),
      error: (m, f) => emit('error', m, f),
      child: (fields) => make({ ...bound, ...fields }),
    };
  };
  return make({});
}

/** Formats a record as one human-readable line (console sinks). */
export function formatLogLine(record: LogRecord): string {
  const fields = Object.keys(record.fields).length > 0 ? ` ${JSON.stringify(record.fields)}` : '';
  return `${record.time} ${record.level.toUpperCase().padEnd(5)} ${record.message}${fields}`;
}
