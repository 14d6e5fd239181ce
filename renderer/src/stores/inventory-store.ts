// What each shown cluster holds right now: its hosts' states and its VMs. The store follows `inventory.changed`
// only for the clusters on screen (each cluster section watches its own and lets go when it goes away), keeps the
// newest inventory per cluster, and asks for a fresh one on "Refresh".
//
// A VM is one row per UUID whatever host it is on: the engine merges by UUID already, and the store holds to that
// too (an inventory listing a UUID twice, as a migration might momentarily, still gives one row), so a view keyed
// by UUID shows a migrated VM as the same row with another host.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ClusterInventory, HostStatus, VmSummary } from '../../../shared/model/inventory.js';
import type { EngineClient } from '../ipc/connect.js';
import { createLatestCall, type LatestCall } from './latest-call.js';
import { toStoreError, type StoreError } from './store-error.js';

export interface ClusterInventoryEntry {
  /** Null until the first inventory arrives. */
  inventory: ClusterInventory | null;
  refreshing: boolean;
  refreshError: StoreError | null;
  /** Set when the engine refused to keep this window informed about the cluster. */
  watchError: StoreError | null;
}

export interface InventoryState {
  byCluster: Readonly<Record<string, ClusterInventoryEntry>>;
  /** Starts following a cluster (or joins whoever already does); returns a function that lets go. */
  watch(clusterId: string): () => void;
  /** Asks the engine to re-list every host of the cluster now. */
  refresh(clusterId: string): Promise<void>;
}

export type InventoryStore = StoreApi<InventoryState>;

const EMPTY_ENTRY: ClusterInventoryEntry = { inventory: null, refreshing: false, refreshError: null, watchError: null };

/** Which of two sightings of one VM is the current one: running, then paused, then anything else. */
function rank(vm: VmSummary): number {
  return vm.state === 'running' ? 0 : vm.state === 'paused' ? 1 : 2;
}

/**
 * One VM per UUID, in the order the engine sent them. UUIDs are compared without case, as libvirt does, and kept
 * in lower case: the view keys rows by UUID, and a key that changed with the casing would make a new row.
 */
export function oneRowPerVm(vms: readonly VmSummary[]): VmSummary[] {
  const byUuid = new Map<string, VmSummary>();
  for (const sighting of vms) {
    const key = sighting.ref.vmUuid.toLowerCase();
    const vm = key === sighting.ref.vmUuid ? sighting : { ...sighting, ref: { ...sighting.ref, vmUuid: key } };
    const known = byUuid.get(key);
    if (!known) {
      byUuid.set(key, vm);
      continue;
    }
    const current = rank(vm) < rank(known) ? vm : known;
    byUuid.set(key, {
      ...current,
      seenOnHostIds: [...new Set([...known.seenOnHostIds, ...vm.seenOnHostIds, known.hostId, vm.hostId])],
      warnings: [...new Map([...known.warnings, ...vm.warnings].map((warning) => [JSON.stringify(warning), warning])).values()],
    });
  }
  return [...byUuid.values()];
}

function normalize(inventory: ClusterInventory): ClusterInventory {
  const vms = oneRowPerVm(inventory.vms);
  const unchanged = vms.length === inventory.vms.length && vms.every((vm, index) => vm === inventory.vms[index]);
  return unchanged ? inventory : { ...inventory, vms };
}

function isOlder(candidate: ClusterInventory, current: ClusterInventory | null): boolean {
  if (current === null) return false;
  const a = Date.parse(candidate.updatedAt);
  const b = Date.parse(current.updatedAt);
  return Number.isFinite(a) && Number.isFinite(b) && a < b;
}

/** The host a VM is on, as the user knows it; null when the inventory does not list that host. */
export function hostOf(inventory: ClusterInventory, hostId: string): HostStatus | null {
  return inventory.hosts.find((host) => host.hostId === hostId) ?? null;
}

interface Watch {
  count: number;
  stop: () => void;
  refreshCall: LatestCall;
  /** Aborted when the last watcher lets go, which cancels a refresh still on its way. */
  lifetime: AbortController;
}

export function createInventoryStore(client: EngineClient): InventoryStore {
  const watches = new Map<string, Watch>();

  return createStore<InventoryState>()((set, get) => {
    const patch = (clusterId: string, change: Partial<ClusterInventoryEntry>): void => {
      // Only clusters being watched have an entry: an answer for one that went off screen is dropped.
      if (!watches.has(clusterId)) return;
      const entry = get().byCluster[clusterId] ?? EMPTY_ENTRY;
      set({ byCluster: { ...get().byCluster, [clusterId]: { ...entry, ...change } } });
    };

    const receive = (clusterId: string, inventory: ClusterInventory): void => {
      if (inventory.clusterId !== clusterId) return;
      const current = get().byCluster[clusterId]?.inventory ?? null;
      // A refresh answer computed before an event that already arrived must not take the newer state back.
      if (isOlder(inventory, current)) return;
      patch(clusterId, { inventory: normalize(inventory), watchError: null });
    };

    return {
      byCluster: {},

      watch(clusterId) {
        let watch = watches.get(clusterId);
        if (watch) {
          watch.count += 1;
        } else {
          const created: Watch = {
            count: 1,
            stop: () => undefined,
            refreshCall: createLatestCall(),
            lifetime: new AbortController(),
          };
          watch = created;
          watches.set(clusterId, created);
          set({ byCluster: { ...get().byCluster, [clusterId]: EMPTY_ENTRY } });
          created.stop = client.subscribe('inventory.changed', { clusterId }, (inventory) => receive(clusterId, inventory), {
            onError: (error) => patch(clusterId, { watchError: toStoreError(error) }),
          });
        }
        const mine = watch;
        let released = false;
        return () => {
          if (released) return;
          released = true;
          mine.count -= 1;
          if (mine.count > 0 || watches.get(clusterId) !== mine) return;
          watches.delete(clusterId);
          mine.stop();
          mine.lifetime.abort();
          const rest = { ...get().byCluster };
          delete rest[clusterId];
          set({ byCluster: rest });
        };
      },

      async refresh(clusterId) {
        const watch = watches.get(clusterId);
        if (!watch) return;
        patch(clusterId, { refreshing: true, refreshError: null });
        const outcome = await watch.refreshCall.run((signal) =>
          client.call('inventory.get', { clusterId, refresh: true }, { signal: AbortSignal.any([signal, watch.lifetime.signal]) }),
        );
        if (outcome.kind === 'superseded' || watches.get(clusterId) !== watch) return;
        if (outcome.kind === 'done') {
          receive(clusterId, outcome.value);
          patch(clusterId, { refreshing: false });
        } else {
          patch(clusterId, { refreshing: false, refreshError: outcome.error });
        }
      },
    };
  });
}
