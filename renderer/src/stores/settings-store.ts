// The user's settings. The controls show a change at once (an optimistic value) while the engine stores it; the
// engine's answer, or a `settings.changed` event from another window, then becomes the truth, and a failed change
// falls back to what the engine last said.
import { createStore, type StoreApi } from 'zustand/vanilla';
import { concurrencySchema, type Concurrency, type Settings, type SettingsPatch } from '../../../shared/model/settings.js';
import type { EngineClient } from '../ipc/connect.js';
import { createLatestCall } from './latest-call.js';
import { toStoreError, type LoadStatus, type StoreError } from './store-error.js';

export const CONCURRENCY_FIELDS = ['global', 'perHost', 'perCluster'] as const satisfies readonly (keyof Concurrency)[];
export type ConcurrencyField = (typeof CONCURRENCY_FIELDS)[number];
export type ConcurrencyForm = Record<ConcurrencyField, string>;

/** The range the contract allows for each limit, read from its schema. */
export function concurrencyRange(field: ConcurrencyField): { min: number; max: number } {
  const schema = concurrencySchema.shape[field];
  return { min: schema.minValue ?? 1, max: schema.maxValue ?? Number.MAX_SAFE_INTEGER };
}

export function concurrencyFormOf(concurrency: Concurrency): ConcurrencyForm {
  return { global: String(concurrency.global), perHost: String(concurrency.perHost), perCluster: String(concurrency.perCluster) };
}

/** The limits a form describes, or which fields are not whole numbers in their range. */
export function concurrencyFromForm(
  form: ConcurrencyForm,
): { ok: true; concurrency: Concurrency } | { ok: false; invalid: ConcurrencyField[] } {
  const invalid = CONCURRENCY_FIELDS.filter((field) => {
    const text = form[field].trim();
    const { min, max } = concurrencyRange(field);
    return !/^\d+$/.test(text) || Number(text) < min || Number(text) > max;
  });
  if (invalid.length > 0) return { ok: false, invalid };
  return { ok: true, concurrency: { global: Number(form.global), perHost: Number(form.perHost), perCluster: Number(form.perCluster) } };
}

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
  /** The settings the refused change was about, so the error shows next to their controls. */
  saveErrorKeys: readonly (keyof Settings)[];
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
      saveErrorKeys: [],
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
        set({ settings: shown(), saving: true, saveError: null, saveErrorKeys: [] });
        try {
          const result = await client.call('settings.update', patch);
          pending.delete(changeId);
          confirm(result);
          set({ saving: pending.size > 0 });
          return true;
        } catch (error) {
          pending.delete(changeId);
          const keys = (Object.keys(patch) as (keyof Settings)[]).filter((key) => patch[key] !== undefined);
          set({ settings: shown(), saving: pending.size > 0, saveError: toStoreError(error), saveErrorKeys: keys });
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
