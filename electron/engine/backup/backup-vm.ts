// Backs up one VM, wherever it runs now: resolve its current host in the cluster, continue its checkpoint chain
// there (or read it all, saying why), pull each disk over NBD, store only chunks the repository does not have,
// then write the restore point's manifest — the point exists once, and only once, its manifest does.
import { randomUUID } from 'node:crypto';
import type { VmRef } from '../../../shared/model/inventory.js';
import type { ClusterStore } from '../clusters/cluster-store.js';
import type { Clock } from '../clock.js';
import { HypervisorError, type BackupDiskExport, type BackupRun, type HypervisorDriver } from '../hypervisors/driver.js';
import { CHECKPOINT_PREFIX } from '../hypervisors/libvirt/libvirt-driver.js';
import type { InventoryService } from '../inventory/inventory-service.js';
import type { Logger } from '../logging/logger.js';
import { NBD_STATE_DIRTY, NBD_STATE_ZERO, connectNbd, type NbdExtent } from '../nbd/index.js';
import {
  MANIFEST_FORMAT,
  MANIFEST_VERSION,
  allocateChunkBuffer,
  chunkCount,
  sumDiskStats,
  type Manifest,
  type ManifestDisk,
  type Repository,
} from '../repository/index.js';

export interface BackupVmDeps {
  driver: HypervisorDriver;
  clusters: ClusterStore;
  inventory: InventoryService;
  /** Opened with the writer lock held. */
  repository: Repository;
  logger: Logger;
  clock: Clock;
}

export type BackupPhase = 'resolving' | 'starting' | 'reading' | 'writing' | 'done';

export interface BackupDiskProgress {
  target: string;
  bytesDone: number;
  /** What this backup will read of the disk (allocated or changed chunks), not its capacity. */
  bytesTotal: number;
}

export interface BackupProgress {
  vm: VmRef;
  /** The host the VM was found on, once resolved. */
  host: { id: string; label: string } | null;
  phase: BackupPhase;
  disks: BackupDiskProgress[];
}

export interface BackupVmOptions {
  signal?: AbortSignal;
  onProgress?: (progress: BackupProgress) => void;
  /** NBD reads in flight per disk. */
  readsInFlight?: number;
}

export interface BackupVmResult {
  manifest: Manifest;
  /** Where the manifest was written, relative to the repository. */
  path: string;
}

const HOST_CONNECT_TIMEOUT_MS = 10_000;

/** Indexes of the chunk slots that overlap the extents `wanted` selects. */
export function chunksTouched(extents: readonly NbdExtent[], wanted: (flags: number) => boolean, chunkSize: number, capacity: number): number[] {
  const touched = new Set<number>();
  const slots = chunkCount(capacity, chunkSize);
  for (const extent of extents) {
    if (!wanted(extent.flags) || extent.length === 0) continue;
    const first = Math.floor(extent.offset / chunkSize);
    const last = Math.min(slots - 1, Math.floor((extent.offset + extent.length - 1) / chunkSize));
    for (let i = first; i <= last; i += 1) touched.add(i);
  }
  return [...touched].sort((a, b) => a - b);
}

async function readDisk(
  run: BackupRun,
  disk: BackupDiskExport,
  base: ManifestDisk | null,
  deps: BackupVmDeps,
  options: BackupVmOptions,
  report: (progress: BackupDiskProgress) => void,
): Promise<ManifestDisk> {
  const chunkSize = deps.repository.config.chunkSize;
  const signal = options.signal;
  const nbd = await connectNbd(
    await run.openNbd(disk.target),
    { exportName: disk.exportName, metaContexts: [disk.extentsContext], ...(signal ? { signal } : {}) },
  );
  try {
    if (nbd.export.size !== disk.capacityBytes) {
      throw new HypervisorError('protocol', `the export of ${disk.target} is ${nbd.export.size} bytes, the disk ${disk.capacityBytes}`);
    }
    const extents = await nbd.queryExtents(disk.extentsContext, 0, disk.capacityBytes, signal ? { signal } : {});
    // Full: what is allocated and not known to read as zeros. Incremental: what changed since the checkpoint;
    // every other slot keeps the previous point's chunk.
    const toRead = disk.incremental
      ? chunksTouched(extents, (flags) => (flags & NBD_STATE_DIRTY) !== 0, chunkSize, disk.capacityBytes)
      : chunksTouched(extents, (flags) => (flags & NBD_STATE_ZERO) === 0, chunkSize, disk.capacityBytes);
    const slots = chunkCount(disk.capacityBytes, chunkSize);
    const writer = deps.repository.createDiskImageWriter({
      capacityBytes: disk.capacityBytes,
      base: disk.incremental && base ? base.chunks : new Array<null>(slots).fill(null),
    });
    const progress: BackupDiskProgress = {
      target: disk.target,
      bytesDone: 0,
      bytesTotal: toRead.reduce((n, i) => n + writer.lengthOf(i), 0),
    };
    report(progress);
    // Chunk buffers are reused once the writer has stored their bytes: a fresh 4 MiB buffer per chunk costs page
    // faults to map it and garbage collection to unmap it, a good share of a backup's CPU. At most readsInFlight
    // reads plus the writer's puts hold one each, so the pool never grows beyond that. They are shared memory, so
    // the chunk store's hashing threads read them in place, laid out so it writes raw chunks' files from them
    // with direct I/O.
    const free: Buffer[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < toRead.length) {
        signal?.throwIfAborted();
        const index = toRead[next++]!;
        const length = writer.lengthOf(index);
        const buffer = free.pop() ?? allocateChunkBuffer(chunkSize);
        const into = length === chunkSize ? buffer : buffer.subarray(0, length);
        const { data } = await nbd.read(index * chunkSize, length, { into, ...(signal ? { signal } : {}) });
        await writer.write(index, data, () => free.push(buffer));
        progress.bytesDone += length;
        report(progress);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, options.readsInFlight ?? 4) }, worker));
    const { chunks, stats } = await writer.finish();
    return { target: disk.target, format: disk.format ?? 'raw', capacityBytes: disk.capacityBytes, chunkSize, chunks, stats };
  } finally {
    await nbd.close().catch(() => undefined);
  }
}

export async function backupVm(deps: BackupVmDeps, vm: VmRef, options: BackupVmOptions = {}): Promise<BackupVmResult> {
  const signal = options.signal;
  const logger = deps.logger.child({ vm: vm.vmUuid });
  const progress: BackupProgress = { vm, host: null, phase: 'resolving', disks: [] };
  const emit = (): void => options.onProgress?.({ ...progress, disks: progress.disks.map((d) => ({ ...d })) });
  emit();

  // Where the VM runs now: a live migration since the last backup only changes which host is asked.
  const inventory = await deps.inventory.get(vm.clusterId, { refresh: true });
  const summary = inventory.vms.find((v) => v.ref.vmUuid === vm.vmUuid.toLowerCase());
  if (!summary) {
    const down = inventory.hosts.filter((h) => h.state !== 'connected').map((h) => `${h.label} (${h.error?.message ?? h.state})`);
    throw new HypervisorError(
      'not_found',
      `VM ${vm.vmUuid} is on no reachable host of cluster ${inventory.clusterName}${down.length ? `; not reachable now: ${down.join(', ')}` : ''}`,
    );
  }
  const hostStatus = inventory.hosts.find((h) => h.hostId === summary.hostId)!;
  const host = deps.clusters.get(vm.clusterId).hosts.find((h) => h.id === summary.hostId)!;
  logger.info('backing up', { name: summary.name, host: host.label, state: summary.state });
  progress.host = { id: host.id, label: host.label };

  // The inventory's connection to the host has just answered the refresh: the backup runs over it rather than
  // opening another (an SSH handshake and a libvirt login, a good share of a small incremental's time). It is
  // lent: closing it is the inventory's business.
  const lent = deps.inventory.sessionFor(vm.clusterId, host.id);
  const session =
    lent ??
    (await deps.driver.connect(host.spec, {
      secret: host.hasSecret ? await deps.clusters.secretFor(host.id) : null,
      timeoutMs: HOST_CONNECT_TIMEOUT_MS,
      logger,
      ...(signal ? { signal } : {}),
    }));
  try {
    const previous = await deps.repository.points.latestFor(vm);
    const chunkSize = deps.repository.config.chunkSize;

    /** One try; `forcedFull` says why an incremental was given up before this try started. */
    const attempt = async (forcedFull: string | null): Promise<BackupVmResult> => {
      const pointId = randomUUID();
      const createdAt = deps.clock.now().toISOString();
      progress.phase = 'starting';
      emit();
      const run = await session.startBackup({
        vmUuid: vm.vmUuid,
        checkpointName: `${CHECKPOINT_PREFIX}${pointId}`,
        incrementalFrom: forcedFull === null && previous?.checkpoint ? { name: previous.checkpoint.name, xml: previous.checkpoint.xml } : null,
        ...(signal ? { signal } : {}),
      });
      let written: BackupVmResult;
      let manifest: Manifest;
      try {
        const incremental = previous !== null && run.disks.length > 0 && run.disks.every((d) => d.incremental);
        if (incremental) {
          // Changed blocks rebuild a disk only on top of the same disk: same target, same size, same chunking.
          const changed = run.disks.find((disk) => {
            const before = previous.disks.find((d) => d.target === disk.target);
            return !before || before.capacityBytes !== disk.capacityBytes || before.chunkSize !== chunkSize;
          });
          if (changed || run.disks.length !== previous.disks.length) {
            await run.cancel();
            const which = changed ? `disk ${changed.target}` : 'the set of disks';
            return await attempt(`${which} is not what the previous restore point holds (a disk added, removed, replaced or resized)`);
          }
        }
        // Why a VM with an earlier point is read in full: what the driver or the disks said, else that the VM is
        // shut off now, else that it was when the previous point was taken (no checkpoint to continue from).
        const otherwise =
          previous === null
            ? null
            : run.checkpoint === null
              ? `${summary.name} is shut off: without a running QEMU its disks are read in full from their images`
              : 'the previous restore point has no checkpoint to continue from (the VM was shut off then)';
        const fullReason = incremental ? null : (forcedFull ?? run.fullReason ?? otherwise);
        progress.phase = 'reading';
        // Until a disk's read is sized (its extents queried), what it holds stands in for its total: a later disk
        // then only makes the VM's total shrink, never grow, and its progress never runs backwards.
        progress.disks = run.disks.map((d) => {
          const known = summary.disks.find((x) => x.target === d.target);
          return { target: d.target, bytesDone: 0, bytesTotal: known?.allocationBytes ?? known?.capacityBytes ?? d.capacityBytes };
        });
        emit();
        const disks: ManifestDisk[] = [];
        for (const [i, disk] of run.disks.entries()) {
          const base = incremental ? (previous.disks.find((d) => d.target === disk.target) ?? null) : null;
          disks.push(
            await readDisk(run, disk, base, deps, options, (p) => {
              progress.disks[i] = { ...p };
              emit();
            }),
          );
        }
        progress.phase = 'writing';
        emit();
        manifest = {
          format: MANIFEST_FORMAT,
          version: MANIFEST_VERSION,
          id: pointId,
          createdAt,
          completedAt: deps.clock.now().toISOString(),
          vm: { clusterId: vm.clusterId, vmUuid: vm.vmUuid.toLowerCase(), name: summary.name, clusterName: inventory.clusterName },
          sourceHost: { id: host.id, label: host.label, hostname: hostStatus.hostname ?? host.label },
          configXml: run.vmConfig,
          type: incremental ? 'incremental' : 'full',
          ...(fullReason === null ? {} : { fullReason }),
          checkpoint: run.checkpoint
            ? { name: run.checkpoint.name, parentName: incremental ? previous.checkpoint!.name : null, xml: run.checkpoint.xml }
            : null,
          parentPointId: incremental ? previous.id : null,
          disks,
          stats: sumDiskStats(disks),
        };
        // A cancel counts until the point is visible; after that the backup has happened.
        signal?.throwIfAborted();
        // The manifest before the job ends: a crash in between leaves a checkpoint the next backup can use.
        written = { manifest, path: (await deps.repository.points.write(manifest)).path };
      } catch (error) {
        await run.cancel().catch((cancelError: unknown) => logger.warn('could not end the backup job on the host', { error: cancelError }));
        throw error;
      }
      // The point exists: ending the job and dropping older checkpoints is tidying. Failing here must neither fail
      // the backup nor undo it (cancelling would delete the checkpoint the new point continues from); the next
      // backup ends a leftover job and drops leftover checkpoints itself.
      await run.finish().catch((error: unknown) => logger.warn('the restore point is written; ending the backup job on the host failed', { error }));
      progress.phase = 'done';
      emit();
      logger.info('restore point written', { point: pointId, type: manifest.type, ...manifest.stats });
      return written;
    };
    return await attempt(null);
  } finally {
    if (lent === null) await session.close().catch(() => undefined);
  }
}
