// The dashboard (`dashboard.get`), kept current while it is on screen: fetched again, a moment after the last of a
// burst of events, when a job starts or ends, points are added or pruned, the repository's figures were measured
// again, or a cluster was added or removed; and on a timer, so ages and stale flags move on with the clock (sooner
// while hosts are still connecting or the repository is being measured).
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Dashboard } from '../../../shared/model/dashboard.js';
import type { EngineClient } from '../ipc/connect.js';
import { createLatestCall } from './latest-call.js';
import type { LoadStatus, StoreError } from './store-error.js';

/** Events arriving within this long of each other make one fetch. */
export const EVENT_REFETCH_DELAY_MS = 300;
/** Fetched again this often while shown, so ages stay true. */
export const REFRESH_INTERVAL_MS = 60_000;
/** Sooner while hosts are still connecting or the repository's figures are being measured. */
export const UNSETTLED_REFRESH_MS = 3_000;

export interface DashboardState {
  dashboard: Dashboard | null;
  status: LoadStatus;
  error: StoreError | null;
  load(): Promise<void>;
  /** Follows the events that change the dashboard, and the clock; returns a function that stops it. */
  watch(): () => void;
}

export type DashboardStore = StoreApi<DashboardState>;

export interface DashboardStoreOptions {
  setTimer?: (callback: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
}

/** Whether something on the dashboard is still settling (then it is fetched again soon). */
export function isUnsettled(dashboard: Dashboard): boolean {
  return dashboard.repository.figuresPending || dashboard.clusters.some((cluster) => cluster.hosts.connecting > 0);
}

export function createDashboardStore(client: EngineClient, options: DashboardStoreOptions = {}): DashboardStore {
  const setTimer = options.setTimer ?? ((callback: () => void, ms: number): unknown => setTimeout(callback, ms));
  const clearTimer = options.clearTimer ?? ((timer: unknown): void => clearTimeout(timer as ReturnType<typeof setTimeout>));
  const call = createLatestCall();
  let watchers = 0;
  let timer: unknown = null;

  return createStore<DashboardState>()((set, get) => {
    const schedule = (ms: number): void => {
      if (timer !== null) clearTimer(timer);
      timer = setTimer(() => {
        timer = null;
        void get().load();
      }, ms);
    };

    return {
      dashboard: null,
      status: 'idle',
      error: null,

      async load() {
        set({ status: 'loading' });
        const outcome = await call.run((signal) => client.call('dashboard.get', {}, { signal }));
        if (outcome.kind === 'superseded') return;
        if (outcome.kind === 'done') set({ dashboard: outcome.value, status: 'ready', error: null });
        else set({ status: 'error', error: outcome.error });
        // The dashboard stays on screen after a failure: the next refresh may succeed (a NAS back online).
        if (watchers > 0) schedule(outcome.kind === 'done' && isUnsettled(outcome.value) ? UNSETTLED_REFRESH_MS : REFRESH_INTERVAL_MS);
      },

      watch() {
        watchers += 1;
        // An event after an earlier one resets the short delay: a burst makes one fetch.
        const soon = (): void => schedule(EVENT_REFETCH_DELAY_MS);
        const stops = [
          client.subscribe('jobs.changed', {}, soon),
          client.subscribe('points.changed', {}, soon),
          client.subscribe('dashboard.changed', {}, soon),
          client.subscribe('clusters.changed', {}, soon),
        ];
        return () => {
          for (const stop of stops) stop();
          watchers -= 1;
          if (watchers === 0 && timer !== null) {
            clearTimer(timer);
            timer = null;
          }
        };
      },
    };
  });
}
