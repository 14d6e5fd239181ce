// The states a view shows instead of (or before) its content: loading, an error with the way to retry and its
// details to copy, and an empty state that says what the user will do to fill it.
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ERROR_CODES, type ErrorCode } from '../../../shared/ipc/errors.js';
import { useStores } from '../stores/index.js';
import { errorDetailsText, type EngineErrorValue } from './error-details.js';

export function LoadingNotice(props: { children: ReactNode }): ReactNode {
  return (
    <p className="notice notice-loading" role="status">
      <span className="spinner" aria-hidden="true" />
      {props.children}
    </p>
  );
}

function isIpcCode(code: string): code is ErrorCode {
  return (ERROR_CODES as readonly string[]).includes(code);
}

/** "Copy details": the engine's code, reason and message on the clipboard, for a support request. */
export function CopyDetailsButton(props: { error: EngineErrorValue; title: string }): ReactNode {
  const { t } = useTranslation(['common']);
  const { status } = useStores();
  const copy = (): void => {
    // The clipboard API is refused outside secure contexts; the message stays selectable for copying by hand.
    const write = navigator.clipboard?.writeText(errorDetailsText(props.error)) ?? Promise.reject(new Error('no clipboard'));
    write.then(
      () => status.getState().announce(t('common:errorDetails.copied')),
      () => status.getState().announce(t('common:copyFailed')),
    );
  };
  return (
    <button type="button" className="button button-small" onClick={copy} aria-label={t('common:errorDetails.copyLabel', { title: props.title })}>
      {t('common:errorDetails.copy')}
    </button>
  );
}

/**
 * An engine error as the user reads it, the same everywhere: what went wrong (the title), what the broad code means,
 * the engine's own message (selectable), its code and reason, and "Copy details" for a support request. Errors with
 * the engine's own codes (a host's, the repository's) have no general explanation: their message says it all.
 */
export function ErrorNotice(props: { title: string; error: EngineErrorValue; onRetry?: () => void; alert?: boolean }): ReactNode {
  const { t } = useTranslation(['errors', 'common']);
  const code = props.error.code;
  return (
    <div className="notice notice-error" role={props.alert === false ? undefined : 'alert'}>
      <p className="notice-title">{props.title}</p>
      {isIpcCode(code) ? <p>{t(`errors:${code}`)}</p> : null}
      <p className="notice-detail">
        <span className="notice-detail-label">{t('common:engineSaid')}: </span>
        <span className="selectable">{props.error.message}</span>
      </p>
      <p className="notice-detail muted">
        {props.error.reason === undefined
          ? t('common:errorDetails.code', { code })
          : t('common:errorDetails.codeWithReason', { code, reason: props.error.reason })}
      </p>
      <div className="actions">
        <CopyDetailsButton error={props.error} title={props.title} />
        {props.onRetry ? (
          <button type="button" className="button button-small" onClick={props.onRetry}>
            {t('common:tryAgain')}
          </button>
        ) : null}
      </div>
    </div>
  );
}

export function EmptyState(props: { title: string; children: ReactNode; icon?: ReactNode }): ReactNode {
  return (
    <div className="empty-state">
      {props.icon ? <div className="empty-state-icon">{props.icon}</div> : null}
      <h2 className="empty-state-title">{props.title}</h2>
      {props.children}
    </div>
  );
}
