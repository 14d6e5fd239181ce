// `lifeboat restore POINT --host HOST`: a VM from a restore point onto a host of a cluster, as a copy beside the
// original or replacing a shut-off original. The engine checks everything before writing (restore/restore-vm.ts).
import { formatBytes } from '../../../shared/format/bytes.js';
import { systemClock } from '../../engine/clock.js';
import { createLibvirtDriver } from '../../engine/hypervisors/libvirt/libvirt-driver.js';
import { HypervisorError, type VolumeFormat } from '../../engine/hypervisors/driver.js';
import { describeRestoreChange } from '../../engine/hypervisors/libvirt/restore-change.js';
import { describeRestoreWarning } from '../../engine/hypervisors/libvirt/restore-warning.js';
import { Repository, type Manifest } from '../../engine/repository/index.js';
import { RestoreError, restoreVm, type RestoreProgress } from '../../engine/restore/restore-vm.js';
import { connectTargetHost } from '../../engine/restore/target-host.js';
import { CliError, type Command } from '../command.js';
import { repoHelp, repoOption, repositoryPath, withRuntime } from './backups.js';

/** `--network FROM=TO` (TO empty: leave those interfaces out). */
export function parseNetworkMap(values: readonly string[]): Record<string, string | null> {
  const map: Record<string, string | null> = {};
  for (const value of values) {
    const at = value.indexOf('=');
    if (at <= 0) throw new CliError('invalid_argument', `--network takes FROM=TO (or FROM= to leave those interfaces out), got "${value}"`, 2);
    const to = value.slice(at + 1).trim();
    map[value.slice(0, at).trim()] = to === '' ? null : to;
  }
  return map;
}

/** The point whose id is `given` or starts with it. */
async function findPoint(repository: Repository, given: string): Promise<Manifest> {
  const { points } = await repository.points.list();
  const matches = points.filter((p) => p.id === given || p.id.startsWith(given));
  if (matches.length !== 1) throw new CliError('not_found', matches.length === 0 ? `no restore point ${given}` : `${given} matches ${matches.length} points; give more of the id`);
  return repository.points.read(matches[0]!.id);
}

function describeProgress(progress: RestoreProgress): string {
  const disks = progress.disks.map((d) => `${d.target} ${Math.floor((100 * d.bytesDone) / Math.max(1, d.bytesTotal))}%`).join(', ');
  return `${progress.phase}${disks ? ` (${disks})` : ''}`;
}

export const restoreCommand: Command = {
  name: 'restore',
  summary: 'Restore a VM from a restore point to a host of a cluster, as a copy or replacing the shut-off original',
  usage:
    'lifeboat restore POINT --host HOST [--cluster NAME] [--pool P] [--name N] [--replace] [--start] [--format qcow2|raw] ' +
    '[--network FROM=TO ...] [--repo PATH] [--json]',
  options: {
    ...repoOption,
    host: { type: 'string' },
    cluster: { type: 'string' },
    pool: { type: 'string' },
    name: { type: 'string' },
    replace: { type: 'boolean' },
    start: { type: 'boolean' },
    format: { type: 'string' },
    network: { type: 'string', multiple: true },
  },
  optionHelp: [
    '--host HOST       the host to restore to (its label in the cluster)',
    "--cluster NAME    the cluster of that host (default: the point's cluster)",
    '--pool P          the storage pool for the disks (default: "default")',
    '--name N          name of the restored copy (default: <name>-restored)',
    '--replace         replace the original VM on that host (it must be shut off); keeps its name and identity',
    '--start           start the VM once restored',
    "--format F        qcow2 or raw volumes (default: the disks' format when the pool can hold it, else raw)",
    '--network FROM=TO put interfaces that were on network/bridge FROM on TO of the host (FROM= leaves them out)',
    repoHelp,
  ],
  run(context) {
    const [pointArg] = context.positionals;
    const hostArg = context.values['host'];
    if (!pointArg || typeof hostArg !== 'string') throw new CliError('invalid_argument', `restore needs a point id and --host: ${this.usage}`, 2);
    const formatArg = context.values['format'];
    if (formatArg !== undefined && formatArg !== 'qcow2' && formatArg !== 'raw') throw new CliError('invalid_argument', '--format must be qcow2 or raw', 2);
    const networkMap = parseNetworkMap((context.values['network'] as string[] | undefined) ?? []);
    const nameArg = context.values['name'];
    return withRuntime(context, async (engine, logger) => {
      const repository = await Repository.open(repositoryPath(context, engine), { clock: systemClock, logger });
      const controller = new AbortController();
      void context.stopRequested.then(() => controller.abort(new Error('stopped by the user')));
      try {
        const point = await findPoint(repository, pointArg);
        const clusterName = context.values['cluster'];
        const cluster = typeof clusterName === 'string' ? engine.clusters.findByName(clusterName) : engine.clusters.list().find((c) => c.id === point.vm.clusterId);
        if (!cluster) {
          throw new CliError(
            'not_found',
            typeof clusterName === 'string' ? `no cluster named "${clusterName}"` : `the point's cluster (${point.vm.clusterName ?? point.vm.clusterId}) is not in the catalog: name one with --cluster`,
          );
        }
        const { host, session } = await connectTargetHost({ driver: createLibvirtDriver(), clusters: engine.clusters, logger }, cluster.id, hostArg, controller.signal).catch(
          (error: unknown) => {
            if (error instanceof HypervisorError) throw new CliError(error.code, error.message);
            throw error;
          },
        );
        try {
          const poolName = typeof context.values['pool'] === 'string' ? context.values['pool'] : 'default';
          let format: VolumeFormat;
          if (formatArg === 'qcow2' || formatArg === 'raw') format = formatArg;
          else {
            const pool = (await session.listStoragePools(controller.signal)).find((p) => p.name === poolName);
            const wanted = point.disks[0]?.format === 'raw' ? 'raw' : 'qcow2';
            format = wanted === 'qcow2' && pool && !pool.fileBased ? 'raw' : wanted;
          }
          let lastPhase = '';
          let lastLine = 0;
          const result = await restoreVm(
            { session, repository, hostLabel: host.label },
            {
              point,
              targetPool: poolName,
              ...(typeof nameArg === 'string' ? { name: nameArg } : {}),
              replace: context.values['replace'] === true,
              networkMap,
              start: context.values['start'] === true,
              format,
            },
            {
              signal: controller.signal,
              logger,
              onProgress: (progress) => {
                // A line per phase, and every 2 s while uploading.
                if (context.json || (progress.phase === lastPhase && Date.now() - lastLine < 2000)) return;
                lastPhase = progress.phase;
                lastLine = Date.now();
                context.io.stderr(describeProgress(progress));
              },
            },
          );
          if (context.json) {
            context.io.stdout(JSON.stringify({ point: point.id, cluster: cluster.name, ...result }));
          } else {
            const disks = result.volumes.map((v) => `${v.target} → ${v.pool}/${v.name} (${v.format})`).join(', ');
            const size = formatBytes(point.disks.reduce((n, d) => n + d.capacityBytes, 0));
            context.io.stdout(
              `${result.replaced ? 'Replaced' : 'Restored'} ${point.vm.name} as ${result.vm.name} on ${result.host} (${size}; ${disks})` +
                `${result.started ? ', started' : ''}.`,
            );
            for (const change of result.changes) context.io.stdout(`  changed: ${describeRestoreChange(change)}`);
            for (const warning of result.warnings) context.io.stdout(`  warning: ${describeRestoreWarning(warning)}`);
            if (result.removedOldDisks.length > 0) context.io.stdout(`  removed the original's old disks: ${result.removedOldDisks.join(', ')}`);
          }
          return result.startError ? 1 : 0;
        } finally {
          await session.close().catch(() => undefined);
        }
      } catch (error) {
        if (error instanceof RestoreError) throw new CliError(error.code, error.message);
        if (error instanceof HypervisorError) throw new CliError(error.code, error.message);
        throw error;
      } finally {
        await repository.close();
      }
    });
  },
};
