// Reading exact byte counts from a stream, for the handshake (a short back-and-forth of small messages). The
// transmission phase parses replies incrementally instead (replies.ts), without waiting on promises per field.

import { type Duplex } from 'node:stream';
import { NbdConnectionError } from './errors.js';
import { type ByteSource } from './transport.js';

/** Received bytes not consumed yet, as a list of chunks. */
export class ByteQueue {
  private chunks: Buffer[] = [];
  private head = 0;
  private length = 0;

  get available(): number {
    return this.length;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  /** Removes and returns exactly n bytes, or returns null (removing nothing) when fewer are queued. */
  take(n: number): Buffer | null {
    if (n > this.length) return null;
    const out = Buffer.allocUnsafe(n);
    let written = 0;
    while (written < n) {
      const chunk = this.chunks[0] as Buffer;
      const count = Math.min(n - written, chunk.length - this.head);
      chunk.copy(out, written, this.head, this.head + count);
      written += count;
      this.head += count;
      if (this.head === chunk.length) {
        this.chunks.shift();
        this.head = 0;
      }
    }
    this.length -= n;
    return out;
  }

  /** Everything queued, emptying the queue. */
  drain(): Buffer[] {
    const rest = this.chunks.map((chunk, i) => (i === 0 ? chunk.subarray(this.head) : chunk));
    this.chunks = [];
    this.head = 0;
    this.length = 0;
    return rest;
  }
}

/** The handshake's view of the connection: exact reads that fail with NbdConnectionError when the stream ends. */
export class HandshakeWire {
  private readonly queue = new ByteQueue();
  private waiter: { n: number; resolve: (data: Buffer) => void; reject: (error: Error) => void } | null = null;
  private failure: Error | null = null;
  private readonly onData = (bytes: Buffer): void => {
    // A copy: the transport may reuse the memory once this returns.
    this.queue.push(Buffer.from(bytes));
    this.wake();
  };
  private readonly onEnd = (): void => this.fail(new NbdConnectionError('closed', 'The NBD server closed the connection during the handshake'));
  private readonly onError = (error: Error): void =>
    this.fail(new NbdConnectionError('closed', `The connection to the NBD server failed during the handshake: ${error.message}`, { cause: error }));

  private readonly stream: Duplex;
  private readonly source: ByteSource;

  constructor(stream: Duplex, source: ByteSource) {
    this.stream = stream;
    this.source = source;
    source.setReceiver(this.onData);
    stream.on('end', this.onEnd);
    stream.on('close', this.onEnd);
    stream.on('error', this.onError);
  }

  /** Resolves with exactly n bytes. Callers check n against the protocol's limits before asking. */
  read(n: number): Promise<Buffer> {
    if (this.waiter !== null) return Promise.reject(new Error('HandshakeWire.read called while a read is pending'));
    const ready = this.queue.take(n);
    if (ready !== null) return Promise.resolve(ready);
    if (this.failure !== null) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiter = { n, resolve, reject };
    });
  }

  write(data: Buffer): void {
    if (this.failure === null && !this.stream.destroyed && this.stream.writable) this.stream.write(data);
  }

  /** Fails the pending and later reads with `error` (the stream ended, or the caller gave up: timeout, abort). */
  fail(error: Error): void {
    if (this.failure === null) this.failure = error;
    const waiter = this.waiter;
    if (waiter !== null) {
      this.waiter = null;
      waiter.reject(this.failure);
    }
  }

  /** Removes the listeners and returns bytes received past the handshake (the transmission parser takes them). */
  detach(): Buffer[] {
    this.source.setReceiver(null);
    this.stream.off('end', this.onEnd);
    this.stream.off('close', this.onEnd);
    this.stream.off('error', this.onError);
    return this.queue.drain();
  }

  private wake(): void {
    const waiter = this.waiter;
    if (waiter === null) return;
    const data = this.queue.take(waiter.n);
    if (data === null) return;
    this.waiter = null;
    waiter.resolve(data);
  }
}
