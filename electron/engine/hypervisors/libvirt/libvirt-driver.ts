// The libvirt (KVM/QEMU) implementation of the hypervisor driver interface, over Lifeboat's own remote-protocol
// client: nothing of libvirt needs to be installed on the admin's computer.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import type { HostSpec } from '../../../../shared/model/cluster.js';
import { describeHostSpec } from '../../../../shared/model/cluster.js';
import type { VmDisk, VmState } from '../../../../shared/model/inventory.js';
import type { NbdTransport } from '../../nbd/index.js';
import {
  HypervisorError,
  type BackupDiskExport,
  type BackupRequest,
  type BackupRun,
  type CheckpointRecord,
  type CreateVolumeRequest,
  type HostBridge,
  type HostCapabilities,
  type HostChange,
  type HostConnectOptions,
  type HostInfo,
  type HostNetwork,
  type HostSession,
  type HypervisorDriver,
  type StoragePool,
  type UndefineVmOptions,
  type UploadVolumeOptions,
  type VmDefinition,
  type VmOnHost,
  type VolumeData,
  type VolumeInfo,
  type VolumeRef,
} from '../driver.js';
import { FILE_POOL_TYPES, parseCapabilitiesXml, parseFirmwareImages, parseInterfaceXml, parseNetworkXml, parsePoolXml } from './host-xml.js';
import { checkpointXml, checkpointXmlWithoutParent, parseRunningBackup, pullBackupXml, xmlEscape } from './backup-xml.js';
import { parseDomainXml } from './domain-xml.js';
import {
  CheckpointCreateFlags,
  CheckpointDeleteFlags,
  DomainDefineFlags,
  DomainState,
  DomainUndefineFlags,
  DomainXmlFlags,
  HostKeyMismatchError,
  HostKeyUnknownError,
  LibvirtAuthUnsupportedError,
  LibvirtConnectionError,
  LibvirtError,
  LibvirtTimeoutError,
  ListAllDomainsFlags,
  ListAllInterfacesFlags,
  ListAllNetworksFlags,
  ListAllStoragePoolsFlags,
  SshAuthError,
  StoragePoolState,
  VirErrorCode,
  isLibvirtError,
  lifecycleEventName,
  openLibvirtConnection,
  type CheckpointRef,
  type DomainRef,
  type LibvirtApi,
  type LibvirtConnection,
  type LibvirtTransportSpec,
  type SshTransportConnection,
  type StoragePoolRef,
  type StorageVolRef,
  streamHole,
} from './rpc/index.js';

/**
 * Where QEMU listens for a backup's NBD reads and keeps its scratch files, on the host: libvirt's own state folder,
 * which QEMU may write. libvirt removes the scratch files when the job ends.
 */
const BACKUP_SOCKET_DIR = '/var/lib/libvirt/qemu';
/** Checkpoints Lifeboat creates carry this prefix; others (an admin's own) are never touched. */
export const CHECKPOINT_PREFIX = 'lifeboat-';

/** Quotes a word for the host's POSIX shell. */
function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** How long one libvirt call may take before the host counts as not answering. */
const CALL_TIMEOUT_MS = 30_000;
/** An aborted backup job is gone once QEMU has cancelled its block jobs: quick on an idle host, slower on a busy one. */
const BACKUP_END_TIMEOUT_MS = 30_000;
const BACKUP_END_POLL_MS = 50;
/** Calls in flight per host while listing (libvirtd serves them concurrently with its worker pool). */
const LIST_CONCURRENCY = 8;

/** libvirt encodes versions as major * 1,000,000 + minor * 1,000 + micro. */
export function libvirtVersionString(encoded: number): string {
  return `${Math.floor(encoded / 1_000_000)}.${Math.floor((encoded % 1_000_000) / 1000)}.${encoded % 1000}`;
}

function vmState(state: number): VmState {
  switch (state) {
    case DomainState.RUNNING:
    case DomainState.BLOCKED:
    case DomainState.SHUTDOWN:
      return 'running';
    case DomainState.PAUSED:
      return 'paused';
    case DomainState.SHUTOFF:
      return 'shut off';
    case DomainState.CRASHED:
      return 'crashed';
    case DomainState.PMSUSPENDED:
      return 'suspended';
    default:
      return 'other';
  }
}

/** Runs `work` over `items` with at most `limit` in flight, keeping order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

async function transportFor(spec: HostSpec, secret: string | null): Promise<LibvirtTransportSpec> {
  switch (spec.transport) {
    case 'ssh':
      return {
        kind: 'ssh',
        host: spec.address,
        port: spec.port,
        username: spec.username,
        ...(spec.auth === 'key' && spec.keyPath ? { privateKeyPath: spec.keyPath } : {}),
        ...(spec.auth === 'key' && secret ? { passphrase: secret } : {}),
        ...(spec.auth === 'password' && secret ? { password: secret } : {}),
        // Never trust an unknown key silently: without a pinned fingerprint the connection fails with the key's
        // fingerprint, for the user to confirm.
        hostKey: spec.hostKeyFingerprint ? { pinnedFingerprint: spec.hostKeyFingerprint } : {},
      };
    case 'tcp':
      return { kind: 'tcp', host: spec.address, port: spec.port };
    case 'tls': {
      const read = async (path: string, what: string): Promise<Buffer> => {
        try {
          return await readFile(path);
        } catch (error) {
          throw new HypervisorError('auth_failed', `Cannot read the TLS ${what} ${path}: ${(error as Error).message}`);
        }
      };
      return {
        kind: 'tls',
        host: spec.address,
        port: spec.port,
        ca: await read(spec.caPath, 'CA certificate'),
        cert: await read(spec.certPath, 'client certificate'),
        key: await read(spec.keyPath, 'client key'),
        servername: spec.address,
      };
    }
    case 'unix':
      return { kind: 'unix', socketPath: spec.socketPath };
  }
}

const NOT_FOUND_CODES: ReadonlySet<number> = new Set([
  VirErrorCode.VIR_ERR_NO_DOMAIN,
  VirErrorCode.VIR_ERR_NO_STORAGE_POOL,
  VirErrorCode.VIR_ERR_NO_STORAGE_VOL,
  VirErrorCode.VIR_ERR_NO_NETWORK,
]);

/** What a libvirt error means to the layers above. */
function libvirtErrorCode(error: LibvirtError): HypervisorError['code'] {
  if (NOT_FOUND_CODES.has(error.code)) return 'not_found';
  if (error.code === VirErrorCode.VIR_ERR_AUTH_FAILED) return 'auth_failed';
  if (error.code === VirErrorCode.VIR_ERR_STORAGE_VOL_EXIST || error.code === VirErrorCode.VIR_ERR_DOM_EXIST) return 'conflict';
  // ENOSPC reaches us as a system error's text ("No space left on device"), or a quota's.
  if (/no space left|disk quota exceeded|not enough space|insufficient space/i.test(error.message)) return 'no_space';
  if (error.code === VirErrorCode.VIR_ERR_OPERATION_INVALID) return 'invalid_state';
  return 'hypervisor';
}

/**
 * libvirt refusing to delete a checkpoint whose bitmap is gone from the disk images. It has no error code of its
 * own (VIR_ERR_INTERNAL_ERROR), so its message is matched: "bitmap 'NAME' not found in backing chain of 'vda'".
 */
function isMissingBitmapError(error: unknown): boolean {
  return error instanceof LibvirtError && /bitmap '[^']*' not found/.test(error.message);
}

/** A `.catch` handler that turns libvirt error `code` (an object that is not there) into null. */
function nullOn(code: number): (error: unknown) => null {
  return (error) => {
    if (isLibvirtError(error, code)) return null;
    throw error;
  };
}

/** Turns the protocol client's errors into the driver's codes, with the host named in the message. */
export function toHypervisorError(error: unknown, where: string): HypervisorError {
  if (error instanceof HypervisorError) return error;
  if (error instanceof HostKeyUnknownError) {
    return new HypervisorError('host_key_unknown', `${where}: the SSH host key ${error.fingerprint} is not trusted yet`, {
      fingerprint: error.fingerprint,
      cause: error,
    });
  }
  if (error instanceof HostKeyMismatchError) {
    return new HypervisorError(
      'host_key_mismatch',
      `${where} presented the SSH host key ${error.actualFingerprint}, not the trusted ${error.expectedFingerprint}: it may be another machine`,
      { fingerprint: error.actualFingerprint, expectedFingerprint: error.expectedFingerprint, cause: error },
    );
  }
  if (error instanceof SshAuthError || error instanceof LibvirtAuthUnsupportedError) {
    return new HypervisorError('auth_failed', `${where}: ${error.message}`, { cause: error });
  }
  if (error instanceof LibvirtTimeoutError) return new HypervisorError('timeout', `${where}: ${error.message}`, { cause: error });
  if (error instanceof LibvirtConnectionError) {
    const code = error.kind === 'connect-timeout' ? 'timeout' : 'unreachable';
    return new HypervisorError(code, `${where}: ${error.message}`, { cause: error });
  }
  if (error instanceof LibvirtError) return new HypervisorError(libvirtErrorCode(error), `${where}: ${error.message}`, { cause: error });
  if (error instanceof Error && error.name === 'AbortError') return new HypervisorError('timeout', `${where}: ${error.message}`, { cause: error });
  return new HypervisorError('protocol', `${where}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}

class LibvirtHostSession implements HostSession {
  private readonly listeners = new Set<(change: HostChange) => void>();
  readonly ended: Promise<Error | null>;
  /** Set by close(): the daemon then hangs up after CONNECT_CLOSE, which is an orderly end, not a failure. */
  private closing = false;

  private readonly connection: LibvirtConnection;
  private readonly where: string;
  private readonly spec: HostSpec;

  constructor(connection: LibvirtConnection, where: string, spec: HostSpec) {
    this.connection = connection;
    this.where = where;
    this.spec = spec;
    this.ended = new Promise((resolve) => {
      connection.client.onClose((error) =>
        resolve(this.closing || error.kind === 'closed-by-client' ? null : toHypervisorError(error, where)),
      );
    });
  }

  get api(): LibvirtApi {
    return this.connection.api;
  }

  async watchLifecycle(): Promise<void> {
    await this.api.subscribeDomainLifecycle((event) => {
      const change: HostChange = { kind: 'vm', vmUuid: event.domain.uuid, detail: lifecycleEventName(event.event) };
      for (const listener of this.listeners) listener(change);
    });
  }

  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw toHypervisorError(error, this.where);
    }
  }

  info(signal?: AbortSignal): Promise<HostInfo> {
    const options = signal ? { signal } : {};
    return this.guard(async () => {
      const [hostname, node, libVersion, hvVersion] = await Promise.all([
        this.api.getHostname(options),
        this.api.nodeGetInfo(options),
        this.api.getLibVersion(options),
        this.api.getVersion(options),
      ]);
      return {
        hostname,
        cpuModel: node.model,
        cpus: node.cpus,
        memoryBytes: node.memoryKiB * 1024,
        libvirtVersion: libvirtVersionString(libVersion),
        hypervisorVersion: libvirtVersionString(hvVersion),
      };
    });
  }

  listVms(signal?: AbortSignal): Promise<VmOnHost[]> {
    const options = signal ? { signal } : {};
    return this.guard(async () => {
      const [all, persistent] = await Promise.all([
        this.api.listAllDomains(0, options),
        this.api.listAllDomains(ListAllDomainsFlags.PERSISTENT, options),
      ]);
      const persistentUuids = new Set(persistent.map((d) => d.uuid));
      const vms = await mapLimited(all, LIST_CONCURRENCY, (domain) => this.describe(domain, persistentUuids.has(domain.uuid), options));
      return vms.filter((vm): vm is VmOnHost => vm !== null);
    });
  }

  /** One VM's facts; null when it vanished between listing and asking (undefined, migrated away). */
  private async describe(domain: DomainRef, persistent: boolean, options: { signal?: AbortSignal }): Promise<VmOnHost | null> {
    try {
      const [info, xml] = await Promise.all([this.api.domainGetInfo(domain, options), this.api.domainGetXmlDesc(domain, 0, options)]);
      const parsed = parseDomainXml(xml);
      const disks = await Promise.all(
        parsed.disks
          .filter((disk) => disk.device === 'disk')
          .map(async (disk): Promise<VmDisk> => {
            // Sizes as the hypervisor sees them; a disk whose image is missing still shows, without sizes.
            const block = await this.api.domainGetBlockInfo(domain, disk.target, 0, options).catch(() => null);
            return {
              target: disk.target,
              path: disk.path ?? (disk.pool && disk.volume ? `${disk.pool}/${disk.volume}` : null),
              format: disk.format,
              capacityBytes: block?.capacity ?? null,
              allocationBytes: block?.allocation ?? null,
            };
          }),
      );
      const active = domain.id >= 0 && info.state !== DomainState.SHUTOFF;
      return {
        uuid: domain.uuid.toLowerCase(),
        name: domain.name,
        state: vmState(info.state),
        active,
        persistent,
        vcpus: info.vcpus,
        memoryBytes: (active ? info.memoryKiB : info.maxMemKiB) * 1024,
        disks,
      };
    } catch (error) {
      if (isLibvirtError(error, VirErrorCode.VIR_ERR_NO_DOMAIN)) return null;
      throw error;
    }
  }

  getVmConfig(vmUuid: string, signal?: AbortSignal): Promise<string> {
    const options = signal ? { signal } : {};
    return this.guard(async () => {
      const domain = await this.api.domainLookupByUuid(vmUuid, options);
      // The persistent definition (what a restore recreates), without secrets such as VNC passwords.
      return this.api.domainGetXmlDesc(domain, DomainXmlFlags.INACTIVE, options);
    });
  }

  onChange(listener: (change: HostChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * How the NBD client reaches a unix socket on the host: a stream forwarded over SSH, or the socket's path itself
   * when the host is this machine.
   */
  private nbdTransportFactory(socketPath: string): () => Promise<NbdTransport> {
    const transport = this.connection.transport as Partial<SshTransportConnection>;
    if (typeof transport.forwardUnixSocket === 'function') {
      const forward = transport.forwardUnixSocket.bind(transport);
      return async () => ({ kind: 'stream', stream: await forward(socketPath), description: `${socketPath} on ${this.where} over SSH` });
    }
    // The host is this machine: the NBD client connects to the socket itself.
    if (this.spec.transport === 'unix') return () => Promise.resolve({ kind: 'unix', path: socketPath });
    throw new HypervisorError(
      'unsupported',
      `${this.where}: backups read disk data through an SSH connection to the host (or a local socket); ` +
        `a ${this.spec.transport.toUpperCase()} connection would send it unencrypted over the network. Connect to this host over SSH.`,
    );
  }

  startBackup(request: BackupRequest): Promise<BackupRun> {
    const options = request.signal ? { signal: request.signal } : {};
    return this.guard(async () => {
      const domain = await this.api.domainLookupByUuid(request.vmUuid, options);
      const info = await this.api.domainGetInfo(domain, options);
      if (domain.id < 0 || info.state === DomainState.SHUTOFF) return this.startOfflineBackup(domain, request, options);
      const vmConfig = await this.api.domainGetXmlDesc(domain, DomainXmlFlags.INACTIVE, options);
      const liveDisks = parseDomainXml(await this.api.domainGetXmlDesc(domain, 0, options)).disks.filter(
        (disk) => disk.device === 'disk' && !disk.readOnly,
      );
      if (liveDisks.length === 0) throw new HypervisorError('unsupported', `${this.where}: ${domain.name} has no disk to back up`);
      const targets = liveDisks.map((disk) => disk.target);

      let fullReason: string | null = null;
      await this.endStaleBackup(domain, options);
      if (request.incrementalFrom) fullReason = await this.ensureCheckpoint(domain, request.incrementalFrom, options);
      const incrementalFrom = request.incrementalFrom && fullReason === null ? request.incrementalFrom.name : null;

      const jobId = `${request.vmUuid}-${randomBytes(4).toString('hex')}`;
      const socketPath = `${BACKUP_SOCKET_DIR}/lifeboat-nbd-${jobId}.sock`;
      const scratch = targets.map((target) => ({ target, scratchPath: `${BACKUP_SOCKET_DIR}/lifeboat-scratch-${jobId}-${target}.qcow2` }));
      // Before the job starts: a connection that cannot carry the data refuses here, leaving nothing to undo.
      const openNbd = this.nbdTransportFactory(socketPath);
      const begin = (from: string | null): Promise<void> =>
        this.api.domainBackupBegin(
          domain,
          pullBackupXml({ socketPath, disks: scratch, incrementalFrom: from }),
          checkpointXml({ name: request.checkpointName, disks: targets }),
          0,
          options,
        );
      try {
        await begin(incrementalFrom);
      } catch (error) {
        if (incrementalFrom === null || !(error instanceof LibvirtError)) throw error;
        // The checkpoint exists but its bitmap does not (a disk replaced, a bitmap dropped): read everything.
        fullReason = `the incremental backup from checkpoint ${incrementalFrom} could not start on ${this.where}: ${error.message}`;
        await begin(null);
      }

      const exports = parseRunningBackup(await this.api.domainBackupGetXmlDesc(domain, 0, options));
      const disks: BackupDiskExport[] = await Promise.all(
        exports.map(async (exported) => {
          const block = await this.api.domainGetBlockInfo(domain, exported.target, 0, options);
          const disk = liveDisks.find((d) => d.target === exported.target);
          return {
            target: exported.target,
            capacityBytes: block.capacity,
            format: disk?.format ?? null,
            exportName: exported.exportName,
            extentsContext: exported.exportBitmap ? `qemu:dirty-bitmap:${exported.exportBitmap}` : 'base:allocation',
            incremental: exported.exportBitmap !== null,
          };
        }),
      );

      const created = await this.api.domainCheckpointLookupByName(domain, request.checkpointName, 0, options);
      const checkpoint: CheckpointRecord = { name: request.checkpointName, xml: await this.api.domainCheckpointGetXmlDesc(created, 0, options) };

      let ended = false;
      const endJob = async (): Promise<void> => {
        if (ended) return;
        ended = true;
        // A pull-mode backup runs until it is aborted: aborting is how it ends, successful or not.
        await this.abortBackupJob(domain, {});
      };
      return {
        vmConfig,
        disks,
        fullReason,
        checkpoint,
        // One NBD server exports every disk of the job: the target only picks the export, at NBD_OPT_GO.
        openNbd: () => openNbd(),
        finish: () =>
          this.guard(async () => {
            await endJob();
            // Only the newest checkpoint is needed: every restore point is a full image, the chain is one link.
            for (const older of await this.api.domainListAllCheckpoints(domain)) {
              if (older.name !== request.checkpointName && older.name.startsWith(CHECKPOINT_PREFIX)) {
                await this.deleteCheckpoint(older, {});
              }
            }
          }),
        cancel: () =>
          this.guard(async () => {
            await endJob();
            const mine = await this.api.domainCheckpointLookupByName(domain, request.checkpointName).catch(() => null);
            if (mine) await this.deleteCheckpoint(mine, {});
          }),
      };
    });
  }

  /**
   * A backup job of ours still running on the VM (its Lifeboat was killed, or lost the host mid-backup) would block
   * the next one: end it. A backup job that is not ours is someone else's work, and is left alone.
   */
  private async endStaleBackup(domain: DomainRef, options: { signal?: AbortSignal }): Promise<void> {
    const running = await this.api.domainBackupGetXmlDesc(domain, 0, options).catch((error: unknown) => {
      if (isLibvirtError(error, VirErrorCode.VIR_ERR_NO_DOMAIN_BACKUP)) return null;
      throw error;
    });
    if (running === null) return;
    if (!running.includes(`${BACKUP_SOCKET_DIR}/lifeboat-nbd-`)) {
      throw new HypervisorError('hypervisor', `${this.where}: ${domain.name} is in a backup job that Lifeboat did not start; try again once it has ended`);
    }
    await this.abortBackupJob(domain, options);
  }

  /**
   * Aborts the VM's backup job and waits until it is gone. The abort only asks QEMU to cancel the job's block jobs;
   * until their end is processed the job's bitmaps are still in use, and deleting a checkpoint (or starting the next
   * backup) in that window fails or races the teardown.
   */
  private async abortBackupJob(domain: DomainRef, options: { signal?: AbortSignal }): Promise<void> {
    await this.api.domainAbortJob(domain, options).catch((error: unknown) => {
      if (!isLibvirtError(error, VirErrorCode.VIR_ERR_OPERATION_INVALID)) throw error;
    });
    const deadline = Date.now() + BACKUP_END_TIMEOUT_MS;
    for (;;) {
      const gone = await this.api.domainBackupGetXmlDesc(domain, 0, options).then(
        () => false,
        (error: unknown) => {
          if (isLibvirtError(error, VirErrorCode.VIR_ERR_NO_DOMAIN_BACKUP)) return true;
          throw error;
        },
      );
      if (gone) return;
      if (Date.now() > deadline) {
        throw new HypervisorError('hypervisor', `${this.where}: the backup job of ${domain.name} did not end within ${BACKUP_END_TIMEOUT_MS / 1000} s of being aborted`);
      }
      await delay(BACKUP_END_POLL_MS, undefined, options.signal ? { signal: options.signal } : {});
    }
  }

  /**
   * Deletes a checkpoint: its bitmaps in the disk images, then its record. A record can outlive its bitmaps (QEMU
   * or libvirtd killed before the bitmaps were saved to the images, a bitmap removed by hand); libvirt then refuses
   * the delete, and the record would be left to fail every later cleanup. With no bitmap left to remove, only the
   * record is deleted.
   */
  private async deleteCheckpoint(checkpoint: CheckpointRef, options: { signal?: AbortSignal }): Promise<void> {
    try {
      await this.api.domainCheckpointDelete(checkpoint, 0, options);
    } catch (error) {
      if (!isMissingBitmapError(error)) throw error;
      await this.api.domainCheckpointDelete(checkpoint, CheckpointDeleteFlags.METADATA_ONLY, options);
    }
  }

  /**
   * A shut-off VM: no QEMU runs to track changes or export the disks, so each disk image is exported read-only by
   * `qemu-nbd` on the host (over the SSH connection) and read in full; the repository still stores only new chunks.
   * qemu-nbd holds a shared lock on the image: starting the VM meanwhile fails instead of changing what is read.
   */
  private async startOfflineBackup(domain: DomainRef, request: BackupRequest, options: { signal?: AbortSignal }): Promise<BackupRun> {
    const transport = this.connection.transport as Partial<SshTransportConnection>;
    const exec = transport.exec?.bind(transport);
    const forward = transport.forwardUnixSocket?.bind(transport);
    if (!exec || !forward) {
      throw new HypervisorError('unsupported', `${this.where}: a shut-off VM is backed up through an SSH connection to its host; connect to this host over SSH`);
    }
    const vmConfig = await this.api.domainGetXmlDesc(domain, DomainXmlFlags.INACTIVE, options);
    const images = await Promise.all(
      parseDomainXml(vmConfig)
        .disks.filter((disk) => disk.device === 'disk' && !disk.readOnly)
        .map(async (disk) => {
          let path = disk.path;
          if (!path && disk.pool && disk.volume) {
            const pool = await this.api.storagePoolLookupByName(disk.pool, options);
            path = await this.api.storageVolGetPath(await this.api.storageVolLookupByName(pool, disk.volume, options), options);
          }
          if (!path) throw new HypervisorError('unsupported', `${this.where}: disk ${disk.target} of ${domain.name} is not a file or volume`);
          const block = await this.api.domainGetBlockInfo(domain, disk.target, 0, options);
          return { target: disk.target, path, format: disk.format ?? 'raw', capacityBytes: block.capacity };
        }),
    );
    if (images.length === 0) throw new HypervisorError('unsupported', `${this.where}: ${domain.name} has no disk to back up`);
    const jobId = `${request.vmUuid}-${randomBytes(4).toString('hex')}`;
    const socketOf = (target: string): string => `${BACKUP_SOCKET_DIR}/lifeboat-nbd-${jobId}-${target}.sock`;
    const removeSockets = async (): Promise<void> => {
      await exec(`rm -f ${images.map((image) => shellQuote(socketOf(image.target))).join(' ')}`).catch(() => undefined);
    };
    return {
      vmConfig,
      disks: images.map((image) => ({
        target: image.target,
        capacityBytes: image.capacityBytes,
        format: image.format,
        exportName: image.target,
        extentsContext: 'base:allocation',
        incremental: false,
      })),
      fullReason: request.incrementalFrom ? `${domain.name} is shut off: without a running QEMU its disks are read in full from their images` : null,
      checkpoint: null,
      openNbd: async (target): Promise<NbdTransport> => {
        const image = images.find((i) => i.target === target);
        if (!image) throw new HypervisorError('not_found', `${this.where}: ${domain.name} has no disk ${target}`);
        // Not --persistent: qemu-nbd exits when the one reader disconnects. --fork returns once the socket listens.
        const command =
          `qemu-nbd --fork --read-only --shared=1 --format=${shellQuote(image.format)} --export-name=${shellQuote(target)} ` +
          `--socket=${shellQuote(socketOf(target))} ${shellQuote(image.path)}`;
        const result = await exec(command);
        if (result.code !== 0) {
          const detail = result.stderr.trim() || `exit status ${String(result.code)}`;
          throw new HypervisorError(
            result.code === 127 ? 'unsupported' : 'hypervisor',
            result.code === 127
              ? `${this.where}: qemu-nbd is not installed on the host (Debian/Ubuntu: apt install qemu-utils)`
              : `${this.where}: could not export ${target} of ${domain.name} with qemu-nbd: ${detail}`,
          );
        }
        return { kind: 'stream', stream: await forward(socketOf(target)), description: `${socketOf(target)} on ${this.where} over SSH` };
      },
      finish: removeSockets,
      cancel: removeSockets,
    };
  }

  /**
   * Makes sure the previous backup's checkpoint exists on this host, redefining it from the repository's copy when
   * the VM came here by live migration (libvirt moves the bitmaps with the disks, not the checkpoint records).
   * Returns why an incremental is impossible, or null when it can go on.
   */
  private async ensureCheckpoint(domain: DomainRef, previous: CheckpointRecord, options: { signal?: AbortSignal }): Promise<string | null> {
    const existing = await this.api.domainCheckpointLookupByName(domain, previous.name, 0, options).catch((error: unknown) => {
      if (isLibvirtError(error, VirErrorCode.VIR_ERR_NO_DOMAIN_CHECKPOINT)) return null;
      throw error;
    });
    if (existing) return null;
    try {
      // REDEFINE_VALIDATE: libvirt checks that the disks still carry the checkpoint's bitmaps.
      const xml = checkpointXmlWithoutParent(previous.xml);
      await this.api.domainCheckpointCreateXml(domain, xml, CheckpointCreateFlags.REDEFINE | CheckpointCreateFlags.REDEFINE_VALIDATE, options);
      return null;
    } catch (error) {
      if (!(error instanceof LibvirtError)) throw error;
      return `the checkpoint ${previous.name} is gone from ${this.where} and could not be recreated: ${error.message}`;
    }
  }

  // ---- Storage, networks and definitions: what a restore needs ----

  listStoragePools(signal?: AbortSignal): Promise<StoragePool[]> {
    const options = signal ? { signal } : {};
    return this.guard(async () => {
      const [all, active] = await Promise.all([
        this.api.listAllStoragePools(0, options),
        this.api.listAllStoragePools(ListAllStoragePoolsFlags.ACTIVE, options),
      ]);
      const running = new Set(active.map((pool) => pool.uuid));
      return mapLimited(all, LIST_CONCURRENCY, async (ref): Promise<StoragePool> => {
        const [info, xml] = await Promise.all([this.api.storagePoolGetInfo(ref, options), this.api.storagePoolGetXmlDesc(ref, 0, options)]);
        const parsed = parsePoolXml(xml);
        return {
          name: ref.name,
          uuid: ref.uuid,
          type: parsed.type,
          active: running.has(ref.uuid) && info.state === StoragePoolState.RUNNING,
          capacityBytes: info.capacity,
          allocationBytes: info.allocation,
          availableBytes: info.available,
          path: parsed.path,
          fileBased: FILE_POOL_TYPES.has(parsed.type),
        };
      });
    });
  }

  listNetworks(signal?: AbortSignal): Promise<HostNetwork[]> {
    const options = signal ? { signal } : {};
    return this.guard(async () => {
      const [all, active] = await Promise.all([
        this.api.listAllNetworks(0, options),
        this.api.listAllNetworks(ListAllNetworksFlags.ACTIVE, options),
      ]);
      const running = new Set(active.map((network) => network.uuid));
      return mapLimited(all, LIST_CONCURRENCY, async (ref): Promise<HostNetwork> => {
        const parsed = parseNetworkXml(await this.api.networkGetXmlDesc(ref, 0, options));
        return { name: ref.name, bridge: parsed.bridge, active: running.has(ref.uuid) };
      });
    });
  }

  listBridges(signal?: AbortSignal): Promise<HostBridge[] | null> {
    const options = signal ? { signal } : {};
    return this.guard(async () => {
      let all;
      let active;
      try {
        [all, active] = await Promise.all([this.api.listAllInterfaces(0, options), this.api.listAllInterfaces(ListAllInterfacesFlags.ACTIVE, options)]);
      } catch (error) {
        // No interface driver on the host (netcf or udev missing): it cannot say which bridges exist.
        if (isLibvirtError(error, VirErrorCode.VIR_ERR_NO_SUPPORT)) return null;
        throw error;
      }
      const running = new Set(active.map((iface) => iface.name));
      const described = await mapLimited(all, LIST_CONCURRENCY, async (ref) => {
        const xml = await this.api.interfaceGetXmlDesc(ref, 0, options).catch(() => null);
        return xml === null ? null : parseInterfaceXml(xml);
      });
      return described
        .filter((iface): iface is { type: string; name: string } => iface?.type === 'bridge')
        .map((iface) => ({ name: iface.name, active: running.has(iface.name) }));
    });
  }

  private async poolRef(name: string, options: { signal?: AbortSignal }): Promise<StoragePoolRef> {
    return this.api.storagePoolLookupByName(name, options);
  }

  private async volumeInfo(vol: StorageVolRef, options: { signal?: AbortSignal }): Promise<VolumeInfo> {
    const pool = await this.poolRef(vol.pool, options);
    const [path, xml] = await Promise.all([this.api.storageVolGetPath(vol, options), this.api.storagePoolGetXmlDesc(pool, 0, options)]);
    return { pool: vol.pool, name: vol.name, path, poolType: parsePoolXml(xml).type };
  }

  findVolumeByPath(path: string, signal?: AbortSignal): Promise<VolumeInfo | null> {
    const options = signal ? { signal } : {};
    return this.guard(async () => {
      const vol = await this.api.storageVolLookupByPath(path, options).catch(nullOn(VirErrorCode.VIR_ERR_NO_STORAGE_VOL));
      return vol ? this.volumeInfo(vol, options) : null;
    });
  }

  findVolume(volume: VolumeRef, signal?: AbortSignal): Promise<VolumeInfo | null> {
    const options = signal ? { signal } : {};
    return this.guard(async () => {
      const pool = await this.poolRef(volume.pool, options);
      const vol = await this.api.storageVolLookupByName(pool, volume.name, options).catch(nullOn(VirErrorCode.VIR_ERR_NO_STORAGE_VOL));
      return vol ? this.volumeInfo(vol, options) : null;
    });
  }

  createVolume(request: CreateVolumeRequest, signal?: AbortSignal): Promise<VolumeInfo> {
    const options = signal ? { signal } : {};
    return this.guard(async () => {
      const pool = await this.poolRef(request.pool, options);
      const type = parsePoolXml(await this.api.storagePoolGetXmlDesc(pool, 0, options)).type;
      const fileBased = FILE_POOL_TYPES.has(type);
      if (request.format === 'qcow2' && !fileBased) {
        throw new HypervisorError('unsupported', `${this.where}: pool ${request.pool} (${type}) holds block volumes, not qcow2 files; restore its disks as raw`);
      }
      // A qcow2 volume starts as an empty file that the upload fills with a whole qcow2 image (libvirt then probes
      // its format and size). A raw volume has the disk's size: sparse in a file pool, fully allocated elsewhere
      // (an LVM volume with allocation below capacity would be a thin snapshot volume).
      const capacity = request.format === 'qcow2' ? 0 : request.capacityBytes;
      const allocation = fileBased ? 0 : capacity;
      const xml =
        `<volume>\n  <name>${xmlEscape(request.name)}</name>\n  <capacity unit='bytes'>${capacity}</capacity>\n` +
        `  <allocation unit='bytes'>${allocation}</allocation>\n` +
        (fileBased ? `  <target><format type='raw'/></target>\n` : '') +
        `</volume>\n`;
      const vol = await this.api.storageVolCreateXml(pool, xml, 0, options);
      return this.volumeInfo(vol, options);
    });
  }

  async uploadVolume(volume: VolumeRef, data: AsyncIterable<VolumeData>, options: UploadVolumeOptions = {}): Promise<void> {
    const { signal, onProgress } = options;
    const callOptions = signal ? { signal } : {};
    signal?.throwIfAborted();
    const stream = await this.guard(async () => {
      const pool = await this.poolRef(volume.pool, callOptions);
      const vol = await this.api.storageVolLookupByName(pool, volume.name, callOptions);
      return this.api.storageVolUpload(vol, { sparse: true }, callOptions);
    });
    // The stream's own failure (the daemon's error, the connection lost) surfaces through the pending write or end;
    // keep one listener so it is never unhandled.
    let streamFailure: Error | null = null;
    stream.on('error', (error: Error) => {
      streamFailure ??= error;
    });
    const onAbort = (): void => {
      stream.destroy();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const source = data[Symbol.asyncIterator]();
    let covered = 0;
    try {
      for (;;) {
        // A failure of the data's source (a damaged chunk in the repository) is the caller's, and passes as it is.
        const next = await source.next();
        if (next.done) break;
        signal?.throwIfAborted();
        const piece = next.value;
        const chunk = piece.kind === 'data' ? piece.data : streamHole(piece.length);
        // One piece at a time: the next is taken once this one is on the socket, so memory stays bounded.
        await new Promise<void>((resolve, reject) => {
          stream.write(chunk, (error) => (error ? reject(error) : resolve()));
        }).catch((error: unknown) => {
          throw toHypervisorError(streamFailure ?? error, this.where);
        });
        covered += piece.kind === 'data' ? piece.data.length : piece.length;
        onProgress?.(covered);
      }
      await new Promise<void>((resolve, reject) => {
        stream.once('error', reject);
        stream.end(() => resolve());
      }).catch((error: unknown) => {
        throw toHypervisorError(streamFailure ?? error, this.where);
      });
    } catch (error) {
      // Aborts the transfer on the host (the volume keeps what it got; the caller deletes it).
      if (!stream.destroyed) stream.destroy();
      await source.return?.().catch(() => undefined);
      signal?.throwIfAborted();
      throw error;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  deleteVolume(volume: VolumeRef, signal?: AbortSignal): Promise<void> {
    const options = signal ? { signal } : {};
    return this.guard(async () => {
      const pool = await this.poolRef(volume.pool, options);
      const vol = await this.api.storageVolLookupByName(pool, volume.name, options);
      await this.api.storageVolDelete(vol, 0, options);
    });
  }

  findVm(query: { uuid?: string; name?: string }, signal?: AbortSignal): Promise<VmDefinition | null> {
    const options = signal ? { signal } : {};
    return this.guard(async () => {
      const lookup = query.uuid !== undefined ? this.api.domainLookupByUuid(query.uuid, options) : query.name !== undefined ? this.api.domainLookupByName(query.name, options) : null;
      if (lookup === null) throw new TypeError('findVm needs a uuid or a name');
      const domain = await lookup.catch(nullOn(VirErrorCode.VIR_ERR_NO_DOMAIN));
      if (!domain) return null;
      const [info, persistent, saved, snapshots] = await Promise.all([
        this.api.domainGetInfo(domain, options),
        this.api.listAllDomains(ListAllDomainsFlags.PERSISTENT, options).then((all) => all.some((d) => d.uuid === domain.uuid)),
        this.api.domainHasManagedSaveImage(domain, 0, options).catch(() => false),
        this.api.domainSnapshotNum(domain, 0, options).catch(() => 0),
      ]);
      return {
        uuid: domain.uuid.toLowerCase(),
        name: domain.name,
        state: vmState(info.state),
        active: domain.id >= 0 && info.state !== DomainState.SHUTOFF,
        persistent,
        hasSavedState: saved,
        snapshots,
      };
    });
  }

  defineVm(config: string, signal?: AbortSignal): Promise<{ uuid: string; name: string }> {
    const options = signal ? { signal } : {};
    return this.guard(async () => {
      // VALIDATE: libvirt checks the XML against its schema, so a bad adaptation fails here, not at start.
      const domain = await this.api.domainDefineXml(config, DomainDefineFlags.VALIDATE, options);
      return { uuid: domain.uuid.toLowerCase(), name: domain.name };
    });
  }

  startVm(vmUuid: string, signal?: AbortSignal): Promise<void> {
    const options = signal ? { signal } : {};
    return this.guard(async () => {
      await this.api.domainCreate(await this.api.domainLookupByUuid(vmUuid, options), options);
    });
  }

  undefineVm(vmUuid: string, undefine: UndefineVmOptions = {}): Promise<void> {
    const options = undefine.signal ? { signal: undefine.signal } : {};
    return this.guard(async () => {
      const domain = await this.api.domainLookupByUuid(vmUuid, options);
      const nvram = undefine.removeNvram ? DomainUndefineFlags.NVRAM : DomainUndefineFlags.KEEP_NVRAM;
      await this.api.domainUndefine(domain, DomainUndefineFlags.CHECKPOINTS_METADATA | DomainUndefineFlags.MANAGED_SAVE | nvram, options);
    });
  }

  forgetCheckpoints(vmUuid: string, signal?: AbortSignal): Promise<void> {
    const options = signal ? { signal } : {};
    return this.guard(async () => {
      const domain = await this.api.domainLookupByUuid(vmUuid, options);
      for (const checkpoint of await this.api.domainListAllCheckpoints(domain, 0, options)) {
        if (checkpoint.name.startsWith(CHECKPOINT_PREFIX)) await this.api.domainCheckpointDelete(checkpoint, CheckpointDeleteFlags.METADATA_ONLY, options);
      }
    });
  }

  capabilities(signal?: AbortSignal): Promise<HostCapabilities> {
    const options = signal ? { signal } : {};
    return this.guard(async () => parseCapabilitiesXml(await this.api.getCapabilities(options)));
  }

  firmwareImages(query: { arch: string; virtType: string; machine: string | null }, signal?: AbortSignal): Promise<string[]> {
    const options = signal ? { signal } : {};
    return this.guard(async () => {
      const xml = await this.api.getDomainCapabilities({ arch: query.arch, virtType: query.virtType, machine: query.machine }, 0, options).catch((error: unknown) => {
        // An arch or machine the host does not know: it offers no firmware for it.
        if (error instanceof LibvirtError) return null;
        throw error;
      });
      return xml === null ? [] : parseFirmwareImages(xml);
    });
  }

  close(): Promise<void> {
    this.closing = true;
    return this.connection.close();
  }
}

export function createLibvirtDriver(): HypervisorDriver {
  return {
    kind: 'libvirt',
    async connect(spec: HostSpec, options: HostConnectOptions): Promise<HostSession> {
      const where = describeHostSpec(spec);
      let connection: LibvirtConnection;
      try {
        connection = await openLibvirtConnection(
          { transport: await transportFor(spec, options.secret), uri: spec.libvirtUri },
          {
            timeoutMs: options.timeoutMs,
            callTimeoutMs: CALL_TIMEOUT_MS,
            logger: options.logger,
            ...(options.signal ? { signal: options.signal } : {}),
          },
        );
      } catch (error) {
        throw toHypervisorError(error, where);
      }
      const session = new LibvirtHostSession(connection, where, spec);
      try {
        await session.watchLifecycle();
      } catch (error) {
        await connection.close();
        throw toHypervisorError(error, where);
      }
      return session;
    },
  };
}
