import { describe, expect, it } from 'vitest';
import { createFakeEngineClient, flushPromises } from '../testing/fake-engine-client.js';
import { appInfo, clusterA, clusterAFull, settingsWith } from '../testing/fixtures.js';
import { createStores, startStores } from './index.js';
import type { HashLocation } from './navigation-store.js';

function fixedLocation(initial: string): HashLocation & { hash: string } {
  const location = {
    hash: initial,
    read: () => location.hash,
    push: (hash: string) => {
      location.hash = hash;
    },
    replace: (hash: string) => {
      location.hash = hash;
    },
    listen: () => () => undefined,
  };
  return location;
}

describe('createStores + startStores', () => {
  it('starts the router, follows settings changes and job progress, and loads settings and app info', async () => {
    const client = createFakeEngineClient({
      'settings.get': () => (settingsWith({ theme: 'light', language: 'en' })),
      'app.getInfo': () => appInfo,
    });
    const location = fixedLocation('');
    const stores = createStores(client, { transport: 'websocket', location });
    const stop = startStores(stores);
    await flushPromises();

    expect(location.hash).toBe('#/dashboard');
    expect(client.subscriptions).toEqual([
      { topic: 'settings.changed', filter: {}, active: true },
      { topic: 'jobs.progress', filter: {}, active: true },
    ]);
    // The subscription is made before the settings are read, so no change can fall between the two.
    expect(client.calls.map((call) => call.method)).toEqual(['settings.get', 'app.getInfo']);
    expect(stores.settings.getState().settings).toEqual(settingsWith({ theme: 'light', language: 'en' }));
    expect(stores.app.getState().info).toEqual(appInfo);

    stop();
    expect(client.subscriptions.map((subscription) => subscription.active)).toEqual([false, false]);
  });

  it('marks the connection lost when it closes, whichever store notices', async () => {
    const client = createFakeEngineClient({
      'settings.get': () => (settingsWith({ theme: 'system', language: 'system' })),
      'app.getInfo': () => appInfo,
    });
    const stores = createStores(client, { transport: 'electron', location: fixedLocation('#/jobs') });
    startStores(stores);
    await flushPromises();
    expect(stores.app.getState().connection.state).toBe('open');

    client.closeTransport('the window is unloading');
    const connection = stores.app.getState().connection;
    expect(connection.state).toBe('lost');
    expect(connection.state === 'lost' ? connection.error : null).toEqual({
      code: 'transport_closed',
      message: 'Connection to the engine closed: the window is unloading',
    });

    // A later call fails the same way and shows where it happened, too.
    await stores.jobs.getState().load();
    expect(stores.jobs.getState().error?.code).toBe('transport_closed');
  });

  it('wires the add-cluster dialog to the clusters list', async () => {
    const client = createFakeEngineClient({
      'clusters.add': ({ name }) => ({ id: clusterA.id, name, hosts: [clusterAFull.hosts[2]!], createdAt: clusterA.createdAt }),
    });
    const stores = createStores(client, { transport: 'websocket', location: fixedLocation('#/clusters') });
    const dialog = stores.addCluster.getState();
    dialog.openAdd();
    dialog.setName('lab');
    dialog.setTransport(0, 'tcp');
    dialog.setHostField(0, 'address', '10.0.0.13');
    expect(await stores.addCluster.getState().save()).toMatchObject({ ok: true, mode: 'add' });
    expect(stores.clusters.getState().clusters).toEqual([{ id: clusterA.id, name: 'lab', hostCount: 1, createdAt: clusterA.createdAt }]);
  });
});
