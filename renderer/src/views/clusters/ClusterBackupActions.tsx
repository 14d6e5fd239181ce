// A cluster's backup buttons and what became of them. "Back up cluster" starts every VM of the cluster; "Back up
// selected (N)" the VMs chosen in its table. While a request is on its way, or when there is nothing to start, a
// button stays focusable but disabled, with the reason next to it. Below the header the section says what runs:
// the cluster's backup in progress (a bar and a link to the job), how the backup started here ended, or an error.
import type { ReactNode } from 'react';
import { useStore } from 'zustand';
import { ButtonWithReason } from '../../components/ButtonWithReason.js';
import { progressPercent, shownFraction } from '../../components/progress-math.js';
import { BackupIcon } from '../../components/Icons.js';
import { ErrorNotice } from '../../components/Notices.js';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../i18n/format.js';
import { EMPTY_CLUSTER_BACKUP, type BackupScope } from '../../stores/backup-store.js';
import { useStores } from '../../stores/index.js';
import { activeBackupOf, isFinalState } from '../../stores/job-progress-store.js';
import { hashFor, jobRoute } from '../../stores/navigation-store.js';
import { JobProgressBar, workStatusOf } from '../jobs/JobProgressBar.js';
import { JobStateBadge } from '../jobs/JobStateBadge.js';

function useStartBackup(clusterId: string, clusterName: string): (scope: BackupScope) => Promise<void> {
  const { t } = useTranslation(['clusters', 'jobs', 'common']);
  const { backup, status } = useStores();
  return async (scope) => {
    const count = backup.getState().byCluster[clusterId]?.selected.length ?? 0;
    const outcome = scope === 'cluster' ? await backup.getState().startCluster(clusterId) : await backup.getState().startSelected(clusterId);
    if (outcome.ok) {
      status.getState().announce(scope === 'cluster' ? t('clusters:backup.started', { cluster: clusterName }) : t('clusters:backup.startedVms', { count, cluster: clusterName }));
    }
  };
}

export function BackUpClusterButton(props: { clusterId: string; clusterName: string }): ReactNode {
  const { t } = useTranslation(['clusters', 'jobs', 'common']);
  const { backup } = useStores();
  const starting = useStore(backup, (state) => state.byCluster[props.clusterId]?.starting ?? null);
  const start = useStartBackup(props.clusterId, props.clusterName);
  return (
    <ButtonWithReason
      className="button button-primary"
      label={t('clusters:backup.backUpClusterLabel', { cluster: props.clusterName })}
      disabledReason={starting !== null ? t('clusters:backup.startingReason') : null}
      onClick={() => void start('cluster')}
    >
      <BackupIcon />
      {starting === 'cluster' ? t('clusters:backup.starting') : t('clusters:backup.backUpCluster')}
    </ButtonWithReason>
  );
}

export function BackUpSelectedButton(props: { clusterId: string; clusterName: string }): ReactNode {
  const { t } = useTranslation(['clusters', 'jobs', 'common']);
  const { backup } = useStores();
  const entry = useStore(backup, (state) => state.byCluster[props.clusterId] ?? EMPTY_CLUSTER_BACKUP);
  const start = useStartBackup(props.clusterId, props.clusterName);
  const reason = entry.starting !== null ? t('clusters:backup.startingReason') : entry.selected.length === 0 ? t('clusters:backup.noneSelected') : null;
  return (
    <ButtonWithReason className="button" disabledReason={reason} onClick={() => void start('selected')}>
      <BackupIcon />
      {entry.starting === 'selected' ? t('clusters:backup.starting') : t('clusters:backup.backUpSelected', { selected: entry.selected.length })}
    </ButtonWithReason>
  );
}

export function ClusterBackupStatus(props: { clusterId: string; clusterName: string }): ReactNode {
  const { t } = useTranslation(['clusters', 'jobs', 'common']);
  const f = useFormat();
  const { backup, jobProgress } = useStores();
  const entry = useStore(backup, (state) => state.byCluster[props.clusterId] ?? EMPTY_CLUSTER_BACKUP);
  const dismiss = useStore(backup, (state) => state.dismiss);
  const active = useStore(jobProgress, (state) => activeBackupOf(state.byJob, props.clusterId));
  const startedJob = useStore(jobProgress, (state) => (entry.started ? state.byJob[entry.started.jobId] : undefined));

  const activeFraction = active ? shownFraction(active.bytesDone, active.bytesTotal, 'running') : null;
  const activePercent = activeFraction === null ? null : f.percent(progressPercent(activeFraction) / 100);

  const dismissButton = (
    <button type="button" className="button button-small button-quiet" onClick={() => dismiss(props.clusterId)}>
      {t('common:dismiss')}
    </button>
  );

  return (
    <>
      {entry.error ? (
        <div className="dismissable">
          <ErrorNotice title={t('clusters:backup.startFailed')} error={entry.error.error} />
          {dismissButton}
        </div>
      ) : null}
      {active ? (
        <div className="cluster-backup-running">
          <p className="cluster-backup-line">
            <span>{active.state === 'queued' ? t('clusters:backup.queued') : activePercent === null ? t('clusters:backup.running') : t('clusters:backup.runningPercent', { percent: activePercent })}</span>
            <a href={hashFor(jobRoute(active.jobId))} aria-label={t('clusters:backup.viewJobLabel', { cluster: props.clusterName })}>
              {t('clusters:backup.viewJob')}
            </a>
          </p>
          <JobProgressBar
            label={t('clusters:backup.progressLabel', { cluster: props.clusterName })}
            bytesDone={active.bytesDone}
            bytesTotal={active.bytesTotal}
            status={workStatusOf(active.state)}
            unknownText={active.state === 'queued' ? t('jobs:progress.queued') : t('jobs:progress.sizing')}
            size="small"
          />
        </div>
      ) : entry.started && startedJob && isFinalState(startedJob.state) ? (
        <div className="cluster-backup-line dismissable">
          <span>{t('clusters:backup.ended')}</span>
          <JobStateBadge state={startedJob.state} />
          <a href={hashFor(jobRoute(entry.started.jobId))} aria-label={t('clusters:backup.viewJobLabel', { cluster: props.clusterName })}>
            {t('clusters:backup.viewJob')}
          </a>
          {dismissButton}
        </div>
      ) : entry.started ? (
        <div className="cluster-backup-line dismissable">
          <span>
            {entry.started.vmCount === null ? t('clusters:backup.started', { cluster: props.clusterName }) : t('clusters:backup.startedVms', { count: entry.started.vmCount, cluster: props.clusterName })}
          </span>
          <a href={hashFor(jobRoute(entry.started.jobId))}>{t('clusters:backup.follow')}</a>
          {dismissButton}
        </div>
      ) : null}
    </>
  );
}
