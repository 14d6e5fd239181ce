// Prune: deletes restore points by id, under the writer lock (FORMAT.md §8, §12). For each point a line is
// appended to prunes.log and fsynced first, then the manifest is unlinked and its folder fsynced. Unlinking one
// file is atomic, so a point is there or not; a crash between the line and the unlink leaves a line for a point
// that still exists, intact, which the next prune simply prunes again. Chunks are left alone: GC frees those
// no manifest references any more, and it may only run once these unlinks are durable, which the folder fsync
// makes them.
import { open, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fsyncDirectory } from '../fs/atomic-write.js';
import type { Logger } from '../logging/logger.js';
import { ManifestDamagedError, PointNotFoundError } from './errors.js';
import { PRUNES_LOG, type Manifest } from './format.js';
import { errorCode, rethrowWrite } from './io.js';
import type { PointSummary } from './point-store.js';
import type { Repository } from './repository.js';

export interface PruneOptions {
  /** Why the points go, written to prunes.log: the policy (`retention keepLast 7 …`) or `deleted by the user`. */
  reason: string;
  logger: Logger;
  /** Checked between points: the points pruned so far stay pruned. */
  signal?: AbortSignal;
}

export interface PrunedPoint {
  pointId: string;
  /** The manifest's path relative to the repository, `/`-separated. */
  path: string;
  vm: Manifest['vm'];
  createdAt: string;
}

export interface PruneResult {
  /** In the order the ids were given (each once). */
  removed: PrunedPoint[];
}

/** One line of prunes.log (FORMAT.md §8). */
export interface PruneLogLine {
  /** When the line was written (the repository's clock), ISO 8601 UTC. */
  time: string;
  pointId: string;
  path: string;
  vm: Manifest['vm'];
  createdAt: string;
  reason: string;
  /** The writer that pruned: its host and process, and the id of the writer lock it held. */
  by: { hostname: string; pid: number; lockId: string };
}

const MAX_REASON_LENGTH = 2000;

/**
 * Deletes the restore points `pointIds` (needs the writer lock). Every id is resolved before anything is
 * deleted: an unknown one throws PointNotFoundError (or the ManifestDamagedError of a damaged manifest whose name
 * carries its short id), and nothing is touched.
 */
export async function prunePoints(repo: Repository, pointIds: readonly string[], options: PruneOptions): Promise<PruneResult> {
  const lock = repo.requireWriterLock();
  const reason = options.reason.trim();
  if (reason.length === 0 || reason.length > MAX_REASON_LENGTH) throw new RangeError(`a prune reason is 1 to ${MAX_REASON_LENGTH} characters`);
  const ids = [...new Set(pointIds)];
  if (ids.length === 0) return { removed: [] };

  const { points, damaged } = await repo.points.list();
  const byId = new Map(points.map((p) => [p.id, p]));
  const chosen: PointSummary[] = [];
  for (const id of ids) {
    const point = byId.get(id);
    if (point) {
      chosen.push(point);
      continue;
    }
    // A damaged file whose name matches may be the point asked for: say so rather than "not found".
    const suspect = damaged.find((d) => d.path.endsWith(`-${id.slice(0, 8)}.json`));
    if (suspect) throw new ManifestDamagedError(suspect.path, suspect.damage, [...suspect.problems, `it may be restore point ${id}, which cannot be pruned by id`]);
    throw new PointNotFoundError(id);
  }

  await lock.verify();
  const logPath = join(repo.path, PRUNES_LOG);
  // a+: appends, and can read the last byte below.
  const log = await open(logPath, 'a+').catch((error: unknown) => rethrowWrite(error, logPath));
  const removed: PrunedPoint[] = [];
  try {
    // A writer killed mid-append can leave a cut last line: start on a line of our own.
    const { size } = await log.stat();
    if (size > 0) {
      const last = Buffer.alloc(1);
      await log.read(last, 0, 1, size - 1);
      if (last[0] !== 0x0a) await log.write('\n');
    }
    for (const point of chosen) {
      options.signal?.throwIfAborted();
      await lock.verify();
      const line: PruneLogLine = {
        time: repo.clock.now().toISOString(),
        pointId: point.id,
        path: point.path,
        vm: point.vm,
        createdAt: point.createdAt,
        reason,
        by: { hostname: lock.holder.hostname, pid: lock.holder.pid, lockId: lock.holder.id },
      };
      try {
        await log.write(`${JSON.stringify(line)}\n`);
        await log.sync();
      } catch (error) {
        rethrowWrite(error, logPath);
      }
      const manifestPath = join(repo.path, point.path);
      try {
        await rm(manifestPath);
      } catch (error) {
        if (errorCode(error) !== 'ENOENT') throw error;
        // Listed a moment ago under our lock: only something outside Lifeboat can have removed it. Gone is gone.
        options.logger.warn('A restore point manifest vanished before prune removed it', { pointId: point.id, path: point.path });
      }
      await fsyncDirectory(dirname(manifestPath));
      removed.push({ pointId: point.id, path: point.path, vm: point.vm, createdAt: point.createdAt });
      options.logger.info('Pruned restore point', { pointId: point.id, path: point.path, vm: point.vm, createdAt: point.createdAt, reason });
    }
  } finally {
    await log.close();
  }
  return { removed };
}
