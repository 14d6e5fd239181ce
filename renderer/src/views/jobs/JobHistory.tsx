// Every job, newest first, with how it ended; each opens its details (`#/jobs/<id>`).
import type { TFunction } from 'i18next';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { JobSummary } from '../../../../shared/model/job.js';
import { useFormat } from '../../i18n/format.js';
import { hashFor, jobRoute } from '../../stores/navigation-store.js';
import { JobStateBadge } from './JobStateBadge.js';
import { useJobTitle } from './job-title.js';

/** The attribute that marks a job's details link, so focus can go back to it when the details close. */
export const JOB_LINK_ATTRIBUTE = 'data-job-link';

/** How many VMs of a job succeeded (and how many failed) of all; a dash for a job without VMs. */
export function itemsOutcomeText(t: TFunction<['jobs']>, job: Pick<JobSummary, 'itemsSucceeded' | 'itemsFailed' | 'itemCount'>): string {
  if (job.itemCount === 0) return t('jobs:noItems');
  const counts = { succeeded: job.itemsSucceeded, total: job.itemCount };
  return job.itemsFailed === 0 ? t('jobs:itemsOutcome', counts) : t('jobs:itemsOutcomeFailed', { ...counts, failed: job.itemsFailed });
}

export function JobHistory(props: { jobs: readonly JobSummary[]; openJobId: string | null; busy: boolean }): ReactNode {
  const { t } = useTranslation(['jobs']);
  const f = useFormat();
  const jobTitle = useJobTitle();
  return (
    <div className="table-scroll" tabIndex={0} role="group" aria-label={t('jobs:tableCaption')}>
      <table className="data-table compact job-history" aria-busy={props.busy}>
        <caption className="visually-hidden">{t('jobs:tableCaption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('jobs:columnTitle')}</th>
            <th scope="col">{t('jobs:columnKind')}</th>
            <th scope="col">{t('jobs:columnState')}</th>
            <th scope="col">{t('jobs:columnCreated')}</th>
            <th scope="col">{t('jobs:columnFinished')}</th>
            <th scope="col" className="numeric">
              {t('jobs:columnItems')}
            </th>
            <th scope="col" className="numeric">
              {t('jobs:columnData')}
            </th>
            <th scope="col">
              <span className="visually-hidden">{t('jobs:columnDetails')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {props.jobs.map((job) => {
            const open = job.id === props.openJobId;
            const title = jobTitle(job);
            return (
              <tr key={job.id} className={open ? 'is-open' : undefined}>
                <th scope="row">
                  {title}
                  {job.trigger === 'schedule' ? <span className="job-trigger muted">{t('jobs:triggers.schedule')}</span> : null}
                </th>
                <td>{t(`jobs:kinds.${job.kind}`)}</td>
                <td>
                  <JobStateBadge state={job.state} />
                </td>
                <td className="nowrap">{f.dateTime(job.createdAt)}</td>
                <td className="nowrap">{job.finishedAt === null ? t('jobs:notFinished') : f.dateTime(job.finishedAt)}</td>
                <td className="numeric">{itemsOutcomeText(t, job)}</td>
                <td className="numeric">{f.bytes(job.bytesDone)}</td>
                <td>
                  <a
                    className="button button-small"
                    href={hashFor(jobRoute(job.id))}
                    aria-current={open ? 'true' : undefined}
                    aria-label={t('jobs:detailsLabel', { title, when: f.dateTime(job.createdAt) })}
                    {...{ [JOB_LINK_ATTRIBUTE]: job.id }}
                  >
                    {t('jobs:details')}
                  </a>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
