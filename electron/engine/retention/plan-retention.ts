// Which restore points a retention policy keeps, restic `forget` style. Pure: no clock, no file system; the
// caller lists the points and prunes what comes back with keep: false.
//
// Per VM, newest first, each rule keeps points on its own and a point is kept when any rule keeps it:
// - keepLast N: the N newest points;
// - keepDaily N: the newest point of each of the N most recent calendar days that have points;
// - keepWeekly N: the same per ISO week (Monday to Sunday, the week-year of its Thursday);
// - keepMonthly N: the same per calendar month.
// Days, weeks and months are those of a wall calendar in `timeZone` (an IANA name), so "the 9 PM backup of
// Sunday" stays Sunday's through DST changes wherever the repository's clock runs. Empty periods (no backup
// that day) are not counted: a week without backups does not eat into keepDaily, as in restic.
// The newest point of each VM is always kept (reason 'newest'): the next incremental continues from it.
import { retentionPolicySchema, type RetentionDecision, type RetentionPolicy, type RetentionReason } from '../../../shared/model/retention.js';

/** What planning needs of a restore point (a manifest or a PointSummary has it). */
export interface RetentionCandidate {
  id: string;
  /** ISO 8601; the point's moment (the manifest's createdAt). */
  createdAt: string;
  vm: { clusterId: string; vmUuid: string };
}

export interface PlanRetentionOptions {
  /** IANA time zone whose calendar defines days, weeks and months (`Europe/Berlin`, `UTC`). */
  timeZone: string;
}

/** The calendar periods a point falls in, as keys that are equal exactly when the periods are. */
interface PeriodKeys {
  day: string;
  week: string;
  month: string;
}

type PeriodRule = { reason: Extract<RetentionReason, 'daily' | 'weekly' | 'monthly'>; period: keyof PeriodKeys; count: keyof RetentionPolicy };

const PERIOD_RULES: readonly PeriodRule[] = [
  { reason: 'daily', period: 'day', count: 'keepDaily' },
  { reason: 'weekly', period: 'week', count: 'keepWeekly' },
  { reason: 'monthly', period: 'month', count: 'keepMonthly' },
];

/** Reasons in this order in every decision, whatever order the rules matched in. */
const REASON_ORDER: readonly RetentionReason[] = ['last', 'daily', 'weekly', 'monthly', 'newest'];

const DAY_MS = 86_400_000;

/**
 * One decision per point, in the order the points were given. Throws RangeError for an unknown time zone, a
 * point id given twice, a createdAt that is not a date, or a policy that breaks retentionPolicySchema (a
 * policy that keeps nothing would delete all but the newest point: refused rather than guessed at).
 */
export function planRetention(
  points: readonly RetentionCandidate[],
  policyFor: (vm: { clusterId: string; vmUuid: string }) => RetentionPolicy,
  options: PlanRetentionOptions,
): RetentionDecision[] {
  const periodsOf = calendarIn(options.timeZone);
  const seen = new Set<string>();
  const byVm = new Map<string, Array<{ point: RetentionCandidate; time: number; index: number }>>();
  for (const [index, point] of points.entries()) {
    if (seen.has(point.id)) throw new RangeError(`restore point ${point.id} is listed twice`);
    seen.add(point.id);
    const time = Date.parse(point.createdAt);
    if (!Number.isFinite(time)) throw new RangeError(`restore point ${point.id} has createdAt ${JSON.stringify(point.createdAt)}, which is not a date`);
    const key = `${point.vm.clusterId}/${point.vm.vmUuid}`;
    let group = byVm.get(key);
    if (!group) byVm.set(key, (group = []));
    group.push({ point, time, index });
  }

  const reasonsByIndex: Array<Set<RetentionReason>> = points.map(() => new Set());
  for (const group of byVm.values()) {
    const first = group[0]!.point;
    const policy = checkedPolicy(policyFor(first.vm), first.vm);
    // Newest first; two points of one instant in id order, so the plan never depends on listing order.
    group.sort((a, b) => b.time - a.time || (a.point.id < b.point.id ? 1 : a.point.id > b.point.id ? -1 : 0));
    reasonsByIndex[group[0]!.index]!.add('newest');
    for (const [rank, { index }] of group.entries()) if (rank < policy.keepLast) reasonsByIndex[index]!.add('last');
    const periods = group.map(({ time }) => periodsOf(time));
    for (const rule of PERIOD_RULES) {
      // A set of the periods already kept rather than "the period of the previous point": correctness then does
      // not rest on wall-clock dates never stepping back at a DST change anywhere.
      const kept = new Set<string>();
      for (const [rank, { index }] of group.entries()) {
        if (kept.size >= policy[rule.count]) break;
        const period = periods[rank]![rule.period];
        if (kept.has(period)) continue;
        kept.add(period);
        reasonsByIndex[index]!.add(rule.reason);
      }
    }
  }

  return points.map((point, index) => {
    const reasons = REASON_ORDER.filter((reason) => reasonsByIndex[index]!.has(reason));
    return { pointId: point.id, vmUuid: point.vm.vmUuid, createdAt: point.createdAt, keep: reasons.length > 0, reasons };
  });
}

function checkedPolicy(policy: RetentionPolicy, vm: { clusterId: string; vmUuid: string }): RetentionPolicy {
  const parsed = retentionPolicySchema.safeParse(policy);
  if (!parsed.success) {
    throw new RangeError(`the retention policy of VM ${vm.vmUuid} (cluster ${vm.clusterId}) is not valid: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  }
  return parsed.data;
}

/** A function from an instant to its day, ISO week and month on the wall calendar of `timeZone`. */
function calendarIn(timeZone: string): (time: number) => PeriodKeys {
  let format: Intl.DateTimeFormat;
  try {
    // Gregorian calendar and Latin digits whatever the process locale, so the parts below parse as numbers.
    format = new Intl.DateTimeFormat('en-US-u-ca-gregory-nu-latn', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric' });
  } catch (error) {
    throw new RangeError(`unknown time zone ${JSON.stringify(timeZone)}`, { cause: error });
  }
  return (time) => {
    let year = 0;
    let month = 0;
    let day = 0;
    for (const part of format.formatToParts(time)) {
      if (part.type === 'year') year = Number(part.value);
      else if (part.type === 'month') month = Number(part.value);
      else if (part.type === 'day') day = Number(part.value);
    }
    return { day: `${year}-${month}-${day}`, week: isoWeekKey(year, month, day), month: `${year}-${month}` };
  };
}

/**
 * The ISO 8601 week of a calendar date: weeks run Monday to Sunday and belong to the year of their Thursday
 * (so 2024-12-30 is in 2025-W1, and 2021-01-03 in 2020-W53).
 */
export function isoWeekKey(year: number, month: number, day: number): string {
  // Calendar arithmetic in UTC, where every day is 24 hours: the date is already the wall-clock one.
  const date = Date.UTC(year, month - 1, day);
  const weekday = (new Date(date).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  const thursday = new Date(date + (3 - weekday) * DAY_MS);
  const weekYear = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(weekYear, 0, 1)) / DAY_MS / 7) + 1;
  return `${weekYear}-W${week}`;
}
