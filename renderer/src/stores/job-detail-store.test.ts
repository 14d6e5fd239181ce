import { describe, expect, it } from 'vitest';
import { IpcError } from '../../../shared/ipc/errors.js';
import type { JobDetail } from '../../../shared/model/job.js';
import { createFakeEngineClient, deferred, flushPromises } from '../testing/fake-engine-client.js';
import { backupJob, jobDetailOf, progressOf, verifyJob } from '../testing/fixtures.js';
import { createJobDetailStore, currentProgress } from './job-detail-store.js';

describe('job detail store', () => {
  it('opens a job with jobs.get and follows its changes', async () => {
    const client = createFakeEngineClient({ 'jobs.get': () => jobDetailOf(3) });
    const store = createJobDetailStore(client);
    const opening = store.getState().open(backupJob.id);
    expect(store.getState()).toMatchObject({ jobId: backupJob.id, status: 'loading', detail: null });
    await opening;
    expect(store.getState()).toMatchObject({ jobId: backupJob.id, status: 'ready', detail: jobDetailOf(3) });
    expect(client.callsTo('jobs.get').map((call) => call.params)).toEqual([{ id: backupJob.id }]);
    expect(client.subscriptions).toEqual([{ topic: 'jobs.changed', filter: {}, active: true }]);

    // Another job's change asks nothing; this job's end asks again, for its final log and results.
    client.emit('jobs.changed', verifyJob);
    await flushPromises();
    expect(client.callsTo('jobs.get')).toHaveLength(1);
    const ended = jobDetailOf(9, { summary: { ...backupJob, state: 'succeeded' } });
    client.handle('jobs.get', () => ended);
    client.emit('jobs.changed', { ...backupJob, state: 'succeeded' });
    await flushPromises();
    expect(store.getState().detail).toEqual(ended);
  });

  it('opening the open job again asks nothing', async () => {
    const client = createFakeEngineClient({ 'jobs.get': () => jobDetailOf(3) });
    const store = createJobDetailStore(client);
    await store.getState().open(backupJob.id);
    await store.getState().open(backupJob.id);
    expect(client.callsTo('jobs.get')).toHaveLength(1);
    await store.getState().reload();
    expect(client.callsTo('jobs.get')).toHaveLength(2);
  });

  it('closing stops following, cancels a call on its way and drops its answer', async () => {
    const answer = deferred<JobDetail>();
    const client = createFakeEngineClient({ 'jobs.get': () => answer.promise });
    const store = createJobDetailStore(client);
    const opening = store.getState().open(backupJob.id);
    await flushPromises();
    store.getState().close();
    answer.resolve(jobDetailOf(3));
    await opening;
    expect(store.getState()).toMatchObject({ jobId: null, detail: null, status: 'idle' });
    expect(client.subscriptions[0]?.active).toBe(false);
    expect(client.callsTo('jobs.get')[0]?.outcome).toBe('cancelled');
  });

  it('a job opened after another shows only its own answer', async () => {
    const first = deferred<JobDetail>();
    const client = createFakeEngineClient({ 'jobs.get': () => first.promise });
    const store = createJobDetailStore(client);
    const openingFirst = store.getState().open(backupJob.id);
    await flushPromises();
    const other = jobDetailOf(1, { summary: verifyJob, progress: progressOf(1, { jobId: verifyJob.id }) });
    client.handle('jobs.get', () => other);
    await store.getState().open(verifyJob.id);
    first.resolve(jobDetailOf(3));
    await openingFirst;
    expect(store.getState()).toMatchObject({ jobId: verifyJob.id, detail: other });
    expect(client.subscriptions.map((s) => s.active)).toEqual([false, true]);
  });

  it('keeps a failed load as {code, message}', async () => {
    const client = createFakeEngineClient({
      'jobs.get': () => {
        throw new IpcError('not_found', `No job ${backupJob.id}`);
      },
    });
    const store = createJobDetailStore(client);
    await store.getState().open(backupJob.id);
    expect(store.getState()).toMatchObject({ status: 'error', error: { code: 'not_found', message: `No job ${backupJob.id}` } });
  });
});

describe('currentProgress', () => {
  it('shows whichever snapshot is newer: the live one or the one in the detail', () => {
    expect(currentProgress(jobDetailOf(3), progressOf(5))?.seq).toBe(5);
    expect(currentProgress(jobDetailOf(7), progressOf(5))?.seq).toBe(7);
    expect(currentProgress(jobDetailOf(7), undefined)?.seq).toBe(7);
    expect(currentProgress(null, progressOf(2))?.seq).toBe(2);
    expect(currentProgress(null, undefined)).toBeNull();
  });
});
