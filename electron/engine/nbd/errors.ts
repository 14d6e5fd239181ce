// Errors of the NBD client. Every failure the client reports is one of these classes (all extend NbdError), so
// callers decide by type: the connection is gone (NbdConnectionError, including NbdProtocolError), the server
// refused a request (NbdServerError) or an option during the handshake (NbdNegotiationError), the caller's own
// request was invalid (NbdRequestError), or the caller gave up (NbdTimeoutError, NbdAbortError). The connection
// survives the last four.

import { type NbdErrnoName, nbdCommandName, nbdErrnoName } from './protocol.js';

export abstract class NbdError extends Error {}

export type NbdConnectionErrorKind =
  /** The transport could not be opened: refused, no such socket, unknown host. */
  | 'connect-failed'
  /** Connecting plus the handshake took longer than the connect timeout. */
  | 'connect-timeout'
  /** The connection ended (peer closed, socket error) while in use. */
  | 'closed'
  /** close() or destroy() was called. */
  | 'closed-by-client'
  /** The server said it is shutting down (ESHUTDOWN, NBD_REP_ERR_SHUTDOWN); the client disconnected. */
  | 'server-shutdown'
  /** Too many requests were given up on without the server ever answering them. */
  | 'unresponsive'
  /** The server broke the protocol (see NbdProtocolError). */
  | 'protocol';

/** The connection is unusable: every pending and later request fails with this (or its subclass). */
export class NbdConnectionError extends NbdError {
  override readonly name: string = 'NbdConnectionError';
  readonly kind: NbdConnectionErrorKind;
  constructor(kind: NbdConnectionErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
  }
}

/**
 * The server sent something the protocol does not allow (bad magic, unknown cookie, a chunk outside the request,
 * a length over the limits). The byte stream cannot be trusted any more, so the client drops the connection.
 */
export class NbdProtocolError extends NbdConnectionError {
  override readonly name = 'NbdProtocolError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('protocol', message, options);
  }
}

/** The server answered a request with an error (NBD_REPLY_TYPE_ERROR / ERROR_OFFSET or a simple reply). */
export class NbdServerError extends NbdError {
  override readonly name = 'NbdServerError';
  /** The error value as sent. */
  readonly errno: number;
  /** Its name; values the protocol does not define are treated as EINVAL, as the spec asks. */
  readonly code: NbdErrnoName;
  /** The server's own text, when it sent one. */
  readonly serverMessage: string | null;
  /** For NBD_REPLY_TYPE_ERROR_OFFSET: where in the request the error happened. */
  readonly errorOffset: number | null;
  readonly command: number;
  constructor(command: number, errno: number, serverMessage: string | null, errorOffset: number | null) {
    const code = nbdErrnoName(errno);
    const raw = errno === 0 || (code === 'EINVAL' && errno !== 22) ? ` (error value ${errno})` : '';
    const where = errorOffset === null ? '' : ` at offset ${errorOffset}`;
    super(`NBD server failed ${nbdCommandName(command)}${where}: ${code}${raw}${serverMessage ? `: ${serverMessage}` : ''}`);
    this.errno = errno;
    this.code = code;
    this.serverMessage = serverMessage;
    this.errorOffset = errorOffset;
    this.command = command;
  }
}

export type NbdNegotiationErrorCode =
  /** The export name is not known to the server (NBD_REP_ERR_UNKNOWN). */
  | 'export-unknown'
  /** The server requires TLS first (NBD_REP_ERR_TLS_REQD); this client does not speak TLS. */
  | 'tls-required'
  /** A metadata context the caller asked for was not granted. */
  | 'context-unavailable'
  /** The server lacks something the caller needs (structured replies for metadata contexts, an option). */
  | 'unsupported'
  /** Any other refusal (NBD_REP_ERR_POLICY, ERR_INVALID, ERR_BLOCK_SIZE_REQD, ...). */
  | 'refused';

/** The server refused an option during the handshake; the client ended the session cleanly (NBD_OPT_ABORT). */
export class NbdNegotiationError extends NbdError {
  override readonly name = 'NbdNegotiationError';
  readonly code: NbdNegotiationErrorCode;
  /** The option reply type that said no (e.g. `NBD_REP_ERR_UNKNOWN`), null when the client decided. */
  readonly reply: string | null;
  constructor(code: NbdNegotiationErrorCode, message: string, reply: string | null = null) {
    super(message);
    this.code = code;
    this.reply = reply;
  }
}

/** The caller's request cannot be sent as asked (past the end of the export, misaligned, unknown context). */
export class NbdRequestError extends NbdError {
  override readonly name = 'NbdRequestError';
}

/** A request got no complete answer within its timeout; the connection stays usable and the late answer is dropped. */
export class NbdTimeoutError extends NbdError {
  override readonly name = 'NbdTimeoutError';
}

/** The caller's AbortSignal fired; the connection stays usable and the late answer is dropped. */
export class NbdAbortError extends NbdError {
  override readonly name = 'NbdAbortError';
}
