// A running job at a glance: the overall bar, bytes read (by a restore: written) of total, speed, time left, when
// it began, and the chart.
import type { ReactNode } from 'react';
import type { JobProgress } from '../../../../shared/model/job.js';
import { progressPercent, shownFraction } from '../../components/progress-math.js';
import { ThroughputChart } from '../../components/ThroughputChart.js';
import { JobErrorNotice } from './JobErrorNotice.js';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../i18n/format.js';
import { JobProgressBar, workStatusOf } from './JobProgressBar.js';
import { useJobTitle } from './job-title.js';

export function JobProgressSummary(props: { progress: JobProgress }): ReactNode {
  const { t } = useTranslation(['jobs']);
  const f = useFormat();
  const { progress } = props;
  const title = useJobTitle()(progress);
  const queued = progress.state === 'queued';
  const status = workStatusOf(progress.state);
  const fraction = progress.bytesTotal > 0 ? shownFraction(progress.bytesDone, progress.bytesTotal, status) : null;
  return (
    <div className="job-progress">
      <JobProgressBar
        label={t('jobs:progress.label', { title })}
        bytesDone={progress.bytesDone}
        bytesTotal={progress.bytesTotal}
        status={status}
        // A prune counts no bytes: its bar says what it does instead.
        unknownText={queued ? t('jobs:progress.queued') : progress.phase !== null && progress.state === 'running' ? t(`jobs:phases.${progress.phase}`) : t('jobs:progress.sizing')}
      />
      <div className="job-progress-body">
        <dl className="job-facts">
          <div>
            <dt>{progress.kind === 'restore' ? t('jobs:progress.written') : t('jobs:progress.read')}</dt>
            <dd>
              {fraction === null
                ? f.bytes(progress.bytesDone)
                : t('jobs:progress.bytesOf', { done: f.bytes(progress.bytesDone), total: f.bytes(progress.bytesTotal), percent: f.percent(progressPercent(fraction) / 100) })}
            </dd>
          </div>
          <div>
            <dt>{t('jobs:progress.speed')}</dt>
            <dd>{f.rate(progress.throughputBps)}</dd>
          </div>
          <div>
            <dt>{t('jobs:progress.timeLeft')}</dt>
            <dd>{progress.etaSeconds === null ? t('jobs:progress.notKnown') : t('jobs:progress.about', { duration: f.duration(progress.etaSeconds) })}</dd>
          </div>
          <div>
            <dt>{t('jobs:progress.started')}</dt>
            <dd>{progress.startedAt === null ? t('jobs:progress.queued') : f.dateTime(progress.startedAt)}</dd>
          </div>
        </dl>
        <ThroughputChart samples={progress.throughputHistory} />
      </div>
      {progress.error ? <JobErrorNotice title={t('jobs:progress.jobFailed')} error={progress.error} /> : null}
    </div>
  );
}
