// The first run: two steps (the repository, then the first cluster) before the app's views, shown while the
// engine says the onboarding is not done. `OnboardingGate` decides: it asks once per window, shows the onboarding
// when needed, and the wrapped view otherwise (nothing of it flashes by before the answer).
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import { ErrorNotice, LoadingNotice } from '../components/Notices.js';
import { ViewHeading } from '../components/ViewHeading.js';
import { useStores } from '../stores/index.js';
import type { OnboardingStep } from '../stores/onboarding-store.js';
import { ClusterStep } from './onboarding/ClusterStep.js';
import { RepositoryStep } from './onboarding/RepositoryStep.js';
import './dashboard/dashboard.css';

const STEPS: readonly OnboardingStep[] = ['repository', 'cluster'];

function StepList(props: { step: OnboardingStep }): ReactNode {
  const { t } = useTranslation(['onboarding']);
  const currentIndex = STEPS.indexOf(props.step);
  return (
    <ol className="onboarding-steps" aria-label={t('onboarding:stepsLabel')}>
      {STEPS.map((step, index) => (
        <li key={step} aria-current={index === currentIndex ? 'step' : undefined} className={index === currentIndex ? 'onboarding-step-current' : index < currentIndex ? 'onboarding-step-done' : undefined}>
          <span className="onboarding-step-number">{t('onboarding:stepOf', { step: index + 1, total: STEPS.length })}</span>
          <span className="onboarding-step-name">{t(`onboarding:steps.${step}`)}</span>
          {index < currentIndex ? <span className="visually-hidden">{t('onboarding:done')}</span> : null}
        </li>
      ))}
    </ol>
  );
}

export function OnboardingView(): ReactNode {
  const { t } = useTranslation(['onboarding']);
  const { onboarding, navigation, status } = useStores();
  const step = useStore(onboarding, (state) => state.step);
  const repositoryHeadingId = useId();
  const clusterHeadingId = useId();
  // Focus follows a change of step, not the first step shown (the view heading may have focus then).
  const firstStep = useRef(step).current;
  const [movedOn, setMovedOn] = useState(false);
  if (!movedOn && step !== firstStep) setMovedOn(true);

  const finished = (): void => {
    status.getState().announce(t('onboarding:finished'));
    navigation.getState().navigate({ view: 'dashboard' });
  };

  return (
    <div className="onboarding-view">
      <div className="view-header">
        <ViewHeading>{t('onboarding:title')}</ViewHeading>
      </div>
      <p>{t('onboarding:intro')}</p>
      <StepList step={step} />
      {step === 'repository' ? (
        <RepositoryStep headingId={repositoryHeadingId} focusHeading={movedOn} />
      ) : (
        <ClusterStep headingId={clusterHeadingId} focusHeading={movedOn} onFinished={finished} />
      )}
    </div>
  );
}

/** Shows the onboarding while it is not done, the children once it is. */
export function OnboardingGate(props: { children: ReactNode }): ReactNode {
  const { t } = useTranslation(['onboarding']);
  const { onboarding } = useStores();
  const active = useStore(onboarding, (state) => state.active);
  const loaded = useStore(onboarding, (state) => state.status !== null);
  const loadStatus = useStore(onboarding, (state) => state.loadStatus);
  const loadError = useStore(onboarding, (state) => state.loadError);

  useEffect(() => {
    if (onboarding.getState().status === null) void onboarding.getState().load();
  }, [onboarding]);

  if (active) return <OnboardingView />;
  if (loaded) return props.children;
  if (loadStatus === 'error' && loadError) {
    return <ErrorNotice title={t('onboarding:loadFailed')} error={loadError} onRetry={() => void onboarding.getState().load()} />;
  }
  return <LoadingNotice>{t('onboarding:loading')}</LoadingNotice>;
}
