// Jobs in the catalog across the migration that gave them a subject: rows stored before it read with no subject
// (and their snapshots whole), rows stored after it with theirs, and a subject this version cannot read as none.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { jobProgressSchema, type JobProgress, type JobSubject } from '../../../shared/model/job.js';
import { CATALOG_APPLICATION_ID, openCatalog, type Catalog } from '../../../electron/engine/catalog/catalog.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../../electron/engine/catalog/migrations.js';
import { JobStore, summarizeProgress } from '../../../electron/engine/jobs/job-store.js';
import { createMemoryLogger } from '../../support/logger.js';
import { makeTempDir } from '../../support/temp.js';

const CLUSTER = '00000000-0000-4000-8000-000000000001';
const VM = '00000000-0000-4000-8000-000000000101';
const OLD_JOB = '00000000-0000-4000-8000-00000000a001';
const NEW_JOB = '00000000-0000-4000-8000-00000000a002';
/** The schema version before job subjects. */
const BEFORE_SUBJECTS = 2;

/** A finished backup's last snapshot as the engine stored it before subjects existed (no `subject` key). */
function oldSnapshot(jobId: string): Omit<JobProgress, 'subject'> {
  return {
    jobId,
    seq: 5,
    kind: 'backup',
    state: 'succeeded',
    title: 'Cluster lab',
    clusterId: CLUSTER,
    startedAt: '2026-01-05T10:00:01.000Z',
    updatedAt: '2026-01-05T10:04:00.000Z',
    phase: null,
    bytesDone: 1024,
    bytesTotal: 1024,
    throughputBps: 0,
    etaSeconds: null,
    throughputHistory: [],
    items: [
      {
        key: VM,
        vm: { clusterId: CLUSTER, vmUuid: VM },
        name: 'lab-vm1',
        hostLabel: 'lab1',
        state: 'succeeded',
        phase: 'done',
        disks: [{ target: 'vda', bytesDone: 1024, bytesTotal: 1024 }],
        bytesDone: 1024,
        bytesTotal: 1024,
        throughputBps: 0,
        etaSeconds: null,
        startedAt: '2026-01-05T10:00:02.000Z',
        finishedAt: '2026-01-05T10:04:00.000Z',
        error: null,
        result: { pointId: 'p1', type: 'full', fullReason: 'first backup', bytesRead: 1024, bytesAdded: 512 },
        restoreResult: null,
      },
    ],
    error: null,
  };
}

describe('JobStore and job subjects', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let file: string;
  let catalog: Catalog | null;

  beforeEach(() => {
    temp = makeTempDir('job-store');
    file = join(temp.dir, 'catalog.db');
    catalog = null;
  });
  afterEach(() => {
    catalog?.close();
    temp.remove();
  });

  /** A catalog as the release before subjects left it: schema 2, with one finished backup and one left running. */
  function writeOldCatalog(): void {
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    for (const migration of MIGRATIONS.filter((m) => m.version <= BEFORE_SUBJECTS)) db.exec(migration.sql);
    db.pragma(`application_id = ${CATALOG_APPLICATION_ID}`);
    db.pragma(`user_version = ${BEFORE_SUBJECTS}`);
    const insert = db.prepare(
      `INSERT INTO jobs (id, kind, state, title, cluster_id, trigger, created_at, started_at, finished_at, item_count,
                         items_succeeded, items_failed, bytes_done, progress)
       VALUES (?, 'backup', ?, 'Cluster lab', ?, 'schedule', ?, ?, ?, 1, ?, 0, 1024, ?)`,
    );
    insert.run(OLD_JOB, 'succeeded', CLUSTER, '2026-01-05T10:00:00.000Z', '2026-01-05T10:00:01.000Z', '2026-01-05T10:04:00.000Z', 1, JSON.stringify(oldSnapshot(OLD_JOB)));
    const running = { ...oldSnapshot(NEW_JOB), state: 'running', items: oldSnapshot(NEW_JOB).items.map((i) => ({ ...i, state: 'running' })) };
    insert.run(NEW_JOB, 'running', CLUSTER, '2026-01-06T10:00:00.000Z', '2026-01-06T10:00:01.000Z', null, 0, JSON.stringify(running));
    db.close();
  }

  it('migrates a catalog from before subjects: its jobs read without one, their snapshots whole', () => {
    writeOldCatalog();
    catalog = openCatalog(file, { logger: createMemoryLogger().logger });
    expect(catalog.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
    const store = new JobStore(catalog);

    const [newest, oldest] = store.list(10);
    expect(oldest).toMatchObject({ id: OLD_JOB, title: 'Cluster lab', subject: null, state: 'succeeded', itemsSucceeded: 1 });
    expect(newest).toMatchObject({ id: NEW_JOB, subject: null, state: 'running' });
    const detail = store.get(OLD_JOB);
    expect(detail.summary).toEqual(oldest);
    // The stored snapshot is read as it was (its items and results), not replaced by an empty stand-in.
    expect(detail.progress).toEqual({ ...oldSnapshot(OLD_JOB), subject: null });
    // Every reader of stored snapshots (the dashboard's last attempts too) reads one without a subject.
    expect(jobProgressSchema.parse(oldSnapshot(OLD_JOB)).subject).toBeNull();

    // A job an older engine left running is failed at the next start, still without a subject.
    expect(store.failInterrupted('2026-01-07T00:00:00.000Z', 'Lifeboat stopped while this job ran')).toEqual([NEW_JOB]);
    const interrupted = store.get(NEW_JOB);
    expect(interrupted.summary).toMatchObject({ state: 'failed', subject: null });
    expect(interrupted.progress.items[0]!.error?.code).toBe('interrupted');
  });

  it('stores a new job’s subject next to the old ones, and reads it back in the summary and the snapshot', () => {
    writeOldCatalog();
    catalog = openCatalog(file, { logger: createMemoryLogger().logger });
    const store = new JobStore(catalog);
    const subjects: JobSubject[] = [
      { kind: 'vms', clusterName: 'lab', vmNames: ['lab-vm1', 'lab-vm2'] },
      { kind: 'restore', vmName: 'lab-vm1', host: 'lab2', asName: null },
      { kind: 'restore', vmName: 'lab-vm1', host: 'lab2', asName: 'lab-vm1-copy' },
      { kind: 'verify' },
    ];
    subjects.forEach((subject, i) => {
      const id = `00000000-0000-4000-8000-00000000b00${i}`;
      const progress: JobProgress = { ...oldSnapshot(id), title: `job ${i}`, subject };
      const summary = summarizeProgress(progress, `2026-02-0${i + 1}T00:00:00.000Z`, 'user', progress.updatedAt);
      expect(summary.subject).toEqual(subject);
      store.save(summary, progress);
      // Saved again as it changes: the subject stays.
      store.save({ ...summary, state: 'partial' }, { ...progress, state: 'partial' });
      expect(store.get(id).summary).toEqual({ ...summary, state: 'partial' });
      expect(store.get(id).progress).toEqual({ ...progress, state: 'partial' });
    });
    const listed = store.list(10);
    expect(listed.map((job) => job.subject)).toEqual([...[...subjects].reverse(), null, null]);

    // Reopened (no migration left to run), the same.
    catalog.close();
    catalog = openCatalog(file, { logger: createMemoryLogger().logger });
    expect(new JobStore(catalog).list(10)).toEqual(listed);
  });

  it('reads a subject it cannot understand as none, never failing the list or the details', () => {
    catalog = openCatalog(file, { logger: createMemoryLogger().logger });
    const store = new JobStore(catalog);
    const progress: JobProgress = { ...oldSnapshot(OLD_JOB), subject: { kind: 'cluster', clusterName: 'lab' } };
    store.save(summarizeProgress(progress, '2026-01-05T10:00:00.000Z', 'user', progress.updatedAt), progress);
    for (const stored of ['not json', '{"kind":"cluster"}', '{"kind":"teleport","to":"mars"}', '42', 'null']) {
      catalog.db.prepare('UPDATE jobs SET subject = ? WHERE id = ?').run(stored, OLD_JOB);
      expect(store.list(10)[0]!.subject, stored).toBeNull();
      const detail = store.get(OLD_JOB);
      expect(detail.summary.subject, stored).toBeNull();
      // The snapshot keeps its items: only its subject is dropped.
      expect(detail.progress, stored).toEqual({ ...progress, subject: null });
    }
  });
});
