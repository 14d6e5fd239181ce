// What every step of the restore wizard shares: a section named by its heading (which takes focus when the step
// is entered), and the engine's refusal of a check placed on the step, shown where it happened.
import { useId, type ReactNode } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import { useStores } from '../../stores/index.js';
import type { FormStep, WizardField, WizardStep } from '../../stores/restore-wizard-store.js';
import type { StoreError } from '../../stores/store-error.js';

export function StepSection(props: { step: WizardStep; title: string; children: ReactNode }): ReactNode {
  const headingId = useId();
  return (
    <section className="panel wizard-panel" aria-labelledby={headingId} data-step={props.step}>
      <h2 id={headingId} tabIndex={-1} data-wizard-heading="">
        {props.title}
      </h2>
      {props.children}
    </section>
  );
}

/** The engine's error placed on this step and field (null: the step as a whole), if any. */
export function useEngineError(step: FormStep, field: WizardField | null): StoreError | null {
  const { restoreWizard } = useStores();
  return useStore(restoreWizard, (state) => {
    const placed = state.engineError;
    if (placed === null || placed.step !== step || state.step !== step) return null;
    return placed.field === field ? placed.error : null;
  });
}

/** An engine error as a field shows it: what the code means, then the engine's own words. */
export function engineErrorText(t: TFunction<['restore']>, error: StoreError): string {
  return `${t('restore:engineRefused')} ${error.message}`;
}

/** An engine error about the step as a whole, focusable so focus can be put on it. */
export function StepError(props: { title: string; error: StoreError; onRetry?: (() => void) | undefined; retryLabel?: string }): ReactNode {
  const { t } = useTranslation(['restore', 'common', 'errors']);
  return (
    <div className="notice notice-error" role="alert" tabIndex={-1} data-wizard-focus="error">
      <p className="notice-title">{props.title}</p>
      <p>{t(`errors:${props.error.code}`)}</p>
      <p className="notice-detail">
        <span className="notice-detail-label">{t('common:engineSaid')}: </span>
        <span className="selectable">{props.error.message}</span>
      </p>
      {props.onRetry ? (
        <button type="button" className="button" onClick={props.onRetry}>
          {props.retryLabel ?? t('common:tryAgain')}
        </button>
      ) : null}
    </div>
  );
}
