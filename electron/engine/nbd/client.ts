// An NBD client for pulling backup data: connect (transport + fixed newstyle handshake), then READ and
// BLOCK_STATUS requests, many in flight on one connection, answered in any order. Read-only by design: the
// backup engine never writes through NBD (restores go through libvirt's storage upload).
//
// Requests wait in a queue until one of `maxInFlight` slots is free, so a caller may start as many as it likes;
// memory stays bounded by the slots (a READ's buffer is allocated when it is sent). NBD cannot cancel a request,
// so one that times out or is aborted is rejected at once and its slot freed, while the client keeps its cookie
// to recognise (and drop) the late answer. A server that lets too many of those pile up is declared unresponsive.

import { type Duplex } from 'node:stream';
import {
  NbdAbortError,
  NbdConnectionError,
  NbdError,
  NbdNegotiationError,
  NbdProtocolError,
  NbdRequestError,
  NbdTimeoutError,
} from './errors.js';
import { type NbdExportInfo, type NbdExportListing, abortHandshake, handshake, listExportsOnWire } from './handshake.js';
import { NBD_CMD_FLAG_REQ_ONE, NBD_DEFAULT_MAX_REQUEST, NBD_MAX_LENGTH_FIELD, NbdCommand, NbdErrno, encodeRequest } from './protocol.js';
import { type NbdExtent, type NbdRange, appendExtents } from './ranges.js';
import { PendingRequest, ReplyParser } from './replies.js';
import { type ByteSource, type NbdTransport, type OpenTransport, describeTransport, openTransport } from './transport.js';
import { HandshakeWire } from './wire.js';

export const DEFAULT_CONNECT_TIMEOUT_MS = 15_000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 120_000;
export const DEFAULT_MAX_IN_FLIGHT = 8;
/** How long close() waits for the server to hang up after NBD_CMD_DISC before dropping the connection. */
const DISCONNECT_GRACE_MS = 2_000;
/** One BLOCK_STATUS request covers at most this much (a power of two, so aligned to any minimum block size). */
const BLOCK_STATUS_SPAN = 0x8000_0000;

export interface NbdConnectOptions {
  /** Export to open ('' is the server's default export). QEMU's pull-mode backup names exports after the disk target, e.g. `vda`. */
  exportName?: string;
  /** Metadata contexts to select, e.g. `base:allocation`, `qemu:dirty-bitmap:backup-vda`. Each must be granted. */
  metaContexts?: readonly string[];
  /** Negotiate structured replies (default true; metadata contexts need them). */
  structuredReplies?: boolean;
  /** Limit for opening the transport plus the whole handshake. */
  connectTimeoutMs?: number;
  /** Default per-request limit, counted from when the request is sent; 0 disables it. */
  requestTimeoutMs?: number;
  /** Requests on the wire at once (default 8). */
  maxInFlight?: number;
  /** Largest READ the client sends (default 32 MiB); lowered to the server's advertised maximum block size. */
  maxRequestBytes?: number;
  /** Aborts connecting (not the connection once open). */
  signal?: AbortSignal;
}

export interface NbdRequestOptions {
  signal?: AbortSignal;
  /** Overrides the client's requestTimeoutMs for this request; 0 disables the limit. */
  timeoutMs?: number;
}

export interface NbdReadOptions extends NbdRequestOptions {
  /** Read into this buffer (its length is the read length) instead of a new one. */
  into?: Buffer;
}

export interface NbdReadResult {
  offset: number;
  data: Buffer;
  /**
   * Ranges (absolute offsets, sorted, merged) the server sent as holes: they read as zeros and are zero in `data`.
   * A hint for skipping zeros without scanning; data chunks full of zeros are not listed.
   */
  holes: NbdRange[];
}

export interface NbdReadChunksOptions extends NbdRequestOptions {
  /** Bytes per request (default and maximum: the client's maxRequestBytes). */
  chunkSize?: number;
  /** Requests started ahead of the one being consumed (default maxInFlight). */
  prefetch?: number;
}

export interface NbdBlockStatusOptions extends NbdRequestOptions {
  /** NBD_CMD_FLAG_REQ_ONE: one extent per context. */
  reqOne?: boolean;
}

interface Entry {
  readonly command: number;
  readonly flags: number;
  readonly offset: number;
  readonly length: number;
  readonly into: Buffer | null;
  readonly timeoutMs: number;
  readonly signal: AbortSignal | undefined;
  readonly resolve: (request: PendingRequest) => void;
  readonly reject: (error: Error) => void;
  state: 'queued' | 'sent' | 'abandoned' | 'settled';
  request: PendingRequest | null;
  timer: NodeJS.Timeout | null;
  onAbort: (() => void) | null;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new NbdRequestError(`${name} must be a positive integer, not ${value}`);
  return value;
}

export class NbdClient {
  /** The export as the server described it. */
  readonly export: NbdExportInfo;
  readonly structuredReplies: boolean;
  /** Names of the metadata contexts the server granted. */
  readonly metaContexts: readonly string[];
  /** Largest READ this client sends: the option, lowered to the server's maximum, aligned to its minimum. */
  readonly maxRequestBytes: number;
  readonly maxInFlight: number;
  /** Resolves once the connection is gone: with the error that ended it, or null after a clean close(). */
  readonly closed: Promise<Error | null>;

  private readonly stream: Duplex;
  private readonly parser: ReplyParser;
  private readonly contextIds = new Map<string, number>();
  private readonly pending = new Map<number, Entry>();
  private readonly queue: Entry[] = [];
  private readonly requestTimeoutMs: number;
  private readonly maxAbandoned: number;
  private readonly description: string;
  private nextCookie = 1;
  private inFlight = 0;
  private abandoned = 0;
  private failure: NbdConnectionError | null = null;
  private closing: Promise<void> | null = null;
  private disconnectSent = false;
  private resolveClosed!: (error: Error | null) => void;
  private drained: (() => void) | null = null;

  /** Use connectNbd(). */
  constructor(
    stream: Duplex,
    source: ByteSource,
    negotiated: { export: NbdExportInfo; structuredReplies: boolean; metaContexts: Map<number, string> },
    leftover: readonly Buffer[],
    options: NbdConnectOptions,
    description: string,
  ) {
    this.stream = stream;
    this.export = negotiated.export;
    this.structuredReplies = negotiated.structuredReplies;
    for (const [id, name] of negotiated.metaContexts) this.contextIds.set(name, id);
    this.metaContexts = [...negotiated.metaContexts.values()];
    this.description = description;
    this.maxInFlight = options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
    this.requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.maxAbandoned = Math.max(16, 2 * this.maxInFlight);
    const minimum = this.export.blockSize?.minimum ?? 1;
    let max = Math.min(options.maxRequestBytes ?? NBD_DEFAULT_MAX_REQUEST, NBD_MAX_LENGTH_FIELD);
    if (this.export.blockSize !== null) max = Math.min(max, this.export.blockSize.maximum);
    this.maxRequestBytes = Math.max(minimum, max - (max % minimum));
    this.closed = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
    this.parser = new ReplyParser(
      { lookup: (cookie) => this.pending.get(cookie)?.request ?? undefined, complete: (request) => this.onComplete(request) },
      { structuredReplies: this.structuredReplies, metaContexts: negotiated.metaContexts },
    );
    stream.on('end', () => this.onStreamEnd(null));
    stream.on('close', () => this.onStreamEnd(null));
    stream.on('error', (error: Error) => this.onStreamEnd(error));
    for (const chunk of leftover) this.onData(chunk);
    source.setReceiver((bytes) => this.onData(bytes));
  }

  /** Requests sent and not yet answered (not counting ones the caller gave up on). */
  get requestsInFlight(): number {
    return this.inFlight;
  }

  /** Requests waiting for a free slot. */
  get requestsQueued(): number {
    return this.queue.length;
  }

  get isOpen(): boolean {
    return this.failure === null && this.closing === null;
  }

  /** One NBD_CMD_READ of at most maxRequestBytes. */
  async read(offset: number, length: number, options: NbdReadOptions = {}): Promise<NbdReadResult> {
    if (options.into !== undefined && options.into.length !== length) throw new NbdRequestError(`The target buffer holds ${options.into.length} bytes, not ${length}`);
    this.checkRange('read', offset, length, this.maxRequestBytes);
    const request = await this.submit(NbdCommand.READ, 0, offset, length, options.into ?? null, options);
    if (request.error !== null) throw request.error;
    return {
      offset,
      data: request.target as Buffer,
      holes: (request.holes?.toRanges() ?? []).map((hole) => ({ offset: hole.offset + offset, length: hole.length })),
    };
  }

  /** Reads any range into one buffer, as maxRequestBytes-sized requests in flight together. */
  async readRange(offset: number, length: number, options: NbdRequestOptions = {}): Promise<Buffer> {
    this.checkRange('read', offset, length, Number.MAX_SAFE_INTEGER);
    let target: Buffer;
    try {
      target = Buffer.allocUnsafe(length);
    } catch (error) {
      throw new NbdRequestError(`Cannot hold ${length} bytes in one buffer; read in pieces (readChunks)`, { cause: error });
    }
    const controller = new AbortController();
    const signal = options.signal === undefined ? controller.signal : AbortSignal.any([options.signal, controller.signal]);
    const reads: Promise<NbdReadResult>[] = [];
    for (let at = 0; at < length; at += this.maxRequestBytes) {
      const size = Math.min(this.maxRequestBytes, length - at);
      reads.push(this.read(offset + at, size, { ...options, signal, into: target.subarray(at, at + size) }));
    }
    try {
      await Promise.all(reads);
    } catch (error) {
      // Stop sending the rest; their rejections are the same story and are not reported again.
      controller.abort();
      await Promise.allSettled(reads);
      throw error;
    }
    return target;
  }

  /** Reads a range in order, one chunk at a time, keeping `prefetch` requests going ahead of the consumer. */
  async *readChunks(offset: number, length: number, options: NbdReadChunksOptions = {}): AsyncGenerator<NbdReadResult> {
    const chunkSize = positiveInteger('chunkSize', options.chunkSize ?? this.maxRequestBytes);
    if (chunkSize > this.maxRequestBytes) throw new NbdRequestError(`chunkSize ${chunkSize} is over the ${this.maxRequestBytes}-byte request limit`);
    const prefetch = positiveInteger('prefetch', options.prefetch ?? this.maxInFlight);
    this.checkRange('read', offset, length, Number.MAX_SAFE_INTEGER);
    const controller = new AbortController();
    const signal = options.signal === undefined ? controller.signal : AbortSignal.any([options.signal, controller.signal]);
    const window: Promise<NbdReadResult>[] = [];
    const end = offset + length;
    let next = offset;
    try {
      while (next < end || window.length > 0) {
        while (window.length < prefetch && next < end) {
          const size = Math.min(chunkSize, end - next);
          const read = this.read(next, size, { ...options, signal });
          // Rejections of reads not yet awaited are handled when their turn comes (or dropped after an earlier failure).
          read.catch(() => undefined);
          window.push(read);
          next += size;
        }
        yield await (window.shift() as Promise<NbdReadResult>);
      }
    } finally {
      controller.abort();
    }
  }

  /** One NBD_CMD_BLOCK_STATUS: extents per granted context, absolute offsets, as the server sent them. */
  async blockStatus(offset: number, length: number, options: NbdBlockStatusOptions = {}): Promise<Map<string, NbdExtent[]>> {
    if (this.contextIds.size === 0) throw new NbdRequestError('No metadata context was negotiated; pass metaContexts to connectNbd()');
    this.checkRange('block status', offset, length, NBD_MAX_LENGTH_FIELD);
    const request = await this.submit(NbdCommand.BLOCK_STATUS, options.reqOne === true ? NBD_CMD_FLAG_REQ_ONE : 0, offset, length, null, options);
    if (request.error !== null) throw request.error;
    const result = new Map<string, NbdExtent[]>();
    for (const [name, id] of this.contextIds) result.set(name, request.extents.get(id) ?? []);
    return result;
  }

  /**
   * The extents of one context over a whole range: repeats BLOCK_STATUS until the range is described (servers may
   * answer with less than asked), clips at the range end, and merges touching extents with equal flags.
   */
  async queryExtents(context: string, offset: number, length: number, options: NbdRequestOptions = {}): Promise<NbdExtent[]> {
    if (!this.contextIds.has(context)) {
      throw new NbdRequestError(`Metadata context '${context}' was not negotiated (have: ${this.metaContexts.join(', ') || 'none'})`);
    }
    this.checkRange('block status', offset, length, Number.MAX_SAFE_INTEGER);
    const end = offset + length;
    const extents: NbdExtent[] = [];
    let at = offset;
    while (at < end) {
      const reply = await this.blockStatus(at, Math.min(end - at, BLOCK_STATUS_SPAN), options);
      const got = reply.get(context) ?? [];
      appendExtents(extents, got, end);
      const last = extents[extents.length - 1];
      // The parser guarantees at least one extent of nonzero length, so this always moves forward.
      at = last === undefined ? end : last.offset + last.length;
    }
    return extents;
  }

  /**
   * Clean disconnect: waits for requests already started (each bounded by its timeout), sends NBD_CMD_DISC and
   * lets the server hang up. Later requests fail with NbdConnectionError ('closed-by-client').
   */
  close(): Promise<void> {
    this.closing ??= this.closeGracefully();
    return this.closing;
  }

  /** Drops the connection now; pending requests fail with `error` (default: 'closed-by-client'). */
  destroy(error?: NbdConnectionError): void {
    this.fail(error ?? new NbdConnectionError('closed-by-client', `The NBD connection to ${this.description} was closed`));
  }

  private async closeGracefully(): Promise<void> {
    if (this.failure === null && (this.inFlight > 0 || this.queue.length > 0)) {
      await new Promise<void>((resolve) => {
        this.drained = resolve;
      });
    }
    if (this.failure !== null) return;
    this.disconnectSent = true;
    this.stream.write(encodeRequest(NbdCommand.DISC, 0, 0, 0, 0));
    this.stream.end();
    const timer = setTimeout(() => this.fail(null), DISCONNECT_GRACE_MS);
    await this.closed;
    clearTimeout(timer);
  }

  private checkRange(what: string, offset: number, length: number, maxLength: number): void {
    if (this.failure !== null) throw this.failure;
    if (!Number.isSafeInteger(offset) || offset < 0) throw new NbdRequestError(`Invalid ${what} offset ${offset}`);
    if (!Number.isSafeInteger(length) || length < 1) throw new NbdRequestError(`Invalid ${what} length ${length}`);
    if (offset + length > this.export.size) {
      throw new NbdRequestError(`The ${what} [${offset}, +${length}) reaches past the end of export '${this.export.name}' (${this.export.size} bytes)`);
    }
    if (length > maxLength) throw new NbdRequestError(`The ${what} length ${length} is over the ${maxLength}-byte request limit`);
    const minimum = this.export.blockSize?.minimum ?? 1;
    if (offset % minimum !== 0 || (length % minimum !== 0 && offset + length !== this.export.size)) {
      throw new NbdRequestError(`The ${what} [${offset}, +${length}) is not aligned to the server's ${minimum}-byte minimum block size`);
    }
  }

  private submit(command: number, flags: number, offset: number, length: number, into: Buffer | null, options: NbdRequestOptions): Promise<PendingRequest> {
    if (this.failure !== null) return Promise.reject(this.failure);
    if (this.closing !== null) return Promise.reject(new NbdConnectionError('closed-by-client', `The NBD connection to ${this.description} is closing`));
    const timeoutMs = options.timeoutMs ?? this.requestTimeoutMs;
    if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 0) return Promise.reject(new NbdRequestError(`timeoutMs must be 0 or more, not ${timeoutMs}`));
    const signal = options.signal;
    if (signal?.aborted) return Promise.reject(new NbdAbortError('The NBD request was aborted', { cause: signal.reason }));
    return new Promise<PendingRequest>((resolve, reject) => {
      const entry: Entry = {
        command,
        flags,
        offset,
        length,
        into,
        timeoutMs,
        signal,
        resolve,
        reject,
        state: 'queued',
        request: null,
        timer: null,
        onAbort: null,
      };
      if (signal !== undefined) {
        entry.onAbort = () => this.giveUp(entry, new NbdAbortError('The NBD request was aborted', { cause: signal.reason }));
        signal.addEventListener('abort', entry.onAbort, { once: true });
      }
      this.queue.push(entry);
      this.pump();
    });
  }

  private pump(): void {
    while (this.failure === null && this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const entry = this.queue.shift() as Entry;
      if (entry.signal?.aborted) {
        // Its abort listener has not run yet (one signal aborting several requests): do not send it at all.
        this.settle(entry);
        entry.reject(new NbdAbortError('The NBD request was aborted', { cause: entry.signal.reason }));
        continue;
      }
      const cookie = this.nextCookie++;
      entry.request = new PendingRequest(cookie, entry.command, entry.offset, entry.length, entry.into);
      entry.state = 'sent';
      this.pending.set(cookie, entry);
      this.inFlight++;
      if (entry.timeoutMs > 0) {
        entry.timer = setTimeout(
          () => this.giveUp(entry, new NbdTimeoutError(`The NBD server did not answer ${entry.command === NbdCommand.READ ? 'a read' : 'a block status request'} of ${entry.length} bytes at ${entry.offset} within ${entry.timeoutMs} ms`)),
          entry.timeoutMs,
        );
      }
      this.stream.write(encodeRequest(entry.command, entry.flags, cookie, entry.offset, entry.length));
    }
    this.checkDrained();
  }

  private settle(entry: Entry): void {
    entry.state = 'settled';
    if (entry.timer !== null) clearTimeout(entry.timer);
    entry.timer = null;
    if (entry.onAbort !== null) entry.signal?.removeEventListener('abort', entry.onAbort);
    entry.onAbort = null;
  }

  /** Timeout or abort: reject now; a sent request stays known by cookie until its answer arrives. */
  private giveUp(entry: Entry, error: NbdError): void {
    if (entry.state === 'queued') {
      const index = this.queue.indexOf(entry);
      if (index >= 0) this.queue.splice(index, 1);
      this.settle(entry);
      entry.reject(error);
      this.checkDrained();
      return;
    }
    if (entry.state !== 'sent') return;
    this.settle(entry);
    entry.state = 'abandoned';
    // Late data must not land in the caller's buffer, which it may reuse now.
    (entry.request as PendingRequest).target = null;
    this.inFlight--;
    this.abandoned++;
    entry.reject(error);
    if (this.abandoned > this.maxAbandoned) {
      this.fail(new NbdConnectionError('unresponsive', `The NBD server at ${this.description} left ${this.abandoned} requests unanswered past their timeout or abort`));
      return;
    }
    this.pump();
  }

  private onComplete(request: PendingRequest): void {
    const entry = this.pending.get(request.cookie) as Entry;
    this.pending.delete(request.cookie);
    if (entry.state === 'abandoned') {
      this.abandoned--;
    } else {
      this.inFlight--;
      this.settle(entry);
      entry.resolve(request);
    }
    if (request.error?.errno === NbdErrno.ESHUTDOWN) {
      // The spec makes the client disconnect: nothing new is sent, the rest drains, then NBD_CMD_DISC.
      const error = new NbdConnectionError('server-shutdown', `The NBD server at ${this.description} is shutting down`);
      for (const queued of this.queue.splice(0)) {
        this.settle(queued);
        queued.reject(error);
      }
      void this.close();
    }
    this.pump();
  }

  private checkDrained(): void {
    if (this.drained !== null && this.inFlight === 0 && this.queue.length === 0) {
      const drained = this.drained;
      this.drained = null;
      drained();
    }
  }

  private onData(chunk: Buffer): void {
    if (this.failure !== null) return;
    try {
      this.parser.push(chunk);
    } catch (error) {
      this.fail(error instanceof NbdConnectionError ? error : new NbdProtocolError(`NBD reply handling failed: ${String(error)}`, { cause: error }));
    }
  }

  private onStreamEnd(error: Error | null): void {
    if (this.failure !== null) return;
    if (this.disconnectSent && error === null && this.inFlight === 0) {
      this.fail(null);
      return;
    }
    const detail = error === null ? 'closed the connection' : `connection failed: ${error.message}`;
    const waiting = this.inFlight + this.queue.length;
    this.fail(
      new NbdConnectionError('closed', `The NBD server at ${this.description} ${detail}${waiting > 0 ? ` with ${waiting} request(s) pending` : ''}`, error === null ? undefined : { cause: error }),
    );
  }

  /** Ends the connection: every request not yet answered fails with `error` (null: clean close after DISC). */
  private fail(error: NbdConnectionError | null): void {
    if (this.failure !== null) return;
    this.failure = error ?? new NbdConnectionError('closed-by-client', `The NBD connection to ${this.description} was closed`);
    const failure = this.failure;
    for (const entry of [...this.queue.splice(0), ...this.pending.values()]) {
      if (entry.state === 'queued' || entry.state === 'sent') {
        this.settle(entry);
        entry.reject(failure);
      }
    }
    this.pending.clear();
    this.inFlight = 0;
    this.abandoned = 0;
    // Keep an error listener: a destroyed socket may still report an error, which must not crash the process.
    this.stream.on('error', () => undefined);
    this.stream.destroy();
    this.checkDrained();
    this.resolveClosed(error);
  }
}

function linkAbort(signal: AbortSignal | undefined, onAbort: () => void): () => void {
  if (signal === undefined) return () => undefined;
  signal.addEventListener('abort', onAbort, { once: true });
  return () => signal.removeEventListener('abort', onAbort);
}

/** Runs `body` on a fresh connection's handshake wire, bounded by the connect timeout and the caller's signal. */
async function withHandshake<T>(
  transport: NbdTransport,
  options: { connectTimeoutMs?: number; signal?: AbortSignal },
  body: (wire: HandshakeWire, opened: OpenTransport) => Promise<T>,
): Promise<T> {
  const timeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const started = Date.now();
  const where = describeTransport(transport);
  const opened = await openTransport(transport, { timeoutMs, signal: options.signal });
  const stream = opened.stream;
  const wire = new HandshakeWire(stream, opened.source);
  const timer = setTimeout(
    () => wire.fail(new NbdConnectionError('connect-timeout', `The NBD handshake with ${where} did not finish within ${timeoutMs} ms`)),
    Math.max(0, timeoutMs - (Date.now() - started)),
  );
  const unlink = linkAbort(options.signal, () => wire.fail(new NbdAbortError(`Connecting to the NBD server at ${where} was aborted`, { cause: options.signal?.reason })));
  try {
    return await body(wire, opened);
  } catch (caught) {
    wire.detach();
    stream.on('error', () => undefined);
    if (caught instanceof NbdNegotiationError) {
      // A refusal is answered with a soft disconnect, as the spec asks of clients.
      abortHandshake(wire);
      endGently(stream);
    } else {
      stream.destroy();
    }
    if (caught instanceof NbdError) throw caught;
    throw new NbdConnectionError('closed', `The NBD handshake with ${where} failed: ${String(caught)}`, { cause: caught });
  } finally {
    clearTimeout(timer);
    unlink();
  }
}

function endGently(stream: Duplex): void {
  stream.end();
  const timer = setTimeout(() => stream.destroy(), DISCONNECT_GRACE_MS);
  timer.unref();
  stream.once('close', () => clearTimeout(timer));
}

/** Connects, negotiates, and enters the transmission phase of `options.exportName`. */
export async function connectNbd(transport: NbdTransport, options: NbdConnectOptions = {}): Promise<NbdClient> {
  const maxInFlight = positiveInteger('maxInFlight', options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT);
  positiveInteger('maxRequestBytes', options.maxRequestBytes ?? NBD_DEFAULT_MAX_REQUEST);
  const timeout = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  if (!Number.isSafeInteger(timeout) || timeout < 0) throw new NbdRequestError(`requestTimeoutMs must be 0 or more, not ${timeout}`);
  return withHandshake(transport, options, async (wire, { stream, source }) => {
    const negotiated = await handshake(wire, {
      exportName: options.exportName ?? '',
      metaContexts: options.metaContexts ?? [],
      structuredReplies: options.structuredReplies ?? true,
    });
    // Nothing may arrive between detaching the handshake's listeners and attaching the client's: both happen here,
    // synchronously, and bytes the server already sent are handed over.
    const leftover = wire.detach();
    return new NbdClient(stream, source, negotiated, leftover, { ...options, maxInFlight }, describeTransport(transport));
  });
}

/** NBD_OPT_LIST: the exports a server offers, then a soft disconnect (NBD_OPT_ABORT). */
export async function listNbdExports(transport: NbdTransport, options: { connectTimeoutMs?: number; signal?: AbortSignal } = {}): Promise<NbdExportListing[]> {
  return withHandshake(transport, options, async (wire, { stream }) => {
    const exports = await listExportsOnWire(wire);
    wire.detach();
    stream.on('error', () => undefined);
    abortHandshake(wire);
    endGently(stream);
    return exports;
  });
}
