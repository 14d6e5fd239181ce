// Reads one disk of a restore point slot by slot, in disk order, with several chunk reads in flight ahead of the
// consumer: each chunk is read, decompressed and its SHA-256 checked (ChunkStore.get) before it is handed on, so
// a damaged chunk stops the reader at its slot, named by point, disk and offset. Export and restore both read
// through it; only what they do with the bytes differs.
import type { ChunkStore } from './chunk-store.js';
import { ChunkCorruptError, ChunkMissingError, DiskNotFoundError, PointDataError } from './errors.js';
import { chunkLength, type ChunkId, type Manifest, type ManifestDisk } from './format.js';

export const DEFAULT_READ_AHEAD = 4;

export interface DiskSlot {
  index: number;
  /** Byte offset of the slot in the disk. */
  offset: number;
  /** The slot's length (the chunk size, or less for the last slot). */
  length: number;
  /** The chunk id, or null for a zero slot. */
  id: ChunkId | null;
  /** The slot's bytes, checked against the id; null for a zero slot (nothing is read). */
  bytes: Buffer | null;
}

export interface ReadDiskOptions {
  /** Chunk reads in flight ahead of the consumer. Default 4. */
  readAhead?: number;
  signal?: AbortSignal;
}

/** The disk `target` of `point`, or DiskNotFoundError naming the disks it has. */
export function pointDisk(point: Manifest, target: string): ManifestDisk {
  const disk = point.disks.find((d) => d.target === target);
  if (!disk) throw new DiskNotFoundError(point.id, target, point.disks.map((d) => d.target));
  return disk;
}

/**
 * Yields every slot of the disk in order. Reads run up to `readAhead` chunks ahead; a failed read is thrown when
 * the consumer reaches its slot (a PointDataError for a damaged or missing chunk). Stopping early (break, throw,
 * abort) leaves no read unobserved.
 */
export async function* readDiskSlots(chunks: ChunkStore, point: Manifest, target: string, options: ReadDiskOptions = {}): AsyncGenerator<DiskSlot> {
  const disk = pointDisk(point, target);
  const { capacityBytes, chunkSize } = disk;
  const readAhead = Math.max(1, options.readAhead ?? DEFAULT_READ_AHEAD);
  const signal = options.signal;

  const read = async (index: number, id: ChunkId): Promise<Buffer> => {
    const offset = index * chunkSize;
    let bytes: Buffer;
    try {
      bytes = await chunks.get(id);
    } catch (error) {
      if (error instanceof ChunkCorruptError || error instanceof ChunkMissingError) throw new PointDataError(point.id, target, index, offset, id, error);
      throw error;
    }
    const expected = chunkLength(capacityBytes, chunkSize, index);
    if (bytes.length !== expected) {
      throw new PointDataError(point.id, target, index, offset, id, new Error(`the chunk holds ${bytes.length} bytes, its slot ${expected}`));
    }
    return bytes;
  };

  // Reads started, by slot index; a rejection is observed at once (and rethrown when its slot is reached).
  const inFlight = new Map<number, Promise<Buffer>>();
  let nextToStart = 0;
  const fill = (from: number): void => {
    if (nextToStart < from) nextToStart = from;
    while (inFlight.size < readAhead && nextToStart < disk.chunks.length) {
      const index = nextToStart++;
      const id = disk.chunks[index];
      if (id === null || id === undefined) continue;
      const pending = read(index, id);
      pending.catch(() => undefined);
      inFlight.set(index, pending);
    }
  };

  try {
    for (let index = 0; index < disk.chunks.length; index += 1) {
      signal?.throwIfAborted();
      fill(index);
      const id = disk.chunks[index] ?? null;
      const length = chunkLength(capacityBytes, chunkSize, index);
      const pending = inFlight.get(index);
      let bytes: Buffer | null = null;
      if (pending) {
        inFlight.delete(index);
        bytes = await pending;
        fill(index + 1);
      }
      yield { index, offset: index * chunkSize, length, id, bytes };
    }
  } finally {
    // Reads still running finish on their own; their results are dropped and their failures already observed.
    inFlight.clear();
  }
}
