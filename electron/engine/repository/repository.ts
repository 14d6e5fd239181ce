// A Lifeboat repository: a folder (local, or a NAS share the OS mounted) holding `lifeboat-repo.json`, the
// chunk store, restore point manifests, the writer lock and the prune log. See docs/FORMAT.md.
//
// Opening reads only: listing, exporting and verifying never take the lock and never write. Writing (backup,
// prune and GC) needs the writer lock, taken with `writer: true` or acquireWriterLock(); taking it also removes
// the temp files a crashed writer left.
import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, readdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { TEMP_PREFIX, fsyncDirectory, writeFileAtomic } from '../fs/atomic-write.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logging/logger.js';
import { ChunkStore } from './chunk-store.js';
import { DiskImageWriter, type DiskImageWriterOptions } from './disk-image-writer.js';
import {
  RepositoryConfigError,
  RepositoryInitError,
  RepositoryNotFoundError,
  RepositoryUnsupportedError,
  RepositoryVersionError,
  WriterLockError,
  type LockHolder,
} from './errors.js';
import { exportDisk, type ExportDiskOptions, type ExportDiskResult } from './export-disk.js';
import {
  CHUNKS_DIR,
  CONFIG_FILE,
  DEFAULT_CHUNK_SIZE,
  LOCKS_DIR,
  POINTS_DIR,
  PRUNES_LOG,
  REPOSITORY_FORMAT,
  REPOSITORY_VERSION,
  TMP_DIR,
  chunkSizeSchema,
  describeIssues,
  repositoryConfigSchema,
  type Manifest,
  type RepositoryConfig,
} from './format.js';
import { ensureDirDurable, errorCode, rethrowWrite } from './io.js';
import { PointStore } from './point-store.js';
import { acquireWriterLock, readWriterLock, type WriterLock, type WriterLockOptions } from './writer-lock.js';

export interface RepositoryDeps {
  clock: Clock;
  logger: Logger;
}

export interface RepositoryOpenOptions extends RepositoryDeps {
  /** Take the writer lock (and clean stale temp files) while opening. */
  writer?: boolean | WriterLockOptions;
}

export interface RepositoryInitOptions extends RepositoryOpenOptions {
  /** Chunk size of the new repository; 4 MiB unless a test needs small chunks. */
  chunkSize?: number;
}

/** What `init` tolerates in the chosen folder besides its own leftovers: file system and NAS litter. */
const FOREIGN_OK = new Set(['lost+found', '.DS_Store', 'Thumbs.db', 'desktop.ini', '$RECYCLE.BIN', 'System Volume Information', '#recycle', '@eaDir', '.snapshot']);
const SKELETON = new Set([CHUNKS_DIR, POINTS_DIR, LOCKS_DIR, TMP_DIR, PRUNES_LOG]);

/** The names in a folder that make `init` refuse it: anything but OS and NAS litter and an interrupted init's own. */
export function namesRefusedByInit(names: readonly string[]): string[] {
  return names.filter((name) => !SKELETON.has(name) && !FOREIGN_OK.has(name) && !name.startsWith(TEMP_PREFIX) && !name.startsWith('.Trash-'));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads and checks `lifeboat-repo.json`. The format name and version are checked before anything else, so a
 * repository written by a newer Lifeboat is refused whatever the rest of the file holds.
 */
async function readConfig(root: string): Promise<RepositoryConfig> {
  const path = join(root, CONFIG_FILE);
  let raw: string;
  try {
    raw = await readFile(path, 'utf8');
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new RepositoryNotFoundError(root, `there is no ${CONFIG_FILE}`);
    throw error;
  }
  let doc: unknown;
  try {
    doc = JSON.parse(raw);
  } catch (error) {
    throw new RepositoryConfigError(path, 'not valid JSON', { cause: error });
  }
  if (!isObject(doc) || doc['format'] !== REPOSITORY_FORMAT) throw new RepositoryNotFoundError(root, `${CONFIG_FILE} does not say format "${REPOSITORY_FORMAT}"`);
  const version = doc['version'];
  if (typeof version === 'number' && Number.isInteger(version) && version > REPOSITORY_VERSION) throw new RepositoryVersionError(root, version, REPOSITORY_VERSION);
  if (version !== REPOSITORY_VERSION) throw new RepositoryConfigError(path, `version ${JSON.stringify(version)} is not a valid format version`);
  if (doc['hash'] !== 'sha256') throw new RepositoryUnsupportedError(root, `the chunk hash ${JSON.stringify(doc['hash'])}`);
  if (doc['compression'] !== 'zstd') throw new RepositoryUnsupportedError(root, `the compression ${JSON.stringify(doc['compression'])}`);
  const parsed = repositoryConfigSchema.safeParse(doc);
  if (!parsed.success) throw new RepositoryConfigError(path, describeIssues(parsed.error).join('; '));
  if (parsed.data.encryption !== null) throw new RepositoryUnsupportedError(root, `encryption (${parsed.data.encryption.algorithm})`);
  return parsed.data;
}

export class Repository {
  /** Absolute path of the repository folder. */
  readonly path: string;
  readonly config: RepositoryConfig;
  readonly chunks: ChunkStore;
  readonly points: PointStore;
  /** The clock the repository was opened with: lock heartbeats, prune log times. */
  readonly clock: Clock;
  readonly #deps: RepositoryDeps;
  readonly #logger: Logger;
  #lock: WriterLock | null = null;

  private constructor(path: string, config: RepositoryConfig, deps: RepositoryDeps) {
    this.path = path;
    this.config = config;
    this.#deps = deps;
    this.clock = deps.clock;
    this.#logger = deps.logger.child({ repository: path });
    const assertWritable = (): void => {
      this.requireWriterLock();
    };
    this.chunks = new ChunkStore({ root: path, chunkSize: config.chunkSize, assertWritable });
    this.points = new PointStore({ root: path, chunkSize: config.chunkSize, chunks: this.chunks, logger: this.#logger, assertWritable });
  }

  /**
   * Creates a repository in `path` (created if missing; it must be empty apart from OS litter or the leftovers
   * of an interrupted init). `lifeboat-repo.json` is written last: until it exists the folder is no repository.
   */
  static async init(path: string, options: RepositoryInitOptions): Promise<Repository> {
    const root = resolve(path);
    const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
    if (!chunkSizeSchema.safeParse(chunkSize).success) throw new RangeError(`chunkSize must be a power of two from 64 KiB to 64 MiB, got ${chunkSize}`);
    try {
      await mkdir(root, { recursive: true });
    } catch (error) {
      rethrowWrite(error, root);
    }
    const refuseIfUsed = async (): Promise<void> => {
      const names = await readdir(root);
      if (names.includes(CONFIG_FILE)) throw new RepositoryInitError(root, 'it already is a Lifeboat repository');
      const foreign = namesRefusedByInit(names);
      if (foreign.length > 0) throw new RepositoryInitError(root, `the folder is not empty (it holds ${foreign.slice(0, 5).join(', ')}${foreign.length > 5 ? ', …' : ''})`);
    };
    await refuseIfUsed();
    const lockOptions = typeof options.writer === 'object' ? options.writer : {};
    const lock = await acquireWriterLock(root, options, { ...lockOptions, purpose: lockOptions.purpose ?? 'init' });
    let config: RepositoryConfig;
    try {
      // Checked again under the lock: another init may have finished in between.
      await refuseIfUsed();
      for (const dir of [CHUNKS_DIR, POINTS_DIR, TMP_DIR]) await ensureDirDurable(join(root, dir), root);
      const log = await open(join(root, PRUNES_LOG), 'a').catch((error: unknown) => rethrowWrite(error, join(root, PRUNES_LOG)));
      await log.close();
      config = {
        format: REPOSITORY_FORMAT,
        version: REPOSITORY_VERSION,
        id: randomUUID(),
        createdAt: options.clock.now().toISOString(),
        chunkSize,
        hash: 'sha256',
        compression: 'zstd',
        encryption: null,
      };
      await fsyncDirectory(root);
      await writeFileAtomic(join(root, CONFIG_FILE), `${JSON.stringify(config, null, 2)}\n`).catch((error: unknown) => rethrowWrite(error, join(root, CONFIG_FILE)));
    } catch (error) {
      await lock.release();
      throw error;
    }
    const repo = new Repository(root, config, options);
    repo.#logger.info('Created repository', { id: config.id, chunkSize });
    if (options.writer === undefined || options.writer === false) {
      await lock.release();
    } else {
      repo.#lock = lock;
      await repo.removeStaleTempFiles();
    }
    return repo;
  }

  /**
   * Opens an existing repository. The format version is checked first: a repository from a newer Lifeboat is
   * refused with RepositoryVersionError and nothing in it is touched.
   */
  static async open(path: string, options: RepositoryOpenOptions): Promise<Repository> {
    const root = resolve(path);
    const config = await readConfig(root);
    const repo = new Repository(root, config, options);
    if (options.writer !== undefined && options.writer !== false) await repo.acquireWriterLock(options.writer === true ? {} : options.writer);
    return repo;
  }

  /** The writer lock this instance holds, if any. */
  get writerLock(): WriterLock | null {
    return this.#lock?.held ? this.#lock : null;
  }

  /** The writer lock this instance holds; throws WriterLockError when it holds none (every write checks). */
  requireWriterLock(): WriterLock {
    const lock = this.#lock;
    if (!lock?.held) throw new WriterLockError('Writing to the repository needs its writer lock (open it with writer: true)');
    return lock;
  }

  /** Who holds the writer lock now (any process), or null. */
  lockHolder(): Promise<LockHolder | null> {
    return readWriterLock(this.path);
  }

  /** Takes the writer lock (breaking a stale one), then removes temp files a crashed writer left. */
  async acquireWriterLock(options: WriterLockOptions = {}): Promise<WriterLock> {
    if (this.#lock?.held) throw new Error('This repository instance already holds the writer lock');
    const lock = await acquireWriterLock(this.path, this.#deps, options);
    this.#lock = lock;
    try {
      // A folder sync tool may drop empty folders: writers recreate them.
      for (const dir of [CHUNKS_DIR, POINTS_DIR, TMP_DIR]) await ensureDirDurable(join(this.path, dir), this.path);
      await this.removeStaleTempFiles();
    } catch (error) {
      await this.releaseWriterLock();
      throw error;
    }
    return lock;
  }

  async releaseWriterLock(): Promise<void> {
    const lock = this.#lock;
    this.#lock = null;
    await lock?.release();
  }

  /** A writer for one disk's chunks (see DiskImageWriter); needs the writer lock to store anything. */
  createDiskImageWriter(options: DiskImageWriterOptions): DiskImageWriter {
    return new DiskImageWriter(this.chunks, options);
  }

  /** Rebuilds disk `target` of `point` as a raw image at `out`, checking every chunk (see export-disk.ts). */
  exportDisk(point: Manifest, target: string, out: string, options: ExportDiskOptions): Promise<ExportDiskResult> {
    return exportDisk(this.chunks, point, target, out, options);
  }

  async close(): Promise<void> {
    await this.chunks.close();
    await this.releaseWriterLock();
  }

  /**
   * Removes what an interrupted writer can leave: everything in `tmp/` (chunk temp files), and `.tmp-` files
   * beside the config, the lock and the manifests. Only a writer runs it: the lock guarantees no other process
   * is using those files now (taking the lock runs it; GC runs it again, alone in this process too). Returns the
   * relative paths removed.
   */
  async removeStaleTempFiles(): Promise<string[]> {
    this.requireWriterLock();
    const removed: string[] = [];
    const removeIn = async (relative: string, all: boolean): Promise<string[]> => {
      let entries;
      try {
        entries = await readdir(join(this.path, relative), { withFileTypes: true });
      } catch (error) {
        if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return [];
        throw error;
      }
      const folders: string[] = [];
      for (const entry of entries) {
        const rel = relative === '' ? entry.name : `${relative}/${entry.name}`;
        if (all || entry.name.startsWith(TEMP_PREFIX)) {
          await rm(join(this.path, rel), { recursive: true, force: true });
          removed.push(rel);
        } else if (entry.isDirectory()) {
          folders.push(rel);
        }
      }
      return folders;
    };
    await removeIn(TMP_DIR, true);
    await removeIn('', false);
    await removeIn(LOCKS_DIR, false);
    // points/<cluster>/<vm>/: three levels, where writeFileAtomic puts a manifest's temp file.
    let level = [POINTS_DIR];
    for (let depth = 0; depth < 3; depth += 1) {
      const next: string[] = [];
      for (const folder of level) next.push(...(await removeIn(folder, false)));
      level = next;
    }
    if (removed.length > 0) this.#logger.info('Removed temp files left by an interrupted write', { count: removed.length, files: removed.slice(0, 20) });
    return removed;
  }
}
