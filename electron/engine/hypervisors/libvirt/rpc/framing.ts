// libvirt's RPC framing (src/rpc/virnetprotocol.x): every message is a 4-byte big-endian length that counts
// itself, a 24-byte header, then the payload. The limits are libvirt's own (raised to 32 MiB in libvirt 7.x;
// a 9.0 daemon sends and accepts messages up to that size), so anything larger is corruption or hostility.

import { XdrDecodeError, XdrReader, XdrWriter } from './xdr.js';

/** Largest message, header included, length word excluded (VIR_NET_MESSAGE_MAX). */
export const VIR_NET_MESSAGE_MAX = 33_554_432;
export const VIR_NET_MESSAGE_HEADER_MAX = 24;
export const VIR_NET_MESSAGE_PAYLOAD_MAX = VIR_NET_MESSAGE_MAX - VIR_NET_MESSAGE_HEADER_MAX;
export const VIR_NET_MESSAGE_LEN_MAX = 4;
/** Stream data per packet: what libvirt itself sends (VIR_NET_MESSAGE_LEGACY_PAYLOAD_MAX). */
export const VIR_NET_MESSAGE_LEGACY_PAYLOAD_MAX = 262_120;
/** Limit of every string in the protocols (VIR_NET_MESSAGE_STRING_MAX, REMOTE_STRING_MAX). */
export const VIR_NET_MESSAGE_STRING_MAX = 4_194_304;

export const MessageType = {
  CALL: 0,
  REPLY: 1,
  MESSAGE: 2,
  STREAM: 3,
  CALL_WITH_FDS: 4,
  REPLY_WITH_FDS: 5,
  STREAM_HOLE: 6,
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];
const MESSAGE_TYPES = Object.values(MessageType);

export const MessageStatus = { OK: 0, ERROR: 1, CONTINUE: 2 } as const;
export type MessageStatus = (typeof MessageStatus)[keyof typeof MessageStatus];
const MESSAGE_STATUSES = Object.values(MessageStatus);

/** virNetMessageHeader. */
export interface MessageHeader {
  program: number;
  version: number;
  procedure: number;
  type: MessageType;
  serial: number;
  status: MessageStatus;
}

export interface Frame {
  header: MessageHeader;
  /** The bytes after the header; shares memory with the received data. */
  payload: Buffer;
}

export type FrameErrorCode = 'too-small' | 'too-large' | 'bad-header';

/** The byte stream is not valid libvirt framing; the connection cannot be resynchronised. */
export class FrameError extends Error {
  override readonly name = 'FrameError';
  readonly code: FrameErrorCode;

  constructor(code: FrameErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** One complete message, length word included, ready to write to the socket. */
export function encodeFrame(header: MessageHeader, payload: Uint8Array = Buffer.alloc(0)): Buffer {
  const head = encodeFrameHead(header, payload.length);
  const frame = Buffer.allocUnsafe(head.length + payload.length);
  head.copy(frame, 0);
  frame.set(payload, head.length);
  return frame;
}

/**
 * The length word and header of a frame whose payload (`payloadLength` bytes) is sent right behind it: bulk stream
 * data goes to the socket as it is, without being copied into a frame buffer.
 */
export function encodeFrameHead(header: MessageHeader, payloadLength: number): Buffer {
  if (payloadLength > VIR_NET_MESSAGE_PAYLOAD_MAX) {
    throw new FrameError('too-large', `payload of ${payloadLength} bytes exceeds VIR_NET_MESSAGE_PAYLOAD_MAX (${VIR_NET_MESSAGE_PAYLOAD_MAX})`);
  }
  return new XdrWriter(VIR_NET_MESSAGE_LEN_MAX + VIR_NET_MESSAGE_HEADER_MAX)
    .writeUint(VIR_NET_MESSAGE_LEN_MAX + VIR_NET_MESSAGE_HEADER_MAX + payloadLength)
    .writeUint(header.program)
    .writeUint(header.version)
    .writeInt(header.procedure)
    .writeInt(header.type)
    .writeUint(header.serial)
    .writeInt(header.status)
    .toBuffer();
}

/** Decodes a header from the start of a message (the bytes after the length word). */
export function decodeHeader(message: Uint8Array): MessageHeader {
  const reader = new XdrReader(message);
  return {
    program: reader.readUint(),
    version: reader.readUint(),
    procedure: reader.readInt(),
    type: reader.readEnum(MESSAGE_TYPES, 'message type'),
    serial: reader.readUint(),
    status: reader.readEnum(MESSAGE_STATUSES, 'message status'),
  };
}

/**
 * Cuts a byte stream into frames, whatever the chunking. A message buffer is allocated only once its length has
 * been checked against the limit. After the first error the reader stays failed: framing cannot recover.
 */
export class FrameReader {
  private readonly lengthWord = Buffer.alloc(VIR_NET_MESSAGE_LEN_MAX);
  private lengthBytes = 0;
  private message: Buffer | null = null;
  private filled = 0;
  private failure: FrameError | null = null;

  private readonly maxMessageBytes: number;

  constructor(maxMessageBytes = VIR_NET_MESSAGE_MAX) {
    this.maxMessageBytes = maxMessageBytes;
  }

  /** Bytes of a partial message held so far. */
  get pendingBytes(): number {
    return this.message === null ? this.lengthBytes : VIR_NET_MESSAGE_LEN_MAX + this.filled;
  }

  get failed(): FrameError | null {
    return this.failure;
  }

  /** Feeds received bytes; `onFrame` runs for each complete message, in order. Throws FrameError. */
  push(chunk: Uint8Array, onFrame: (frame: Frame) => void): void {
    if (this.failure) throw this.failure;
    let offset = 0;
    while (offset < chunk.length) {
      if (this.message === null) {
        const take = Math.min(VIR_NET_MESSAGE_LEN_MAX - this.lengthBytes, chunk.length - offset);
        this.lengthWord.set(chunk.subarray(offset, offset + take), this.lengthBytes);
        this.lengthBytes += take;
        offset += take;
        if (this.lengthBytes < VIR_NET_MESSAGE_LEN_MAX) return;
        this.lengthBytes = 0;
        const messageBytes = this.checkedLength(this.lengthWord.readUInt32BE(0));
        const available = chunk.length - offset;
        if (available >= messageBytes) {
          // The whole message is in this chunk: no copy.
          const message = Buffer.from(chunk.buffer, chunk.byteOffset + offset, messageBytes);
          offset += messageBytes;
          this.emit(message, onFrame);
          continue;
        }
        this.message = Buffer.allocUnsafe(messageBytes);
        this.filled = 0;
      }
      const take = Math.min(this.message.length - this.filled, chunk.length - offset);
      this.message.set(chunk.subarray(offset, offset + take), this.filled);
      this.filled += take;
      offset += take;
      if (this.filled === this.message.length) {
        const message = this.message;
        this.message = null;
        this.emit(message, onFrame);
      }
    }
  }

  private checkedLength(total: number): number {
    if (total < VIR_NET_MESSAGE_LEN_MAX + VIR_NET_MESSAGE_HEADER_MAX) {
      throw this.fail(new FrameError('too-small', `message length ${total} is smaller than a header`));
    }
    const messageBytes = total - VIR_NET_MESSAGE_LEN_MAX;
    if (messageBytes > this.maxMessageBytes) {
      throw this.fail(new FrameError('too-large', `message of ${messageBytes} bytes exceeds the limit of ${this.maxMessageBytes}`));
    }
    return messageBytes;
  }

  private emit(message: Buffer, onFrame: (frame: Frame) => void): void {
    let header: MessageHeader;
    try {
      header = decodeHeader(message);
    } catch (error) {
      const reason = error instanceof XdrDecodeError ? error.message : String(error);
      throw this.fail(new FrameError('bad-header', `invalid message header: ${reason}`, { cause: error }));
    }
    onFrame({ header, payload: message.subarray(VIR_NET_MESSAGE_HEADER_MAX) });
  }

  private fail(error: FrameError): FrameError {
    this.failure = error;
    this.message = null;
    return error;
  }
}
