// The one interface every hypervisor driver implements (libvirt now; vSphere and Proxmox VE later). Everything
// above it — inventory, backup, restore — speaks only this. Each driver passes the shared driver test suite.
import type { HostSpec } from '../../../shared/model/cluster.js';
import type { VmDisk, VmState } from '../../../shared/model/inventory.js';
import type { Logger } from '../logging/logger.js';
import type { NbdTransport } from '../nbd/index.js';

export interface HostInfo {
  hostname: string;
  cpuModel: string;
  cpus: number;
  memoryBytes: number;
  libvirtVersion: string;
  hypervisorVersion: string;
}

/** A VM as one host sees it. */
export interface VmOnHost {
  uuid: string;
  name: string;
  state: VmState;
  /** Active: running or paused on this host right now (as opposed to only defined here). */
  active: boolean;
  /** Defined on this host (survives a shutdown), as opposed to transient. */
  persistent: boolean;
  vcpus: number;
  memoryBytes: number;
  disks: VmDisk[];
}

export type HostChange =
  /** Something about a VM changed on the host (started, stopped, defined, migrated ...). */
  { kind: 'vm'; vmUuid: string; detail: string };

/** A checkpoint as the repository keeps it: enough to redefine it on whatever host the VM runs on next. */
export interface CheckpointRecord {
  name: string;
  /** The hypervisor's own description of it (libvirt: `virsh checkpoint-dumpxml`). */
  xml: string;
}

export interface BackupRequest {
  vmUuid: string;
  /** Name of the checkpoint this backup creates: the base of the next incremental. */
  checkpointName: string;
  /** The previous backup's checkpoint, for an incremental; null asks for a full backup. */
  incrementalFrom: CheckpointRecord | null;
  signal?: AbortSignal;
}

/** One disk of a running backup, as an NBD export to read from. */
export interface BackupDiskExport {
  target: string;
  capacityBytes: number;
  format: string | null;
  exportName: string;
  /**
   * The NBD meta context whose extents say what to read: `base:allocation` for a full backup (read what is
   * allocated), a dirty bitmap for an incremental (read what changed since `incrementalFrom`).
   */
  extentsContext: string;
  incremental: boolean;
}


export interface BackupRun {
  /** The VM's persistent configuration at backup time (what a restore recreates). */
  readonly vmConfig: string;
  readonly disks: readonly BackupDiskExport[];
  /** Why an incremental was asked for but a full backup is running (checkpoint or bitmap lost ...); null if none. */
  readonly fullReason: string | null;
  /**
   * The checkpoint this backup created, known from the start so the restore point that records it can be written
   * before the job ends: a crash between the two then leaves a checkpoint nobody uses, never a point without one.
   * Null for a shut-off VM, whose disks are read from their images without changed-block tracking.
   */
  readonly checkpoint: CheckpointRecord | null;
  /**
   * Where to reach the NBD server exporting this disk: its socket's path when the host is this machine (the NBD
   * client then reads into one reused buffer), else a stream opened to it (an SSH channel to the host's socket).
   */
  openNbd(target: string): Promise<NbdTransport>;
  /** Ends the hypervisor's backup job, keeping the new checkpoint and dropping the older ones. */
  finish(): Promise<void>;
  /** Ends the hypervisor's backup job and removes the new checkpoint: the next backup starts from the old one. */
  cancel(): Promise<void>;
}

/** A storage pool of a host, with its room (libvirt: `virsh pool-list --details`). */
export interface StoragePool {
  name: string;
  uuid: string;
  /** The pool's kind (libvirt: `dir`, `fs`, `netfs`, `logical`, `disk`, `iscsi`, `rbd` ...). */
  type: string;
  /** Running: volumes can be created in it now. */
  active: boolean;
  capacityBytes: number;
  allocationBytes: number;
  /** Free space for new volumes. */
  availableBytes: number;
  /** Where its volumes live on the host (a folder, a volume group's /dev path), or null (network pools). */
  path: string | null;
  /** Volumes are files on the host (dir, fs, netfs): qcow2 images can be stored in them. */
  fileBased: boolean;
}

/** A virtual network of a host (libvirt: `virsh net-list --all`), what an interface of type `network` joins. */
export interface HostNetwork {
  name: string;
  /** The Linux bridge it puts guests on, or null (macvtap or hostdev forwarding). */
  bridge: string | null;
  active: boolean;
}

/** A bridge device of the host (libvirt: `virsh iface-list --all`), what an interface of type `bridge` joins. */
export interface HostBridge {
  name: string;
  active: boolean;
}

/** A storage volume: where a restored disk is written. */
export interface VolumeRef {
  pool: string;
  name: string;
}

export type VolumeFormat = 'qcow2' | 'raw';

export interface VolumeInfo extends VolumeRef {
  /** Its path on the host (a file or a block device), what a domain's disk source names. */
  path: string;
  /** The pool's type, so a disk source can say file, block or volume. */
  poolType: string;
}

export interface CreateVolumeRequest extends VolumeRef {
  /**
   * `raw`: a sparse volume of `capacityBytes`, filled by uploadVolume with the guest's bytes. `qcow2`: an empty file
   * (file-based pools only) that uploadVolume fills with a complete qcow2 image, container and all.
   */
  format: VolumeFormat;
  capacityBytes: number;
}

/**
 * What an upload carries, in volume order: bytes, or a run of zeros the host leaves unallocated. Buffers are sent as
 * they are, without a copy: a producer must not change one after handing it over.
 */
export type VolumeData = { kind: 'data'; data: Buffer } | { kind: 'hole'; length: number };

export interface UploadVolumeOptions {
  signal?: AbortSignal;
  /** Told after each piece is handed to the connection, with the volume bytes covered so far (data and holes). */
  onProgress?: (bytesCovered: number) => void;
}

/** A VM definition on one host, found by name or UUID. */
export interface VmDefinition {
  uuid: string;
  name: string;
  state: VmState;
  /** Running or paused now. */
  active: boolean;
  persistent: boolean;
  /** A saved memory state (libvirt managed save) that the next start would resume. */
  hasSavedState: boolean;
  /** Snapshots the hypervisor keeps for it. */
  snapshots: number;
}

/** One kind of guest the host can run (libvirt capabilities `<guest>`). */
export interface GuestCapability {
  osType: string;
  arch: string;
  /** The emulator binary for this arch, when the host names one. */
  emulator: string | null;
  /** Machine types, with aliases (`pc`, `q35`) and their canonical names. */
  machines: string[];
  /** Virtualization types offered for this arch (`kvm`, `qemu`), each with its own emulator when it differs. */
  virtTypes: { type: string; emulator: string | null }[];
}

export interface HostCapabilities {
  /** Security drivers of the host (`selinux`, `apparmor`, `dac`, `none`). */
  securityModels: string[];
  guests: GuestCapability[];
}

export interface UndefineVmOptions {
  /** Also delete the VM's UEFI variable store (a VM we created); otherwise it is kept. */
  removeNvram?: boolean;
  signal?: AbortSignal;
}

export interface HostSession {
  info(signal?: AbortSignal): Promise<HostInfo>;
  listVms(signal?: AbortSignal): Promise<VmOnHost[]>;
  /** The VM's configuration as the hypervisor stores it (libvirt: domain XML, inactive definition). */
  getVmConfig(vmUuid: string, signal?: AbortSignal): Promise<string>;
  onChange(listener: (change: HostChange) => void): () => void;
  /**
   * Starts an agentless backup: for a running VM a new checkpoint, and each disk exported for reading as it was at
   * that instant; for a shut-off VM, each disk image exported read-only from the host. Redefines `incrementalFrom` on this host first when it is missing (checkpoint records do not
   * follow a live migration); falls back to a full backup, saying why, when the chain cannot continue.
   */
  startBackup(request: BackupRequest): Promise<BackupRun>;
  /** The host's storage pools with their free space. */
  listStoragePools(signal?: AbortSignal): Promise<StoragePool[]>;
  /** The host's virtual networks. */
  listNetworks(signal?: AbortSignal): Promise<HostNetwork[]>;
  /** The host's bridges; null when the host cannot list its interfaces (no interface driver). */
  listBridges(signal?: AbortSignal): Promise<HostBridge[] | null>;
  /** The volume at a path on the host, or null when no pool holds one there. */
  findVolumeByPath(path: string, signal?: AbortSignal): Promise<VolumeInfo | null>;
  /** The volume, or null when the pool has none by that name. Fails `not_found` when the pool does not exist. */
  findVolume(volume: VolumeRef, signal?: AbortSignal): Promise<VolumeInfo | null>;
  /** Creates a volume; `conflict` when one by that name exists, `no_space` when the pool is full. */
  createVolume(request: CreateVolumeRequest, signal?: AbortSignal): Promise<VolumeInfo>;
  /**
   * Writes a volume from its start through the hypervisor's own data channel (libvirt: a sparse stream), holes left
   * unallocated. Resolves once the host has confirmed every byte.
   */
  uploadVolume(volume: VolumeRef, data: AsyncIterable<VolumeData>, options?: UploadVolumeOptions): Promise<void>;
  /** Deletes a volume; `not_found` when it is not there. */
  deleteVolume(volume: VolumeRef, signal?: AbortSignal): Promise<void>;
  /** A VM defined on this host, by UUID or name; null when there is none. */
  findVm(query: { uuid?: string; name?: string }, signal?: AbortSignal): Promise<VmDefinition | null>;
  /** Defines (or, for an existing UUID, redefines) a persistent VM from its configuration. */
  defineVm(config: string, signal?: AbortSignal): Promise<{ uuid: string; name: string }>;
  startVm(vmUuid: string, signal?: AbortSignal): Promise<void>;
  /** Removes a shut-off VM's definition (its disks are left alone). */
  undefineVm(vmUuid: string, options?: UndefineVmOptions): Promise<void>;
  /** Forgets the VM's Lifeboat checkpoints (metadata only): after its disks were replaced, they name bitmaps no disk has. */
  forgetCheckpoints(vmUuid: string, signal?: AbortSignal): Promise<void>;
  /** What the host can run: guest architectures, machine types, emulators, security drivers. */
  capabilities(signal?: AbortSignal): Promise<HostCapabilities>;
  /** The UEFI/BIOS firmware images the host offers for one kind of guest (empty when it lists none). */
  firmwareImages(query: { arch: string; virtType: string; machine: string | null }, signal?: AbortSignal): Promise<string[]>;
  /** Resolves once the session has ended: with the error that ended it, or null after close(). */
  readonly ended: Promise<Error | null>;
  close(): Promise<void>;
}

export interface HostConnectOptions {
  /** Password or key passphrase from the secret store, when the spec needs one. */
  secret: string | null;
  signal?: AbortSignal;
  /** Gives up connecting after this long (a closed port or unknown host never hangs). */
  timeoutMs: number;
  logger: Logger;
}

export interface HypervisorDriver {
  readonly kind: string;
  connect(spec: HostSpec, options: HostConnectOptions): Promise<HostSession>;
}

export const HYPERVISOR_ERROR_CODES = [
  'unreachable',
  'timeout',
  'auth_failed',
  'host_key_unknown',
  'host_key_mismatch',
  'not_found',
  /** The name (VM, volume) is taken. */
  'conflict',
  /** The storage pool has no room left. */
  'no_space',
  /** The object is in a state that forbids the operation (a running VM asked to be replaced, a pool not running). */
  'invalid_state',
  'unsupported',
  'protocol',
  'hypervisor',
] as const;
export type HypervisorErrorCode = (typeof HYPERVISOR_ERROR_CODES)[number];

/** A driver's failure, in terms the layers above act on; the message is readable and names the host. */
export class HypervisorError extends Error {
  readonly code: HypervisorErrorCode;
  /** Host key fingerprints for the two host-key codes. */
  readonly fingerprint: string | undefined;
  readonly expectedFingerprint: string | undefined;
  constructor(code: HypervisorErrorCode, message: string, extra: { fingerprint?: string; expectedFingerprint?: string; cause?: unknown } = {}) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = 'HypervisorError';
    this.code = code;
    this.fingerprint = extra.fingerprint;
    this.expectedFingerprint = extra.expectedFingerprint;
  }
}
