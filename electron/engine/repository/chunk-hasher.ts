// Chunk ids (SHA-256) computed on worker threads, reading the chunk where it lies: a chunk in a SharedArrayBuffer
// is hashed in place, with no copy and off the event loop. The backup engine reads disks into such buffers. The
// event loop is what NBD replies, SSH decryption, file callbacks and (in the app) IPC all wait on; WebCrypto also
// hashes off it, but copies every chunk first (4 MiB to allocate, fault in and collect per chunk).
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ChunkId } from './format.js';

/**
 * The worker's code, run with `eval`: a worker file would have to be found next to this module from the
 * TypeScript sources (tests), the build and Electron's asar archive alike, and it needs nothing but Node's crypto.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
parentPort.on('message', ({ seq, buffer, offset, length }) => {
  try {
    const id = createHash('sha256').update(new Uint8Array(buffer, offset, length)).digest('hex');
    parentPort.postMessage({ seq, id });
  } catch (error) {
    parentPort.postMessage({ seq, error: String(error && error.message || error) });
  }
});
`;

interface Pending {
  resolve: (id: ChunkId) => void;
  reject: (error: Error) => void;
}

interface HashWorker {
  worker: Worker;
  pending: Map<number, Pending>;
}

/** Threads by default: one per core beyond the event loop's, at least one, at most four. */
export function defaultHasherThreads(): number {
  return Math.min(4, Math.max(1, availableParallelism() - 1));
}

export class ChunkHasher {
  readonly #threads: number;
  readonly #workers: HashWorker[] = [];
  #seq = 0;
  #closed = false;

  constructor(threads = defaultHasherThreads()) {
    this.#threads = Math.max(1, threads);
  }

  /** Whether `bytes` can be hashed in place (they live in a SharedArrayBuffer). */
  static canHashInPlace(bytes: Uint8Array): boolean {
    return bytes.buffer instanceof SharedArrayBuffer;
  }

  /**
   * The SHA-256 of `bytes` (lowercase hex). They must live in a SharedArrayBuffer and stay unchanged until the
   * promise settles.
   */
  hash(bytes: Uint8Array): Promise<ChunkId> {
    if (this.#closed) return Promise.reject(new Error('the chunk hasher is closed'));
    if (!(bytes.buffer instanceof SharedArrayBuffer)) return Promise.reject(new TypeError('ChunkHasher hashes bytes in a SharedArrayBuffer only'));
    const slot = this.#pick();
    const seq = (this.#seq += 1);
    return new Promise<ChunkId>((resolve, reject) => {
      slot.pending.set(seq, { resolve, reject });
      // Held while it has work: an idle pool never keeps the process alive.
      if (slot.pending.size === 1) slot.worker.ref();
      slot.worker.postMessage({ seq, buffer: bytes.buffer, offset: bytes.byteOffset, length: bytes.byteLength });
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    const workers = this.#workers.splice(0);
    await Promise.all(workers.map(({ worker }) => worker.terminate()));
  }

  /** The worker with the fewest chunks queued, starting one more while there is room. */
  #pick(): HashWorker {
    const idle = this.#workers.find((w) => w.pending.size === 0);
    if (idle) return idle;
    if (this.#workers.length < this.#threads) return this.#start();
    return this.#workers.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
  }

  #start(): HashWorker {
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    const slot: HashWorker = { worker, pending: new Map() };
    const settle = (seq: number, outcome: { id: ChunkId } | { error: Error }): void => {
      const waiting = slot.pending.get(seq);
      if (!waiting) return;
      slot.pending.delete(seq);
      if (slot.pending.size === 0) worker.unref();
      if ('id' in outcome) waiting.resolve(outcome.id);
      else waiting.reject(outcome.error);
    };
    worker.on('message', (message: { seq: number; id?: string; error?: string }) => {
      settle(message.seq, message.id !== undefined ? { id: message.id } : { error: new Error(`hashing a chunk failed: ${message.error ?? 'unknown error'}`) });
    });
    // A worker that dies fails what it had; the next hash starts a new one.
    const fail = (error: Error): void => {
      const index = this.#workers.indexOf(slot);
      if (index >= 0) this.#workers.splice(index, 1);
      for (const seq of [...slot.pending.keys()]) settle(seq, { error });
    };
    worker.on('error', (error) => fail(new Error(`a chunk hashing thread failed: ${error.message}`)));
    worker.on('exit', (code) => fail(new Error(`a chunk hashing thread exited (code ${code})`)));
    worker.unref();
    this.#workers.push(slot);
    return slot;
  }
}
