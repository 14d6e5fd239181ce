// Jobs that look after the repository rather than a VM: retention (prune by policy, then GC), and verify.
import type { RetentionDecision, RetentionPolicy } from '../../../shared/model/retention.js';
import type { JobSummary } from '../../../shared/model/job.js';
import { planRetention } from '../retention/plan-retention.js';
import { collectGarbage, prunePoints, verifyRepository, type Repository } from '../repository/index.js';
import type { PointsIndex } from '../points/points-index.js';
import type { JobContext, JobRunner } from './job-runner.js';
import type { RepositoryAccess } from './repository-access.js';
import type { RetentionStore } from './retention-store.js';

export interface MaintenanceDeps {
  runner: JobRunner;
  repository: RepositoryAccess;
  points: PointsIndex;
  retention: RetentionStore;
  timeZone: string;
  onPointsChanged: (clusterId: string | null) => void;
}

/** What `policy` (or the stored policies) would do to the points now indexed, of a cluster or one VM. */
export function previewRetention(deps: MaintenanceDeps, clusterId: string, vmUuid: string | undefined, policy: RetentionPolicy): RetentionDecision[] {
  const listing = deps.points.list(deps.repository.requirePath(), { clusterId, ...(vmUuid ? { vmUuid } : {}) });
  // A cluster-level preview shows the new cluster policy where no VM override applies.
  const overrides = new Map(deps.retention.get(clusterId).vmPolicies.map((p) => [p.vmUuid, p.policy]));
  return planRetention(
    listing.points.map((p) => ({ id: p.id, createdAt: p.createdAt, vm: { clusterId: p.clusterId, vmUuid: p.vmUuid } })),
    (vm) => (vmUuid ? policy : (overrides.get(vm.vmUuid) ?? policy)),
    { timeZone: deps.timeZone },
  );
}

/**
 * Prunes the points the policies no longer keep (of the given cluster's VMs, or every VM), then, if anything
 * was pruned, collects the chunks no point references. Runs with the repository to itself.
 */
export async function applyRetention(
  deps: MaintenanceDeps,
  context: JobContext,
  scope: { clusterId: string; vmUuids: readonly string[] } | null,
  options: { collectAlways?: boolean } = {},
): Promise<void> {
  await deps.repository.withWriter('exclusive', context.signal, async (repository) => {
    // The manifests are the truth: plan from them, not from the index.
    const listing = await repository.points.list(scope ? { clusterId: scope.clusterId } : {});
    const inScope = listing.points.filter((p) => !scope || scope.vmUuids.includes(p.vm.vmUuid));
    const decisions = planRetention(
      inScope.map((p) => ({ id: p.id, createdAt: p.createdAt, vm: p.vm })),
      (vm) => deps.retention.policyFor(vm.clusterId, vm.vmUuid),
      { timeZone: deps.timeZone },
    );
    const doomed = decisions.filter((d) => !d.keep).map((d) => d.pointId);
    // prunes.log says which policy removed each point: one prune call per distinct policy.
    const byPolicy = new Map<string, string[]>();
    for (const decision of decisions) {
      if (decision.keep) continue;
      const point = inScope.find((p) => p.id === decision.pointId)!;
      const policy = deps.retention.policyFor(point.vm.clusterId, point.vm.vmUuid);
      const reason = `retention keepLast ${policy.keepLast}, keepDaily ${policy.keepDaily}, keepWeekly ${policy.keepWeekly}, keepMonthly ${policy.keepMonthly}`;
      byPolicy.set(reason, [...(byPolicy.get(reason) ?? []), decision.pointId]);
    }
    if (doomed.length === 0) {
      context.log('info', `Retention: all ${decisions.length} points are kept`);
      if (options.collectAlways) await collect(repository, context);
      return;
    }
    context.setPhase('pruning');
    for (const [reason, ids] of byPolicy) await prunePoints(repository, ids, { reason, logger: context.logger, signal: context.signal });
    deps.points.remove(repository.path, doomed);
    context.log('info', `Retention: pruned ${doomed.length} of ${decisions.length} points`);
    deps.onPointsChanged(scope?.clusterId ?? null);
    await collect(repository, context);
  });
}

async function collect(repository: Repository, context: JobContext): Promise<void> {
  context.setPhase('collecting_garbage');
  const gc = await collectGarbage(repository, {
    signal: context.signal,
    logger: context.logger,
    onProgress: (p) => context.setBytes(p.done, p.total),
  });
  context.log('info', `Garbage collection: ${gc.chunksRemoved} of ${gc.chunksTotal} chunks removed, ${gc.bytesFreed} bytes freed`);
}

export function startPruneJob(deps: MaintenanceDeps): { jobId: string; finished: Promise<JobSummary> } {
  deps.repository.requirePath();
  return deps.runner.submit({
    kind: 'prune',
    title: 'Prune and free space',
    subject: { kind: 'prune' },
    clusterId: null,
    trigger: 'user',
    items: [],
    run: async (context) => {
      await applyRetention(deps, context, null, { collectAlways: true });
    },
  });
}

export function startVerifyJob(deps: MaintenanceDeps): { jobId: string; finished: Promise<JobSummary> } {
  deps.repository.requirePath();
  return deps.runner.submit({
    kind: 'verify',
    title: 'Verify repository',
    subject: { kind: 'verify' },
    clusterId: null,
    trigger: 'user',
    items: [],
    run: async (context) => {
      const repository = await deps.repository.openReader();
      context.setPhase('verifying');
      const report = await verifyRepository(repository, {
        signal: context.signal,
        logger: context.logger,
        onProgress: (p) => context.setBytes(p.done, p.total),
      });
      for (const damaged of report.damagedManifests) context.log('error', `Damaged restore point manifest ${damaged.path}: ${damaged.problems.join('; ')}`);
      for (const bad of report.badChunks) {
        const points = bad.points.map((p) => `${p.vmName} point ${p.pointId.slice(0, 8)} disk ${p.target} at offset ${p.offset}`);
        context.log('error', `Chunk ${bad.chunkId} is ${bad.problem} (${bad.path}): ${bad.message}; affects ${points.join(', ')}`);
      }
      context.log(
        'info',
        `Checked ${report.chunksChecked} chunks (${report.bytesChecked} bytes) of ${report.pointsChecked} points: ` +
          `${report.badChunks.length} bad, ${report.damagedManifests.length} damaged manifests`,
      );
      if (report.badChunks.length > 0 || report.damagedManifests.length > 0) {
        return {
          state: 'failed',
          error: {
            code: 'verify_failed',
            message: `${report.badChunks.length} bad chunks and ${report.damagedManifests.length} damaged manifests: see the log for the points they affect`,
          },
        };
      }
      return {};
    },
  });
}
