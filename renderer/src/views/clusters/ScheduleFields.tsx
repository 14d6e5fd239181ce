// The schedule part of a cluster's backup settings: no schedule, every day, or chosen days of the week, at a time;
// with when it last ran and runs next. Problems show next to their field once Save found them, and go as soon as
// the input fixes them.
import { useId, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { Field } from '../../components/Field.js';
import { WarningIcon } from '../../components/Icons.js';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../i18n/format.js';
import { SCHEDULE_KINDS, type Weekday } from '../../stores/cluster-settings-store.js';
import { useStores } from '../../stores/index.js';

function RunTimes(): ReactNode {
  const { t } = useTranslation(['clusterSettings']);
  const f = useFormat();
  const { clusterSettings } = useStores();
  const schedule = useStore(clusterSettings, (state) => state.schedule);
  if (schedule === null) return null;
  return (
    <p className="schedule-runs muted">
      <span>{schedule.nextRunAt === null ? t('clusterSettings:notScheduled') : t('clusterSettings:nextRun', { when: f.dateTime(schedule.nextRunAt) })}</span>{' '}
      <span>{schedule.lastRunAt === null ? t('clusterSettings:neverRun') : t('clusterSettings:lastRun', { when: f.dateTime(schedule.lastRunAt) })}</span>
    </p>
  );
}

/** The days in the order the list shows them: the week starting on Monday (the contract's day 0 is Sunday). */
const WEEK_ORDER: readonly Weekday[] = [1, 2, 3, 4, 5, 6, 0];

function WeekdayChoices(): ReactNode {
  const { t } = useTranslation(['clusterSettings']);
  const { clusterSettings } = useStores();
  const days = useStore(clusterSettings, (state) => state.scheduleForm.days);
  const problem = useStore(clusterSettings, (state) => state.scheduleProblems?.days ?? null);
  const toggleDay = useStore(clusterSettings, (state) => state.toggleDay);
  const errorId = useId();
  return (
    <fieldset className="choice-group" aria-describedby={problem ? errorId : undefined} aria-invalid={problem ? true : undefined}>
      <legend className="field-label">{t('clusterSettings:daysLegend')}</legend>
      <div className="weekday-choices">
        {WEEK_ORDER.map((day) => (
          <label key={day} className="choice">
            <input type="checkbox" className="checkbox" checked={days.includes(day)} onChange={() => toggleDay(day)} />
            <span>{t(`clusterSettings:weekdays.${day}`)}</span>
          </label>
        ))}
      </div>
      {problem ? (
        <p className="field-error" id={errorId}>
          <WarningIcon />
          <span>{t('clusterSettings:daysRequired')}</span>
        </p>
      ) : null}
    </fieldset>
  );
}

export function ScheduleFields(): ReactNode {
  const { t } = useTranslation(['clusterSettings']);
  const { clusterSettings } = useStores();
  const form = useStore(clusterSettings, (state) => state.scheduleForm);
  const timeProblem = useStore(clusterSettings, (state) => state.scheduleProblems?.time ?? null);
  const setScheduleKind = useStore(clusterSettings, (state) => state.setScheduleKind);
  const setTime = useStore(clusterSettings, (state) => state.setTime);
  const headingId = useId();
  return (
    <section className="settings-part" aria-labelledby={headingId}>
      <h3 id={headingId}>{t('clusterSettings:scheduleHeading')}</h3>
      <fieldset className="choice-group">
        <legend className="field-label">{t('clusterSettings:scheduleLegend')}</legend>
        {SCHEDULE_KINDS.map((kind) => (
          <label key={kind} className="choice">
            <input
              type="radio"
              name={`${headingId}-kind`}
              value={kind}
              checked={form.kind === kind}
              onChange={() => setScheduleKind(kind)}
            />
            <span>{t(`clusterSettings:scheduleKinds.${kind}`)}</span>
          </label>
        ))}
      </fieldset>
      {form.kind === 'none' ? null : (
        <>
          <Field label={t('clusterSettings:timeLabel')} hint={t('clusterSettings:timeHint')} error={timeProblem ? t(`clusterSettings:timeProblems.${timeProblem}`) : null}>
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
