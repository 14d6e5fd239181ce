import { z } from 'zod';

export const clusterIdSchema = z.string().uuid();

export const clusterSummarySchema = z.object({
  id: clusterIdSchema,
  name: z.string(),
  hostCount: z.number().int().nonnegative(),
  createdAt: z.string(),
});
export type ClusterSummary = z.infer<typeof clusterSummarySchema>;
