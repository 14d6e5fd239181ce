// One job not yet ended, at the top of the Jobs view: what it is and what it does as a whole (its phase), its live
// progress and VMs, a link to its details and log, and Cancel (which asks first). Once cancel was sent the button
// stays, disabled, saying why.
import { useId, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { JobProgress } from '../../../../shared/model/job.js';
import { useMessages } from '../../messages.js';
import { useStores } from '../../stores/index.js';
import { hashFor, jobRoute } from '../../stores/navigation-store.js';
import { JobItemsTable } from './JobItemsTable.js';
import { JobProgressSummary } from './JobProgressSummary.js';
import { JobStateBadge } from './JobStateBadge.js';

function CancelJobButton(props: { progress: JobProgress }): ReactNode {
  const m = useMessages();
  const c = m.jobs.cancel;
  const { jobs } = useStores();
  const requested = useStore(jobs, (state) => state.cancelRequested.includes(props.progress.jobId));
  const askCancel = useStore(jobs, (state) => state.askCancel);
  const reasonId = useId();
  return (
    <>
      <button
        type="button"
        className="button button-danger"
        aria-label={requested ? undefined : c.buttonLabel(props.progress.title)}
        aria-disabled={requested}
        aria-describedby={requested ? reasonId : undefined}
        onClick={() => {
          if (!requested) askCancel(props.progress.jobId, props.progress.title);
        }}
      >
        {requested ? c.requested : c.button}
      </button>
      {requested ? (
        <p className="muted button-reason" id={reasonId}>
          {c.requestedReason}
        </p>
      ) : null}
    </>
  );
}

export function ActiveJobCard(props: { progress: JobProgress; isOpen: boolean }): ReactNode {
  const m = useMessages();
  const { progress } = props;
  const headingId = useId();
  // What the job does beyond its VMs (a backup's retention at its end; verify; prune), while it runs.
  const phase = progress.state === 'running' ? progress.phase : null;
  return (
    <article className={props.isOpen ? 'job-card panel job-card-open' : 'job-card panel'} aria-labelledby={headingId}>
      <header className="job-card-header">
        <div>
          <h3 id={headingId}>{progress.title}</h3>
          <p className="job-card-kind">
            <span>{m.jobs.kinds[progress.kind]}</span>
            <JobStateBadge state={progress.state} />
            {phase === null ? null : <span className="job-phase">{m.jobs.phases[phase]}</span>}
          </p>
        </div>
        <div className="job-card-actions">
          <a
            className="button"
            href={hashFor(jobRoute(progress.jobId))}
            aria-current={props.isOpen ? 'true' : undefined}
            aria-label={m.jobs.detailsLabel(progress.title, m.formatDateTime(progress.startedAt ?? progress.updatedAt))}
          >
            {m.jobs.details}
          </a>
          <CancelJobButton progress={progress} />
        </div>
      </header>
      <JobProgressSummary progress={progress} />
      <JobItemsTable progress={progress} />
    </article>
  );
}
