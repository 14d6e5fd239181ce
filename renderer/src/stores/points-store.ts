// The restore points in the repository, as the Restore points view lists them: grouped by cluster and VM, and
// filtered by VM name. The list is asked for again on `points.changed`; a cluster backup adds points one VM after
// another, so events that arrive while a list call is on its way are merged into one more call after it.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { PointList, PointSummary } from '../../../shared/model/point.js';
import type { EngineClient } from '../ipc/connect.js';
import { toStoreError, type LoadStatus, type StoreError } from './store-error.js';

export interface PointsState {
  points: PointSummary[];
  /** Manifests the engine could not read, each with its file and why. */
  damaged: PointList['damaged'];
  status: LoadStatus;
  error: StoreError | null;
  watchError: StoreError | null;
  /** What the user typed to filter by VM name. */
  filter: string;
  load(): Promise<void>;
  /** Follows `points.changed`; returns a function that stops following. */
  watch(): () => void;
  setFilter(filter: string): void;
}

export type PointsStore = StoreApi<PointsState>;

export interface VmPoints {
  vmUuid: string;
  /** The name in the VM's newest point. */
  vmName: string;
  /** Newest first. */
  points: PointSummary[];
}

export interface ClusterPoints {
  clusterId: string;
  /** The catalog's name, else the name recorded in the points; null when neither is known. */
  clusterName: string | null;
  /** Whether the catalog still knows the cluster. */
  inCatalog: boolean;
  vms: VmPoints[];
}

const byName = (a: string, b: string): number => a.localeCompare(b, undefined, { sensitivity: 'accent', numeric: true });

/** Whether a VM matches the filter: any name it had in its points contains the text, ignoring case. */
function matches(vm: VmPoints, filter: string): boolean {
  const wanted = filter.trim().toLocaleLowerCase();
  return wanted === '' || vm.points.some((point) => point.vmName.toLocaleLowerCase().includes(wanted));
}

/**
 * Points grouped by cluster (by name; unknown names last) then VM (by name), newest point first, keeping the VMs
 * whose name matches the filter. `clusterNames` are the names of the clusters the catalog knows, by id.
 */
export function groupPoints(
  points: readonly PointSummary[],
  clusterNames: Readonly<Record<string, string>>,
  filter = '',
): ClusterPoints[] {
  const clusters = new Map<string, Map<string, PointSummary[]>>();
  for (const point of points) {
    const clusterId = point.clusterId.toLowerCase();
    const vmUuid = point.vmUuid.toLowerCase();
    let vms = clusters.get(clusterId);
    if (!vms) clusters.set(clusterId, (vms = new Map()));
    const known = vms.get(vmUuid);
    if (known) known.push(point);
    else vms.set(vmUuid, [point]);
  }
  const catalog = new Map(Object.entries(clusterNames).map(([id, name]) => [id.toLowerCase(), name]));
  const groups: ClusterPoints[] = [];
  for (const [clusterId, vmMap] of clusters) {
    const vms: VmPoints[] = [];
    for (const [vmUuid, vmPoints] of vmMap) {
      const newestFirst = [...vmPoints].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
      const vm: VmPoints = { vmUuid, vmName: newestFirst[0]?.vmName ?? vmUuid, points: newestFirst };
      if (matches(vm, filter)) vms.push(vm);
    }
    if (vms.length === 0) continue;
    vms.sort((a, b) => byName(a.vmName, b.vmName) || a.vmUuid.localeCompare(b.vmUuid));
    const recorded = vms.flatMap((vm) => vm.points).find((point) => point.clusterName !== null)?.clusterName ?? null;
    const known = catalog.get(clusterId);
    groups.push({ clusterId, clusterName: known ?? recorded, inCatalog: known !== undefined, vms });
  }
  return groups.sort((a, b) => {
    if (a.clusterName === null || b.clusterName === null) return a.clusterName === null ? (b.clusterName === null ? 0 : 1) : -1;
    return byName(a.clusterName, b.clusterName) || a.clusterId.localeCompare(b.clusterId);
  });
}

export function createPointsStore(client: EngineClient): PointsStore {
  let loading: Promise<void> | null = null;
  /** A change was announced while a list call was on its way: ask once more after it. */
  let again = false;

  return createStore<PointsState>()((set) => {
    const fetchOnce = async (): Promise<void> => {
      set({ status: 'loading', error: null });
      try {
        const list = await client.call('points.list', {});
        set({ points: list.points, damaged: list.damaged, status: 'ready' });
      } catch (error) {
        set({ status: 'error', error: toStoreError(error) });
      }
    };

    const load = (): Promise<void> => {
      if (loading !== null) {
        again = true;
        return loading;
      }
      const run = async (): Promise<void> => {
        do {
          again = false;
          await fetchOnce();
        } while (again);
      };
      loading = run().finally(() => {
        loading = null;
      });
      return loading;
    };

    return {
      points: [],
      damaged: [],
      status: 'idle',
      error: null,
      watchError: null,
      filter: '',

      load,

      watch() {
        set({ watchError: null });
        return client.subscribe('points.changed', {}, () => void load(), {
          onError: (error) => set({ watchError: toStoreError(error) }),
        });
      },

      setFilter(filter) {
        set({ filter });
      },
    };
  });
}
