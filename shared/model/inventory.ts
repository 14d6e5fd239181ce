// What a cluster holds right now: its hosts' states and its VMs, merged across hosts by stable VM identity.
import { z } from 'zod';
import { clusterIdSchema, hostIdSchema } from './cluster.js';

/**
 * A hypervisor's VM UUID: any 8-4-4-4-12 hex string. Not `uuid()`: libvirt accepts UUIDs set by hand that carry no
 * RFC 9562 version or variant bits, and such a VM must still be listed and backed up.
 */
export const vmUuidSchema = z.guid();

/** A VM is identified by its cluster and its hypervisor UUID (stable across live migration), never by host. */
export const vmRefSchema = z.object({ clusterId: clusterIdSchema, vmUuid: vmUuidSchema });
export type VmRef = z.infer<typeof vmRefSchema>;

export const VM_STATES = ['running', 'paused', 'shut off', 'crashed', 'suspended', 'other'] as const;
export type VmState = (typeof VM_STATES)[number];

export const vmDiskSchema = z.object({
  /** The guest's name for the disk (`vda`). */
  target: z.string(),
  /** Where the disk lives on its host: a file path, or a volume in a pool. */
  path: z.string().nullable(),
  format: z.string().nullable(),
  capacityBytes: z.number().nonnegative().nullable(),
  allocationBytes: z.number().nonnegative().nullable(),
});
export type VmDisk = z.infer<typeof vmDiskSchema>;

/**
 * Something odd about where a VM was seen, with the values its sentence needs: the engine puts it in English for the
 * CLI (`describeVmWarning` in electron/engine/inventory/vm-warning.ts), the renderer in the UI's language. Hosts are
 * named by their labels; `using` is the host the inventory shows the VM on.
 */
export const vmWarningSchema = z.discriminatedUnion('code', [
  /** Running on more than one host at once (a live migration in progress?). */
  z.object({ code: z.literal('active_on_several'), hosts: z.array(z.string()), using: z.string() }),
  /** Defined on other hosts too (a copy left behind by a migration?); `running`: it runs on `using`. */
  z.object({ code: z.literal('defined_on_several'), others: z.array(z.string()), using: z.string(), running: z.boolean() }),
]);
export type VmWarning = z.infer<typeof vmWarningSchema>;
export type VmWarningCode = VmWarning['code'];

export const vmSummarySchema = z.object({
  ref: vmRefSchema,
  name: z.string(),
  state: z.enum(VM_STATES),
  vcpus: z.number().int().nonnegative(),
  memoryBytes: z.number().nonnegative(),
  /** The host running the VM, or the one defining it when it runs nowhere. */
  hostId: hostIdSchema,
  /** Every host on which the VM is defined or running (more than one is an oddity worth a warning). */
  seenOnHostIds: z.array(hostIdSchema),
  disks: z.array(vmDiskSchema),
  warnings: z.array(vmWarningSchema),
});
export type VmSummary = z.infer<typeof vmSummarySchema>;

export const HOST_STATES = ['connecting', 'connected', 'unreachable'] as const;

export const hostStatusSchema = z.object({
  hostId: hostIdSchema,
  label: z.string(),
  state: z.enum(HOST_STATES),
  /** Why the host is unreachable (readable, with the detail a support person needs). */
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  hostname: z.string().nullable(),
  cpuModel: z.string().nullable(),
  cpus: z.number().int().nonnegative().nullable(),
  memoryBytes: z.number().nonnegative().nullable(),
  libvirtVersion: z.string().nullable(),
  hypervisorVersion: z.string().nullable(),
  checkedAt: z.string().nullable(),
});
export type HostStatus = z.infer<typeof hostStatusSchema>;

export const clusterInventorySchema = z.object({
  clusterId: clusterIdSchema,
  clusterName: z.string(),
  hosts: z.array(hostStatusSchema),
  vms: z.array(vmSummarySchema),
  updatedAt: z.string(),
});
export type ClusterInventory = z.infer<typeof clusterInventorySchema>;
