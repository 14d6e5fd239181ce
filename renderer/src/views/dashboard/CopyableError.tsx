// An engine error as the user reads it: what went wrong (the title), what the broad code means, the engine's own
// message (selectable), and "Copy details" for a support request (code, reason, message). Job errors carry the
// engine's own codes (a host's, the repository's), which have no general explanation: their message says it all.
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ERROR_CODES, type ErrorCode } from '../../../../shared/ipc/errors.js';
import { useStores } from '../../stores/index.js';
import { errorDetailsText, type EngineErrorValue } from './error-details.js';

function isIpcCode(code: string): code is ErrorCode {
  return (ERROR_CODES as readonly string[]).includes(code);
}

export function CopyDetailsButton(props: { error: EngineErrorValue; title: string }): ReactNode {
  const { t } = useTranslation(['dashboard', 'common']);
  const { status } = useStores();
  const copy = (): void => {
    // The clipboard API is refused outside secure contexts; the message stays selectable for copying by hand.
    const write = navigator.clipboard?.writeText(errorDetailsText(props.error)) ?? Promise.reject(new Error('no clipboard'));
    write.then(
      () => status.getState().announce(t('dashboard:error.copied')),
      () => status.getState().announce(t('common:copyFailed')),
    );
  };
  return (
    <button type="button" className="button button-small" onClick={copy} aria-label={t('dashboard:error.copyLabel', { title: props.title })}>
      {t('dashboard:error.copy')}
    </button>
  );
}

export function CopyableError(props: { title: string; error: EngineErrorValue; onRetry?: () => void; alert?: boolean }): ReactNode {
  const { t } = useTranslation(['dashboard', 'errors', 'common']);
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
        {props.error.reason === undefined ? t('dashboard:error.code', { code }) : t('dashboard:error.codeWithReason', { code, reason: props.error.reason })}
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
