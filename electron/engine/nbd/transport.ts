// Where the NBD server is: a unix socket (QEMU's pull-mode backup on the local host), TCP, or any Duplex the
// caller already holds, such as an SSH channel to the host's unix socket (ssh2 `openssh_forwardOutStreamLocal`).

import { createConnection, type Socket } from 'node:net';
import { type Duplex } from 'node:stream';
import { NbdAbortError, NbdConnectionError } from './errors.js';

export type NbdTransport =
  | { kind: 'unix'; path: string }
  | { kind: 'tcp'; host: string; port: number }
  /** An open byte stream to the server; the client owns it from then on and destroys it on close. */
  | { kind: 'stream'; stream: Duplex; description?: string };

export function describeTransport(transport: NbdTransport): string {
  switch (transport.kind) {
    case 'unix':
      return `unix:${transport.path}`;
    case 'tcp':
      return `${transport.host.includes(':') ? `[${transport.host}]` : transport.host}:${transport.port}`;
    case 'stream':
      return transport.description ?? 'a stream';
  }
}

function connectHint(code: string | undefined): string {
  switch (code) {
    case 'ENOENT':
      return ' (no such socket: is the NBD export running?)';
    case 'ECONNREFUSED':
      return ' (nobody is listening there)';
    case 'EACCES':
      return ' (permission denied)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return ' (unknown host)';
    default:
      return '';
  }
}

/**
 * Size of the buffer sockets read into. Node's default hands out a new 64 KiB buffer per read; reading into one
 * reused, larger buffer means fewer reads, no allocation per read, and no garbage (the parser copies every byte
 * out before the next read).
 */
const SOCKET_READ_BUFFER = 1024 * 1024;

/**
 * Where received bytes go. Bytes passed to the receiver are only valid during the call (a socket reuses its read
 * buffer): whoever keeps them must copy. Bytes that arrive while no receiver is set are kept (copied) for the next.
 */
export class ByteSource {
  private receiver: ((bytes: Buffer) => void) | null = null;
  private held: Buffer[] = [];

  /** Called by the transport for every piece received. */
  deliver(bytes: Buffer): void {
    if (this.receiver !== null) this.receiver(bytes);
    else this.held.push(Buffer.from(bytes));
  }

  setReceiver(receiver: ((bytes: Buffer) => void) | null): void {
    this.receiver = receiver;
    while (this.receiver !== null && this.held.length > 0) this.receiver(this.held.shift() as Buffer);
  }
}

export interface OpenTransport {
  /** For writing, and for the end, close and error events. */
  stream: Duplex;
  /** The received bytes (for a socket they do not come as 'data' events). */
  source: ByteSource;
}

function streamSource(stream: Duplex): ByteSource {
  const source = new ByteSource();
  stream.on('data', (chunk: Buffer) => source.deliver(chunk));
  return source;
}

/** Opens a unix or TCP connection, or takes the caller's stream. Rejects with NbdConnectionError or NbdAbortError. */
export function openTransport(transport: NbdTransport, options: { timeoutMs: number; signal?: AbortSignal | undefined }): Promise<OpenTransport> {
  if (transport.kind === 'stream') {
    if (transport.stream.destroyed) return Promise.reject(new NbdConnectionError('connect-failed', `The stream to the NBD server (${describeTransport(transport)}) is already closed`));
    return Promise.resolve({ stream: transport.stream, source: streamSource(transport.stream) });
  }
  const where = describeTransport(transport);
  return new Promise<OpenTransport>((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new NbdAbortError(`Connecting to the NBD server at ${where} was aborted`, { cause: options.signal.reason }));
      return;
    }
    const source = new ByteSource();
    const readBuffer = Buffer.allocUnsafe(SOCKET_READ_BUFFER);
    const onread = {
      buffer: readBuffer,
      callback: (count: number): boolean => {
        source.deliver(readBuffer.subarray(0, count));
        return true;
      },
    };
    const socket: Socket =
      transport.kind === 'unix'
        ? createConnection({ path: transport.path, onread })
        : // No Nagle delay on requests (as the spec recommends); keepalive so a peer that vanished without a reset
          // is noticed even with no request pending.
          createConnection({ host: transport.host, port: transport.port, noDelay: true, keepAlive: true, keepAliveInitialDelay: 30_000, onread });
    const finish = (error: Error | null): void => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      socket.off('connect', onConnect);
      socket.off('error', onError);
      if (error === null) {
        resolve({ stream: socket, source });
      } else {
        socket.destroy();
        reject(error);
      }
    };
    const onConnect = (): void => finish(null);
    const onError = (error: NodeJS.ErrnoException): void =>
      finish(new NbdConnectionError('connect-failed', `Cannot connect to the NBD server at ${where}: ${error.code ?? error.message}${connectHint(error.code)}`, { cause: error }));
    const onAbort = (): void => finish(new NbdAbortError(`Connecting to the NBD server at ${where} was aborted`, { cause: options.signal?.reason }));
    const timer = setTimeout(() => finish(new NbdConnectionError('connect-timeout', `Connecting to the NBD server at ${where} timed out after ${options.timeoutMs} ms`)), options.timeoutMs);
    socket.once('connect', onConnect);
    socket.once('error', onError);
    options.signal?.addEventListener('abort', onAbort, { once: true });
  });
}
