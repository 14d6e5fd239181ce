// A job's log lines, oldest first, each with its time and level (the engine names the VM in the message).
import type { ReactNode } from 'react';
import type { JobLogLine } from '../../../../shared/model/job.js';
import { useMessages } from '../../messages.js';

export function JobLog(props: { title: string; lines: readonly JobLogLine[] }): ReactNode {
  const m = useMessages();
  const d = m.jobs.detail;
  if (props.lines.length === 0) return <p className="muted">{d.logEmpty}</p>;
  return (
    <div className="job-log" tabIndex={0} role="region" aria-label={d.logLabel(props.title)}>
      <ol>
        {props.lines.map((line) => (
          <li key={line.seq} className={`log-line log-${line.level}`}>
            <time dateTime={line.at} className="log-time">
              {m.formatTime(line.at)}
            </time>
            <span className="log-level">{d.levels[line.level]}</span>
            <span className="log-message selectable">{line.message}</span>
          </li>
        ))}
      </ol>
    </div>
  );
}
