// Small file-system and buffer helpers shared by the repository's stores.
import { mkdir, stat } from 'node:fs/promises';
import { dirname, isAbsolute, relative, sep } from 'node:path';
import { fsyncDirectory } from '../fs/atomic-write.js';
import { OutOfSpaceError } from './errors.js';

export function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const code = (error as { code: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** Full disk or exhausted quota: the two ways a write runs out of room. */
export function isNoSpace(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'ENOSPC' || code === 'EDQUOT';
}

/** Rethrows `error` as an OutOfSpaceError naming `path` when it is one, else as it is. */
export function rethrowWrite(error: unknown, path: string): never {
  if (isNoSpace(error)) throw new OutOfSpaceError(path, error);
  throw error;
}

const ZEROS = Buffer.alloc(1024 * 1024);

/** True when every byte is zero (native compares against a zero buffer, not a JS loop over bytes). */
export function isAllZero(bytes: Uint8Array): boolean {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = 0; at < view.length; at += ZEROS.length) {
    const end = Math.min(at + ZEROS.length, view.length);
    if (!view.subarray(at, end).equals(ZEROS.subarray(0, end - at))) return false;
  }
  return true;
}

/**
 * The [start, end) runs of `bytes` that are not zero, at `block` granularity: what an export writes so that
 * zero blocks inside a chunk stay holes in the output file.
 */
export function nonZeroRuns(bytes: Buffer, block: number): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  let runStart = -1;
  for (let at = 0; at < bytes.length; at += block) {
    const end = Math.min(at + block, bytes.length);
    const zero = isAllZero(bytes.subarray(at, end));
    if (!zero && runStart < 0) runStart = at;
    if (zero && runStart >= 0) {
      runs.push([runStart, at]);
      runStart = -1;
    }
  }
  if (runStart >= 0) runs.push([runStart, bytes.length]);
  return runs;
}

/**
 * Creates `dir` (and missing parents up to `root`) and fsyncs the parent of each folder it created, so a
 * file later made durable inside it cannot vanish with its folder after a power loss.
 */
export async function ensureDirDurable(dir: string, root: string): Promise<void> {
  let first: string | undefined;
  try {
    first = await mkdir(dir, { recursive: true });
  } catch (error) {
    rethrowWrite(error, dir);
  }
  if (first === undefined) return;
  // mkdir returns the first folder it created; every folder from there down to `dir` is new.
  const created: string[] = [];
  for (let at = dir; ; at = dirname(at)) {
    created.push(at);
    if (at === first || dirname(at) === at) break;
  }
  for (const folder of created.reverse()) {
    const parent = dirname(folder);
    const fromRoot = relative(root, parent);
    if (fromRoot === '..' || fromRoot.startsWith(`..${sep}`) || isAbsolute(fromRoot)) continue;
    await fsyncDirectory(parent);
  }
}

/** Runs `fn` over `items` with at most `limit` calls pending; stops starting new ones after the first failure. */
export async function forEachLimit<T>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        await fn(items[index] as T, index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const results = await Promise.allSettled(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (rejected) throw rejected.reason;
}

export async function pathExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return false;
    throw error;
  }
}
