// Step 2 of the onboarding: the first cluster, added with the same dialog as in Clusters (or skipped). The clusters
// added so far are listed; finishing goes to the dashboard.
import { useEffect, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNotice } from '../../components/Notices.js';
import { useStore } from 'zustand';
import { ButtonWithReason } from '../../components/ButtonWithReason.js';
import { PlusIcon } from '../../components/Icons.js';
import { useStores } from '../../stores/index.js';
import { AddClusterDialog } from '../clusters/AddClusterDialog.js';

export function ClusterStep(props: { headingId: string; focusHeading: boolean; onFinished: () => void }): ReactNode {
  const { t } = useTranslation(['onboarding', 'clusters', 'common']);
  const { onboarding, clusters: clustersStore, addCluster } = useStores();
  const clusters = useStore(clustersStore, (state) => state.clusters);
  const finishing = useStore(onboarding, (state) => state.finishing);
  const finishError = useStore(onboarding, (state) => state.finishError);
  const lab = useStore(onboarding, (state) => state.status?.lab ?? null);
  const addingLab = useStore(onboarding, (state) => state.addingLab);
  const addLabError = useStore(onboarding, (state) => state.addLabError);
  const labAdded = clusters.some((cluster) => cluster.name === 'lab');
  const headingRef = useRef<HTMLHeadingElement>(null);

  // The list follows clusters added here (and in another window).
  useEffect(() => {
    const stop = clustersStore.getState().watch();
    void clustersStore.getState().load();
    return stop;
  }, [clustersStore]);

  // The dialog does not outlive the step (a typed password with it).
  useEffect(() => () => addCluster.getState().close(), [addCluster]);

  useEffect(() => {
    if (props.focusHeading) headingRef.current?.focus();
  }, [props.focusHeading]);

  const finish = async (): Promise<void> => {
    if (await onboarding.getState().finish()) props.onFinished();
  };
  const reason = finishing ? t('onboarding:cluster.finishingReason') : null;

  return (
    <section aria-labelledby={props.headingId} className="panel onboarding-step">
      <h2 id={props.headingId} tabIndex={-1} ref={headingRef}>
        {t('onboarding:cluster.heading')}
      </h2>
      <p>{t('onboarding:cluster.body')}</p>
      {clusters.length > 0 ? (
        <>
          <h3>{t('onboarding:cluster.addedHeading')}</h3>
          <ul className="onboarding-clusters">
            {clusters.map((cluster) => (
              <li key={cluster.id}>
                <strong>{cluster.name}</strong> <span className="muted">{t('clusters:hostCount', { count: cluster.hostCount })}</span>
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p className="muted">{t('onboarding:cluster.none')}</p>
      )}
      <div className="actions">
        <button type="button" className={clusters.length > 0 ? 'button' : 'button button-primary'} onClick={() => addCluster.getState().openAdd()}>
          <PlusIcon />
          {clusters.length > 0 ? t('onboarding:cluster.addAnother') : t('onboarding:cluster.add')}
        </button>
        {lab !== null && !labAdded ? (
          <ButtonWithReason className="button" disabledReason={addingLab ? t('onboarding:cluster.addingLab') : null} onClick={() => void onboarding.getState().addLab()}>
            {t('onboarding:cluster.addLab', { count: lab.hostCount })}
          </ButtonWithReason>
        ) : null}
      </div>
      {lab !== null && !labAdded ? <p className="field-hint">{t('onboarding:cluster.labHint')}</p> : null}
      {addLabError ? <ErrorNotice title={t('onboarding:cluster.addLabFailed')} error={addLabError} /> : null}
      {finishError ? <ErrorNotice title={t('onboarding:cluster.finishFailed')} error={finishError} /> : null}
      <div className="actions onboarding-nav">
        <button type="button" className="button" onClick={() => onboarding.getState().backToRepository()}>
          {t('onboarding:cluster.back')}
        </button>
        <ButtonWithReason className={clusters.length > 0 ? 'button button-primary' : 'button button-quiet'} disabledReason={reason} onClick={() => void finish()}>
          {finishing ? t('onboarding:cluster.finishing') : clusters.length > 0 ? t('onboarding:cluster.finish') : t('onboarding:cluster.skip')}
        </ButtonWithReason>
      </div>
      <AddClusterDialog />
    </section>
  );
}
