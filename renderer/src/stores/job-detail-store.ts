// The job whose details are open in the Jobs view: its summary, its last progress snapshot (per VM and disk) and
// its log, from `jobs.get`. While a job is open the store follows `jobs.changed` for it and asks again when it
// starts or ends, so the log and the results are those of its end. Live progress comes from the progress store;
// `currentProgress` picks the newer of the two snapshots.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { JobDetail, JobProgress } from '../../../shared/model/job.js';
import type { EngineClient } from '../ipc/connect.js';
import { createLatestCall } from './latest-call.js';
import { newerSnapshot } from './job-progress-store.js';
import { toStoreError, type LoadStatus, type StoreError } from './store-error.js';

export interface JobDetailState {
  /** The open job, or null when none is. */
  jobId: string | null;
  detail: JobDetail | null;
  status: LoadStatus;
  error: StoreError | null;
  watchError: StoreError | null;
  /** Opens a job (loading it); opening the one already open does nothing. */
  open(jobId: string): Promise<void>;
  /** Asks for the open job again (its log grows while it runs). */
  reload(): Promise<void>;
  close(): void;
}

export type JobDetailStore = StoreApi<JobDetailState>;

/** The newer of the live snapshot and the one `jobs.get` answered with. */
export function currentProgress(detail: JobDetail | null, live: JobProgress | undefined): JobProgress | null {
  if (detail === null) return live ?? null;
  return newerSnapshot(live, detail.progress);
}

export function createJobDetailStore(client: EngineClient): JobDetailStore {
  const getCall = createLatestCall();
  let stopWatching: (() => void) | null = null;

  return createStore<JobDetailState>()((set, get) => {
    const fetch = async (jobId: string): Promise<void> => {
      set({ status: 'loading', error: null });
      const outcome = await getCall.run((signal) => client.call('jobs.get', { id: jobId }, { signal }));
      if (outcome.kind === 'superseded' || get().jobId !== jobId) return;
      if (outcome.kind === 'done') set({ detail: outcome.value, status: 'ready' });
      else set({ status: 'error', error: outcome.error });
    };

    const release = (): void => {
      stopWatching?.();
      stopWatching = null;
    };

    return {
      jobId: null,
      detail: null,
      status: 'idle',
      error: null,
      watchError: null,

      async open(jobId) {
        if (get().jobId === jobId) return;
        release();
        set({ jobId, detail: null, status: 'idle', error: null, watchError: null });
        stopWatching = client.subscribe(
          'jobs.changed',
          {},
          (job) => {
            if (job.id === jobId && get().jobId === jobId) void fetch(jobId);
          },
          { onError: (error) => set({ watchError: toStoreError(error) }) },
        );
        await fetch(jobId);
      },

      async reload() {
        const jobId = get().jobId;
        if (jobId !== null) await fetch(jobId);
      },

      close() {
        release();
        // A call still on its way is let go: its answer finds another (or no) job open and is dropped.
        void getCall.run(() => Promise.resolve(null));
        set({ jobId: null, detail: null, status: 'idle', error: null, watchError: null });
      },
    };
  });
}
