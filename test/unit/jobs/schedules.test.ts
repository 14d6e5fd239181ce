import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCatalog, type Catalog } from '../../../electron/engine/catalog/catalog.js';
import { latestDue, nextRun, runDueSchedules, ScheduleStore } from '../../../electron/engine/jobs/schedules.js';
import { createMemoryLogger } from '../../support/logger.js';
import { makeTempDir } from '../../support/temp.js';

// Local-time constructors: the tests hold in any time zone the machine has.
const at = (y: number, mo: number, d: number, h = 0, mi = 0): Date => new Date(y, mo - 1, d, h, mi);

describe('schedule arithmetic', () => {
  it('finds the next daily and weekly time', () => {
    expect(nextRun({ kind: 'daily', time: '02:30' }, at(2026, 3, 10, 1, 0))).toEqual(at(2026, 3, 10, 2, 30));
    expect(nextRun({ kind: 'daily', time: '02:30' }, at(2026, 3, 10, 2, 30))).toEqual(at(2026, 3, 11, 2, 30));
    // 2026-03-10 is a Tuesday; Saturday (6) and Monday (1).
    expect(nextRun({ kind: 'weekly', days: [6, 1], time: '23:00' }, at(2026, 3, 10, 12))).toEqual(at(2026, 3, 14, 23));
    expect(nextRun({ kind: 'weekly', days: [2], time: '23:00' }, at(2026, 3, 10, 23, 1))).toEqual(at(2026, 3, 17, 23));
  });

  it('finds the latest missed time once, however many were missed', () => {
    const daily = { kind: 'daily', time: '02:00' } as const;
    // Closed from the 1st to the 5th at noon: one run due, the one of the 5th.
    expect(latestDue(daily, at(2026, 3, 1, 3), at(2026, 3, 5, 12))).toEqual(at(2026, 3, 5, 2));
    expect(latestDue(daily, at(2026, 3, 5, 2), at(2026, 3, 5, 12))).toBeNull();
    expect(latestDue(daily, at(2026, 3, 5, 1), at(2026, 3, 5, 1, 59))).toBeNull();
  });
});

describe('ScheduleStore and runDueSchedules', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let catalog: Catalog;
  let now: Date;
  const clusterId = '00000000-0000-4000-8000-000000000009';

  beforeEach(() => {
    temp = makeTempDir('schedules');
    catalog = openCatalog(join(temp.dir, 'catalog.db'), { logger: createMemoryLogger().logger });
    catalog.db.prepare('INSERT INTO clusters (id, name, created_at) VALUES (?, ?, ?)').run(clusterId, 'lab', new Date().toISOString());
    now = at(2026, 3, 10, 12);
  });
  afterEach(() => {
    catalog.close();
    temp.remove();
  });

  it('runs a schedule missed while the app was closed once at the next start, then waits for the next time', async () => {
    const clock = { now: () => now };
    const store = new ScheduleStore(catalog, clock);
    const set = store.set(clusterId, { kind: 'daily', time: '02:00' });
    expect(set.nextRunAt).toBe(at(2026, 3, 11, 2).toISOString());
    const started: string[] = [];
    const deps = {
      store,
      clock,
      logger: createMemoryLogger().logger,
      startBackup: async (id: string) => {
        started.push(id);
        return { jobId: `job-${started.length}`, finished: Promise.resolve() };
      },
    };
    expect(await runDueSchedules(deps)).toEqual([]);
    // The app is closed for three days and started at 09:00 on the 14th: one run.
    now = at(2026, 3, 14, 9);
    expect((await runDueSchedules(deps)).map((s) => s.clusterId)).toEqual([clusterId]);
    expect(await runDueSchedules(deps)).toEqual([]);
    expect(store.get(clusterId).lastRunAt).toBe(now.toISOString());
    now = at(2026, 3, 15, 2, 0);
    expect((await runDueSchedules(deps)).length).toBe(1);
    expect(started).toEqual([clusterId, clusterId]);
    store.set(clusterId, null);
    expect(store.get(clusterId)).toEqual({ clusterId, schedule: null, lastRunAt: null, nextRunAt: null });
  });
});
