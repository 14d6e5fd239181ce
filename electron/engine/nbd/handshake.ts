// The fixed newstyle handshake: greeting, client flags, then options (NBD_OPT_STRUCTURED_REPLY,
// NBD_OPT_SET_META_CONTEXT, NBD_OPT_GO, or NBD_OPT_LIST) each answered by one or more option replies. Oldstyle
// and plain (non-fixed) newstyle servers are refused: every server a backup talks to (QEMU since 2.x, nbdkit,
// nbd-server) speaks fixed newstyle, and only fixed newstyle can report errors and negotiate the extensions the
// backup needs. Every length the server sends is checked against a limit before any bytes are awaited.

import { NbdConnectionError, NbdNegotiationError, NbdProtocolError, NbdRequestError } from './errors.js';
import {
  NBD_CLISERV_MAGIC,
  NBD_FLAG_C_FIXED_NEWSTYLE,
  NBD_FLAG_C_NO_ZEROES,
  NBD_FLAG_FIXED_NEWSTYLE,
  NBD_FLAG_NO_ZEROES,
  NBD_INIT_MAGIC,
  NBD_MAX_STRING,
  NBD_OPTS_MAGIC,
  NBD_REP_FLAG_ERROR,
  NBD_REP_MAGIC,
  NbdInfo,
  NbdOption,
  NbdOptionReply,
  NbdTransmissionFlag,
  OPTION_REPLY_HEADER_SIZE,
  encodeGoPayload,
  encodeMetaContextPayload,
  encodeOption,
  nbdOptionName,
  nbdOptionReplyName,
  readUint64,
} from './protocol.js';
import { type HandshakeWire } from './wire.js';

/** Largest option reply payload accepted: the biggest legal one is NBD_REP_SERVER (two strings of 4096). */
export const MAX_OPTION_REPLY_LENGTH = 16 * 1024;
/** Replies to one option (NBD_OPT_LIST lists exports one reply each); more is a server gone wrong. */
export const MAX_OPTION_REPLIES = 10_000;

export interface NbdBlockSize {
  minimum: number;
  preferred: number;
  maximum: number;
}

export interface NbdExportInfo {
  /** The name the client asked for, or the server's canonical name when it sent one (NBD_INFO_NAME). */
  name: string;
  description: string | null;
  size: number;
  /** Raw transmission flags (NbdTransmissionFlag). */
  transmissionFlags: number;
  readOnly: boolean;
  canMultiConn: boolean;
  /** The server's block size constraints (NBD_INFO_BLOCK_SIZE), or null when it advertised none. */
  blockSize: NbdBlockSize | null;
}

export interface HandshakeOptions {
  exportName: string;
  /** Metadata contexts to select, e.g. `base:allocation`, `qemu:dirty-bitmap:backup-vda`. */
  metaContexts: readonly string[];
  /** Ask for structured replies (always needed for metadata contexts). */
  structuredReplies: boolean;
}

export interface HandshakeResult {
  export: NbdExportInfo;
  structuredReplies: boolean;
  /** Context id (as the server numbered it) to name. */
  metaContexts: Map<number, string>;
}

export interface NbdExportListing {
  name: string;
  description: string | null;
}

interface OptionReply {
  type: number;
  data: Buffer;
}

function checkString(what: string, value: string): void {
  if (Buffer.byteLength(value, 'utf8') > NBD_MAX_STRING) throw new NbdRequestError(`${what} is longer than ${NBD_MAX_STRING} bytes`);
}

/** Reads the greeting and answers with the client flags. Returns whether the 124 zero bytes are off. */
async function openNewstyle(wire: HandshakeWire): Promise<{ noZeroes: boolean }> {
  const greeting = await wire.read(16);
  if (greeting.readBigUInt64BE(0) !== NBD_INIT_MAGIC) {
    throw new NbdProtocolError('The peer is not an NBD server (no NBDMAGIC in its greeting)');
  }
  const style = greeting.readBigUInt64BE(8);
  if (style === NBD_CLISERV_MAGIC) {
    throw new NbdProtocolError('The NBD server uses the oldstyle handshake, which this client does not support (it has no export names, errors or structured replies); configure the server for newstyle');
  }
  if (style !== NBD_OPTS_MAGIC) throw new NbdProtocolError(`Unknown NBD handshake magic 0x${style.toString(16)}`);
  const flags = (await wire.read(2)).readUInt16BE(0);
  if ((flags & NBD_FLAG_FIXED_NEWSTYLE) === 0) {
    throw new NbdProtocolError('The NBD server speaks only the non-fixed newstyle handshake, which this client does not support');
  }
  const noZeroes = (flags & NBD_FLAG_NO_ZEROES) !== 0;
  const clientFlags = Buffer.allocUnsafe(4);
  clientFlags.writeUInt32BE(NBD_FLAG_C_FIXED_NEWSTYLE | (noZeroes ? NBD_FLAG_C_NO_ZEROES : 0), 0);
  wire.write(clientFlags);
  return { noZeroes };
}

async function readOptionReply(wire: HandshakeWire, option: number): Promise<OptionReply> {
  const header = await wire.read(OPTION_REPLY_HEADER_SIZE);
  if (header.readBigUInt64BE(0) !== NBD_REP_MAGIC) throw new NbdProtocolError(`Bad option reply magic in the answer to ${nbdOptionName(option)}`);
  const repliedTo = header.readUInt32BE(8);
  if (repliedTo !== option) {
    throw new NbdProtocolError(`The NBD server answered ${nbdOptionName(repliedTo)} while ${nbdOptionName(option)} was asked`);
  }
  const type = header.readUInt32BE(12);
  const length = header.readUInt32BE(16);
  if (length > MAX_OPTION_REPLY_LENGTH) {
    throw new NbdProtocolError(`The NBD server sent a ${length}-byte ${nbdOptionReplyName(type)} reply to ${nbdOptionName(option)} (limit ${MAX_OPTION_REPLY_LENGTH})`);
  }
  const data = length === 0 ? Buffer.alloc(0) : await wire.read(length);
  return { type, data };
}

/** Turns an error reply into the error the caller sees. */
function optionError(option: number, reply: OptionReply, subject: string): Error {
  const replyName = nbdOptionReplyName(reply.type);
  const text = reply.data.length > 0 ? `: ${reply.data.toString('utf8')}` : '';
  switch (reply.type) {
    case NbdOptionReply.ERR_UNKNOWN:
      return new NbdNegotiationError('export-unknown', `The NBD server has no export ${subject} (${replyName})${text}`, replyName);
    case NbdOptionReply.ERR_TLS_REQD:
      return new NbdNegotiationError('tls-required', `The NBD server requires TLS for ${subject}, which this client does not speak (${replyName})${text}`, replyName);
    case NbdOptionReply.ERR_SHUTDOWN:
      return new NbdConnectionError('server-shutdown', `The NBD server is shutting down (${replyName} to ${nbdOptionName(option)})${text}`);
    case NbdOptionReply.ERR_UNSUP:
      return new NbdNegotiationError('unsupported', `The NBD server does not support ${nbdOptionName(option)} (${replyName})${text}`, replyName);
    default:
      return new NbdNegotiationError('refused', `The NBD server refused ${nbdOptionName(option)} for ${subject} (${replyName})${text}`, replyName);
  }
}

function isError(reply: OptionReply): boolean {
  return (reply.type & NBD_REP_FLAG_ERROR) !== 0;
}

/** NBD_OPT_STRUCTURED_REPLY: true when granted, false when the server does not know it. */
async function negotiateStructuredReplies(wire: HandshakeWire): Promise<boolean> {
  wire.write(encodeOption(NbdOption.STRUCTURED_REPLY));
  const reply = await readOptionReply(wire, NbdOption.STRUCTURED_REPLY);
  if (reply.type === NbdOptionReply.ACK) return true;
  if (reply.type === NbdOptionReply.ERR_UNSUP) return false;
  if (isError(reply)) throw optionError(NbdOption.STRUCTURED_REPLY, reply, 'structured replies');
  throw new NbdProtocolError(`Unexpected ${nbdOptionReplyName(reply.type)} reply to NBD_OPT_STRUCTURED_REPLY`);
}

async function setMetaContexts(wire: HandshakeWire, exportName: string, queries: readonly string[]): Promise<Map<number, string>> {
  wire.write(encodeOption(NbdOption.SET_META_CONTEXT, encodeMetaContextPayload(exportName, queries)));
  const contexts = new Map<number, string>();
  for (let count = 0; count <= MAX_OPTION_REPLIES; count++) {
    const reply = await readOptionReply(wire, NbdOption.SET_META_CONTEXT);
    if (reply.type === NbdOptionReply.ACK) {
      const granted = new Set(contexts.values());
      const missing = queries.filter((query) => !granted.has(query));
      if (missing.length > 0) {
        const offered = granted.size > 0 ? [...granted].join(', ') : 'none';
        throw new NbdNegotiationError(
          'context-unavailable',
          `The NBD server does not offer metadata context${missing.length > 1 ? 's' : ''} ${missing.join(', ')} on export '${exportName}' (granted: ${offered})`,
        );
      }
      return contexts;
    }
    if (isError(reply)) throw optionError(NbdOption.SET_META_CONTEXT, reply, `metadata contexts on export '${exportName}'`);
    if (reply.type !== NbdOptionReply.META_CONTEXT) {
      throw new NbdProtocolError(`Unexpected ${nbdOptionReplyName(reply.type)} reply to NBD_OPT_SET_META_CONTEXT`);
    }
    if (reply.data.length < 5) throw new NbdProtocolError('NBD_REP_META_CONTEXT reply too short');
    const id = reply.data.readUInt32BE(0);
    const name = reply.data.subarray(4).toString('utf8');
    if (contexts.has(id)) throw new NbdProtocolError(`The NBD server gave metadata context id ${id} twice`);
    contexts.set(id, name);
  }
  throw new NbdProtocolError('Too many replies to NBD_OPT_SET_META_CONTEXT');
}

function parseBlockSize(data: Buffer): NbdBlockSize {
  if (data.length !== 14) throw new NbdProtocolError(`NBD_INFO_BLOCK_SIZE has length ${data.length}, not 14`);
  const minimum = data.readUInt32BE(2);
  const preferred = data.readUInt32BE(6);
  const maximum = data.readUInt32BE(10);
  // Only what the client relies on is checked: alignment must be a power of two it can round to, and the
  // maximum must allow at least one aligned block.
  const powerOfTwo = (n: number): boolean => n > 0 && (n & (n - 1)) === 0;
  if (!powerOfTwo(minimum) || minimum > 65_536) throw new NbdProtocolError(`NBD_INFO_BLOCK_SIZE minimum ${minimum} is not a power of two up to 64 KiB`);
  if (preferred === 0) throw new NbdProtocolError('NBD_INFO_BLOCK_SIZE preferred size is 0');
  if (maximum < minimum) throw new NbdProtocolError(`NBD_INFO_BLOCK_SIZE maximum ${maximum} is below the minimum ${minimum}`);
  return { minimum, preferred, maximum };
}

function exportInfo(name: string, size: number, flags: number, description: string | null, blockSize: NbdBlockSize | null): NbdExportInfo {
  return {
    name,
    description,
    size,
    transmissionFlags: flags,
    readOnly: (flags & NbdTransmissionFlag.READ_ONLY) !== 0,
    canMultiConn: (flags & NbdTransmissionFlag.CAN_MULTI_CONN) !== 0,
    blockSize,
  };
}

function parseExportSize(data: Buffer, at: number): number {
  const size = readUint64(data, at);
  if (size === null) throw new NbdProtocolError('The NBD export is larger than 8 PiB, which this client cannot address');
  return size;
}

/** NBD_OPT_GO; on NBD_REP_ERR_UNSUP falls back to NBD_OPT_EXPORT_NAME as the spec asks of clients. */
async function go(wire: HandshakeWire, exportName: string, noZeroes: boolean): Promise<NbdExportInfo> {
  wire.write(encodeOption(NbdOption.GO, encodeGoPayload(exportName, [NbdInfo.NAME, NbdInfo.DESCRIPTION, NbdInfo.BLOCK_SIZE])));
  let size: number | null = null;
  let flags = 0;
  let name = exportName;
  let description: string | null = null;
  let blockSize: NbdBlockSize | null = null;
  for (let count = 0; count <= MAX_OPTION_REPLIES; count++) {
    const reply = await readOptionReply(wire, NbdOption.GO);
    if (reply.type === NbdOptionReply.ACK) {
      if (size === null) throw new NbdProtocolError('The NBD server accepted NBD_OPT_GO without sending NBD_INFO_EXPORT');
      return exportInfo(name, size, flags, description, blockSize);
    }
    if (reply.type === NbdOptionReply.ERR_UNSUP) return goWithExportName(wire, exportName, noZeroes);
    if (isError(reply)) throw optionError(NbdOption.GO, reply, `'${exportName}'`);
    if (reply.type !== NbdOptionReply.INFO) throw new NbdProtocolError(`Unexpected ${nbdOptionReplyName(reply.type)} reply to NBD_OPT_GO`);
    if (reply.data.length < 2) throw new NbdProtocolError('NBD_REP_INFO reply too short');
    const info = reply.data.readUInt16BE(0);
    switch (info) {
      case NbdInfo.EXPORT:
        if (reply.data.length !== 12) throw new NbdProtocolError(`NBD_INFO_EXPORT has length ${reply.data.length}, not 12`);
        size = parseExportSize(reply.data, 2);
        flags = reply.data.readUInt16BE(10);
        break;
      case NbdInfo.NAME:
        name = reply.data.subarray(2).toString('utf8');
        break;
      case NbdInfo.DESCRIPTION:
        description = reply.data.subarray(2).toString('utf8');
        break;
      case NbdInfo.BLOCK_SIZE:
        blockSize = parseBlockSize(reply.data);
        break;
      default:
        // Information types this client does not know are ignored, as the spec requires.
        break;
    }
  }
  throw new NbdProtocolError('Too many replies to NBD_OPT_GO');
}

/** The old way into transmission: no reply header, and a server that lacks the export just hangs up. */
async function goWithExportName(wire: HandshakeWire, exportName: string, noZeroes: boolean): Promise<NbdExportInfo> {
  wire.write(encodeOption(NbdOption.EXPORT_NAME, Buffer.from(exportName, 'utf8')));
  let data: Buffer;
  try {
    data = await wire.read(10 + (noZeroes ? 0 : 124));
  } catch (error) {
    if (error instanceof NbdConnectionError && error.kind === 'closed') {
      throw new NbdNegotiationError('export-unknown', `The NBD server closed the connection on NBD_OPT_EXPORT_NAME '${exportName}' (no such export?)`);
    }
    throw error;
  }
  return exportInfo(exportName, parseExportSize(data, 0), data.readUInt16BE(8), null, null);
}

/** Runs the handshake up to the transmission phase. On NbdNegotiationError the caller should call abortHandshake(). */
export async function handshake(wire: HandshakeWire, options: HandshakeOptions): Promise<HandshakeResult> {
  checkString('The export name', options.exportName);
  for (const context of options.metaContexts) {
    checkString(`Metadata context name '${context.slice(0, 40)}...'`, context);
    if (!/^[^:\s]+:/.test(context)) throw new NbdRequestError(`Metadata context '${context}' does not start with a namespace and a colon`);
  }
  if (new Set(options.metaContexts).size !== options.metaContexts.length) throw new NbdRequestError('A metadata context is listed twice');
  const { noZeroes } = await openNewstyle(wire);
  let structuredReplies = false;
  if (options.structuredReplies || options.metaContexts.length > 0) structuredReplies = await negotiateStructuredReplies(wire);
  let metaContexts = new Map<number, string>();
  if (options.metaContexts.length > 0) {
    if (!structuredReplies) {
      throw new NbdNegotiationError('unsupported', 'The NBD server does not support structured replies, which metadata contexts (block status) need');
    }
    metaContexts = await setMetaContexts(wire, options.exportName, options.metaContexts);
  }
  const info = await go(wire, options.exportName, noZeroes);
  return { export: info, structuredReplies, metaContexts };
}

/** NBD_OPT_LIST: the exports the server offers. */
export async function listExportsOnWire(wire: HandshakeWire): Promise<NbdExportListing[]> {
  await openNewstyle(wire);
  wire.write(encodeOption(NbdOption.LIST));
  const exports: NbdExportListing[] = [];
  for (let count = 0; count <= MAX_OPTION_REPLIES; count++) {
    const reply = await readOptionReply(wire, NbdOption.LIST);
    if (reply.type === NbdOptionReply.ACK) return exports;
    if (isError(reply)) throw optionError(NbdOption.LIST, reply, 'the export list');
    if (reply.type !== NbdOptionReply.SERVER) throw new NbdProtocolError(`Unexpected ${nbdOptionReplyName(reply.type)} reply to NBD_OPT_LIST`);
    if (reply.data.length < 4) throw new NbdProtocolError('NBD_REP_SERVER reply too short');
    const nameLength = reply.data.readUInt32BE(0);
    if (nameLength > reply.data.length - 4) throw new NbdProtocolError('NBD_REP_SERVER name longer than its reply');
    const rest = reply.data.subarray(4 + nameLength);
    exports.push({ name: reply.data.subarray(4, 4 + nameLength).toString('utf8'), description: rest.length > 0 ? rest.toString('utf8') : null });
  }
  throw new NbdProtocolError('Too many replies to NBD_OPT_LIST');
}

/** Soft disconnect during the handshake: NBD_OPT_ABORT. The server's ACK is not awaited (the spec allows both). */
export function abortHandshake(wire: HandshakeWire): void {
  wire.write(encodeOption(NbdOption.ABORT));
}
