// The repository the engine backs up into: the path configured in the catalog, opened on demand. Backups share
// one writer session (one writer lock for the process, taken by the first backup and released by the last);
// prune and GC take the session alone (see SharedExclusiveGate). Keeps the catalog's point index in step.
import { statfs } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { RepositoryStatus } from '../../../shared/model/repository.js';
import { IpcError } from '../../../shared/ipc/errors.js';
import type { Catalog } from '../catalog/catalog.js';
import { readRepositoryPath, writeRepositoryPath } from '../catalog/settings-table.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logging/logger.js';
import type { PointsIndex } from '../points/points-index.js';
import { Repository, RepositoryError } from '../repository/index.js';
import { errorOf } from './job-runner.js';
import { SharedExclusiveGate } from './shared-exclusive-gate.js';

export interface RepositoryAccessDeps {
  catalog: Catalog;
  points: PointsIndex;
  clock: Clock;
  logger: Logger;
}

interface WriterSession {
  repository: Promise<Repository>;
  users: number;
}

export class RepositoryAccess {
  readonly #deps: RepositoryAccessDeps;
  readonly #gate = new SharedExclusiveGate();
  #session: WriterSession | null = null;

  constructor(deps: RepositoryAccessDeps) {
    this.#deps = deps;
  }

  /** The configured path, or null. */
  path(): string | null {
    return readRepositoryPath(this.#deps.catalog);
  }

  requirePath(): string {
    const path = this.path();
    if (path === null) throw new IpcError('unavailable', 'No repository is set up yet: choose or create one in Settings (or `lifeboat repo init PATH`).');
    return path;
  }

  /** Opens the configured repository for reading (no lock). */
  async openReader(): Promise<Repository> {
    return await this.#open(this.requirePath(), false);
  }

  async status(): Promise<RepositoryStatus> {
    const path = this.path();
    if (path === null) return { path: null, state: 'not_configured', error: null, pointCount: 0, vmCount: 0, freeBytes: null };
    const counts = this.#deps.points.count(path);
    const base = { path, pointCount: counts.points, vmCount: counts.vms, freeBytes: await freeBytesOf(path) };
    try {
      await this.#open(path, false);
      return { ...base, state: 'ready', error: null };
    } catch (error) {
      return { ...base, state: 'unavailable', error: errorOf(error) };
    }
  }

  /**
   * Makes `path` the repository: opens the one there, or (`create`) makes one. The point index is rebuilt from
   * its manifests, so an existing repository shows every point it holds at once.
   */
  async use(path: string, create: boolean): Promise<RepositoryStatus> {
    const absolute = resolve(path);
    if (this.#session) throw new IpcError('conflict', 'A job is writing to the current repository; wait for it to end before switching.');
    const repository = create
      ? await Repository.init(absolute, { clock: this.#deps.clock, logger: this.#deps.logger }).then(async (r) => {
          await r.close();
          return r;
        })
      : await this.#open(absolute, false);
    writeRepositoryPath(this.#deps.catalog, repository.path);
    const synced = await this.#deps.points.sync(repository);
    this.#deps.logger.info('repository in use', { path: repository.path, created: create, ...synced });
    return await this.status();
  }

  /** Rebuilds the point index of the configured repository (after jobs, and at start). */
  async syncIndex(): Promise<void> {
    const path = this.path();
    if (path === null) return;
    try {
      await this.#deps.points.sync(await this.#open(path, false));
    } catch (error) {
      this.#deps.logger.warn('could not read the repository to index its points', { path, error });
    }
  }

  /**
   * Runs `work` with the repository open for writing. `shared` users (backups) run side by side on one writer
   * session; an `exclusive` user (prune, GC) runs alone.
   */
  async withWriter<T>(mode: 'shared' | 'exclusive', signal: AbortSignal, work: (repository: Repository) => Promise<T>): Promise<T> {
    const path = this.requirePath();
    const release = mode === 'shared' ? await this.#gate.shared(signal) : await this.#gate.exclusive(signal);
    try {
      const session = (this.#session ??= { repository: this.#open(path, true), users: 0 });
      session.users += 1;
      try {
        const repository = await session.repository;
        return await work(repository);
      } finally {
        session.users -= 1;
        if (session.users === 0) {
          this.#session = null;
          // The last user releases the writer lock: another process (the CLI, a second machine) may write now.
          await session.repository.then((r) => r.close()).catch(() => undefined);
        }
      }
    } finally {
      release();
    }
  }

  async #open(path: string, writer: boolean): Promise<Repository> {
    try {
      return await Repository.open(path, { clock: this.#deps.clock, logger: this.#deps.logger, writer: writer ? { purpose: 'backup' } : false });
    } catch (error) {
      if (error instanceof RepositoryError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      throw new IpcError('unavailable', `The repository at ${path} cannot be opened${code ? ` (${code})` : ''}: ${(error as Error).message}`);
    }
  }
}

async function freeBytesOf(path: string): Promise<number | null> {
  try {
    const stats = await statfs(path);
    return stats.bavail * stats.bsize;
  } catch {
    return null;
  }
}
