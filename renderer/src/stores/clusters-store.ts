// The clusters known to the catalog, as the Clusters view lists them.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ClusterSummary } from '../../../shared/model/cluster.js';
import type { EngineClient } from '../ipc/connect.js';
import { createLatestCall } from './latest-call.js';
import type { LoadStatus, StoreError } from './store-error.js';

export interface ClustersState {
  clusters: ClusterSummary[];
  status: LoadStatus;
  error: StoreError | null;
  load(): Promise<void>;
}

export type ClustersStore = StoreApi<ClustersState>;

export function createClustersStore(client: EngineClient): ClustersStore {
  const listCall = createLatestCall();
  return createStore<ClustersState>()((set) => ({
    clusters: [],
    status: 'idle',
    error: null,

    async load() {
      set({ status: 'loading', error: null });
      const outcome = await listCall.run((signal) => client.call('clusters.list', {}, { signal }));
      if (outcome.kind === 'done') set({ clusters: outcome.value, status: 'ready' });
      else if (outcome.kind === 'failed') set({ status: 'error', error: outcome.error });
    },
  }));
}
