// One cluster on the dashboard: its hosts, VM count, how many VMs need a backup, the next scheduled run, the
// "Back up cluster" button of the Clusters view (and its backup in progress), then its VMs.
import { useId, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { DashboardCluster } from '../../../../shared/model/dashboard.js';
import { WarningIcon } from '../../components/Icons.js';
import { useFormat } from '../../i18n/format.js';
import { BackUpClusterButton, ClusterBackupStatus } from '../clusters/ClusterBackupActions.js';
import { describeAge } from './age.js';
import { VmTable } from './VmTable.js';

export function ClusterCard(props: { cluster: DashboardCluster }): ReactNode {
  const { t } = useTranslation(['dashboard']);
  const f = useFormat();
  const headingId = useId();
  const { cluster } = props;
  const { hosts } = cluster;
  return (
    <section aria-labelledby={headingId} className="panel dashboard-cluster">
      <div className="cluster-header">
        <h2 id={headingId}>{cluster.name}</h2>
        <div className="cluster-actions">
          <BackUpClusterButton clusterId={cluster.clusterId} clusterName={cluster.name} />
        </div>
      </div>
      <ul className="dashboard-cluster-facts" aria-label={t('dashboard:cluster.factsLabel', { cluster: cluster.name })}>
        <li>{t('dashboard:cluster.vmCount', { count: cluster.vmCount })}</li>
        <li>{t('dashboard:cluster.hosts', { connected: hosts.connected, total: hosts.total })}</li>
        {hosts.connecting > 0 ? <li className="muted">{t('dashboard:cluster.hostsConnecting', { count: hosts.connecting })}</li> : null}
        {hosts.unreachable > 0 ? (
          <li className="dashboard-warning">
            <WarningIcon />
            {t('dashboard:cluster.hostsUnreachable', { count: hosts.unreachable })}
          </li>
        ) : null}
        {cluster.staleVmCount > 0 ? (
          <li className="dashboard-warning">
            <WarningIcon />
            {t('dashboard:cluster.staleCount', { count: cluster.staleVmCount })}
          </li>
        ) : (
          <li>{t('dashboard:cluster.allCurrent')}</li>
        )}
        <li>{cluster.nextRunAt === null ? t('dashboard:cluster.noSchedule') : t('dashboard:cluster.nextRun', { when: f.dateTime(cluster.nextRunAt) })}</li>
      </ul>
      <ClusterBackupStatus clusterId={cluster.clusterId} clusterName={cluster.name} />
      <p className="muted dashboard-note">{t('dashboard:cluster.staleAfter', { age: describeAge(cluster.staleAfterHours * 3600, t) })}</p>
      <VmTable cluster={cluster} />
    </section>
  );
}
