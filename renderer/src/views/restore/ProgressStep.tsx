// The restore running, and how it ended. While it runs: what it is doing (its phase, read out as it changes), a bar
// for the whole restore and one per disk, speed and time left, the job to follow, and Cancel (asked twice). Once it
// ended: the VM's name and host, whether it runs (or why it did not start), its volumes and any warnings, with
// links to the job and to the Clusters view where the VM shows on its host; or why it failed.
import { useEffect, useRef, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { JobItem, JobProgress } from '../../../../shared/model/job.js';
import { ButtonWithReason } from '../../components/ButtonWithReason.js';
import { WarningIcon } from '../../components/Icons.js';
import { ProgressBar } from '../../components/ProgressBar.js';
import { progressFraction, progressPercent } from '../../components/progress-math.js';
import { useMessages, type Messages } from '../../messages.js';
import { useStores } from '../../stores/index.js';
import { hashFor, jobRoute } from '../../stores/navigation-store.js';
import { chosenHost, chosenPoint } from '../../stores/restore-wizard-store.js';
import { StepError, StepSection } from './StepSection.js';

/** The most a bar shows while the restore runs: its disks may all be written with the VM still to define. */
const RUNNING_MAX = 0.99;

function Bar(props: { label: string; done: number; total: number; running: boolean; size: 'large' | 'small' }): ReactNode {
  const m = useMessages();
  const p = m.restoreWizard.progress;
  const raw = progressFraction(props.done, props.total);
  const fraction = raw === null ? null : props.running ? Math.min(raw, RUNNING_MAX) : raw;
  const valueText =
    fraction === null
      ? p.sizing
      : p.valueText(m.formatPercent(progressPercent(fraction) / 100), m.formatBytes(props.done), m.formatBytes(props.total));
  return <ProgressBar label={props.label} fraction={fraction} valueText={valueText} size={props.size} />;
}

function phaseText(m: Messages, progress: JobProgress | null, item: JobItem | undefined): string {
  const p = m.restoreWizard.progress;
  if (progress === null) return p.waiting;
  if (progress.state === 'queued' || item?.state === 'queued') return p.queued;
  const phase = item?.phase ?? null;
  return phase === null ? p.startingRestore : (p.phases[phase] ?? phase);
}

function CancelControls(): ReactNode {
  const m = useMessages();
  const p = m.restoreWizard.progress;
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
        {p.cancel}
      </button>
    );
  }
  if (cancel.state === 'sent') return <p className="muted">{p.cancelSent}</p>;
  return (
    <div className="restore-cancel" role="group" aria-label={p.cancel}>
      <p>{p.confirmCancel}</p>
      {cancel.error ? <StepError title={p.cancelFailed} error={cancel.error} /> : null}
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
          {cancel.state === 'sending' ? p.cancelling : p.confirm}
        </button>
        <ButtonWithReason className="button" disabledReason={cancel.state === 'sending' ? p.cancelling : null} onClick={keepRunning}>
          {p.keep}
        </ButtonWithReason>
      </div>
    </div>
  );
}

export function ProgressStep(): ReactNode {
  const m = useMessages();
  const p = m.restoreWizard.progress;
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
    <StepSection step="progress" title={p.heading(vmName, hostLabel)}>
      <p className="restore-phase" role="status">
        {phaseText(m, progress, item)}
      </p>
      <Bar label={p.overallLabel(vmName)} done={item?.bytesDone ?? 0} total={item?.bytesTotal ?? 0} running size="large" />
      {item !== undefined && item.disks.length > 0 ? (
        <ul className="restore-disks-progress">
          {item.disks.map((disk) => (
            <li key={disk.target}>
              <span className="disk-progress-text">{p.disk(disk.target, m.formatBytes(disk.bytesDone), m.formatBytes(disk.bytesTotal))}</span>
              <Bar label={p.diskLabel(disk.target)} done={disk.bytesDone} total={disk.bytesTotal} running={disk.bytesDone < disk.bytesTotal} size="small" />
            </li>
          ))}
        </ul>
      ) : null}
      {item !== undefined && item.state === 'running' && item.phase === 'uploading' ? (
        <p className="muted restore-rate">
          <span>{p.speed(m.formatRate(item.throughputBps))}</span>
          {item.etaSeconds === null ? null : <span>{p.timeLeft(m.formatDuration(item.etaSeconds))}</span>}
        </p>
      ) : null}
      {watchError !== null ? (
        <div className="notice notice-warning">
          <p className="notice-title">
            <WarningIcon />
            {p.watchFailed}
          </p>
          <button type="button" className="button" onClick={() => void refreshProgress()}>
            {p.refresh}
          </button>
        </div>
      ) : null}
      <div className="actions">
        {jobId !== null ? (
          <a className="button" href={hashFor(jobRoute(jobId))}>
            {p.viewJob}
          </a>
        ) : null}
        <CancelControls />
      </div>
    </StepSection>
  );
}

export function ResultStep(): ReactNode {
  const m = useMessages();
  const w = m.restoreWizard;
  const r = w.result;
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
    status.getState().announce(succeeded && result !== null ? r.announceDone(result.vmName, result.host) : cancelled ? r.cancelledHeading : r.announceFailed);
  }, [progress, succeeded, cancelled, result, status, r]);

  const links = (
    <div className="actions">
      {succeeded && result !== null ? (
        <a className="button button-primary" href={hashFor({ view: 'clusters' })}>
          {r.seeInClusters(result.vmName)}
        </a>
      ) : null}
      {jobId !== null ? (
        <a className="button" href={hashFor(jobRoute(jobId))}>
          {r.viewJob}
        </a>
      ) : null}
      {!succeeded ? (
        <button type="button" className="button" onClick={revise}>
          {r.revise}
        </button>
      ) : null}
      <button type="button" className="button" onClick={reset}>
        {r.another}
      </button>
    </div>
  );

  if (succeeded && result !== null) {
    return (
      <StepSection step="result" title={r.doneHeading(result.vmName, result.host)}>
        {result.started ? (
          <p>{r.running(result.vmName, result.host)}</p>
        ) : result.startError !== null ? (
          <div className="notice notice-warning">
            <p className="notice-title">
              <WarningIcon />
              {r.notStarted(result.vmName)}
            </p>
            <p className="selectable">{result.startError}</p>
          </div>
        ) : (
          <p>{r.notAsked(result.vmName)}</p>
        )}
        <dl className="facts restore-result">
          <div>
            <dt>{r.vm}</dt>
            <dd className="selectable">{result.vmName}</dd>
          </div>
          <div>
            <dt>{r.host}</dt>
            <dd>{result.host}</dd>
          </div>
          <div>
            <dt>{r.state}</dt>
            <dd>{result.started ? r.stateRunning : r.stateShutOff}</dd>
          </div>
          {result.replaced ? (
            <div>
              <dt>{r.replaced}</dt>
              <dd>{w.review.startYes}</dd>
            </div>
          ) : null}
          <div>
            <dt>{r.volumes}</dt>
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
            <h3 className="wizard-subheading">{r.warnings}</h3>
            <ul className="plan-warnings">
              {result.warnings.map((warning, index) => (
                <li key={`${index}:${warning}`}>
                  <WarningIcon />
                  <span className="selectable">{warning}</span>
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
    <StepSection step="result" title={cancelled ? r.cancelledHeading : r.failedHeading}>
      <p>{cancelled ? r.cancelledBody : r.failedBody}</p>
      {error !== null && !cancelled ? (
        <div className="notice notice-error" role="alert">
          <p className="notice-title">
            <WarningIcon />
            {r.why}
          </p>
          <p className="selectable">{error.message}</p>
          <p className="muted">{r.errorCode(error.code)}</p>
        </div>
      ) : null}
      {hostLabel === '' ? null : <p className="muted">{r.target(hostLabel)}</p>}
      {links}
    </StepSection>
  );
}
