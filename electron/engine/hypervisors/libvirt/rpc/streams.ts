// libvirt data streams (virStream over RPC), as the daemon implements them in remote_daemon_stream.c:
// after the opening call's OK reply, data travels as STREAM packets carrying the call's procedure and serial.
// CONTINUE packets hold data; STREAM_HOLE packets (sparse streams only) hold a virNetStreamHole. The client ends
// an upload with an empty OK packet; the daemon ends a download with an empty CONTINUE packet, the client answers
// with an empty OK; either way the daemon confirms with an empty OK. An ERROR packet from the client aborts; one
// from the daemon (or a REPLY with status ERROR) carries the virNetMessageError.
//
// Backpressure: an upload takes more data while less than UPLOAD_BUFFER_BYTES wait in the socket, and else waits for
// the socket to drain: the socket always holds the next megabytes, so the daemon is never left waiting on the
// client's event loop between two pieces. Downloads pause reading the connection while the consumer's buffer is
// full (every call on that connection waits meanwhile, so run bulk transfers on their own connection).

import { Readable, Writable } from 'node:stream';
import { type LibvirtConnectionError, LibvirtError, LibvirtProtocolError, decodeVirNetMessageError } from './errors.js';
import { type Frame, MessageStatus, MessageType, VIR_NET_MESSAGE_LEGACY_PAYLOAD_MAX } from './framing.js';
import { XdrReader, XdrWriter } from './xdr.js';

/** A hole of `length` zero bytes in a sparse stream. */
export interface StreamHole {
  kind: 'hole';
  length: number;
}

export interface StreamData {
  kind: 'data';
  data: Buffer;
}

/** What a download yields, in stream order. */
export type DownloadChunk = StreamData | StreamHole;

/** What an upload accepts: bytes, or a hole (sparse uploads only). */
export type UploadChunk = Uint8Array | StreamHole;

/** Upload data that may wait in the socket's buffer before a write waits for it to drain. */
export const UPLOAD_BUFFER_BYTES = 8 * 1024 * 1024;

export function streamHole(length: number): StreamHole {
  if (!Number.isSafeInteger(length) || length <= 0) throw new RangeError(`hole length must be a positive integer, got ${length}`);
  return { kind: 'hole', length };
}

/** What a stream needs from the client that owns the connection. */
export interface StreamHost {
  /** Writes one STREAM or STREAM_HOLE packet; false when the socket's buffer is full. */
  sendStreamPacket(serial: number, procedure: number, type: MessageType, status: MessageStatus, payload?: Uint8Array): boolean;
  /** Resolves once the socket can take more data (at once when it can); rejects when the connection fails. */
  waitForDrain(): Promise<void>;
  /** Bytes written to the connection that it has not yet handed to the operating system. */
  bufferedBytes(): number;
  pauseReading(owner: object): void;
  resumeReading(owner: object): void;
  unregisterStream(serial: number): void;
  /** Set once the connection has failed. */
  connectionFailure(): LibvirtConnectionError | null;
}

/** The client-side end of a stream, routed every packet that carries its serial after the opening call. */
export interface StreamChannel {
  readonly serial: number;
  handlePacket(frame: Frame): void;
  /**
   * The opening call timed out or was aborted before its reply: no stream object reaches the caller. If the
   * daemon's OK reply still arrives, the stream is aborted so the daemon releases the volume.
   */
  abandon(): void;
  handleConnectionFailure(error: LibvirtConnectionError): void;
}

function streamError(frame: Frame, procedureName: string): Error {
  try {
    const reader = new XdrReader(frame.payload);
    const error = decodeVirNetMessageError(reader);
    return new LibvirtError(error, procedureName);
  } catch (cause) {
    return new LibvirtProtocolError(`undecodable stream error for ${procedureName}`, { cause });
  }
}

function encodeHole(length: number): Buffer {
  // virNetStreamHole { hyper length; unsigned int flags; }
  return new XdrWriter(12).writeHyper(length).writeUint(0).toBuffer();
}

function decodeHole(payload: Buffer): number {
  const reader = new XdrReader(payload);
  const length = reader.readHyperNumber();
  reader.readUint();
  reader.assertEnd('virNetStreamHole');
  if (length < 0) throw new LibvirtProtocolError(`negative stream hole length ${length}`);
  return length;
}

type ChannelState = 'open' | 'finishing' | 'aborting' | 'done';

/** Shared handling of an abandoned opening call (see StreamChannel.abandon). */
abstract class AbandonableChannel {
  protected abandoned = false;
  protected readonly host: StreamHost;
  readonly serial: number;
  protected readonly procedure: number;
  protected readonly procedureName: string;

  constructor(host: StreamHost, serial: number, procedure: number, procedureName: string) {
    this.host = host;
    this.serial = serial;
    this.procedure = procedure;
    this.procedureName = procedureName;
  }

  abandon(): void {
    this.abandoned = true;
  }

  /** Returns true when the packet was consumed by the abandoned-stream handling. */
  protected handleIfAbandoned(frame: Frame): boolean {
    if (!this.abandoned) return false;
    if (frame.header.type === MessageType.REPLY && frame.header.status === MessageStatus.OK) {
      this.sendAbort();
      return true;
    }
    if (frame.header.status !== MessageStatus.CONTINUE) this.host.unregisterStream(this.serial);
    return true;
  }

  protected sendAbort(): void {
    if (this.host.connectionFailure()) return;
    this.host.sendStreamPacket(this.serial, this.procedure, MessageType.STREAM, MessageStatus.ERROR);
  }
}

/** Writable end of a volume upload. Write Buffers, or `streamHole(n)` when opened sparse; end() to finish. */
export class LibvirtUploadStream extends Writable implements StreamChannel {
  private readonly channel: UploadChannel;
  readonly sparse: boolean;

  constructor(host: StreamHost, serial: number, procedure: number, procedureName: string, sparse: boolean) {
    const channel = new UploadChannel(host, serial, procedure, procedureName, sparse);
    super({
      objectMode: true,
      highWaterMark: 16,
      write: (chunk: UploadChunk, _encoding, callback) => channel.write(chunk, callback),
      final: (callback) => channel.finish(callback),
      destroy: (error, callback) => {
        channel.abortIfOpen();
        callback(error);
      },
    });
    this.channel = channel;
    this.sparse = sparse;
    channel.onFailure = (error) => this.destroy(error);
  }

  get serial(): number {
    return this.channel.serial;
  }

  handlePacket(frame: Frame): void {
    this.channel.handlePacket(frame);
  }

  abandon(): void {
    this.channel.abandon();
  }

  handleConnectionFailure(error: LibvirtConnectionError): void {
    this.channel.handleConnectionFailure(error);
  }
}

class UploadChannel extends AbandonableChannel {
  private state: ChannelState = 'open';
  private finishCallback: ((error?: Error | null) => void) | null = null;
  private failure: Error | null = null;
  onFailure: (error: Error) => void = () => undefined;
  private readonly sparse: boolean;

  constructor(host: StreamHost, serial: number, procedure: number, procedureName: string, sparse: boolean) {
    super(host, serial, procedure, procedureName);
    this.sparse = sparse;
  }

  write(chunk: UploadChunk, callback: (error?: Error | null) => void): void {
    const blocked = this.failure ?? this.host.connectionFailure();
    if (blocked) {
      callback(blocked);
      return;
    }
    let writable = true;
    if (chunk instanceof Uint8Array) {
      for (let offset = 0; offset < chunk.length; offset += VIR_NET_MESSAGE_LEGACY_PAYLOAD_MAX) {
        const piece = chunk.subarray(offset, offset + VIR_NET_MESSAGE_LEGACY_PAYLOAD_MAX);
        writable = this.host.sendStreamPacket(this.serial, this.procedure, MessageType.STREAM, MessageStatus.CONTINUE, piece) && writable;
      }
    } else if (chunk !== null && typeof chunk === 'object' && chunk.kind === 'hole') {
      if (!this.sparse) {
        callback(new TypeError('a hole was written to an upload that was not opened as sparse'));
        return;
      }
      writable = this.host.sendStreamPacket(this.serial, this.procedure, MessageType.STREAM_HOLE, MessageStatus.CONTINUE, encodeHole(chunk.length));
    } else {
      callback(new TypeError('upload chunks must be Uint8Array or streamHole(length)'));
      return;
    }
    if (writable || this.host.bufferedBytes() < UPLOAD_BUFFER_BYTES) callback();
    else this.host.waitForDrain().then(() => callback(), (error: Error) => callback(error));
  }

  finish(callback: (error?: Error | null) => void): void {
    const blocked = this.failure ?? this.host.connectionFailure();
    if (blocked) {
      callback(blocked);
      return;
    }
    this.state = 'finishing';
    this.finishCallback = callback;
    this.host.sendStreamPacket(this.serial, this.procedure, MessageType.STREAM, MessageStatus.OK);
  }

  abortIfOpen(): void {
    if (this.state === 'open' || this.state === 'finishing') {
      this.state = 'aborting';
      this.sendAbort();
      if (this.host.connectionFailure()) this.host.unregisterStream(this.serial);
    }
  }

  handlePacket(frame: Frame): void {
    if (this.handleIfAbandoned(frame)) return;
    const { type, status } = frame.header;
    if (this.state === 'aborting' || this.state === 'done') {
      if (status !== MessageStatus.CONTINUE) this.host.unregisterStream(this.serial);
      return;
    }
    if (status === MessageStatus.ERROR) {
      this.fail(streamError(frame, this.procedureName));
    } else if (type === MessageType.STREAM && status === MessageStatus.OK && this.state === 'finishing') {
      this.state = 'done';
      this.host.unregisterStream(this.serial);
      const callback = this.finishCallback;
      this.finishCallback = null;
      callback?.();
    } else {
      this.fail(new LibvirtProtocolError(`unexpected packet (type ${type}, status ${status}) on upload stream ${this.procedureName}`));
    }
  }

  handleConnectionFailure(error: LibvirtConnectionError): void {
    if (this.state === 'done' || this.abandoned) return;
    this.fail(error);
  }

  private fail(error: Error): void {
    this.failure = error;
    const wasFinishing = this.state === 'finishing';
    this.state = 'done';
    this.host.unregisterStream(this.serial);
    const callback = this.finishCallback;
    this.finishCallback = null;
    if (wasFinishing && callback) callback(error);
    else this.onFailure(error);
  }
}

/** Readable end of a volume download, yielding DownloadChunk objects (holes only when opened sparse). */
export class LibvirtDownloadStream extends Readable implements StreamChannel {
  private state: ChannelState = 'open';
  private readonly channel: AbandonableDownload;
  private readonly host: StreamHost;
  readonly serial: number;
  private readonly procedure: number;
  private readonly procedureName: string;
  readonly sparse: boolean;

  constructor(host: StreamHost, serial: number, procedure: number, procedureName: string, sparse: boolean) {
    super({ objectMode: true, highWaterMark: 32 });
    this.host = host;
    this.serial = serial;
    this.procedure = procedure;
    this.procedureName = procedureName;
    this.sparse = sparse;
    this.channel = new AbandonableDownload(host, serial, procedure, procedureName);
  }

  override _read(): void {
    this.host.resumeReading(this);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.host.resumeReading(this);
    if (this.state === 'open' || this.state === 'finishing') {
      this.state = 'aborting';
      if (this.host.connectionFailure()) this.host.unregisterStream(this.serial);
      else this.host.sendStreamPacket(this.serial, this.procedure, MessageType.STREAM, MessageStatus.ERROR);
    }
    callback(error);
  }

  handlePacket(frame: Frame): void {
    if (this.channel.consume(frame)) return;
    const { type, status } = frame.header;
    if (this.state === 'aborting' || this.state === 'done') {
      if (status !== MessageStatus.CONTINUE) this.host.unregisterStream(this.serial);
      return;
    }
    if (status === MessageStatus.ERROR) {
      this.fail(streamError(frame, this.procedureName));
      return;
    }
    if (type === MessageType.STREAM && status === MessageStatus.CONTINUE && this.state === 'open') {
      if (frame.payload.length > 0) {
        this.deliver({ kind: 'data', data: frame.payload });
        return;
      }
      // An empty data packet is the daemon's end of data. Answer with OK, as virStreamFinish does; the daemon
      // confirms with an empty OK.
      this.state = 'finishing';
      this.host.sendStreamPacket(this.serial, this.procedure, MessageType.STREAM, MessageStatus.OK);
    } else if (type === MessageType.STREAM_HOLE && status === MessageStatus.CONTINUE && this.state === 'open') {
      if (!this.sparse) {
        this.fail(new LibvirtProtocolError(`hole received on non-sparse download ${this.procedureName}`));
        return;
      }
      let length: number;
      try {
        length = decodeHole(frame.payload);
      } catch (cause) {
        this.fail(cause instanceof LibvirtProtocolError ? cause : new LibvirtProtocolError(`undecodable stream hole in ${this.procedureName}`, { cause }));
        return;
      }
      if (length > 0) this.deliver({ kind: 'hole', length });
    } else if (type === MessageType.STREAM && status === MessageStatus.OK && this.state === 'finishing') {
      this.state = 'done';
      this.host.unregisterStream(this.serial);
      this.host.resumeReading(this);
      this.push(null);
    } else {
      this.fail(new LibvirtProtocolError(`unexpected packet (type ${type}, status ${status}) on download stream ${this.procedureName}`));
    }
  }

  abandon(): void {
    this.state = 'done';
    this.channel.abandon();
  }

  handleConnectionFailure(error: LibvirtConnectionError): void {
    if (this.state === 'done') return;
    this.fail(error);
  }

  private deliver(chunk: DownloadChunk): void {
    if (!this.push(chunk)) this.host.pauseReading(this);
  }

  private fail(error: Error): void {
    this.state = 'done';
    this.host.unregisterStream(this.serial);
    this.destroy(error);
  }
}

class AbandonableDownload extends AbandonableChannel {
  consume(frame: Frame): boolean {
    return this.handleIfAbandoned(frame);
  }
}
