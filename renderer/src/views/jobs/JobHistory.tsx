// Every job, newest first, with how it ended; each opens its details (`#/jobs/<id>`).
import type { ReactNode } from 'react';
import type { JobSummary } from '../../../../shared/model/job.js';
import { useMessages } from '../../messages.js';
import { hashFor, jobRoute } from '../../stores/navigation-store.js';
import { JobStateBadge } from './JobStateBadge.js';

/** The attribute that marks a job's details link, so focus can go back to it when the details close. */
export const JOB_LINK_ATTRIBUTE = 'data-job-link';

export function JobHistory(props: { jobs: readonly JobSummary[]; openJobId: string | null; busy: boolean }): ReactNode {
  const m = useMessages();
  const j = m.jobs;
  return (
    <div className="table-scroll" tabIndex={0} role="group" aria-label={j.tableCaption}>
      <table className="data-table compact job-history" aria-busy={props.busy}>
        <caption className="visually-hidden">{j.tableCaption}</caption>
        <thead>
          <tr>
            <th scope="col">{j.columnTitle}</th>
            <th scope="col">{j.columnKind}</th>
            <th scope="col">{j.columnState}</th>
            <th scope="col">{j.columnCreated}</th>
            <th scope="col">{j.columnFinished}</th>
            <th scope="col" className="numeric">
              {j.columnItems}
            </th>
            <th scope="col" className="numeric">
              {j.columnData}
            </th>
            <th scope="col">
              <span className="visually-hidden">{j.columnDetails}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {props.jobs.map((job) => {
            const open = job.id === props.openJobId;
            return (
              <tr key={job.id} className={open ? 'is-open' : undefined}>
                <th scope="row">
                  {job.title}
                  {job.trigger === 'schedule' ? <span className="job-trigger muted">{j.triggers.schedule}</span> : null}
                </th>
                <td>{j.kinds[job.kind]}</td>
                <td>
                  <JobStateBadge state={job.state} />
                </td>
                <td className="nowrap">{m.formatDateTime(job.createdAt)}</td>
                <td className="nowrap">{job.finishedAt === null ? j.notFinished : m.formatDateTime(job.finishedAt)}</td>
                <td className="numeric">{j.itemsOutcome(job.itemsSucceeded, job.itemsFailed, job.itemCount)}</td>
                <td className="numeric">{m.formatBytes(job.bytesDone)}</td>
                <td>
                  <a
                    className="button button-small"
                    href={hashFor(jobRoute(job.id))}
                    aria-current={open ? 'true' : undefined}
                    aria-label={j.detailsLabel(job.title, m.formatDateTime(job.createdAt))}
                    {...{ [JOB_LINK_ATTRIBUTE]: job.id }}
                  >
                    {j.details}
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
