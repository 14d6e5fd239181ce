import { describe, expect, it } from 'vitest';
import { IpcError } from '../../../shared/ipc/errors.js';
import type { ClusterInventory } from '../../../shared/model/inventory.js';
import { createFakeEngineClient, deferred, flushPromises } from '../testing/fake-engine-client.js';
import { clusterA, clusterB, hostIds, hostStatus, inventoryOf, vm, vmWarningSamples } from '../testing/fixtures.js';
import { createInventoryStore, hostOf, oneRowPerVm } from './inventory-store.js';

const WEB = '8d0c6a4e-1f2b-4c3d-9e8f-0a1b2c3d4e5f';
const DB = '9e1d7b5f-2a3c-4d4e-8f9a-1b2c3d4e5f6a';

describe('inventory store', () => {
  it('follows a cluster only while it is watched, and forgets it afterwards', () => {
    const client = createFakeEngineClient();
    const store = createInventoryStore(client);
    const stop = store.getState().watch(clusterA.id);
    expect(client.subscriptions).toEqual([{ topic: 'inventory.changed', filter: { clusterId: clusterA.id }, active: true }]);
    expect(store.getState().byCluster[clusterA.id]).toEqual({ inventory: null, refreshing: false, refreshError: null, watchError: null });

    const first = inventoryOf([vm(WEB, 'web', hostIds.kvm1)], '2025-05-01T10:00:00.000Z');
    client.emit('inventory.changed', first);
    expect(store.getState().byCluster[clusterA.id]?.inventory).toEqual(first);

    stop();
    expect(client.subscriptions[0]?.active).toBe(false);
    expect(store.getState().byCluster).toEqual({});
    // Late events for a cluster no longer shown change nothing.
    client.emit('inventory.changed', first);
    expect(store.getState().byCluster).toEqual({});
  });

  it('shares one subscription among watchers of the same cluster (React mounts effects twice in development)', () => {
    const client = createFakeEngineClient();
    const store = createInventoryStore(client);
    const stopA = store.getState().watch(clusterA.id);
    const stopB = store.getState().watch(clusterA.id);
    const stopOther = store.getState().watch(clusterB.id);
    expect(client.subscriptions.filter((s) => s.active)).toHaveLength(2);

    stopA();
    stopA(); // a second call of the same release must not release the other watcher
    expect(client.subscriptions[0]?.active).toBe(true);
    stopB();
    expect(client.subscriptions[0]?.active).toBe(false);
    expect(Object.keys(store.getState().byCluster)).toEqual([clusterB.id]);
    stopOther();
  });

  it('keeps one row per VM UUID when a VM migrates to another host', () => {
    const client = createFakeEngineClient();
    const store = createInventoryStore(client);
    store.getState().watch(clusterA.id);
    const rows = (): { uuid: string; host: string | undefined }[] =>
      (store.getState().byCluster[clusterA.id]?.inventory?.vms ?? []).map((v) => ({
        uuid: v.ref.vmUuid,
        host: hostOf(store.getState().byCluster[clusterA.id]!.inventory!, v.hostId)?.label,
      }));

    client.emit('inventory.changed', inventoryOf([vm(DB, 'db', hostIds.kvm2), vm(WEB, 'web', hostIds.kvm1)], '2025-05-01T10:00:00.000Z'));
    expect(rows()).toEqual([
      { uuid: DB, host: 'kvm2' },
      { uuid: WEB, host: 'kvm1' },
    ]);

    // Mid-migration: both hosts list the VM (the destination paused, the source running). Still one row, on
    // the host that runs it, seen on both.
    client.emit(
      'inventory.changed',
      inventoryOf(
        [
          vm(DB, 'db', hostIds.kvm2),
          vm(WEB, 'web', hostIds.kvm3, { state: 'paused' }),
          vm(WEB.toUpperCase(), 'web', hostIds.kvm1),
        ],
        '2025-05-01T10:00:01.000Z',
      ),
    );
    expect(rows()).toEqual([
      { uuid: DB, host: 'kvm2' },
      { uuid: WEB, host: 'kvm1' },
    ]);
    expect(store.getState().byCluster[clusterA.id]?.inventory?.vms[1]?.seenOnHostIds.sort()).toEqual([hostIds.kvm1, hostIds.kvm3].sort());

    // Done: the VM runs on kvm3. Same UUID, same row, another host.
    client.emit('inventory.changed', inventoryOf([vm(DB, 'db', hostIds.kvm2), vm(WEB, 'web', hostIds.kvm3)], '2025-05-01T10:00:02.000Z'));
    expect(rows()).toEqual([
      { uuid: DB, host: 'kvm2' },
      { uuid: WEB, host: 'kvm3' },
    ]);
  });

  it('refreshes through inventory.get with refresh, and shows the answer', async () => {
    const fresh = inventoryOf([vm(WEB, 'web', hostIds.kvm1)], '2025-05-01T10:05:00.000Z');
    const client = createFakeEngineClient({ 'inventory.get': () => fresh });
    const store = createInventoryStore(client);
    store.getState().watch(clusterA.id);
    const refreshing = store.getState().refresh(clusterA.id);
    expect(store.getState().byCluster[clusterA.id]?.refreshing).toBe(true);
    await refreshing;
    expect(client.callsTo('inventory.get')[0]?.params).toEqual({ clusterId: clusterA.id, refresh: true });
    expect(store.getState().byCluster[clusterA.id]).toEqual({ inventory: fresh, refreshing: false, refreshError: null, watchError: null });
  });

  it('a refresh answer older than an event that arrived meanwhile does not take the newer state back', async () => {
    const answer = deferred<ClusterInventory>();
    const client = createFakeEngineClient({ 'inventory.get': () => answer.promise });
    const store = createInventoryStore(client);
    store.getState().watch(clusterA.id);
    const refreshing = store.getState().refresh(clusterA.id);
    await flushPromises();
    const newer = inventoryOf([vm(WEB, 'web', hostIds.kvm3)], '2025-05-01T10:00:02.000Z');
    client.emit('inventory.changed', newer);
    answer.resolve(inventoryOf([vm(WEB, 'web', hostIds.kvm1)], '2025-05-01T10:00:01.000Z'));
    await refreshing;
    expect(store.getState().byCluster[clusterA.id]).toMatchObject({ inventory: newer, refreshing: false });
  });

  it('keeps a failed refresh as refreshError, with the inventory it had', async () => {
    const client = createFakeEngineClient({
      'inventory.get': () => {
        throw new IpcError('not_found', `No cluster with id ${clusterA.id}`);
      },
    });
    const store = createInventoryStore(client);
    store.getState().watch(clusterA.id);
    const known = inventoryOf([], '2025-05-01T10:00:00.000Z');
    client.emit('inventory.changed', known);
    await store.getState().refresh(clusterA.id);
    expect(store.getState().byCluster[clusterA.id]).toEqual({
      inventory: known,
      refreshing: false,
      refreshError: { code: 'not_found', message: `No cluster with id ${clusterA.id}` },
      watchError: null,
    });
  });

  it('cancels a refresh still on its way when the cluster goes off screen', async () => {
    const client = createFakeEngineClient({ 'inventory.get': () => new Promise<ClusterInventory>(() => undefined) });
    const store = createInventoryStore(client);
    const stop = store.getState().watch(clusterA.id);
    const refreshing = store.getState().refresh(clusterA.id);
    await flushPromises();
    stop();
    await refreshing;
    expect(client.callsTo('inventory.get')[0]?.outcome).toBe('cancelled');
    expect(store.getState().byCluster).toEqual({});
  });

  it('keeps a refused subscription as watchError', () => {
    const client = createFakeEngineClient();
    const store = createInventoryStore(client);
    store.getState().watch(clusterA.id);
    client.refuseSubscriptions('inventory.changed', new IpcError('invalid_params', 'Invalid filter for inventory.changed'));
    expect(store.getState().byCluster[clusterA.id]?.watchError).toEqual({
      code: 'invalid_params',
      message: 'Invalid filter for inventory.changed',
    });
  });

  it('shows host states as the engine reports them, unreachable with its error', () => {
    const client = createFakeEngineClient();
    const store = createInventoryStore(client);
    store.getState().watch(clusterA.id);
    const down = hostStatus(hostIds.kvm2, 'kvm2', {
      state: 'unreachable',
      error: { code: 'unreachable', message: 'connect ECONNREFUSED 10.0.0.12:22' },
    });
    client.emit('inventory.changed', inventoryOf([], '2025-05-01T10:00:00.000Z', [hostStatus(hostIds.kvm1, 'kvm1'), down]));
    expect(hostOf(store.getState().byCluster[clusterA.id]!.inventory!, hostIds.kvm2)).toEqual(down);
  });
});

describe('oneRowPerVm', () => {
  it('leaves a list without duplicates as it is', () => {
    const vms = [vm(DB, 'db', hostIds.kvm2), vm(WEB, 'web', hostIds.kvm1)];
    expect(oneRowPerVm(vms)).toEqual(vms);
  });

  it('prefers the running sighting and merges where the VM was seen and its warnings', () => {
    const defined = vmWarningSamples.defined_on_several[0]!;
    const merged = oneRowPerVm([
      vm(WEB, 'web', hostIds.kvm1, { state: 'shut off', warnings: [defined] }),
      vm(WEB, 'web', hostIds.kvm2, { warnings: [{ ...defined }] }),
    ]);
    expect(merged).toHaveLength(1);
    expect(merged[0]).toMatchObject({ hostId: hostIds.kvm2, state: 'running', warnings: [defined] });
    expect(merged[0]?.seenOnHostIds).toEqual([hostIds.kvm1, hostIds.kvm2]);
  });
});
