// `lifeboat run-scheduled` (for cron on a headless box) and `lifeboat verify`.
import { formatBytes } from '../../../shared/format/bytes.js';
import type { JobSummary } from '../../../shared/model/job.js';
import { systemClock } from '../../engine/clock.js';
import { Repository, verifyRepository } from '../../engine/repository/index.js';
import { CliError, type Command } from '../command.js';
import { repoHelp, repoOption, repositoryPath, withRuntime } from './backups.js';

export const runScheduledCommand: Command = {
  name: 'run-scheduled',
  summary: 'Run the backups whose schedule is due (missed ones once), wait for them, and exit: for cron',
  usage: 'lifeboat run-scheduled [--json]',
  options: {},
  optionHelp: [],
  run(context) {
    return withRuntime(context, async (engine) => {
      const started = await engine.runDueSchedules();
      const ended = (await Promise.all(started.map((job) => job.finished))) as JobSummary[];
      if (context.json) context.io.stdout(JSON.stringify(ended));
      else if (ended.length === 0) context.io.stdout('No schedule is due.');
      else for (const job of ended) context.io.stdout(`${job.title}: ${job.state} (${job.itemsSucceeded} of ${job.itemCount} VMs backed up)`);
      return ended.every((job) => job.state === 'succeeded') ? 0 : 1;
    });
  },
};

export const verifyCommand: Command = {
  name: 'verify',
  summary: "Re-read every chunk the repository's restore points reference and check its hash",
  usage: 'lifeboat verify [--repo PATH] [--json]',
  options: repoOption,
  optionHelp: [repoHelp],
  run(context) {
    return withRuntime(context, async (engine, logger) => {
      const repository = await Repository.open(repositoryPath(context, engine), { clock: systemClock, logger });
      const report = await verifyRepository(repository, { logger });
      if (context.json) context.io.stdout(JSON.stringify(report));
      else {
        for (const damaged of report.damagedManifests) context.io.stderr(`damaged manifest ${damaged.path}: ${damaged.problems.join('; ')}`);
        for (const bad of report.badChunks) {
          const where = bad.points.map((p) => `${p.vmName} point ${p.pointId} disk ${p.target} offset ${p.offset}`).join(', ');
          context.io.stderr(`chunk ${bad.chunkId} ${bad.problem} (${bad.path}): ${bad.message}; affects ${where}`);
        }
        context.io.stdout(
          `Checked ${report.chunksChecked} chunks (${formatBytes(report.bytesChecked)}) of ${report.pointsChecked} restore points: ` +
            (report.badChunks.length === 0 && report.damagedManifests.length === 0
              ? 'all good.'
              : `${report.badChunks.length} bad chunks, ${report.damagedManifests.length} damaged manifests.`),
        );
      }
      if (report.badChunks.length > 0 || report.damagedManifests.length > 0) throw new CliError('verify_failed', 'the repository has damage (listed above)');
      return 0;
    });
  },
};
