// Choosing VMs to back up: a checkbox per VM row and one in the column header that chooses all or none (showing
// "mixed" when some are chosen). Native checkboxes, so Tab and Space work as everywhere else.
import { useEffect, useRef, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { useTranslation } from 'react-i18next';
import { EMPTY_CLUSTER_BACKUP, selectionState } from '../../stores/backup-store.js';
import { useStores } from '../../stores/index.js';

export function VmCheckbox(props: { clusterId: string; vmUuid: string; vmName: string }): ReactNode {
  const { t } = useTranslation(['clusters']);
  const { backup } = useStores();
  const checked = useStore(backup, (state) => (state.byCluster[props.clusterId]?.selected ?? []).includes(props.vmUuid.toLowerCase()));
  const toggleVm = useStore(backup, (state) => state.toggleVm);
  return (
    <input
      type="checkbox"
      className="checkbox"
      checked={checked}
      aria-label={t('clusters:vms.chooseVm', { vm: props.vmName })}
      onChange={() => toggleVm(props.clusterId, props.vmUuid)}
    />
  );
}

export function SelectAllVmsCheckbox(props: { clusterId: string; clusterName: string; vmUuids: readonly string[] }): ReactNode {
  const { t } = useTranslation(['clusters']);
  const { backup } = useStores();
  const selected = useStore(backup, (state) => state.byCluster[props.clusterId]?.selected ?? EMPTY_CLUSTER_BACKUP.selected);
  const setVmsSelected = useStore(backup, (state) => state.setVmsSelected);
  const ref = useRef<HTMLInputElement>(null);
  const state = selectionState(selected, props.vmUuids);

  // "Some chosen" exists only as a DOM property; browsers expose it as a mixed checkbox.
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = state === 'some';
  }, [state]);

  return (
    <input
      ref={ref}
      type="checkbox"
      className="checkbox"
      checked={state === 'all'}
      aria-label={t('clusters:vms.chooseAll', { cluster: props.clusterName })}
      onChange={() => setVmsSelected(props.clusterId, props.vmUuids, state !== 'all')}
    />
  );
}

export function SelectionCount(props: { clusterId: string; total: number }): ReactNode {
  const { t } = useTranslation(['clusters']);
  const { backup } = useStores();
  const count = useStore(backup, (state) => state.byCluster[props.clusterId]?.selected.length ?? 0);
  return <span className="muted">{t('clusters:vms.chosen', { chosen: count, count: props.total })}</span>;
}
