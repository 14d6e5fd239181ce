// Jobs: the jobs running now at the top with their live progress, the open job's details (`#/jobs/<id>`), and the
// history below. Progress follows `jobs.progress` and the history `jobs.changed` while the view is shown.
import { useContext, useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { JobsIcon } from '../components/Icons.js';
import { EmptyState, ErrorNotice, LoadingNotice } from '../components/Notices.js';
import { FocusHeadingOnMount, ViewHeading } from '../components/ViewHeading.js';
import { useTranslation } from 'react-i18next';
import { useStores } from '../stores/index.js';
import { activeJobs } from '../stores/job-progress-store.js';
import { ActiveJobCard } from './jobs/ActiveJobCard.js';
import { CancelJobDialog } from './jobs/CancelJobDialog.js';
import { focusAfterDetailClose, JobDetailPanel } from './jobs/JobDetailPanel.js';
import { JobHistory } from './jobs/JobHistory.js';

function ActiveJobs(props: { openJobId: string | null }): ReactNode {
  const { t } = useTranslation(['jobs', 'common']);
  const { jobProgress } = useStores();
  const byJob = useStore(jobProgress, (state) => state.byJob);
  const watchError = useStore(jobProgress, (state) => state.watchError);
  const headingId = useId();
  const active = activeJobs(byJob);
  return (
    <section className="active-jobs" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('jobs:activeHeading')}</h2>
      {watchError ? <p className="muted">{t('jobs:progressWatchFailed')}</p> : null}
      {active.length === 0 ? (
        <p className="muted">{t('jobs:noneActive')}</p>
      ) : (
        active.map((progress) => <ActiveJobCard key={progress.jobId} progress={progress} isOpen={progress.jobId === props.openJobId} />)
      )}
    </section>
  );
}

function HistorySection(props: { openJobId: string | null }): ReactNode {
  const { t } = useTranslation(['jobs', 'common']);
  const { jobs: store } = useStores();
  const jobs = useStore(store, (state) => state.jobs);
  const status = useStore(store, (state) => state.status);
  const error = useStore(store, (state) => state.error);
  const watchError = useStore(store, (state) => state.watchError);
  const load = useStore(store, (state) => state.load);
  const headingId = useId();

  let content: ReactNode;
  if (status === 'error' && error && jobs.length === 0) {
    content = <ErrorNotice title={t('jobs:loadFailed')} error={error} onRetry={() => void load()} />;
  } else if (status === 'ready' && jobs.length === 0) {
    content = (
      <EmptyState title={t('jobs:emptyTitle')} icon={<JobsIcon />}>
        <p>{t('jobs:emptyBody')}</p>
      </EmptyState>
    );
  } else if (jobs.length === 0) {
    content = <LoadingNotice>{t('jobs:loading')}</LoadingNotice>;
  } else {
    content = (
      <>
        {status === 'error' && error ? <ErrorNotice title={t('jobs:loadFailed')} error={error} onRetry={() => void load()} /> : null}
        <JobHistory jobs={jobs} openJobId={props.openJobId} busy={status === 'loading'} />
      </>
    );
  }

  return (
    <section className="job-history-section" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('jobs:historyHeading')}</h2>
      {watchError ? <p className="muted">{t('jobs:historyWatchFailed')}</p> : null}
      {content}
    </section>
  );
}

export function JobsView(): ReactNode {
  const { t } = useTranslation(['jobs', 'common']);
  const { jobs, jobProgress, jobDetail, navigation } = useStores();
  const route = useStore(navigation, (state) => state.route);
  const navigate = useStore(navigation, (state) => state.navigate);
  const openJobId = route.view === 'jobs' ? (route.jobId ?? null) : null;
  const focusOnMount = useContext(FocusHeadingOnMount);
  // The details take focus when opened from within the view, or when the user came here to see them.
  const initialJobId = useRef(openJobId).current;
  const [jobChanged, setJobChanged] = useState(false);
  if (!jobChanged && openJobId !== initialJobId) setJobChanged(true);

  // Subscribe before loading, so a job that starts or ends between the two is not missed.
  useEffect(() => {
    const stopProgress = jobProgress.getState().watch();
    const stopHistory = jobs.getState().watch();
    void jobs.getState().load();
    return () => {
      stopProgress();
      stopHistory();
      jobs.getState().dismissCancel();
    };
  }, [jobs, jobProgress]);

  useEffect(() => {
    if (openJobId === null) jobDetail.getState().close();
    else void jobDetail.getState().open(openJobId);
  }, [jobDetail, openJobId]);

  useEffect(() => () => jobDetail.getState().close(), [jobDetail]);

  const closeDetail = (): void => {
    if (openJobId === null) return;
    navigate({ view: 'jobs' });
    focusAfterDetailClose(openJobId);
  };

  return (
    <div className="jobs-view">
      <ViewHeading>{t('common:views.jobs')}</ViewHeading>
      <ActiveJobs openJobId={openJobId} />
      {openJobId === null ? null : (
        <JobDetailPanel key={openJobId} jobId={openJobId} focusOnOpen={jobChanged || focusOnMount} onClose={closeDetail} />
      )}
      <HistorySection openJobId={openJobId} />
      <CancelJobDialog />
    </div>
  );
}
