// The job runner's scheduling, states, cancel and progress throttle, with items whose work is a controllable
// promise (pure logic: the real backups are exercised against the lab in test/integration/jobs).
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobProgress, JobSubject, JobSummary } from '../../../shared/model/job.js';
import type { Concurrency } from '../../../shared/model/settings.js';
import { openCatalog, type Catalog } from '../../../electron/engine/catalog/catalog.js';
import { systemClock } from '../../../electron/engine/clock.js';
import { JobRunner, PROGRESS_INTERVAL_MS, type ItemContext, type JobItemSpec } from '../../../electron/engine/jobs/job-runner.js';
import { JobStore } from '../../../electron/engine/jobs/job-store.js';
import { createMemoryLogger } from '../../support/logger.js';
import { makeTempDir } from '../../support/temp.js';

const CLUSTER = '00000000-0000-4000-8000-000000000001';
const uuid = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
/** What the backups of these tests are about (the runner carries it, whatever it says). */
const BACKUP_SUBJECT = { kind: 'cluster', clusterName: 'lab' } as const;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function items(count: number): JobItemSpec[] {
  return Array.from({ length: count }, (_, i) => ({ key: uuid(100 + i), vm: { clusterId: CLUSTER, vmUuid: uuid(100 + i) }, name: `vm${i}` }));
}

describe('JobRunner', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let catalog: Catalog;
  let store: JobStore;
  let limits: Concurrency;
  let events: JobProgress[];
  let changes: JobSummary[];
  let runner: JobRunner;

  beforeEach(() => {
    temp = makeTempDir('jobs');
    const { logger } = createMemoryLogger();
    catalog = openCatalog(join(temp.dir, 'catalog.db'), { logger });
    store = new JobStore(catalog);
    limits = { global: 3, perHost: 1, perCluster: 3 };
    events = [];
    changes = [];
    runner = new JobRunner({
      store,
      clock: systemClock,
      logger,
      limits: () => limits,
      onProgress: (p) => events.push(p),
      onChanged: (s) => changes.push(s),
    });
  });
  afterEach(async () => {
    await runner.close();
    catalog.close();
    temp.remove();
  });

  it('never runs more items than the global, per-host and per-cluster limits allow, and runs them all', async () => {
    const hostOfItem = new Map(items(9).map((item, i) => [item.key, `host${i % 3}`]));
    let running = 0;
    let maxRunning = 0;
    const perHost = new Map<string, number>();
    let maxPerHost = 0;
    const { finished } = runner.submit({
      kind: 'backup',
      title: 'nine VMs',
      subject: BACKUP_SUBJECT,
      clusterId: CLUSTER,
      trigger: 'user',
      items: items(9),
      hostOf: (item) => ({ id: hostOfItem.get(item.key)!, label: hostOfItem.get(item.key)! }),
      runItem: async (item) => {
        const host = hostOfItem.get(item.key)!;
        running += 1;
        perHost.set(host, (perHost.get(host) ?? 0) + 1);
        maxRunning = Math.max(maxRunning, running);
        maxPerHost = Math.max(maxPerHost, perHost.get(host)!);
        await sleep(15);
        running -= 1;
        perHost.set(host, perHost.get(host)! - 1);
      },
    });
    const summary = await finished;
    expect(summary.state).toBe('succeeded');
    expect(summary.itemsSucceeded).toBe(9);
    expect(maxRunning).toBe(3);
    expect(maxPerHost).toBe(1);
  });

  it('honours the per-cluster limit across two jobs of the same cluster', async () => {
    limits = { global: 10, perHost: 10, perCluster: 2 };
    let running = 0;
    let maxRunning = 0;
    const work = async (): Promise<void> => {
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      await sleep(10);
      running -= 1;
    };
    const all = items(8);
    const a = runner.submit({ kind: 'backup', title: 'a', subject: BACKUP_SUBJECT, clusterId: CLUSTER, trigger: 'user', items: all.slice(0, 4), hostOf: (i) => ({ id: i.key, label: i.name }), runItem: work });
    const b = runner.submit({ kind: 'backup', title: 'b', subject: BACKUP_SUBJECT, clusterId: CLUSTER, trigger: 'user', items: all.slice(4), hostOf: (i) => ({ id: i.key, label: i.name }), runItem: work });
    await Promise.all([a.finished, b.finished]);
    expect(maxRunning).toBe(2);
  });

  it('ends partial when some items fail, failed when all do, each failure with its reason', async () => {
    const partial = runner.submit({
      kind: 'backup',
      title: 'partial',
      subject: BACKUP_SUBJECT,
      clusterId: CLUSTER,
      trigger: 'user',
      items: items(3),
      runItem: async (item) => {
        if (item.name === 'vm1') throw Object.assign(new Error('host lab2 is unreachable'), { code: 'unreachable' });
      },
    });
    const p = await partial.finished;
    expect(p.state).toBe('partial');
    expect([p.itemsSucceeded, p.itemsFailed]).toEqual([2, 1]);
    const detail = store.get(p.id);
    const failed = detail.progress.items.find((i) => i.name === 'vm1')!;
    expect(failed.state).toBe('failed');
    expect(failed.error).toEqual({ code: 'unreachable', message: 'host lab2 is unreachable' });
    expect(detail.log.some((l) => l.level === 'error' && l.message.includes('vm1: failed: host lab2 is unreachable'))).toBe(true);

    const failedAll = runner.submit({
      kind: 'backup',
      title: 'all fail',
      subject: BACKUP_SUBJECT,
      clusterId: CLUSTER,
      trigger: 'user',
      items: items(2),
      runItem: async () => {
        throw new Error('no');
      },
    });
    expect((await failedAll.finished).state).toBe('failed');
  });

  it('cancels: running items see the abort, queued items never start, the job ends cancelled', async () => {
    limits = { global: 1, perHost: 1, perCluster: 1 };
    const started: string[] = [];
    let release!: () => void;
    const begun = new Promise<void>((resolve) => (release = resolve));
    const { jobId, finished } = runner.submit({
      kind: 'backup',
      title: 'to cancel',
      subject: BACKUP_SUBJECT,
      clusterId: CLUSTER,
      trigger: 'user',
      items: items(3),
      runItem: async (item, context: ItemContext) => {
        started.push(item.name);
        release();
        await new Promise<void>((_, reject) => context.signal.addEventListener('abort', () => reject(context.signal.reason as Error), { once: true }));
      },
    });
    await begun;
    runner.cancel(jobId);
    const summary = await finished;
    expect(summary.state).toBe('cancelled');
    expect(started).toEqual(['vm0']);
    const detail = store.get(jobId);
    expect(detail.progress.items.map((i) => i.state)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect(events.at(-1)!.state).toBe('cancelled');
  });

  it('skips items marked busy and does not run them', async () => {
    const list = items(2);
    list[1] = { ...list[1]!, skipReason: 'another job is backing it up now' };
    const ran: string[] = [];
    const summary = await runner.submit({
      kind: 'backup',
      title: 'skip',
      subject: BACKUP_SUBJECT,
      clusterId: CLUSTER,
      trigger: 'user',
      items: list,
      runItem: async (item) => void ran.push(item.name),
    }).finished;
    expect(ran).toEqual(['vm0']);
    expect(summary.state).toBe('succeeded');
    expect(store.get(summary.id).progress.items[1]!.state).toBe('skipped');
  });

  it('reports busy VMs while their items are queued or running', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const job = runner.submit({ kind: 'backup', title: 'busy', subject: BACKUP_SUBJECT, clusterId: CLUSTER, trigger: 'user', items: items(1), runItem: () => gate });
    expect(runner.busyVmKeys()).toEqual(new Set([`${CLUSTER}/${uuid(100)}`]));
    release();
    await job.finished;
    expect(runner.busyVmKeys().size).toBe(0);
  });

  it('throttles progress to one snapshot per interval, in seq order, ending with a final snapshot at the total', async () => {
    const total = 1000;
    const startedAt = Date.now();
    const { jobId, finished } = runner.submit({
      kind: 'backup',
      title: 'chatty',
      subject: BACKUP_SUBJECT,
      clusterId: CLUSTER,
      trigger: 'user',
      items: items(1),
      runItem: async (_item, context) => {
        for (let done = 0; done <= total; done += 1) {
          context.setDisks([{ target: 'vda', bytesDone: done, bytesTotal: total }]);
          if (done % 50 === 0) await sleep(20);
        }
      },
    });
    await finished;
    const elapsed = Date.now() - startedAt;
    const mine = events.filter((e) => e.jobId === jobId);
    const seqs = mine.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    // Byte updates: at most one per interval; state changes (queued, item start, item end, job end) come on top.
    expect(mine.length).toBeLessThanOrEqual(Math.ceil(elapsed / PROGRESS_INTERVAL_MS) + 1 + 4);
    const last = mine.at(-1)!;
    expect(last.state).toBe('succeeded');
    expect(last.bytesDone).toBe(total);
    expect(last.bytesTotal).toBe(total);
    // Progress never goes backwards.
    const done = mine.map((e) => e.bytesDone);
    expect(done).toEqual([...done].sort((a, b) => a - b));
  });

  it("carries the job's subject into every snapshot and summary, and into the catalog", async () => {
    const subject: JobSubject = { kind: 'vms', clusterName: 'lab', vmNames: ['vm0', 'vm1'] };
    const { jobId, finished } = runner.submit({ kind: 'backup', title: '2 VMs of lab', subject, clusterId: CLUSTER, trigger: 'user', items: items(2), runItem: () => sleep(5) });
    const [active] = runner.active();
    expect(active).toMatchObject({ jobId, title: '2 VMs of lab', subject });
    const summary = await finished;
    expect(summary).toMatchObject({ title: '2 VMs of lab', subject, state: 'succeeded' });
    const snapshots = events.filter((p) => p.jobId === jobId);
    const summaries = changes.filter((c) => c.id === jobId);
    // Queued, running, each item's start and end, the end.
    expect(snapshots.length).toBeGreaterThan(4);
    expect(summaries.length).toBeGreaterThan(2);
    for (const snapshot of [...snapshots, ...summaries]) expect(snapshot.subject).toEqual(subject);
    const stored = store.get(jobId);
    expect(stored.summary).toEqual(summary);
    expect(stored.progress).toEqual(snapshots.at(-1));
    expect(store.list(10).find((job) => job.id === jobId)).toEqual(summary);
  });

  it('gives the current snapshot of an active job to a new subscriber', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { jobId, finished } = runner.submit({
      kind: 'backup',
      title: 'slow',
      subject: BACKUP_SUBJECT,
      clusterId: CLUSTER,
      trigger: 'user',
      items: items(1),
      runItem: async (_item, context) => {
        context.setDisks([{ target: 'vda', bytesDone: 5, bytesTotal: 10 }]);
        await gate;
      },
    });
    await sleep(10);
    const [active] = runner.active();
    expect(active!.jobId).toBe(jobId);
    expect(active!.state).toBe('running');
    expect(active!.items[0]!.disks).toEqual([{ target: 'vda', bytesDone: 5, bytesTotal: 10 }]);
    release();
    await finished;
    expect(runner.active()).toEqual([]);
  });

  it('marks jobs a killed engine left queued or running as failed, saying why', () => {
    const job = runner.submit({ kind: 'backup', title: 'left running', subject: BACKUP_SUBJECT, clusterId: CLUSTER, trigger: 'user', items: items(1), runItem: () => new Promise(() => undefined) });
    // A new store on the same catalog plays the next start of the engine.
    const ids = new JobStore(catalog).failInterrupted(new Date().toISOString(), 'Lifeboat stopped while this job ran');
    expect(ids).toEqual([job.jobId]);
    const detail = store.get(job.jobId);
    expect(detail.summary.state).toBe('failed');
    expect(detail.progress.items[0]!.error?.code).toBe('interrupted');
    expect(detail.log.at(-1)!.message).toBe('Lifeboat stopped while this job ran');
    runner.cancel(job.jobId);
  });

  it('runs a whole-job step after the items and lets it decide the final state', async () => {
    const order: string[] = [];
    const summary = await runner.submit({
      kind: 'verify',
      title: 'verify',
      subject: { kind: 'verify' },
      clusterId: null,
      trigger: 'user',
      items: [],
      run: async (context) => {
        order.push('run');
        context.setBytes(10, 10);
        return { state: 'failed', error: { code: 'verify_failed', message: '1 bad chunk' } };
      },
    }).finished;
    expect(order).toEqual(['run']);
    expect(summary.state).toBe('failed');
    expect(store.get(summary.id).progress.error).toEqual({ code: 'verify_failed', message: '1 bad chunk' });
    expect(changes.some((c) => c.id === summary.id && c.state === 'failed')).toBe(true);
  });

  it("counts a queued item's estimate in the job's total until the item sizes its own work", async () => {
    limits = { global: 1, perHost: 1, perCluster: 1 };
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const list = items(2).map((item) => ({ ...item, estimatedBytes: 100 }));
    const { finished } = runner.submit({
      kind: 'backup',
      title: 'estimates',
      subject: BACKUP_SUBJECT,
      clusterId: CLUSTER,
      trigger: 'user',
      items: list,
      runItem: async (item, context) => {
        context.setDisks([{ target: 'vda', bytesDone: 0, bytesTotal: 80 }]);
        if (item.name === 'vm0') await gate;
        context.setDisks([{ target: 'vda', bytesDone: 80, bytesTotal: 80 }]);
      },
    });
    await sleep(10);
    // vm0 sized itself (80), vm1 is queued and counts its estimate (100).
    expect(runner.active()[0]!.bytesTotal).toBe(180);
    release();
    await finished;
    expect(events.at(-1)!.bytesTotal).toBe(160);
    expect(events.at(-1)!.bytesDone).toBe(160);
  });
});
