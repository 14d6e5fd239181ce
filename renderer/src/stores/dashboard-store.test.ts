import { describe, expect, it } from 'vitest';
import { IpcError } from '../../../shared/ipc/errors.js';
import type { Dashboard } from '../../../shared/model/dashboard.js';
import { dashboardCluster, dashboardWith } from '../testing/dashboard-fixtures.js';
import { manualTimers } from '../testing/manual-timers.js';
import { createFakeEngineClient, deferred, flushPromises } from '../testing/fake-engine-client.js';
import { backupJob, clusterA } from '../testing/fixtures.js';
import { createDashboardStore, EVENT_REFETCH_DELAY_MS, isUnsettled, REFRESH_INTERVAL_MS, UNSETTLED_REFRESH_MS } from './dashboard-store.js';

describe('dashboard store', () => {
  it('loads the dashboard', async () => {
    const dashboard = dashboardWith();
    const client = createFakeEngineClient({ 'dashboard.get': () => dashboard });
    const store = createDashboardStore(client, manualTimers());
    await store.getState().load();
    expect(store.getState()).toMatchObject({ dashboard, status: 'ready', error: null });
  });

  it('keeps the last dashboard on screen when a refresh fails, with the error', async () => {
    const client = createFakeEngineClient({ 'dashboard.get': () => dashboardWith() });
    const store = createDashboardStore(client, manualTimers());
    await store.getState().load();
    client.handle('dashboard.get', () => {
      throw new IpcError('unavailable', 'The repository at /mnt/nas/lifeboat cannot be opened (ENOENT)');
    });
    await store.getState().load();
    expect(store.getState()).toMatchObject({ dashboard: dashboardWith(), status: 'error', error: { code: 'unavailable' } });
  });

  it('fetches once after a burst of events, and follows the clock while watched', async () => {
    const timers = manualTimers();
    const client = createFakeEngineClient({ 'dashboard.get': () => dashboardWith() });
    const store = createDashboardStore(client, timers);
    const stop = store.getState().watch();
    expect(client.subscriptions.filter((s) => s.active).map((s) => s.topic).sort()).toEqual(['clusters.changed', 'dashboard.changed', 'jobs.changed', 'points.changed']);
    await store.getState().load();
    expect(timers.pending()).toEqual([REFRESH_INTERVAL_MS]);

    client.emit('jobs.changed', { ...backupJob, state: 'succeeded' });
    client.emit('points.changed', { clusterId: clusterA.id });
    client.emit('dashboard.changed', { figuresAt: '2025-05-02T03:10:00.000Z' });
    expect(timers.pending()).toEqual([EVENT_REFETCH_DELAY_MS]);
    timers.fire();
    await flushPromises();
    expect(client.callsTo('dashboard.get')).toHaveLength(2);
    expect(timers.pending()).toEqual([REFRESH_INTERVAL_MS]);

    stop();
    expect(client.subscriptions.filter((s) => s.active)).toEqual([]);
    expect(timers.pending()).toEqual([]);
  });

  it('comes back sooner while hosts are connecting or the repository is being measured', async () => {
    const timers = manualTimers();
    const connecting = dashboardWith({ clusters: [dashboardCluster({ hosts: { total: 3, connected: 1, connecting: 2, unreachable: 0 } })] });
    const client = createFakeEngineClient({ 'dashboard.get': () => connecting });
    const store = createDashboardStore(client, timers);
    const stop = store.getState().watch();
    await store.getState().load();
    expect(timers.pending()).toEqual([UNSETTLED_REFRESH_MS]);
    const measuring = dashboardWith();
    measuring.repository.figuresPending = true;
    expect(isUnsettled(measuring)).toBe(true);
    expect(isUnsettled(dashboardWith())).toBe(false);
    stop();
  });

  it('lands only the newest answer when fetches overlap', async () => {
    const first = deferred<Dashboard>();
    const client = createFakeEngineClient({ 'dashboard.get': () => first.promise });
    const store = createDashboardStore(client, manualTimers());
    const older = store.getState().load();
    const newer = dashboardWith({ generatedAt: '2025-05-02T03:08:00.000Z' });
    client.handle('dashboard.get', () => newer);
    await store.getState().load();
    first.resolve(dashboardWith({ generatedAt: '2025-05-02T03:07:00.000Z' }));
    await older;
    expect(store.getState().dashboard?.generatedAt).toBe('2025-05-02T03:08:00.000Z');
    expect(client.callsTo('dashboard.get').map((call) => call.outcome)).toEqual(['cancelled', 'resolved']);
  });
});
