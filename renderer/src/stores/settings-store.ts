// The user's settings. The controls show a change at once (an optimistic value) while the engine stores it; the
// engine's answer, or a `settings.changed` event from another window, then becomes the truth, and a failed change
// falls back to what the engine last said.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Settings, SettingsPatch } from '../../../shared/model/settings.js';
import type { EngineClient } from '../ipc/connect.js';
import { createLatestCall } from './latest-call.js';
import { toStoreError, type LoadStatus, type StoreError } from './store-error.js';

/** A patch's keys may be present but undefined (zod's partial), which must not erase a setting. */
export function applyPatch(settings: Settings, patch: SettingsPatch): Settings {
  return {
    theme: patch.theme ?? settings.theme,
    language: patch.language ?? settings.language,
    concurrency: patch.concurrency ?? settings.concurrency,
    notifyOnJobEnd: patch.notifyOnJobEnd ?? settings.notifyOnJobEnd,
    keepRunningInTray: patch.keepRunningInTray ?? settings.keepRunningInTray,
  };
}

export interface SettingsState {
  /** What the controls show: the engine's settings with this window's unconfirmed changes applied on top. */
  settings: Settings | null;
  status: LoadStatus;
  loadError: StoreError | null;
  /** True while a change is on its way to the engine. */
  saving: boolean;
  saveError: StoreError | null;
  /** Set when changes made in other windows can no longer be followed (the subscription was refused). */
  watchError: StoreError | null;
  load(): Promise<void>;
  /** Resolves true once the engine has stored the change, false when it refused it (see `saveError`). */
  update(patch: SettingsPatch): Promise<boolean>;
  /** Follows `settings.changed`; returns a function that stops following. */
  watch(): () => void;
}

export type SettingsStore = StoreApi<SettingsState>;

export function createSettingsStore(client: EngineClient): SettingsStore {
  const loadCall = createLatestCall();
  /** The settings as the engine last reported them. */
  let confirmed: Settings | null = null;
  /** Changes sent but not yet answered, in the order they were made. */
  const pending = new Map<number, SettingsPatch>();
  let nextChangeId = 1;

  const shown = (): Settings | null => {
    if (confirmed === null) return null;
    let settings: Settings = confirmed;
    for (const patch of pending.values()) settings = applyPatch(settings, patch);
    return settings;
  };

  return createStore<SettingsState>()((set) => {
    const confirm = (settings: Settings): void => {
      confirmed = settings;
      set({ settings: shown(), status: 'ready', loadError: null });
    };

    return {
      settings: null,
      status: 'idle',
      loadError: null,
      saving: false,
      saveError: null,
      watchError: null,

      async load() {
        set({ status: 'loading', loadError: null });
        const outcome = await loadCall.run((signal) => client.call('settings.get', {}, { signal }));
        if (outcome.kind === 'done') confirm(outcome.value);
        else if (outcome.kind === 'failed') set({ status: 'error', loadError: outcome.error });
      },

      async update(patch) {
        const changeId = nextChangeId++;
        pending.set(changeId, patch);
        set({ settings: shown(), saving: true, saveError: null });
        try {
          const result = await client.call('settings.update', patch);
          pending.delete(changeId);
          confirm(result);
          set({ saving: pending.size > 0 });
          return true;
        } catch (error) {
          pending.delete(changeId);
          set({ settings: shown(), saving: pending.size > 0, saveError: toStoreError(error) });
          return false;
        }
      },

      watch() {
        set({ watchError: null });
        return client.subscribe('settings.changed', {}, (settings) => confirm(settings), {
          onError: (error) => set({ watchError: toStoreError(error) }),
        });
      },
    };
  });
}
