// Jobs (backups, restores, checks), newest first, as the Jobs view lists them.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { JobSummary } from '../../../shared/model/job.js';
import type { EngineClient } from '../ipc/connect.js';
import { createLatestCall } from './latest-call.js';
import type { LoadStatus, StoreError } from './store-error.js';

/** How many jobs the list asks for unless told otherwise. */
export const DEFAULT_JOB_LIMIT = 100;

export interface JobsState {
  jobs: JobSummary[];
  status: LoadStatus;
  error: StoreError | null;
  load(options?: { limit?: number }): Promise<void>;
}

export type JobsStore = StoreApi<JobsState>;

export function createJobsStore(client: EngineClient): JobsStore {
  const listCall = createLatestCall();
  return createStore<JobsState>()((set) => ({
    jobs: [],
    status: 'idle',
    error: null,

    async load(options) {
      const limit = options?.limit ?? DEFAULT_JOB_LIMIT;
      set({ status: 'loading', error: null });
      const outcome = await listCall.run((signal) => client.call('jobs.list', { limit }, { signal }));
      if (outcome.kind === 'done') set({ jobs: outcome.value, status: 'ready' });
      else if (outcome.kind === 'failed') set({ status: 'error', error: outcome.error });
    },
  }));
}
