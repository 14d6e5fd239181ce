import { describe, expect, it } from 'vitest';
import { IpcError } from '../../../shared/ipc/errors.js';
import { DEFAULT_SETTINGS, type Settings } from '../../../shared/model/settings.js';
import { createFakeEngineClient, deferred, flushPromises } from '../testing/fake-engine-client.js';
import { settingsWith } from '../testing/fixtures.js';
import { concurrencyFormOf, concurrencyFromForm, concurrencyRange, createSettingsStore } from './settings-store.js';

const defaults: Settings = settingsWith({});

describe('settings store', () => {
  it('loads the settings', async () => {
    const client = createFakeEngineClient({ 'settings.get': () => (settingsWith({ theme: 'dark', language: 'en' })) });
    const store = createSettingsStore(client);
    expect(store.getState().status).toBe('idle');
    const loading = store.getState().load();
    expect(store.getState().status).toBe('loading');
    await loading;
    expect(store.getState()).toMatchObject({
      settings: settingsWith({ theme: 'dark', language: 'en' }),
      status: 'ready',
      loadError: null,
    });
    expect(client.callsTo('settings.get')).toHaveLength(1);
  });

  it('keeps a failed load as {code, message} and clears it on a successful retry', async () => {
    const client = createFakeEngineClient({
      'settings.get': () => {
        throw new IpcError('unavailable', 'catalog is locked');
      },
    });
    const store = createSettingsStore(client);
    await store.getState().load();
    expect(store.getState()).toMatchObject({
      settings: null,
      status: 'error',
      loadError: { code: 'unavailable', message: 'catalog is locked' },
    });

    client.handle('settings.get', () => defaults);
    await store.getState().load();
    expect(store.getState()).toMatchObject({ settings: defaults, status: 'ready', loadError: null });
  });

  it('sends a change, shows it at once, and takes the engine answer as the truth', async () => {
    const answer = deferred<Settings>();
    const client = createFakeEngineClient({ 'settings.get': () => defaults, 'settings.update': () => answer.promise });
    const store = createSettingsStore(client);
    await store.getState().load();

    const saving = store.getState().update({ theme: 'dark' });
    expect(store.getState().settings).toEqual(settingsWith({ theme: 'dark', language: 'system' }));
    expect(store.getState().saving).toBe(true);
    await flushPromises();
    expect(client.callsTo('settings.update').map((call) => call.params)).toEqual([{ theme: 'dark' }]);

    // The engine may normalize or add to what was asked; its answer wins.
    answer.resolve(settingsWith({ theme: 'dark', language: 'ja' }));
    await expect(saving).resolves.toBe(true);
    expect(store.getState()).toMatchObject({
      settings: settingsWith({ theme: 'dark', language: 'ja' }),
      saving: false,
      saveError: null,
    });
  });

  it('falls back to the engine value and records the error when a change is refused', async () => {
    const client = createFakeEngineClient({
      'settings.get': () => (settingsWith({ theme: 'light', language: 'en' })),
      'settings.update': () => {
        throw new IpcError('invalid_params', 'theme: Invalid option');
      },
    });
    const store = createSettingsStore(client);
    await store.getState().load();

    await expect(store.getState().update({ theme: 'dark' })).resolves.toBe(false);
    expect(store.getState().saveErrorKeys).toEqual(['theme']);
    expect(store.getState()).toMatchObject({
      settings: settingsWith({ theme: 'light', language: 'en' }),
      saving: false,
      saveError: { code: 'invalid_params', message: 'theme: Invalid option' },
    });
  });

  it('clears the previous save error when the next change starts', async () => {
    let fail = true;
    const client = createFakeEngineClient({
      'settings.get': () => defaults,
      'settings.update': (patch) => {
        if (fail) throw new IpcError('conflict', 'busy');
        return { ...defaults, ...patch } as Settings;
      },
    });
    const store = createSettingsStore(client);
    await store.getState().load();
    await store.getState().update({ theme: 'dark' });
    expect(store.getState().saveError?.code).toBe('conflict');
    fail = false;
    const saving = store.getState().update({ theme: 'dark' });
    expect(store.getState().saveError).toBeNull();
    await saving;
    expect(store.getState().settings?.theme).toBe('dark');
  });

  it('follows settings.changed events from other windows', async () => {
    const client = createFakeEngineClient({ 'settings.get': () => defaults });
    const store = createSettingsStore(client);
    const stop = store.getState().watch();
    await store.getState().load();
    expect(client.subscriptions).toEqual([{ topic: 'settings.changed', filter: {}, active: true }]);

    client.emit('settings.changed', settingsWith({ theme: 'dark', language: 'ja' }));
    expect(store.getState().settings).toEqual(settingsWith({ theme: 'dark', language: 'ja' }));

    stop();
    expect(client.subscriptions[0]?.active).toBe(false);
    client.emit('settings.changed', settingsWith({ theme: 'light', language: 'en' }));
    expect(store.getState().settings).toEqual(settingsWith({ theme: 'dark', language: 'ja' }));
  });

  it('an event that arrives before the load answer makes the settings ready', () => {
    const client = createFakeEngineClient();
    const store = createSettingsStore(client);
    store.getState().watch();
    client.emit('settings.changed', settingsWith({ theme: 'light', language: 'en' }));
    expect(store.getState()).toMatchObject({ settings: settingsWith({ theme: 'light', language: 'en' }), status: 'ready' });
  });

  it("keeps this window's unanswered change on top of another window's change", async () => {
    const answer = deferred<Settings>();
    const client = createFakeEngineClient({ 'settings.get': () => defaults, 'settings.update': () => answer.promise });
    const store = createSettingsStore(client);
    store.getState().watch();
    await store.getState().load();

    const saving = store.getState().update({ theme: 'dark' });
    client.emit('settings.changed', settingsWith({ theme: 'light', language: 'ja' }));
    expect(store.getState().settings).toEqual(settingsWith({ theme: 'dark', language: 'ja' }));

    answer.resolve(settingsWith({ theme: 'dark', language: 'ja' }));
    await saving;
    expect(store.getState().settings).toEqual(settingsWith({ theme: 'dark', language: 'ja' }));
  });

  it('a refused change falls back to what another window set meanwhile', async () => {
    const answer = deferred<Settings>();
    const client = createFakeEngineClient({ 'settings.get': () => defaults, 'settings.update': () => answer.promise });
    const store = createSettingsStore(client);
    store.getState().watch();
    await store.getState().load();

    const saving = store.getState().update({ language: 'en' });
    client.emit('settings.changed', settingsWith({ theme: 'dark', language: 'ja' }));
    answer.reject(new IpcError('unavailable', 'settings file is read-only'));
    await expect(saving).resolves.toBe(false);
    expect(store.getState().settings).toEqual(settingsWith({ theme: 'dark', language: 'ja' }));
    expect(store.getState().saveError).toEqual({ code: 'unavailable', message: 'settings file is read-only' });
  });

  it('an undefined key in a patch leaves that setting alone', async () => {
    const answer = deferred<Settings>();
    const client = createFakeEngineClient({ 'settings.get': () => defaults, 'settings.update': () => answer.promise });
    const store = createSettingsStore(client);
    await store.getState().load();
    void store.getState().update({ theme: 'light', language: undefined });
    expect(store.getState().settings).toEqual(settingsWith({ theme: 'light', language: 'system' }));
  });

  it('records a refused subscription as watchError', () => {
    const client = createFakeEngineClient();
    const store = createSettingsStore(client);
    store.getState().watch();
    client.refuseSubscriptions('settings.changed', new IpcError('unknown_topic', 'no topic settings.changed'));
    expect(store.getState().watchError).toEqual({ code: 'unknown_topic', message: 'no topic settings.changed' });
  });
});

describe('concurrency form', () => {
  it('reads whole numbers within the contract ranges', () => {
    expect(concurrencyRange('perHost')).toEqual({ min: 1, max: 16 });
    expect(concurrencyFromForm({ global: ' 8', perHost: '2', perCluster: '32' })).toEqual({
      ok: true,
      concurrency: { global: 8, perHost: 2, perCluster: 32 },
    });
    expect(concurrencyFromForm({ global: '0', perHost: '17', perCluster: '2.5' })).toEqual({
      ok: false,
      invalid: ['global', 'perHost', 'perCluster'],
    });
    expect(concurrencyFromForm({ ...concurrencyFormOf(DEFAULT_SETTINGS.concurrency), perCluster: '' })).toEqual({
      ok: false,
      invalid: ['perCluster'],
    });
  });

  it('saves new limits as one change of the concurrency setting', async () => {
    const client = createFakeEngineClient({
      'settings.get': () => defaults,
      'settings.update': (patch) => ({ ...defaults, ...patch }) as Settings,
    });
    const store = createSettingsStore(client);
    await store.getState().load();
    await expect(store.getState().update({ concurrency: { global: 8, perHost: 3, perCluster: 6 } })).resolves.toBe(true);
    expect(store.getState().settings?.concurrency).toEqual({ global: 8, perHost: 3, perCluster: 6 });
    expect(client.callsTo('settings.update')[0]?.params).toEqual({ concurrency: { global: 8, perHost: 3, perCluster: 6 } });
  });
});
