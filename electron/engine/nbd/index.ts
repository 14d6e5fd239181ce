// The NBD client's public surface: connect, read, query extents; errors; transports.
export {
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_MAX_IN_FLIGHT,
  DEFAULT_REQUEST_TIMEOUT_MS,
  NbdClient,
  connectNbd,
  listNbdExports,
  type NbdBlockStatusOptions,
  type NbdConnectOptions,
  type NbdReadChunksOptions,
  type NbdReadOptions,
  type NbdReadResult,
  type NbdRequestOptions,
} from './client.js';
export {
  NbdAbortError,
  NbdConnectionError,
  NbdError,
  NbdNegotiationError,
  NbdProtocolError,
  NbdRequestError,
  NbdServerError,
  NbdTimeoutError,
  type NbdConnectionErrorKind,
  type NbdNegotiationErrorCode,
} from './errors.js';
export { type NbdBlockSize, type NbdExportInfo, type NbdExportListing } from './handshake.js';
export { NBD_STATE_DIRTY, NBD_STATE_HOLE, NBD_STATE_ZERO, NbdTransmissionFlag, type NbdErrnoName } from './protocol.js';
export { type NbdExtent, type NbdRange } from './ranges.js';
export { type NbdTransport, describeTransport } from './transport.js';
