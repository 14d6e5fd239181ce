// Cluster → Hosts → VMs. Each known cluster is a section with its hosts and its VMs, its backup buttons and its
// backup in progress; the add/edit dialog, the remove confirmation and the backup settings are opened from here. The list follows `clusters.changed`, and each section follows its own
// cluster's inventory while it is on screen.
import { useEffect, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { ClustersIcon, PlusIcon } from '../components/Icons.js';
import { EmptyState, ErrorNotice, LoadingNotice } from '../components/Notices.js';
import { ViewHeading } from '../components/ViewHeading.js';
import { useTranslation } from 'react-i18next';
import { useStores } from '../stores/index.js';
import { AddClusterDialog } from './clusters/AddClusterDialog.js';
import { ClusterSection } from './clusters/ClusterSection.js';
import { ClusterSettingsDialog } from './clusters/ClusterSettingsDialog.js';
import { RemoveClusterDialog } from './clusters/RemoveClusterDialog.js';

function AddClusterButton(props: { primary?: boolean }): ReactNode {
  const { t } = useTranslation(['clusters', 'common']);
  const { addCluster } = useStores();
  const openAdd = useStore(addCluster, (state) => state.openAdd);
  return (
    <button type="button" className={props.primary ? 'button button-primary' : 'button'} onClick={openAdd}>
      <PlusIcon />
      {t('clusters:addCluster')}
    </button>
  );
}

export function ClustersView(): ReactNode {
  const { t } = useTranslation(['clusters', 'common']);
  const { clusters: store, addCluster, clusterSettings, jobProgress } = useStores();
  const clusters = useStore(store, (state) => state.clusters);
  const status = useStore(store, (state) => state.status);
  const error = useStore(store, (state) => state.error);
  const watchError = useStore(store, (state) => state.watchError);
  const load = useStore(store, (state) => state.load);
  const watch = useStore(store, (state) => state.watch);

  // Subscribe before loading, so a change made elsewhere between the two is not missed.
  useEffect(() => {
    const stop = watch();
    void load();
    return stop;
  }, [watch, load]);

  // Each cluster section shows its backup in progress.
  useEffect(() => jobProgress.getState().watch(), [jobProgress]);

  // Leaving the view (Back, a menu) with a dialog open drops it, so a typed password does not outlive the form.
  useEffect(
    () => () => {
      addCluster.getState().close();
      store.getState().cancelRemove();
      clusterSettings.getState().close();
    },
    [addCluster, store, clusterSettings],
  );

  let content: ReactNode;
  if (status === 'error' && error && clusters.length === 0) {
    content = <ErrorNotice title={t('clusters:loadFailed')} error={error} onRetry={() => void load()} />;
  } else if (status === 'ready' && clusters.length === 0) {
    content = (
      <EmptyState title={t('clusters:emptyTitle')} icon={<ClustersIcon />}>
        <p>{t('clusters:emptyBody')}</p>
        <AddClusterButton primary />
      </EmptyState>
    );
  } else if (clusters.length === 0) {
    content = <LoadingNotice>{t('clusters:loading')}</LoadingNotice>;
  } else {
    content = (
      <>
        {status === 'error' && error ? <ErrorNotice title={t('clusters:loadFailed')} error={error} onRetry={() => void load()} /> : null}
        {clusters.map((cluster) => (
          <ClusterSection key={cluster.id} cluster={cluster} />
        ))}
      </>
    );
  }

  return (
    <div className="clusters-view">
      <div className="view-header">
        <ViewHeading>{t('common:views.clusters')}</ViewHeading>
        {/* The empty state has its own button; one "Add cluster" button at a time keeps the name unique. */}
        {clusters.length > 0 ? <AddClusterButton /> : null}
      </div>
      {watchError ? <p className="muted">{t('clusters:watchFailed')}</p> : null}
      {content}
      <AddClusterDialog />
      <RemoveClusterDialog />
      <ClusterSettingsDialog />
    </div>
  );
}
