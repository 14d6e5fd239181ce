// The repository Lifeboat backs up into, as the UI sees it.
import { z } from 'zod';

/**
 * A folder given in full: `/srv/backup`, `D:\Backups` or a share `\\nas\backup`. A relative path would be
 * resolved against wherever the engine happens to run, which is never what the user meant.
 */
export const repositoryPathSchema = z
  .string()
  .trim()
  .min(1, 'enter a folder')
  .max(4096)
  .refine((path) => path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path) || path.startsWith('\\\\'), 'enter the full path of the folder (for example /srv/backup, D:\\Backups or \\\\nas\\backup)');

export const repositoryStatusSchema = z.object({
  /** The configured folder, or null before one is chosen. */
  path: z.string().nullable(),
  state: z.enum(['not_configured', 'ready', 'unavailable']),
  /** Why it cannot be used now (unmounted share, newer format…). */
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  pointCount: z.number().int().nonnegative(),
  vmCount: z.number().int().nonnegative(),
  /** Free space of the file system holding it, when known. */
  freeBytes: z.number().nonnegative().nullable(),
});
export type RepositoryStatus = z.infer<typeof repositoryStatusSchema>;

/** Creating a repository is refused below this much free space: not even one small VM's first backup fits. */
export const REPOSITORY_MIN_FREE_BYTES = 1024 ** 3;
/** Below this much free space a new or existing repository is accepted with a warning. */
export const REPOSITORY_LOW_FREE_BYTES = 10 * 1024 ** 3;

/**
 * What choosing a folder as the repository would do, found without changing anything:
 * - `existing_repository`: a Lifeboat repository is there; it will be opened.
 * - `empty_folder`: an empty folder (or one holding only OS litter); a repository will be created in it.
 * - `missing_folder`: nothing there yet; the folder will be created, with the repository in it.
 * - `not_empty`: a folder holding other files: Lifeboat refuses to create a repository among them.
 * - `newer_format`: a repository written by a newer Lifeboat: update Lifeboat to use it.
 * - `unusable_repository`: a repository this version cannot open (damaged configuration, encryption…).
 * - `not_writable`: Lifeboat cannot write there (permissions, a read-only share, a file in the way).
 * - `not_a_folder`: the path is a file, or not a full path on this computer.
 */
export const REPOSITORY_CHECK_KINDS = [
  'existing_repository',
  'empty_folder',
  'missing_folder',
  'not_empty',
  'newer_format',
  'unusable_repository',
  'not_writable',
  'not_a_folder',
] as const;
export type RepositoryCheckKind = (typeof REPOSITORY_CHECK_KINDS)[number];

/** `ok`; `low` (under REPOSITORY_LOW_FREE_BYTES: a warning); `too_low` (under REPOSITORY_MIN_FREE_BYTES); `unknown`. */
export const REPOSITORY_SPACE_STATES = ['ok', 'low', 'too_low', 'unknown'] as const;

export const repositoryCheckSchema = z.object({
  /** The folder as the engine resolved it. */
  path: z.string(),
  kind: z.enum(REPOSITORY_CHECK_KINDS),
  /** What `repository.use` will do with this folder: create a repository (`create: true`), open one, or nothing. */
  action: z.enum(['create', 'open']).nullable(),
  /** Whether a file could be created there (in the nearest existing parent for a missing folder); null when not tried. */
  writable: z.boolean().nullable(),
  /** Of the file system that holds (or will hold) the folder, when known. */
  freeBytes: z.number().nonnegative().nullable(),
  totalBytes: z.number().nonnegative().nullable(),
  space: z.enum(REPOSITORY_SPACE_STATES),
  /** Restore points in an existing repository (manifest files counted, not read). */
  pointCount: z.number().int().nonnegative().nullable(),
  /** The folder is already the configured repository. */
  current: z.boolean(),
  /** The engine's own words on a refusal or a warning, with the detail support needs (English). */
  detail: z.string().nullable(),
});
export type RepositoryCheck = z.infer<typeof repositoryCheckSchema>;
