// A libvirt RPC client over any byte stream (unix or TCP socket, TLS, an SSH channel). It matches replies to
// calls by serial (calls may be answered in any order), gives each call a timeout and an AbortSignal, answers
// the daemon's keepalive PINGs and can send its own to notice a dead host, routes asynchronous MESSAGEs (events)
// to listeners and stream packets to their stream, and fails every pending call with LibvirtConnectionError the
// moment the connection ends.

import { type Duplex } from 'node:stream';
import { type Logger } from '../../../logging/logger.js';
import {
  LibvirtAbortError,
  LibvirtConnectionError,
  LibvirtError,
  LibvirtProtocolError,
  LibvirtTimeoutError,
  decodeVirNetMessageError,
} from './errors.js';
import { type Frame, FrameError, FrameReader, MessageStatus, MessageType, VIR_NET_MESSAGE_MAX, encodeFrame, encodeFrameHead } from './framing.js';
import { KEEPALIVE_PROGRAM, KEEPALIVE_PROTOCOL_VERSION, KeepaliveProcedure, REMOTE_PROGRAM, REMOTE_PROTOCOL_VERSION, procedureName } from './procedures.js';
import { LibvirtDownloadStream, LibvirtUploadStream, type StreamChannel, type StreamHost } from './streams.js';
import { XdrReader } from './xdr.js';

export interface LibvirtRpcClientOptions {
  logger?: Logger;
  /** Default reply timeout of a call, in ms; 0 waits forever. Default 120 s. */
  callTimeoutMs?: number;
  /** Largest message accepted from the peer (tests lower it); default VIR_NET_MESSAGE_MAX. */
  maxMessageBytes?: number;
}

export interface CallOptions {
  /** Overrides the client's default reply timeout; 0 waits forever. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface KeepaliveOptions {
  /** Send a PING after this much silence from the peer. libvirt's default is 5 s. */
  intervalMs: number;
  /** Declare the connection dead after this many PINGs go unanswered. libvirt's default is 5. */
  maxMissed: number;
}

/** An asynchronous MESSAGE of the remote program (an event), payload still encoded. */
export type MessageListener = (procedure: number, payload: Buffer) => void;
export type CloseListener = (error: LibvirtConnectionError) => void;

interface PendingCall {
  program: number;
  version: number;
  procedure: number;
  name: string;
  resolve: (payload: Buffer) => void;
  reject: (error: Error) => void;
  stream: StreamChannel | null;
  timer: NodeJS.Timeout | null;
  detachAbort: (() => void) | null;
}

const DEFAULT_CALL_TIMEOUT_MS = 120_000;
const CLOSE_GRACE_MS = 1_000;

export class LibvirtRpcClient {
  private readonly logger: Logger | undefined;
  private readonly callTimeoutMs: number;
  private readonly frames: FrameReader;
  private readonly pending = new Map<number, PendingCall>();
  private readonly streams = new Map<number, StreamChannel>();
  private readonly messageListeners = new Set<MessageListener>();
  private readonly closeListeners = new Set<CloseListener>();
  private readonly readPausers = new Set<object>();
  private nextSerial = 1;
  private failureError: LibvirtConnectionError | null = null;
  private keepaliveTimer: NodeJS.Timeout | null = null;
  private lastActivity = Date.now();
  private lastPingSent = 0;
  private framesReceived = 0;
  private receivedBytes: Buffer = Buffer.alloc(0);
  private unansweredPings = 0;
  private readonly socketClosed: Promise<void>;
  private readonly streamHost: StreamHost;
  private readonly socket: Duplex;

  constructor(socket: Duplex, options: LibvirtRpcClientOptions = {}) {
    this.socket = socket;
    this.logger = options.logger;
    this.callTimeoutMs = options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
    this.frames = new FrameReader(options.maxMessageBytes ?? VIR_NET_MESSAGE_MAX);
    this.socketClosed = new Promise((resolve) => {
      socket.once('close', () => resolve());
    });
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => this.fail(new LibvirtConnectionError('closed', 'libvirtd closed the connection')));
    socket.on('close', () => this.fail(new LibvirtConnectionError('closed', 'the connection to libvirtd was closed')));
    socket.on('error', (error: Error) =>
      this.fail(new LibvirtConnectionError('closed', `the connection to libvirtd failed: ${error.message}`, { cause: error })),
    );
    if (socket.destroyed) this.fail(new LibvirtConnectionError('closed', 'the connection to libvirtd is already closed'));
    this.streamHost = this.makeStreamHost();
  }

  /** Set once the connection has failed or been closed; every call then rejects with it. */
  get failure(): LibvirtConnectionError | null {
    return this.failureError;
  }

  get closed(): boolean {
    return this.failureError !== null;
  }

  /** Number of calls waiting for their reply. */
  get pendingCalls(): number {
    return this.pending.size;
  }

  /** Calls a procedure of the remote program; resolves with the encoded reply payload. */
  call(procedure: number, args: Uint8Array | null = null, options: CallOptions = {}): Promise<Buffer> {
    return this.send(REMOTE_PROGRAM, REMOTE_PROTOCOL_VERSION, procedure, args, options, null);
  }

  private send(
    program: number,
    version: number,
    procedure: number,
    args: Uint8Array | null,
    options: CallOptions,
    streamFactory: ((serial: number) => StreamChannel) | null,
  ): Promise<Buffer> {
    const name = procedureName(program, procedure);
    if (this.failureError) return Promise.reject(this.failureError);
    if (options.signal?.aborted) return Promise.reject(new LibvirtAbortError(name, { cause: options.signal.reason }));

    const serial = this.allocateSerial();
    let frame: Buffer;
    try {
      frame = encodeFrame({ program, version, procedure, type: MessageType.CALL, serial, status: MessageStatus.OK }, args ?? undefined);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    return new Promise<Buffer>((resolve, reject) => {
      const call: PendingCall = { program, version, procedure, name, resolve, reject, stream: null, timer: null, detachAbort: null };
      const settle = (): void => {
        if (call.timer) clearTimeout(call.timer);
        call.detachAbort?.();
        this.pending.delete(serial);
      };
      call.resolve = (payload) => {
        settle();
        resolve(payload);
      };
      call.reject = (error) => {
        settle();
        reject(error);
      };
      const giveUp = (error: Error): void => {
        // The daemon may still answer; the stream (if any) then aborts itself, a plain reply is dropped.
        call.stream?.abandon();
        call.reject(error);
      };
      const timeoutMs = options.timeoutMs ?? this.callTimeoutMs;
      if (timeoutMs > 0) {
        call.timer = setTimeout(() => giveUp(new LibvirtTimeoutError(name, timeoutMs)), timeoutMs);
      }
      const signal = options.signal;
      if (signal) {
        const onAbort = (): void => giveUp(new LibvirtAbortError(name, { cause: signal.reason }));
        signal.addEventListener('abort', onAbort, { once: true });
        call.detachAbort = () => signal.removeEventListener('abort', onAbort);
      }
      this.pending.set(serial, call);
      if (streamFactory) {
        call.stream = streamFactory(serial);
        this.streams.set(serial, call.stream);
      }
      this.write(frame);
    });
  }

  /**
   * Calls a stream-opening procedure (e.g. STORAGE_VOL_UPLOAD) and resolves with the upload stream once the
   * daemon has accepted it. Finish with `end()`; `destroy()` aborts the transfer. If the call times out or is
   * aborted, the stream stays registered so that a late OK from the daemon is answered with an abort.
   */
  async openUpload(procedure: number, args: Uint8Array, options: CallOptions & { sparse: boolean }): Promise<LibvirtUploadStream> {
    let stream: LibvirtUploadStream | null = null;
    const name = procedureName(REMOTE_PROGRAM, procedure);
    await this.send(REMOTE_PROGRAM, REMOTE_PROTOCOL_VERSION, procedure, args, options, (serial) => {
      stream = new LibvirtUploadStream(this.streamHost, serial, procedure, name, options.sparse);
      return stream;
    });
    if (!stream) throw new LibvirtProtocolError(`${name} did not open a stream`);
    return stream;
  }

  /** Calls a stream-opening procedure (e.g. STORAGE_VOL_DOWNLOAD); resolves with a readable of DownloadChunk. */
  async openDownload(procedure: number, args: Uint8Array, options: CallOptions & { sparse: boolean }): Promise<LibvirtDownloadStream> {
    let stream: LibvirtDownloadStream | null = null;
    const name = procedureName(REMOTE_PROGRAM, procedure);
    await this.send(REMOTE_PROGRAM, REMOTE_PROTOCOL_VERSION, procedure, args, options, (serial) => {
      stream = new LibvirtDownloadStream(this.streamHost, serial, procedure, name, options.sparse);
      return stream;
    });
    if (!stream) throw new LibvirtProtocolError(`${name} did not open a stream`);
    return stream;
  }

  /** Listens to asynchronous MESSAGEs of the remote program (events); returns the unsubscribe function. */
  onMessage(listener: MessageListener): () => void {
    this.messageListeners.add(listener);
    return () => this.messageListeners.delete(listener);
  }

  /** Called once, when the connection fails or is closed. */
  onClose(listener: CloseListener): () => void {
    if (this.failureError) {
      const error = this.failureError;
      queueMicrotask(() => listener(error));
      return () => undefined;
    }
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /**
   * Sends keepalive PINGs after `intervalMs` of silence and fails the connection (kind 'keepalive-timeout')
   * after `maxMissed` of them get no answer. Only use it when the daemon supports the keepalive program
   * (CONNECT_SUPPORTS_FEATURE PROGRAM_KEEPALIVE), as libvirt's own client does.
   */
  startKeepalive({ intervalMs, maxMissed }: KeepaliveOptions): void {
    if (this.failureError) return;
    if (!(intervalMs > 0) || !Number.isInteger(maxMissed) || maxMissed < 1) {
      throw new RangeError(`keepalive needs intervalMs > 0 and maxMissed >= 1, got ${intervalMs} and ${maxMissed}`);
    }
    this.stopKeepalive();
    this.lastActivity = Date.now();
    this.lastPingSent = 0;
    this.unansweredPings = 0;
    const tick = (): void => {
      if (this.readPausers.size > 0) {
        // We stopped reading on purpose (a slow download consumer): silence proves nothing.
        this.lastActivity = Date.now();
        this.unansweredPings = 0;
        return;
      }
      const now = Date.now();
      if (now - this.lastActivity < intervalMs || now - this.lastPingSent < intervalMs) return;
      if (this.unansweredPings >= maxMissed) {
        this.fail(
          new LibvirtConnectionError(
            'keepalive-timeout',
            `libvirtd did not answer ${maxMissed} keepalive pings (${Math.round((intervalMs * (maxMissed + 1)) / 1000)} s of silence): the host or the network is down`,
          ),
        );
        return;
      }
      this.unansweredPings += 1;
      this.lastPingSent = now;
      this.sendKeepalive(KeepaliveProcedure.PING);
    };
    // Checked four times per interval: a check every interval would see, right after a PONG, a silence a
    // millisecond short of it, and the next PING would wait almost two intervals.
    this.keepaliveTimer = setInterval(tick, Math.max(50, Math.min(intervalMs / 4, 1_000)));
    this.keepaliveTimer.unref();
  }

  stopKeepalive(): void {
    if (this.keepaliveTimer) clearInterval(this.keepaliveTimer);
    this.keepaliveTimer = null;
  }

  /**
   * Closes the connection: pending calls and open streams fail with LibvirtConnectionError ('closed-by-client').
   * Resolves once the socket is closed (destroyed after a short grace period if the peer lingers).
   */
  async close(): Promise<void> {
    this.fail(new LibvirtConnectionError('closed-by-client', 'the libvirt connection was closed'));
    const grace = new Promise<void>((resolve) => setTimeout(resolve, CLOSE_GRACE_MS).unref());
    await Promise.race([this.socketClosed, grace]);
    if (!this.socket.destroyed) this.socket.destroy();
  }

  private allocateSerial(): number {
    for (;;) {
      const serial = this.nextSerial;
      this.nextSerial = serial >= 0xffff_ffff ? 1 : serial + 1;
      if (!this.pending.has(serial) && !this.streams.has(serial)) return serial;
    }
  }

  private write(frame: Buffer): boolean {
    if (this.failureError || !this.socket.writable) return false;
    return this.socket.write(frame);
  }

  private sendKeepalive(procedure: number): void {
    this.write(
      encodeFrame({
        program: KEEPALIVE_PROGRAM,
        version: KEEPALIVE_PROTOCOL_VERSION,
        procedure,
        type: MessageType.MESSAGE,
        serial: 0,
        status: MessageStatus.OK,
      }),
    );
  }

  private onData(chunk: Buffer): void {
    this.lastActivity = Date.now();
    this.unansweredPings = 0;
    if (this.failureError) return;
    if (this.receivedBytes.length < 16) this.receivedBytes = Buffer.concat([this.receivedBytes, chunk.subarray(0, 16)]).subarray(0, 16);
    try {
      this.frames.push(chunk, (frame) => {
        this.framesReceived += 1;
        try {
          this.dispatch(frame);
        } catch (error) {
          // A throwing 'data' listener of a download stream, say: a bug of the caller, not of the connection.
          // Keep the connection (the rest of this chunk still has to be dispatched) and rethrow it outside.
          queueMicrotask(() => {
            throw error;
          });
        }
      });
    } catch (error) {
      const reason = error instanceof FrameError ? error.message : String(error);
      // Something that is not libvirtd (a web server, an SSH banner, a proxy) usually shows itself in its first bytes.
      const preview = this.framesReceived === 0 ? printablePreview(this.receivedBytes) : null;
      const hint = preview ? `; the peer does not seem to be libvirtd (it began with ${JSON.stringify(preview)})` : '';
      this.fail(new LibvirtConnectionError('protocol', `libvirtd sent invalid data: ${reason}${hint}`, { cause: error }));
    }
  }

  private dispatch(frame: Frame): void {
    const { header } = frame;
    if (header.program === KEEPALIVE_PROGRAM) {
      if (header.type === MessageType.MESSAGE && header.procedure === KeepaliveProcedure.PING) this.sendKeepalive(KeepaliveProcedure.PONG);
      return;
    }
    switch (header.type) {
      case MessageType.REPLY:
      case MessageType.REPLY_WITH_FDS:
        this.dispatchReply(frame);
        return;
      case MessageType.MESSAGE:
        this.dispatchMessage(frame);
        return;
      case MessageType.STREAM:
      case MessageType.STREAM_HOLE: {
        const stream = this.streams.get(header.serial);
        if (stream) stream.handlePacket(frame);
        else this.logger?.debug('libvirt stream packet for no open stream dropped', { serial: header.serial, procedure: header.procedure });
        return;
      }
      default:
        this.logger?.warn('libvirt message of an unexpected type ignored', { type: header.type, procedure: header.procedure });
    }
  }

  private dispatchReply(frame: Frame): void {
    const { header } = frame;
    const call = this.pending.get(header.serial);
    if (!call) {
      // Errors of an open stream arrive as replies with its serial; other unmatched replies answer calls that
      // timed out or were aborted.
      const stream = this.streams.get(header.serial);
      if (stream) stream.handlePacket(frame);
      else this.logger?.debug('libvirt reply to a call no longer waiting dropped', { serial: header.serial, procedure: header.procedure });
      return;
    }
    if (header.program !== call.program || header.version !== call.version || header.procedure !== call.procedure) {
      this.failStreamOf(call, header.serial);
      call.reject(
        new LibvirtProtocolError(
          `reply to ${call.name} (serial ${header.serial}) carries program 0x${header.program.toString(16)} version ${header.version} procedure ${header.procedure}`,
        ),
      );
      return;
    }
    if (header.type === MessageType.REPLY_WITH_FDS) {
      this.failStreamOf(call, header.serial);
      call.reject(new LibvirtProtocolError(`reply to ${call.name} passes file descriptors, which this client cannot receive`));
      return;
    }
    if (header.status === MessageStatus.OK) {
      call.resolve(frame.payload);
      return;
    }
    this.failStreamOf(call, header.serial);
    if (header.status === MessageStatus.ERROR) {
      try {
        const reader = new XdrReader(frame.payload);
        const error = decodeVirNetMessageError(reader);
        call.reject(new LibvirtError(error, call.name));
      } catch (cause) {
        call.reject(new LibvirtProtocolError(`undecodable error reply to ${call.name}`, { cause }));
      }
      return;
    }
    call.reject(new LibvirtProtocolError(`reply to ${call.name} has status ${header.status}`));
  }

  private failStreamOf(call: PendingCall, serial: number): void {
    if (call.stream) this.streams.delete(serial);
  }

  private dispatchMessage(frame: Frame): void {
    const { header } = frame;
    if (header.program !== REMOTE_PROGRAM || header.version !== REMOTE_PROTOCOL_VERSION) {
      this.logger?.warn('libvirt message of an unknown program ignored', { program: header.program, version: header.version });
      return;
    }
    for (const listener of this.messageListeners) {
      try {
        listener(header.procedure, frame.payload);
      } catch (error) {
        this.logger?.error('libvirt event listener failed', { procedure: header.procedure, error });
      }
    }
  }

  private fail(error: LibvirtConnectionError): void {
    if (this.failureError) return;
    this.failureError = error;
    this.stopKeepalive();
    if (error.kind !== 'closed-by-client') this.logger?.warn('libvirt connection lost', { kind: error.kind, reason: error.message });
    for (const call of [...this.pending.values()]) {
      // A stream whose opening call had no reply yet was never handed out: nobody would hear its error.
      call.stream?.abandon();
      call.reject(error);
    }
    const streams = [...this.streams.values()];
    this.streams.clear();
    for (const stream of streams) stream.handleConnectionFailure(error);
    for (const listener of [...this.closeListeners]) {
      try {
        listener(error);
      } catch (listenerError) {
        this.logger?.error('libvirt close listener failed', { error: listenerError });
      }
    }
    this.closeListeners.clear();
    if (error.kind === 'closed-by-client') {
      if (!this.socket.destroyed) this.socket.end();
    } else if (!this.socket.destroyed) {
      this.socket.destroy();
    }
  }

  private makeStreamHost(): StreamHost {
    return {
      sendStreamPacket: (serial, procedure, type, status, payload) => {
        const header = { program: REMOTE_PROGRAM, version: REMOTE_PROTOCOL_VERSION, procedure, type, serial, status };
        if (!payload || payload.length === 0) return this.write(encodeFrame(header));
        if (this.failureError || !this.socket.writable) return false;
        // Header and payload as two writes (one writev): the bulk data of an upload is never copied into a frame.
        // The payload must not change until it is written; uploads hand over buffers they no longer touch.
        const head = encodeFrameHead(header, payload.length);
        this.socket.cork();
        this.socket.write(head);
        const writable = this.socket.write(payload);
        this.socket.uncork();
        return writable;
      },
      waitForDrain: () => this.waitForDrain(),
      bufferedBytes: () => this.socket.writableLength,
      pauseReading: (owner) => {
        this.readPausers.add(owner);
        this.socket.pause();
      },
      resumeReading: (owner) => {
        if (!this.readPausers.delete(owner)) return;
        if (this.readPausers.size === 0) this.socket.resume();
      },
      unregisterStream: (serial) => {
        this.streams.delete(serial);
      },
      connectionFailure: () => this.failureError,
    };
  }

  private waitForDrain(): Promise<void> {
    if (this.failureError) return Promise.reject(this.failureError);
    if (!this.socket.writableNeedDrain) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = (): void => {
        this.socket.off('drain', onDrain);
        unsubscribe();
      };
      const onDrain = (): void => {
        done();
        resolve();
      };
      this.socket.on('drain', onDrain);
      const unsubscribe = this.onClose((error) => {
        this.socket.off('drain', onDrain);
        reject(error);
      });
    });
  }
}

function printablePreview(bytes: Buffer): string | null {
  const text = bytes.toString('latin1');
  return /^[\x20-\x7e\r\n\t]{4,}$/.test(text) ? text : null;
}
