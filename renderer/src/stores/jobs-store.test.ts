import { describe, expect, it } from 'vitest';
import { IpcError } from '../../../shared/ipc/errors.js';
import { createFakeEngineClient } from '../testing/fake-engine-client.js';
import { backupJob, verifyJob } from '../testing/fixtures.js';
import { createJobsStore, DEFAULT_JOB_LIMIT } from './jobs-store.js';

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
});
