// Errors of the backup repository. Every failure the repository reports on purpose is one of these classes (all
// extend RepositoryError, each with a fixed `code`), so the jobs and the UI decide by type: the folder is not a
// repository or is too new for this version (nothing was touched), another writer holds it, a chunk or manifest
// is damaged (named by id and path, so verify and support can find it), or the disk is full (the write was
// rolled back). Programming mistakes (a chunk index out of range, a write without the lock) are errors too, but
// they are bugs of the caller, not states of the repository.

export type RepositoryErrorCode =
  | 'not-a-repository'
  | 'config-invalid'
  | 'newer-version'
  | 'unsupported'
  | 'init-refused'
  | 'locked'
  | 'not-locked'
  | 'chunk-corrupt'
  | 'chunk-missing'
  | 'manifest-damaged'
  | 'manifest-invalid'
  | 'point-not-found'
  | 'disk-not-found'
  | 'point-data'
  | 'gc-refused'
  | 'out-of-space';

export abstract class RepositoryError extends Error {
  abstract readonly code: RepositoryErrorCode;
}

/** The folder has no `lifeboat-repo.json`, or the file is not a Lifeboat repository's. */
export class RepositoryNotFoundError extends RepositoryError {
  override readonly name = 'RepositoryNotFoundError';
  readonly code = 'not-a-repository';
  readonly path: string;
  constructor(path: string, detail: string) {
    super(`${path} is not a Lifeboat repository: ${detail}`);
    this.path = path;
  }
}

/** `lifeboat-repo.json` is unreadable or breaks the format. */
export class RepositoryConfigError extends RepositoryError {
  override readonly name = 'RepositoryConfigError';
  readonly code = 'config-invalid';
  readonly path: string;
  constructor(path: string, detail: string, options?: { cause?: unknown }) {
    super(`The repository configuration ${path} is damaged: ${detail}`, options);
    this.path = path;
  }
}

/** The repository was written by a newer Lifeboat. Refused before anything else is read or written. */
export class RepositoryVersionError extends RepositoryError {
  override readonly name = 'RepositoryVersionError';
  readonly code = 'newer-version';
  readonly path: string;
  readonly found: number;
  readonly supported: number;
  constructor(path: string, found: number, supported: number) {
    super(
      `The repository at ${path} has format version ${found}; this version of Lifeboat reads up to version ${supported}. ` +
        'Update Lifeboat to use it (nothing in the repository was changed).',
    );
    this.path = path;
    this.found = found;
    this.supported = supported;
  }
}

/** A valid repository using a feature this version cannot read (encryption, another hash or compression). */
export class RepositoryUnsupportedError extends RepositoryError {
  override readonly name = 'RepositoryUnsupportedError';
  readonly code = 'unsupported';
  readonly path: string;
  constructor(path: string, detail: string) {
    super(`The repository at ${path} uses ${detail}, which this version of Lifeboat cannot read`);
    this.path = path;
  }
}

/** `Repository.init` refused the folder (already a repository, or holding other files). */
export class RepositoryInitError extends RepositoryError {
  override readonly name = 'RepositoryInitError';
  readonly code = 'init-refused';
  readonly path: string;
  constructor(path: string, detail: string) {
    super(`Cannot create a repository in ${path}: ${detail}`);
    this.path = path;
  }
}

/** What a writer lock file says about its holder. */
export interface LockHolder {
  id: string;
  pid: number;
  hostname: string;
  purpose: string;
  startedAt: string;
  heartbeatAt: string;
}

/** Another writer holds the repository (a backup, a prune), and its lock is not stale. */
export class RepositoryLockedError extends RepositoryError {
  override readonly name = 'RepositoryLockedError';
  readonly code = 'locked';
  readonly lockPath: string;
  /** The holder, or null when the lock file could not be read (being written, or damaged but recent). */
  readonly holder: LockHolder | null;
  constructor(lockPath: string, holder: LockHolder | null, detail?: string) {
    const who = holder
      ? `${holder.purpose} by process ${holder.pid} on ${holder.hostname}, started ${holder.startedAt}, last heartbeat ${holder.heartbeatAt}`
      : 'an unreadable lock file';
    super(`The repository is locked by ${who} (${lockPath})${detail ? `: ${detail}` : ''}`);
    this.lockPath = lockPath;
    this.holder = holder;
  }
}

/** A write was attempted without holding the writer lock, or the lock was lost (broken by another process). */
export class WriterLockError extends RepositoryError {
  override readonly name = 'WriterLockError';
  readonly code = 'not-locked';
}

/** A chunk file's bytes do not decode, or decode to data whose SHA-256 is not the chunk's id. */
export class ChunkCorruptError extends RepositoryError {
  override readonly name = 'ChunkCorruptError';
  readonly code = 'chunk-corrupt';
  readonly chunkId: string;
  readonly path: string;
  readonly reason: string;
  constructor(chunkId: string, path: string, reason: string, options?: { cause?: unknown }) {
    super(`Chunk ${chunkId} is corrupt (${path}): ${reason}`, options);
    this.chunkId = chunkId;
    this.path = path;
    this.reason = reason;
  }
}

/** A chunk a manifest references is not in the repository. */
export class ChunkMissingError extends RepositoryError {
  override readonly name = 'ChunkMissingError';
  readonly code = 'chunk-missing';
  readonly chunkId: string;
  readonly path: string;
  constructor(chunkId: string, path: string) {
    super(`Chunk ${chunkId} is missing (${path})`);
    this.chunkId = chunkId;
    this.path = path;
  }
}

export type ManifestDamage =
  /** Not readable as JSON (truncated, overwritten, a read error). */
  | 'unreadable'
  /** JSON that breaks the manifest schema or its consistency rules. */
  | 'invalid'
  /** Written by a newer Lifeboat (manifest version above the one this version reads). */
  | 'newer-version'
  /** A valid manifest stored under a path that does not match its VM or id (moved or copied by hand). */
  | 'misplaced';

/** A restore point manifest in the repository could not be used. Always names the file. */
export class ManifestDamagedError extends RepositoryError {
  override readonly name = 'ManifestDamagedError';
  readonly code = 'manifest-damaged';
  readonly path: string;
  readonly damage: ManifestDamage;
  readonly problems: readonly string[];
  constructor(path: string, damage: ManifestDamage, problems: readonly string[], options?: { cause?: unknown }) {
    super(`Restore point manifest ${path} is damaged (${damage}): ${problems.join('; ')}`, options);
    this.path = path;
    this.damage = damage;
    this.problems = problems;
  }
}

/** A manifest handed to PointStore.write breaks the format; nothing was written. */
export class ManifestInvalidError extends RepositoryError {
  override readonly name = 'ManifestInvalidError';
  readonly code = 'manifest-invalid';
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`Invalid restore point manifest: ${problems.join('; ')}`);
    this.problems = problems;
  }
}

export class PointNotFoundError extends RepositoryError {
  override readonly name = 'PointNotFoundError';
  readonly code = 'point-not-found';
  readonly pointId: string;
  constructor(pointId: string) {
    super(`No restore point with id ${pointId}`);
    this.pointId = pointId;
  }
}

export class DiskNotFoundError extends RepositoryError {
  override readonly name = 'DiskNotFoundError';
  readonly code = 'disk-not-found';
  readonly pointId: string;
  readonly target: string;
  constructor(pointId: string, target: string, known: readonly string[]) {
    super(`Restore point ${pointId} has no disk ${target} (it has ${known.length > 0 ? known.join(', ') : 'no disks'})`);
    this.pointId = pointId;
    this.target = target;
  }
}

/** A chunk of a restore point could not be read back intact while exporting or verifying it. */
export class PointDataError extends RepositoryError {
  override readonly name = 'PointDataError';
  readonly code = 'point-data';
  readonly pointId: string;
  readonly target: string;
  /** Byte offset of the chunk within the disk. */
  readonly offset: number;
  readonly chunkIndex: number;
  readonly chunkId: string;
  constructor(pointId: string, target: string, chunkIndex: number, offset: number, chunkId: string, cause: unknown) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super(`Restore point ${pointId}, disk ${target}: bad chunk ${chunkId} at offset ${offset} (chunk ${chunkIndex}): ${detail}`, { cause });
    this.pointId = pointId;
    this.target = target;
    this.offset = offset;
    this.chunkIndex = chunkIndex;
    this.chunkId = chunkId;
  }
}

/**
 * Garbage collection found damaged manifests and deleted nothing: the chunks a damaged manifest references are
 * unknown, and deleting by guess could destroy a point that is still restorable.
 */
export class GarbageCollectionRefusedError extends RepositoryError {
  override readonly name = 'GarbageCollectionRefusedError';
  readonly code = 'gc-refused';
  readonly damaged: readonly ManifestDamagedError[];
  constructor(damaged: readonly ManifestDamagedError[]) {
    const named = damaged.slice(0, 5).map((d) => `${d.path} (${d.damage})`);
    super(
      `Garbage collection deleted nothing: ${damaged.length} restore point manifest${damaged.length === 1 ? ' is' : 's are'} damaged, ` +
        `so the chunks ${damaged.length === 1 ? 'it references are' : 'they reference are'} unknown: ${named.join(', ')}${damaged.length > 5 ? ', …' : ''}. ` +
        'Repair or move them out of the repository, then run it again.',
    );
    this.damaged = damaged;
  }
}

/** The file system ran out of space (ENOSPC) or quota (EDQUOT) during a write; the partial file was removed. */
export class OutOfSpaceError extends RepositoryError {
  override readonly name = 'OutOfSpaceError';
  readonly code = 'out-of-space';
  /** The file being written. */
  readonly path: string;
  constructor(path: string, cause: unknown) {
    super(`Out of disk space writing ${path}`, { cause });
    this.path = path;
  }
}
