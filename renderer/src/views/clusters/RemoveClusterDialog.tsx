// The confirmation before a cluster is forgotten. It says plainly what goes (the cluster, its hosts, their stored
// secrets) and what stays (restore points in repositories), and starts on "Cancel".
import { useId, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { Modal } from '../../components/Modal.js';
import { ErrorNotice } from '../../components/Notices.js';
import { useTranslation } from 'react-i18next';
import { useStores } from '../../stores/index.js';

export function RemoveClusterDialog(): ReactNode {
  const { t } = useTranslation(['clusters', 'common']);
  const { clusters, status } = useStores();
  const removal = useStore(clusters, (state) => state.removal);
  const cancelRemove = useStore(clusters, (state) => state.cancelRemove);
  const confirmRemove = useStore(clusters, (state) => state.confirmRemove);
  const announce = useStore(status, (state) => state.announce);
  const titleId = useId();
  const bodyId = useId();

  const onConfirm = async (): Promise<void> => {
    const name = await confirmRemove();
    if (name !== null) announce(t('clusters:removed', { name }));
  };

  return (
    <Modal open={removal !== null} onDismiss={cancelRemove} labelledBy={titleId} describedBy={bodyId} className="modal-narrow">
      {removal ? (
        <div className="modal-body">
          <h2 id={titleId}>{t('clusters:removeDialog.title', { name: removal.name })}</h2>
          <div id={bodyId}>
            <p>{t('clusters:removeDialog.body', { name: removal.name })}</p>
            <p>{t('clusters:removeDialog.pointsKept')}</p>
          </div>
          {removal.error ? <ErrorNotice title={t('clusters:removeDialog.failed')} error={removal.error} /> : null}
          <div className="modal-actions">
            {/* First in order, so the dialog opens on the harmless choice. */}
            <button type="button" className="button" onClick={cancelRemove}>
              {t('common:cancel')}
            </button>
            <button
              type="button"
              className="button button-danger-solid"
              aria-disabled={removal.removing}
              onClick={() => void onConfirm()}
            >
              {removal.removing ? t('clusters:removeDialog.removing') : t('clusters:removeDialog.confirm')}
            </button>
          </div>
        </div>
      ) : null}
    </Modal>
  );
}
