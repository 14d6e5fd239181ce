// Shown instead of the app when there is no engine to talk to: the page could not connect at all, or the
// connection closed. It says what happened in plain words, what to do, and gives the technical detail as text
// that can be copied into a support request. It needs no store, since it is also shown when none could be made.
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { useMessages, type Messages } from '../messages.js';
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

function helpFor(problem: ConnectionProblem, m: Messages): string {
  switch (problem.kind) {
    case 'missing-token':
      return m.connection.missingTokenHelp;
    case 'start-failed':
      return m.connection.startFailedHelp;
    case 'lost':
      return problem.transport === 'websocket' ? m.connection.lostHelpHeadless : m.connection.lostHelpDesktop;
  }
}

export function describeConnectionProblem(problem: ConnectionProblem, m: Messages): string {
  const d = m.connection.detail;
  const lines =
    problem.kind === 'lost'
      ? [
          `${d.code}: ${problem.error.code}`,
          `${d.message}: ${problem.error.message}`,
          `${d.transport}: ${problem.transport}`,
        ]
      : [`${d.code}: ${problem.kind}`, `${d.message}: ${problem.message}`];
  lines.push(`${d.time}: ${problem.at.toISOString()}`);
  return lines.join('\n');
}

type CopyState = 'idle' | 'copied' | 'failed';

export function ConnectionErrorScreen(props: { problem: ConnectionProblem }): ReactNode {
  const m = useMessages();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const detailsId = useId();
  const [copyState, setCopyState] = useState<CopyState>('idle');
  const details = describeConnectionProblem(props.problem, m);

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
          {props.problem.kind === 'missing-token' ? m.connection.missingTokenTitle : m.connection.title}
        </h1>
        <p>{helpFor(props.problem, m)}</p>
        <div className="actions">
          <button type="button" className="button button-primary" onClick={() => window.location.reload()}>
            {m.connection.reload}
          </button>
          <button type="button" className="button" onClick={copy}>
            {m.connection.copyDetails}
          </button>
        </div>
        <label className="field-label" htmlFor={detailsId}>
          {m.connection.detailsLabel}
        </label>
        <textarea id={detailsId} className="details" readOnly rows={5} value={details} />
        <p className="copy-status" role="status" aria-live="polite">
          {copyState === 'copied' ? m.connection.copied : copyState === 'failed' ? m.connection.copyFailed : null}
        </p>
      </div>
    </main>
  );
}
