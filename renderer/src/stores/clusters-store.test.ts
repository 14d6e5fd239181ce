import { describe, expect, it } from 'vitest';
import { IpcError } from '../../../shared/ipc/errors.js';
import type { ClusterSummary } from '../../../shared/model/cluster.js';
import { createFakeEngineClient, deferred, flushPromises } from '../testing/fake-engine-client.js';
import { clusterA, clusterB } from '../testing/fixtures.js';
import { createClustersStore } from './clusters-store.js';

describe('clusters store', () => {
  it('loads the clusters', async () => {
    const client = createFakeEngineClient({ 'clusters.list': () => [clusterA, clusterB] });
    const store = createClustersStore(client);
    expect(store.getState()).toMatchObject({ clusters: [], status: 'idle', error: null });
    const loading = store.getState().load();
    expect(store.getState().status).toBe('loading');
    await loading;
    expect(store.getState()).toMatchObject({ clusters: [clusterA, clusterB], status: 'ready', error: null });
  });

  it('an empty catalog is ready with no clusters, not an error', async () => {
    const client = createFakeEngineClient({ 'clusters.list': () => [] });
    const store = createClustersStore(client);
    await store.getState().load();
    expect(store.getState()).toMatchObject({ clusters: [], status: 'ready', error: null });
  });

  it('turns a failed call into {code, message} and keeps the clusters it had', async () => {
    const client = createFakeEngineClient({ 'clusters.list': () => [clusterA] });
    const store = createClustersStore(client);
    await store.getState().load();
    client.handle('clusters.list', () => {
      throw new IpcError('unavailable', 'the catalog database is locked');
    });
    await store.getState().load();
    expect(store.getState()).toMatchObject({
      clusters: [clusterA],
      status: 'error',
      error: { code: 'unavailable', message: 'the catalog database is locked' },
    });
  });

  it('a renderer-side failure is reported as internal', async () => {
    const client = createFakeEngineClient({
      'clusters.list': () => {
        throw new TypeError('cannot read properties of undefined');
      },
    });
    const store = createClustersStore(client);
    await store.getState().load();
    expect(store.getState().error).toEqual({ code: 'internal', message: 'TypeError: cannot read properties of undefined' });
  });

  it('a newer load cancels the older one, whose late answer is ignored', async () => {
    const first = deferred<ClusterSummary[]>();
    const second = deferred<ClusterSummary[]>();
    const answers = [first, second];
    const client = createFakeEngineClient({
      'clusters.list': () => {
        const next = answers.shift();
        if (!next) throw new Error('more loads than expected');
        return next.promise;
      },
    });
    const store = createClustersStore(client);
    const older = store.getState().load();
    const newer = store.getState().load();
    await flushPromises();
    expect(client.callsTo('clusters.list').map((call) => call.outcome)).toEqual(['cancelled', 'pending']);

    second.resolve([clusterB]);
    first.resolve([clusterA]);
    await Promise.all([older, newer]);
    expect(store.getState()).toMatchObject({ clusters: [clusterB], status: 'ready', error: null });
  });
});
