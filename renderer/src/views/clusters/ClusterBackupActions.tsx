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
import { useMessages } from '../../messages.js';
import { EMPTY_CLUSTER_BACKUP, type BackupScope } from '../../stores/backup-store.js';
import { useStores } from '../../stores/index.js';
import { activeBackupOf, isFinalState } from '../../stores/job-progress-store.js';
import { hashFor, jobRoute } from '../../stores/navigation-store.js';
import { JobProgressBar, workStatusOf } from '../jobs/JobProgressBar.js';
import { JobStateBadge } from '../jobs/JobStateBadge.js';

function useStartBackup(clusterId: string, clusterName: string): (scope: BackupScope) => Promise<void> {
  const m = useMessages();
  const { backup, status } = useStores();
  return async (scope) => {
    const count = backup.getState().byCluster[clusterId]?.selected.length ?? 0;
    const outcome = scope === 'cluster' ? await backup.getState().startCluster(clusterId) : await backup.getState().startSelected(clusterId);
    if (outcome.ok) {
      status.getState().announce(scope === 'cluster' ? m.clusters.backup.started(clusterName) : m.clusters.backup.startedVms(count, clusterName));
    }
  };
}

export function BackUpClusterButton(props: { clusterId: string; clusterName: string }): ReactNode {
  const m = useMessages();
  const b = m.clusters.backup;
  const { backup } = useStores();
  const starting = useStore(backup, (state) => state.byCluster[props.clusterId]?.starting ?? null);
  const start = useStartBackup(props.clusterId, props.clusterName);
  return (
    <ButtonWithReason
      className="button button-primary"
      label={b.backUpClusterLabel(props.clusterName)}
      disabledReason={starting !== null ? b.startingReason : null}
      onClick={() => void start('cluster')}
    >
      <BackupIcon />
      {starting === 'cluster' ? b.starting : b.backUpCluster}
    </ButtonWithReason>
  );
}

export function BackUpSelectedButton(props: { clusterId: string; clusterName: string }): ReactNode {
  const m = useMessages();
  const b = m.clusters.backup;
  const { backup } = useStores();
  const entry = useStore(backup, (state) => state.byCluster[props.clusterId] ?? EMPTY_CLUSTER_BACKUP);
  const start = useStartBackup(props.clusterId, props.clusterName);
  const reason = entry.starting !== null ? b.startingReason : entry.selected.length === 0 ? b.noneSelected : null;
  return (
    <ButtonWithReason className="button" disabledReason={reason} onClick={() => void start('selected')}>
      <BackupIcon />
      {entry.starting === 'selected' ? b.starting : b.backUpSelected(entry.selected.length)}
    </ButtonWithReason>
  );
}

export function ClusterBackupStatus(props: { clusterId: string; clusterName: string }): ReactNode {
  const m = useMessages();
  const b = m.clusters.backup;
  const { backup, jobProgress } = useStores();
  const entry = useStore(backup, (state) => state.byCluster[props.clusterId] ?? EMPTY_CLUSTER_BACKUP);
  const dismiss = useStore(backup, (state) => state.dismiss);
  const active = useStore(jobProgress, (state) => activeBackupOf(state.byJob, props.clusterId));
  const startedJob = useStore(jobProgress, (state) => (entry.started ? state.byJob[entry.started.jobId] : undefined));

  const activeFraction = active ? shownFraction(active.bytesDone, active.bytesTotal, 'running') : null;
  const activePercent = activeFraction === null ? null : m.formatPercent(progressPercent(activeFraction) / 100);

  const dismissButton = (
    <button type="button" className="button button-small button-quiet" onClick={() => dismiss(props.clusterId)}>
      {m.common.dismiss}
    </button>
  );

  return (
    <>
      {entry.error ? (
        <div className="dismissable">
          <ErrorNotice title={b.startFailed} error={entry.error.error} />
          {dismissButton}
        </div>
      ) : null}
      {active ? (
        <div className="cluster-backup-running">
          <p className="cluster-backup-line">
            <span>{active.state === 'queued' ? b.queued : b.running(activePercent)}</span>
            <a href={hashFor(jobRoute(active.jobId))} aria-label={b.viewJobLabel(props.clusterName)}>
              {b.viewJob}
            </a>
          </p>
          <JobProgressBar
            label={b.progressLabel(props.clusterName)}
            bytesDone={active.bytesDone}
            bytesTotal={active.bytesTotal}
            status={workStatusOf(active.state)}
            unknownText={active.state === 'queued' ? m.jobs.progress.queued : m.jobs.progress.sizing}
            size="small"
          />
        </div>
      ) : entry.started && startedJob && isFinalState(startedJob.state) ? (
        <div className="cluster-backup-line dismissable">
          <span>{b.ended}</span>
          <JobStateBadge state={startedJob.state} />
          <a href={hashFor(jobRoute(entry.started.jobId))} aria-label={b.viewJobLabel(props.clusterName)}>
            {b.viewJob}
          </a>
          {dismissButton}
        </div>
      ) : entry.started ? (
        <div className="cluster-backup-line dismissable">
          <span>
            {entry.started.vmCount === null ? b.started(props.clusterName) : b.startedVms(entry.started.vmCount, props.clusterName)}
          </span>
          <a href={hashFor(jobRoute(entry.started.jobId))}>{b.follow}</a>
          {dismissButton}
        </div>
      ) : null}
    </>
  );
}
