// Constants and message layouts of the NBD protocol (NetworkBlockDevice/nbd doc/proto.md), limited to what a
// read-only backup client speaks: the fixed newstyle handshake, structured replies, metadata contexts, and the
// READ, BLOCK_STATUS and DISC commands. Every number is on the wire big-endian. Values never change.

/** 'NBDMAGIC': the first 8 bytes every server sends. */
export const NBD_INIT_MAGIC = 0x4e42444d41474943n;
/** 'IHAVEOPT': after NBDMAGIC in newstyle negotiation, and before every option the client sends. */
export const NBD_OPTS_MAGIC = 0x49484156454f5054n;
/** cliserv_magic: after NBDMAGIC in the oldstyle negotiation (which this client refuses). */
export const NBD_CLISERV_MAGIC = 0x00420281861253n;
/** Every option reply of the fixed newstyle negotiation starts with this. */
export const NBD_REP_MAGIC = 0x0003e889045565a9n;

export const NBD_REQUEST_MAGIC = 0x25609513;
export const NBD_SIMPLE_REPLY_MAGIC = 0x67446698;
export const NBD_STRUCTURED_REPLY_MAGIC = 0x668e33ef;

/** Handshake flags (server, 16 bits). */
export const NBD_FLAG_FIXED_NEWSTYLE = 1 << 0;
export const NBD_FLAG_NO_ZEROES = 1 << 1;
/** Client flags (32 bits). */
export const NBD_FLAG_C_FIXED_NEWSTYLE = 1 << 0;
export const NBD_FLAG_C_NO_ZEROES = 1 << 1;

/** Transmission flags (16 bits), as the export reports them. */
export const NbdTransmissionFlag = {
  HAS_FLAGS: 1 << 0,
  READ_ONLY: 1 << 1,
  SEND_FLUSH: 1 << 2,
  SEND_FUA: 1 << 3,
  ROTATIONAL: 1 << 4,
  SEND_TRIM: 1 << 5,
  SEND_WRITE_ZEROES: 1 << 6,
  SEND_DF: 1 << 7,
  CAN_MULTI_CONN: 1 << 8,
  SEND_RESIZE: 1 << 9,
  SEND_CACHE: 1 << 10,
  SEND_FAST_ZERO: 1 << 11,
} as const;

export const NbdOption = {
  EXPORT_NAME: 1,
  ABORT: 2,
  LIST: 3,
  STARTTLS: 5,
  INFO: 6,
  GO: 7,
  STRUCTURED_REPLY: 8,
  LIST_META_CONTEXT: 9,
  SET_META_CONTEXT: 10,
} as const;

export const NbdOptionReply = {
  ACK: 1,
  SERVER: 2,
  INFO: 3,
  META_CONTEXT: 4,
  ERR_UNSUP: 0x8000_0001,
  ERR_POLICY: 0x8000_0002,
  ERR_INVALID: 0x8000_0003,
  ERR_PLATFORM: 0x8000_0004,
  ERR_TLS_REQD: 0x8000_0005,
  ERR_UNKNOWN: 0x8000_0006,
  ERR_SHUTDOWN: 0x8000_0007,
  ERR_BLOCK_SIZE_REQD: 0x8000_0008,
  ERR_TOO_BIG: 0x8000_0009,
} as const;
/** Bit 31 of an option reply type marks an error. */
export const NBD_REP_FLAG_ERROR = 0x8000_0000;

export const NbdInfo = {
  EXPORT: 0,
  NAME: 1,
  DESCRIPTION: 2,
  BLOCK_SIZE: 3,
} as const;

export const NbdCommand = {
  READ: 0,
  WRITE: 1,
  DISC: 2,
  FLUSH: 3,
  TRIM: 4,
  CACHE: 5,
  WRITE_ZEROES: 6,
  BLOCK_STATUS: 7,
} as const;
export type NbdCommand = (typeof NbdCommand)[keyof typeof NbdCommand];

export const NBD_CMD_FLAG_REQ_ONE = 1 << 3;

export const NBD_REPLY_FLAG_DONE = 1 << 0;

export const NbdReplyType = {
  NONE: 0,
  OFFSET_DATA: 1,
  OFFSET_HOLE: 2,
  BLOCK_STATUS: 5,
  ERROR: 0x8001,
  ERROR_OFFSET: 0x8002,
} as const;
/** Bit 15 of a structured reply type marks an error chunk (also for types this client does not know). */
export const NBD_REPLY_TYPE_ERROR_BIT = 0x8000;

/** base:allocation flags. */
export const NBD_STATE_HOLE = 1 << 0;
export const NBD_STATE_ZERO = 1 << 1;
/** qemu:dirty-bitmap:* flag. */
export const NBD_STATE_DIRTY = 1 << 0;

/** The error values the protocol defines (errno numbers as Linux has them). */
export const NbdErrno = {
  EPERM: 1,
  EIO: 5,
  ENOMEM: 12,
  EINVAL: 22,
  ENOSPC: 28,
  EOVERFLOW: 75,
  ENOTSUP: 95,
  ESHUTDOWN: 108,
} as const;
export type NbdErrnoName = keyof typeof NbdErrno;

const ERRNO_NAMES = new Map<number, NbdErrnoName>(Object.entries(NbdErrno).map(([name, value]) => [value, name as NbdErrnoName]));

/** The spec says to treat an unexpected error value as EINVAL; the raw number is kept by the caller. */
export function nbdErrnoName(errno: number): NbdErrnoName {
  return ERRNO_NAMES.get(errno) ?? 'EINVAL';
}

const OPTION_NAMES = new Map<number, string>(Object.entries(NbdOption).map(([name, value]) => [value, `NBD_OPT_${name}`]));
const OPTION_REPLY_NAMES = new Map<number, string>(Object.entries(NbdOptionReply).map(([name, value]) => [value, `NBD_REP_${name}`]));
const COMMAND_NAMES = new Map<number, string>(Object.entries(NbdCommand).map(([name, value]) => [value, `NBD_CMD_${name}`]));
const REPLY_TYPE_NAMES = new Map<number, string>(Object.entries(NbdReplyType).map(([name, value]) => [value, `NBD_REPLY_TYPE_${name}`]));

export function nbdOptionName(option: number): string {
  return OPTION_NAMES.get(option) ?? `option ${option}`;
}
export function nbdOptionReplyName(reply: number): string {
  return OPTION_REPLY_NAMES.get(reply) ?? `${(reply & NBD_REP_FLAG_ERROR) !== 0 ? 'error ' : ''}reply 0x${reply.toString(16)}`;
}
export function nbdCommandName(command: number): string {
  return COMMAND_NAMES.get(command) ?? `command ${command}`;
}
export function nbdReplyTypeName(type: number): string {
  return REPLY_TYPE_NAMES.get(type) ?? `reply type 0x${type.toString(16)}`;
}

/** Sizes of the fixed parts of messages. */
export const OPTION_HEADER_SIZE = 16;
export const OPTION_REPLY_HEADER_SIZE = 20;
export const REQUEST_SIZE = 28;
export const SIMPLE_REPLY_HEADER_SIZE = 16;
export const STRUCTURED_REPLY_HEADER_SIZE = 20;

/** Strings (export names, context names, messages) MUST be at most this long. */
export const NBD_MAX_STRING = 4096;
/** What a client should limit READ requests to when the server advertises no maximum (2^25). */
export const NBD_DEFAULT_MAX_REQUEST = 32 * 1024 * 1024;
/** The largest value of a 32-bit length field. */
export const NBD_MAX_LENGTH_FIELD = 0xffff_ffff;

/** 64-bit fields as JS numbers: anything past 2^53 cannot be an offset or size this client uses. */
export function readUint64(buffer: Buffer, offset: number): number | null {
  const high = buffer.readUInt32BE(offset);
  if (high >= 0x20_0000) return null;
  return high * 0x1_0000_0000 + buffer.readUInt32BE(offset + 4);
}

export function writeUint64(buffer: Buffer, value: number, offset: number): void {
  buffer.writeUInt32BE(Math.floor(value / 0x1_0000_0000), offset);
  buffer.writeUInt32BE(value % 0x1_0000_0000, offset + 4);
}

/** One option as the client sends it: IHAVEOPT, option, length, data. */
export function encodeOption(option: number, data: Buffer = Buffer.alloc(0)): Buffer {
  const message = Buffer.allocUnsafe(OPTION_HEADER_SIZE + data.length);
  message.writeBigUInt64BE(NBD_OPTS_MAGIC, 0);
  message.writeUInt32BE(option, 8);
  message.writeUInt32BE(data.length, 12);
  data.copy(message, OPTION_HEADER_SIZE);
  return message;
}

/** A transmission request; the cookie (called handle in older texts) is any 64-bit value, here a safe integer. */
export function encodeRequest(command: number, flags: number, cookie: number, offset: number, length: number): Buffer {
  const message = Buffer.allocUnsafe(REQUEST_SIZE);
  message.writeUInt32BE(NBD_REQUEST_MAGIC, 0);
  message.writeUInt16BE(flags, 4);
  message.writeUInt16BE(command, 6);
  writeUint64(message, cookie, 8);
  writeUint64(message, offset, 16);
  message.writeUInt32BE(length, 24);
  return message;
}

/** Payload of NBD_OPT_GO / NBD_OPT_INFO: name, then the list of information requests. */
export function encodeGoPayload(exportName: string, infoRequests: readonly number[]): Buffer {
  const name = Buffer.from(exportName, 'utf8');
  const payload = Buffer.allocUnsafe(4 + name.length + 2 + 2 * infoRequests.length);
  payload.writeUInt32BE(name.length, 0);
  name.copy(payload, 4);
  payload.writeUInt16BE(infoRequests.length, 4 + name.length);
  infoRequests.forEach((info, i) => payload.writeUInt16BE(info, 6 + name.length + 2 * i));
  return payload;
}

/** Payload of NBD_OPT_SET_META_CONTEXT / NBD_OPT_LIST_META_CONTEXT: export name, then the queries. */
export function encodeMetaContextPayload(exportName: string, queries: readonly string[]): Buffer {
  const parts: Buffer[] = [];
  const name = Buffer.from(exportName, 'utf8');
  const header = Buffer.allocUnsafe(4);
  header.writeUInt32BE(name.length, 0);
  parts.push(header, name);
  const count = Buffer.allocUnsafe(4);
  count.writeUInt32BE(queries.length, 0);
  parts.push(count);
  for (const query of queries) {
    const bytes = Buffer.from(query, 'utf8');
    const length = Buffer.allocUnsafe(4);
    length.writeUInt32BE(bytes.length, 0);
    parts.push(length, bytes);
  }
  return Buffer.concat(parts);
}
