// The dashboard: per cluster its VMs and how recent their last good backup is, the repository's figures, and
// when each cluster's schedule runs next. Built by the engine from the catalog (point index, jobs, schedules,
// inventory) and a cached walk of the repository, never by reading every manifest per call.
import { z } from 'zod';
import { clusterIdSchema } from './cluster.js';
import { VM_STATES, vmRefSchema } from './inventory.js';
import { jobErrorSchema, jobIdSchema } from './job.js';
import { pointIdSchema } from './point.js';
import { repositoryStatusSchema } from './repository.js';
import { scheduleSchema } from './schedule.js';

/** A VM is stale when its newest restore point is older than this and its cluster has no schedule. */
export const STALE_AFTER_WITHOUT_SCHEDULE_HOURS = 48;

export const dashboardVmSchema = z.object({
  ref: vmRefSchema,
  /** The inventory's name, or the newest point's for a VM no reachable host has now. */
  name: z.string(),
  /** Its state in the inventory now; null when no reachable host has it. */
  state: z.enum(VM_STATES).nullable(),
  inInventory: z.boolean(),
  /**
   * In no host's inventory while every host of the cluster answered: deleted, or moved out of the cluster. It needs
   * no backup (its points stay until retention removes them), so it is never stale. Not gone while a host is
   * unreachable: the VM may be there.
   */
  gone: z.boolean(),
  /** The newest restore point of the VM in the repository. */
  lastPoint: z.object({ id: pointIdSchema, completedAt: z.string() }).nullable(),
  pointCount: z.number().int().nonnegative(),
  /** The newest backup attempt a job recorded (or the newest point, when no job of this catalog made it). */
  lastAttempt: z
    .object({
      at: z.string(),
      result: z.enum(['succeeded', 'failed']),
      jobId: jobIdSchema.nullable(),
      pointId: z.string().nullable(),
      /** Why it failed, as the job recorded it. */
      error: jobErrorSchema.nullable(),
    })
    .nullable(),
  /** Seconds since the newest point was completed; null without a point. */
  ageSeconds: z.number().nonnegative().nullable(),
  /** No restore point within the cluster's staleness threshold (never backed up counts). */
  stale: z.boolean(),
});
export type DashboardVm = z.infer<typeof dashboardVmSchema>;

export const dashboardClusterSchema = z.object({
  clusterId: clusterIdSchema,
  name: z.string(),
  hosts: z.object({
    total: z.number().int().nonnegative(),
    connected: z.number().int().nonnegative(),
    connecting: z.number().int().nonnegative(),
    unreachable: z.number().int().nonnegative(),
  }),
  /** VMs the inventory shows now (hosts still connecting may add some). */
  vmCount: z.number().int().nonnegative(),
  schedule: scheduleSchema.nullable(),
  nextRunAt: z.string().nullable(),
  /** A VM without a point newer than this is stale: twice the schedule's longest gap, or 48 h without one. */
  staleAfterHours: z.number().positive(),
  staleVmCount: z.number().int().nonnegative(),
  /** A backup job of this cluster that is queued or running now. */
  activeBackupJobId: jobIdSchema.nullable(),
  /** The inventory's VMs by name, then VMs known only from restore points. */
  vms: z.array(dashboardVmSchema),
});
export type DashboardCluster = z.infer<typeof dashboardClusterSchema>;

export const repositoryFiguresSchema = z.object({
  status: repositoryStatusSchema,
  totalBytes: z.number().nonnegative().nullable(),
  /**
   * From the last walk of the repository (null until one finished): bytes of chunk files and manifests, the
   * bytes the points reference (their non-zero slots, as if each point were stored whole), and their ratio
   * (deduplication and compression together).
   */
  storedBytes: z.number().nonnegative().nullable(),
  chunkCount: z.number().int().nonnegative().nullable(),
  logicalBytes: z.number().nonnegative().nullable(),
  dedupRatio: z.number().nonnegative().nullable(),
  figuresAt: z.string().nullable(),
  /** A walk is running: the figures will change (`dashboard.changed` says when). */
  figuresPending: z.boolean(),
});
export type RepositoryFigures = z.infer<typeof repositoryFiguresSchema>;

export const dashboardSchema = z.object({
  generatedAt: z.string(),
  repository: repositoryFiguresSchema,
  clusters: z.array(dashboardClusterSchema),
});
export type Dashboard = z.infer<typeof dashboardSchema>;
