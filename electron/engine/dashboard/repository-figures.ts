// The repository's size on disk and how much the points reference, from one walk of the repository: every
// manifest (its non-zero slots) and every chunk file (its size). A walk reads as much as the point index's rebuild
// does, so it is cached and redone only when the repository changed (after a backup, prune or GC job, or when
// another repository is chosen) or when the figures are older than `maxAgeMs` (the CLI or another machine may
// have written to it meanwhile). One walk runs at a time; a refresh asked for during a walk runs once after it.
import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../clock.js';
import type { Logger } from '../logging/logger.js';
import { CHUNKS_DIR, CHUNK_ID_PATTERN, chunkLength } from '../repository/format.js';
import { errorCode, forEachLimit } from '../repository/io.js';
import type { Repository } from '../repository/repository.js';

export interface RepositoryWalkFigures {
  path: string;
  chunkCount: number;
  /** Bytes of the chunk files (headers included). */
  chunkBytes: number;
  /** Manifest files, intact or damaged. */
  manifestCount: number;
  manifestBytes: number;
  /** Bytes of the non-zero slots of every point's disks: what the points would take stored whole, uncompressed. */
  logicalBytes: number;
  computedAt: string;
}

const CHUNK_FOLDER = /^[0-9a-f]{2}$/;
const FOLDER_CONCURRENCY = 4;
const STAT_CONCURRENCY = 32;
/** Figures older than this are walked again at the next request. */
export const DEFAULT_FIGURES_MAX_AGE_MS = 15 * 60_000;

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    // Pruned or collected while the walk ran: it no longer takes space.
    if (errorCode(error) === 'ENOENT') return 0;
    throw error;
  }
}

async function entriesOf(path: string): Promise<Dirent[]> {
  try {
    return await readdir(path, { withFileTypes: true });
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return [];
    throw error;
  }
}

/** Walks a repository opened for reading: manifests first, then chunks (FORMAT.md §10: the order readers use). */
export async function walkRepository(repository: Repository, clock: Clock, signal?: AbortSignal): Promise<RepositoryWalkFigures> {
  let logicalBytes = 0;
  let manifestBytes = 0;
  const walk = await repository.points.forEachManifest(
    async (manifest, relative) => {
      for (const disk of manifest.disks) {
        disk.chunks.forEach((id, index) => {
          if (id !== null) logicalBytes += chunkLength(disk.capacityBytes, disk.chunkSize, index);
        });
      }
      // Read the size before adding: `total += await …` would add to a total read before the await (lost updates).
      const size = await sizeOf(join(repository.path, relative));
      manifestBytes += size;
    },
    signal ? { signal } : {},
  );
  for (const damaged of walk.damaged) {
    const size = await sizeOf(join(repository.path, damaged.path));
    manifestBytes += size;
  }

  let chunkCount = 0;
  let chunkBytes = 0;
  const chunksRoot = join(repository.path, CHUNKS_DIR);
  const folders = (await entriesOf(chunksRoot)).filter((entry) => entry.isDirectory() && CHUNK_FOLDER.test(entry.name));
  await forEachLimit(folders, FOLDER_CONCURRENCY, async (folder) => {
    signal?.throwIfAborted();
    const files = (await entriesOf(join(chunksRoot, folder.name))).filter((entry) => entry.isFile() && CHUNK_ID_PATTERN.test(entry.name));
    await forEachLimit(files, STAT_CONCURRENCY, async (file) => {
      const size = await sizeOf(join(chunksRoot, folder.name, file.name));
      if (size > 0) {
        chunkCount += 1;
        chunkBytes += size;
      }
    });
  });
  return { path: repository.path, chunkCount, chunkBytes, manifestCount: walk.manifests, manifestBytes, logicalBytes, computedAt: clock.now().toISOString() };
}

export interface RepositoryFiguresDeps {
  /** Opens the repository at a path for reading. */
  open: (path: string) => Promise<Repository>;
  clock: Clock;
  logger: Logger;
  /** Told after each walk that produced figures. */
  onUpdated: (figures: RepositoryWalkFigures) => void;
  maxAgeMs?: number;
}

export class RepositoryFiguresCache {
  readonly #deps: RepositoryFiguresDeps;
  readonly #maxAgeMs: number;
  readonly #closing = new AbortController();
  #figures: RepositoryWalkFigures | null = null;
  /** The last walk's end, successful or not, so an unreadable repository is not walked again at every request. */
  #lastAttempt: { path: string; at: number } | null = null;
  #running: Promise<void> | null = null;
  #queued: { path: string; promise: Promise<void> } | null = null;

  constructor(deps: RepositoryFiguresDeps) {
    this.#deps = deps;
    this.#maxAgeMs = deps.maxAgeMs ?? DEFAULT_FIGURES_MAX_AGE_MS;
  }

  /** Whether a walk is running or queued. */
  get pending(): boolean {
    return this.#running !== null || this.#queued !== null;
  }

  /** The figures of the last walk of `path`, or null. */
  current(path: string): RepositoryWalkFigures | null {
    return this.#figures?.path === path ? this.#figures : null;
  }

  /** Walks `path` now, or once more after the walk running now. Resolves when that walk has ended. */
  refresh(path: string): Promise<void> {
    if (this.#closing.signal.aborted) return Promise.resolve();
    if (this.#queued) {
      this.#queued.path = path;
      return this.#queued.promise;
    }
    const running = this.#running;
    if (!running) return this.#start(path);
    const queued: { path: string; promise: Promise<void> } = {
      path,
      promise: running.then(() => {
        this.#queued = null;
        return this.#start(queued.path);
      }),
    };
    this.#queued = queued;
    return queued.promise;
  }

  /**
   * The figures of `path`, walking it first when there are none or they are too old; waits at most `waitMs`
   * for a walk in progress (then `pending` says one is still running).
   */
  async get(path: string, waitMs: number): Promise<{ figures: RepositoryWalkFigures | null; pending: boolean }> {
    const now = this.#deps.clock.now().getTime();
    const figures = this.current(path);
    const triedRecently = this.#lastAttempt?.path === path && now - this.#lastAttempt.at < this.#maxAgeMs;
    const tooOld = figures !== null && now - Date.parse(figures.computedAt) >= this.#maxAgeMs;
    if (!this.pending && ((figures === null && !triedRecently) || tooOld)) void this.refresh(path);
    const inFlight = this.#queued?.promise ?? this.#running;
    if (inFlight && waitMs > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([inFlight, new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)))]);
      clearTimeout(timer);
    }
    return { figures: this.current(path), pending: this.pending };
  }

  /** Stops a walk in progress (between manifests and chunk folders) and waits for it to end. */
  async close(): Promise<void> {
    this.#closing.abort(new Error('the engine is closing'));
    await (this.#queued?.promise ?? this.#running);
  }

  #start(path: string): Promise<void> {
    const run: Promise<void> = this.#walk(path).finally(() => {
      if (this.#running === run) this.#running = null;
    });
    this.#running = run;
    return run;
  }

  async #walk(path: string): Promise<void> {
    if (this.#closing.signal.aborted) return;
    try {
      const repository = await this.#deps.open(path);
      const figures = await walkRepository(repository, this.#deps.clock, this.#closing.signal);
      this.#figures = figures;
      this.#deps.onUpdated(figures);
    } catch (error) {
      if (!this.#closing.signal.aborted) this.#deps.logger.warn('could not walk the repository for its figures', { path, error });
    } finally {
      this.#lastAttempt = { path, at: this.#deps.clock.now().getTime() };
    }
  }
}
