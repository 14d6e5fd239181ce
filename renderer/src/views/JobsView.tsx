import { useEffect, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { JobsIcon } from '../components/Icons.js';
import { EmptyState, ErrorNotice, LoadingNotice } from '../components/Notices.js';
import { ViewHeading } from '../components/ViewHeading.js';
import { useMessages } from '../messages.js';
import { useStores } from '../stores/index.js';

export function JobsView(): ReactNode {
  const m = useMessages();
  const { jobs: store } = useStores();
  const jobs = useStore(store, (state) => state.jobs);
  const status = useStore(store, (state) => state.status);
  const error = useStore(store, (state) => state.error);
  const load = useStore(store, (state) => state.load);

  useEffect(() => {
    void load();
  }, [load]);

  let content: ReactNode;
  if (status === 'error' && error) {
    content = <ErrorNotice title={m.jobs.loadFailed} error={error} onRetry={() => void load()} />;
  } else if (status === 'ready' && jobs.length === 0) {
    content = (
      <EmptyState title={m.jobs.emptyTitle} icon={<JobsIcon />}>
        <p>{m.jobs.emptyBody}</p>
      </EmptyState>
    );
  } else if (jobs.length === 0) {
    content = <LoadingNotice>{m.jobs.loading}</LoadingNotice>;
  } else {
    content = (
      <table className="data-table" aria-busy={status === 'loading'}>
        <caption className="visually-hidden">{m.jobs.tableCaption}</caption>
        <thead>
          <tr>
            <th scope="col">{m.jobs.columnTitle}</th>
            <th scope="col">{m.jobs.columnKind}</th>
            <th scope="col">{m.jobs.columnState}</th>
            <th scope="col">{m.jobs.columnCreated}</th>
            <th scope="col">{m.jobs.columnFinished}</th>
          </tr>
        </thead>
        <tbody>
          {jobs.map((job) => (
            <tr key={job.id}>
              <th scope="row">{job.title}</th>
              <td>{m.jobs.kinds[job.kind]}</td>
              <td>
                <span className={`job-state job-state-${job.state}`}>{m.jobs.states[job.state]}</span>
              </td>
              <td>{m.formatDateTime(job.createdAt)}</td>
              <td>{job.finishedAt === null ? m.jobs.notFinished : m.formatDateTime(job.finishedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    );
  }

  return (
    <>
      <ViewHeading>{m.views.jobs}</ViewHeading>
      {content}
    </>
  );
}
