// Verify: re-reads every chunk the restore points reference and checks it the way a restore would (ChunkStore.get:
// header, decompression, SHA-256 against the id), so damage is found before the day it is needed. A reader: no
// lock, nothing written, safe beside a running backup.
//
// Two passes over the manifests keep memory to one entry per distinct chunk: the first collects the ids (and the
// length each slot expects), the second, only when something is wrong, finds which points, disks and offsets
// use the bad chunks. A chunk whose points were all pruned between the passes was garbage by then and is not
// reported.
import type { Logger } from '../logging/logger.js';
import { ChunkCorruptError, ChunkMissingError, type ManifestDamage } from './errors.js';
import { chunkLength, type ChunkId, type Manifest } from './format.js';
import { errorCode, forEachLimit } from './io.js';
import type { Repository } from './repository.js';

export interface VerifyProgress {
  /** Distinct chunks checked, of `total` referenced. */
  done: number;
  total: number;
  /** Uncompressed bytes of the chunks checked so far. */
  bytesDone: number;
}

export interface VerifyOptions {
  logger: Logger;
  signal?: AbortSignal;
  onProgress?: (progress: VerifyProgress) => void;
  /** Chunks read and checked at once. Default 4. */
  concurrency?: number;
}

/** Where a restore point uses a chunk. */
export interface ChunkUse {
  pointId: string;
  clusterId: string;
  vmUuid: string;
  vmName: string;
  /** The disk's target (`vda`). */
  target: string;
  /** Byte offset of the chunk's slot within the disk. */
  offset: number;
}

export interface BadChunk {
  chunkId: ChunkId;
  /** The chunk file's absolute path. */
  path: string;
  problem: 'missing' | 'corrupt';
  message: string;
  /** Every slot of every point that uses it, by point id, disk and offset. */
  points: ChunkUse[];
}

export interface DamagedManifestReport {
  /** Relative to the repository, `/`-separated. */
  path: string;
  damage: ManifestDamage;
  problems: string[];
}

export interface VerifyResult {
  /** Intact manifests read. */
  pointsChecked: number;
  /** Distinct chunks read and checked (bad ones included). */
  chunksChecked: number;
  /** Uncompressed bytes of the chunks that checked out. */
  bytesChecked: number;
  badChunks: BadChunk[];
  /** Manifests that could not be read, and intact ones whose slots disagree with their chunks' lengths. */
  damagedManifests: DamagedManifestReport[];
}

const DEFAULT_VERIFY_CONCURRENCY = 4;

/** The file-level read errors that mean "this chunk's bytes cannot be had", not "the share went away". */
const UNREADABLE_CODES = new Set(['EIO', 'EISDIR']);

/** Checks every chunk the repository's points reference. Throws only when it cannot go on (aborted, share gone). */
export async function verifyRepository(repo: Repository, options: VerifyOptions): Promise<VerifyResult> {
  const { logger, signal, onProgress } = options;
  const concurrency = options.concurrency ?? DEFAULT_VERIFY_CONCURRENCY;
  if (!(Number.isSafeInteger(concurrency) && concurrency > 0)) throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
  const walkOptions = signal ? { signal } : {};

  // Pass 1: every referenced id, with the length its slots expect (the same bytes, the same length: an id two
  // slots expect at different lengths is a manifest error found once the chunk's real length is known).
  const expectedLength = new Map<ChunkId, number>();
  const mixedLengths = new Set<ChunkId>();
  let pointsChecked = 0;
  const walk = await repo.points.forEachManifest((manifest) => {
    pointsChecked += 1;
    forEachSlot(manifest, (id, slotLength) => {
      const known = expectedLength.get(id);
      if (known === undefined) expectedLength.set(id, slotLength);
      else if (known !== slotLength) mixedLengths.add(id);
    });
  }, walkOptions);
  // A manifest that vanished between listing and reading was pruned by a writer meanwhile: gone, not damaged.
  const damagedManifests: DamagedManifestReport[] = walk.damaged
    .filter((d) => errorCode(d.cause) !== 'ENOENT')
    .map((d) => ({ path: d.path, damage: d.damage, problems: [...d.problems] }));
  logger.info('Verifying the repository', { manifests: walk.manifests, damagedManifests: damagedManifests.length, chunks: expectedLength.size });

  // Every chunk, through the same check a restore makes.
  const bad = new Map<ChunkId, Omit<BadChunk, 'points'>>();
  /** Chunks whose real length some slot may not expect: id → real length. */
  const lengthSuspects = new Map<ChunkId, number>();
  const ids = [...expectedLength.keys()];
  let done = 0;
  let bytesChecked = 0;
  onProgress?.({ done, total: ids.length, bytesDone: 0 });
  await forEachLimit(ids, concurrency, async (id) => {
    signal?.throwIfAborted();
    try {
      const bytes = await repo.chunks.get(id);
      bytesChecked += bytes.length;
      if (bytes.length !== expectedLength.get(id) || mixedLengths.has(id)) lengthSuspects.set(id, bytes.length);
    } catch (error) {
      const path = repo.chunks.pathOf(id);
      if (error instanceof ChunkMissingError) bad.set(id, { chunkId: id, path, problem: 'missing', message: error.message });
      else if (error instanceof ChunkCorruptError) bad.set(id, { chunkId: id, path, problem: 'corrupt', message: error.message });
      else if (UNREADABLE_CODES.has(errorCode(error) ?? '')) bad.set(id, { chunkId: id, path, problem: 'corrupt', message: `Chunk ${id} cannot be read (${path}): ${String(error)}` });
      else throw error;
    }
    done += 1;
    onProgress?.({ done, total: ids.length, bytesDone: bytesChecked });
  });

  // Pass 2, only when something is wrong: which points use the bad chunks, and which slots expect a length their
  // chunk does not have.
  const uses = new Map<ChunkId, ChunkUse[]>();
  if (bad.size > 0 || lengthSuspects.size > 0) {
    const lengthProblems = new Map<string, string[]>();
    await repo.points.forEachManifest((manifest, path) => {
      forEachSlot(manifest, (id, slotLength, target, index, offset) => {
        if (bad.has(id)) {
          let list = uses.get(id);
          if (!list) uses.set(id, (list = []));
          list.push({ pointId: manifest.id, clusterId: manifest.vm.clusterId, vmUuid: manifest.vm.vmUuid, vmName: manifest.vm.name, target, offset });
        }
        const realLength = lengthSuspects.get(id);
        if (realLength !== undefined && realLength !== slotLength) {
          let problems = lengthProblems.get(path);
          if (!problems) lengthProblems.set(path, (problems = []));
          problems.push(`disk ${target}, chunk ${index} (offset ${offset}): chunk ${id} holds ${realLength} bytes, the slot ${slotLength}`);
        }
      });
    }, walkOptions);
    for (const [path, problems] of lengthProblems) damagedManifests.push({ path, damage: 'invalid', problems });
  }

  const badChunks: BadChunk[] = [];
  for (const chunk of bad.values()) {
    const points = uses.get(chunk.chunkId);
    if (!points) {
      logger.debug('A bad chunk is no longer referenced (its points were pruned meanwhile)', { chunkId: chunk.chunkId });
      continue;
    }
    points.sort((a, b) => compare(a.pointId, b.pointId) || compare(a.target, b.target) || a.offset - b.offset);
    badChunks.push({ ...chunk, points });
    logger.error('Damaged chunk', { chunkId: chunk.chunkId, path: chunk.path, problem: chunk.problem, message: chunk.message, points: points.slice(0, 20) });
  }
  badChunks.sort((a, b) => compare(a.path, b.path));
  damagedManifests.sort((a, b) => compare(a.path, b.path));

  const result: VerifyResult = { pointsChecked, chunksChecked: ids.length, bytesChecked, badChunks, damagedManifests };
  const summary = { pointsChecked, chunksChecked: ids.length, bytesChecked, badChunks: badChunks.length, damagedManifests: damagedManifests.length };
  if (badChunks.length > 0 || damagedManifests.length > 0) logger.error('Verify found damage', summary);
  else logger.info('Verified the repository: every chunk is intact', summary);
  return result;
}

/** Calls `fn` for every non-zero slot of every disk: its chunk id, the slot's length, the disk, index and offset. */
function forEachSlot(manifest: Manifest, fn: (id: ChunkId, slotLength: number, target: string, index: number, offset: number) => void): void {
  for (const disk of manifest.disks) {
    for (const [index, id] of disk.chunks.entries()) {
      if (id !== null) fn(id, chunkLength(disk.capacityBytes, disk.chunkSize, index), disk.target, index, index * disk.chunkSize);
    }
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
