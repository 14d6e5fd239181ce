// Each VM's newest backup attempt as the jobs recorded it: succeeded (with its point) or failed (with why). Read
// from the last snapshots of recent ended backup jobs. An ended job never changes again, so each one's snapshot
// is parsed once and its VM outcomes kept in memory; a dashboard request only parses jobs that ended since.
import { FINAL_JOB_STATES, jobProgressSchema, type JobError } from '../../../shared/model/job.js';
import type { Catalog } from '../catalog/catalog.js';

export interface VmBackupOutcome {
  clusterId: string;
  /** Lowercase, as the repository and the point index keep it. */
  vmUuid: string;
  at: string;
  result: 'succeeded' | 'failed';
  jobId: string;
  pointId: string | null;
  error: JobError | null;
}

/** How many of the newest ended backup jobs are looked at: older attempts are superseded by the points. */
export const BACKUP_JOBS_CONSIDERED = 200;

export function vmKey(clusterId: string, vmUuid: string): string {
  return `${clusterId}/${vmUuid.toLowerCase()}`;
}

export class BackupOutcomes {
  readonly #catalog: Catalog;
  readonly #byJob = new Map<string, VmBackupOutcome[]>();

  constructor(catalog: Catalog) {
    this.#catalog = catalog;
  }

  /** The newest succeeded or failed attempt per VM (key: vmKey), over the newest ended backup jobs. */
  latestByVm(): Map<string, VmBackupOutcome> {
    const finals = FINAL_JOB_STATES.map((state) => `'${state}'`).join(', ');
    const rows = this.#catalog.db
      .prepare(`SELECT id, finished_at AS finishedAt FROM jobs WHERE kind = 'backup' AND state IN (${finals}) ORDER BY created_at DESC, rowid DESC LIMIT ?`)
      .all(BACKUP_JOBS_CONSIDERED) as { id: string; finishedAt: string | null }[];
    const progressOf = this.#catalog.db.prepare('SELECT progress FROM jobs WHERE id = ?');
    const wanted = new Set(rows.map((row) => row.id));
    for (const id of this.#byJob.keys()) if (!wanted.has(id)) this.#byJob.delete(id);

    const latest = new Map<string, VmBackupOutcome>();
    for (const row of rows) {
      let outcomes = this.#byJob.get(row.id);
      if (!outcomes) {
        const stored = progressOf.get(row.id) as { progress: string | null } | undefined;
        outcomes = outcomesOf(row.id, row.finishedAt, stored?.progress ?? null);
        this.#byJob.set(row.id, outcomes);
      }
      for (const outcome of outcomes) {
        const key = vmKey(outcome.clusterId, outcome.vmUuid);
        const known = latest.get(key);
        if (!known || Date.parse(outcome.at) > Date.parse(known.at)) latest.set(key, outcome);
      }
    }
    return latest;
  }
}

function outcomesOf(jobId: string, jobFinishedAt: string | null, progress: string | null): VmBackupOutcome[] {
  if (progress === null) return [];
  let parsed;
  try {
    parsed = jobProgressSchema.safeParse(JSON.parse(progress));
  } catch {
    return [];
  }
  if (!parsed.success) return [];
  const outcomes: VmBackupOutcome[] = [];
  for (const item of parsed.data.items) {
    // Skipped (another job had the VM) and cancelled items say nothing about the VM's backups.
    if (item.vm === null || (item.state !== 'succeeded' && item.state !== 'failed')) continue;
    const at = item.finishedAt ?? jobFinishedAt;
    if (at === null) continue;
    outcomes.push({
      clusterId: item.vm.clusterId,
      vmUuid: item.vm.vmUuid.toLowerCase(),
      at,
      result: item.state,
      jobId,
      pointId: item.state === 'succeeded' ? (item.result?.pointId ?? null) : null,
      error: item.state === 'failed' ? (item.error ?? { code: 'failed', message: 'The backup of this VM failed (no reason was recorded).' }) : null,
    });
  }
  return outcomes;
}
