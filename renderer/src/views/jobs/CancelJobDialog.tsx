// The confirmation before a job is cancelled. It says what stops (the VMs in progress, without a restore point)
// and what stays (VMs already backed up), and starts on the harmless choice.
import { useId, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { Modal } from '../../components/Modal.js';
import { ErrorNotice } from '../../components/Notices.js';
import { useMessages } from '../../messages.js';
import { useStores } from '../../stores/index.js';

export function CancelJobDialog(): ReactNode {
  const m = useMessages();
  const c = m.jobs.cancel;
  const { jobs, status } = useStores();
  const cancellation = useStore(jobs, (state) => state.cancellation);
  const dismissCancel = useStore(jobs, (state) => state.dismissCancel);
  const confirmCancel = useStore(jobs, (state) => state.confirmCancel);
  const announce = useStore(status, (state) => state.announce);
  const titleId = useId();
  const bodyId = useId();

  const onConfirm = async (): Promise<void> => {
    const title = cancellation?.title;
    if (await confirmCancel()) announce(c.sent(title ?? ''));
  };

  return (
    <Modal open={cancellation !== null} onDismiss={dismissCancel} labelledBy={titleId} describedBy={bodyId} className="modal-narrow">
      {cancellation ? (
        <div className="modal-body">
          <h2 id={titleId}>{c.title(cancellation.title)}</h2>
          <div id={bodyId}>
            <p>{c.body}</p>
            <p>{c.kept}</p>
          </div>
          {cancellation.error?.code === 'not_found' ? (
            // The engine knows only queued and running jobs by then.
            <p className="notice notice-error" role="alert">
              {c.alreadyEnded}
            </p>
          ) : cancellation.error ? (
            <ErrorNotice title={c.failed} error={cancellation.error} />
          ) : null}
          <div className="modal-actions">
            <button type="button" className="button" onClick={dismissCancel}>
              {c.keep}
            </button>
            <button
              type="button"
              className="button button-danger-solid"
              aria-disabled={cancellation.sending}
              onClick={() => void onConfirm()}
            >
              {cancellation.sending ? c.sending : c.confirm}
            </button>
          </div>
        </div>
      ) : null}
    </Modal>
  );
}
