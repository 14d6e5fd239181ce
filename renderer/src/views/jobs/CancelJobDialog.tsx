// The confirmation before a job is cancelled. It says what stops (the VMs in progress, without a restore point)
// and what stays (VMs already backed up), and starts on the harmless choice.
import { useId, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { Modal } from '../../components/Modal.js';
import { ErrorNotice } from '../../components/Notices.js';
import { useTranslation } from 'react-i18next';
import { useStores } from '../../stores/index.js';
import { useJobTitle } from './job-title.js';

export function CancelJobDialog(): ReactNode {
  const { t } = useTranslation(['jobs']);
  const { jobs, jobProgress, status } = useStores();
  const cancellation = useStore(jobs, (state) => state.cancellation);
  // The job's live snapshot names it in the language shown now; the title the card passed is what it said then.
  const live = useStore(jobProgress, (state) => (cancellation ? state.byJob[cancellation.jobId] : undefined));
  const jobTitle = useJobTitle();
  const title = live ? jobTitle(live) : (cancellation?.title ?? '');
  const dismissCancel = useStore(jobs, (state) => state.dismissCancel);
  const confirmCancel = useStore(jobs, (state) => state.confirmCancel);
  const announce = useStore(status, (state) => state.announce);
  const titleId = useId();
  const bodyId = useId();

  const onConfirm = async (): Promise<void> => {
    if (await confirmCancel()) announce(t('jobs:cancel.sent', { title }));
  };

  return (
    <Modal open={cancellation !== null} onDismiss={dismissCancel} labelledBy={titleId} describedBy={bodyId} className="modal-narrow">
      {cancellation ? (
        <div className="modal-body">
          <h2 id={titleId}>{t('jobs:cancel.title', { title })}</h2>
          <div id={bodyId}>
            <p>{t('jobs:cancel.body')}</p>
            <p>{t('jobs:cancel.kept')}</p>
          </div>
          {cancellation.error?.code === 'not_found' ? (
            // The engine knows only queued and running jobs by then.
            <p className="notice notice-error" role="alert">
              {t('jobs:cancel.alreadyEnded')}
            </p>
          ) : cancellation.error ? (
            <ErrorNotice title={t('jobs:cancel.failed')} error={cancellation.error} />
          ) : null}
          <div className="modal-actions">
            <button type="button" className="button" onClick={dismissCancel}>
              {t('jobs:cancel.keep')}
            </button>
            <button
              type="button"
              className="button button-danger-solid"
              aria-disabled={cancellation.sending}
              onClick={() => void onConfirm()}
            >
              {cancellation.sending ? t('jobs:cancel.sending') : t('jobs:cancel.confirm')}
            </button>
          </div>
        </div>
      ) : null}
    </Modal>
  );
}
