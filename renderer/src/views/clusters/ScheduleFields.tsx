// The schedule part of a cluster's backup settings: no schedule, every day, or chosen days of the week, at a time;
// with when it last ran and runs next. Problems show next to their field once Save found them, and go as soon as
// the input fixes them.
import { useId, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { Field } from '../../components/Field.js';
import { WarningIcon } from '../../components/Icons.js';
import { useMessages } from '../../messages.js';
import { SCHEDULE_KINDS, type Weekday } from '../../stores/cluster-settings-store.js';
import { useStores } from '../../stores/index.js';

function RunTimes(): ReactNode {
  const m = useMessages();
  const s = m.clusterSettings;
  const { clusterSettings } = useStores();
  const schedule = useStore(clusterSettings, (state) => state.schedule);
  if (schedule === null) return null;
  return (
    <p className="schedule-runs muted">
      <span>{schedule.nextRunAt === null ? s.notScheduled : s.nextRun(m.formatDateTime(schedule.nextRunAt))}</span>{' '}
      <span>{schedule.lastRunAt === null ? s.neverRun : s.lastRun(m.formatDateTime(schedule.lastRunAt))}</span>
    </p>
  );
}

function WeekdayChoices(): ReactNode {
  const m = useMessages();
  const s = m.clusterSettings;
  const { clusterSettings } = useStores();
  const days = useStore(clusterSettings, (state) => state.scheduleForm.days);
  const problem = useStore(clusterSettings, (state) => state.scheduleProblems?.days ?? null);
  const toggleDay = useStore(clusterSettings, (state) => state.toggleDay);
  const errorId = useId();
  return (
    <fieldset className="choice-group" aria-describedby={problem ? errorId : undefined} aria-invalid={problem ? true : undefined}>
      <legend className="field-label">{s.daysLegend}</legend>
      <div className="weekday-choices">
        {s.weekOrder.map((day: Weekday) => (
          <label key={day} className="choice">
            <input type="checkbox" className="checkbox" checked={days.includes(day)} onChange={() => toggleDay(day)} />
            <span>{s.weekdays[day]}</span>
          </label>
        ))}
      </div>
      {problem ? (
        <p className="field-error" id={errorId}>
          <WarningIcon />
          <span>{s.daysRequired}</span>
        </p>
      ) : null}
    </fieldset>
  );
}

export function ScheduleFields(): ReactNode {
  const m = useMessages();
  const s = m.clusterSettings;
  const { clusterSettings } = useStores();
  const form = useStore(clusterSettings, (state) => state.scheduleForm);
  const timeProblem = useStore(clusterSettings, (state) => state.scheduleProblems?.time ?? null);
  const setScheduleKind = useStore(clusterSettings, (state) => state.setScheduleKind);
  const setTime = useStore(clusterSettings, (state) => state.setTime);
  const headingId = useId();
  return (
    <section className="settings-part" aria-labelledby={headingId}>
      <h3 id={headingId}>{s.scheduleHeading}</h3>
      <fieldset className="choice-group">
        <legend className="field-label">{s.scheduleLegend}</legend>
        {SCHEDULE_KINDS.map((kind) => (
          <label key={kind} className="choice">
            <input
              type="radio"
              name={`${headingId}-kind`}
              value={kind}
              checked={form.kind === kind}
              onChange={() => setScheduleKind(kind)}
            />
            <span>{s.scheduleKinds[kind]}</span>
          </label>
        ))}
      </fieldset>
      {form.kind === 'none' ? null : (
        <>
          <Field label={s.timeLabel} hint={s.timeHint} error={timeProblem ? s.timeProblems[timeProblem] : null}>
            {(control) => (
              <input {...control} type="time" className="input input-time" value={form.time} onChange={(event) => setTime(event.target.value)} />
            )}
          </Field>
          {form.kind === 'weekly' ? <WeekdayChoices /> : null}
        </>
      )}
      <RunTimes />
    </section>
  );
}
