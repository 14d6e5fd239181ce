// The repository Lifeboat backs up into, as the UI sees it.
import { z } from 'zod';

export const repositoryPathSchema = z.string().trim().min(1, 'enter a folder').max(4096);

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
