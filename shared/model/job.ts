import { z } from 'zod';

export const JOB_KINDS = ['backup', 'restore', 'verify', 'prune'] as const;
export const JOB_STATES = ['queued', 'running', 'succeeded', 'partial', 'failed', 'cancelled'] as const;

export const jobSummarySchema = z.object({
  id: z.string(),
  kind: z.enum(JOB_KINDS),
  state: z.enum(JOB_STATES),
  /** What the job was about, for lists: a cluster name, a VM name. */
  title: z.string(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type JobSummary = z.infer<typeof jobSummarySchema>;
