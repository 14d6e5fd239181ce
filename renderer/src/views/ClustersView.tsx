import { useEffect, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { ClustersIcon } from '../components/Icons.js';
import { EmptyState, ErrorNotice, LoadingNotice } from '../components/Notices.js';
import { ViewHeading } from '../components/ViewHeading.js';
import { useMessages } from '../messages.js';
import { useStores } from '../stores/index.js';

export function ClustersView(): ReactNode {
  const m = useMessages();
  const { clusters: store } = useStores();
  const clusters = useStore(store, (state) => state.clusters);
  const status = useStore(store, (state) => state.status);
  const error = useStore(store, (state) => state.error);
  const load = useStore(store, (state) => state.load);

  // Clusters change only through this app for now, and there is no event for them yet: reading them each time
  // the view opens keeps it current.
  useEffect(() => {
    void load();
  }, [load]);

  let content: ReactNode;
  if (status === 'error' && error) {
    content = <ErrorNotice title={m.clusters.loadFailed} error={error} onRetry={() => void load()} />;
  } else if (status === 'ready' && clusters.length === 0) {
    content = (
      <EmptyState title={m.clusters.emptyTitle} icon={<ClustersIcon />}>
        <p>{m.clusters.emptyBody}</p>
        <p className="muted">{m.clusters.emptyNotYet}</p>
      </EmptyState>
    );
  } else if (clusters.length === 0) {
    content = <LoadingNotice>{m.clusters.loading}</LoadingNotice>;
  } else {
    content = (
      <table className="data-table" aria-busy={status === 'loading'}>
        <caption className="visually-hidden">{m.clusters.tableCaption}</caption>
        <thead>
          <tr>
            <th scope="col">{m.clusters.columnName}</th>
            <th scope="col" className="numeric">
              {m.clusters.columnHosts}
            </th>
            <th scope="col">{m.clusters.columnAdded}</th>
          </tr>
        </thead>
        <tbody>
          {clusters.map((cluster) => (
            <tr key={cluster.id}>
              <th scope="row">{cluster.name}</th>
              <td className="numeric">{cluster.hostCount}</td>
              <td>{m.formatDateTime(cluster.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    );
  }

  return (
    <>
      <ViewHeading>{m.views.clusters}</ViewHeading>
      {content}
    </>
  );
}
