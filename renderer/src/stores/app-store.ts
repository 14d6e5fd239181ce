// The app and its connection to the engine: which transport this window uses, whether the connection is still
// open, and what the engine says about itself (version, mode, data folder).
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AppInfo } from '../../../shared/model/app-info.js';
import type { EngineClient, EngineConnection } from '../ipc/connect.js';
import { createLatestCall } from './latest-call.js';
import { isConnectionLoss, toStoreError, type LoadStatus, type StoreError } from './store-error.js';

export type Transport = EngineConnection['transport'];

export type ConnectionStatus = { state: 'open' } | { state: 'lost'; error: StoreError; at: Date };

export interface AppState {
  transport: Transport;
  connection: ConnectionStatus;
  info: AppInfo | null;
  infoStatus: LoadStatus;
  infoError: StoreError | null;
  loadInfo(): Promise<void>;
  /** Records that the engine can no longer be reached; the first loss is kept, later reports add nothing. */
  markConnectionLost(error: StoreError, at?: Date): void;
}

export type AppStore = StoreApi<AppState>;

export function createAppStore(client: EngineClient, transport: Transport): AppStore {
  const infoCall = createLatestCall();
  return createStore<AppState>()((set, get) => ({
    transport,
    connection: { state: 'open' },
    info: null,
    infoStatus: 'idle',
    infoError: null,

    async loadInfo() {
      set({ infoStatus: 'loading', infoError: null });
      const outcome = await infoCall.run((signal) => client.call('app.getInfo', {}, { signal }));
      if (outcome.kind === 'done') set({ info: outcome.value, infoStatus: 'ready' });
      else if (outcome.kind === 'failed') set({ infoStatus: 'error', infoError: outcome.error });
    },

    markConnectionLost(error, at = new Date()) {
      if (get().connection.state === 'lost') return;
      set({ connection: { state: 'lost', error, at } });
    },
  }));
}

/**
 * Wraps the client so that every store using it reports a closed connection, however it is noticed: a call
 * rejected with `transport_closed`, or a live subscription told so (the settings subscription lasts as long as the
 * window, so a dropped WebSocket or an unloading window is noticed even when nothing is being called).
 */
export function reportingConnectionLoss(client: EngineClient, onLost: (error: StoreError) => void): EngineClient {
  return {
    call: (method, params, options) =>
      client.call(method, params, options).catch((error: unknown) => {
        if (isConnectionLoss(error)) onLost(toStoreError(error));
        throw error;
      }),
    subscribe: (topic, filter, listener, options) =>
      client.subscribe(topic, filter, listener, {
        onError: (error) => {
          if (isConnectionLoss(error)) onLost(toStoreError(error));
          options?.onError?.(error);
        },
      }),
    close: () => client.close(),
  };
}
