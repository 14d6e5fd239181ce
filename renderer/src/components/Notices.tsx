// The states a view shows instead of (or before) its content: loading, an error with the way to retry, and an
// empty state that says what the user will do to fill it.
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { StoreError } from '../stores/store-error.js';

export function LoadingNotice(props: { children: ReactNode }): ReactNode {
  return (
    <p className="notice notice-loading" role="status">
      <span className="spinner" aria-hidden="true" />
      {props.children}
    </p>
  );
}

export function ErrorNotice(props: { title: string; error: StoreError; onRetry?: () => void }): ReactNode {
  const { t } = useTranslation(['errors', 'common']);
  return (
    <div className="notice notice-error" role="alert">
      <p className="notice-title">{props.title}</p>
      <p>{t(`errors:${props.error.code}`)}</p>
      <p className="notice-detail">
        <span className="notice-detail-label">{t('common:engineSaid')}: </span>
        <span className="selectable">{props.error.message}</span>
      </p>
      {props.onRetry ? (
        <button type="button" className="button" onClick={props.onRetry}>
          {t('common:tryAgain')}
        </button>
      ) : null}
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
