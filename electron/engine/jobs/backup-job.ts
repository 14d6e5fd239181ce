// Backup jobs: a cluster's VMs (all of them, or those chosen) as the items of one job. Each VM is backed up
// wherever it runs when its turn comes; one VM failing does not stop the others; a VM another job is already
// backing up is skipped, not started twice. After the items, retention runs for the cluster.
import type { VmRef } from '../../../shared/model/inventory.js';
import type { JobSummary } from '../../../shared/model/job.js';
import { IpcError } from '../../../shared/ipc/errors.js';
import type { BackupVmOptions, BackupVmResult } from '../backup/backup-vm.js';
import type { InventoryService } from '../inventory/inventory-service.js';
import type { PointsIndex } from '../points/points-index.js';
import type { Repository } from '../repository/index.js';
import { vmKey, type JobContext, type JobItemSpec, type JobRunner } from './job-runner.js';
import type { RepositoryAccess } from './repository-access.js';

export interface BackupJobDeps {
  runner: JobRunner;
  inventory: InventoryService;
  repository: RepositoryAccess;
  points: PointsIndex;
  backupVm: (repository: Repository, vm: VmRef, options: BackupVmOptions) => Promise<BackupVmResult>;
  /** Retention for the VMs that got a new point (prune, then GC); run as the job's last step. */
  afterBackup?: (context: JobContext, clusterId: string, vmUuids: readonly string[]) => Promise<void>;
  onPointsChanged: (clusterId: string) => void;
}

export interface BackupJobRequest {
  clusterId: string;
  /** The VMs to back up; all of the cluster's when absent. */
  vmUuids?: readonly string[];
  trigger: JobSummary['trigger'];
}

/** Creates and queues the job; returns once its items are known (after one inventory refresh). */
export async function startBackupJob(deps: BackupJobDeps, request: BackupJobRequest): Promise<{ jobId: string; finished: Promise<JobSummary> }> {
  const repositoryPath = deps.repository.requirePath();
  const inventory = await deps.inventory.get(request.clusterId, { refresh: true });
  const byUuid = new Map(inventory.vms.map((vm) => [vm.ref.vmUuid, vm]));
  // VMs with points but on no reachable host now still belong to a whole-cluster backup: they show up as failed
  // with the reason, rather than silently missing from the job.
  const known = new Map<string, string>();
  for (const point of deps.points.list(repositoryPath, { clusterId: request.clusterId }).points) {
    if (!known.has(point.vmUuid)) known.set(point.vmUuid, point.vmName);
  }
  let uuids: string[];
  if (request.vmUuids) {
    uuids = [...new Set(request.vmUuids.map((u) => u.toLowerCase()))];
  } else {
    uuids = inventory.vms.map((vm) => vm.ref.vmUuid);
    for (const uuid of known.keys()) if (!byUuid.has(uuid)) uuids.push(uuid);
  }
  if (uuids.length === 0) throw new IpcError('not_found', `Cluster ${inventory.clusterName} has no VMs to back up`);

  const busy = deps.runner.busyVmKeys();
  const items: JobItemSpec[] = uuids.map((uuid) => {
    const vm: VmRef = { clusterId: request.clusterId, vmUuid: uuid };
    const summary = byUuid.get(uuid);
    const name = summary?.name ?? known.get(uuid) ?? uuid;
    // Until a VM sizes its read, the job counts what its disks hold (an incremental reads far less).
    const estimatedBytes = summary?.disks.reduce((n, d) => n + (d.allocationBytes ?? d.capacityBytes ?? 0), 0) ?? 0;
    return busy.has(vmKey(vm))
      ? { key: uuid, vm, name, estimatedBytes, skipReason: 'another job is backing it up now' }
      : { key: uuid, vm, name, estimatedBytes };
  });
  items.sort((a, b) => a.name.localeCompare(b.name));
  const succeeded: string[] = [];
  const title = request.vmUuids
    ? items.length === 1
      ? `${items[0]!.name} (${inventory.clusterName})`
      : `${items.length} VMs of ${inventory.clusterName}`
    : `Cluster ${inventory.clusterName}`;

  return deps.runner.submit({
    kind: 'backup',
    title,
    subject: request.vmUuids
      ? { kind: 'vms', clusterName: inventory.clusterName, vmNames: items.map((item) => item.name) }
      : { kind: 'cluster', clusterName: inventory.clusterName },
    clusterId: request.clusterId,
    trigger: request.trigger,
    items,
    hostOf: (item) => {
      const current = deps.inventory.current(request.clusterId);
      const hostId = current?.vms.find((v) => v.ref.vmUuid === item.vm?.vmUuid)?.hostId;
      const host = hostId ? current?.hosts.find((h) => h.hostId === hostId) : undefined;
      return host ? { id: host.hostId, label: host.label } : null;
    },
    runItem: async (item, context) => {
      const vm = item.vm!;
      const result = await deps.repository.withWriter('shared', context.signal, async (repository) => {
        const done = await deps.backupVm(repository, vm, {
          signal: context.signal,
          onProgress: (progress) => {
            if (progress.host) context.setHost(progress.host.label);
            context.setPhase(progress.phase);
            context.setDisks(progress.disks);
          },
        });
        deps.points.add(repository.path, done.manifest, done.path);
        return done;
      });
      const m = result.manifest;
      context.setResult({ pointId: m.id, type: m.type, fullReason: m.fullReason ?? null, bytesRead: m.stats.bytesRead, bytesAdded: m.stats.bytesStored });
      succeeded.push(vm.vmUuid);
      deps.onPointsChanged(request.clusterId);
    },
    run: async (context) => {
      if (succeeded.length > 0 && deps.afterBackup) await deps.afterBackup(context, request.clusterId, succeeded);
    },
  });
}
