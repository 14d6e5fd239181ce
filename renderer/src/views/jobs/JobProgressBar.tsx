// The overall progress of a job, or of one VM or disk of it: a bar whose text says bytes done of total. Work not
// yet ended never shows as all done (a job's total grows as its VMs are sized; a VM whose disks are read still
// writes its restore point), and work done shows as done even when there was nothing to read.
import type { ReactNode } from 'react';
import type { JobItemState, JobState } from '../../../../shared/model/job.js';
import { ProgressBar } from '../../components/ProgressBar.js';
import { progressPercent, shownFraction, type WorkStatus } from '../../components/progress-math.js';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../i18n/format.js';

export function JobProgressBar(props: {
  label: string;
  bytesDone: number;
  bytesTotal: number;
  /** Whether the work the bytes belong to still runs or is done; not given: the bytes alone say. */
  status?: WorkStatus | undefined;
  /** What the bar says before the total is known. */
  unknownText?: string;
  size?: 'large' | 'small';
}): ReactNode {
  const { t } = useTranslation(['jobs']);
  const f = useFormat();
  const fraction = shownFraction(props.bytesDone, props.bytesTotal, props.status);
  const valueText =
    fraction === null
      ? (props.unknownText ?? t('jobs:progress.sizing'))
      : props.bytesTotal > 0
        ? t('jobs:progress.valueText', { percent: f.percent(progressPercent(fraction) / 100), done: f.bytes(props.bytesDone), total: f.bytes(props.bytesTotal) })
        : t('jobs:progress.nothingToRead');
  return <ProgressBar label={props.label} fraction={fraction} valueText={valueText} size={props.size ?? 'large'} />;
}

/** A job's or a VM's state as its bar needs it: still running (queued too), done, or ended otherwise. */
export function workStatusOf(state: JobState | JobItemState): WorkStatus | undefined {
  if (state === 'queued' || state === 'running') return 'running';
  return state === 'succeeded' ? 'done' : undefined;
}
