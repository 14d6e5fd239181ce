import { describe, expect, it, vi } from 'vitest';
import { IpcError } from '../../../shared/ipc/errors.js';
import { createFakeEngineClient } from '../testing/fake-engine-client.js';
import { appInfo, settingsWith } from '../testing/fixtures.js';
import { createAppStore, reportingConnectionLoss } from './app-store.js';

describe('app store', () => {
  it('starts with an open connection and loads the app info', async () => {
    const client = createFakeEngineClient({ 'app.getInfo': () => appInfo });
    const store = createAppStore(client, 'websocket');
    expect(store.getState()).toMatchObject({ transport: 'websocket', connection: { state: 'open' }, info: null });
    await store.getState().loadInfo();
    expect(store.getState()).toMatchObject({ info: appInfo, infoStatus: 'ready', infoError: null });
  });

  it('turns a failed info call into {code, message}', async () => {
    const client = createFakeEngineClient({
      'app.getInfo': () => {
        throw new IpcError('timeout', 'app.getInfo took too long');
      },
    });
    const store = createAppStore(client, 'electron');
    await store.getState().loadInfo();
    expect(store.getState()).toMatchObject({
      info: null,
      infoStatus: 'error',
      infoError: { code: 'timeout', message: 'app.getInfo took too long' },
    });
  });

  it('keeps the first connection loss', () => {
    const store = createAppStore(createFakeEngineClient(), 'electron');
    const first = new Date('2025-05-01T10:00:00Z');
    store.getState().markConnectionLost({ code: 'transport_closed', message: 'the window is unloading' }, first);
    store.getState().markConnectionLost({ code: 'transport_closed', message: 'later' }, new Date());
    expect(store.getState().connection).toEqual({
      state: 'lost',
      error: { code: 'transport_closed', message: 'the window is unloading' },
      at: first,
    });
  });
});

describe('reportingConnectionLoss', () => {
  it('reports a call rejected because the connection closed, and still rejects the call', async () => {
    const fake = createFakeEngineClient();
    const onLost = vi.fn();
    const client = reportingConnectionLoss(fake, onLost);
    fake.closeTransport('socket closed (code 1006)');
    await expect(client.call('clusters.list', {})).rejects.toMatchObject({ code: 'transport_closed' });
    expect(onLost).toHaveBeenCalledWith({
      code: 'transport_closed',
      message: 'Connection to the engine closed: socket closed (code 1006)',
    });
  });

  it('does not report other call errors', async () => {
    const fake = createFakeEngineClient({
      'clusters.list': () => {
        throw new IpcError('unavailable', 'busy');
      },
    });
    const onLost = vi.fn();
    const client = reportingConnectionLoss(fake, onLost);
    await expect(client.call('clusters.list', {})).rejects.toMatchObject({ code: 'unavailable' });
    expect(onLost).not.toHaveBeenCalled();
  });

  it('reports a subscription ended by the closed connection, and passes every error to its own handler', () => {
    const fake = createFakeEngineClient();
    const onLost = vi.fn();
    const onError = vi.fn();
    const listener = vi.fn();
    const client = reportingConnectionLoss(fake, onLost);
    client.subscribe('settings.changed', {}, listener, { onError });

    fake.emit('settings.changed', settingsWith({ theme: 'dark', language: 'en' }));
    expect(listener).toHaveBeenCalledWith(settingsWith({ theme: 'dark', language: 'en' }));

    fake.closeTransport('the window is unloading');
    expect(onLost).toHaveBeenCalledTimes(1);
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ code: 'transport_closed' }));
  });

  it('passes a refused subscription to its handler without reporting a loss', () => {
    const fake = createFakeEngineClient();
    const onLost = vi.fn();
    const onError = vi.fn();
    reportingConnectionLoss(fake, onLost).subscribe('settings.changed', {}, () => undefined, { onError });
    fake.refuseSubscriptions('settings.changed', new IpcError('unknown_topic', 'nope'));
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ code: 'unknown_topic' }));
    expect(onLost).not.toHaveBeenCalled();
  });
});
