// The app's IPC contract: every method and event topic between the renderer and the engine is declared here, once.
// Nowhere else names a method or a channel; the router and the client take their types from this object.
import { z } from 'zod';
import { defineContract, defineMethod, defineTopic } from './contract-kit.js';
import { appInfoSchema } from '../model/app-info.js';
import { dashboardSchema } from '../model/dashboard.js';
import { onboardingStatusSchema } from '../model/onboarding.js';
import {
  clusterIdSchema,
  clusterNameSchema,
  clusterSchema,
  clusterSummarySchema,
  hostInputSchema,
  hostSpecSchema,
  hostTestResultSchema,
} from '../model/cluster.js';
import { clusterInventorySchema, vmUuidSchema } from '../model/inventory.js';
import { jobDetailSchema, jobIdSchema, jobProgressSchema, jobSummarySchema } from '../model/job.js';
import { pointIdSchema, pointListSchema, pointSummarySchema } from '../model/point.js';
import { repositoryCheckSchema, repositoryPathSchema, repositoryStatusSchema } from '../model/repository.js';
import { restoreOptionsSchema, restorePlanSchema, restoreTargetsSchema } from '../model/restore.js';
import { retentionDecisionSchema, retentionPolicySchema } from '../model/retention.js';
import { clusterScheduleSchema, scheduleSchema } from '../model/schedule.js';
import { settingsPatchSchema, settingsSchema } from '../model/settings.js';

const noParams = z.object({}).strict();

export const appContract = defineContract({
  methods: {
    'app.getInfo': defineMethod({
      summary: 'Version, mode (desktop or headless), data folder and catalog schema version.',
      params: noParams,
      result: appInfoSchema,
    }),
    'settings.get': defineMethod({
      summary: 'The user settings (theme, language).',
      params: noParams,
      result: settingsSchema,
    }),
    'settings.update': defineMethod({
      summary: 'Changes some settings; returns all of them. Emits `settings.changed`.',
      params: settingsPatchSchema,
      result: settingsSchema,
    }),
    'clusters.list': defineMethod({
      summary: 'The clusters known to the catalog.',
      params: noParams,
      result: z.array(clusterSummarySchema),
    }),
    'clusters.get': defineMethod({
      summary: 'One cluster with its hosts (connection specs; never secrets).',
      params: z.object({ id: clusterIdSchema }).strict(),
      result: clusterSchema,
    }),
    'clusters.add': defineMethod({
      summary: 'Adds a cluster. SSH hosts need their host key fingerprint, confirmed by the user after clusters.testHost.',
      params: z.object({ name: clusterNameSchema, hosts: z.array(hostInputSchema).min(1).max(64) }).strict(),
      result: clusterSchema,
    }),
    'clusters.update': defineMethod({
      summary: 'Renames a cluster and/or replaces its host list (hosts keep their id, and their secret unless a new one is given).',
      params: z
        .object({ id: clusterIdSchema, name: clusterNameSchema.optional(), hosts: z.array(hostInputSchema).min(1).max(64).optional() })
        .strict(),
      result: clusterSchema,
    }),
    'clusters.remove': defineMethod({
      summary: 'Forgets a cluster and its hosts\' secrets. Restore points in repositories are not touched.',
      params: z.object({ id: clusterIdSchema }).strict(),
      result: z.null(),
    }),
    'clusters.testHost': defineMethod({
      summary: 'Connects to one host as specified and reports what it found, or the SSH host key to confirm.',
      params: z.object({ spec: hostSpecSchema, secret: z.string().min(1).max(4096).optional() }).strict(),
      result: hostTestResultSchema,
    }),
    'inventory.get': defineMethod({
      summary: "A cluster's hosts and VMs, merged by VM identity; `refresh` re-lists every host first.",
      params: z.object({ clusterId: clusterIdSchema, refresh: z.boolean().default(false) }).strict(),
      result: clusterInventorySchema,
    }),
    'jobs.list': defineMethod({
      summary: 'Jobs, newest first.',
      params: z.object({ limit: z.number().int().min(1).max(1000).default(100) }).strict(),
      result: z.array(jobSummarySchema),
    }),
    'jobs.get': defineMethod({
      summary: 'One job: its summary, its last progress snapshot (per VM and disk) and its log.',
      params: z.object({ id: jobIdSchema }).strict(),
      result: jobDetailSchema,
    }),
    'jobs.cancel': defineMethod({
      summary: 'Cancels a queued or running job; items already done keep their result. Ends as `cancelled`.',
      params: z.object({ id: jobIdSchema }).strict(),
      result: z.null(),
    }),
    'backup.startCluster': defineMethod({
      summary: 'Backs up every VM of a cluster, running or shut off, wherever each runs now. Returns at once.',
      params: z.object({ clusterId: clusterIdSchema }).strict(),
      result: z.object({ jobId: jobIdSchema }),
    }),
    'backup.startVms': defineMethod({
      summary: 'Backs up the chosen VMs of a cluster. Returns at once.',
      params: z.object({ clusterId: clusterIdSchema, vmUuids: z.array(vmUuidSchema).min(1).max(1000) }).strict(),
      result: z.object({ jobId: jobIdSchema }),
    }),
    'points.list': defineMethod({
      summary: 'Restore points in the repository, newest first, of a cluster or one VM.',
      params: z.object({ clusterId: clusterIdSchema.optional(), vmUuid: vmUuidSchema.optional() }).strict(),
      result: pointListSchema,
    }),
    'points.get': defineMethod({
      summary: 'One restore point.',
      params: z.object({ id: pointIdSchema }).strict(),
      result: pointSummarySchema,
    }),
    'restore.targets': defineMethod({
      summary:
        "Where a point can be restored: each host of the cluster (the point's own unless named) with its state, pools and their free space, networks; and what the point needs.",
      params: z.object({ pointId: pointIdSchema, clusterId: clusterIdSchema.optional() }).strict(),
      result: restoreTargetsSchema,
    }),
    'restore.preflight': defineMethod({
      summary: 'Checks a restore against the target host without writing anything, and says what it will do.',
      params: restoreOptionsSchema,
      result: restorePlanSchema,
    }),
    'restore.start': defineMethod({
      summary: 'Restores a point to a host as a job (checks first; nothing is written when a check fails). Returns once queued.',
      params: restoreOptionsSchema,
      result: z.object({ jobId: jobIdSchema }),
    }),
    'repository.get': defineMethod({
      summary: 'The configured repository: where, whether it can be used now, how many points it holds.',
      params: noParams,
      result: repositoryStatusSchema,
    }),
    'repository.use': defineMethod({
      summary:
        'Makes a folder the repository: opens the one there (rebuilding the point list from its manifests), or with `create` makes a new one in an empty or missing folder (refused, with the reason of repository.check, where that check says no).',
      params: z.object({ path: repositoryPathSchema, create: z.boolean().default(false) }).strict(),
      result: repositoryStatusSchema,
    }),
    'repository.check': defineMethod({
      summary:
        'Says what choosing a folder as the repository would do (open, create, or refuse and why), its free space, and whether Lifeboat can write there. Changes nothing.',
      params: z.object({ path: repositoryPathSchema }).strict(),
      result: repositoryCheckSchema,
    }),
    'onboarding.status': defineMethod({
      summary: 'Whether the first-run onboarding is done, what is set up, and the folder proposed for a new repository.',
      params: noParams,
      result: onboardingStatusSchema,
    }),
    'onboarding.addLab': defineMethod({
      summary: "Adds the development lab on this machine as cluster `lab`, its hosts over SSH with the lab's key and pinned host keys.",
      params: noParams,
      result: clusterSchema,
    }),
    'onboarding.complete': defineMethod({
      summary: 'Marks the onboarding done (a repository must be set up; the first cluster may be skipped).',
      params: noParams,
      result: onboardingStatusSchema,
    }),
    'dashboard.get': defineMethod({
      summary:
        "Per cluster: hosts, VM count, next scheduled run, and per VM its newest point, last attempt, age and whether it is stale; the repository's size, referenced bytes, dedup ratio and free space.",
      params: noParams,
      result: dashboardSchema,
    }),
    'retention.get': defineMethod({
      summary: "A cluster's retention policy and the VMs that override it.",
      params: z.object({ clusterId: clusterIdSchema }).strict(),
      result: z.object({
        clusterId: clusterIdSchema,
        policy: retentionPolicySchema,
        vmPolicies: z.array(z.object({ vmUuid: vmUuidSchema, policy: retentionPolicySchema })),
      }),
    }),
    'retention.set': defineMethod({
      summary: "Sets a cluster's policy, or one VM's override (`policy: null` removes the override).",
      params: z
        .object({ clusterId: clusterIdSchema, vmUuid: vmUuidSchema.optional(), policy: retentionPolicySchema.nullable() })
        .strict(),
      result: z.null(),
    }),
    'retention.preview': defineMethod({
      summary: 'What a policy would keep and delete of the points now in the repository, before it is saved.',
      params: z.object({ clusterId: clusterIdSchema, vmUuid: vmUuidSchema.optional(), policy: retentionPolicySchema }).strict(),
      result: z.object({ decisions: z.array(retentionDecisionSchema) }),
    }),
    'schedules.get': defineMethod({
      summary: "A cluster's backup schedule, when it last ran and when it runs next.",
      params: z.object({ clusterId: clusterIdSchema }).strict(),
      result: clusterScheduleSchema,
    }),
    'schedules.set': defineMethod({
      summary: "Sets or (with null) removes a cluster's backup schedule.",
      params: z.object({ clusterId: clusterIdSchema, schedule: scheduleSchema.nullable() }).strict(),
      result: clusterScheduleSchema,
    }),
    'verify.start': defineMethod({
      summary: 'Re-reads every chunk the repository references and checks its hash. Returns at once.',
      params: noParams,
      result: z.object({ jobId: jobIdSchema }),
    }),
    'prune.start': defineMethod({
      summary: 'Applies the retention policies now, then frees chunks no point references. Returns at once.',
      params: noParams,
      result: z.object({ jobId: jobIdSchema }),
    }),
  },
  topics: {
    'clusters.changed': defineTopic({
      summary: 'The cluster list after a cluster was added, changed or removed.',
      filter: z.object({}).strict(),
      payload: z.object({ clusters: z.array(clusterSummarySchema) }),
      matches: () => true,
    }),
    'inventory.changed': defineTopic({
      summary: "A cluster's inventory whenever a host or VM changes; a new subscriber gets the current one at once.",
      filter: z.object({ clusterId: clusterIdSchema }).strict(),
      payload: clusterInventorySchema,
      matches: (filter, payload) => filter.clusterId === payload.clusterId,
    }),
    'jobs.progress': defineTopic({
      summary:
        'Progress snapshots of running jobs (all, or one), at most about 4 a second per job and always one at the end; a new subscriber gets the current ones at once.',
      filter: z.object({ jobId: jobIdSchema.optional() }).strict(),
      payload: jobProgressSchema,
      matches: (filter, payload) => filter.jobId === undefined || filter.jobId === payload.jobId,
    }),
    'jobs.changed': defineTopic({
      summary: 'A job was queued, started or ended.',
      filter: z.object({}).strict(),
      payload: jobSummarySchema,
      matches: () => true,
    }),
    'points.changed': defineTopic({
      summary: 'Restore points of a cluster were added or pruned.',
      filter: z.object({}).strict(),
      payload: z.object({ clusterId: clusterIdSchema.nullable() }),
      matches: () => true,
    }),
    'dashboard.changed': defineTopic({
      summary: "The repository's figures were walked again (after a backup, prune or GC, or another repository): fetch dashboard.get.",
      filter: z.object({}).strict(),
      payload: z.object({ figuresAt: z.string() }),
      matches: () => true,
    }),
    'settings.changed': defineTopic({
      summary: 'The settings after a change, from any window or client.',
      filter: z.object({}).strict(),
      payload: settingsSchema,
      matches: () => true,
    }),
  },
});

export type AppContract = typeof appContract;
