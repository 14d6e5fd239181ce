// The repository's writer lock: `locks/writer.lock`, created exclusively (a hard link of a complete temp file,
// or O_CREAT|O_EXCL where there are no hard links; local file systems, NFS and SMB honour both), holding who
// took it and a heartbeat the holder refreshes. One writer at a time; readers never take it. A lock whose
// holder is gone (its process is dead on this host, or its heartbeat stopped long ago) is broken with a log
// line saying why.
import { randomBytes, randomUUID } from 'node:crypto';
import { link, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { TEMP_PREFIX, fsyncDirectory } from '../fs/atomic-write.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logging/logger.js';
import { RepositoryLockedError, WriterLockError, type LockHolder } from './errors.js';
import { LOCKS_DIR, LOCK_FORMAT, LOCK_VERSION, WRITER_LOCK_FILE, lockFileSchema } from './format.js';
import { ensureDirDurable, errorCode, rethrowWrite } from './io.js';

export const DEFAULT_STALE_AFTER_MS = 10 * 60_000;
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 30_000;

export interface WriterLockOptions {
  /** What the writer does (`backup`, `prune`, `gc`), shown to whoever finds the repository locked. */
  purpose?: string;
  /** A lock whose heartbeat is older than this is stale, whatever its host. Default 10 minutes. */
  staleAfterMs?: number;
  /** How often the holder refreshes its heartbeat. Default 30 seconds; must be well under staleAfterMs. */
  heartbeatIntervalMs?: number;
}

export interface LockDeps {
  clock: Clock;
  logger: Logger;
}

/** Ids of the locks this process holds, to tell them from a dead earlier process that had the same pid. */
const heldHere = new Set<string>();

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return errorCode(error) !== 'ESRCH';
  }
}

interface LockSnapshot {
  raw: string;
  holder: LockHolder | null;
  mtimeMs: number;
}

async function readLock(path: string): Promise<LockSnapshot | null> {
  let raw: string;
  let mtimeMs: number;
  try {
    [raw, mtimeMs] = await Promise.all([readFile(path, 'utf8'), stat(path).then((s) => s.mtimeMs)]);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return null;
    throw error;
  }
  let holder: LockHolder | null = null;
  try {
    const parsed = lockFileSchema.safeParse(JSON.parse(raw));
    if (parsed.success) {
      const { id, pid, hostname: host, purpose, startedAt, heartbeatAt } = parsed.data;
      holder = { id, pid, hostname: host, purpose, startedAt, heartbeatAt };
    }
  } catch {
    // Empty (its writer is between create and write) or damaged: judged by the file's age alone.
  }
  return { raw, holder, mtimeMs };
}

/** Who holds the writer lock of the repository at `root`, or null when nobody does. */
export async function readWriterLock(root: string): Promise<LockHolder | null> {
  return (await readLock(join(root, LOCKS_DIR, WRITER_LOCK_FILE)))?.holder ?? null;
}

function staleReason(lock: LockSnapshot, now: number, staleAfterMs: number): string | null {
  const { holder } = lock;
  if (!holder) {
    const age = now - lock.mtimeMs;
    return age > staleAfterMs ? `unreadable lock file last modified ${Math.round(age / 1000)} s ago` : null;
  }
  const age = now - Date.parse(holder.heartbeatAt);
  if (age > staleAfterMs) return `last heartbeat ${Math.round(age / 1000)} s ago (stale after ${Math.round(staleAfterMs / 1000)} s)`;
  if (holder.hostname === hostname()) {
    if (holder.pid === process.pid && !heldHere.has(holder.id)) return `left by an earlier process with this process's id ${holder.pid}`;
    if (!pidAlive(holder.pid)) return `process ${holder.pid} is no longer running on this host`;
  }
  return null;
}

export class WriterLock {
  readonly path: string;
  readonly holder: LockHolder;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #abort = new AbortController();
  #held = true;
  #timer: NodeJS.Timeout | null = null;
  #beat: Promise<void> | null = null;

  constructor(path: string, holder: LockHolder, deps: LockDeps, heartbeatIntervalMs: number) {
    this.path = path;
    this.holder = holder;
    this.#clock = deps.clock;
    this.#logger = deps.logger;
    heldHere.add(holder.id);
    this.#timer = setInterval(() => {
      if (this.#beat === null) this.#beat = this.#heartbeat().finally(() => (this.#beat = null));
    }, heartbeatIntervalMs);
    // The heartbeat alone must not keep the process alive.
    this.#timer.unref();
  }

  /** False once released, or once the lock file was found removed or replaced by another writer. */
  get held(): boolean {
    return this.#held;
  }

  /** Aborted (with a WriterLockError) when the lock is lost, so a running job can stop writing. */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  /** Throws unless the lock is held and its file is still this holder's (a writer checks before deleting). */
  async verify(): Promise<void> {
    if (!this.#held) throw new WriterLockError(`The writer lock ${this.path} is no longer held`);
    await this.#beat;
    const current = await readLock(this.path);
    if (current?.holder?.id !== this.holder.id) {
      const reason = current ? 'replaced by another writer' : 'removed';
      this.#lose(reason);
      throw new WriterLockError(`The writer lock ${this.path} was ${reason}`);
    }
  }

  async release(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#beat;
    if (!this.#held) return;
    this.#held = false;
    heldHere.delete(this.holder.id);
    const current = await readLock(this.path);
    if (current?.holder?.id === this.holder.id) {
      await rm(this.path, { force: true });
      await fsyncDirectory(join(this.path, '..'));
    } else {
      this.#logger.warn('The writer lock was no longer ours at release; left it alone', { path: this.path });
    }
  }

  #lose(reason: string): void {
    if (!this.#held) return;
    this.#held = false;
    heldHere.delete(this.holder.id);
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    this.#logger.error('Lost the repository writer lock', { path: this.path, reason });
    this.#abort.abort(new WriterLockError(`The writer lock ${this.path} was ${reason}`));
  }

  async #heartbeat(): Promise<void> {
    if (!this.#held) return;
    // Read and rewrite through one handle: if another process swapped the file in between, the write lands in
    // the file it moved away, never in its new lock.
    let handle;
    try {
      handle = await open(this.path, 'r+');
    } catch (error) {
      if (errorCode(error) === 'ENOENT') this.#lose('removed');
      else this.#logger.warn('Could not refresh the writer lock heartbeat', { path: this.path, error });
      return;
    }
    try {
      const raw = (await handle.readFile('utf8')) as string;
      let id: string | null = null;
      try {
        id = lockFileSchema.parse(JSON.parse(raw)).id;
      } catch {
        id = null;
      }
      if (id !== this.holder.id) {
        this.#lose('replaced by another writer');
        return;
      }
      const body = lockBody(this.holder, this.#clock.now().toISOString());
      await handle.write(body, 0, 'utf8');
      await handle.truncate(Buffer.byteLength(body));
    } catch (error) {
      // A passing NAS hiccup: the next beat tries again; staleness needs many missed beats.
      this.#logger.warn('Could not refresh the writer lock heartbeat', { path: this.path, error });
    } finally {
      await handle.close();
    }
  }
}

function lockBody(holder: LockHolder, heartbeatAt: string): string {
  const { id, pid, hostname: host, purpose, startedAt } = holder;
  return `${JSON.stringify({ format: LOCK_FORMAT, version: LOCK_VERSION, id, pid, hostname: host, purpose, startedAt, heartbeatAt }, null, 2)}\n`;
}

/**
 * Takes the writer lock of the repository at `root`, breaking a stale one. Throws RepositoryLockedError when a
 * live writer holds it.
 */
export async function acquireWriterLock(root: string, deps: LockDeps, options: WriterLockOptions = {}): Promise<WriterLock> {
  const staleAfterMs = options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
  const heartbeatIntervalMs = options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS;
  if (!(heartbeatIntervalMs > 0 && heartbeatIntervalMs < staleAfterMs)) throw new RangeError('heartbeatIntervalMs must be positive and below staleAfterMs');
  const dir = join(root, LOCKS_DIR);
  const path = join(dir, WRITER_LOCK_FILE);
  await ensureDirDurable(dir, root);

  for (let attempt = 0; attempt < 3; attempt += 1) {
    const now = deps.clock.now().toISOString();
    const holder: LockHolder = { id: randomUUID(), pid: process.pid, hostname: hostname(), purpose: options.purpose ?? 'write', startedAt: now, heartbeatAt: now };
    if (await createLockFile(path, lockBody(holder, now))) {
      await fsyncDirectory(dir);
      deps.logger.debug('Took the repository writer lock', { path, purpose: holder.purpose, lockId: holder.id });
      return new WriterLock(path, holder, deps, heartbeatIntervalMs);
    }
    const existing = await readLock(path);
    if (!existing) continue;
    const reason = staleReason(existing, deps.clock.now().getTime(), staleAfterMs);
    if (reason === null) throw new RepositoryLockedError(path, existing.holder);
    await breakLock(path, existing, reason, deps.logger);
  }
  throw new RepositoryLockedError(path, (await readLock(path))?.holder ?? null, 'the lock kept changing hands');
}

/** File systems without hard links (FAT, exFAT, some NAS shares) answer link() with one of these. */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EINVAL']);

/**
 * Creates the lock file with its content, or returns false when a lock file exists. The content is written to a
 * temp file first and hard-linked into place (link fails if the name exists, atomically, NFS included), so a
 * writer killed at any moment never leaves an empty lock file that would look held for the whole stale
 * period. Where hard links are not available: exclusive create, then write.
 */
async function createLockFile(path: string, body: string): Promise<boolean> {
  const temp = join(path, '..', `${TEMP_PREFIX}lock-${randomBytes(6).toString('hex')}`);
  try {
    try {
      await writeFileSynced(temp, body);
    } catch (error) {
      rethrowWrite(error, path);
    }
    try {
      await link(temp, path);
      return true;
    } catch (error) {
      const code = errorCode(error) ?? '';
      if (code === 'EEXIST') return false;
      // The temp file vanished: the holder's start-up cleanup removed it, so the lock is taken.
      if (code === 'ENOENT') return false;
      if (!NO_HARD_LINKS.has(code)) rethrowWrite(error, path);
    }
  } finally {
    await rm(temp, { force: true });
  }
  try {
    await writeFileSynced(path, body);
    return true;
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    rethrowWrite(error, path);
  }
}

/** Exclusive create, write, fsync; the file is removed again if the write fails. */
async function writeFileSynced(path: string, body: string): Promise<void> {
  const handle = await open(path, 'wx', 0o644);
  let written = false;
  try {
    await handle.writeFile(body);
    await handle.sync();
    written = true;
  } finally {
    await handle.close();
    if (!written) await rm(path, { force: true });
  }
}

/**
 * Moves the stale lock aside, then checks that what was moved is the lock judged stale: if a heartbeat or a
 * new writer changed it in between, it is put back (without overwriting a newer one) and the repository is
 * reported locked.
 */
async function breakLock(path: string, stale: LockSnapshot, reason: string, logger: Logger): Promise<void> {
  const aside = join(path, '..', `${TEMP_PREFIX}broken-${randomBytes(6).toString('hex')}`);
  try {
    await rename(path, aside);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return;
    throw error;
  }
  const moved = await readLock(aside);
  if (moved?.raw !== stale.raw) {
    try {
      await link(aside, path);
    } catch (error) {
      logger.error('Could not put back a writer lock taken by mistake; its holder will notice at its next heartbeat', { path, error });
    }
    await rm(aside, { force: true });
    throw new RepositoryLockedError(path, moved?.holder ?? null, 'the lock changed while it was being broken');
  }
  await rm(aside, { force: true });
  await fsyncDirectory(join(path, '..'));
  logger.warn('Broke a stale repository writer lock', { path, reason, holder: stale.holder });
}
