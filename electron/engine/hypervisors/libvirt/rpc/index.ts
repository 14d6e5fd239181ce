// The libvirt remote-protocol client: what the hypervisor layer imports.

export * from './api.js';
export * from './client.js';
export * from './connection.js';
export * from './errors.js';
export { FrameError, FrameReader, VIR_NET_MESSAGE_MAX } from './framing.js';
export * from './procedures.js';
export * from './streams.js';
export * from './transports.js';
export { XdrDecodeError, XdrEncodeError } from './xdr.js';
