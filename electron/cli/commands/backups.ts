// `lifeboat repo init|info`, `backup`, `points`, `export`: the backup engine for cron jobs and servers.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatBytes } from '../../../shared/format/bytes.js';
import { systemClock } from '../../engine/clock.js';
import type { Engine } from '../../engine/engine.js';
import type { Logger } from '../../engine/logging/logger.js';
import { Repository, RepositoryError, type PointSummary } from '../../engine/repository/index.js';
import { CliError, type Command, type CommandContext } from '../command.js';
import { openHeadlessRuntime } from '../runtime.js';

export const repoOption = { repo: { type: 'string' } } as const;
export const repoHelp = '--repo PATH     the repository (default: the one set up with `lifeboat repo init`)';

export async function withRuntime<T>(context: CommandContext, work: (engine: Engine, logger: Logger) => Promise<T>): Promise<T> {
  const { engine, logger } = openHeadlessRuntime(context.dataDir, { secretsPassphraseFile: context.secretsPassphraseFile });
  try {
    return await work(engine, logger);
  } catch (error) {
    if (error instanceof RepositoryError) throw new CliError(error.code, error.message);
    throw error;
  } finally {
    await engine.close();
  }
}

export function repositoryPath(context: CommandContext, engine: Engine): string {
  const given = context.values['repo'];
  if (typeof given === 'string' && given.trim() !== '') return resolve(given);
  const configured = engine.defaultRepositoryPath();
  if (!configured) throw new CliError('no_repository', 'no repository: set one up with `lifeboat repo init PATH`, or pass --repo PATH', 2);
  return configured;
}

function asList(value: unknown): string[] {
  return Array.isArray(value) ? (value as string[]) : typeof value === 'string' ? [value] : [];
}

export const repoCommand: Command = {
  name: 'repo',
  summary: 'Set up a backup repository (a local folder or a NAS share), or show one',
  usage: 'lifeboat repo init PATH | lifeboat repo info [--repo PATH] [--json]',
  options: repoOption,
  optionHelp: [repoHelp],
  run(context) {
    const [sub, path] = context.positionals;
    return withRuntime(context, async (engine, logger) => {
      if (sub === 'init') {
        if (!path) throw new CliError('invalid_argument', 'repo init needs a folder: lifeboat repo init PATH', 2);
        const repository = await Repository.init(resolve(path), { clock: systemClock, logger });
        await repository.close();
        engine.setDefaultRepositoryPath(repository.path);
        if (context.json) context.io.stdout(JSON.stringify({ path: repository.path, id: repository.config.id }));
        else context.io.stdout(`Repository ready at ${repository.path}; it is now the default for backups.`);
        return 0;
      }
      if (sub === 'info') {
        const repository = await Repository.open(repositoryPath(context, engine), { clock: systemClock, logger });
        try {
          const { points, damaged } = await repository.points.list();
          const info = { path: repository.path, ...repository.config, points: points.length, damagedManifests: damaged.map((d) => d.message) };
          if (context.json) context.io.stdout(JSON.stringify(info));
          else context.io.stdout(`Repository ${info.path}\n  id ${info.id}, format version ${info.version}, chunks of ${formatBytes(info.chunkSize)}\n  ${points.length} restore points${damaged.length ? `, ${damaged.length} damaged manifests` : ''}`);
          return 0;
        } finally {
          await repository.close();
        }
      }
      throw new CliError('invalid_argument', `unknown repo subcommand "${sub ?? ''}": use init or info`, 2);
    });
  },
};

export const backupCommand: Command = {
  name: 'backup',
  summary: 'Back up the VMs of a cluster (all of them, or the ones named), wherever each runs now',
  usage: 'lifeboat backup --cluster NAME [--vm NAME|UUID ...] [--repo PATH] [--json]',
  options: { ...repoOption, cluster: { type: 'string' }, vm: { type: 'string', multiple: true } },
  optionHelp: ['--cluster NAME  the cluster', '--vm NAME|UUID  a VM to back up (repeatable; default: every VM of the cluster)', repoHelp],
  run(context) {
    const clusterName = context.values['cluster'];
    if (typeof clusterName !== 'string') throw new CliError('invalid_argument', 'backup needs --cluster NAME', 2);
    return withRuntime(context, async (engine, logger) => {
      const cluster = engine.clusters.findByName(clusterName);
      if (!cluster) throw new CliError('not_found', `no cluster named "${clusterName}"`);
      const inventory = await engine.inventory.get(cluster.id);
      const wanted = asList(context.values['vm']);
      const vms = wanted.length === 0 ? inventory.vms : wanted.map((w) => {
        const vm = inventory.vms.find((v) => v.name === w || v.ref.vmUuid === w.toLowerCase());
        if (!vm) throw new CliError('not_found', `no VM "${w}" in cluster ${cluster.name}`);
        return vm;
      });
      const repository = await Repository.open(repositoryPath(context, engine), { clock: systemClock, logger, writer: true });
      const results: { vm: string; ok: boolean; point?: string; type?: string; fullReason?: string; chunksNew?: number; bytesRead?: number; error?: string }[] = [];
      try {
        for (const vm of vms) {
          try {
            const { manifest } = await engine.backupVm(repository, vm.ref);
            results.push({ vm: vm.name, ok: true, point: manifest.id, type: manifest.type, ...(manifest.fullReason ? { fullReason: manifest.fullReason } : {}), chunksNew: manifest.stats.chunksNew, bytesRead: manifest.stats.bytesRead });
            if (!context.json) {
              context.io.stdout(`${vm.name}: ${manifest.type} restore point ${manifest.id} (read ${formatBytes(manifest.stats.bytesRead)}, ${manifest.stats.chunksNew} new chunks)${manifest.fullReason ? `; full because ${manifest.fullReason}` : ''}`);
            }
          } catch (error) {
            // One VM failing does not stop the others; the exit code says some failed.
            const message = error instanceof Error ? error.message : String(error);
            results.push({ vm: vm.name, ok: false, error: message });
            if (!context.json) context.io.stderr(`${vm.name}: backup failed: ${message}`);
          }
        }
      } finally {
        await repository.close();
      }
      if (context.json) context.io.stdout(JSON.stringify(results));
      return results.every((r) => r.ok) ? 0 : 1;
    });
  },
};

function printPoint(context: CommandContext, point: PointSummary): void {
  const disks = point.disks.map((d) => `${d.target} ${formatBytes(d.capacityBytes)}`).join(', ');
  context.io.stdout(
    `${point.id}  ${point.createdAt}  ${point.vm.name.padEnd(12)} ${point.type.padEnd(11)} from ${point.sourceHost.label}  ${disks}  +${formatBytes(point.stats.bytesStored)}${point.fullReason ? `  (full: ${point.fullReason})` : ''}`,
  );
}

export const pointsCommand: Command = {
  name: 'points',
  summary: 'List restore points, oldest first (by VM identity, whatever host the VM was on)',
  usage: 'lifeboat points [--vm NAME|UUID ...] [--repo PATH] [--json]',
  options: { ...repoOption, vm: { type: 'string', multiple: true } },
  optionHelp: ['--vm NAME|UUID  only this VM (repeatable)', repoHelp],
  run(context) {
    return withRuntime(context, async (engine, logger) => {
      const repository = await Repository.open(repositoryPath(context, engine), { clock: systemClock, logger });
      try {
        const { points, damaged } = await repository.points.list();
        const wanted = asList(context.values['vm']).map((w) => w.toLowerCase());
        const shown = wanted.length === 0 ? points : points.filter((p) => wanted.includes(p.vm.name.toLowerCase()) || wanted.includes(p.vm.vmUuid));
        if (context.json) context.io.stdout(JSON.stringify(shown));
        else if (shown.length === 0) context.io.stdout('No restore points.');
        else shown.forEach((point) => printPoint(context, point));
        for (const problem of damaged) context.io.stderr(`warning: ${problem.message}`);
        return 0;
      } finally {
        await repository.close();
      }
    });
  },
};

export const exportCommand: Command = {
  name: 'export',
  summary: "Rebuild a disk image from a restore point, checking every chunk's hash",
  usage: 'lifeboat export POINT --disk TARGET --out FILE [--repo PATH] [--json]',
  options: { ...repoOption, disk: { type: 'string' }, out: { type: 'string' }, format: { type: 'string' } },
  optionHelp: [
    '--disk TARGET   the disk (vda, vdb ...)',
    '--out FILE      the image to write',
    '--format F      raw (default; sparse) or qcow2 (converted with qemu-img, which must be installed)',
    repoHelp,
  ],
  run(context) {
    const [pointArg] = context.positionals;
    const disk = context.values['disk'];
    const out = context.values['out'];
    if (!pointArg || typeof disk !== 'string' || typeof out !== 'string') {
      throw new CliError('invalid_argument', `export needs a point id, --disk and --out: ${this.usage}`, 2);
    }
    const format = context.values['format'] ?? 'raw';
    if (format !== 'raw' && format !== 'qcow2') throw new CliError('invalid_argument', '--format must be raw or qcow2', 2);
    return withRuntime(context, async (engine, logger) => {
      const repository = await Repository.open(repositoryPath(context, engine), { clock: systemClock, logger });
      try {
        const { points } = await repository.points.list();
        const matches = points.filter((p) => p.id === pointArg || p.id.startsWith(pointArg));
        if (matches.length !== 1) throw new CliError('not_found', matches.length === 0 ? `no restore point ${pointArg}` : `${pointArg} matches ${matches.length} points; give more of the id`);
        const manifest = await repository.points.read(matches[0]!.id);
        const target = resolve(out);
        // qcow2: the verified raw image first (sparse), then qemu-img converts it; the raw file never stays behind.
        const raw = format === 'raw' ? target : `${target}.lifeboat-raw`;
        const result = await repository.exportDisk(manifest, disk, raw, { format: 'raw' });
        if (format === 'qcow2') {
          try {
            const converted = spawnSync('qemu-img', ['convert', '-f', 'raw', '-O', 'qcow2', raw, target], { encoding: 'utf8' });
            if (converted.error || converted.status !== 0) {
              const detail = converted.error ? 'qemu-img is not installed (Debian/Ubuntu: apt install qemu-utils)' : converted.stderr.trim();
              throw new CliError('export_failed', `could not write ${target} as qcow2: ${detail}`);
            }
          } finally {
            rmSync(raw, { force: true });
          }
        }
        const written = { ...result, path: target, format };
        if (context.json) context.io.stdout(JSON.stringify(written));
        else context.io.stdout(`Wrote ${target} (${format}): ${formatBytes(result.capacityBytes)} disk, ${formatBytes(result.bytesWritten)} of data, every chunk verified.`);
        return 0;
      } finally {
        await repository.close();
      }
    });
  },
};
