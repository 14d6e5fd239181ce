// Garbage collection: mark and sweep, exactly as FORMAT.md §12 says. A chunk is garbage only if no manifest
// references it, and that is only knowable while no backup is between writing chunks and writing their
// manifest: hence the writer lock for the whole run (in this process too: the engine runs GC alone, never in a
// backup's shared writer session). Marking reads every manifest; one damaged manifest stops GC before anything
// is deleted, since its references are unknown. Sweeping deletes unmarked chunk files in batches, checking
// before each batch that the lock file is still ours.
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../logging/logger.js';
import { GarbageCollectionRefusedError } from './errors.js';
import { CHUNKS_DIR, CHUNK_ID_PATTERN, type ChunkId } from './format.js';
import { errorCode, forEachLimit } from './io.js';
import type { Repository } from './repository.js';

export interface GcProgress {
  /** marking: done/total manifests read; sweeping: done/total garbage chunks deleted. */
  phase: 'marking' | 'sweeping';
  done: number;
  total: number;
}

export interface CollectGarbageOptions {
  logger: Logger;
  /** Checked between manifests and between delete batches; what was deleted stays deleted (it was garbage). */
  signal?: AbortSignal;
  onProgress?: (progress: GcProgress) => void;
  /** Chunk files deleted between two checks of the writer lock. Default 1000. */
  batchSize?: number;
}

export interface GcResult {
  /** Chunk files in `chunks/` when the sweep began. */
  chunksTotal: number;
  /** Distinct chunk ids the manifests reference. */
  chunksReferenced: number;
  /** Referenced ids with no chunk file: damage for verify to name; GC only counts them. */
  chunksMissing: number;
  chunksRemoved: number;
  /** Bytes of the chunk files removed (headers included). */
  bytesFreed: number;
  /** Temp files of interrupted writes removed (after marking, before the sweep). */
  tempFilesRemoved: number;
}

const DEFAULT_BATCH_SIZE = 1000;
const DELETE_CONCURRENCY = 16;
const CHUNK_FOLDER = /^[0-9a-f]{2}$/;

/**
 * Removes every chunk file no manifest references (needs the writer lock). Throws GarbageCollectionRefusedError,
 * having deleted nothing, when a manifest is damaged; WriterLockError when the lock is lost (it stops at the
 * next batch); the signal's reason when aborted.
 */
export async function collectGarbage(repo: Repository, options: CollectGarbageOptions): Promise<GcResult> {
  const { logger, signal, onProgress } = options;
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!(Number.isSafeInteger(batchSize) && batchSize > 0)) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  const lock = repo.requireWriterLock();
  await lock.verify();
  signal?.throwIfAborted();

  // Mark.
  const referenced = new Set<ChunkId>();
  const walk = await repo.points.forEachManifest(
    (manifest) => {
      for (const disk of manifest.disks) for (const id of disk.chunks) if (id !== null) referenced.add(id);
    },
    { ...(signal ? { signal } : {}), onProgress: (done, total) => onProgress?.({ phase: 'marking', done, total }) },
  );
  if (walk.damaged.length > 0) {
    const error = new GarbageCollectionRefusedError(walk.damaged);
    logger.error('Garbage collection stopped before deleting anything', { damaged: walk.damaged.map((d) => d.path) });
    throw error;
  }
  const tempFiles = await repo.removeStaleTempFiles();

  // Find the garbage. Chunk folders stay even when emptied: a ChunkStore remembers the folders it has seen, and
  // a writer in this process would otherwise rename a new chunk into a folder that is gone.
  const garbage: ChunkId[] = [];
  const foreign: string[] = [];
  let chunksTotal = 0;
  let referencedPresent = 0;
  for (const folder of await readdir(join(repo.path, CHUNKS_DIR), { withFileTypes: true })) {
    signal?.throwIfAborted();
    if (!folder.isDirectory() || !CHUNK_FOLDER.test(folder.name)) {
      foreign.push(`${CHUNKS_DIR}/${folder.name}`);
      continue;
    }
    for (const entry of await readdir(join(repo.path, CHUNKS_DIR, folder.name), { withFileTypes: true })) {
      // Only a file named by its own id in its own folder is a chunk; anything else is not GC's to delete.
      if (!entry.isFile() || !CHUNK_ID_PATTERN.test(entry.name) || !entry.name.startsWith(folder.name)) {
        foreign.push(`${CHUNKS_DIR}/${folder.name}/${entry.name}`);
        continue;
      }
      chunksTotal += 1;
      if (referenced.has(entry.name)) referencedPresent += 1;
      else garbage.push(entry.name);
    }
  }
  if (foreign.length > 0) logger.warn('Left alone files in chunks/ that are not chunks', { count: foreign.length, files: foreign.slice(0, 20) });
  const chunksMissing = referenced.size - referencedPresent;
  if (chunksMissing > 0) logger.warn('Restore points reference chunks that are not in the repository; verify names them', { chunksMissing });

  // Sweep.
  let chunksRemoved = 0;
  let bytesFreed = 0;
  onProgress?.({ phase: 'sweeping', done: 0, total: garbage.length });
  for (let start = 0; start < garbage.length; start += batchSize) {
    signal?.throwIfAborted();
    await lock.verify();
    await forEachLimit(garbage.slice(start, start + batchSize), DELETE_CONCURRENCY, async (id) => {
      const path = repo.chunks.pathOf(id);
      try {
        const { size } = await stat(path);
        await rm(path);
        chunksRemoved += 1;
        bytesFreed += size;
      } catch (error) {
        if (errorCode(error) !== 'ENOENT') throw error;
      }
    });
    onProgress?.({ phase: 'sweeping', done: Math.min(start + batchSize, garbage.length), total: garbage.length });
  }

  const result: GcResult = { chunksTotal, chunksReferenced: referenced.size, chunksMissing, chunksRemoved, bytesFreed, tempFilesRemoved: tempFiles.length };
  logger.info('Collected garbage', { ...result, manifests: walk.manifests });
  return result;
}
