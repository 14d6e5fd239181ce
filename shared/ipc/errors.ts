// Errors cross every IPC transport as plain `{code, message}` values, never as thrown objects: a renderer can
// show them, a test can compare them, and nothing of the engine's internals (stacks, paths of its own) leaks.
import { z } from 'zod';

export const ERROR_CODES = [
  /** The message is not a valid envelope (not JSON, wrong shape, too large). */
  'invalid_message',
  /** The method exists but its params fail the method's schema. */
  'invalid_params',
  'unknown_method',
  'unknown_topic',
  /** The call was cancelled by the caller, or its connection closed. */
  'cancelled',
  'timeout',
  'not_found',
  'conflict',
  /** A required resource (a host, the catalog, a repository) cannot be used right now. */
  'unavailable',
  'transport_closed',
  /** A bug on the engine side: the detail is in the engine's log. */
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export const errorValueSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  /**
   * The engine's own, finer reason when it has one (`name_taken`, `no_space`, `original_running`, `locked`...):
   * what a screen decides on, where `code` is the broad kind. Absent for plain IPC errors.
   */
  reason: z.string().max(64).optional(),
});
export type ErrorValue = z.infer<typeof errorValueSchema>;

/** An error with a code that crosses IPC unchanged; throw it from a handler to answer with that code. */
export class IpcError extends Error {
  readonly code: ErrorCode;
  readonly reason: string | undefined;
  constructor(code: ErrorCode, message: string, reason?: string) {
    super(message);
    this.name = 'IpcError';
    this.code = code;
    this.reason = reason;
  }
  toValue(): ErrorValue {
    return this.reason === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, reason: this.reason };
  }
  static fromValue(value: ErrorValue): IpcError {
    return new IpcError(value.code, value.message, value.reason);
  }
}

/** Formats a schema failure as one readable line: `path: problem; path: problem`. */
export function describeSchemaIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}
