import { describe, expect, it } from 'vitest';
import { IpcError } from '../../../shared/ipc/errors.js';
import type { JobSummary } from '../../../shared/model/job.js';
import { createFakeEngineClient, deferred, flushPromises } from '../testing/fake-engine-client.js';
import { backupJob, verifyJob } from '../testing/fixtures.js';
import { createJobsStore, DEFAULT_JOB_LIMIT, upsertJob } from './jobs-store.js';

const pruneJob: JobSummary = {
  ...verifyJob,
  id: 'c3e5a7b9-1d2f-4a6c-8e0b-2d4f6a8c0e1b',
  kind: 'prune',
  state: 'queued',
  title: 'Prune',
  createdAt: '2025-05-01T11:00:00.000Z',
  startedAt: null,
  finishedAt: null,
};

describe('jobs store', () => {
  it('loads the jobs with the default limit', async () => {
    const client = createFakeEngineClient({ 'jobs.list': () => [backupJob, verifyJob] });
    const store = createJobsStore(client);
    await store.getState().load();
    expect(store.getState()).toMatchObject({ jobs: [backupJob, verifyJob], status: 'ready', error: null });
    expect(client.callsTo('jobs.list').map((call) => call.params)).toEqual([{ limit: DEFAULT_JOB_LIMIT }]);
  });

  it('passes a requested limit', async () => {
    const client = createFakeEngineClient({ 'jobs.list': (params) => [backupJob, verifyJob].slice(0, params.limit) });
    const store = createJobsStore(client);
    await store.getState().load({ limit: 1 });
    expect(client.callsTo('jobs.list').map((call) => call.params)).toEqual([{ limit: 1 }]);
    expect(store.getState().jobs).toEqual([backupJob]);
  });

  it('turns a failed call into {code, message}', async () => {
    const client = createFakeEngineClient({
      'jobs.list': () => {
        throw new IpcError('internal', 'jobs.list failed: disk I/O error');
      },
    });
    const store = createJobsStore(client);
    await store.getState().load();
    expect(store.getState()).toMatchObject({
      jobs: [],
      status: 'error',
      error: { code: 'internal', message: 'jobs.list failed: disk I/O error' },
    });
  });

  it('puts each jobs.changed summary in place, newest first, without asking for the list again', async () => {
    const client = createFakeEngineClient({ 'jobs.list': () => [backupJob, verifyJob] });
    const store = createJobsStore(client);
    store.getState().watch();
    await store.getState().load();
    expect(client.subscriptions).toEqual([{ topic: 'jobs.changed', filter: {}, active: true }]);

    client.emit('jobs.changed', pruneJob);
    expect(store.getState().jobs.map((job) => job.id)).toEqual([pruneJob.id, backupJob.id, verifyJob.id]);
    const done = { ...backupJob, state: 'succeeded' as const, finishedAt: '2025-05-01T10:20:00.000Z', itemsSucceeded: 2 };
    client.emit('jobs.changed', done);
    expect(store.getState().jobs[1]).toEqual(done);
    expect(client.callsTo('jobs.list')).toHaveLength(1);
  });

  it('applies events that raced the list answer on top of it', async () => {
    const answer = deferred<JobSummary[]>();
    const client = createFakeEngineClient({ 'jobs.list': () => answer.promise });
    const store = createJobsStore(client);
    store.getState().watch();
    const loading = store.getState().load();
    await flushPromises();
    const done = { ...backupJob, state: 'succeeded' as const, finishedAt: '2025-05-01T10:20:00.000Z' };
    client.emit('jobs.changed', pruneJob);
    client.emit('jobs.changed', done);
    // The list was made before both events.
    answer.resolve([backupJob, verifyJob]);
    await loading;
    expect(store.getState().jobs).toEqual([pruneJob, done, verifyJob]);
  });

  it('a late event never takes an ended job back to running', () => {
    const done = { ...backupJob, state: 'failed' as const };
    expect(upsertJob([done], backupJob, 10)).toEqual([done]);
    expect(upsertJob([backupJob], done, 10)).toEqual([done]);
    expect(upsertJob([verifyJob], pruneJob, 1)).toEqual([pruneJob]);
  });

  it('keeps a refused subscription as watchError', () => {
    const client = createFakeEngineClient();
    const store = createJobsStore(client);
    store.getState().watch();
    client.refuseSubscriptions('jobs.changed', new IpcError('unknown_topic', 'no topic jobs.changed'));
    expect(store.getState().watchError).toEqual({ code: 'unknown_topic', message: 'no topic jobs.changed' });
  });
});

describe('cancelling a job', () => {
  it('asks first, then sends jobs.cancel and remembers the request until the job ends', async () => {
    const answer = deferred<null>();
    const client = createFakeEngineClient({ 'jobs.list': () => [backupJob], 'jobs.cancel': () => answer.promise });
    const store = createJobsStore(client);
    store.getState().watch();
    await store.getState().load();

    store.getState().askCancel(backupJob.id, backupJob.title);
    expect(store.getState().cancellation).toEqual({ jobId: backupJob.id, title: 'Cluster Office rack', sending: false, error: null });
    expect(client.callsTo('jobs.cancel')).toHaveLength(0);

    const confirming = store.getState().confirmCancel();
    expect(store.getState().cancellation?.sending).toBe(true);
    // A second press while the first is on its way sends nothing more.
    await expect(store.getState().confirmCancel()).resolves.toBe(false);
    answer.resolve(null);
    await expect(confirming).resolves.toBe(true);
    expect(client.callsTo('jobs.cancel').map((call) => call.params)).toEqual([{ id: backupJob.id }]);
    expect(store.getState()).toMatchObject({ cancellation: null, cancelRequested: [backupJob.id] });

    client.emit('jobs.changed', { ...backupJob, state: 'cancelled', finishedAt: '2025-05-01T10:05:00.000Z' });
    expect(store.getState().cancelRequested).toEqual([]);
    expect(store.getState().jobs[0]?.state).toBe('cancelled');
  });

  it('dismissing the confirmation sends nothing', async () => {
    const client = createFakeEngineClient({ 'jobs.cancel': () => null });
    const store = createJobsStore(client);
    store.getState().askCancel(backupJob.id, backupJob.title);
    store.getState().dismissCancel();
    await expect(store.getState().confirmCancel()).resolves.toBe(false);
    expect(client.callsTo('jobs.cancel')).toHaveLength(0);
  });

  it('keeps a refused cancel in the confirmation, to show or try again', async () => {
    const client = createFakeEngineClient({
      'jobs.cancel': () => {
        throw new IpcError('conflict', 'job already ended');
      },
    });
    const store = createJobsStore(client);
    store.getState().askCancel(backupJob.id, backupJob.title);
    await expect(store.getState().confirmCancel()).resolves.toBe(false);
    expect(store.getState()).toMatchObject({
      cancellation: { jobId: backupJob.id, sending: false, error: { code: 'conflict', message: 'job already ended' } },
      cancelRequested: [],
    });
  });
});
