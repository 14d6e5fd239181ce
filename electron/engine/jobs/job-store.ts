// Jobs in the catalog: one row per job with its last progress snapshot (per VM and per disk results), and its
// log lines. Written when a job is created, when it starts, as items end, and when it ends; a job the catalog
// still shows as queued or running when the engine starts was cut short by a crash or a kill, and says so.
// A job's subject has its own column (the list reads no snapshots); the column is what a read trusts, for the
// summary and the snapshot alike.
import {
  jobProgressSchema,
  jobSubjectSchema,
  type JobDetail,
  type JobLogLine,
  type JobProgress,
  type JobSubject,
  type JobSummary,
} from '../../../shared/model/job.js';
import { IpcError } from '../../../shared/ipc/errors.js';
import type { Catalog } from '../catalog/catalog.js';

interface JobRow {
  id: string;
  kind: JobSummary['kind'];
  state: JobSummary['state'];
  title: string;
  /** JSON of a JobSubject, or null for a job stored before subjects existed. */
  subject: string | null;
  clusterId: string | null;
  trigger: JobSummary['trigger'];
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  itemCount: number;
  itemsSucceeded: number;
  itemsFailed: number;
  bytesDone: number;
  progress: string | null;
}

const SELECT_JOB = `SELECT id, kind, state, title, subject, cluster_id AS clusterId, trigger, created_at AS createdAt,
  started_at AS startedAt, finished_at AS finishedAt, item_count AS itemCount, items_succeeded AS itemsSucceeded,
  items_failed AS itemsFailed, bytes_done AS bytesDone, progress FROM jobs`;

/** JSON text as a value, or undefined when it is not JSON. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A stored subject, or null when there is none or it is not one this version can read (the title is shown). */
function subjectOf(row: JobRow): JobSubject | null {
  if (row.subject === null) return null;
  const parsed = jobSubjectSchema.safeParse(parseJson(row.subject));
  return parsed.success ? parsed.data : null;
}

function summaryOf(row: JobRow): JobSummary {
  const { progress: _progress, ...summary } = row;
  return { ...summary, subject: subjectOf(row) };
}

export function summarizeProgress(progress: JobProgress, createdAt: string, trigger: JobSummary['trigger'], finishedAt: string | null): JobSummary {
  return {
    id: progress.jobId,
    kind: progress.kind,
    state: progress.state,
    title: progress.title,
    subject: progress.subject,
    clusterId: progress.clusterId,
    trigger,
    createdAt,
    startedAt: progress.startedAt,
    finishedAt,
    itemCount: progress.items.length,
    itemsSucceeded: progress.items.filter((i) => i.state === 'succeeded').length,
    itemsFailed: progress.items.filter((i) => i.state === 'failed').length,
    bytesDone: progress.bytesDone,
  };
}

export class JobStore {
  readonly #catalog: Catalog;

  constructor(catalog: Catalog) {
    this.#catalog = catalog;
  }

  /** Inserts a new job or updates it with its latest summary and snapshot. */
  save(summary: JobSummary, progress: JobProgress): void {
    this.#catalog.db
      .prepare(
        `INSERT INTO jobs (id, kind, state, title, subject, cluster_id, trigger, created_at, started_at, finished_at,
                           item_count, items_succeeded, items_failed, bytes_done, progress)
         VALUES (@id, @kind, @state, @title, @subject, @clusterId, @trigger, @createdAt, @startedAt, @finishedAt,
                 @itemCount, @itemsSucceeded, @itemsFailed, @bytesDone, @progress)
         ON CONFLICT(id) DO UPDATE SET state = excluded.state, started_at = excluded.started_at,
           finished_at = excluded.finished_at, item_count = excluded.item_count,
           items_succeeded = excluded.items_succeeded, items_failed = excluded.items_failed,
           bytes_done = excluded.bytes_done, progress = excluded.progress`,
      )
      .run({ ...summary, subject: summary.subject === null ? null : JSON.stringify(summary.subject), progress: JSON.stringify(progress) });
  }

  appendLog(jobId: string, line: JobLogLine): void {
    this.#catalog.db
      .prepare('INSERT INTO job_log (job_id, seq, at, level, message, item_key) VALUES (?, ?, ?, ?, ?, ?)')
      .run(jobId, line.seq, line.at, line.level, line.message, line.itemKey);
  }

  list(limit: number): JobSummary[] {
    return (this.#catalog.db.prepare(`${SELECT_JOB} ORDER BY created_at DESC, rowid DESC LIMIT ?`).all(limit) as JobRow[]).map(summaryOf);
  }

  get(id: string): JobDetail {
    const row = this.#catalog.db.prepare(`${SELECT_JOB} WHERE id = ?`).get(id) as JobRow | undefined;
    if (!row) throw new IpcError('not_found', `No job with id ${id}`);
    const log = this.#catalog.db
      .prepare('SELECT seq, at, level, message, item_key AS itemKey FROM job_log WHERE job_id = ? ORDER BY seq')
      .all(id) as JobLogLine[];
    const summary = summaryOf(row);
    const stored = row.progress === null ? undefined : parseJson(row.progress);
    // The snapshot's subject is the column's: a snapshot stored before subjects existed has none.
    const parsed = typeof stored === 'object' && stored !== null ? jobProgressSchema.safeParse({ ...stored, subject: summary.subject }) : null;
    const progress: JobProgress = parsed?.success
      ? parsed.data
      : {
          jobId: row.id,
          seq: 0,
          kind: row.kind,
          state: row.state,
          title: row.title,
          subject: summary.subject,
          clusterId: row.clusterId,
          startedAt: row.startedAt,
          updatedAt: row.finishedAt ?? row.createdAt,
          phase: null,
          bytesDone: row.bytesDone,
          bytesTotal: row.bytesDone,
          throughputBps: 0,
          etaSeconds: null,
          throughputHistory: [],
          items: [],
          error: null,
        };
    return { summary, progress, log };
  }

  /**
   * Marks the jobs a previous run left queued or running as failed: their process is gone. Returns their ids.
   * Their items that had not ended become failed too, with the same reason.
   */
  failInterrupted(now: string, reason: string): string[] {
    const rows = this.#catalog.db.prepare(`${SELECT_JOB} WHERE state IN ('queued', 'running')`).all() as JobRow[];
    for (const row of rows) {
      const detail = this.get(row.id);
      const progress: JobProgress = {
        ...detail.progress,
        state: 'failed',
        updatedAt: now,
        throughputBps: 0,
        etaSeconds: null,
        error: { code: 'interrupted', message: reason },
        items: detail.progress.items.map((item) =>
          item.state === 'queued' || item.state === 'running'
            ? { ...item, state: 'failed', throughputBps: 0, etaSeconds: null, finishedAt: now, error: { code: 'interrupted', message: reason } }
            : item,
        ),
      };
      this.save(summarizeProgress(progress, row.createdAt, row.trigger, now), progress);
      const seq = ((this.#catalog.db.prepare('SELECT max(seq) AS n FROM job_log WHERE job_id = ?').get(row.id) as { n: number | null }).n ?? -1) + 1;
      this.appendLog(row.id, { seq, at: now, level: 'error', message: reason, itemKey: null });
    }
    return rows.map((r) => r.id);
  }
}
