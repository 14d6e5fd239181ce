// Backup schedules, one per cluster, in the machine's local time. The scheduler asks, every tick and at start,
// whether a scheduled time has passed since the schedule last ran (or was set): if so, it starts the cluster's
// backup once. So a run missed while the app was closed happens once at the next start, not once per missed day.
import type { ClusterSchedule, Schedule } from '../../../shared/model/schedule.js';
import { scheduleSchema } from '../../../shared/model/schedule.js';
import type { Catalog } from '../catalog/catalog.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logging/logger.js';

/** How far back a missed run is still made up for at start: older ones are superseded by the next. */
const SEARCH_DAYS = 8;

function timeParts(time: string): [number, number] {
  const [h, m] = time.split(':').map(Number);
  return [h!, m!];
}

/** The scheduled times of `schedule` on the local calendar day of `day`, as Dates (zero or one). */
function occurrenceOn(schedule: Schedule, day: Date): Date | null {
  if (schedule.kind === 'weekly' && !schedule.days.includes(day.getDay())) return null;
  const [h, m] = timeParts(schedule.time);
  return new Date(day.getFullYear(), day.getMonth(), day.getDate(), h, m, 0, 0);
}

/** The first scheduled time strictly after `after`. */
export function nextRun(schedule: Schedule, after: Date): Date {
  for (let i = 0; i <= SEARCH_DAYS; i += 1) {
    const day = new Date(after.getFullYear(), after.getMonth(), after.getDate() + i);
    const at = occurrenceOn(schedule, day);
    if (at && at.getTime() > after.getTime()) return at;
  }
  throw new Error('a schedule has at least one time a week');
}

/** The latest scheduled time in (since, now], or null. */
export function latestDue(schedule: Schedule, since: Date, now: Date): Date | null {
  for (let i = 0; i <= SEARCH_DAYS; i += 1) {
    const day = new Date(now.getFullYear(), now.getMonth(), now.getDate() - i);
    const at = occurrenceOn(schedule, day);
    if (at && at.getTime() <= now.getTime()) return at.getTime() > since.getTime() ? at : null;
  }
  return null;
}

interface ScheduleRow {
  clusterId: string;
  schedule: string;
  createdAt: string;
  lastRunAt: string | null;
}

export class ScheduleStore {
  readonly #catalog: Catalog;
  readonly #clock: Clock;

  constructor(catalog: Catalog, clock: Clock) {
    this.#catalog = catalog;
    this.#clock = clock;
  }

  get(clusterId: string): ClusterSchedule {
    const row = this.#row(clusterId);
    if (!row) return { clusterId, schedule: null, lastRunAt: null, nextRunAt: null };
    const schedule = scheduleSchema.parse(JSON.parse(row.schedule));
    return { clusterId, schedule, lastRunAt: row.lastRunAt, nextRunAt: nextRun(schedule, this.#clock.now()).toISOString() };
  }

  set(clusterId: string, schedule: Schedule | null): ClusterSchedule {
    if (schedule === null) {
      this.#catalog.db.prepare('DELETE FROM schedules WHERE cluster_id = ?').run(clusterId);
    } else {
      // A changed schedule counts from now: it does not fire at once for a time earlier today.
      this.#catalog.db
        .prepare(
          `INSERT INTO schedules (cluster_id, schedule, created_at, last_run_at) VALUES (?, ?, ?, NULL)
           ON CONFLICT(cluster_id) DO UPDATE SET schedule = excluded.schedule, created_at = excluded.created_at`,
        )
        .run(clusterId, JSON.stringify(schedule), this.#clock.now().toISOString());
    }
    return this.get(clusterId);
  }

  /** Clusters whose schedule has a time in (last run or set, now]. */
  due(): { clusterId: string; dueAt: Date }[] {
    const now = this.#clock.now();
    const rows = this.#catalog.db
      .prepare('SELECT cluster_id AS clusterId, schedule, created_at AS createdAt, last_run_at AS lastRunAt FROM schedules')
      .all() as ScheduleRow[];
    const due: { clusterId: string; dueAt: Date }[] = [];
    for (const row of rows) {
      const parsed = scheduleSchema.safeParse(JSON.parse(row.schedule));
      if (!parsed.success) continue;
      const since = new Date(Math.max(Date.parse(row.createdAt), row.lastRunAt ? Date.parse(row.lastRunAt) : 0));
      const at = latestDue(parsed.data, since, now);
      if (at) due.push({ clusterId: row.clusterId, dueAt: at });
    }
    return due;
  }

  markRun(clusterId: string, at: Date): void {
    this.#catalog.db.prepare('UPDATE schedules SET last_run_at = ? WHERE cluster_id = ?').run(at.toISOString(), clusterId);
  }

  #row(clusterId: string): ScheduleRow | undefined {
    return this.#catalog.db
      .prepare('SELECT cluster_id AS clusterId, schedule, created_at AS createdAt, last_run_at AS lastRunAt FROM schedules WHERE cluster_id = ?')
      .get(clusterId) as ScheduleRow | undefined;
  }
}

export interface SchedulerDeps {
  store: ScheduleStore;
  clock: Clock;
  logger: Logger;
  /** Starts a scheduled backup of the cluster; resolves with the job id once it is queued. */
  startBackup: (clusterId: string) => Promise<{ jobId: string; finished: Promise<unknown> }>;
}

/**
 * Starts every due schedule's backup once; records the run before starting, so a crash cannot make it run
 * twice. Returns the jobs started (with a promise each for their end).
 */
export async function runDueSchedules(deps: SchedulerDeps): Promise<{ clusterId: string; jobId: string; finished: Promise<unknown> }[]> {
  const started: { clusterId: string; jobId: string; finished: Promise<unknown> }[] = [];
  for (const { clusterId, dueAt } of deps.store.due()) {
    deps.store.markRun(clusterId, deps.clock.now());
    try {
      const job = await deps.startBackup(clusterId);
      deps.logger.info('scheduled backup started', { clusterId, dueAt: dueAt.toISOString(), job: job.jobId });
      started.push({ clusterId, ...job });
    } catch (error) {
      deps.logger.error('scheduled backup could not start', { clusterId, dueAt: dueAt.toISOString(), error });
    }
  }
  return started;
}

/** Checks the schedules every `intervalMs` while the engine runs (and once at once). */
export function startScheduler(deps: SchedulerDeps, intervalMs = 30_000): () => void {
  let running = false;
  const tick = (): void => {
    if (running) return;
    running = true;
    void runDueSchedules(deps).finally(() => {
      running = false;
    });
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  setTimeout(tick, 0).unref();
  return () => clearInterval(timer);
}
