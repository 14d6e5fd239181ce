// A cluster's backup settings, opened from its section: the schedule and the retention policy, saved together.
// When Save stops to show what a changed policy would delete, focus goes to that list; a refused save says which
// part failed; a saved dialog closes and says so in the status bar.
import { useEffect, useId, useRef, type FormEvent, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { Modal } from '../../components/Modal.js';
import { ErrorNotice, LoadingNotice } from '../../components/Notices.js';
import { useTranslation } from 'react-i18next';
import { useStores } from '../../stores/index.js';
import { RetentionFields, RetentionPreviewResult } from './RetentionFields.js';
import { ScheduleFields } from './ScheduleFields.js';

function FieldsToFixNotice(): ReactNode {
  const { t } = useTranslation(['clusterSettings', 'common']);
  const ref = useRef<HTMLParagraphElement>(null);
  // After a refused save, start the reader at what to fix.
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return (
    <p ref={ref} tabIndex={-1} className="notice notice-error" role="alert">
      {t('clusterSettings:fieldsToFix')}
    </p>
  );
}

function DialogContent(props: { titleId: string }): ReactNode {
  const { t } = useTranslation(['clusterSettings', 'common']);
  const { clusterSettings: store, status } = useStores();
  const clusterName = useStore(store, (state) => state.clusterName);
  const loadStatus = useStore(store, (state) => state.loadStatus);
  const loadError = useStore(store, (state) => state.loadError);
  const hasProblems = useStore(store, (state) => state.scheduleProblems !== null || state.retentionProblems !== null);
  const saving = useStore(store, (state) => state.saving);
  const saveError = useStore(store, (state) => state.saveError);
  const reload = useStore(store, (state) => state.reload);
  const close = useStore(store, (state) => state.close);
  const save = useStore(store, (state) => state.save);
  const announce = useStore(status, (state) => state.announce);
  const previewBox = useRef<HTMLDivElement>(null);

  const onSubmit = async (event: FormEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault();
    if (saving) return;
    const outcome = await save();
    if (outcome.kind === 'saved') {
      close();
      announce(t('clusterSettings:saved', { cluster: clusterName }));
    } else if (outcome.kind === 'review') {
      previewBox.current?.focus();
    }
  };

  return (
    <form className="modal-body" noValidate onSubmit={(event) => void onSubmit(event)}>
      <h2 id={props.titleId}>{t('clusterSettings:title', { cluster: clusterName })}</h2>
      {loadStatus === 'loading' ? <LoadingNotice>{t('clusterSettings:loading')}</LoadingNotice> : null}
      {loadStatus === 'error' && loadError ? <ErrorNotice title={t('clusterSettings:loadFailed')} error={loadError} onRetry={() => void reload()} /> : null}
      {loadStatus === 'ready' ? (
        <>
          {hasProblems ? <FieldsToFixNotice /> : null}
          <ScheduleFields />
          <RetentionFields preview={<RetentionPreviewResult focusRef={previewBox} />} />
          {saveError ? <ErrorNotice title={t(`clusterSettings:saveFailed.${saveError.part}`)} error={saveError.error} /> : null}
        </>
      ) : null}
      <div className="modal-actions">
        <button type="button" className="button" onClick={close}>
          {t('common:cancel')}
        </button>
        <button type="submit" className="button button-primary" aria-disabled={saving || loadStatus !== 'ready'}>
          {saving ? t('common:saving') : t('common:save')}
        </button>
      </div>
    </form>
  );
}

export function ClusterSettingsDialog(): ReactNode {
  const { clusterSettings } = useStores();
  const open = useStore(clusterSettings, (state) => state.open);
  const close = useStore(clusterSettings, (state) => state.close);
  const titleId = useId();
  return (
    <Modal open={open} onDismiss={close} labelledBy={titleId} className="modal-wide">
      <DialogContent titleId={titleId} />
    </Modal>
  );
}
