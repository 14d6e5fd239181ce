// The restore wizard (`#/restore`, or `#/restore/<pointId>` from a point's "Restore…"): the step list, the current
// step, and the buttons that move through the steps. Every move puts focus on the new step's heading, or on the
// input an error concerns, as the store asks (its `focus` request); a request made before this view was shown (a
// restore that ended while another view was open) is not replayed over the view's own heading.
import { useEffect, useRef, type ReactNode } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import { ButtonWithReason } from '../components/ButtonWithReason.js';
import { ViewHeading } from '../components/ViewHeading.js';
import { useStores } from '../stores/index.js';
import { hashFor } from '../stores/navigation-store.js';
import { WIZARD_STEPS, type FocusRequest, type FormStep, type RestoreWizardState } from '../stores/restore-wizard-store.js';
import { HostStep } from './restore/HostStep.js';
import { OptionsStep } from './restore/OptionsStep.js';
import { PointStep } from './restore/PointStep.js';
import { ProgressStep, ResultStep } from './restore/ProgressStep.js';
import { ReviewStep } from './restore/ReviewStep.js';

/** The element a focus request names, inside the wizard. */
function focusTarget(root: HTMLElement, request: FocusRequest): HTMLElement | null {
  if (request.target === 'heading') return root.querySelector<HTMLElement>('[data-wizard-heading]');
  const name = request.target;
  // A group of radios takes focus on its chosen one, else its first that can be chosen.
  return (
    root.querySelector<HTMLElement>(`[data-wizard-focus="${name}"]:checked`) ??
    root.querySelector<HTMLElement>(`[data-wizard-focus="${name}"]:not(:disabled)`) ??
    root.querySelector<HTMLElement>('[data-wizard-focus="error"]') ??
    root.querySelector<HTMLElement>('[data-wizard-heading]')
  );
}

function StepList(): ReactNode {
  const { t } = useTranslation(['restore']);
  const { restoreWizard } = useStores();
  const step = useStore(restoreWizard, (state) => state.step);
  const goTo = useStore(restoreWizard, (state) => state.goTo);
  const starting = useStore(restoreWizard, (state) => state.starting);
  const current = WIZARD_STEPS.indexOf(step as FormStep);
  const running = current < 0;
  return (
    <nav aria-label={t('restore:stepsLabel')}>
      <ol className="wizard-steps">
        {WIZARD_STEPS.map((name, index) => {
          const done = running || index < current;
          const label = t('restore:stepName', { number: index + 1, name: t(`restore:steps.${name}`) });
          return (
            <li key={name} className={index === current ? 'wizard-step-current' : done ? 'wizard-step-done' : undefined} aria-current={index === current ? 'step' : undefined}>
              {done && !running && !starting ? (
                <button type="button" className="wizard-step-link" onClick={() => goTo(name)}>
                  {label}
                  <span className="visually-hidden">{t('restore:stepDone')}</span>
                </button>
              ) : (
                <span>
                  {label}
                  {done ? <span className="visually-hidden">{t('restore:stepDone')}</span> : null}
                </span>
              )}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}

/** Why Next (or Start) cannot be pressed now, or null. */
function nextBlocked(state: RestoreWizardState, t: TFunction<['restore']>): string | null {
  switch (state.step) {
    case 'point':
      if (state.pointId === null) return state.pointsStatus === 'loading' ? t('restore:point.loading') : t('restore:point.required');
      return null;
    case 'host':
      if (state.targetsStatus === 'loading') return t('restore:host.loadingReason');
      return state.hostId === null ? t('restore:host.requiredReason') : null;
    case 'options':
      return null;
    case 'review':
      if (state.starting) return t('restore:review.startingReason');
      if (state.planStatus === 'loading') return t('restore:review.checkingReason');
      return state.planStatus === 'ready' ? null : t('restore:review.needsCheck');
    default:
      return null;
  }
}

function WizardActions(): ReactNode {
  const { t } = useTranslation(['restore']);
  const { restoreWizard } = useStores();
  const step = useStore(restoreWizard, (state) => state.step);
  const reason = useStore(restoreWizard, (state) => nextBlocked(state, t));
  const starting = useStore(restoreWizard, (state) => state.starting);
  const next = useStore(restoreWizard, (state) => state.next);
  const back = useStore(restoreWizard, (state) => state.back);
  if (step === 'progress' || step === 'result') return null;
  return (
    <div className="wizard-actions">
      {step !== 'point' ? (
        <button type="button" className="button" onClick={back} aria-disabled={starting}>
          {t('restore:back')}
        </button>
      ) : null}
      <ButtonWithReason className="button button-primary" disabledReason={reason} onClick={() => void next()}>
        {step === 'review' ? (starting ? t('restore:starting') : t('restore:startRestore')) : t('restore:next')}
      </ButtonWithReason>
      <a className="button button-quiet" href={hashFor({ view: 'restore-points' })}>
        {t('restore:cancel')}
      </a>
    </div>
  );
}

function CurrentStep(): ReactNode {
  const { restoreWizard } = useStores();
  const step = useStore(restoreWizard, (state) => state.step);
  switch (step) {
    case 'point':
      return <PointStep />;
    case 'host':
      return <HostStep />;
    case 'options':
      return <OptionsStep />;
    case 'review':
      return <ReviewStep />;
    case 'progress':
      return <ProgressStep />;
    case 'result':
      return <ResultStep />;
  }
}

export function RestoreWizardView(props: { pointId?: string | undefined }): ReactNode {
  const { t } = useTranslation(['restore']);
  const { restoreWizard: store } = useStores();
  const focus = useStore(store, (state) => state.focus);
  const root = useRef<HTMLDivElement>(null);
  const handled = useRef(focus.seq);

  useEffect(() => {
    void store.getState().open(props.pointId);
  }, [store, props.pointId]);

  // After the render that shows the step a request names: move focus there.
  useEffect(() => {
    if (focus.seq === handled.current || root.current === null) return;
    handled.current = focus.seq;
    focusTarget(root.current, focus)?.focus();
  }, [focus]);

  return (
    <div className="restore-wizard" ref={root}>
      <div className="view-header">
        <ViewHeading>{t('restore:title')}</ViewHeading>
        <a href={hashFor({ view: 'restore-points' })}>{t('restore:backToPoints')}</a>
      </div>
      <StepList />
      <CurrentStep />
      <WizardActions />
    </div>
  );
}
