// Restore as the wizard and the jobs see it: where a point can go (every host of a cluster with its pools, free
// space and networks), a dry run that checks a choice without writing, and the restore itself as a job whose one
// item is the VM. Any host of the cluster may receive the VM, not only the one it was backed up from.
import type { JobSummary } from '../../../shared/model/job.js';
import type { RestoreOptions, RestorePlanView, RestoreTargetHost, RestoreTargets } from '../../../shared/model/restore.js';
import type { ClusterStore } from '../clusters/cluster-store.js';
import type { HypervisorDriver } from '../hypervisors/driver.js';
import { describeRestoreChange } from '../hypervisors/libvirt/restore-change.js';
import { describeRestoreWarning } from '../hypervisors/libvirt/restore-warning.js';
import { domainInterfaces } from '../hypervisors/libvirt/restore-xml.js';
import type { InventoryService } from '../inventory/inventory-service.js';
import type { Logger } from '../logging/logger.js';
import type { Manifest, Repository } from '../repository/index.js';
import { preflightRestore, restoreVm, RestoreError, type RestoreRequest } from '../restore/restore-vm.js';
import { connectTargetHost } from '../restore/target-host.js';
import { errorOf, type JobRunner } from './job-runner.js';
import type { RepositoryAccess } from './repository-access.js';

export interface RestoreJobDeps {
  runner: JobRunner;
  clusters: ClusterStore;
  driver: HypervisorDriver;
  inventory: InventoryService;
  repository: RepositoryAccess;
  logger: Logger;
}

async function loadPoint(deps: RestoreJobDeps, pointId: string): Promise<{ repository: Repository; point: Manifest }> {
  const repository = await deps.repository.openReader();
  return { repository, point: await repository.points.read(pointId) };
}

function requestOf(point: Manifest, options: RestoreOptions): RestoreRequest {
  return {
    point,
    targetPool: options.pool,
    ...(options.name !== undefined && !options.replace ? { name: options.name } : {}),
    replace: options.replace,
    networkMap: options.networkMap,
    start: options.start,
    format: options.format,
  };
}

export async function restoreTargets(deps: RestoreJobDeps, pointId: string, clusterId: string | undefined, signal: AbortSignal): Promise<RestoreTargets> {
  const { point } = await loadPoint(deps, pointId);
  const cluster = deps.clusters.get(clusterId ?? point.vm.clusterId);
  const hosts = await Promise.all(
    cluster.hosts.map(async (host): Promise<RestoreTargetHost> => {
      const empty = { hostId: host.id, label: host.label, pools: [], networks: [], bridges: null, hasOriginal: false };
      try {
        const { session } = await connectTargetHost({ driver: deps.driver, clusters: deps.clusters, logger: deps.logger }, cluster.id, host.id, signal);
        try {
          const [pools, networks, bridges, vms] = await Promise.all([
            session.listStoragePools(signal),
            session.listNetworks(signal),
            session.listBridges(signal),
            session.listVms(signal),
          ]);
          return {
            ...empty,
            state: 'connected',
            error: null,
            pools: pools.map((p) => ({ name: p.name, type: p.type, active: p.active, capacityBytes: p.capacityBytes, availableBytes: p.availableBytes, fileBased: p.fileBased })),
            networks,
            bridges,
            hasOriginal: vms.some((vm) => vm.uuid.toLowerCase() === point.vm.vmUuid),
          };
        } finally {
          await session.close().catch(() => undefined);
        }
      } catch (error) {
        return { ...empty, state: 'unreachable', error: errorOf(error) };
      }
    }),
  );
  return {
    pointId,
    clusterId: cluster.id,
    requiredBytes: point.disks.reduce((n, d) => n + d.capacityBytes, 0),
    interfaces: domainInterfaces(point.configXml),
    hosts,
  };
}

export async function restorePreflight(deps: RestoreJobDeps, options: RestoreOptions, signal: AbortSignal): Promise<RestorePlanView> {
  const { repository, point } = await loadPoint(deps, options.pointId);
  const { host, session } = await connectTargetHost(
    { driver: deps.driver, clusters: deps.clusters, logger: deps.logger },
    options.clusterId ?? point.vm.clusterId,
    options.hostId,
    signal,
  );
  try {
    const plan = await preflightRestore({ session, repository, hostLabel: host.label }, requestOf(point, options), { signal, logger: deps.logger });
    return {
      host: plan.host,
      name: plan.name,
      uuid: plan.uuid,
      replace: plan.replace,
      format: plan.format,
      pool: plan.pool.name,
      disks: plan.disks,
      requiredBytes: plan.requiredBytes,
      availableBytes: plan.pool.availableBytes,
      changes: plan.changes,
      warnings: plan.warnings,
    };
  } finally {
    await session.close().catch(() => undefined);
  }
}

/** Checks the restore (nothing queued when a check fails), then queues it as a job. */
export async function startRestoreJob(deps: RestoreJobDeps, options: RestoreOptions, signal: AbortSignal): Promise<{ jobId: string; finished: Promise<JobSummary> }> {
  const plan = await restorePreflight(deps, options, signal);
  const { point } = await loadPoint(deps, options.pointId);
  const clusterId = options.clusterId ?? point.vm.clusterId;
  return deps.runner.submit({
    kind: 'restore',
    title: `${point.vm.name} to ${plan.host}${plan.replace ? ' (replacing the original)' : ` as ${plan.name}`}`,
    subject: { kind: 'restore', vmName: point.vm.name, host: plan.host, asName: plan.replace ? null : plan.name },
    clusterId,
    trigger: 'user',
    items: [{ key: point.id, vm: { clusterId: point.vm.clusterId, vmUuid: point.vm.vmUuid }, name: plan.name, estimatedBytes: plan.requiredBytes }],
    hostOf: () => ({ id: options.hostId, label: plan.host }),
    runItem: async (_item, context) => {
      context.setHost(plan.host);
      const { repository, point: manifest } = await loadPoint(deps, options.pointId);
      const { host, session } = await connectTargetHost(
        { driver: deps.driver, clusters: deps.clusters, logger: context.logger },
        clusterId,
        options.hostId,
        context.signal,
      );
      try {
        const result = await restoreVm({ session, repository, hostLabel: host.label }, requestOf(manifest, options), {
          signal: context.signal,
          logger: context.logger,
          onProgress: (progress) => {
            context.setPhase(progress.phase);
            context.setDisks(progress.disks.map((d) => ({ target: d.target, bytesDone: d.bytesDone, bytesTotal: d.bytesTotal })));
          },
        });
        for (const change of result.changes) context.log('info', describeRestoreChange(change));
        for (const warning of result.warnings) context.log('warn', describeRestoreWarning(warning));
        if (result.startError) context.log('warn', `restored, but did not start: ${result.startError}`);
        for (const disk of result.keptOldDisks) context.log('warn', `the original's disk ${disk} was left in place; look at it by hand`);
        context.setRestoreResult({
          host: result.host,
          vmName: result.vm.name,
          vmUuid: result.vm.uuid,
          replaced: result.replaced,
          started: result.started,
          startError: result.startError,
          volumes: result.volumes.map((v) => `${v.pool}/${v.name}`),
          warnings: result.warnings,
        });
      } catch (error) {
        if (error instanceof RestoreError) {
          if (error.removed.length > 0) context.log('warn', `removed what the restore had created: ${error.removed.join(', ')}`);
          if (error.leftovers) {
            const left = [...error.leftovers.volumes.map((v) => `volume ${v.pool}/${v.name}`), ...(error.leftovers.vm ? [`VM ${error.leftovers.vm.name}`] : [])];
            context.log('error', `left on ${error.leftovers.host} for cleanup once it answers: ${left.join(', ') || 'the original definition to put back'}`);
          }
        }
        throw error;
      } finally {
        await session.close().catch(() => undefined);
        // The inventory shows the restored VM on its host at once.
        void deps.inventory.get(clusterId, { refresh: true }).catch(() => undefined);
      }
    },
  });
}
