// The state of a job or of one of its VMs, as text with a shape (readable without colour).
import type { ReactNode } from 'react';
import type { JobItemState, JobState } from '../../../../shared/model/job.js';
import { StateIcon, type StateShape } from '../../components/Icons.js';
import { useMessages } from '../../messages.js';

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
  const m = useMessages();
  return (
    <span className={`badge job-state job-state-${props.state}`}>
      <StateIcon shape={JOB_SHAPES[props.state]} />
      {m.jobs.states[props.state]}
    </span>
  );
}

export function JobItemStateBadge(props: { state: JobItemState }): ReactNode {
  const m = useMessages();
  return (
    <span className={`badge job-item-state job-item-state-${props.state}`}>
      <StateIcon shape={ITEM_SHAPES[props.state]} />
      {m.jobs.items.states[props.state]}
    </span>
  );
}
