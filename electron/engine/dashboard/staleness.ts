// When a VM's backups count as stale. With a schedule, a VM is stale once its newest restore point is older than
// twice the longest gap between two scheduled runs: one missed run is tolerated (a host down for a night), two
// in a row are not. Without a schedule nothing says how often backups should happen, so the threshold is 48 hours
// (a daily habit missed twice). The gap is measured in whole days between scheduled weekdays; the time of day is
// the same for every run, so it does not change the gap.
import { STALE_AFTER_WITHOUT_SCHEDULE_HOURS } from '../../../shared/model/dashboard.js';
import type { Schedule } from '../../../shared/model/schedule.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** The longest time between two consecutive runs of a schedule. */
export function longestScheduleGapMs(schedule: Schedule): number {
  if (schedule.kind === 'daily') return DAY_MS;
  const days = [...new Set(schedule.days)].sort((a, b) => a - b);
  let longest = 0;
  days.forEach((day, i) => {
    const next = i + 1 < days.length ? days[i + 1]! : days[0]! + 7;
    longest = Math.max(longest, next - day);
  });
  return longest * DAY_MS;
}

export function staleAfterMs(schedule: Schedule | null): number {
  return schedule === null ? STALE_AFTER_WITHOUT_SCHEDULE_HOURS * HOUR_MS : 2 * longestScheduleGapMs(schedule);
}
