// Why a job failed, as the engine said it: its message (selectable, for a support request) and its code. Job
// error codes are the engine's own (a host's, the repository's), not the IPC error codes ErrorNotice explains.
import type { ReactNode } from 'react';
import type { JobError } from '../../../../shared/model/job.js';
import { useTranslation } from 'react-i18next';
import { CopyDetailsButton } from '../../components/Notices.js';

export function JobErrorNotice(props: { title: string; error: JobError }): ReactNode {
  const { t } = useTranslation(['jobs']);
  return (
    <div className="notice notice-error">
      <p className="notice-title">{props.title}</p>
      <p className="selectable">{props.error.message}</p>
      <p className="notice-detail">{t('jobs:progress.errorCode', { code: props.error.code })}</p>
      <div className="actions">
        <CopyDetailsButton error={props.error} title={props.title} />
      </div>
    </div>
  );
}
