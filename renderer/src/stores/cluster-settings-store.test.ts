import { describe, expect, it } from 'vitest';
import { IpcError } from '../../../shared/ipc/errors.js';
import { DEFAULT_RETENTION_POLICY, type RetentionDecision } from '../../../shared/model/retention.js';
import type { ClusterSchedule } from '../../../shared/model/schedule.js';
import { createFakeEngineClient, deferred, flushPromises, type FakeHandlers } from '../testing/fake-engine-client.js';
import { clusterA, point, vmUuids } from '../testing/fixtures.js';
import {
  createClusterSettingsStore,
  deletions,
  normalizeTime,
  policyFromForm,
  scheduleFromForm,
  scheduleFormOf,
} from './cluster-settings-store.js';

const P = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

const daily: ClusterSchedule = {
  clusterId: clusterA.id,
  schedule: { kind: 'daily', time: '01:30' },
  lastRunAt: '2025-05-01T01:30:00.000Z',
  nextRunAt: '2025-05-02T01:30:00.000Z',
};

function decision(n: number, keep: boolean, createdAt: string): RetentionDecision {
  return { pointId: P(n), vmUuid: vmUuids.web, createdAt, keep, reasons: keep ? ['last'] : [] };
}

function engine(overrides: FakeHandlers = {}) {
  return createFakeEngineClient({
    'schedules.get': () => daily,
    'retention.get': () => ({ clusterId: clusterA.id, policy: DEFAULT_RETENTION_POLICY, vmPolicies: [] }),
    'schedules.set': ({ schedule }) => ({ ...daily, schedule: schedule ?? null, nextRunAt: schedule ? daily.nextRunAt : null }),
    'retention.set': () => null,
    'retention.preview': () => ({ decisions: [decision(2, true, '2025-05-01T01:30:00.000Z')] }),
    'points.list': () => ({ points: [point(P(1), 'web', '2025-04-01T01:30:00.000Z'), point(P(2), 'web', '2025-05-01T01:30:00.000Z')], damaged: [] }),
    ...overrides,
  });
}

async function opened(client = engine()) {
  const store = createClusterSettingsStore(client);
  await store.getState().openFor(clusterA.id, clusterA.name);
  return store;
}

describe('schedule form', () => {
  it('normalizes a typed time and refuses what is not one', () => {
    expect(normalizeTime('1:05')).toBe('01:05');
    expect(normalizeTime(' 23:59 ')).toBe('23:59');
    expect(normalizeTime('24:00')).toBeNull();
    expect(normalizeTime('12:60')).toBeNull();
    expect(normalizeTime('noon')).toBeNull();
  });

  it('says what is missing or wrong', () => {
    expect(scheduleFromForm({ kind: 'none', time: '', days: [] })).toEqual({ ok: true, schedule: null });
    expect(scheduleFromForm({ kind: 'daily', time: '', days: [] })).toEqual({ ok: false, problems: { time: 'required' } });
    expect(scheduleFromForm({ kind: 'daily', time: '25:00', days: [] })).toEqual({ ok: false, problems: { time: 'invalid' } });
    expect(scheduleFromForm({ kind: 'weekly', time: '2:00', days: [] })).toEqual({ ok: false, problems: { days: 'required' } });
    expect(scheduleFromForm({ kind: 'weekly', time: '', days: [] })).toEqual({ ok: false, problems: { time: 'required', days: 'required' } });
    expect(scheduleFromForm({ kind: 'weekly', time: '2:00', days: [1, 5] })).toEqual({
      ok: true,
      schedule: { kind: 'weekly', days: [1, 5], time: '02:00' },
    });
  });

  it('fills the form from a saved schedule', () => {
    expect(scheduleFormOf(null)).toEqual({ kind: 'none', time: '01:00', days: [] });
    expect(scheduleFormOf({ kind: 'weekly', days: [6, 0, 6], time: '22:15' })).toEqual({ kind: 'weekly', time: '22:15', days: [0, 6] });
  });
});

describe('retention form', () => {
  it('reads whole numbers from 0 to 1000, at least one above 0', () => {
    expect(policyFromForm({ keepLast: ' 3', keepDaily: '0', keepWeekly: '0', keepMonthly: '12' })).toEqual({
      ok: true,
      policy: { keepLast: 3, keepDaily: 0, keepWeekly: 0, keepMonthly: 12 },
    });
    expect(policyFromForm({ keepLast: '', keepDaily: '-1', keepWeekly: '1.5', keepMonthly: '1001' })).toEqual({
      ok: false,
      problems: { fields: { keepLast: 'required', keepDaily: 'invalid', keepWeekly: 'invalid', keepMonthly: 'too-large' }, keepsNothing: false },
    });
    expect(policyFromForm({ keepLast: '0', keepDaily: '0', keepWeekly: '0', keepMonthly: '0' })).toEqual({
      ok: false,
      problems: { fields: {}, keepsNothing: true },
    });
  });
});

describe('cluster settings store', () => {
  it('opens with the saved schedule and policy', async () => {
    const client = engine({ 'retention.get': () => ({ clusterId: clusterA.id, policy: DEFAULT_RETENTION_POLICY, vmPolicies: [{ vmUuid: vmUuids.db, policy: DEFAULT_RETENTION_POLICY }] }) });
    const store = await opened(client);
    expect(store.getState()).toMatchObject({
      open: true,
      clusterName: clusterA.name,
      loadStatus: 'ready',
      schedule: daily,
      scheduleForm: { kind: 'daily', time: '01:30', days: [] },
      policy: DEFAULT_RETENTION_POLICY,
      vmOverrideCount: 1,
      retentionForm: { keepLast: '7', keepDaily: '14', keepWeekly: '8', keepMonthly: '12' },
    });
  });

  it('keeps a failed load, and loads again when asked', async () => {
    let fail = true;
    const client = engine({
      'schedules.get': () => {
        if (fail) throw new IpcError('not_found', `No cluster with id ${clusterA.id}`);
        return daily;
      },
    });
    const store = await opened(client);
    expect(store.getState()).toMatchObject({ loadStatus: 'error', loadError: { code: 'not_found' } });
    fail = false;
    await store.getState().reload();
    expect(store.getState().loadStatus).toBe('ready');
  });

  it('shows schedule problems on save, and clears each once the input fixes it', async () => {
    const client = engine();
    const store = await opened(client);
    store.getState().setScheduleKind('weekly');
    store.getState().setTime('');
    await expect(store.getState().save()).resolves.toEqual({ kind: 'invalid' });
    expect(store.getState().scheduleProblems).toEqual({ time: 'required', days: 'required' });
    store.getState().setTime('3:00');
    expect(store.getState().scheduleProblems).toEqual({ days: 'required' });
    store.getState().toggleDay(3);
    expect(store.getState().scheduleProblems).toBeNull();
    expect(client.callsTo('schedules.set')).toHaveLength(0);

    await expect(store.getState().save()).resolves.toEqual({ kind: 'saved' });
    expect(client.callsTo('schedules.set').map((call) => call.params)).toEqual([
      { clusterId: clusterA.id, schedule: { kind: 'weekly', days: [3], time: '03:00' } },
    ]);
    expect(store.getState().schedule?.schedule).toEqual({ kind: 'weekly', days: [3], time: '03:00' });
  });

  it('removes the schedule with null, and saves nothing that did not change', async () => {
    const client = engine();
    const store = await opened(client);
    await expect(store.getState().save()).resolves.toEqual({ kind: 'saved' });
    expect(client.callsTo('schedules.set')).toHaveLength(0);
    expect(client.callsTo('retention.set')).toHaveLength(0);
    expect(client.callsTo('retention.preview')).toHaveLength(0);

    store.getState().setScheduleKind('none');
    await store.getState().save();
    expect(client.callsTo('schedules.set').map((call) => call.params)).toEqual([{ clusterId: clusterA.id, schedule: null }]);
    expect(store.getState().schedule).toMatchObject({ schedule: null, nextRunAt: null });
  });

  it('previews a policy: what it would delete, with the names of the points', async () => {
    const client = engine({
      'retention.preview': () => ({
        decisions: [decision(2, true, '2025-05-01T01:30:00.000Z'), decision(1, false, '2025-04-01T01:30:00.000Z')],
      }),
    });
    const store = await opened(client);
    store.getState().setRetentionField('keepLast', '1');
    const previewing = store.getState().previewRetention();
    expect(store.getState().preview?.status).toBe('loading');
    await previewing;
    const policy = { ...DEFAULT_RETENTION_POLICY, keepLast: 1 };
    expect(client.callsTo('retention.preview').map((call) => call.params)).toEqual([{ clusterId: clusterA.id, policy }]);
    expect(client.callsTo('points.list').map((call) => call.params)).toEqual([{ clusterId: clusterA.id }]);
    const preview = store.getState().preview;
    expect(preview).toMatchObject({ status: 'ready', policy });
    expect(deletions(preview).map((d) => d.pointId)).toEqual([P(1)]);
    expect(preview?.points[P(1)]?.vmName).toBe('web');
    // Previewing saves nothing.
    expect(client.callsTo('retention.set')).toHaveLength(0);
  });

  it('does not preview a policy with problems', async () => {
    const client = engine();
    const store = await opened(client);
    for (const field of ['keepLast', 'keepDaily', 'keepWeekly', 'keepMonthly'] as const) store.getState().setRetentionField(field, '0');
    await store.getState().previewRetention();
    expect(store.getState().retentionProblems).toEqual({ fields: {}, keepsNothing: true });
    expect(client.callsTo('retention.preview')).toHaveLength(0);
  });

  it('saving a policy that deletes points shows the preview first, and saves on the second press', async () => {
    const client = engine({
      'retention.preview': () => ({ decisions: [decision(2, true, '2025-05-01T01:30:00.000Z'), decision(1, false, '2025-04-01T01:30:00.000Z')] }),
    });
    const store = await opened(client);
    store.getState().setRetentionField('keepMonthly', '0');
    await expect(store.getState().save()).resolves.toEqual({ kind: 'review' });
    expect(client.callsTo('retention.set')).toHaveLength(0);
    expect(deletions(store.getState().preview)).toHaveLength(1);
    expect(store.getState().saving).toBe(false);

    await expect(store.getState().save()).resolves.toEqual({ kind: 'saved' });
    expect(client.callsTo('retention.preview')).toHaveLength(1);
    expect(client.callsTo('retention.set').map((call) => call.params)).toEqual([
      { clusterId: clusterA.id, policy: { ...DEFAULT_RETENTION_POLICY, keepMonthly: 0 } },
    ]);
    expect(store.getState().policy).toEqual({ ...DEFAULT_RETENTION_POLICY, keepMonthly: 0 });
  });

  it('a preview of another policy than the one in the form is made again before saving', async () => {
    const client = engine({
      'retention.preview': () => ({ decisions: [decision(1, false, '2025-04-01T01:30:00.000Z')] }),
    });
    const store = await opened(client);
    store.getState().setRetentionField('keepLast', '2');
    await store.getState().previewRetention();
    store.getState().setRetentionField('keepLast', '3');
    await expect(store.getState().save()).resolves.toEqual({ kind: 'review' });
    expect(client.callsTo('retention.preview').map((call) => (call.params as { policy: { keepLast: number } }).policy.keepLast)).toEqual([2, 3]);
  });

  it('a changed policy whose preview deletes nothing is saved in one press', async () => {
    const client = engine();
    const store = await opened(client);
    store.getState().setRetentionField('keepLast', '30');
    await expect(store.getState().save()).resolves.toEqual({ kind: 'saved' });
    expect(client.callsTo('retention.preview')).toHaveLength(1);
    expect(client.callsTo('retention.set')).toHaveLength(1);
  });

  it('a failed preview is shown, and the next press saves without it', async () => {
    const client = engine({
      'retention.preview': () => {
        throw new IpcError('unavailable', 'No repository is set up yet');
      },
    });
    const store = await opened(client);
    store.getState().setRetentionField('keepLast', '3');
    await expect(store.getState().save()).resolves.toEqual({ kind: 'review' });
    expect(store.getState().preview).toMatchObject({ status: 'error', error: { code: 'unavailable' } });
    await expect(store.getState().save()).resolves.toEqual({ kind: 'saved' });
    expect(client.callsTo('retention.set')).toHaveLength(1);
  });

  it('says which part failed to save', async () => {
    const client = engine({
      'retention.set': () => {
        throw new IpcError('invalid_params', 'policy: keepLast: Too big');
      },
    });
    const store = await opened(client);
    store.getState().setScheduleKind('none');
    store.getState().setRetentionField('keepLast', '30');
    await expect(store.getState().save()).resolves.toEqual({ kind: 'failed' });
    expect(store.getState()).toMatchObject({
      saving: false,
      saveError: { part: 'retention', error: { code: 'invalid_params', message: 'policy: keepLast: Too big' } },
      // The schedule was saved before the policy was refused.
      schedule: { schedule: null },
    });
  });

  it('closing drops the form and any answer still on its way', async () => {
    const answer = deferred<ClusterSchedule>();
    const client = engine({ 'schedules.get': () => answer.promise });
    const store = createClusterSettingsStore(client);
    const opening = store.getState().openFor(clusterA.id, clusterA.name);
    await flushPromises();
    store.getState().close();
    answer.resolve(daily);
    await opening;
    expect(store.getState()).toMatchObject({ open: false, clusterId: null, schedule: null, loadStatus: 'idle' });
  });
});
