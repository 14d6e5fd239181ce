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
