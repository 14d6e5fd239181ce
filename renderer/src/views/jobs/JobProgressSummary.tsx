// A running job at a glance: the overall bar, bytes read (by a restore: written) of total, speed, time left, when
// it began, and the chart.
import type { ReactNode } from 'react';
import type { JobProgress } from '../../../../shared/model/job.js';
import { progressPercent, shownFraction } from '../../components/progress-math.js';
import { ThroughputChart } from '../../components/ThroughputChart.js';
import { JobErrorNotice } from './JobErrorNotice.js';
import { useMessages } from '../../messages.js';
import { JobProgressBar, workStatusOf } from './JobProgressBar.js';

export function JobProgressSummary(props: { progress: JobProgress }): ReactNode {
  const m = useMessages();
  const p = m.jobs.progress;
  const { progress } = props;
  const queued = progress.state === 'queued';
  const status = workStatusOf(progress.state);
  const fraction = progress.bytesTotal > 0 ? shownFraction(progress.bytesDone, progress.bytesTotal, status) : null;
  return (
    <div className="job-progress">
      <JobProgressBar
        label={p.label(progress.title)}
        bytesDone={progress.bytesDone}
        bytesTotal={progress.bytesTotal}
        status={status}
        // A prune counts no bytes: its bar says what it does instead.
        unknownText={queued ? p.queued : progress.phase !== null && progress.state === 'running' ? m.jobs.phases[progress.phase] : p.sizing}
      />
      <div className="job-progress-body">
        <dl className="job-facts">
          <div>
            <dt>{progress.kind === 'restore' ? p.written : p.read}</dt>
            <dd>
              {fraction === null
                ? m.formatBytes(progress.bytesDone)
                : p.bytesOf(m.formatBytes(progress.bytesDone), m.formatBytes(progress.bytesTotal), m.formatPercent(progressPercent(fraction) / 100))}
            </dd>
          </div>
          <div>
            <dt>{p.speed}</dt>
            <dd>{m.formatRate(progress.throughputBps)}</dd>
          </div>
          <div>
            <dt>{p.timeLeft}</dt>
            <dd>{progress.etaSeconds === null ? p.notKnown : p.about(m.formatDuration(progress.etaSeconds))}</dd>
          </div>
          <div>
            <dt>{p.started}</dt>
            <dd>{progress.startedAt === null ? p.queued : m.formatDateTime(progress.startedAt)}</dd>
          </div>
        </dl>
        <ThroughputChart samples={progress.throughputHistory} />
      </div>
      {progress.error ? <JobErrorNotice title={p.jobFailed} error={progress.error} /> : null}
    </div>
  );
}
