// Restore point manifests: `points/<clusterId>/<vmUuid>/<time>-<short id>.json`. A manifest is written last,
// after every chunk it references is durable, and atomically, so a point exists exactly when its manifest does.
// Manifests are never modified; prune deletes them. Every manifest read is validated; one that fails is
// reported as damaged with its path, never skipped without a word.
import type { Dirent } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../fs/atomic-write.js';
import type { Logger } from '../logging/logger.js';
import type { ChunkStore } from './chunk-store.js';
import { ChunkMissingError, ManifestDamagedError, ManifestInvalidError, PointNotFoundError } from './errors.js';
import {
  MANIFEST_FORMAT,
  MANIFEST_VERSION,
  POINTS_DIR,
  describeIssues,
  manifestRelativePath,
  manifestSchema,
  pathSegmentSchema,
  type DiskStats,
  type Manifest,
  type VmRef,
} from './format.js';
import { ensureDirDurable, errorCode, forEachLimit, pathExists, rethrowWrite } from './io.js';

const READ_CONCURRENCY = 8;
const CHUNK_CHECK_CONCURRENCY = 16;

/** What a list shows of a point: the manifest without its bulky parts (chunk lists, XML). */
export interface PointSummary {
  id: string;
  /** The manifest's path relative to the repository, `/`-separated. */
  path: string;
  createdAt: string;
  completedAt: string;
  vm: Manifest['vm'];
  sourceHost: Manifest['sourceHost'];
  type: Manifest['type'];
  fullReason?: string;
  checkpoint: { name: string; parentName: string | null } | null;
  parentPointId: string | null;
  disks: Array<{ target: string; format: string; capacityBytes: number; chunkSize: number; chunkCount: number; stats: DiskStats }>;
  stats: DiskStats;
}

export interface PointListing {
  /** Oldest first. */
  points: PointSummary[];
  /** Manifests that could not be used, each naming its file. */
  damaged: ManifestDamagedError[];
}

export interface PointFilter {
  clusterId?: string;
  vmUuid?: string;
}

export interface ManifestWalkOptions {
  filter?: PointFilter;
  signal?: AbortSignal;
  /** Manifests read so far (intact or damaged) of those listed. */
  onProgress?: (done: number, total: number) => void;
}

export interface ManifestWalk {
  /** Manifest files found (intact and damaged). */
  manifests: number;
  damaged: ManifestDamagedError[];
}

export interface PointStoreOptions {
  root: string;
  chunkSize: number;
  chunks: ChunkStore;
  logger: Logger;
  assertWritable: () => void;
}

function summarize(m: Manifest, path: string): PointSummary {
  return {
    id: m.id,
    path,
    createdAt: m.createdAt,
    completedAt: m.completedAt,
    vm: m.vm,
    sourceHost: m.sourceHost,
    type: m.type,
    ...(m.fullReason === undefined ? {} : { fullReason: m.fullReason }),
    checkpoint: m.checkpoint ? { name: m.checkpoint.name, parentName: m.checkpoint.parentName } : null,
    parentPointId: m.parentPointId,
    disks: m.disks.map((d) => ({ target: d.target, format: d.format, capacityBytes: d.capacityBytes, chunkSize: d.chunkSize, chunkCount: d.chunks.length, stats: d.stats })),
    stats: m.stats,
  };
}

const byTime = (a: { createdAt: string; id: string }, b: { createdAt: string; id: string }): number =>
  Date.parse(a.createdAt) - Date.parse(b.createdAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export class PointStore {
  readonly root: string;
  readonly #chunkSize: number;
  readonly #chunks: ChunkStore;
  readonly #logger: Logger;
  readonly #assertWritable: () => void;

  constructor(options: PointStoreOptions) {
    this.root = options.root;
    this.#chunkSize = options.chunkSize;
    this.#chunks = options.chunks;
    this.#logger = options.logger;
    this.#assertWritable = options.assertWritable;
  }

  /**
   * Writes a restore point: validates the manifest, checks that every chunk it references is in the
   * repository, makes the chunks durable, then writes the manifest atomically. Returns its relative path.
   */
  async write(manifest: Manifest): Promise<{ path: string }> {
    this.#assertWritable();
    const parsed = manifestSchema.safeParse(manifest);
    if (!parsed.success) throw new ManifestInvalidError(describeIssues(parsed.error));
    const m = parsed.data;
    const wrongSize = m.disks.find((d) => d.chunkSize !== this.#chunkSize);
    if (wrongSize) throw new ManifestInvalidError([`disk ${wrongSize.target} has chunk size ${wrongSize.chunkSize}; this repository uses ${this.#chunkSize}`]);
    const relative = manifestRelativePath(m);
    const path = join(this.root, relative);
    if (await pathExists(path)) throw new ManifestInvalidError([`a restore point is already stored at ${relative}`]);

    const ids = new Set<string>();
    for (const disk of m.disks) for (const id of disk.chunks) if (id !== null) ids.add(id);
    await forEachLimit([...ids], CHUNK_CHECK_CONCURRENCY, async (id) => {
      if (!(await this.#chunks.has(id))) throw new ChunkMissingError(id, this.#chunks.pathOf(id));
    });
    await this.#chunks.flush();

    await ensureDirDurable(dirname(path), this.root);
    try {
      await writeFileAtomic(path, `${JSON.stringify(m, null, 2)}\n`);
    } catch (error) {
      rethrowWrite(error, path);
    }
    this.#logger.info('Stored restore point', { pointId: m.id, path: relative, vm: m.vm, type: m.type, stats: m.stats });
    return { path: relative };
  }

  /** Every restore point (of one cluster, or one VM), oldest first, and the manifests that are damaged. */
  async list(filter: PointFilter = {}): Promise<PointListing> {
    const points: PointSummary[] = [];
    const { damaged } = await this.forEachManifest((manifest, path) => {
      points.push(summarize(manifest, path));
    }, { filter });
    return { points: points.sort(byTime), damaged };
  }

  /**
   * Reads every manifest (of one cluster, or one VM) and hands each intact one to `visit`, one at a time per
   * reader, without keeping them: what GC and verify walk, where all chunk lists at once would not fit in
   * memory. Damaged manifests are logged and returned (sorted by path), never skipped without a word.
   */
  async forEachManifest(visit: (manifest: Manifest, path: string) => void | Promise<void>, options: ManifestWalkOptions = {}): Promise<ManifestWalk> {
    const files = await this.#manifestFiles(options.filter ?? {});
    const damaged: ManifestDamagedError[] = [];
    let done = 0;
    options.onProgress?.(done, files.length);
    await forEachLimit(files, READ_CONCURRENCY, async (file) => {
      options.signal?.throwIfAborted();
      const manifest = await this.#load(file).catch((error: unknown) => {
        if (!(error instanceof ManifestDamagedError)) throw error;
        damaged.push(error);
        return null;
      });
      if (manifest) await visit(manifest, file);
      done += 1;
      options.onProgress?.(done, files.length);
    });
    for (const error of damaged) this.#logger.warn('Damaged restore point manifest', { path: error.path, damage: error.damage, problems: error.problems });
    damaged.sort((a, b) => (a.path < b.path ? -1 : 1));
    return { manifests: files.length, damaged };
  }

  /** The full manifest of a point. Throws PointNotFoundError, or ManifestDamagedError for its damaged file. */
  async read(id: string): Promise<Manifest> {
    const short = id.slice(0, 8);
    const candidates = (await this.#manifestFiles({})).filter((file) => file.endsWith(`-${short}.json`));
    let damaged: ManifestDamagedError | null = null;
    for (const file of candidates) {
      try {
        const m = await this.#load(file);
        if (m.id === id) return m;
      } catch (error) {
        if (!(error instanceof ManifestDamagedError)) throw error;
        damaged ??= error;
      }
    }
    // A damaged file whose name matches may be the point asked for: say so rather than "not found".
    if (damaged) throw damaged;
    throw new PointNotFoundError(id);
  }

  /**
   * The newest intact point of a VM (the parent of its next incremental), or null when it has none. A newer
   * manifest that is damaged is logged and passed over.
   */
  async latestFor(vm: VmRef): Promise<Manifest | null> {
    const files = (await this.#manifestFiles(vm)).sort().reverse();
    for (const file of files) {
      try {
        return await this.#load(file);
      } catch (error) {
        if (!(error instanceof ManifestDamagedError)) throw error;
        this.#logger.warn('Passing over a damaged restore point manifest', { path: error.path, damage: error.damage, problems: error.problems });
      }
    }
    return null;
  }

  /** Relative paths of the manifest files under `points/`, narrowed by the filter. */
  async #manifestFiles(filter: PointFilter): Promise<string[]> {
    for (const value of [filter.clusterId, filter.vmUuid]) {
      if (value !== undefined && !pathSegmentSchema.safeParse(value).success) throw new RangeError(`not a valid id: ${JSON.stringify(value)}`);
    }
    const files: string[] = [];
    const clusters = filter.clusterId !== undefined ? [filter.clusterId] : await this.#subfolders(POINTS_DIR);
    for (const cluster of clusters) {
      const vms = filter.vmUuid !== undefined ? [filter.vmUuid] : await this.#subfolders(`${POINTS_DIR}/${cluster}`);
      for (const vm of vms) {
        const folder = `${POINTS_DIR}/${cluster}/${vm}`;
        for (const entry of await this.#entries(folder)) {
          // Temp files of an interrupted write and OS litter (.DS_Store) start with a dot; a point is never one.
          if (entry.isFile() && !entry.name.startsWith('.') && entry.name.endsWith('.json')) files.push(`${folder}/${entry.name}`);
        }
      }
    }
    return files;
  }

  async #subfolders(relative: string): Promise<string[]> {
    const names: string[] = [];
    for (const entry of await this.#entries(relative)) {
      if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
      if (pathSegmentSchema.safeParse(entry.name).success) names.push(entry.name);
      else this.#logger.warn('Ignoring a folder that is not part of the repository format', { path: `${relative}/${entry.name}` });
    }
    return names;
  }

  async #entries(relative: string): Promise<Dirent[]> {
    try {
      return await readdir(join(this.root, relative), { withFileTypes: true });
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return [];
      throw error;
    }
  }

  /** Reads and validates one manifest; any problem becomes a ManifestDamagedError naming the file. */
  async #load(relative: string): Promise<Manifest> {
    let doc: unknown;
    try {
      doc = JSON.parse(await readFile(join(this.root, relative), 'utf8'));
    } catch (error) {
      if (errorCode(error) === 'ENOENT') throw new ManifestDamagedError(relative, 'unreadable', ['the file disappeared while being read (pruned?)'], { cause: error });
      throw new ManifestDamagedError(relative, 'unreadable', [error instanceof Error ? error.message : String(error)], { cause: error });
    }
    // Version first: a newer manifest may have any shape, and is "needs a newer Lifeboat", not "broken".
    if (typeof doc === 'object' && doc !== null && !Array.isArray(doc)) {
      const { format, version } = doc as { format?: unknown; version?: unknown };
      if (format === MANIFEST_FORMAT && typeof version === 'number' && version > MANIFEST_VERSION) {
        throw new ManifestDamagedError(relative, 'newer-version', [`manifest version ${version}; this version of Lifeboat reads ${MANIFEST_VERSION}`]);
      }
    }
    const parsed = manifestSchema.safeParse(doc);
    if (!parsed.success) throw new ManifestDamagedError(relative, 'invalid', describeIssues(parsed.error));
    const expected = manifestRelativePath(parsed.data);
    if (expected !== relative) throw new ManifestDamagedError(relative, 'misplaced', [`a manifest with this id, VM and time belongs at ${expected}`]);
    return parsed.data;
  }
}
