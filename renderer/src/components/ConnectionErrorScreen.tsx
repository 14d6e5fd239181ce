// Shown instead of the app when there is no engine to talk to: the page could not connect at all, or the
// connection closed. It says what happened in plain words, what to do, and gives the technical detail as text
// that can be copied into a support request. It needs no store, since it is also shown when none could be made.
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { Transport } from '../stores/app-store.js';
import type { StoreError } from '../stores/store-error.js';
import { LifebuoyIcon } from './Icons.js';

export type ConnectionProblem =
  /** Headless mode opened without `#token=...` (and none kept from earlier in this tab). */
  | { kind: 'missing-token'; message: string; at: Date }
  /** Creating the connection threw. */
  | { kind: 'start-failed'; message: string; at: Date }
  /** The connection was open and closed. */
  | { kind: 'lost'; transport: Transport; error: StoreError; at: Date };

function helpFor(problem: ConnectionProblem, t: TFunction<['connection']>): string {
  switch (problem.kind) {
    case 'missing-token':
      return t('connection:missingTokenHelp');
    case 'start-failed':
      return t('connection:startFailedHelp');
    case 'lost':
      return problem.transport === 'websocket' ? t('connection:lostHelpHeadless') : t('connection:lostHelpDesktop');
  }
}

export function describeConnectionProblem(problem: ConnectionProblem, t: TFunction<['connection']>): string {
  const line = (label: 'code' | 'message' | 'transport' | 'time', value: string): string => `${t(`connection:detail.${label}`)}: ${value}`;
  const lines =
    problem.kind === 'lost'
      ? [line('code', problem.error.code), line('message', problem.error.message), line('transport', problem.transport)]
      : [line('code', problem.kind), line('message', problem.message)];
  lines.push(line('time', problem.at.toISOString()));
  return lines.join('\n');
}

type CopyState = 'idle' | 'copied' | 'failed';

export function ConnectionErrorScreen(props: { problem: ConnectionProblem }): ReactNode {
  const { t } = useTranslation(['connection']);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const detailsId = useId();
  const [copyState, setCopyState] = useState<CopyState>('idle');
  const details = describeConnectionProblem(props.problem, t);

  // The screen replaces whatever had focus; start the reader at what happened.
  useEffect(() => {
    headingRef.current?.focus();
  }, []);

  const copy = (): void => {
    // The clipboard API is missing or refused outside secure contexts; the text box stays there to copy by hand.
    const write = navigator.clipboard?.writeText(details) ?? Promise.reject(new Error('no clipboard'));
    write.then(
      () => setCopyState('copied'),
      () => setCopyState('failed'),
    );
  };

  return (
    <main className="connection-screen">
      <div className="connection-card">
        <LifebuoyIcon className="connection-logo" />
        <h1 tabIndex={-1} ref={headingRef}>
          {props.problem.kind === 'missing-token' ? t('connection:missingTokenTitle') : t('connection:title')}
        </h1>
        <p>{helpFor(props.problem, t)}</p>
        <div className="actions">
          <button type="button" className="button button-primary" onClick={() => window.location.reload()}>
            {t('connection:reload')}
          </button>
          <button type="button" className="button" onClick={copy}>
            {t('connection:copyDetails')}
          </button>
        </div>
        <label className="field-label" htmlFor={detailsId}>
          {t('connection:detailsLabel')}
        </label>
        <textarea id={detailsId} className="details" readOnly rows={5} value={details} />
        <p className="copy-status" role="status" aria-live="polite">
          {copyState === 'copied' ? t('connection:copied') : copyState === 'failed' ? t('connection:copyFailed') : null}
        </p>
      </div>
    </main>
  );
}
