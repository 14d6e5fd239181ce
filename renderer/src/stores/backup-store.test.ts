import { describe, expect, it } from 'vitest';
import { IpcError } from '../../../shared/ipc/errors.js';
import { createFakeEngineClient, deferred, flushPromises } from '../testing/fake-engine-client.js';
import { backupJob, clusterA, clusterB, vmUuids } from '../testing/fixtures.js';
import { createBackupStore, EMPTY_CLUSTER_BACKUP, selectionState } from './backup-store.js';

const { web, db, mail } = vmUuids;

describe('choosing VMs', () => {
  it('toggles VMs per cluster, by lower-case UUID', () => {
    const store = createBackupStore(createFakeEngineClient());
    const { toggleVm } = store.getState();
    toggleVm(clusterA.id, web);
    toggleVm(clusterA.id, db.toUpperCase());
    toggleVm(clusterB.id, mail);
    expect(store.getState().byCluster[clusterA.id]?.selected).toEqual([web, db]);
    expect(store.getState().byCluster[clusterB.id]?.selected).toEqual([mail]);
    toggleVm(clusterA.id, web);
    expect(store.getState().byCluster[clusterA.id]?.selected).toEqual([db]);
  });

  it('selects and clears all the VMs of a cluster at once, keeping the order chosen', () => {
    const store = createBackupStore(createFakeEngineClient());
    store.getState().toggleVm(clusterA.id, db);
    store.getState().setVmsSelected(clusterA.id, [web, db, mail], true);
    expect(store.getState().byCluster[clusterA.id]?.selected).toEqual([db, web, mail]);
    store.getState().setVmsSelected(clusterA.id, [web, db, mail], false);
    expect(store.getState().byCluster[clusterA.id]?.selected).toEqual([]);
  });

  it('forgets chosen VMs that left the inventory, and changes nothing when none did', () => {
    const store = createBackupStore(createFakeEngineClient());
    store.getState().setVmsSelected(clusterA.id, [web, db], true);
    const before = store.getState();
    store.getState().keepOnlyVms(clusterA.id, [web, db, mail]);
    expect(store.getState()).toBe(before);
    store.getState().keepOnlyVms(clusterA.id, [db.toUpperCase(), mail]);
    expect(store.getState().byCluster[clusterA.id]?.selected).toEqual([db]);
  });

  it('says whether none, some or all VMs are chosen', () => {
    expect(selectionState([], [web, db])).toBe('none');
    expect(selectionState([web], [web, db])).toBe('some');
    expect(selectionState([web, db, mail], [web.toUpperCase(), db])).toBe('all');
    expect(selectionState([web], [])).toBe('none');
  });
});

describe('starting backups', () => {
  it('backs up a whole cluster and keeps the job to follow', async () => {
    const answer = deferred<{ jobId: string }>();
    const client = createFakeEngineClient({ 'backup.startCluster': () => answer.promise });
    const store = createBackupStore(client);
    const starting = store.getState().startCluster(clusterA.id);
    expect(store.getState().byCluster[clusterA.id]?.starting).toBe('cluster');
    // A second click while the first is on its way starts nothing.
    await expect(store.getState().startCluster(clusterA.id)).resolves.toEqual({ ok: false });
    answer.resolve({ jobId: backupJob.id });
    await expect(starting).resolves.toEqual({ ok: true, jobId: backupJob.id });
    expect(client.callsTo('backup.startCluster').map((call) => call.params)).toEqual([{ clusterId: clusterA.id }]);
    expect(store.getState().byCluster[clusterA.id]).toEqual({
      ...EMPTY_CLUSTER_BACKUP,
      started: { jobId: backupJob.id, scope: 'cluster', vmCount: null },
    });
  });

  it('backs up the chosen VMs and un-chooses them, keeping VMs chosen while the request was on its way', async () => {
    const answer = deferred<{ jobId: string }>();
    const client = createFakeEngineClient({ 'backup.startVms': () => answer.promise });
    const store = createBackupStore(client);
    store.getState().setVmsSelected(clusterA.id, [web, db], true);
    const starting = store.getState().startSelected(clusterA.id);
    expect(store.getState().byCluster[clusterA.id]?.starting).toBe('selected');
    await flushPromises();
    store.getState().toggleVm(clusterA.id, mail);
    answer.resolve({ jobId: backupJob.id });
    await expect(starting).resolves.toEqual({ ok: true, jobId: backupJob.id });
    expect(client.callsTo('backup.startVms').map((call) => call.params)).toEqual([{ clusterId: clusterA.id, vmUuids: [web, db] }]);
    expect(store.getState().byCluster[clusterA.id]).toMatchObject({
      selected: [mail],
      starting: null,
      started: { jobId: backupJob.id, scope: 'selected', vmCount: 2 },
    });
  });

  it('starts nothing without chosen VMs', async () => {
    const client = createFakeEngineClient({ 'backup.startVms': () => ({ jobId: backupJob.id }) });
    const store = createBackupStore(client);
    await expect(store.getState().startSelected(clusterA.id)).resolves.toEqual({ ok: false });
    expect(client.callsTo('backup.startVms')).toHaveLength(0);
  });

  it('keeps a refused start as the error of that button, and the chosen VMs', async () => {
    const client = createFakeEngineClient({
      'backup.startVms': () => {
        throw new IpcError('unavailable', 'no repository is configured');
      },
    });
    const store = createBackupStore(client);
    store.getState().toggleVm(clusterA.id, web);
    await expect(store.getState().startSelected(clusterA.id)).resolves.toEqual({ ok: false });
    expect(store.getState().byCluster[clusterA.id]).toEqual({
      selected: [web],
      starting: null,
      started: null,
      error: { scope: 'selected', error: { code: 'unavailable', message: 'no repository is configured' } },
    });
    store.getState().dismiss(clusterA.id);
    expect(store.getState().byCluster[clusterA.id]?.error).toBeNull();
  });
});
