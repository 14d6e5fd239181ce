// The restore running, and how it ended. While it runs: what it is doing (its phase, read out as it changes), a bar
// for the whole restore and one per disk, speed and time left, the job to follow, and Cancel (asked twice). Once it
// ended: the VM's name and host, whether it runs (or why it did not start), its volumes and any warnings, with
// links to the job and to the Clusters view where the VM shows on its host; or why it failed.
import { useEffect, useRef, type ReactNode } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import type { JobItem, JobProgress } from '../../../../shared/model/job.js';
import { ButtonWithReason } from '../../components/ButtonWithReason.js';
import { WarningIcon } from '../../components/Icons.js';
import { ProgressBar } from '../../components/ProgressBar.js';
import { progressFraction, progressPercent } from '../../components/progress-math.js';
import { useFormat } from '../../i18n/format.js';
import { isKeyOf } from '../../i18n/index.js';
import { en } from '../../locales/index.js';
import { useStores } from '../../stores/index.js';
import { hashFor, jobRoute } from '../../stores/navigation-store.js';
import { chosenHost, chosenPoint } from '../../stores/restore-wizard-store.js';
import { StepError, StepSection } from './StepSection.js';
import { storedRestoreWarningText } from './restore-warning.js';

/** The most a bar shows while the restore runs: its disks may all be written with the VM still to define. */
const RUNNING_MAX = 0.99;

function Bar(props: { label: string; done: number; total: number; running: boolean; size: 'large' | 'small' }): ReactNode {
  const { t } = useTranslation(['restore']);
  const f = useFormat();
  const raw = progressFraction(props.done, props.total);
  const fraction = raw === null ? null : props.running ? Math.min(raw, RUNNING_MAX) : raw;
  const valueText =
    fraction === null
      ? t('restore:progress.sizing')
      : t('restore:progress.valueText', { percent: f.percent(progressPercent(fraction) / 100), done: f.bytes(props.done), total: f.bytes(props.total) });
  return <ProgressBar label={props.label} fraction={fraction} valueText={valueText} size={props.size} />;
}

function phaseText(t: TFunction<['restore']>, progress: JobProgress | null, item: JobItem | undefined): string {
  if (progress === null) return t('restore:progress.waiting');
  if (progress.state === 'queued' || item?.state === 'queued') return t('restore:progress.queued');
  const phase = item?.phase ?? null;
  if (phase === null) return t('restore:progress.startingRestore');
  // A phase the engine adds later is shown as it says it.
  return isKeyOf(en.restore.progress.phases, phase) ? t(`restore:progress.phases.${phase}`) : phase;
}

function CancelControls(): ReactNode {
  const { t } = useTranslation(['restore']);
  const { restoreWizard } = useStores();
  const cancel = useStore(restoreWizard, (state) => state.cancel);
  const askCancel = useStore(restoreWizard, (state) => state.askCancel);
  const keepRunning = useStore(restoreWizard, (state) => state.keepRunning);
  const cancelJob = useStore(restoreWizard, (state) => state.cancelJob);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const confirming = cancel?.state === 'confirm';
  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
  }, [confirming]);

  if (cancel === null) {
    return (
      <button type="button" className="button button-danger" onClick={askCancel}>
        {t('restore:progress.cancel')}
      </button>
    );
  }
  if (cancel.state === 'sent') return <p className="muted">{t('restore:progress.cancelSent')}</p>;
  return (
    <div className="restore-cancel" role="group" aria-label={t('restore:progress.cancel')}>
      <p>{t('restore:progress.confirmCancel')}</p>
      {cancel.error ? <StepError title={t('restore:progress.cancelFailed')} error={cancel.error} /> : null}
      <div className="actions">
        <button
          ref={confirmRef}
          type="button"
          className="button button-danger-solid"
          aria-disabled={cancel.state === 'sending'}
          onClick={() => {
            if (cancel.state === 'confirm') void cancelJob();
          }}
        >
          {cancel.state === 'sending' ? t('restore:progress.cancelling') : t('restore:progress.confirm')}
        </button>
        <ButtonWithReason className="button" disabledReason={cancel.state === 'sending' ? t('restore:progress.cancelling') : null} onClick={keepRunning}>
          {t('restore:progress.keep')}
        </ButtonWithReason>
      </div>
    </div>
  );
}

export function ProgressStep(): ReactNode {
  const { t } = useTranslation(['restore']);
  const f = useFormat();
  const { restoreWizard } = useStores();
  const progress = useStore(restoreWizard, (state) => state.progress);
  const jobId = useStore(restoreWizard, (state) => state.jobId);
  const watchError = useStore(restoreWizard, (state) => state.watchError);
  const refreshProgress = useStore(restoreWizard, (state) => state.refreshProgress);
  const name = useStore(restoreWizard, (state) => (state.form.replace ? (chosenPoint(state)?.vmName ?? '') : state.form.name.trim()));
  const hostLabel = useStore(restoreWizard, (state) => chosenHost(state)?.label ?? '');
  const item = progress?.items[0];
  const vmName = item?.name ?? name;
  return (
    <StepSection step="progress" title={t('restore:progress.heading', { vm: vmName, host: hostLabel })}>
      <p className="restore-phase" role="status">
        {phaseText(t, progress, item)}
      </p>
      <Bar label={t('restore:progress.overallLabel', { vm: vmName })} done={item?.bytesDone ?? 0} total={item?.bytesTotal ?? 0} running size="large" />
      {item !== undefined && item.disks.length > 0 ? (
        <ul className="restore-disks-progress">
          {item.disks.map((disk) => (
            <li key={disk.target}>
              <span className="disk-progress-text">{t('restore:progress.disk', { disk: disk.target, done: f.bytes(disk.bytesDone), total: f.bytes(disk.bytesTotal) })}</span>
              <Bar label={t('restore:progress.diskLabel', { disk: disk.target })} done={disk.bytesDone} total={disk.bytesTotal} running={disk.bytesDone < disk.bytesTotal} size="small" />
            </li>
          ))}
        </ul>
      ) : null}
      {item !== undefined && item.state === 'running' && item.phase === 'uploading' ? (
        <p className="muted restore-rate">
          <span>{t('restore:progress.speed', { rate: f.rate(item.throughputBps) })}</span>
          {item.etaSeconds === null ? null : <span>{t('restore:progress.timeLeft', { duration: f.duration(item.etaSeconds) })}</span>}
        </p>
      ) : null}
      {watchError !== null ? (
        <div className="notice notice-warning">
          <p className="notice-title">
            <WarningIcon />
            {t('restore:progress.watchFailed')}
          </p>
          <button type="button" className="button" onClick={() => void refreshProgress()}>
            {t('restore:progress.refresh')}
          </button>
        </div>
      ) : null}
      <div className="actions">
        {jobId !== null ? (
          <a className="button" href={hashFor(jobRoute(jobId))}>
            {t('restore:progress.viewJob')}
          </a>
        ) : null}
        <CancelControls />
      </div>
    </StepSection>
  );
}

export function ResultStep(): ReactNode {
  const { t } = useTranslation(['restore']);
  const { restoreWizard, status } = useStores();
  const progress = useStore(restoreWizard, (state) => state.progress);
  const jobId = useStore(restoreWizard, (state) => state.jobId);
  const revise = useStore(restoreWizard, (state) => state.revise);
  const reset = useStore(restoreWizard, (state) => state.reset);
  const hostLabel = useStore(restoreWizard, (state) => chosenHost(state)?.label ?? '');
  const item = progress?.items[0];
  const result = item?.restoreResult ?? null;
  const succeeded = progress?.state === 'succeeded' && result !== null;
  const cancelled = progress?.state === 'cancelled';
  const error = item?.error ?? progress?.error ?? null;
  const announced = useRef<string | null>(null);

  // Said once per job, also when the restore ended while another view was shown.
  useEffect(() => {
    if (progress === null || announced.current === progress.jobId) return;
    announced.current = progress.jobId;
    status.getState().announce(succeeded && result !== null ? t('restore:result.announceDone', { vm: result.vmName, host: result.host }) : cancelled ? t('restore:result.cancelledHeading') : t('restore:result.announceFailed'));
  }, [progress, succeeded, cancelled, result, status, t]);

  const links = (
    <div className="actions">
      {succeeded && result !== null ? (
        <a className="button button-primary" href={hashFor({ view: 'clusters' })}>
          {t('restore:result.seeInClusters', { vm: result.vmName })}
        </a>
      ) : null}
      {jobId !== null ? (
        <a className="button" href={hashFor(jobRoute(jobId))}>
          {t('restore:result.viewJob')}
        </a>
      ) : null}
      {!succeeded ? (
        <button type="button" className="button" onClick={revise}>
          {t('restore:result.revise')}
        </button>
      ) : null}
      <button type="button" className="button" onClick={reset}>
        {t('restore:result.another')}
      </button>
    </div>
  );

  if (succeeded && result !== null) {
    return (
      <StepSection step="result" title={t('restore:result.doneHeading', { vm: result.vmName, host: result.host })}>
        {result.started ? (
          <p>{t('restore:result.running', { vm: result.vmName, host: result.host })}</p>
        ) : result.startError !== null ? (
          <div className="notice notice-warning">
            <p className="notice-title">
              <WarningIcon />
              {t('restore:result.notStarted', { vm: result.vmName })}
            </p>
            <p className="selectable">{result.startError}</p>
          </div>
        ) : (
          <p>{t('restore:result.notAsked', { vm: result.vmName })}</p>
        )}
        <dl className="facts restore-result">
          <div>
            <dt>{t('restore:result.vm')}</dt>
            <dd className="selectable">{result.vmName}</dd>
          </div>
          <div>
            <dt>{t('restore:result.host')}</dt>
            <dd>{result.host}</dd>
          </div>
          <div>
            <dt>{t('restore:result.state')}</dt>
            <dd>{result.started ? t('restore:result.stateRunning') : t('restore:result.stateShutOff')}</dd>
          </div>
          {result.replaced ? (
            <div>
              <dt>{t('restore:result.replaced')}</dt>
              <dd>{t('restore:review.startYes')}</dd>
            </div>
          ) : null}
          <div>
            <dt>{t('restore:result.volumes')}</dt>
            <dd>
              <ul className="restore-volumes">
                {result.volumes.map((volume) => (
                  <li key={volume} className="selectable">
                    {volume}
                  </li>
                ))}
              </ul>
            </dd>
          </div>
        </dl>
        {result.warnings.length > 0 ? (
          <>
            <h3 className="wizard-subheading">{t('restore:result.warnings')}</h3>
            <ul className="plan-warnings">
              {result.warnings.map((warning, index) => (
                <li key={`${index}:${typeof warning === 'string' ? warning : warning.code}`}>
                  <WarningIcon />
                  <span className="selectable">{storedRestoreWarningText(t, warning)}</span>
                </li>
              ))}
            </ul>
          </>
        ) : null}
        {links}
      </StepSection>
    );
  }

  return (
    <StepSection step="result" title={cancelled ? t('restore:result.cancelledHeading') : t('restore:result.failedHeading')}>
      <p>{cancelled ? t('restore:result.cancelledBody') : t('restore:result.failedBody')}</p>
      {error !== null && !cancelled ? (
        <div className="notice notice-error" role="alert">
          <p className="notice-title">
            <WarningIcon />
            {t('restore:result.why')}
          </p>
          <p className="selectable">{error.message}</p>
          <p className="muted">{t('restore:result.errorCode', { code: error.code })}</p>
        </div>
      ) : null}
      {hostLabel === '' ? null : <p className="muted">{t('restore:result.target', { host: hostLabel })}</p>}
      {links}
    </StepSection>
  );
}
