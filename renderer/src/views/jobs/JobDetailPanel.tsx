// The open job (`#/jobs/<id>`): its facts, its VMs with their results (live while it runs), and its log. The
// panel follows the job's own changes through the detail store; "Refresh" asks for the log again meanwhile.
import { useEffect, useId, useRef, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { JobProgress, JobSummary } from '../../../../shared/model/job.js';
import { RefreshIcon } from '../../components/Icons.js';
import { ErrorNotice, LoadingNotice } from '../../components/Notices.js';
import { JobErrorNotice } from './JobErrorNotice.js';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../i18n/format.js';
import { currentProgress } from '../../stores/job-detail-store.js';
import { isFinalState } from '../../stores/job-progress-store.js';
import { useStores } from '../../stores/index.js';
import { itemsOutcomeText, JOB_LINK_ATTRIBUTE } from './JobHistory.js';
import { hasItems, JobItemsTable } from './JobItemsTable.js';
import { JobLog } from './JobLog.js';
import { JobStateBadge } from './JobStateBadge.js';
import { useJobTitle } from './job-title.js';

function JobFacts(props: { summary: JobSummary; progress: JobProgress }): ReactNode {
  const { t } = useTranslation(['jobs']);
  const f = useFormat();
  const { summary, progress } = props;
  const finishedAt = summary.finishedAt;
  return (
    <dl className="facts job-detail-facts">
      <div>
        <dt>{t('jobs:detail.kind')}</dt>
        <dd>{t(`jobs:kinds.${summary.kind}`)}</dd>
      </div>
      <div>
        <dt>{t('jobs:detail.state')}</dt>
        <dd>
          {/* The snapshot is at least as new as the summary (which jobs.get gave with it). */}
          <JobStateBadge state={progress.state} />
        </dd>
      </div>
      <div>
        <dt>{t('jobs:detail.trigger')}</dt>
        <dd>{t(`jobs:triggers.${summary.trigger}`)}</dd>
      </div>
      <div>
        <dt>{t('jobs:detail.created')}</dt>
        <dd>{f.dateTime(summary.createdAt)}</dd>
      </div>
      <div>
        <dt>{t('jobs:detail.startedAt')}</dt>
        <dd>{summary.startedAt === null ? t('jobs:detail.notYet') : f.dateTime(summary.startedAt)}</dd>
      </div>
      <div>
        <dt>{t('jobs:detail.finished')}</dt>
        <dd>{finishedAt === null ? t('jobs:notFinished') : f.dateTime(finishedAt)}</dd>
      </div>
      <div>
        <dt>{t('jobs:detail.items')}</dt>
        <dd>{itemsOutcomeText(t, summary)}</dd>
      </div>
      <div>
        <dt>{summary.kind === 'restore' ? t('jobs:detail.dataWritten') : t('jobs:detail.data')}</dt>
        <dd>{f.bytes(Math.max(summary.bytesDone, progress.bytesDone))}</dd>
      </div>
    </dl>
  );
}

export function JobDetailPanel(props: { jobId: string; focusOnOpen: boolean; onClose: () => void }): ReactNode {
  const { t } = useTranslation(['jobs']);
  const { jobDetail, jobProgress } = useStores();
  const detail = useStore(jobDetail, (state) => (state.jobId === props.jobId ? state.detail : null));
  const status = useStore(jobDetail, (state) => state.status);
  const error = useStore(jobDetail, (state) => state.error);
  const watchError = useStore(jobDetail, (state) => state.watchError);
  const reload = useStore(jobDetail, (state) => state.reload);
  const live = useStore(jobProgress, (state) => state.byJob[props.jobId]);
  const jobTitle = useJobTitle();
  const headingId = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const { focusOnOpen, jobId } = props;

  useEffect(() => {
    if (focusOnOpen) headingRef.current?.focus();
  }, [focusOnOpen, jobId]);

  const progress = currentProgress(detail, live);
  const title = detail ? jobTitle(detail.summary) : live ? jobTitle(live) : null;
  // The job's card under "Running now" shows its live progress and VMs; the panel does not repeat them.
  const shownAbove = live !== undefined && !isFinalState(live.state);

  let body: ReactNode;
  if (detail === null) {
    body =
      status === 'error' && error ? (
        <ErrorNotice title={t('jobs:detail.loadFailed')} error={error} onRetry={() => void reload()} />
      ) : (
        <LoadingNotice>{t('jobs:detail.loading')}</LoadingNotice>
      );
  } else {
    const shown = progress ?? detail.progress;
    body = (
      <>
        <JobFacts summary={detail.summary} progress={shown} />
        {shownAbove ? (
          <p className="muted">{t('jobs:detail.liveAbove')}</p>
        ) : (
          <>
            {shown.error ? <JobErrorNotice title={t('jobs:detail.jobError')} error={shown.error} /> : null}
            {hasItems(shown) ? (
              <>
                <h3 className="cluster-subheading">{t('jobs:detail.itemsHeading')}</h3>
                <JobItemsTable progress={shown} />
              </>
            ) : null}
          </>
        )}
        <div className="job-log-header">
          <h3 className="cluster-subheading">{t('jobs:detail.logHeading')}</h3>
          <button type="button" className="button button-small" onClick={() => void reload()} aria-disabled={status === 'loading'}>
            <RefreshIcon />
            {t('jobs:detail.refreshLog')}
          </button>
        </div>
        {watchError ? <p className="muted">{t('jobs:detail.watchFailed')}</p> : null}
        <JobLog title={jobTitle(detail.summary)} lines={detail.log} />
      </>
    );
  }

  return (
    <section className="panel job-detail" aria-labelledby={headingId}>
      <header className="job-detail-header">
        <h2 id={headingId} ref={headingRef} tabIndex={-1}>
          {title === null ? t('jobs:detail.loading') : t('jobs:detail.heading', { title })}
        </h2>
        <button type="button" className="button" onClick={props.onClose}>
          {t('jobs:detail.close')}
        </button>
      </header>
      {body}
    </section>
  );
}

/** Where focus goes when the details close: the job's link in the history, else the view's heading. */
export function focusAfterDetailClose(jobId: string): void {
  const link = document.querySelector<HTMLElement>(`[${JOB_LINK_ATTRIBUTE}="${CSS.escape(jobId)}"]`);
  (link ?? document.querySelector<HTMLElement>('.view-heading'))?.focus();
}
