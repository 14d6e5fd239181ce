// The one interface every hypervisor driver implements (libvirt now; vSphere and Proxmox VE later). Everything
// above it — inventory, backup, restore — speaks only this. Each driver passes the shared driver test suite.
import type { Duplex } from 'node:stream';
import type { HostSpec } from '../../../shared/model/cluster.js';
import type { VmDisk, VmState } from '../../../shared/model/inventory.js';
import type { Logger } from '../logging/logger.js';

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
  /** Opens a byte stream to the NBD server exporting this disk. */
  openNbdStream(target: string): Promise<Duplex>;
  /** Ends the hypervisor's backup job, keeping the new checkpoint and dropping the older ones. */
  finish(): Promise<void>;
  /** Ends the hypervisor's backup job and removes the new checkpoint: the next backup starts from the old one. */
  cancel(): Promise<void>;
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
