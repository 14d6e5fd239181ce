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

/** A network or bridge an interface joins. */
const interfaceSourceSchema = z.object({ type: z.enum(['network', 'bridge']), name: z.string() });

/**
 * One change a restore makes to the VM's configuration to fit the target host, with the values its sentence needs:
 * the engine puts it in English for the CLI and logs (`describeRestoreChange` in
 * electron/engine/hypervisors/libvirt/restore-change.ts), the renderer in the UI's language. `host` is the target
 * host as named in messages; `nic` an interface as named in messages: its MAC address, or its type when it has none.
 */
export const restoreChangeSchema = z.discriminatedUnion('code', [
  /** The copy's new name. */
  z.object({ code: z.literal('renamed'), name: z.string(), was: z.string() }),
  /** The copy's new UUID: the copy and the original are two VMs. */
  z.object({ code: z.literal('new_uuid'), uuid: z.string() }),
  /** The VM generation ID renewed, so the guest sees it was restored. */
  z.object({ code: z.literal('genid_renewed') }),
  /** The SMBIOS system UUID set to the new UUID. */
  z.object({ code: z.literal('smbios_uuid') }),
  /** The emulator path dropped: the host chooses its own. `path` is null when the element was empty. */
  z.object({ code: z.literal('emulator_dropped'), path: z.string().nullable(), host: z.string() }),
  /** The host's emulator instead of the old one (`was` null: none was set). */
  z.object({ code: z.literal('emulator_changed'), emulator: z.string(), host: z.string(), was: z.string().nullable() }),
  /** A security label of a model the host does not use, dropped. */
  z.object({ code: z.literal('security_label_unused'), model: z.string(), host: z.string() }),
  /** A copy's static security label dropped: the host gives it its own. */
  z.object({ code: z.literal('security_label_static'), model: z.string().nullable(), host: z.string() }),
  /** Security labels libvirt assigned at run time, dropped. */
  z.object({ code: z.literal('security_label_runtime'), model: z.string().nullable() }),
  /** Firmware the host does not offer, dropped: the host picks its own of that kind (`firmware`, e.g. efi). */
  z.object({ code: z.literal('firmware_dropped'), path: z.string(), host: z.string(), firmware: z.string() }),
  /** A copy's UEFI variable store not shared with the original: the host creates one for `name`. */
  z.object({ code: z.literal('nvram_not_shared'), path: z.string(), host: z.string(), name: z.string() }),
  /** A restored disk on its new volume; `was` is its old source, null when it had none. */
  z.object({
    code: z.literal('disk_volume'),
    target: z.string(),
    pool: z.string(),
    volume: z.string(),
    format: z.enum(VOLUME_FORMATS),
    was: z.string().nullable(),
  }),
  /** An interface left out, as the network mapping chose. */
  z.object({ code: z.literal('nic_left_out'), nic: z.string(), source: interfaceSourceSchema }),
  /** An interface moved to another network or bridge, as the network mapping chose. */
  z.object({ code: z.literal('nic_moved'), nic: z.string(), from: interfaceSourceSchema, to: interfaceSourceSchema }),
  /** A copy's interface with a new MAC address, so the copy and the original can share a network. */
  z.object({ code: z.literal('nic_new_mac'), nic: z.string(), mac: z.string() }),
  /** A copy's fixed host device (tap) name dropped: the original uses it. */
  z.object({ code: z.literal('nic_device_dropped'), nic: z.string(), device: z.string() }),
  /** A copy's display moved off the original's fixed port; `display` is its type as shown (VNC, SPICE). */
  z.object({ code: z.literal('display_port'), display: z.string(), port: z.string() }),
]);
export type RestoreChange = z.infer<typeof restoreChangeSchema>;
export type RestoreChangeCode = RestoreChange['code'];

/**
 * One thing about a restored VM that needs a look, with the values its sentence needs: the engine puts it in English
 * for the CLI and logs (`describeRestoreWarning` in electron/engine/hypervisors/libvirt/restore-warning.ts), the
 * renderer in the UI's language. `host` is the target host as named in messages; `nic` an interface as named in
 * messages: its MAC address, or its type when it has none. Lists are the few items the sentence names.
 */
export const restoreWarningSchema = z.discriminatedUnion('code', [
  /** The host offers no guests of the VM's architecture (`arch` null: none set) and OS type. */
  z.object({ code: z.literal('guest_unsupported'), host: z.string(), arch: z.string().nullable(), osType: z.string() }),
  /** The host offers no virtualization of the VM's type (kvm, qemu) for its architecture; `offered` are the ones it has. */
  z.object({ code: z.literal('virt_type_unsupported'), host: z.string(), virtType: z.string(), arch: z.string(), offered: z.array(z.string()) }),
  /** The host's QEMU has no machine type of the VM's; `machines` are a few it has for the architecture. */
  z.object({ code: z.literal('machine_unsupported'), host: z.string(), machine: z.string(), arch: z.string(), machines: z.array(z.string()) }),
  /** The VM boots a firmware image, and the host lists none. */
  z.object({ code: z.literal('firmware_unlisted'), path: z.string(), host: z.string() }),
  /** The VM boots a firmware image the host does not offer; `offered` are a few it has. */
  z.object({ code: z.literal('firmware_unoffered'), path: z.string(), host: z.string(), offered: z.array(z.string()) }),
  /** UEFI variables are not in backups: the VM starts from the firmware defaults. */
  z.object({ code: z.literal('nvram_not_backed_up') }),
  /** A CD-ROM or floppy image not on the host: the drive is left empty. */
  z.object({ code: z.literal('removable_missing'), device: z.enum(['cdrom', 'floppy']), target: z.string(), path: z.string(), host: z.string() }),
  /** A disk the backup did not hold, not on the host: left out of the VM. */
  z.object({ code: z.literal('disk_left_out'), target: z.string(), path: z.string(), host: z.string() }),
  /** A disk the backup did not hold, kept as it was (`source` null: it has none); `shared`: a copy writes to the original's storage. */
  z.object({ code: z.literal('disk_kept'), target: z.string(), source: z.string().nullable(), shared: z.boolean() }),
  /** An interface on a host device directly (macvtap); `device` null when none is named. */
  z.object({ code: z.literal('nic_host_device'), nic: z.string(), device: z.string().nullable(), host: z.string() }),
  /** An interface of another type (not network, bridge or user), kept as it was. */
  z.object({ code: z.literal('nic_other_type'), nic: z.string(), type: z.string(), host: z.string() }),
  /** The host cannot list its bridges, so the bridge chosen in the network mapping is not checked. */
  z.object({ code: z.literal('bridges_unlisted'), bridge: z.string(), host: z.string() }),
  /** An interface on a network or bridge the host does not have: left out. */
  z.object({ code: z.literal('nic_source_missing'), nic: z.string(), source: interfaceSourceSchema, host: z.string() }),
  /** An interface on a bridge the host cannot say it has (no bridge list). */
  z.object({ code: z.literal('nic_bridge_unknown'), nic: z.string(), bridge: z.string(), host: z.string() }),
  /** An interface on a network that is not running on the host. */
  z.object({ code: z.literal('nic_network_inactive'), nic: z.string(), network: z.string(), host: z.string() }),
  /** A display listening on a fixed address; `display` is its type as shown (VNC, SPICE). */
  z.object({ code: z.literal('display_listen'), display: z.string(), address: z.string(), host: z.string() }),
  /** Host devices passed through to the VM; `copy`: the original must not run at the same time. */
  z.object({ code: z.literal('host_devices'), count: z.number().int().positive(), host: z.string(), copy: z.boolean() }),
  /** CPU pinning kept as it was. */
  z.object({ code: z.literal('cpu_pinning'), host: z.string() }),
  /** The restored VM did not start when asked to; `error` is why, as the host said it. */
  z.object({ code: z.literal('not_started'), error: z.string() }),
  /** Replace: disks of the original left in place (not in the point, or not deletable through a pool). */
  z.object({ code: z.literal('original_disks_kept'), disks: z.array(z.string()) }),
]);
export type RestoreWarning = z.infer<typeof restoreWarningSchema>;
export type RestoreWarningCode = RestoreWarning['code'];

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
  changes: z.array(restoreChangeSchema),
  warnings: z.array(restoreWarningSchema),
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
  /** Structured warnings; a job stored before warnings had codes holds English sentences. */
  warnings: z.array(z.union([restoreWarningSchema, z.string()])),
});
export type RestoreItemResult = z.infer<typeof restoreItemResultSchema>;
