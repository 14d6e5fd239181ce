// A progress bar: role=progressbar with its percentage in aria-valuenow and the whole story (bytes done of
// total) in aria-valuetext. While the total is not known it has no value (an indeterminate bar). The fill is SVG,
// so the bar needs no inline style (the page's CSP allows none) and follows the theme through CSS.
import type { ReactNode } from 'react';
import { progressPercent } from './progress-math.js';

export function ProgressBar(props: {
  label: string;
  /** 0 to 1, or null when not known. */
  fraction: number | null;
  valueText: string;
  size?: 'large' | 'small';
}): ReactNode {
  const percent = props.fraction === null ? null : progressPercent(props.fraction);
  const className = `progress progress-${props.size ?? 'large'}${percent === null ? ' progress-indeterminate' : ''}`;
  return (
    <div
      className={className}
      role="progressbar"
      aria-label={props.label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent ?? undefined}
      aria-valuetext={props.valueText}
    >
      <svg viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" focusable="false">
        <rect className="progress-track" x="0" y="0" width="100" height="10" />
        {props.fraction === null ? null : <rect className="progress-fill" x="0" y="0" width={props.fraction * 100} height="10" />}
      </svg>
    </div>
  );
}
