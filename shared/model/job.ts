// Jobs: long work the engine runs (backups, restores, verifies, prunes), their live progress and their history.
// Progress crosses IPC as a full snapshot with a sequence number, never as deltas: a renderer that reloads, or
// misses events, is whole again with the next one.
import { z } from 'zod';
import { clusterIdSchema } from './cluster.js';
import { vmRefSchema } from './inventory.js';
import { restoreItemResultSchema } from './restore.js';

export const JOB_KINDS = ['backup', 'restore', 'verify', 'prune'] as const;
export type JobKind = (typeof JOB_KINDS)[number];
export const JOB_STATES = ['queued', 'running', 'succeeded', 'partial', 'failed', 'cancelled'] as const;
export type JobState = (typeof JOB_STATES)[number];
/** States a job never leaves. */
export const FINAL_JOB_STATES: readonly JobState[] = ['succeeded', 'partial', 'failed', 'cancelled'];
export const JOB_TRIGGERS = ['user', 'schedule'] as const;

export const jobIdSchema = z.string().uuid();

/** Job-level phases (the words are the renderer's to translate). */
export const JOB_PHASES = ['verifying', 'pruning', 'collecting_garbage'] as const;
export type JobPhase = (typeof JOB_PHASES)[number];

export const jobErrorSchema = z.object({ code: z.string(), message: z.string() });
export type JobError = z.infer<typeof jobErrorSchema>;

/**
 * What a job is about, as data the renderer puts into words in the shown language (`title` is the engine's
 * English for the same, for the CLI, logs and desktop notifications).
 */
export const jobSubjectSchema = z.discriminatedUnion('kind', [
  /** A backup of every VM of a cluster. */
  z.object({ kind: z.literal('cluster'), clusterName: z.string() }),
  /** A backup of chosen VMs of a cluster, by name, in the job's item order. */
  z.object({ kind: z.literal('vms'), clusterName: z.string(), vmNames: z.array(z.string()).min(1) }),
  /** A restore of a point of `vmName` to `host`, as a VM named `asName`, or replacing the original (null). */
  z.object({ kind: z.literal('restore'), vmName: z.string(), host: z.string(), asName: z.string().nullable() }),
  z.object({ kind: z.literal('prune') }),
  z.object({ kind: z.literal('verify') }),
]);
export type JobSubject = z.infer<typeof jobSubjectSchema>;

/**
 * Null for jobs stored before subjects existed (their stored snapshots have no `subject` at all, read as null):
 * those are shown by their `title`.
 */
const storedSubjectSchema = jobSubjectSchema.nullable().default(null);

export const jobSummarySchema = z.object({
  id: jobIdSchema,
  kind: z.enum(JOB_KINDS),
  state: z.enum(JOB_STATES),
  /** What the job was about, in English, for lists: a cluster name, a VM name. */
  title: z.string(),
  subject: storedSubjectSchema,
  clusterId: clusterIdSchema.nullable(),
  trigger: z.enum(JOB_TRIGGERS),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  /** Items (VMs) by outcome once the job has ended, and in total. */
  itemCount: z.number().int().nonnegative(),
  itemsSucceeded: z.number().int().nonnegative(),
  itemsFailed: z.number().int().nonnegative(),
  /** Bytes the job read (backup) or wrote (restore). */
  bytesDone: z.number().nonnegative(),
});
export type JobSummary = z.infer<typeof jobSummarySchema>;

export const JOB_ITEM_STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'skipped'] as const;
export type JobItemState = (typeof JOB_ITEM_STATES)[number];

export const jobDiskProgressSchema = z.object({
  target: z.string(),
  bytesDone: z.number().nonnegative(),
  /** What the job will read of the disk (allocated or changed data), not its capacity. */
  bytesTotal: z.number().nonnegative(),
});
export type JobDiskProgress = z.infer<typeof jobDiskProgressSchema>;

/** What a backup item produced. */
export const backupItemResultSchema = z.object({
  pointId: z.string(),
  type: z.enum(['full', 'incremental']),
  /** Why a VM with earlier points was read in full. */
  fullReason: z.string().nullable(),
  bytesRead: z.number().nonnegative(),
  /** Compressed bytes of the chunks this point added to the repository. */
  bytesAdded: z.number().nonnegative(),
});
export type BackupItemResult = z.infer<typeof backupItemResultSchema>;

/** One unit of a job: a VM of a backup or restore. */
export const jobItemSchema = z.object({
  key: z.string(),
  vm: vmRefSchema.nullable(),
  name: z.string(),
  /** The host the item ran on, once known. */
  hostLabel: z.string().nullable(),
  state: z.enum(JOB_ITEM_STATES),
  /** What the item is doing now (engine-defined words: resolving, reading, writing…). */
  phase: z.string().nullable(),
  disks: z.array(jobDiskProgressSchema),
  bytesDone: z.number().nonnegative(),
  bytesTotal: z.number().nonnegative(),
  /** Bytes per second over the last few seconds. */
  throughputBps: z.number().nonnegative(),
  etaSeconds: z.number().nonnegative().nullable(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  error: jobErrorSchema.nullable(),
  result: backupItemResultSchema.nullable(),
  /** What a restore item produced (null for other kinds, and until it ends). */
  restoreResult: restoreItemResultSchema.nullable(),
});
export type JobItem = z.infer<typeof jobItemSchema>;

export const jobProgressSchema = z.object({
  jobId: jobIdSchema,
  /** Grows by one with every snapshot of this job; a receiver drops anything older than what it has. */
  seq: z.number().int().nonnegative(),
  kind: z.enum(JOB_KINDS),
  state: z.enum(JOB_STATES),
  title: z.string(),
  subject: storedSubjectSchema,
  clusterId: clusterIdSchema.nullable(),
  startedAt: z.string().nullable(),
  updatedAt: z.string(),
  /** What the job as a whole is doing beyond its items (verifying, pruning, collecting garbage), or null. */
  phase: z.enum(JOB_PHASES).nullable(),
  bytesDone: z.number().nonnegative(),
  bytesTotal: z.number().nonnegative(),
  throughputBps: z.number().nonnegative(),
  etaSeconds: z.number().nonnegative().nullable(),
  /** Throughput samples (bytes/s), one per second, the newest last, at most 120: the chart. */
  throughputHistory: z.array(z.number().nonnegative()),
  items: z.array(jobItemSchema),
  /** Why the whole job failed (an item's own failure is on the item). */
  error: jobErrorSchema.nullable(),
});
export type JobProgress = z.infer<typeof jobProgressSchema>;

export const JOB_LOG_LEVELS = ['info', 'warn', 'error'] as const;
export const jobLogLineSchema = z.object({
  seq: z.number().int().nonnegative(),
  at: z.string(),
  level: z.enum(JOB_LOG_LEVELS),
  message: z.string(),
  /** The item (VM) the line is about. */
  itemKey: z.string().nullable(),
});
export type JobLogLine = z.infer<typeof jobLogLineSchema>;

export const jobDetailSchema = z.object({
  summary: jobSummarySchema,
  progress: jobProgressSchema,
  log: z.array(jobLogLineSchema),
});
export type JobDetail = z.infer<typeof jobDetailSchema>;
