import { describe, expect, it } from 'vitest';
import { IpcError } from '../../../shared/ipc/errors.js';
import type { PointList } from '../../../shared/model/point.js';
import { createFakeEngineClient, deferred, flushPromises } from '../testing/fake-engine-client.js';
import { clusterA, clusterB, point, vmUuids } from '../testing/fixtures.js';
import { createPointsStore, groupPoints } from './points-store.js';

const P = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

const webOld = point(P(1), 'web', '2025-04-30T02:00:00.000Z', { type: 'full', fullReason: null });
const webNew = point(P(2), 'web', '2025-05-01T02:00:00.000Z');
const db = point(P(3), 'db', '2025-05-01T02:05:00.000Z', {
  type: 'full',
  fullReason: 'the previous restore point has no checkpoint to continue from (the VM was shut off then)',
});
/** A point of a cluster the catalog no longer has. */
const gone = point(P(4), 'mail', '2025-03-01T02:00:00.000Z', {
  clusterId: 'ffffffff-0000-4000-8000-000000000001',
  clusterName: 'Old rack',
});

describe('groupPoints', () => {
  it('groups by cluster and VM, newest point first, with the catalog name when the cluster is known', () => {
    const groups = groupPoints([webOld, db, webNew], { [clusterA.id]: 'Office rack (renamed)' });
    expect(groups).toEqual([
      {
        clusterId: clusterA.id,
        clusterName: 'Office rack (renamed)',
        inCatalog: true,
        vms: [
          { vmUuid: vmUuids.db, vmName: 'db', points: [db] },
          { vmUuid: vmUuids.web, vmName: 'web', points: [webNew, webOld] },
        ],
      },
    ]);
  });

  it("takes a cluster's name from its points when the catalog does not know it, and sorts unknown names last", () => {
    const nameless = point(P(5), 'mail', '2025-03-02T02:00:00.000Z', {
      clusterId: 'ffffffff-0000-4000-8000-000000000002',
      clusterName: null,
    });
    const groups = groupPoints([nameless, gone, webNew], { [clusterA.id]: clusterA.name, [clusterB.id]: clusterB.name });
    expect(groups.map((group) => [group.clusterName, group.inCatalog])).toEqual([
      ['Office rack', true],
      ['Old rack', false],
      [null, false],
    ]);
  });

  it('keeps one VM together across renames and filters by any name it had, ignoring case', () => {
    const renamed = point(P(6), 'web', '2025-05-02T02:00:00.000Z', { vmName: 'web-frontend' });
    const groups = groupPoints([webOld, renamed, db], {}, '  WEB ');
    expect(groups[0]?.vms).toEqual([{ vmUuid: vmUuids.web, vmName: 'web-frontend', points: [renamed, webOld] }]);
    expect(groupPoints([webOld, db], {}, 'nothing like it')).toEqual([]);
  });
});

describe('points store', () => {
  it('loads the points and damaged manifests', async () => {
    const list: PointList = { points: [webNew, db], damaged: [{ path: 'points/x.json', message: 'unexpected end of JSON' }] };
    const client = createFakeEngineClient({ 'points.list': () => list });
    const store = createPointsStore(client);
    await store.getState().load();
    expect(store.getState()).toMatchObject({ points: list.points, damaged: list.damaged, status: 'ready', error: null });
    expect(client.callsTo('points.list')[0]?.params).toEqual({});
  });

  it('keeps a failed load as {code, message}', async () => {
    const client = createFakeEngineClient({
      'points.list': () => {
        throw new IpcError('unavailable', 'the repository at /mnt/nas/lifeboat is not mounted');
      },
    });
    const store = createPointsStore(client);
    await store.getState().load();
    expect(store.getState()).toMatchObject({
      status: 'error',
      error: { code: 'unavailable', message: 'the repository at /mnt/nas/lifeboat is not mounted' },
    });
  });

  it('asks again on points.changed, merging the events that arrive during a call into one more call', async () => {
    const answers = [deferred<PointList>(), deferred<PointList>()];
    const client = createFakeEngineClient({ 'points.list': () => answers[client.callsTo('points.list').length - 1]!.promise });
    const store = createPointsStore(client);
    store.getState().watch();
    expect(client.subscriptions).toEqual([{ topic: 'points.changed', filter: {}, active: true }]);

    client.emit('points.changed', { clusterId: clusterA.id });
    await flushPromises();
    client.emit('points.changed', { clusterId: clusterA.id });
    client.emit('points.changed', { clusterId: clusterA.id });
    client.emit('points.changed', { clusterId: null });
    expect(client.callsTo('points.list')).toHaveLength(1);

    answers[0]!.resolve({ points: [webOld], damaged: [] });
    await flushPromises();
    expect(client.callsTo('points.list')).toHaveLength(2);
    answers[1]!.resolve({ points: [webNew, webOld], damaged: [] });
    await flushPromises();
    expect(client.callsTo('points.list')).toHaveLength(2);
    expect(store.getState().points).toEqual([webNew, webOld]);
  });

  it('keeps the filter text as typed', () => {
    const store = createPointsStore(createFakeEngineClient());
    store.getState().setFilter('Web ');
    expect(store.getState().filter).toBe('Web ');
  });

  it('keeps a refused subscription as watchError', () => {
    const client = createFakeEngineClient();
    const store = createPointsStore(client);
    store.getState().watch();
    client.refuseSubscriptions('points.changed', new IpcError('unknown_topic', 'no topic points.changed'));
    expect(store.getState().watchError).toEqual({ code: 'unknown_topic', message: 'no topic points.changed' });
  });
});
