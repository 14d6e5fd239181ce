// Restore points: every point in the repository, grouped by cluster and VM, filtered by VM name. The list follows
// `points.changed`. Without a repository the view says where to set one up; points the engine could not read are
// listed, never skipped silently. "Restore a VM…" and each point's "Restore…" open the restore wizard.
import { useEffect, useId, useMemo, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { RestorePointsIcon, WarningIcon } from '../components/Icons.js';
import { EmptyState, ErrorNotice, LoadingNotice } from '../components/Notices.js';
import { ViewHeading } from '../components/ViewHeading.js';
import { useTranslation } from 'react-i18next';
import { useStores } from '../stores/index.js';
import { hashFor, restoreRoute } from '../stores/navigation-store.js';
import { groupPoints } from '../stores/points-store.js';
import { ClusterPointsSection } from './points/PointGroups.js';

function DamagedPoints(): ReactNode {
  const { t } = useTranslation(['points', 'restore', 'common']);
  const { points } = useStores();
  const damaged = useStore(points, (state) => state.damaged);
  if (damaged.length === 0) return null;
  return (
    <div className="notice notice-warning">
      <p className="notice-title">
        <WarningIcon />
        {t('points:damagedTitle', { count: damaged.length })}
      </p>
      <p>{t('points:damagedBody')}</p>
      <ul className="damaged-list">
        {damaged.map((entry) => (
          <li key={entry.path}>
            <span className="selectable">{t('points:damagedEntry', { path: entry.path, message: entry.message })}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

function PointFilter(): ReactNode {
  const { t } = useTranslation(['points', 'restore', 'common']);
  const { points } = useStores();
  const filter = useStore(points, (state) => state.filter);
  const setFilter = useStore(points, (state) => state.setFilter);
  const id = useId();
  return (
    <div className="field point-filter">
      <label className="field-label" htmlFor={id}>
        {t('points:filterLabel')}
      </label>
      <input id={id} type="search" className="input" autoComplete="off" value={filter} onChange={(event) => setFilter(event.target.value)} />
    </div>
  );
}

function PointList(): ReactNode {
  const { t } = useTranslation(['points', 'restore', 'common']);
  const { points: store, clusters } = useStores();
  const points = useStore(store, (state) => state.points);
  const filter = useStore(store, (state) => state.filter);
  const clusterList = useStore(clusters, (state) => state.clusters);
  const catalogKnown = useStore(clusters, (state) => state.status === 'ready');
  const groups = useMemo(
    () => groupPoints(points, Object.fromEntries(clusterList.map((cluster) => [cluster.id, cluster.name])), filter),
    [points, clusterList, filter],
  );
  const shownPoints = groups.reduce((sum, group) => sum + group.vms.reduce((n, vm) => n + vm.points.length, 0), 0);
  const shownVms = groups.reduce((sum, group) => sum + group.vms.length, 0);
  return (
    <>
      <PointFilter />
      {/* Said again as the filter changes what is shown. */}
      <p className="muted" role="status">
        {groups.length === 0
          ? t('points:noMatch', { filter: filter.trim() })
          : t('points:summary', { points: t('points:pointCount', { count: shownPoints }), vms: t('points:vmCount', { count: shownVms }) })}
      </p>
      {groups.map((group) => (
        <ClusterPointsSection key={group.clusterId} group={group} catalogKnown={catalogKnown} />
      ))}
    </>
  );
}

export function RestorePointsView(): ReactNode {
  const { t } = useTranslation(['points', 'restore', 'common']);
  const { points: store, clusters, repository } = useStores();
  const points = useStore(store, (state) => state.points);
  const status = useStore(store, (state) => state.status);
  const error = useStore(store, (state) => state.error);
  const watchError = useStore(store, (state) => state.watchError);
  const load = useStore(store, (state) => state.load);
  const repositoryState = useStore(repository, (state) => state.repository?.state ?? null);

  // Subscribe before loading, so points added between the two are not missed. The cluster list gives the
  // clusters' current names (a point records the name it had).
  useEffect(() => {
    const stopPoints = store.getState().watch();
    const stopClusters = clusters.getState().watch();
    void store.getState().load();
    void clusters.getState().load();
    void repository.getState().load();
    return () => {
      stopPoints();
      stopClusters();
    };
  }, [store, clusters, repository]);

  let content: ReactNode;
  if (repositoryState === 'not_configured') {
    content = (
      <EmptyState title={t('points:noRepositoryTitle')} icon={<RestorePointsIcon />}>
        <p>{t('points:noRepositoryBody')}</p>
        <a className="button button-primary" href={hashFor({ view: 'settings' })}>
          {t('points:openSettings')}
        </a>
      </EmptyState>
    );
  } else if (status === 'error' && error && points.length === 0) {
    content = <ErrorNotice title={t('points:loadFailed')} error={error} onRetry={() => void load()} />;
  } else if (status === 'ready' && points.length === 0) {
    content = (
      <>
        <DamagedPoints />
        <EmptyState title={t('points:emptyTitle')} icon={<RestorePointsIcon />}>
          <p>{t('points:emptyBody')}</p>
        </EmptyState>
      </>
    );
  } else if (points.length === 0) {
    content = <LoadingNotice>{t('points:loading')}</LoadingNotice>;
  } else {
    content = (
      <>
        {status === 'error' && error ? <ErrorNotice title={t('points:loadFailed')} error={error} onRetry={() => void load()} /> : null}
        <DamagedPoints />
        <PointList />
      </>
    );
  }

  return (
    <div className="points-view">
      <div className="view-header">
        <ViewHeading>{t(`common:views.${'restore-points'}`)}</ViewHeading>
        {points.length > 0 ? (
          <a className="button button-primary" href={hashFor(restoreRoute())}>
            {t('restore:openWizard')}
          </a>
        ) : null}
      </div>
      {watchError ? <p className="muted">{t('points:watchFailed')}</p> : null}
      {content}
    </div>
  );
}
