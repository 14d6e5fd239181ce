import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IpcError } from '../../../shared/ipc/errors.js';
import { createFakeEngineClient } from '../testing/fake-engine-client.js';
import { clusterA, clusterB, progressOf, verifyJob } from '../testing/fixtures.js';
import {
  activeBackupOf,
  activeJobs,
  createJobProgressStore,
  ENDED_SNAPSHOTS_KEPT,
  newerSnapshot,
  PROGRESS_INTERVAL_MS,
} from './job-progress-store.js';

describe('job progress store', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2025-05-01T10:00:00.000Z'));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('subscribes to every job while watched, shares the subscription, and forgets everything when let go', () => {
    const client = createFakeEngineClient();
    const store = createJobProgressStore(client);
    const stopA = store.getState().watch();
    const stopB = store.getState().watch();
    expect(client.subscriptions).toEqual([{ topic: 'jobs.progress', filter: {}, active: true }]);

    client.emit('jobs.progress', progressOf(1));
    expect(store.getState().byJob[progressOf(1).jobId]?.seq).toBe(1);

    stopA();
    stopA();
    expect(client.subscriptions[0]?.active).toBe(true);
    stopB();
    expect(client.subscriptions[0]?.active).toBe(false);
    // Without a subscription the job's end would go unseen, so nothing is kept.
    expect(store.getState().byJob).toEqual({});
  });

  it('shows the current snapshots a new subscriber is sent at once', () => {
    const client = createFakeEngineClient();
    const store = createJobProgressStore(client);
    store.getState().watch();
    const other = progressOf(7, { jobId: verifyJob.id, kind: 'verify', title: 'Repository check', clusterId: null, items: [] });
    client.emit('jobs.progress', progressOf(40));
    client.emit('jobs.progress', other);
    vi.advanceTimersByTime(PROGRESS_INTERVAL_MS);
    expect(Object.keys(store.getState().byJob).sort()).toEqual([progressOf(40).jobId, verifyJob.id].sort());
  });

  it('keeps the snapshot with the highest seq per job and ignores older ones', () => {
    const client = createFakeEngineClient();
    const store = createJobProgressStore(client);
    store.getState().watch();
    client.emit('jobs.progress', progressOf(5));
    expect(store.getState().byJob[progressOf(5).jobId]?.seq).toBe(5);

    vi.advanceTimersByTime(PROGRESS_INTERVAL_MS);
    const before = store.getState();
    client.emit('jobs.progress', progressOf(3));
    client.emit('jobs.progress', progressOf(5));
    vi.advanceTimersByTime(PROGRESS_INTERVAL_MS);
    // Nothing newer: the state is not even touched.
    expect(store.getState()).toBe(before);

    client.emit('jobs.progress', progressOf(9, { state: 'succeeded' }));
    vi.advanceTimersByTime(PROGRESS_INTERVAL_MS);
    client.emit('jobs.progress', progressOf(8));
    vi.advanceTimersByTime(PROGRESS_INTERVAL_MS);
    expect(store.getState().byJob[progressOf(9).jobId]).toMatchObject({ seq: 9, state: 'succeeded' });
  });

  it('merges a burst of snapshots into one change per interval, newest per job, whatever the arrival order', () => {
    const client = createFakeEngineClient();
    const store = createJobProgressStore(client);
    store.getState().watch();
    const changes = vi.fn();
    store.subscribe(changes);

    // The first snapshot after a quiet spell shows at once.
    client.emit('jobs.progress', progressOf(1));
    expect(changes).toHaveBeenCalledTimes(1);

    // The rest of the burst waits for the interval, and lands as one change.
    const other = (seq: number) => progressOf(seq, { jobId: verifyJob.id, kind: 'verify', clusterId: null, items: [] });
    client.emit('jobs.progress', progressOf(3));
    client.emit('jobs.progress', other(2));
    client.emit('jobs.progress', progressOf(2));
    client.emit('jobs.progress', other(4));
    client.emit('jobs.progress', progressOf(4));
    client.emit('jobs.progress', other(3));
    expect(changes).toHaveBeenCalledTimes(1);
    expect(store.getState().byJob[progressOf(1).jobId]?.seq).toBe(1);

    vi.advanceTimersByTime(PROGRESS_INTERVAL_MS - 1);
    expect(changes).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1);
    expect(changes).toHaveBeenCalledTimes(2);
    expect(store.getState().byJob[progressOf(1).jobId]?.seq).toBe(4);
    expect(store.getState().byJob[verifyJob.id]?.seq).toBe(4);

    // A job's last snapshot is never lost to the throttle.
    client.emit('jobs.progress', progressOf(5, { state: 'succeeded' }));
    vi.advanceTimersByTime(PROGRESS_INTERVAL_MS);
    expect(store.getState().byJob[progressOf(1).jobId]?.state).toBe('succeeded');
  });

  it('drops snapshots still waiting when the last watcher lets go', () => {
    const client = createFakeEngineClient();
    const store = createJobProgressStore(client);
    const stop = store.getState().watch();
    client.emit('jobs.progress', progressOf(1));
    client.emit('jobs.progress', progressOf(2));
    stop();
    vi.advanceTimersByTime(PROGRESS_INTERVAL_MS);
    expect(store.getState().byJob).toEqual({});
  });

  it('keeps only the most recent ended jobs', () => {
    const client = createFakeEngineClient();
    const store = createJobProgressStore(client, { intervalMs: 0 });
    store.getState().watch();
    for (let n = 0; n < ENDED_SNAPSHOTS_KEPT + 5; n += 1) {
      const jobId = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
      client.emit('jobs.progress', progressOf(1, { jobId, state: 'succeeded', updatedAt: new Date(Date.UTC(2025, 4, 1, 10, n)).toISOString() }));
    }
    client.emit('jobs.progress', progressOf(1));
    const kept = Object.values(store.getState().byJob);
    expect(kept.filter((job) => job.state === 'succeeded')).toHaveLength(ENDED_SNAPSHOTS_KEPT);
    expect(kept.some((job) => job.jobId === '00000000-0000-4000-8000-000000000000')).toBe(false);
    expect(kept.some((job) => job.state === 'running')).toBe(true);
  });

  it('keeps a refused subscription as watchError', () => {
    const client = createFakeEngineClient();
    const store = createJobProgressStore(client);
    store.getState().watch();
    client.refuseSubscriptions('jobs.progress', new IpcError('unknown_topic', 'no topic jobs.progress'));
    expect(store.getState().watchError).toEqual({ code: 'unknown_topic', message: 'no topic jobs.progress' });
  });
});

describe('progress selectors', () => {
  it('newerSnapshot prefers the higher seq', () => {
    expect(newerSnapshot(undefined, progressOf(1)).seq).toBe(1);
    expect(newerSnapshot(progressOf(2), progressOf(1)).seq).toBe(2);
    expect(newerSnapshot(progressOf(2), progressOf(3)).seq).toBe(3);
  });

  it('lists jobs not yet ended, oldest first, and finds the backup running for a cluster', () => {
    const queued = progressOf(1, {
      jobId: '11111111-2222-4333-8444-555555555555',
      state: 'queued',
      clusterId: clusterB.id,
      startedAt: null,
      updatedAt: '2025-05-01T11:00:00.000Z',
    });
    const ended = progressOf(9, { jobId: verifyJob.id, state: 'succeeded' });
    const byJob = { [progressOf(1).jobId]: progressOf(1), [queued.jobId]: queued, [ended.jobId]: ended };
    expect(activeJobs(byJob).map((job) => job.jobId)).toEqual([progressOf(1).jobId, queued.jobId]);
    expect(activeBackupOf(byJob, clusterA.id)?.jobId).toBe(progressOf(1).jobId);
    expect(activeBackupOf(byJob, clusterB.id)?.jobId).toBe(queued.jobId);
    expect(activeBackupOf({ [ended.jobId]: ended }, clusterA.id)).toBeNull();
  });
});
