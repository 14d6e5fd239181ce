// The clusters known to the catalog, as the Clusters view lists them, and the changes made to that list: adding,
// editing and removing a cluster. The list follows `clusters.changed`, so a change made in another window (or by
// the CLI through a headless engine) shows here too; this window's own changes land at once from their answers.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Cluster, ClusterSummary, HostInput } from '../../../shared/model/cluster.js';
import type { EngineClient } from '../ipc/connect.js';
import { createLatestCall } from './latest-call.js';
import { toStoreError, type LoadStatus, type StoreError } from './store-error.js';

export type ClusterChange = { ok: true; cluster: Cluster } | { ok: false; error: StoreError };

/** The remove confirmation: which cluster, and whether the removal is on its way or failed. */
export interface Removal {
  clusterId: string;
  name: string;
  removing: boolean;
  error: StoreError | null;
}

export interface ClustersState {
  clusters: ClusterSummary[];
  status: LoadStatus;
  error: StoreError | null;
  /** Set when changes made elsewhere can no longer be followed (the subscription was refused). */
  watchError: StoreError | null;
  removal: Removal | null;
  load(): Promise<void>;
  /** Follows `clusters.changed`; returns a function that stops following. */
  watch(): () => void;
  add(input: { name: string; hosts: HostInput[] }): Promise<ClusterChange>;
  update(input: { id: string; name?: string; hosts?: HostInput[] }): Promise<ClusterChange>;
  /** Opens the confirmation for removing a cluster. */
  askRemove(clusterId: string): void;
  cancelRemove(): void;
  /** Removes the cluster being confirmed; resolves with its name once removed, null if not. */
  confirmRemove(): Promise<string | null>;
}

export type ClustersStore = StoreApi<ClustersState>;

/** The catalog lists clusters by name, case-insensitively; a cluster this window adds goes where it will be. */
function byName(a: ClusterSummary, b: ClusterSummary): number {
  return a.name.localeCompare(b.name, undefined, { sensitivity: 'accent' }) || a.id.localeCompare(b.id);
}

function summaryOf(cluster: Cluster): ClusterSummary {
  return { id: cluster.id, name: cluster.name, hostCount: cluster.hosts.length, createdAt: cluster.createdAt };
}

export function createClustersStore(client: EngineClient): ClustersStore {
  const listCall = createLatestCall();
  /** Counts `clusters.changed` events, so a list answer that raced an event does not undo it. */
  let eventCount = 0;

  return createStore<ClustersState>()((set, get) => {
    const upsert = (cluster: Cluster): void => {
      const others = get().clusters.filter((known) => known.id !== cluster.id);
      set({ clusters: [...others, summaryOf(cluster)].sort(byName) });
    };

    return {
      clusters: [],
      status: 'idle',
      error: null,
      watchError: null,
      removal: null,

      async load() {
        set({ status: 'loading', error: null });
        const eventsBefore = eventCount;
        const outcome = await listCall.run((signal) => client.call('clusters.list', {}, { signal }));
        if (outcome.kind === 'done') {
          // An event that arrived while the list was on its way is at least as new as the list.
          if (eventCount === eventsBefore) set({ clusters: outcome.value, status: 'ready' });
          else set({ status: 'ready' });
        } else if (outcome.kind === 'failed') set({ status: 'error', error: outcome.error });
      },

      watch() {
        set({ watchError: null });
        return client.subscribe(
          'clusters.changed',
          {},
          (payload) => {
            eventCount += 1;
            set({ clusters: [...payload.clusters].sort(byName), status: 'ready', error: null });
          },
          { onError: (error) => set({ watchError: toStoreError(error) }) },
        );
      },

      async add(input) {
        try {
          const cluster = await client.call('clusters.add', input);
          upsert(cluster);
          return { ok: true, cluster };
        } catch (error) {
          return { ok: false, error: toStoreError(error) };
        }
      },

      async update(input) {
        try {
          const cluster = await client.call('clusters.update', input);
          upsert(cluster);
          return { ok: true, cluster };
        } catch (error) {
          return { ok: false, error: toStoreError(error) };
        }
      },

      askRemove(clusterId) {
        const cluster = get().clusters.find((known) => known.id === clusterId);
        if (!cluster) return;
        set({ removal: { clusterId, name: cluster.name, removing: false, error: null } });
      },

      cancelRemove() {
        set({ removal: null });
      },

      async confirmRemove() {
        const removal = get().removal;
        if (removal === null || removal.removing) return null;
        set({ removal: { ...removal, removing: true, error: null } });
        try {
          await client.call('clusters.remove', { id: removal.clusterId });
          set({
            clusters: get().clusters.filter((known) => known.id !== removal.clusterId),
            removal: get().removal?.clusterId === removal.clusterId ? null : get().removal,
          });
          return removal.name;
        } catch (error) {
          const current = get().removal;
          if (current?.clusterId === removal.clusterId) set({ removal: { ...current, removing: false, error: toStoreError(error) } });
          return null;
        }
      },
    };
  });
}
