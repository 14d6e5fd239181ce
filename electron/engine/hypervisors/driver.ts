// The one interface every hypervisor driver implements (libvirt now; vSphere and Proxmox VE later). Everything
// above it — inventory, backup, restore — speaks only this. Each driver passes the shared driver test suite.
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

export interface HostSession {
  info(signal?: AbortSignal): Promise<HostInfo>;
  listVms(signal?: AbortSignal): Promise<VmOnHost[]>;
  /** The VM's configuration as the hypervisor stores it (libvirt: domain XML, inactive definition). */
  getVmConfig(vmUuid: string, signal?: AbortSignal): Promise<string>;
  onChange(listener: (change: HostChange) => void): () => void;
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
