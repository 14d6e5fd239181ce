// Retention planning, restic `forget` semantics: small cases with every decision spelled out, the calendar of
// a time zone (DST both ways, month and ISO week edges), and a year of simulated backups of several VMs pruned
// every night, checked against expectations built from the simulated wall-clock dates (not through Intl).
import { describe, expect, it } from 'vitest';
import { planRetention, isoWeekKey, type RetentionCandidate } from '../../../electron/engine/retention/plan-retention.js';
import { DEFAULT_RETENTION_POLICY, retentionDecisionSchema, retentionPolicySchema, type RetentionPolicy } from '../../../shared/model/retention.js';
import { seededRandom } from '../../support/random.js';

const CLUSTER = '3f1c2a64-8d0e-4c1b-9a57-0b6f4e2d9c11';
const OTHER_CLUSTER = '7e2d1c0b-9a8f-4e7d-8c6b-5a4f3e2d1c0b';
const VM_A = 'a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d';
const VM_B = 'b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e';
const VM_C = 'c2d3e4f5-a6b7-4c8d-9e0f-1a2b3c4d5e6f';

const policy = (p: Partial<RetentionPolicy>): RetentionPolicy => ({ keepLast: 0, keepDaily: 0, keepWeekly: 0, keepMonthly: 0, ...p });

let nextId = 1;
function point(createdAt: string, vmUuid = VM_A, clusterId = CLUSTER, id?: string): RetentionCandidate {
  return { id: id ?? `00000000-0000-4000-8000-${(nextId++).toString(16).padStart(12, '0')}`, createdAt, vm: { clusterId, vmUuid } };
}

/** Point id → reasons, for the kept points only. */
function keptReasons(points: readonly RetentionCandidate[], policyFor: (vm: RetentionCandidate['vm']) => RetentionPolicy, timeZone = 'UTC'): Map<string, string[]> {
  const decisions = planRetention(points, policyFor, { timeZone });
  return new Map(decisions.filter((d) => d.keep).map((d) => [d.pointId, d.reasons]));
}

describe('retentionPolicySchema', () => {
  it('accepts the default and any policy that keeps something', () => {
    expect(retentionPolicySchema.parse(DEFAULT_RETENTION_POLICY)).toEqual({ keepLast: 7, keepDaily: 14, keepWeekly: 8, keepMonthly: 12 });
    expect(retentionPolicySchema.safeParse(policy({ keepMonthly: 1 })).success).toBe(true);
    expect(retentionPolicySchema.safeParse(policy({ keepLast: 1000 })).success).toBe(true);
  });

  it('refuses a policy that keeps nothing, with a message that says so', () => {
    const result = retentionPolicySchema.safeParse(policy({}));
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/must keep something.*at least one of keepLast, keepDaily, keepWeekly or keepMonthly/);
  });

  it('refuses fractions, negatives, huge counts, missing and unknown fields', () => {
    for (const bad of [
      { ...DEFAULT_RETENTION_POLICY, keepLast: 1.5 },
      { ...DEFAULT_RETENTION_POLICY, keepDaily: -1 },
      { ...DEFAULT_RETENTION_POLICY, keepWeekly: 1001 },
      { keepLast: 1, keepDaily: 1, keepWeekly: 1 },
      { ...DEFAULT_RETENTION_POLICY, keepYearly: 3 },
    ]) {
      expect(retentionPolicySchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});

describe('isoWeekKey', () => {
  it('numbers weeks as ISO 8601 does, across year ends', () => {
    expect(isoWeekKey(2024, 12, 29)).toBe('2024-W52'); // Sunday
    expect(isoWeekKey(2024, 12, 30)).toBe('2025-W1'); // Monday of the week holding 2 January
    expect(isoWeekKey(2025, 1, 5)).toBe('2025-W1');
    expect(isoWeekKey(2025, 1, 6)).toBe('2025-W2');
    expect(isoWeekKey(2021, 1, 3)).toBe('2020-W53');
    expect(isoWeekKey(2020, 12, 31)).toBe('2020-W53');
    expect(isoWeekKey(2026, 12, 31)).toBe('2026-W53');
    expect(isoWeekKey(2027, 1, 4)).toBe('2027-W1');
    expect(isoWeekKey(2025, 6, 15)).toBe('2025-W24');
  });
});

describe('planRetention', () => {
  it('keeps the N newest with keepLast, and says why', () => {
    const points = ['2025-03-01T10:00:00Z', '2025-03-02T10:00:00Z', '2025-03-03T10:00:00Z', '2025-03-04T10:00:00Z', '2025-03-05T10:00:00Z'].map((t) => point(t));
    const decisions = planRetention(points, () => policy({ keepLast: 3 }), { timeZone: 'UTC' });
    expect(decisions.map((d) => d.keep)).toEqual([false, false, true, true, true]);
    expect(decisions.map((d) => d.reasons)).toEqual([[], [], ['last'], ['last'], ['last', 'newest']]);
    // In the order given, every field the contract carries.
    expect(decisions.map((d) => d.pointId)).toEqual(points.map((p) => p.id));
    for (const [i, d] of decisions.entries()) expect(retentionDecisionSchema.parse(d)).toEqual({ ...d, vmUuid: VM_A, createdAt: points[i]!.createdAt });
  });

  it('keeps the newest point of each of the N most recent days that have points, skipping empty days', () => {
    const points = [
      point('2025-03-01T08:00:00Z'),
      point('2025-03-01T20:00:00Z'), // newest of the 1st
      point('2025-03-04T01:00:00Z'),
      point('2025-03-04T09:00:00Z'),
      point('2025-03-04T23:59:59.999Z'), // newest of the 4th
      point('2025-03-09T07:00:00Z'), // only one on the 9th (days 5-8 have none)
    ];
    const kept = keptReasons(points, () => policy({ keepDaily: 3 }));
    expect(kept).toEqual(
      new Map([
        [points[1]!.id, ['daily']],
        [points[4]!.id, ['daily']],
        [points[5]!.id, ['daily', 'newest']],
      ]),
    );
  });

  it('counts weeks as ISO weeks (Monday to Sunday) and months as calendar months', () => {
    const points = [
      point('2025-01-31T12:00:00Z'), // Fri, W5, January
      point('2025-02-01T12:00:00Z'), // Sat, W5, February
      point('2025-02-02T23:00:00Z'), // Sun, W5, February: newest of W5
      point('2025-02-03T00:30:00Z'), // Mon, W6
      point('2025-02-28T12:00:00Z'), // Fri, W9, newest of February
      point('2025-03-01T12:00:00Z'), // Sat, W9, March: newest of W9 and of March
    ];
    expect(keptReasons(points, () => policy({ keepWeekly: 10 }))).toEqual(
      new Map([
        [points[2]!.id, ['weekly']],
        [points[3]!.id, ['weekly']],
        [points[5]!.id, ['weekly', 'newest']],
      ]),
    );
    expect(keptReasons(points, () => policy({ keepMonthly: 2 }))).toEqual(
      new Map([
        [points[4]!.id, ['monthly']],
        [points[5]!.id, ['monthly', 'newest']],
      ]),
    );
  });

  it('keeps a point for every rule that wants it, and deletes only what no rule keeps', () => {
    const points = Array.from({ length: 40 }, (_, day) => point(new Date(Date.UTC(2025, 0, 1 + day, 21)).toISOString()));
    const decisions = planRetention(points, () => policy({ keepLast: 2, keepDaily: 4, keepWeekly: 3, keepMonthly: 2 }), { timeZone: 'UTC' });
    const reasonsOf = (date: string): string[] => decisions.find((d) => d.createdAt.startsWith(date))!.reasons;
    expect(reasonsOf('2025-02-09')).toEqual(['last', 'daily', 'weekly', 'monthly', 'newest']); // Sunday, newest
    expect(reasonsOf('2025-02-08')).toEqual(['last', 'daily']);
    expect(reasonsOf('2025-02-07')).toEqual(['daily']);
    expect(reasonsOf('2025-02-06')).toEqual(['daily']);
    expect(reasonsOf('2025-02-05')).toEqual([]);
    expect(reasonsOf('2025-02-02')).toEqual(['weekly']); // Sunday of W5
    expect(reasonsOf('2025-01-26')).toEqual(['weekly']); // Sunday of W4
    expect(reasonsOf('2025-01-31')).toEqual(['monthly']);
    expect(decisions.filter((d) => d.keep)).toHaveLength(7);
  });

  it("always keeps each VM's newest point, and plans each VM (and each cluster's VM) on its own policy", () => {
    const points = [
      point('2025-03-01T10:00:00Z', VM_A),
      point('2025-03-02T10:00:00Z', VM_A),
      point('2025-03-01T10:00:00Z', VM_B),
      point('2025-02-01T10:00:00Z', VM_B),
      // The same VM UUID in another cluster is another VM.
      point('2025-01-01T10:00:00Z', VM_A, OTHER_CLUSTER),
    ];
    const seen: string[] = [];
    const kept = keptReasons(points, (vm) => {
      seen.push(`${vm.clusterId}/${vm.vmUuid}`);
      return vm.vmUuid === VM_A ? policy({ keepLast: 2 }) : policy({ keepMonthly: 1 });
    });
    expect(seen.sort()).toEqual([`${CLUSTER}/${VM_A}`, `${CLUSTER}/${VM_B}`, `${OTHER_CLUSTER}/${VM_A}`]);
    expect(kept).toEqual(
      new Map([
        [points[0]!.id, ['last']],
        [points[1]!.id, ['last', 'newest']],
        [points[2]!.id, ['monthly', 'newest']],
        [points[4]!.id, ['last', 'newest']],
      ]),
    );
  });

  it('orders points of the same instant by id, whatever order they are listed in', () => {
    const ids = ['00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-00000000000b', '00000000-0000-4000-8000-00000000000c'];
    const same = ids.map((id) => point('2025-03-01T10:00:00.000Z', VM_A, CLUSTER, id));
    const random = seededRandom(7);
    for (let round = 0; round < 6; round += 1) {
      const listed = [...same].sort(() => random.next() - 0.5);
      const kept = keptReasons(listed, () => policy({ keepLast: 1 }));
      expect([...kept.keys()]).toEqual([ids[2]]);
    }
  });

  it('uses the wall calendar of the time zone: a point at 00:30 in Berlin belongs to that Berlin day, month and week', () => {
    // 2025-03-31T22:30Z is Tuesday 1 April 00:30 in Berlin (CEST), still Monday 31 March in UTC.
    const points = [point('2025-03-31T20:00:00Z'), point('2025-03-31T22:30:00Z')];
    expect(keptReasons(points, () => policy({ keepMonthly: 2 }), 'UTC')).toEqual(new Map([[points[1]!.id, ['monthly', 'newest']]]));
    expect(keptReasons(points, () => policy({ keepMonthly: 2 }), 'Europe/Berlin')).toEqual(
      new Map([
        [points[0]!.id, ['monthly']],
        [points[1]!.id, ['monthly', 'newest']],
      ]),
    );
    // Sunday 23:30 and Monday 00:30 in Berlin: two ISO weeks there, one in UTC (both Sunday).
    const weekEdge = [point('2025-01-05T22:30:00Z'), point('2025-01-05T23:30:00Z')];
    expect(keptReasons(weekEdge, () => policy({ keepWeekly: 5 }), 'UTC').size).toBe(1);
    expect(keptReasons(weekEdge, () => policy({ keepWeekly: 5 }), 'Europe/Berlin').size).toBe(2);
  });

  it('keeps one point per Berlin day across both DST changes, the repeated hour included', () => {
    const points = [
      // 29 March 2025 23:30 CET, then 30 March (23 hours long): 01:30 CET and 03:30 CEST, one hour apart.
      point('2025-03-29T22:30:00Z'),
      point('2025-03-30T00:30:00Z'),
      point('2025-03-30T01:30:00Z'),
      // 26 October 2025 (25 hours long): 02:30 CEST, then 02:30 CET an hour later, then 23:30 CET.
      point('2025-10-26T00:30:00Z'),
      point('2025-10-26T01:30:00Z'),
      point('2025-10-26T22:30:00Z'),
      // 27 October 00:30 CET.
      point('2025-10-26T23:30:00Z'),
    ];
    expect(keptReasons(points, () => policy({ keepDaily: 10 }), 'Europe/Berlin')).toEqual(
      new Map([
        [points[0]!.id, ['daily']],
        [points[2]!.id, ['daily']],
        [points[5]!.id, ['daily']],
        [points[6]!.id, ['daily', 'newest']],
      ]),
    );
    // In UTC the same instants fall on 29, 30 (three), 26 (three) and 26 October: one day fewer.
    expect(keptReasons(points, () => policy({ keepDaily: 10 }), 'UTC').size).toBe(3);
  });

  it('counts a 25-hour day where DST ends at midnight (America/Santiago) as one day', () => {
    // Santiago fell back at 2025-04-06 00:00 (-03) to 2025-04-05 23:00 (-04): 5 April 23:30 happened twice.
    const points = [point('2025-04-06T02:30:00Z'), point('2025-04-06T03:30:00Z'), point('2025-04-06T04:30:00Z')];
    expect(keptReasons(points, () => policy({ keepDaily: 5 }), 'America/Santiago')).toEqual(
      new Map([
        [points[1]!.id, ['daily']],
        [points[2]!.id, ['daily', 'newest']],
      ]),
    );
  });

  it('refuses what it cannot plan safely', () => {
    const ok = point('2025-03-01T10:00:00Z');
    expect(() => planRetention([ok], () => DEFAULT_RETENTION_POLICY, { timeZone: 'Mars/Olympus_Mons' })).toThrow(/unknown time zone "Mars\/Olympus_Mons"/);
    expect(() => planRetention([ok, { ...ok }], () => DEFAULT_RETENTION_POLICY, { timeZone: 'UTC' })).toThrow(/listed twice/);
    expect(() => planRetention([point('yesterday')], () => DEFAULT_RETENTION_POLICY, { timeZone: 'UTC' })).toThrow(/not a date/);
    expect(() => planRetention([ok], () => policy({}), { timeZone: 'UTC' })).toThrow(new RegExp(`retention policy of VM ${VM_A}.*must keep something`));
    expect(() => planRetention([ok], () => ({ ...DEFAULT_RETENTION_POLICY, keepLast: -3 }), { timeZone: 'UTC' })).toThrow(RangeError);
    expect(planRetention([], () => DEFAULT_RETENTION_POLICY, { timeZone: 'UTC' })).toEqual([]);
  });
});

// -------------------------------------------------------------------------------------------------------------
// A year of nightly retention

/** Berlin wall time → UTC by the EU rule (summer time from the last Sunday of March to the last Sunday of October, 01:00 UTC), not through Intl. */
function berlinToUtc(year: number, month: number, day: number, hour: number, minute: number): Date {
  const lastSunday = (m: number): number => {
    const last = new Date(Date.UTC(year, m, 0));
    return last.getUTCDate() - last.getUTCDay();
  };
  const summerStart = Date.UTC(year, 2, lastSunday(3), 1);
  const summerEnd = Date.UTC(year, 9, lastSunday(10), 1);
  const asWinter = Date.UTC(year, month - 1, day, hour, minute) - 3_600_000;
  return new Date(asWinter >= summerStart && asWinter < summerEnd ? asWinter - 3_600_000 : asWinter);
}

interface SimulatedPoint extends RetentionCandidate {
  /** The Berlin wall-clock date the simulation made it on: days since 1970-01-01 of that date. */
  localDay: number;
  localMonth: string;
}

/** What restic's rules keep, computed from the simulated local dates: a second, independent derivation. */
function expectedKept(points: readonly SimulatedPoint[], p: RetentionPolicy): Set<string> {
  const newestFirst = [...points].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || (a.id < b.id ? 1 : -1));
  const kept = new Set<string>(newestFirst.slice(0, Math.max(1, p.keepLast)).map((x) => x.id));
  const newestPerPeriod = (periodOf: (x: SimulatedPoint) => string | number, n: number): void => {
    const periods = new Map<string | number, SimulatedPoint>();
    for (const x of newestFirst) if (!periods.has(periodOf(x))) periods.set(periodOf(x), x);
    for (const x of [...periods.values()].slice(0, n)) kept.add(x.id);
  };
  newestPerPeriod((x) => x.localDay, p.keepDaily);
  // Monday-based weeks as day counts: 1970-01-01 was a Thursday, so day + 3 is 0 on a Monday.
  newestPerPeriod((x) => Math.floor((x.localDay + 3) / 7), p.keepWeekly);
  newestPerPeriod((x) => x.localMonth, p.keepMonthly);
  return kept;
}

describe('planRetention over a year of backups in Europe/Berlin', () => {
  const policies: Record<string, RetentionPolicy> = {
    [VM_A]: DEFAULT_RETENTION_POLICY,
    [VM_B]: policy({ keepLast: 3, keepMonthly: 6 }),
    [VM_C]: policy({ keepDaily: 5, keepWeekly: 2 }),
  };
  const policyFor = (vm: RetentionCandidate['vm']): RetentionPolicy => policies[vm.vmUuid]!;

  /** Backs up every simulated night from December 2024 to November 2025 and prunes after each day's backups. */
  function simulate(seed: number): { all: SimulatedPoint[]; surviving: SimulatedPoint[] } {
    const random = seededRandom(seed);
    const all: SimulatedPoint[] = [];
    let repository: SimulatedPoint[] = [];
    for (let day = Date.UTC(2024, 11, 1); day <= Date.UTC(2025, 10, 15); day += 86_400_000) {
      const date = new Date(day);
      const [y, m, d] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
      const localDay = day / 86_400_000;
      const made = (vmUuid: string, hour: number, minute: number): void => {
        const created = berlinToUtc(y, m, d, hour, minute);
        const p: SimulatedPoint = { ...point(created.toISOString(), vmUuid), localDay, localMonth: `${y}-${m}` };
        all.push(p);
        repository.push(p);
      };
      // VM A: one to four backups a day at hours that include 00:xx, 01:xx and 23:xx (next to the day's edges
      // in both offsets); a few days without any.
      if (random.next() > 0.1) {
        const hours = [0, 1, 6, 9, 12, 18, 21, 23].filter(() => random.next() < 0.4);
        for (const hour of hours.length > 0 ? hours : [21]) made(VM_A, hour, random.int(0, 59));
      }
      // VM B: every third day or so.
      if (random.next() < 0.3) made(VM_B, 22, 0);
      // VM C: nightly, except a two-week outage in August.
      if (!(m === 8 && d >= 5 && d < 19)) made(VM_C, 0, 15);
      // The nightly prune: what the plan lets go is deleted at once.
      const decisions = planRetention(repository, policyFor, { timeZone: 'Europe/Berlin' });
      const keep = new Set(decisions.filter((x) => x.keep).map((x) => x.pointId));
      repository = repository.filter((x) => keep.has(x.id));
    }
    return { all, surviving: repository };
  }

  for (const seed of [1, 2, 3]) {
    it(`keeps exactly what the rules say after nightly prunes (seed ${seed})`, () => {
      const { all, surviving } = simulate(seed);
      for (const vm of [VM_A, VM_B, VM_C]) {
        const ofVm = (list: readonly SimulatedPoint[]): SimulatedPoint[] => list.filter((x) => x.vm.vmUuid === vm);
        const survivingIds = new Set(ofVm(surviving).map((x) => x.id));
        // Pruning every night ends where one plan over every point ever made ends: rules never bring back
        // what an earlier night deleted.
        expect(survivingIds, vm).toEqual(expectedKept(ofVm(all), policies[vm]!));
        expect(survivingIds, vm).toEqual(expectedKept(ofVm(surviving), policies[vm]!));
      }
      // The plan of what survived keeps it all, with a reason each.
      const again = planRetention(surviving, policyFor, { timeZone: 'Europe/Berlin' });
      expect(again.every((x) => x.keep && x.reasons.length > 0)).toBe(true);
      // Sizes as the policies promise: VM A keeps 12 monthly points and at most 7 + 14 + 8 + 12 in all.
      const a = again.filter((x) => x.vmUuid === VM_A);
      expect(a.filter((x) => x.reasons.includes('monthly'))).toHaveLength(12);
      expect(a.filter((x) => x.reasons.includes('daily'))).toHaveLength(14);
      expect(a.filter((x) => x.reasons.includes('weekly'))).toHaveLength(8);
      expect(a.length).toBeLessThanOrEqual(7 + 14 + 8 + 12);
      // VM C's daily points are its last five nights; its outage is long gone from them.
      const c = again.filter((x) => x.vmUuid === VM_C && x.reasons.includes('daily')).map((x) => x.createdAt.slice(0, 10));
      expect(c).toEqual(['2025-11-10', '2025-11-11', '2025-11-12', '2025-11-13', '2025-11-14']);
    });
  }

  it('matches the Intl calendar on every simulated point', () => {
    // Planned one point at a time with keepDaily: 2, each pair of points is kept twice exactly when it spans
    // two Berlin days: a direct check of the day boundaries the plan uses against the simulated ones.
    const { all } = simulate(4);
    const ofA = all.filter((x) => x.vm.vmUuid === VM_A);
    for (let i = 1; i < ofA.length; i += 1) {
      const pair = [ofA[i - 1]!, ofA[i]!];
      const kept = planRetention(pair, () => policy({ keepDaily: 2 }), { timeZone: 'Europe/Berlin' }).filter((x) => x.keep).length;
      expect(kept, `${pair[0]!.createdAt} and ${pair[1]!.createdAt}`).toBe(pair[0]!.localDay === pair[1]!.localDay ? 1 : 2);
    }
  });
});
