// A cluster's VMs on the dashboard: state, newest restore point, its age, whether it is up to date, and the last
// attempt. A VM that needs a backup (none, or too old) is marked in words, not only by its row's colour; a failed
// attempt shows the engine's reason with "Copy details".
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { DashboardCluster, DashboardVm } from '../../../../shared/model/dashboard.js';
import { StateIcon, WarningIcon } from '../../components/Icons.js';
import { useFormat } from '../../i18n/format.js';
import { hashFor, jobRoute } from '../../stores/navigation-store.js';
import { describeAge } from './age.js';
import { CopyDetailsButton } from '../../components/Notices.js';

function Dash(): ReactNode {
  const { t } = useTranslation(['dashboard', 'common']);
  return (
    <>
      <span aria-hidden="true" className="muted">
        {t('dashboard:vms.none')}
      </span>
      <span className="visually-hidden">{t('common:unknown')}</span>
    </>
  );
}

function StatusCell(props: { vm: DashboardVm }): ReactNode {
  const { t } = useTranslation(['dashboard']);
  if (props.vm.gone) return <span className="badge">{t('dashboard:vms.goneStatus')}</span>;
  if (!props.vm.stale) {
    return (
      <span className="badge dashboard-current">
        <StateIcon shape="ok" />
        {t('dashboard:vms.current')}
      </span>
    );
  }
  return (
    <span className="badge dashboard-stale">
      <WarningIcon />
      {props.vm.lastPoint === null ? t('dashboard:vms.never') : t('dashboard:vms.stale')}
    </span>
  );
}

function LastAttemptCell(props: { vm: DashboardVm }): ReactNode {
  const { t } = useTranslation(['dashboard']);
  const f = useFormat();
  const attempt = props.vm.lastAttempt;
  if (attempt === null) return <span className="muted">{t('dashboard:vms.noAttempt')}</span>;
  const jobLink =
    attempt.jobId !== null ? (
      <a href={hashFor(jobRoute(attempt.jobId))} aria-label={t('dashboard:vms.viewJobLabel', { vm: props.vm.name })}>
        {t('dashboard:vms.viewJob')}
      </a>
    ) : null;
  if (attempt.result === 'succeeded') {
    return (
      <div className="dashboard-attempt">
        <span>{t('dashboard:vms.succeeded', { when: f.dateTime(attempt.at) })}</span>
        {jobLink}
      </div>
    );
  }
  const title = t('dashboard:vms.failureTitle', { vm: props.vm.name });
  return (
    <div className="dashboard-attempt dashboard-attempt-failed">
      <span className="dashboard-failed">
        <WarningIcon />
        {t('dashboard:vms.failed', { when: f.dateTime(attempt.at) })}
      </span>
      {attempt.error ? (
        <>
          <span className="selectable dashboard-failure">{attempt.error.message}</span>
          <span className="actions-inline">
            <CopyDetailsButton error={attempt.error} title={title} />
            {jobLink}
          </span>
        </>
      ) : (
        jobLink
      )}
    </div>
  );
}

export function VmTable(props: { cluster: DashboardCluster }): ReactNode {
  const { t } = useTranslation(['dashboard', 'clusters']);
  const f = useFormat();
  const caption = t('dashboard:cluster.vmsCaption', { cluster: props.cluster.name });
  if (props.cluster.vms.length === 0) return <p className="muted">{t('dashboard:cluster.noVms')}</p>;
  return (
    <div className="table-scroll" tabIndex={0} role="group" aria-label={caption}>
      <table className="data-table dashboard-vms">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('dashboard:vms.columnVm')}</th>
            <th scope="col">{t('dashboard:vms.columnState')}</th>
            <th scope="col">{t('dashboard:vms.columnLastBackup')}</th>
            <th scope="col">{t('dashboard:vms.columnAge')}</th>
            <th scope="col">{t('dashboard:vms.columnStatus')}</th>
            <th scope="col">{t('dashboard:vms.columnLastAttempt')}</th>
          </tr>
        </thead>
        <tbody>
          {props.cluster.vms.map((vm) => (
            <tr key={vm.ref.vmUuid} className={vm.stale ? 'dashboard-row-stale' : undefined}>
              <th scope="row">
                <span className="vm-name">{vm.name}</span>
                {vm.inInventory ? null : <span className="muted dashboard-vm-note">{t(vm.gone ? 'dashboard:vms.gone' : 'dashboard:vms.notOnHost')}</span>}
              </th>
              <td>{vm.state === null ? <Dash /> : t(`clusters:vms.states.${vm.state}`)}</td>
              <td className="nowrap">{vm.lastPoint === null ? <Dash /> : f.dateTime(vm.lastPoint.completedAt)}</td>
              <td className="nowrap">{vm.ageSeconds === null ? <Dash /> : describeAge(vm.ageSeconds, t)}</td>
              <td>
                <StatusCell vm={vm} />
              </td>
              <td>
                <LastAttemptCell vm={vm} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
