// Restoring a VM from a restore point onto a chosen host: what the wizard asks the engine, step by step.
import { z } from 'zod';
import { clusterIdSchema, hostIdSchema } from './cluster.js';
import { pointIdSchema } from './point.js';

export const VOLUME_FORMATS = ['qcow2', 'raw'] as const;

export const restoreOptionsSchema = z
  .object({
    pointId: pointIdSchema,
    /** The cluster of the target host; the point's own cluster when absent. */
    clusterId: clusterIdSchema.optional(),
    hostId: hostIdSchema,
    pool: z.string().min(1).max(255),
    /** The new VM's name (a copy); ignored by a replace, which keeps the original's. */
    name: z
      .string()
      .trim()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9][A-Za-z0-9._+-]*$/, 'use letters, digits and . _ + - (starting with a letter or digit)')
      .optional(),
    replace: z.boolean().default(false),
    /** Network or bridge of the backed-up VM → the target's network or bridge, or null to leave it disconnected. */
    networkMap: z.record(z.string().max(255), z.string().max(255).nullable()).default({}),
    start: z.boolean().default(false),
    format: z.enum(VOLUME_FORMATS).default('qcow2'),
  })
  .strict();
export type RestoreOptions = z.infer<typeof restoreOptionsSchema>;

export const restoreTargetPoolSchema = z.object({
  name: z.string(),
  type: z.string(),
  active: z.boolean(),
  capacityBytes: z.number().nonnegative(),
  availableBytes: z.number().nonnegative(),
  /** qcow2 volumes need a file-based pool. */
  fileBased: z.boolean(),
});

export const restoreTargetHostSchema = z.object({
  hostId: hostIdSchema,
  label: z.string(),
  state: z.enum(['connected', 'unreachable']),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  pools: z.array(restoreTargetPoolSchema),
  networks: z.array(z.object({ name: z.string(), bridge: z.string().nullable(), active: z.boolean() })),
  /** Host bridges, when the host can list them. */
  bridges: z.array(z.object({ name: z.string(), active: z.boolean() })).nullable(),
  /** True when the host runs or defines the point's VM now (a replace is possible there). */
  hasOriginal: z.boolean(),
});
export type RestoreTargetHost = z.infer<typeof restoreTargetHostSchema>;

export const restoreTargetsSchema = z.object({
  pointId: pointIdSchema,
  clusterId: clusterIdSchema,
  /** What a pool must have free: the sum of the point's disk sizes. */
  requiredBytes: z.number().nonnegative(),
  /** The VM's network interfaces and what they joined, for the network mapping. */
  interfaces: z.array(z.object({ type: z.string(), name: z.string().nullable(), mac: z.string().nullable() })),
  hosts: z.array(restoreTargetHostSchema),
});
export type RestoreTargets = z.infer<typeof restoreTargetsSchema>;

export const restorePlanSchema = z.object({
  host: z.string(),
  name: z.string(),
  uuid: z.string(),
  replace: z.boolean(),
  format: z.enum(VOLUME_FORMATS),
  pool: z.string(),
  disks: z.array(z.object({ target: z.string(), capacityBytes: z.number().nonnegative(), volume: z.string() })),
  requiredBytes: z.number().nonnegative(),
  availableBytes: z.number().nonnegative(),
  changes: z.array(z.string()),
  warnings: z.array(z.string()),
});
export type RestorePlanView = z.infer<typeof restorePlanSchema>;

/** What a restore item produced. */
export const restoreItemResultSchema = z.object({
  host: z.string(),
  vmName: z.string(),
  vmUuid: z.string(),
  replaced: z.boolean(),
  started: z.boolean(),
  startError: z.string().nullable(),
  volumes: z.array(z.string()),
  warnings: z.array(z.string()),
});
export type RestoreItemResult = z.infer<typeof restoreItemResultSchema>;
