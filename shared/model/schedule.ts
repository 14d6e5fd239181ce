// Backup schedules, one per cluster: daily at a time, or weekly on chosen days at a time (local time of the
// machine running Lifeboat).
import { z } from 'zod';

export const timeOfDaySchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time HH:MM (00:00 to 23:59)');

export const scheduleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('daily'), time: timeOfDaySchema }).strict(),
  z
    .object({
      kind: z.literal('weekly'),
      /** 0 = Sunday … 6 = Saturday. */
      days: z.array(z.number().int().min(0).max(6)).min(1, 'choose at least one day').max(7),
      time: timeOfDaySchema,
    })
    .strict(),
]);
export type Schedule = z.infer<typeof scheduleSchema>;

export const clusterScheduleSchema = z.object({
  clusterId: z.string().uuid(),
  schedule: scheduleSchema.nullable(),
  /** When the schedule last started a job, and when it will next. */
  lastRunAt: z.string().nullable(),
  nextRunAt: z.string().nullable(),
});
export type ClusterSchedule = z.infer<typeof clusterScheduleSchema>;
