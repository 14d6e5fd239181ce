// Turns one disk's data into its manifest entry: the backup engine hands it chunk slots (index + bytes) in any
// order, as NBD reads complete; it stores them with a bounded number of puts in flight and, at the end,
// returns the ordered chunk list and the stats. Slots never written take their entry from `base`: the parent
// point's list for an incremental, all null for a full backup that skipped unallocated chunks.
import type { ChunkPutResult, ChunkStore } from './chunk-store.js';
import { chunkCount, chunkLength, type ChunkId, type DiskStats } from './format.js';

export const DEFAULT_WRITE_CONCURRENCY = 4;

export interface DiskImageWriterOptions {
  capacityBytes: number;
  /** Puts in flight at most (each holds one chunk's bytes). Default 4. */
  concurrency?: number;
  /** Entries for the slots never written. Without it, every slot must be written. */
  base?: readonly (ChunkId | null)[];
}

export interface DiskImageResult {
  chunks: (ChunkId | null)[];
  stats: DiskStats;
}

const UNSET = Symbol('unset');

export class DiskImageWriter {
  readonly capacityBytes: number;
  readonly chunkSize: number;
  readonly chunkCount: number;
  readonly #store: ChunkStore;
  readonly #concurrency: number;
  readonly #base: readonly (ChunkId | null)[] | null;
  readonly #slots: (ChunkId | null | typeof UNSET)[];
  readonly #claimed: boolean[];
  readonly #stats: DiskStats = { bytesRead: 0, bytesStored: 0, chunksNew: 0, chunksReused: 0, chunksZero: 0 };
  #inFlight = 0;
  #waiters: (() => void)[] = [];
  #failure: unknown = null;
  #finished = false;

  constructor(store: ChunkStore, options: DiskImageWriterOptions) {
    const { capacityBytes } = options;
    if (!Number.isSafeInteger(capacityBytes) || capacityBytes < 0) throw new RangeError(`invalid disk capacity ${capacityBytes}`);
    this.#store = store;
    this.capacityBytes = capacityBytes;
    this.chunkSize = store.chunkSize;
    this.chunkCount = chunkCount(capacityBytes, this.chunkSize);
    this.#concurrency = Math.max(1, options.concurrency ?? DEFAULT_WRITE_CONCURRENCY);
    if (options.base !== undefined && options.base.length !== this.chunkCount) {
      throw new RangeError(`base has ${options.base.length} chunk entries; this disk has ${this.chunkCount} slots`);
    }
    this.#base = options.base ?? null;
    this.#slots = new Array<ChunkId | null | typeof UNSET>(this.chunkCount).fill(UNSET);
    this.#claimed = new Array<boolean>(this.chunkCount).fill(false);
  }

  /** Byte length of slot `index` (the last may be short). */
  lengthOf(index: number): number {
    return chunkLength(this.capacityBytes, this.chunkSize, index);
  }

  /**
   * Stores the bytes of slot `index` (exactly lengthOf(index) of them). Resolves once the put has started, after
   * waiting for a free place when `concurrency` puts are in flight: awaiting each call is the backpressure. The
   * bytes are kept until their put completes, so the caller must not reuse the buffer before `release` is called
   * (once the put has succeeded or failed; never when write() itself throws). A failed put fails the next write()
   * and finish().
   */
  async write(index: number, bytes: Uint8Array, release?: () => void): Promise<void> {
    if (this.#finished) throw new Error('DiskImageWriter.write after finish');
    if (this.#failure !== null) throw this.#failure;
    if (!Number.isInteger(index) || index < 0 || index >= this.chunkCount) throw new RangeError(`chunk index ${index} is outside 0..${this.chunkCount - 1}`);
    if (bytes.byteLength !== this.lengthOf(index)) throw new RangeError(`chunk ${index} must be ${this.lengthOf(index)} bytes, got ${bytes.byteLength}`);
    if (this.#claimed[index]) throw new RangeError(`chunk ${index} was already written`);
    this.#claimed[index] = true;
    while (this.#inFlight >= this.#concurrency) await new Promise<void>((resolve) => this.#waiters.push(resolve));
    if (this.#failure !== null) throw this.#failure;
    if (this.#finished) throw new Error(`DiskImageWriter.finish was called while chunk ${index} waited to be written`);
    this.#inFlight += 1;
    this.#stats.bytesRead += bytes.byteLength;
    void this.#store
      .put(bytes)
      .then(
        (result) => this.#record(index, result),
        (error: unknown) => {
          this.#failure ??= error;
        },
      )
      .finally(() => {
        release?.();
        this.#inFlight -= 1;
        // Everyone waiting re-checks: writers for a free place, finish() for none in flight.
        for (const wake of this.#waiters.splice(0)) wake();
      });
  }

  #record(index: number, result: ChunkPutResult): void {
    this.#slots[index] = result.id;
    if (result.zero) this.#stats.chunksZero += 1;
    else if (result.stored) {
      this.#stats.chunksNew += 1;
      this.#stats.bytesStored += result.storedBytes;
    } else this.#stats.chunksReused += 1;
  }

  /**
   * Waits for the puts in flight, then returns the chunk list (one entry per slot) and the disk's stats. Call it
   * once every write() has resolved.
   */
  async finish(): Promise<DiskImageResult> {
    this.#finished = true;
    while (this.#inFlight > 0) await new Promise<void>((resolve) => this.#waiters.push(resolve));
    if (this.#failure !== null) throw this.#failure;
    const chunks: (ChunkId | null)[] = [];
    const stats = { ...this.#stats };
    for (let index = 0; index < this.chunkCount; index += 1) {
      const slot = this.#slots[index];
      if (slot !== UNSET && slot !== undefined) {
        chunks.push(slot);
        continue;
      }
      if (this.#base === null) throw new RangeError(`chunk ${index} of ${this.chunkCount} was never written`);
      const inherited = this.#base[index] ?? null;
      chunks.push(inherited);
      if (inherited === null) stats.chunksZero += 1;
      else stats.chunksReused += 1;
    }
    return { chunks, stats };
  }
}
