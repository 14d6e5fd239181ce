// Starting backups from the Clusters view: a whole cluster in one click (`backup.startCluster`), or the VMs chosen
// in a cluster's VM table (`backup.startVms`). Per cluster the store keeps the chosen VMs (by UUID, so a VM that
// migrates stays chosen), the request on its way, what the engine answered (the job to follow) or its error.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { EngineClient } from '../ipc/connect.js';
import { toStoreError, type StoreError } from './store-error.js';

export type BackupScope = 'cluster' | 'selected';

export interface ClusterBackup {
  /** Chosen VM UUIDs (lower case), in the order they were chosen. */
  selected: readonly string[];
  /** The request on its way, if any. */
  starting: BackupScope | null;
  /** The job the last request started, for the "follow its progress" link. */
  started: { jobId: string; scope: BackupScope; vmCount: number | null } | null;
  error: { scope: BackupScope; error: StoreError } | null;
}

export type StartOutcome = { ok: true; jobId: string } | { ok: false };

export interface BackupState {
  byCluster: Readonly<Record<string, ClusterBackup>>;
  /** Chooses or un-chooses one VM. */
  toggleVm(clusterId: string, vmUuid: string): void;
  /** Chooses (or un-chooses) all the given VMs at once: the "select all" box. */
  setVmsSelected(clusterId: string, vmUuids: readonly string[], selected: boolean): void;
  /** Forgets chosen VMs that are no longer in the cluster's inventory. */
  keepOnlyVms(clusterId: string, vmUuids: readonly string[]): void;
  startCluster(clusterId: string): Promise<StartOutcome>;
  /** Backs up the chosen VMs; they are un-chosen once the job is started. */
  startSelected(clusterId: string): Promise<StartOutcome>;
  /** Hides the "backup started" and error messages of a cluster. */
  dismiss(clusterId: string): void;
}

export type BackupStore = StoreApi<BackupState>;

export const EMPTY_CLUSTER_BACKUP: ClusterBackup = { selected: [], starting: null, started: null, error: null };

/** What a "select all" box shows for a list of VMs: none, some (mixed) or all of them chosen. */
export function selectionState(selected: readonly string[], vmUuids: readonly string[]): 'none' | 'some' | 'all' {
  const chosen = new Set(selected);
  const count = vmUuids.filter((uuid) => chosen.has(uuid.toLowerCase())).length;
  if (count === 0) return 'none';
  return count === vmUuids.length ? 'all' : 'some';
}

export function createBackupStore(client: EngineClient): BackupStore {
  return createStore<BackupState>()((set, get) => {
    const entry = (clusterId: string): ClusterBackup => get().byCluster[clusterId] ?? EMPTY_CLUSTER_BACKUP;
    const patch = (clusterId: string, change: Partial<ClusterBackup>): void => {
      set({ byCluster: { ...get().byCluster, [clusterId]: { ...entry(clusterId), ...change } } });
    };
    const setSelected = (clusterId: string, selected: string[]): void => {
      const before = entry(clusterId).selected;
      if (selected.length === before.length && selected.every((uuid, index) => uuid === before[index])) return;
      patch(clusterId, { selected });
    };

    const start = async (clusterId: string, scope: BackupScope): Promise<StartOutcome> => {
      const current = entry(clusterId);
      if (current.starting !== null) return { ok: false };
      const vmUuids = [...current.selected];
      if (scope === 'selected' && vmUuids.length === 0) return { ok: false };
      patch(clusterId, { starting: scope, error: null, started: null });
      try {
        const { jobId } =
          scope === 'cluster'
            ? await client.call('backup.startCluster', { clusterId })
            : await client.call('backup.startVms', { clusterId, vmUuids });
        const sent = new Set(vmUuids);
        patch(clusterId, {
          starting: null,
          started: { jobId, scope, vmCount: scope === 'selected' ? vmUuids.length : null },
          // VMs chosen while the request was on its way stay chosen.
          selected: scope === 'selected' ? entry(clusterId).selected.filter((uuid) => !sent.has(uuid)) : entry(clusterId).selected,
        });
        return { ok: true, jobId };
      } catch (error) {
        patch(clusterId, { starting: null, error: { scope, error: toStoreError(error) } });
        return { ok: false };
      }
    };

    return {
      byCluster: {},

      toggleVm(clusterId, vmUuid) {
        const uuid = vmUuid.toLowerCase();
        const selected = entry(clusterId).selected;
        setSelected(clusterId, selected.includes(uuid) ? selected.filter((known) => known !== uuid) : [...selected, uuid]);
      },

      setVmsSelected(clusterId, vmUuids, selected) {
        const uuids = vmUuids.map((uuid) => uuid.toLowerCase());
        const current = entry(clusterId).selected;
        if (selected) setSelected(clusterId, [...current, ...uuids.filter((uuid) => !current.includes(uuid))]);
        else setSelected(clusterId, current.filter((uuid) => !uuids.includes(uuid)));
      },

      keepOnlyVms(clusterId, vmUuids) {
        const present = new Set(vmUuids.map((uuid) => uuid.toLowerCase()));
        setSelected(clusterId, entry(clusterId).selected.filter((uuid) => present.has(uuid)));
      },

      startCluster: (clusterId) => start(clusterId, 'cluster'),
      startSelected: (clusterId) => start(clusterId, 'selected'),

      dismiss(clusterId) {
        patch(clusterId, { started: null, error: null });
      },
    };
  });
}
