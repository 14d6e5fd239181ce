// A job's log lines, oldest first, each with its time and level (the engine names the VM in the message).
import type { ReactNode } from 'react';
import type { JobLogLine } from '../../../../shared/model/job.js';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../i18n/format.js';

export function JobLog(props: { title: string; lines: readonly JobLogLine[] }): ReactNode {
  const { t } = useTranslation(['jobs']);
  const f = useFormat();
  if (props.lines.length === 0) return <p className="muted">{t('jobs:detail.logEmpty')}</p>;
  return (
    <div className="job-log" tabIndex={0} role="region" aria-label={t('jobs:detail.logLabel', { title: props.title })}>
      <ol>
        {props.lines.map((line) => (
          <li key={line.seq} className={`log-line log-${line.level}`}>
            <time dateTime={line.at} className="log-time">
              {f.time(line.at)}
            </time>
            <span className="log-level">{t(`jobs:detail.levels.${line.level}`)}</span>
            <span className="log-message selectable">{line.message}</span>
          </li>
        ))}
      </ol>
    </div>
  );
}
