// The open job (`#/jobs/<id>`): its facts, its VMs with their results (live while it runs), and its log. The
// panel follows the job's own changes through the detail store; "Refresh" asks for the log again meanwhile.
import { useEffect, useId, useRef, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { JobProgress, JobSummary } from '../../../../shared/model/job.js';
import { RefreshIcon } from '../../components/Icons.js';
import { ErrorNotice, LoadingNotice } from '../../components/Notices.js';
import { JobErrorNotice } from './JobErrorNotice.js';
import { useMessages } from '../../messages.js';
import { currentProgress } from '../../stores/job-detail-store.js';
import { isFinalState } from '../../stores/job-progress-store.js';
import { useStores } from '../../stores/index.js';
import { JOB_LINK_ATTRIBUTE } from './JobHistory.js';
import { hasItems, JobItemsTable } from './JobItemsTable.js';
import { JobLog } from './JobLog.js';
import { JobStateBadge } from './JobStateBadge.js';

function JobFacts(props: { summary: JobSummary; progress: JobProgress }): ReactNode {
  const m = useMessages();
  const d = m.jobs.detail;
  const { summary, progress } = props;
  const finishedAt = summary.finishedAt;
  return (
    <dl className="facts job-detail-facts">
      <div>
        <dt>{d.kind}</dt>
        <dd>{m.jobs.kinds[summary.kind]}</dd>
      </div>
      <div>
        <dt>{d.state}</dt>
        <dd>
          {/* The snapshot is at least as new as the summary (which jobs.get gave with it). */}
          <JobStateBadge state={progress.state} />
        </dd>
      </div>
      <div>
        <dt>{d.trigger}</dt>
        <dd>{m.jobs.triggers[summary.trigger]}</dd>
      </div>
      <div>
        <dt>{d.created}</dt>
        <dd>{m.formatDateTime(summary.createdAt)}</dd>
      </div>
      <div>
        <dt>{d.startedAt}</dt>
        <dd>{summary.startedAt === null ? d.notYet : m.formatDateTime(summary.startedAt)}</dd>
      </div>
      <div>
        <dt>{d.finished}</dt>
        <dd>{finishedAt === null ? m.jobs.notFinished : m.formatDateTime(finishedAt)}</dd>
      </div>
      <div>
        <dt>{d.items}</dt>
        <dd>{m.jobs.itemsOutcome(summary.itemsSucceeded, summary.itemsFailed, summary.itemCount)}</dd>
      </div>
      <div>
        <dt>{summary.kind === 'restore' ? d.dataWritten : d.data}</dt>
        <dd>{m.formatBytes(Math.max(summary.bytesDone, progress.bytesDone))}</dd>
      </div>
    </dl>
  );
}

export function JobDetailPanel(props: { jobId: string; focusOnOpen: boolean; onClose: () => void }): ReactNode {
  const m = useMessages();
  const d = m.jobs.detail;
  const { jobDetail, jobProgress } = useStores();
  const detail = useStore(jobDetail, (state) => (state.jobId === props.jobId ? state.detail : null));
  const status = useStore(jobDetail, (state) => state.status);
  const error = useStore(jobDetail, (state) => state.error);
  const watchError = useStore(jobDetail, (state) => state.watchError);
  const reload = useStore(jobDetail, (state) => state.reload);
  const live = useStore(jobProgress, (state) => state.byJob[props.jobId]);
  const headingId = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const { focusOnOpen, jobId } = props;

  useEffect(() => {
    if (focusOnOpen) headingRef.current?.focus();
  }, [focusOnOpen, jobId]);

  const progress = currentProgress(detail, live);
  const title = detail?.summary.title ?? live?.title ?? null;
  // The job's card under "Running now" shows its live progress and VMs; the panel does not repeat them.
  const shownAbove = live !== undefined && !isFinalState(live.state);

  let body: ReactNode;
  if (detail === null) {
    body =
      status === 'error' && error ? (
        <ErrorNotice title={d.loadFailed} error={error} onRetry={() => void reload()} />
      ) : (
        <LoadingNotice>{d.loading}</LoadingNotice>
      );
  } else {
    const shown = progress ?? detail.progress;
    body = (
      <>
        <JobFacts summary={detail.summary} progress={shown} />
        {shownAbove ? (
          <p className="muted">{d.liveAbove}</p>
        ) : (
          <>
            {shown.error ? <JobErrorNotice title={d.jobError} error={shown.error} /> : null}
            {hasItems(shown) ? (
              <>
                <h3 className="cluster-subheading">{d.itemsHeading}</h3>
                <JobItemsTable progress={shown} />
              </>
            ) : null}
          </>
        )}
        <div className="job-log-header">
          <h3 className="cluster-subheading">{d.logHeading}</h3>
          <button type="button" className="button button-small" onClick={() => void reload()} aria-disabled={status === 'loading'}>
            <RefreshIcon />
            {d.refreshLog}
          </button>
        </div>
        {watchError ? <p className="muted">{d.watchFailed}</p> : null}
        <JobLog title={detail.summary.title} lines={detail.log} />
      </>
    );
  }

  return (
    <section className="panel job-detail" aria-labelledby={headingId}>
      <header className="job-detail-header">
        <h2 id={headingId} ref={headingRef} tabIndex={-1}>
          {title === null ? d.loading : d.heading(title)}
        </h2>
        <button type="button" className="button" onClick={props.onClose}>
          {d.close}
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
