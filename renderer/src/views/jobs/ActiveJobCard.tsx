// One job not yet ended, at the top of the Jobs view: what it is and what it does as a whole (its phase), its live
// progress and VMs, a link to its details and log, and Cancel (which asks first). Once cancel was sent the button
// stays, disabled, saying why.
import { useId, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { JobProgress } from '../../../../shared/model/job.js';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../i18n/format.js';
import { useStores } from '../../stores/index.js';
import { hashFor, jobRoute } from '../../stores/navigation-store.js';
import { JobItemsTable } from './JobItemsTable.js';
import { JobProgressSummary } from './JobProgressSummary.js';
import { JobStateBadge } from './JobStateBadge.js';
import { useJobTitle } from './job-title.js';

function CancelJobButton(props: { progress: JobProgress; title: string }): ReactNode {
  const { t } = useTranslation(['jobs']);
  const { jobs } = useStores();
  const requested = useStore(jobs, (state) => state.cancelRequested.includes(props.progress.jobId));
  const askCancel = useStore(jobs, (state) => state.askCancel);
  const reasonId = useId();
  return (
    <>
      <button
        type="button"
        className="button button-danger"
        aria-label={requested ? undefined : t('jobs:cancel.buttonLabel', { title: props.title })}
        aria-disabled={requested}
        aria-describedby={requested ? reasonId : undefined}
        onClick={() => {
          if (!requested) askCancel(props.progress.jobId, props.title);
        }}
      >
        {requested ? t('jobs:cancel.requested') : t('jobs:cancel.button')}
      </button>
      {requested ? (
        <p className="muted button-reason" id={reasonId}>
          {t('jobs:cancel.requestedReason')}
        </p>
      ) : null}
    </>
  );
}

export function ActiveJobCard(props: { progress: JobProgress; isOpen: boolean }): ReactNode {
  const { t } = useTranslation(['jobs']);
  const f = useFormat();
  const { progress } = props;
  const title = useJobTitle()(progress);
  const headingId = useId();
  // What the job does beyond its VMs (a backup's retention at its end; verify; prune), while it runs.
  const phase = progress.state === 'running' ? progress.phase : null;
  return (
    <article className={props.isOpen ? 'job-card panel job-card-open' : 'job-card panel'} aria-labelledby={headingId}>
      <header className="job-card-header">
        <div>
          <h3 id={headingId}>{title}</h3>
          <p className="job-card-kind">
            <span>{t(`jobs:kinds.${progress.kind}`)}</span>
            <JobStateBadge state={progress.state} />
            {phase === null ? null : <span className="job-phase">{t(`jobs:phases.${phase}`)}</span>}
          </p>
        </div>
        <div className="job-card-actions">
          <a
            className="button"
            href={hashFor(jobRoute(progress.jobId))}
            aria-current={props.isOpen ? 'true' : undefined}
            aria-label={t('jobs:detailsLabel', { title, when: f.dateTime(progress.startedAt ?? progress.updatedAt) })}
          >
            {t('jobs:details')}
          </a>
          <CancelJobButton progress={progress} title={title} />
        </div>
      </header>
      <JobProgressSummary progress={progress} />
      <JobItemsTable progress={progress} />
    </article>
  );
}
