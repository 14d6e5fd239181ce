import { describe, expect, it } from 'vitest';
import { IpcError } from '../../../shared/ipc/errors.js';
import type { Cluster, ClusterSummary } from '../../../shared/model/cluster.js';
import { createFakeEngineClient, deferred, flushPromises } from '../testing/fake-engine-client.js';
import { clusterA, clusterAFull, clusterB } from '../testing/fixtures.js';
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

  it('follows clusters.changed, sorted by name, until told to stop', async () => {
    const client = createFakeEngineClient({ 'clusters.list': () => [clusterB] });
    const store = createClustersStore(client);
    const stop = store.getState().watch();
    await store.getState().load();
    expect(client.subscriptions).toEqual([{ topic: 'clusters.changed', filter: {}, active: true }]);

    client.emit('clusters.changed', { clusters: [clusterA, clusterB] });
    expect(store.getState().clusters.map((c) => c.name)).toEqual(['Branch office', 'Office rack']);

    stop();
    expect(client.subscriptions[0]?.active).toBe(false);
  });

  it('a list answer that raced a clusters.changed event does not take the event back', async () => {
    const answer = deferred<ClusterSummary[]>();
    const client = createFakeEngineClient({ 'clusters.list': () => answer.promise });
    const store = createClustersStore(client);
    store.getState().watch();
    const loading = store.getState().load();
    await flushPromises();
    client.emit('clusters.changed', { clusters: [clusterA, clusterB] });
    answer.resolve([clusterA]);
    await loading;
    expect(store.getState()).toMatchObject({ clusters: [clusterB, clusterA], status: 'ready' });
  });

  it('a refused subscription is kept as watchError', () => {
    const client = createFakeEngineClient();
    const store = createClustersStore(client);
    store.getState().watch();
    client.refuseSubscriptions('clusters.changed', new IpcError('unknown_topic', 'Unknown topic: clusters.changed'));
    expect(store.getState().watchError).toEqual({ code: 'unknown_topic', message: 'Unknown topic: clusters.changed' });
  });

  it('adds a cluster and lists it at once, before any event', async () => {
    const added: Cluster = { ...clusterAFull, name: 'lab' };
    const client = createFakeEngineClient({ 'clusters.list': () => [clusterB], 'clusters.add': () => added });
    const store = createClustersStore(client);
    await store.getState().load();
    const hosts = added.hosts.map((host) => ({ spec: host.spec }));
    const outcome = await store.getState().add({ name: 'lab', hosts });
    expect(outcome).toEqual({ ok: true, cluster: added });
    expect(client.callsTo('clusters.add')[0]?.params).toEqual({ name: 'lab', hosts });
    expect(store.getState().clusters).toEqual([
      clusterB,
      { id: added.id, name: 'lab', hostCount: 3, createdAt: added.createdAt },
    ]);
  });

  it('reports a refused add as an error value, and lists nothing new', async () => {
    const client = createFakeEngineClient({
      'clusters.add': () => {
        throw new IpcError('conflict', 'A cluster named "Office rack" already exists');
      },
    });
    const store = createClustersStore(client);
    const outcome = await store.getState().add({ name: 'Office rack', hosts: [{ spec: clusterAFull.hosts[2]!.spec }] });
    expect(outcome).toEqual({ ok: false, error: { code: 'conflict', message: 'A cluster named "Office rack" already exists' } });
    expect(store.getState().clusters).toEqual([]);
  });

  it('an update replaces the cluster in the list (renamed, re-sorted)', async () => {
    const renamed: Cluster = { ...clusterAFull, name: 'Archive rack' };
    const client = createFakeEngineClient({ 'clusters.list': () => [clusterB, clusterA], 'clusters.update': () => renamed });
    const store = createClustersStore(client);
    await store.getState().load();
    const outcome = await store.getState().update({ id: clusterA.id, name: 'Archive rack' });
    expect(outcome.ok).toBe(true);
    expect(store.getState().clusters.map((c) => c.name)).toEqual(['Archive rack', 'Branch office']);
  });

  it('removes a cluster only after the confirmation, and says which one went', async () => {
    const client = createFakeEngineClient({ 'clusters.list': () => [clusterB, clusterA], 'clusters.remove': () => null });
    const store = createClustersStore(client);
    await store.getState().load();

    store.getState().askRemove(clusterA.id);
    expect(store.getState().removal).toEqual({ clusterId: clusterA.id, name: 'Office rack', removing: false, error: null });
    expect(client.callsTo('clusters.remove')).toEqual([]);

    store.getState().cancelRemove();
    expect(store.getState().removal).toBeNull();
    expect(await store.getState().confirmRemove()).toBeNull();
    expect(client.callsTo('clusters.remove')).toEqual([]);

    store.getState().askRemove(clusterA.id);
    const removing = store.getState().confirmRemove();
    expect(store.getState().removal?.removing).toBe(true);
    expect(await removing).toBe('Office rack');
    expect(client.callsTo('clusters.remove')[0]?.params).toEqual({ id: clusterA.id });
    expect(store.getState().removal).toBeNull();
    expect(store.getState().clusters).toEqual([clusterB]);
  });

  it('a failed removal keeps the confirmation open with the error, and the cluster listed', async () => {
    const client = createFakeEngineClient({
      'clusters.list': () => [clusterA],
      'clusters.remove': () => {
        throw new IpcError('conflict', 'A backup of this cluster is running');
      },
    });
    const store = createClustersStore(client);
    await store.getState().load();
    store.getState().askRemove(clusterA.id);
    expect(await store.getState().confirmRemove()).toBeNull();
    expect(store.getState().removal).toEqual({
      clusterId: clusterA.id,
      name: 'Office rack',
      removing: false,
      error: { code: 'conflict', message: 'A backup of this cluster is running' },
    });
    expect(store.getState().clusters).toEqual([clusterA]);
  });
});
