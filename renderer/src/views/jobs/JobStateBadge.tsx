// The state of a job or of one of its VMs, as text with a shape (readable without colour).
import type { ReactNode } from 'react';
import type { JobItemState, JobState } from '../../../../shared/model/job.js';
import { StateIcon, type StateShape } from '../../components/Icons.js';
import { useTranslation } from 'react-i18next';

const JOB_SHAPES: Record<JobState, StateShape> = {
  queued: 'pending',
  running: 'running',
  succeeded: 'ok',
  partial: 'problem',
  failed: 'problem',
  cancelled: 'stopped',
};

const ITEM_SHAPES: Record<JobItemState, StateShape> = {
  queued: 'pending',
  running: 'running',
  succeeded: 'ok',
  failed: 'problem',
  cancelled: 'stopped',
  skipped: 'stopped',
};

export function JobStateBadge(props: { state: JobState }): ReactNode {
  const { t } = useTranslation(['jobs']);
  return (
    <span className={`badge job-state job-state-${props.state}`}>
      <StateIcon shape={JOB_SHAPES[props.state]} />
      {t(`jobs:states.${props.state}`)}
    </span>
  );
}

export function JobItemStateBadge(props: { state: JobItemState }): ReactNode {
  const { t } = useTranslation(['jobs']);
  return (
    <span className={`badge job-item-state job-item-state-${props.state}`}>
      <StateIcon shape={ITEM_SHAPES[props.state]} />
      {t(`jobs:items.states.${props.state}`)}
    </span>
  );
}
