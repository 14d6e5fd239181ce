// The overall progress of a job, or of one VM or disk of it: a bar whose text says bytes done of total.
import type { ReactNode } from 'react';
import { ProgressBar } from '../../components/ProgressBar.js';
import { progressFraction, progressPercent } from '../../components/progress-math.js';
import { useMessages } from '../../messages.js';

export function JobProgressBar(props: {
  label: string;
  bytesDone: number;
  bytesTotal: number;
  /** What the bar says before the total is known. */
  unknownText?: string;
  size?: 'large' | 'small';
}): ReactNode {
  const m = useMessages();
  const fraction = progressFraction(props.bytesDone, props.bytesTotal);
  const valueText =
    fraction === null
      ? (props.unknownText ?? m.jobs.progress.sizing)
      : m.jobs.progress.valueText(
          m.formatPercent(progressPercent(fraction) / 100),
          m.formatBytes(props.bytesDone),
          m.formatBytes(props.bytesTotal),
        );
  return <ProgressBar label={props.label} fraction={fraction} valueText={valueText} size={props.size ?? 'large'} />;
}
