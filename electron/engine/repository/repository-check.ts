// What choosing a folder as the repository would do, found without changing anything: open the repository there,
// create one (in an empty or missing folder), or refuse, and why. Writability is tried for real, by creating and
// removing a probe file (named like the temp files writers clean up, so even a crash between the two leaves
// nothing a repository would trip on); free space comes from the file system that holds, or will hold, the folder.
import { randomBytes } from 'node:crypto';
import { open, readdir, rm, stat, statfs } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import {
  REPOSITORY_LOW_FREE_BYTES,
  REPOSITORY_MIN_FREE_BYTES,
  type RepositoryCheck,
  type RepositoryCheckKind,
} from '../../../shared/model/repository.js';
import { formatBytes } from '../../../shared/format/bytes.js';
import { TEMP_PREFIX } from '../fs/atomic-write.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logging/logger.js';
import { RepositoryError, RepositoryNotFoundError, RepositoryVersionError } from './errors.js';
import { POINTS_DIR } from './format.js';
import { errorCode } from './io.js';
import { Repository, namesRefusedByInit } from './repository.js';

export interface RepositoryCheckOptions {
  clock: Clock;
  logger: Logger;
  /** The configured repository, to say when the folder is already it. */
  currentPath: string | null;
}

interface Space {
  freeBytes: number | null;
  totalBytes: number | null;
}

async function spaceOf(path: string): Promise<Space> {
  try {
    const stats = await statfs(path);
    return { freeBytes: stats.bavail * stats.bsize, totalBytes: stats.blocks * stats.bsize };
  } catch {
    return { freeBytes: null, totalBytes: null };
  }
}

export function spaceState(freeBytes: number | null): RepositoryCheck['space'] {
  if (freeBytes === null) return 'unknown';
  if (freeBytes < REPOSITORY_MIN_FREE_BYTES) return 'too_low';
  if (freeBytes < REPOSITORY_LOW_FREE_BYTES) return 'low';
  return 'ok';
}

/** What `repository.use` does with a folder of this kind and free space: a repository is never created without room. */
export function actionFor(kind: RepositoryCheckKind, space: RepositoryCheck['space']): RepositoryCheck['action'] {
  if (kind === 'existing_repository') return 'open';
  if (kind === 'empty_folder' || kind === 'missing_folder') return space === 'too_low' ? null : 'create';
  return null;
}

/** The words for free space that is too low or low, or null. */
export function spaceDetail(kind: RepositoryCheckKind, freeBytes: number | null): string | null {
  const space = spaceState(freeBytes);
  const free = formatBytes(freeBytes ?? 0);
  if (space === 'too_low') {
    return kind === 'existing_repository'
      ? `Only ${free} is free there: backups will fail for lack of space.`
      : `Only ${free} is free there; a repository needs at least ${formatBytes(REPOSITORY_MIN_FREE_BYTES)} free to be created.`;
  }
  if (space === 'low') return `Only ${free} is free there; at least ${formatBytes(REPOSITORY_LOW_FREE_BYTES)} is recommended.`;
  return null;
}

/** Whether a file can be created in `folder`: creates one exclusively and removes it. Returns the failure, if any. */
async function probeWritable(folder: string): Promise<{ writable: true } | { writable: false; detail: string }> {
  const probe = join(folder, `${TEMP_PREFIX}lifeboat-write-check.${randomBytes(6).toString('hex')}`);
  try {
    const handle = await open(probe, 'wx', 0o600);
    await handle.close();
  } catch (error) {
    const code = errorCode(error);
    return { writable: false, detail: `Lifeboat cannot create files in ${folder}${code ? ` (${code})` : ''}: ${(error as Error).message}` };
  } finally {
    await rm(probe, { force: true }).catch(() => undefined);
  }
  return { writable: true };
}

/** Manifest files of a repository, counted by listing `points/<cluster>/<vm>/` (none is read). */
async function countManifests(root: string): Promise<number> {
  const names = async (path: string): Promise<string[]> => {
    try {
      return (await readdir(path, { withFileTypes: true })).filter((e) => !e.name.startsWith('.')).map((e) => (e.isDirectory() ? `${e.name}/` : e.name));
    } catch {
      return [];
    }
  };
  let count = 0;
  for (const cluster of (await names(join(root, POINTS_DIR))).filter((n) => n.endsWith('/'))) {
    for (const vm of (await names(join(root, POINTS_DIR, cluster))).filter((n) => n.endsWith('/'))) {
      count += (await names(join(root, POINTS_DIR, cluster, vm))).filter((n) => n.endsWith('.json')).length;
    }
  }
  return count;
}

/** The nearest folder at or above `path` that exists, or the file that stands in the way of creating it. */
async function nearestExisting(path: string): Promise<{ path: string; isFolder: boolean } | null> {
  let at = path;
  for (;;) {
    try {
      const stats = await stat(at);
      return { path: at, isFolder: stats.isDirectory() };
    } catch (error) {
      const code = errorCode(error);
      if (code !== 'ENOENT' && code !== 'ENOTDIR') return null;
    }
    const parent = dirname(at);
    if (parent === at) return null;
    at = parent;
  }
}

/**
 * Says what `repository.use` would do with `path`, touching nothing there (but a probe file, created and removed
 * at once, to know whether Lifeboat can write).
 */
export async function checkRepositoryFolder(path: string, options: RepositoryCheckOptions): Promise<RepositoryCheck> {
  const trimmed = path.trim();
  // Control characters (a NUL above all) make no folder name; the file system calls would throw on them.
  const unusablePath = [...trimmed].some((char) => char.charCodeAt(0) < 0x20) || !isAbsolute(trimmed);
  const root = unusablePath ? trimmed : resolve(trimmed);
  const current = !unusablePath && options.currentPath !== null && resolve(options.currentPath) === root;
  const result = (kind: RepositoryCheckKind, fields: Partial<Omit<RepositoryCheck, 'path' | 'kind' | 'current'>> & Space): RepositoryCheck => {
    const space = spaceState(fields.freeBytes);
    const action = actionFor(kind, space);
    // A creation refused for lack of room says so; otherwise the kind's own detail, else a warning on space.
    const refusedForRoom = (kind === 'empty_folder' || kind === 'missing_folder') && action === null;
    const detail = refusedForRoom ? spaceDetail(kind, fields.freeBytes) : (fields.detail ?? spaceDetail(kind, fields.freeBytes));
    return {
      path: root,
      kind,
      action,
      writable: fields.writable ?? null,
      freeBytes: fields.freeBytes,
      totalBytes: fields.totalBytes,
      space,
      pointCount: fields.pointCount ?? null,
      current,
      detail,
    };
  };
  const noSpace: Space = { freeBytes: null, totalBytes: null };

  if (unusablePath) return result('not_a_folder', { ...noSpace, detail: `${JSON.stringify(trimmed)} is not a full path of a folder on this computer.` });

  let stats;
  try {
    stats = await stat(root);
  } catch (error) {
    const code = errorCode(error);
    if (code !== 'ENOENT' && code !== 'ENOTDIR') {
      return result('not_writable', { ...noSpace, writable: false, detail: `Lifeboat cannot reach ${root}${code ? ` (${code})` : ''}: ${(error as Error).message}` });
    }
    // Missing: it will be created, if its nearest existing parent is a folder Lifeboat can write in.
    const parent = await nearestExisting(dirname(root));
    if (parent === null) return result('not_writable', { ...noSpace, writable: false, detail: `No folder above ${root} can be reached.` });
    if (!parent.isFolder) {
      return result('not_writable', { ...noSpace, writable: false, detail: `${root} cannot be created: ${parent.path} is a file, not a folder.` });
    }
    const space = await spaceOf(parent.path);
    const probe = await probeWritable(parent.path);
    if (!probe.writable) return result('not_writable', { ...space, writable: false, detail: `${root} cannot be created. ${probe.detail}` });
    return result('missing_folder', { ...space, writable: true });
  }
  if (!stats.isDirectory()) return result('not_a_folder', { ...noSpace, detail: `${root} is a file, not a folder.` });

  const space = await spaceOf(root);
  try {
    await Repository.open(root, { clock: options.clock, logger: options.logger, writer: false });
    const probe = await probeWritable(root);
    const detail = probe.writable ? null : `The repository can be read (restores work) but not written: backups will fail. ${probe.detail}`;
    return result('existing_repository', { ...space, writable: probe.writable, pointCount: await countManifests(root), detail });
  } catch (error) {
    if (error instanceof RepositoryVersionError) return result('newer_format', { ...space, detail: error.message });
    if (error instanceof RepositoryError && !(error instanceof RepositoryNotFoundError)) return result('unusable_repository', { ...space, detail: error.message });
    if (!(error instanceof RepositoryNotFoundError)) {
      const code = errorCode(error);
      return result('not_writable', { ...space, writable: false, detail: `Lifeboat cannot read ${root}${code ? ` (${code})` : ''}: ${(error as Error).message}` });
    }
  }

  let names: string[];
  try {
    names = await readdir(root);
  } catch (error) {
    const code = errorCode(error);
    return result('not_writable', { ...space, writable: false, detail: `Lifeboat cannot list ${root}${code ? ` (${code})` : ''}: ${(error as Error).message}` });
  }
  const foreign = namesRefusedByInit(names);
  if (foreign.length > 0) {
    return result('not_empty', {
      ...space,
      detail: `${root} holds other files (${foreign.slice(0, 5).join(', ')}${foreign.length > 5 ? ', …' : ''}): choose an empty folder, or a new one, for the repository.`,
    });
  }
  const probe = await probeWritable(root);
  if (!probe.writable) return result('not_writable', { ...space, writable: false, detail: probe.detail });
  return result('empty_folder', { ...space, writable: true });
}

/** The IPC refusal for creating a repository in a folder the check says no to (null: go ahead). */
export function refusalToCreate(check: RepositoryCheck): { code: 'conflict' | 'unavailable' | 'invalid_params'; reason: string; message: string } | null {
  if (check.action === 'create') return null;
  const detail = check.detail ?? '';
  switch (check.kind) {
    case 'empty_folder':
    case 'missing_folder':
      return { code: 'unavailable', reason: 'low_space', message: `Cannot create a repository in ${check.path}: ${detail}` };
    case 'existing_repository':
      return { code: 'conflict', reason: 'existing_repository', message: `${check.path} already is a Lifeboat repository: open it instead.` };
    case 'not_writable':
      return { code: 'unavailable', reason: 'not_writable', message: `Cannot create a repository in ${check.path}: ${detail}` };
    case 'not_a_folder':
      return { code: 'invalid_params', reason: 'not_a_folder', message: `Cannot create a repository in ${check.path}: ${detail}` };
    default:
      return { code: 'conflict', reason: check.kind, message: `Cannot create a repository in ${check.path}: ${detail}` };
  }
}
