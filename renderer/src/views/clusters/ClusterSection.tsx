// One cluster: its name and actions (back up the cluster, its backup settings, refresh, edit, remove), its backup
// in progress, its hosts with their states, and its VMs, each with a checkbox to back up only the chosen ones. The
// section follows the cluster's inventory while it is mounted. VM rows are keyed by UUID, never by host: a VM that
// migrates stays the same row (and stays chosen) and only its host cell changes.
import { useEffect, useId, type ReactNode } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import type { ClusterSummary } from '../../../../shared/model/cluster.js';
import type { ClusterInventory, HostStatus, VmDisk, VmState, VmSummary } from '../../../../shared/model/inventory.js';
import { RefreshIcon, ScheduleIcon, StateIcon, WarningIcon } from '../../components/Icons.js';
import { ErrorNotice, LoadingNotice } from '../../components/Notices.js';
import { useFormat, type Formatters } from '../../i18n/format.js';
import { useStores } from '../../stores/index.js';
import { hostOf } from '../../stores/inventory-store.js';
import { BackUpClusterButton, BackUpSelectedButton, ClusterBackupStatus } from './ClusterBackupActions.js';
import { SelectAllVmsCheckbox, SelectionCount, VmCheckbox } from './VmSelection.js';
import { vmWarningText } from './vm-warning.js';

function Unknown(): ReactNode {
  const { t } = useTranslation(['clusters', 'common']);
  return (
    <>
      <span aria-hidden="true" className="muted">
        —
      </span>
      <span className="visually-hidden">{t('common:unknown')}</span>
    </>
  );
}

/** A table that scrolls sideways in a narrow window; focusable, so keyboard users can scroll it too. */
function ScrollBox(props: { label: string; children: ReactNode }): ReactNode {
  return (
    <div className="table-scroll" tabIndex={0} role="group" aria-label={props.label}>
      {props.children}
    </div>
  );
}

const HOST_SHAPES = { connected: 'ok', connecting: 'pending', unreachable: 'problem' } as const;

const VM_SHAPES: Record<VmState, 'ok' | 'paused' | 'stopped' | 'problem' | 'other'> = {
  running: 'ok',
  paused: 'paused',
  suspended: 'paused',
  'shut off': 'stopped',
  crashed: 'problem',
  other: 'other',
};

function HostStateBadge(props: { state: HostStatus['state'] }): ReactNode {
  const { t } = useTranslation(['clusters', 'common']);
  return (
    <span className={`badge badge-host-${props.state}`}>
      <StateIcon shape={HOST_SHAPES[props.state]} />
      {t(`clusters:hosts.states.${props.state}`)}
    </span>
  );
}

function VmStateBadge(props: { state: VmState }): ReactNode {
  const { t } = useTranslation(['clusters', 'common']);
  return (
    <span className={`badge badge-vm-${props.state.replace(' ', '-')}`}>
      <StateIcon shape={VM_SHAPES[props.state]} />
      {t(`clusters:vms.states.${props.state}`)}
    </span>
  );
}

function HostError(props: { host: HostStatus; error: { code: string; message: string }; id: string }): ReactNode {
  const { t } = useTranslation(['clusters', 'common']);
  const { status } = useStores();
  const announce = useStore(status, (state) => state.announce);
  const text = `${props.error.code}: ${props.error.message}`;
  const copy = (): void => {
    // The clipboard API is refused outside secure contexts; the text stays selectable for copying by hand.
    const write = navigator.clipboard?.writeText(text) ?? Promise.reject(new Error('no clipboard'));
    write.then(
      () => announce(t('clusters:hosts.errorCopied')),
      () => announce(t('common:copyFailed')),
    );
  };
  return (
    <li className="host-error">
      <WarningIcon />
      <p className="host-error-text" id={props.id}>
        <span className="host-error-host">{t('clusters:hosts.errorLabel', { host: props.host.label })}: </span>
        <code className="selectable">{text}</code>
      </p>
      <button type="button" className="button button-small" onClick={copy} aria-label={t('clusters:hosts.copyErrorLabel', { host: props.host.label })}>
        {t('clusters:hosts.copyError')}
      </button>
    </li>
  );
}

function HostsTable(props: { inventory: ClusterInventory; clusterName: string }): ReactNode {
  const { t } = useTranslation(['clusters', 'common']);
  const f = useFormat();
  const errorIdPrefix = useId();
  const errorId = (host: HostStatus): string => `${errorIdPrefix}-${host.hostId}`;
  const failing = props.inventory.hosts.filter((host) => host.error !== null);
  return (
    <>
      <ScrollBox label={t('clusters:hosts.caption', { cluster: props.clusterName })}>
        <table className="data-table compact">
          <caption className="visually-hidden">{t('clusters:hosts.caption', { cluster: props.clusterName })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('clusters:hosts.columnHost')}</th>
              <th scope="col">{t('clusters:hosts.columnHostname')}</th>
              <th scope="col">{t('clusters:hosts.columnState')}</th>
              <th scope="col">{t('clusters:hosts.columnCpu')}</th>
              <th scope="col" className="numeric">
                {t('clusters:hosts.columnMemory')}
              </th>
              <th scope="col">{t('clusters:hosts.columnLibvirt')}</th>
              <th scope="col">{t('clusters:hosts.columnQemu')}</th>
            </tr>
          </thead>
          <tbody>
            {props.inventory.hosts.map((host) => (
              <tr key={host.hostId}>
                <th scope="row" className="host-label-cell">
                  {host.label}
                </th>
                <td className="host-label-cell">{host.hostname ?? <Unknown />}</td>
                {/* The error is listed under the table, where it has room to wrap; the state points to it. */}
                <td aria-describedby={host.error ? errorId(host) : undefined}>
                  <HostStateBadge state={host.state} />
                </td>
                <td>
                  {host.cpus === null ? (
                    <Unknown />
                  ) : (
                    <>
                      <span className="nowrap">{t('clusters:hosts.cpuCount', { count: host.cpus })}</span>
                      {host.cpuModel ? <span className="cpu-model muted">{host.cpuModel}</span> : null}
                    </>
                  )}
                </td>
                <td className="numeric">{host.memoryBytes === null ? <Unknown /> : f.bytes(host.memoryBytes)}</td>
                <td>{host.libvirtVersion ?? <Unknown />}</td>
                <td>{host.hypervisorVersion ?? <Unknown />}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollBox>
      {failing.length > 0 ? (
        <ul className="host-errors">
          {failing.map((host) =>
            host.error ? <HostError key={host.hostId} host={host} error={host.error} id={errorId(host)} /> : null,
          )}
        </ul>
      ) : null}
    </>
  );
}

function diskText(disk: VmDisk, t: TFunction<['clusters']>, f: Formatters): string {
  const capacity = disk.capacityBytes === null ? t('clusters:vms.sizeUnknown') : f.bytes(disk.capacityBytes);
  return disk.allocationBytes === null
    ? t('clusters:vms.disk', { target: disk.target, capacity })
    : t('clusters:vms.diskUsed', { target: disk.target, capacity, used: f.bytes(disk.allocationBytes) });
}

function VmRow(props: { vm: VmSummary; inventory: ClusterInventory }): ReactNode {
  const { t } = useTranslation(['clusters', 'common']);
  const f = useFormat();
  const { vm } = props;
  const host = hostOf(props.inventory, vm.hostId);
  return (
    <tr>
      <td className="select-cell">
        <VmCheckbox clusterId={vm.ref.clusterId} vmUuid={vm.ref.vmUuid} vmName={vm.name} />
      </td>
      <th scope="row">
        <span className="vm-name">{vm.name}</span>
        {vm.warnings.length > 0 ? (
          <ul className="vm-warnings">
            {vm.warnings.map((warning, index) => (
              <li key={`${index}:${warning.code}`}>
                <WarningIcon />
                <span>
                  <span className="visually-hidden">{t('common:warning')}: </span>
                  {vmWarningText(t, warning)}
                </span>
              </li>
            ))}
          </ul>
        ) : null}
      </th>
      <td>
        <VmStateBadge state={vm.state} />
      </td>
      <td className="host-cell">{host ? host.label : <span className="muted">{t('clusters:vms.unknownHost')}</span>}</td>
      <td className="numeric">{vm.vcpus}</td>
      <td className="numeric">{f.bytes(vm.memoryBytes)}</td>
      <td>
        {vm.disks.length === 0 ? (
          <span className="muted">{t('clusters:vms.noDisks')}</span>
        ) : (
          <ul className="disk-list">
            {vm.disks.map((disk) => (
              <li key={disk.target}>{diskText(disk, t, f)}</li>
            ))}
          </ul>
        )}
      </td>
    </tr>
  );
}

function VmsTable(props: { inventory: ClusterInventory; clusterName: string }): ReactNode {
  const { t } = useTranslation(['clusters', 'common']);
  const { clusterId } = props.inventory;
  if (props.inventory.vms.length === 0) return <p className="muted">{t('clusters:vms.none')}</p>;
  return (
    <ScrollBox label={t('clusters:vms.caption', { cluster: props.clusterName })}>
      <table className="data-table compact vm-table">
        <caption className="visually-hidden">{t('clusters:vms.caption', { cluster: props.clusterName })}</caption>
        <thead>
          <tr>
            <th scope="col" className="select-cell">
              <SelectAllVmsCheckbox
                clusterId={clusterId}
                clusterName={props.clusterName}
                vmUuids={props.inventory.vms.map((vm) => vm.ref.vmUuid)}
              />
            </th>
            <th scope="col">{t('clusters:vms.columnName')}</th>
            <th scope="col">{t('clusters:vms.columnState')}</th>
            <th scope="col">{t('clusters:vms.columnHost')}</th>
            <th scope="col" className="numeric">
              {t('clusters:vms.columnCpus')}
            </th>
            <th scope="col" className="numeric">
              {t('clusters:vms.columnMemory')}
            </th>
            <th scope="col">{t('clusters:vms.columnDisks')}</th>
          </tr>
        </thead>
        <tbody>
          {props.inventory.vms.map((vm) => (
            <VmRow key={vm.ref.vmUuid} vm={vm} inventory={props.inventory} />
          ))}
        </tbody>
      </table>
    </ScrollBox>
  );
}

export function ClusterSection(props: { cluster: ClusterSummary }): ReactNode {
  const { t } = useTranslation(['clusters', 'common']);
  const f = useFormat();
  const { cluster } = props;
  const { inventory: store, addCluster, clusters, status, backup, clusterSettings } = useStores();
  const entry = useStore(store, (state) => state.byCluster[cluster.id]);
  const watch = useStore(store, (state) => state.watch);
  const refresh = useStore(store, (state) => state.refresh);
  const openEdit = useStore(addCluster, (state) => state.openEdit);
  const askRemove = useStore(clusters, (state) => state.askRemove);
  const openSettings = useStore(clusterSettings, (state) => state.openFor);
  const announce = useStore(status, (state) => state.announce);
  const headingId = useId();

  useEffect(() => watch(cluster.id), [watch, cluster.id]);

  const inventory = entry?.inventory ?? null;
  const refreshing = entry?.refreshing ?? false;

  // A VM that left the cluster (removed, or not listed by any host now) cannot stay chosen unseen.
  useEffect(() => {
    if (inventory !== null) backup.getState().keepOnlyVms(cluster.id, inventory.vms.map((vm) => vm.ref.vmUuid));
  }, [backup, cluster.id, inventory]);

  const onRefresh = async (): Promise<void> => {
    if (refreshing) return;
    await refresh(cluster.id);
    const after = store.getState().byCluster[cluster.id];
    if (after && after.refreshError === null) announce(t('clusters:refreshed', { name: cluster.name }));
  };

  const facts: string[] = [t('clusters:hostCount', { count: inventory?.hosts.length ?? cluster.hostCount })];
  if (inventory) facts.push(t('clusters:vmCount', { count: inventory.vms.length }), t('clusters:updatedAt', { when: f.dateTime(inventory.updatedAt) }));

  return (
    <section className="cluster panel" aria-labelledby={headingId}>
      <header className="cluster-header">
        <div className="cluster-title">
          <h2 id={headingId}>{cluster.name}</h2>
          <p className="muted cluster-facts">{facts.join(' · ')}</p>
        </div>
        <div className="cluster-actions" role="group" aria-label={t('clusters:actionsLabel', { cluster: cluster.name })}>
          <BackUpClusterButton clusterId={cluster.id} clusterName={cluster.name} />
          <button
            type="button"
            className="button"
            aria-label={t('clusters:backupSettingsLabel', { cluster: cluster.name })}
            onClick={() => void openSettings(cluster.id, cluster.name)}
          >
            <ScheduleIcon />
            {t('clusters:backupSettings')}
          </button>
          <button type="button" className="button" onClick={() => void onRefresh()} aria-disabled={refreshing}>
            <RefreshIcon />
            {refreshing ? t('clusters:refreshing') : t('clusters:refresh')}
          </button>
          <button type="button" className="button" onClick={() => void openEdit(cluster.id)}>
            {t('clusters:edit')}
          </button>
          <button type="button" className="button button-danger" onClick={() => askRemove(cluster.id)}>
            {t('clusters:remove')}
          </button>
        </div>
      </header>

      <ClusterBackupStatus clusterId={cluster.id} clusterName={cluster.name} />
      {entry?.refreshError ? <ErrorNotice title={t('clusters:refreshFailed')} error={entry.refreshError} /> : null}
      {entry?.watchError ? <p className="muted">{t('clusters:inventoryWatchFailed')}</p> : null}

      {inventory === null ? (
        // Without a subscription nothing will arrive by itself; the message above says to refresh.
        entry?.watchError ? null : <LoadingNotice>{t('clusters:waitingForInventory')}</LoadingNotice>
      ) : (
        <>
          <h3 className="cluster-subheading">{t('clusters:hosts.heading')}</h3>
          <HostsTable inventory={inventory} clusterName={cluster.name} />
          <div className="vm-toolbar">
            <h3 className="cluster-subheading">{t('clusters:vms.heading')}</h3>
            {inventory.vms.length > 0 ? (
              <>
                <SelectionCount clusterId={cluster.id} total={inventory.vms.length} />
                <BackUpSelectedButton clusterId={cluster.id} clusterName={cluster.name} />
              </>
            ) : null}
          </div>
          <VmsTable inventory={inventory} clusterName={cluster.name} />
        </>
      )}
    </section>
  );
}
