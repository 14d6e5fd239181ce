// Jobs (backups, restores, verifies, prunes), newest first, as the Jobs view's history lists them, and cancelling a
// job. The list follows `jobs.changed` (each event is the job's whole summary, so it is put in place without asking
// for the list again); a list answer that raced events gets those events applied on top, so it cannot undo them.
import { createStore, type StoreApi } from 'zustand/vanilla';
import { FINAL_JOB_STATES, type JobSummary } from '../../../shared/model/job.js';
import type { EngineClient } from '../ipc/connect.js';
import { createLatestCall } from './latest-call.js';
import { toStoreError, type LoadStatus, type StoreError } from './store-error.js';

/** How many jobs the list asks for unless told otherwise. */
export const DEFAULT_JOB_LIMIT = 100;

/** The cancel confirmation: which job, and whether the request is on its way or failed. */
export interface Cancellation {
  jobId: string;
  title: string;
  sending: boolean;
  error: StoreError | null;
}

export interface JobsState {
  jobs: JobSummary[];
  status: LoadStatus;
  error: StoreError | null;
  /** Set when jobs started or ended elsewhere can no longer be followed (the subscription was refused). */
  watchError: StoreError | null;
  cancellation: Cancellation | null;
  /** Jobs this window asked to cancel that have not ended yet. */
  cancelRequested: readonly string[];
  load(options?: { limit?: number }): Promise<void>;
  /** Follows `jobs.changed`; returns a function that stops following. */
  watch(): () => void;
  /** Opens the confirmation for cancelling a job. */
  askCancel(jobId: string, title: string): void;
  dismissCancel(): void;
  /** Sends the cancel being confirmed; resolves true once the engine took it. */
  confirmCancel(): Promise<boolean>;
}

export type JobsStore = StoreApi<JobsState>;

function isFinal(job: JobSummary): boolean {
  return FINAL_JOB_STATES.includes(job.state);
}

/** Newest first, as `jobs.list` answers. */
function newestFirst(a: JobSummary, b: JobSummary): number {
  return b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id);
}

/** The list with one job's summary put in place; an ended job never goes back to running (a late event). */
export function upsertJob(jobs: readonly JobSummary[], job: JobSummary, limit: number): JobSummary[] {
  const known = jobs.find((other) => other.id === job.id);
  if (known && isFinal(known) && !isFinal(job)) return [...jobs];
  const others = jobs.filter((other) => other.id !== job.id);
  return [...others, job].sort(newestFirst).slice(0, limit);
}

export function createJobsStore(client: EngineClient): JobsStore {
  const listCall = createLatestCall();
  let limit = DEFAULT_JOB_LIMIT;
  /** Events received while a list call is on its way, in arrival order: applied on top of its answer. */
  let racing: JobSummary[] | null = null;

  return createStore<JobsState>()((set, get) => ({
    jobs: [],
    status: 'idle',
    error: null,
    watchError: null,
    cancellation: null,
    cancelRequested: [],

    async load(options) {
      limit = options?.limit ?? DEFAULT_JOB_LIMIT;
      set({ status: 'loading', error: null });
      const events: JobSummary[] = [];
      racing = events;
      const outcome = await listCall.run((signal) => client.call('jobs.list', { limit }, { signal }));
      if (outcome.kind === 'superseded') return;
      racing = null;
      if (outcome.kind === 'done') {
        let jobs = outcome.value;
        for (const job of events) jobs = upsertJob(jobs, job, limit);
        set({ jobs, status: 'ready' });
      } else {
        set({ status: 'error', error: outcome.error });
      }
    },

    watch() {
      set({ watchError: null });
      return client.subscribe(
        'jobs.changed',
        {},
        (job) => {
          racing?.push(job);
          const cancelRequested = isFinal(job) ? get().cancelRequested.filter((id) => id !== job.id) : get().cancelRequested;
          set({ jobs: upsertJob(get().jobs, job, limit), cancelRequested });
        },
        { onError: (error) => set({ watchError: toStoreError(error) }) },
      );
    },

    askCancel(jobId, title) {
      set({ cancellation: { jobId, title, sending: false, error: null } });
    },

    dismissCancel() {
      set({ cancellation: null });
    },

    async confirmCancel() {
      const cancellation = get().cancellation;
      if (cancellation === null || cancellation.sending) return false;
      set({ cancellation: { ...cancellation, sending: true, error: null } });
      try {
        await client.call('jobs.cancel', { id: cancellation.jobId });
        const ended = get().jobs.some((job) => job.id === cancellation.jobId && isFinal(job));
        set({
          cancellation: get().cancellation?.jobId === cancellation.jobId ? null : get().cancellation,
          cancelRequested:
            ended || get().cancelRequested.includes(cancellation.jobId)
              ? get().cancelRequested
              : [...get().cancelRequested, cancellation.jobId],
        });
        return true;
      } catch (error) {
        const current = get().cancellation;
        if (current?.jobId === cancellation.jobId) set({ cancellation: { ...current, sending: false, error: toStoreError(error) } });
        return false;
      }
    },
  }));
}
