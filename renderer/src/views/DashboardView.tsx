// The dashboard, the view a set-up Lifeboat opens on: the repository's figures, then each cluster with its next
// run, its "Back up cluster" button and its VMs' last backups, stale ones marked. It follows jobs, points and the
// repository's measurements while shown (see the dashboard store).
import { useEffect, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import { ClustersIcon } from '../components/Icons.js';
import { EmptyState, ErrorNotice, LoadingNotice } from '../components/Notices.js';
import { ViewHeading } from '../components/ViewHeading.js';
import { useFormat } from '../i18n/format.js';
import { useStores } from '../stores/index.js';
import { hashFor } from '../stores/navigation-store.js';
import { ClusterCard } from './dashboard/ClusterCard.js';
import { RepositoryCard } from './dashboard/RepositoryCard.js';
import './dashboard/dashboard.css';

export function DashboardView(): ReactNode {
  const { t } = useTranslation(['dashboard', 'common']);
  const f = useFormat();
  const { dashboard: store } = useStores();
  const dashboard = useStore(store, (state) => state.dashboard);
  const status = useStore(store, (state) => state.status);
  const error = useStore(store, (state) => state.error);

  // Subscribe before loading, so a job that ends between the two is not missed.
  useEffect(() => {
    const stop = store.getState().watch();
    void store.getState().load();
    return stop;
  }, [store]);

  let content: ReactNode;
  if (dashboard === null) {
    content =
      status === 'error' && error ? (
        <ErrorNotice title={t('dashboard:loadFailed')} error={error} onRetry={() => void store.getState().load()} />
      ) : (
        <LoadingNotice>{t('dashboard:loading')}</LoadingNotice>
      );
  } else {
    content = (
      <>
        {status === 'error' && error ? (
          <ErrorNotice title={t('dashboard:refreshFailed', { when: f.dateTime(dashboard.generatedAt) })} error={error} onRetry={() => void store.getState().load()} />
        ) : null}
        <RepositoryCard figures={dashboard.repository} />
        {dashboard.clusters.length === 0 ? (
          <EmptyState title={t('dashboard:clusters.emptyTitle')} icon={<ClustersIcon />}>
            <p>{t('dashboard:clusters.emptyBody')}</p>
            <a className="button button-primary" href={hashFor({ view: 'clusters' })}>
              {t('dashboard:clusters.goToClusters')}
            </a>
          </EmptyState>
        ) : (
          dashboard.clusters.map((cluster) => <ClusterCard key={cluster.clusterId} cluster={cluster} />)
        )}
      </>
    );
  }

  return (
    <div className="dashboard-view">
      <div className="view-header">
        <ViewHeading>{t('common:views.dashboard')}</ViewHeading>
      </div>
      {content}
    </div>
  );
}
