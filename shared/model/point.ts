// Restore points as the UI lists them: what a manifest says, without chunk lists or XML.
import { z } from 'zod';
import { vmUuidSchema } from './inventory.js';

export const pointIdSchema = z.string().uuid();

export const pointSummarySchema = z.object({
  id: pointIdSchema,
  clusterId: z.string().uuid(),
  /** The cluster's name when the point was taken (known even when the catalog no longer has the cluster). */
  clusterName: z.string().nullable(),
  vmUuid: vmUuidSchema,
  vmName: z.string(),
  createdAt: z.string(),
  completedAt: z.string(),
  type: z.enum(['full', 'incremental']),
  fullReason: z.string().nullable(),
  sourceHostLabel: z.string(),
  disks: z.array(z.object({ target: z.string(), capacityBytes: z.number().nonnegative() })),
  bytesRead: z.number().nonnegative(),
  /** Compressed bytes of the chunks this point added to the repository. */
  bytesAdded: z.number().nonnegative(),
});
export type PointSummary = z.infer<typeof pointSummarySchema>;

export const pointListSchema = z.object({
  /** Newest first. */
  points: z.array(pointSummarySchema),
  /** Manifests that could not be read, each naming its file: never silently skipped. */
  damaged: z.array(z.object({ path: z.string(), message: z.string() })),
});
export type PointList = z.infer<typeof pointListSchema>;
