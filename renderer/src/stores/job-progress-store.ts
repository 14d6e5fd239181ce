// Live progress of the engine's jobs, from the `jobs.progress` topic. Every event is a whole snapshot of one job
// with a sequence number; the store keeps, per job, the snapshot with the highest number and drops anything older
// (events of one job may reach the window out of order across a reconnect, or be re-sent as the current state to
// a new subscriber). A new subscription is told the current snapshots at once, so nothing is fetched first.
//
// Snapshots come in bursts (up to about 4 a second per job, and all current ones at once on subscribing): the store
// applies the first one at once and merges the rest into at most one state change per `intervalMs`, so a screen of
// progress bars re-renders a few times a second whatever the number of jobs.
import { createStore, type StoreApi } from 'zustand/vanilla';
import { FINAL_JOB_STATES, type JobProgress, type JobState } from '../../../shared/model/job.js';
import type { EngineClient } from '../ipc/connect.js';
import { toStoreError, type StoreError } from './store-error.js';

/** How often at most the store changes while snapshots keep coming. */
export const PROGRESS_INTERVAL_MS = 250;
/** Ended jobs whose last snapshot is kept (their cards show how they ended until the history takes over). */
export const ENDED_SNAPSHOTS_KEPT = 20;

export function isFinalState(state: JobState): boolean {
  return FINAL_JOB_STATES.includes(state);
}

export interface JobProgressState {
  /** The newest snapshot of each job seen since watching began, by job id. */
  byJob: Readonly<Record<string, JobProgress>>;
  /** Set when the engine refused to send progress. */
  watchError: StoreError | null;
  /** Starts following `jobs.progress` (or joins whoever already does); returns a function that lets go. */
  watch(): () => void;
}

export type JobProgressStore = StoreApi<JobProgressState>;

/** The snapshot to keep of two for the same job: the one with the higher sequence number (the first on a tie). */
export function newerSnapshot(current: JobProgress | undefined, candidate: JobProgress): JobProgress {
  return current !== undefined && current.seq >= candidate.seq ? current : candidate;
}

/** Jobs not yet ended, oldest first (the order they were started in). */
export function activeJobs(byJob: Readonly<Record<string, JobProgress>>): JobProgress[] {
  return Object.values(byJob)
    .filter((snapshot) => !isFinalState(snapshot.state))
    .sort((a, b) => (a.startedAt ?? a.updatedAt).localeCompare(b.startedAt ?? b.updatedAt) || a.jobId.localeCompare(b.jobId));
}

/** The running or queued backup of a cluster, if any (the newest when there are several). */
export function activeBackupOf(byJob: Readonly<Record<string, JobProgress>>, clusterId: string): JobProgress | null {
  const backups = activeJobs(byJob).filter((job) => job.kind === 'backup' && job.clusterId === clusterId);
  return backups.at(-1) ?? null;
}

/** Drops the oldest ended snapshots beyond the number kept. */
function pruneEnded(byJob: Record<string, JobProgress>): Record<string, JobProgress> {
  const ended = Object.values(byJob)
    .filter((snapshot) => isFinalState(snapshot.state))
    .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  if (ended.length <= ENDED_SNAPSHOTS_KEPT) return byJob;
  const kept = { ...byJob };
  for (const snapshot of ended.slice(ENDED_SNAPSHOTS_KEPT)) delete kept[snapshot.jobId];
  return kept;
}

export interface JobProgressOptions {
  intervalMs?: number;
}

export function createJobProgressStore(client: EngineClient, options: JobProgressOptions = {}): JobProgressStore {
  const intervalMs = options.intervalMs ?? PROGRESS_INTERVAL_MS;
  let watchers = 0;
  let stopSubscription: (() => void) | null = null;
  /** Snapshots received but not yet in the state, newest per job. */
  let pending = new Map<string, JobProgress>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  /** When the state last changed, for the throttle. */
  let lastFlush = Number.NEGATIVE_INFINITY;

  return createStore<JobProgressState>()((set, get) => {
    const flush = (): void => {
      timer = null;
      if (pending.size === 0) return;
      const byJob = { ...get().byJob };
      let changed = false;
      for (const [jobId, snapshot] of pending) {
        const kept = newerSnapshot(byJob[jobId], snapshot);
        if (kept !== byJob[jobId]) {
          byJob[jobId] = kept;
          changed = true;
        }
      }
      pending = new Map();
      lastFlush = Date.now();
      if (changed) set({ byJob: pruneEnded(byJob), watchError: null });
    };

    const receive = (snapshot: JobProgress): void => {
      // Older than what is shown, or than what waits to be shown: dropped here, so a merge never goes backwards.
      const shown = get().byJob[snapshot.jobId];
      if (shown !== undefined && shown.seq >= snapshot.seq) return;
      pending.set(snapshot.jobId, newerSnapshot(pending.get(snapshot.jobId), snapshot));
      if (timer !== null) return;
      const wait = lastFlush + intervalMs - Date.now();
      if (wait <= 0) flush();
      else timer = setTimeout(flush, wait);
    };

    const stop = (): void => {
      stopSubscription?.();
      stopSubscription = null;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      pending = new Map();
      // Without a subscription a running job's end would go unseen: keep nothing that could go stale.
      set({ byJob: {} });
    };

    return {
      byJob: {},
      watchError: null,

      watch() {
        watchers += 1;
        if (watchers === 1) {
          set({ watchError: null });
          stopSubscription = client.subscribe('jobs.progress', {}, receive, {
            onError: (error) => set({ watchError: toStoreError(error) }),
          });
        }
        let released = false;
        return () => {
          if (released) return;
          released = true;
          watchers -= 1;
          if (watchers === 0) stop();
        };
      },
    };
  });
}
