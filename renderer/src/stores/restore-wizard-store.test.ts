import { describe, expect, it } from 'vitest';
import { IpcError } from '../../../shared/ipc/errors.js';
import { restoreOptionsSchema } from '../../../shared/model/restore.js';
import { createFakeEngineClient, deferred, flushPromises, type FakeEngineClient } from '../testing/fake-engine-client.js';
import { clusterA, clusterB, hostIds, jobDetailOf } from '../testing/fixtures.js';
import { planFor, pool, restoreJobId, restorePointIds, restorePoints, restoreProgress, targetHost, webTargets } from '../testing/restore-fixtures.js';
import {
  createRestoreWizardStore,
  defaultPool,
  hostRefusal,
  missingNetworks,
  nameProblem,
  networkTargets,
  placeEngineError,
  poolRefusal,
  restoreOptionsOf,
  type RestoreWizardStore,
} from './restore-wizard-store.js';

const GiB = 1024 ** 3;

function engine(): FakeEngineClient {
  return createFakeEngineClient({
    'points.list': () => ({ points: restorePoints, damaged: [] }),
    'clusters.list': () => [clusterA, clusterB],
    'restore.targets': () => webTargets(),
    'restore.preflight': () => planFor(),
    'restore.start': () => ({ jobId: restoreJobId }),
    'jobs.get': () => jobDetailOf(0, { progress: restoreProgress(0, { state: 'queued' }) }),
    'jobs.cancel': () => null,
  });
}

/** A wizard opened from web's newest point, on the options step with kvm2 chosen. */
async function atOptions(client = engine()): Promise<{ client: FakeEngineClient; store: RestoreWizardStore }> {
  const store = createRestoreWizardStore(client);
  await store.getState().open(restorePointIds.webNew);
  await store.getState().next();
  await flushPromises();
  store.getState().chooseHost(hostIds.kvm2);
  await store.getState().next();
  expect(store.getState().step).toBe('options');
  return { client, store };
}

async function atReview(client = engine()): Promise<{ client: FakeEngineClient; store: RestoreWizardStore }> {
  const wizard = await atOptions(client);
  await wizard.store.getState().next();
  await flushPromises();
  return wizard;
}

describe('choices, as the wizard judges them', () => {
  const targets = webTargets();
  const [kvm1, kvm2, kvm3] = targets.hosts as [ReturnType<typeof targetHost>, ReturnType<typeof targetHost>, ReturnType<typeof targetHost>];

  it('refuses a host that did not answer, or where no running pool has room, and a pool without room or not running', () => {
    expect(hostRefusal(kvm1, 10 * GiB)).toBeNull();
    // kvm2's default pool is too small, but its LVM pool has room.
    expect(hostRefusal(kvm2, 10 * GiB)).toBeNull();
    expect(hostRefusal(kvm2, 60 * GiB)).toBe('no-room');
    expect(hostRefusal(kvm3, 10 * GiB)).toBe('unreachable');
    expect(hostRefusal(targetHost(hostIds.kvm1, 'kvm1', { pools: [pool('old', { active: false })] }), 1)).toBe('no-pool');
    expect(poolRefusal(pool('default', { availableBytes: 10 * GiB }), 10 * GiB)).toBeNull();
    expect(poolRefusal(pool('default', { availableBytes: 10 * GiB - 1 }), 10 * GiB)).toBe('no-room');
    expect(poolRefusal(pool('old', { active: false }), 1)).toBe('inactive');
  });

  it('starts with the pool named default when it has room, else one of files, else any with room', () => {
    expect(defaultPool(kvm1, 10 * GiB)).toBe('default');
    expect(defaultPool(kvm2, 10 * GiB)).toBe('vg0');
    expect(defaultPool(targetHost(hostIds.kvm1, 'kvm1', { pools: [pool('lvm', { fileBased: false }), pool('files')] }), 1)).toBe('files');
    expect(defaultPool(kvm3, 1)).toBeNull();
  });

  it('maps only the networks the host lacks, and offers its networks then its other bridges', () => {
    // kvm1 has `office`, and br0 as a bridge.
    expect(missingNetworks(targets, kvm1)).toEqual([]);
    expect(missingNetworks(targets, kvm2)).toEqual([{ from: 'office', type: 'network', macs: ['52:54:00:00:00:01'] }]);
    // A host that cannot list its bridges: bridges are not judged (the engine keeps them and warns).
    expect(missingNetworks(targets, targetHost(hostIds.kvm1, 'kvm1', { networks: [], bridges: null }))).toEqual([
      { from: 'office', type: 'network', macs: ['52:54:00:00:00:01'] },
    ]);
    // A network's own bridge counts as a bridge of the host.
    const onVirbr = { ...targets, interfaces: [{ type: 'bridge', name: 'virbr0', mac: null }] };
    expect(missingNetworks(onVirbr, targetHost(hostIds.kvm1, 'kvm1', { bridges: [] }))).toEqual([]);
    expect(networkTargets(kvm2)).toEqual([
      { name: 'default', kind: 'network', active: true },
      { name: 'virbr0', kind: 'bridge', active: true },
      { name: 'br0', kind: 'bridge', active: true },
    ]);
  });

  it('checks a name as the contract does', () => {
    const samples = ['web-restored', ' web.2 ', 'a', 'x'.repeat(64), 'x'.repeat(65), '', '   ', '-web', 'web restored', 'web/1', 'wéb', 'Web_1+2'];
    for (const name of samples) {
      const schemaAccepts = restoreOptionsSchema.shape.name.safeParse(name).success;
      expect(nameProblem(name) === null, JSON.stringify(name)).toBe(schemaAccepts);
    }
    expect(nameProblem('')).toBe('required');
    expect(nameProblem('  ')).toBe('required');
    expect(nameProblem('x'.repeat(65))).toBe('too-long');
    expect(nameProblem('web restored')).toBe('invalid');
  });

  it('places an engine refusal on the step and input it concerns', () => {
    const place = (code: IpcError['code'], message: string) => placeEngineError({ code, message });
    expect(place('conflict', 'kvm2 already has a VM named web-restored: choose another name, or replace the original')).toEqual({ step: 'options', field: 'name' });
    expect(place('conflict', 'storage pool vg0 on kvm2 already has a volume web-restored-vda.raw: remove it')).toEqual({ step: 'options', field: 'name' });
    expect(place('invalid_params', 'name: use letters, digits and . _ + -')).toEqual({ step: 'options', field: 'name' });
    expect(place('unavailable', "storage pool default on kvm2 has 2 GiB free; the VM's disks need 10 GiB (vda 10 GiB). Nothing was written.")).toEqual({
      step: 'options',
      field: 'pool',
    });
    expect(place('not_found', 'kvm2 has no storage pool big (it has default, vg0)')).toEqual({ step: 'options', field: 'pool' });
    expect(place('unavailable', 'storage pool vg0 on kvm2 (logical) holds block volumes, not qcow2 files: restore as raw')).toEqual({ step: 'options', field: 'format' });
    expect(place('conflict', 'web is running on kvm1: shut it down first (a running VM is never replaced). Nothing was changed.')).toEqual({
      step: 'options',
      field: 'replace',
    });
    expect(place('not_found', 'web (8d0c…) is not defined on kvm2: restore it as a copy')).toEqual({ step: 'options', field: 'replace' });
    expect(place('conflict', 'web has 2 snapshot(s) on kvm1 that refer to its current disks')).toEqual({ step: 'options', field: 'replace' });
    expect(place('invalid_params', 'kvm2 has no network or bridge named lan (chosen for the interfaces on office)')).toEqual({ step: 'options', field: 'network' });
    expect(place('unavailable', 'connect ECONNREFUSED 10.0.0.13:16509')).toEqual({ step: 'host', field: 'host' });
    expect(place('timeout', 'kvm3 did not answer in 10 s')).toEqual({ step: 'host', field: 'host' });
    expect(place('not_found', 'cluster Office rack has no host kvm9 (its hosts: kvm1, kvm2, kvm3)')).toEqual({ step: 'host', field: 'host' });
    expect(place('not_found', `restore point ${restorePointIds.webNew} not found`)).toEqual({ step: 'point', field: null });
    expect(place('unavailable', 'chunk 3f2a… of the repository is damaged')).toEqual({ step: 'review', field: null });
    expect(place('internal', 'Something broke')).toEqual({ step: 'review', field: null });
  });

  it('places an engine refusal by its reason when it has one, whatever its message says', () => {
    const place = (code: IpcError['code'], reason: string, message = 'kvm2 said no') => placeEngineError({ code, message, reason });
    expect(place('conflict', 'name_taken')).toEqual({ step: 'options', field: 'name' });
    expect(place('conflict', 'name_taken', 'storage pool vg0 on kvm2 already has a volume web-restored-vda.raw')).toEqual({ step: 'options', field: 'name' });
    for (const reason of ['no_space', 'pool_not_found', 'pool_inactive', 'unsupported']) {
      expect(place('unavailable', reason), reason).toEqual({ step: 'options', field: 'pool' });
    }
    for (const reason of ['original_running', 'original_not_found', 'original_not_replaceable']) {
      expect(place('conflict', reason), reason).toEqual({ step: 'options', field: 'replace' });
    }
    expect(place('unavailable', 'host_failed', 'storage pool vg0 on kvm2: connection reset')).toEqual({ step: 'host', field: 'host' });
    expect(place('unavailable', 'point_damaged', 'chunk 3f2a… is damaged')).toEqual({ step: 'point', field: null });
    // Connecting to the target host, and reading the point, before the restore's own checks.
    expect(place('unavailable', 'unreachable', 'connect ECONNREFUSED 10.0.0.13:16509')).toEqual({ step: 'host', field: 'host' });
    expect(place('conflict', 'host_key_mismatch')).toEqual({ step: 'host', field: 'host' });
    expect(place('not_found', 'point-not-found', `restore point ${restorePointIds.webNew} not found`)).toEqual({ step: 'point', field: null });
    // Reasons that name no input stay where the check or the start ran, even when the message names one.
    expect(place('invalid_params', 'invalid_request', 'kvm2 has no network or bridge named lan')).toEqual({ step: 'review', field: null });
    expect(place('conflict', 'locked', 'the repository is locked by another Lifeboat')).toEqual({ step: 'review', field: null });
    expect(place('unavailable', 'something_new', "storage pool default on kvm2 has 2 GiB free")).toEqual({ step: 'review', field: null });
    expect(place('cancelled', 'cancelled')).toEqual({ step: 'review', field: null });
  });
});

describe('step 1: VM and restore point', () => {
  it('opened from a point: lists the points, chooses it, searches its VM and proposes <vm>-restored', async () => {
    const client = engine();
    const store = createRestoreWizardStore(client);
    await store.getState().open(restorePointIds.webOld);
    const state = store.getState();
    expect(state).toMatchObject({ step: 'point', pointId: restorePointIds.webOld, search: 'web', pointsStatus: 'ready', openedWithUnknownPoint: false });
    expect(state.form.name).toBe('web-restored');
    expect(state.clusters).toEqual([clusterA, clusterB]);
  });

  it('opened with a point the repository lacks: says so, with nothing chosen', async () => {
    const store = createRestoreWizardStore(engine());
    await store.getState().open('99999999-0000-4000-8000-000000000000');
    expect(store.getState()).toMatchObject({ pointId: null, openedWithUnknownPoint: true });
  });

  it('keeps the points shown when the list fails, and says so where the list is', async () => {
    const client = engine();
    client.handle('points.list', () => {
      throw new IpcError('unavailable', 'repository at /mnt/nas is not reachable');
    });
    const store = createRestoreWizardStore(client);
    await store.getState().open();
    expect(store.getState()).toMatchObject({ pointsStatus: 'error', pointsError: { code: 'unavailable' } });
    client.handle('points.list', () => ({ points: restorePoints, damaged: [] }));
    await store.getState().loadPoints();
    expect(store.getState()).toMatchObject({ pointsStatus: 'ready', pointsError: null });
  });

  it('will not go on without a point, and puts focus on the point list', async () => {
    const store = createRestoreWizardStore(engine());
    await store.getState().open();
    const seq = store.getState().focus.seq;
    await expect(store.getState().next()).resolves.toEqual({ kind: 'invalid', field: 'point' });
    expect(store.getState().problems).toEqual({ point: 'required' });
    expect(store.getState().focus).toEqual({ step: 'point', target: 'point', seq: seq + 1 });
    // The problem goes as soon as a point is chosen.
    store.getState().choosePoint(restorePointIds.db);
    expect(store.getState().problems).toEqual({});
  });

  it('proposes a name that follows the chosen VM, until the user changed it', async () => {
    const store = createRestoreWizardStore(engine());
    await store.getState().open();
    store.getState().choosePoint(restorePointIds.webNew);
    expect(store.getState().form.name).toBe('web-restored');
    store.getState().choosePoint(restorePointIds.db);
    expect(store.getState().form.name).toBe('db-restored');
    store.getState().setName('db-copy');
    store.getState().choosePoint(restorePointIds.webOld);
    expect(store.getState().form.name).toBe('db-copy');
  });
});

describe('step 2: target host', () => {
  it('asks where the point can go when entering the step, with focus on its heading', async () => {
    const client = engine();
    const store = createRestoreWizardStore(client);
    await store.getState().open(restorePointIds.webNew);
    const moving = store.getState().next();
    expect(store.getState()).toMatchObject({ step: 'host', targetsStatus: 'loading', focus: { step: 'host', target: 'heading' } });
    await expect(moving).resolves.toEqual({ kind: 'moved', step: 'host' });
    await flushPromises();
    expect(client.callsTo('restore.targets').map((call) => call.params)).toEqual([{ pointId: restorePointIds.webNew }]);
    expect(store.getState().targets?.requiredBytes).toBe(10 * GiB);
  });

  it('chooses a host with a pool that has room, raw in an LVM pool, and never a host that cannot take the VM', async () => {
    const store = createRestoreWizardStore(engine());
    await store.getState().open(restorePointIds.webNew);
    await store.getState().next();
    await flushPromises();
    await expect(store.getState().next()).resolves.toEqual({ kind: 'invalid', field: 'host' });
    store.getState().chooseHost(hostIds.kvm3);
    expect(store.getState().hostId).toBeNull();
    store.getState().chooseHost(hostIds.kvm2);
    expect(store.getState()).toMatchObject({ hostId: hostIds.kvm2, problems: {} });
    expect(store.getState().form).toMatchObject({ pool: 'vg0', format: 'raw', replace: false, networkMap: { office: null } });
    store.getState().chooseHost(hostIds.kvm1);
    expect(store.getState().form).toMatchObject({ pool: 'default', networkMap: {} });
  });

  it('offers the hosts of another cluster', async () => {
    const client = engine();
    const store = createRestoreWizardStore(client);
    await store.getState().open(restorePointIds.webNew);
    await store.getState().next();
    await flushPromises();
    store.getState().chooseHost(hostIds.kvm1);
    store.getState().chooseCluster(clusterB.id);
    expect(store.getState()).toMatchObject({ hostId: null, targets: null, targetClusterId: clusterB.id });
    await flushPromises();
    expect(client.callsTo('restore.targets').at(-1)?.params).toEqual({ pointId: restorePointIds.webNew, clusterId: clusterB.id });
  });

  it('shows why the hosts could not be checked, and checks again', async () => {
    const client = engine();
    client.handle('restore.targets', () => {
      throw new IpcError('not_found', 'cluster 0b6f… not found');
    });
    const store = createRestoreWizardStore(client);
    await store.getState().open(restorePointIds.webNew);
    await store.getState().next();
    await flushPromises();
    expect(store.getState()).toMatchObject({ step: 'host', targetsStatus: 'error', targetsError: { code: 'not_found' } });
    client.handle('restore.targets', () => webTargets());
    await store.getState().loadTargets();
    expect(store.getState().targetsStatus).toBe('ready');
  });
});

describe('step 3: options', () => {
  it('checks the name as the contract does, next to it, and clears the problem once fixed', async () => {
    const { store } = await atOptions();
    store.getState().setName('web copy');
    await expect(store.getState().next()).resolves.toEqual({ kind: 'invalid', field: 'name' });
    expect(store.getState().problems).toEqual({ name: 'invalid' });
    expect(store.getState().focus).toMatchObject({ step: 'options', target: 'name' });
    store.getState().setName('web-copy');
    expect(store.getState().problems).toEqual({});
  });

  it('switches to raw in a pool of block volumes, and refuses qcow2 there', async () => {
    const { store } = await atOptions();
    store.getState().setPool('default');
    // kvm2's default pool is too small.
    store.getState().setFormat('qcow2');
    await expect(store.getState().next()).resolves.toEqual({ kind: 'invalid', field: 'pool' });
    expect(store.getState().problems).toEqual({ pool: 'no-room' });
    store.getState().setPool('vg0');
    expect(store.getState().form.format).toBe('raw');
    store.getState().setFormat('qcow2');
    expect(store.getState().problems).toEqual({ format: 'needs-file-pool' });
  });

  it('offers replace only on the host that has the original, which keeps its name', async () => {
    const { store } = await atOptions();
    store.getState().setReplace(true);
    expect(store.getState().form.replace).toBe(false);
    store.getState().goTo('host');
    store.getState().chooseHost(hostIds.kvm1);
    store.getState().setReplace(true);
    expect(store.getState().form.replace).toBe(true);
    // The name is not checked, nor sent: a replace keeps the original's.
    store.getState().setName('');
    const options = restoreOptionsOf(store.getState());
    expect(options).toMatchObject({ replace: true, hostId: hostIds.kvm1, pool: 'default' });
    expect(options).not.toHaveProperty('name');
    // Another host has no original: replace goes.
    store.getState().chooseHost(hostIds.kvm2);
    expect(store.getState().form.replace).toBe(false);
  });
});

describe('step 4: review', () => {
  it('asks the engine to check exactly what was chosen, and shows its plan', async () => {
    const { client, store } = await atOptions();
    store.getState().mapNetwork('office', 'br0');
    store.getState().setStart(true);
    const moving = store.getState().next();
    expect(store.getState().planStatus).toBe('loading');
    await expect(moving).resolves.toEqual({ kind: 'moved', step: 'review' });
    await flushPromises();
    expect(client.callsTo('restore.preflight').map((call) => call.params)).toEqual([
      {
        pointId: restorePointIds.webNew,
        clusterId: clusterA.id,
        hostId: hostIds.kvm2,
        pool: 'vg0',
        name: 'web-restored',
        replace: false,
        networkMap: { office: 'br0' },
        start: true,
        format: 'raw',
      },
    ]);
    expect(store.getState()).toMatchObject({ planStatus: 'ready', plan: planFor() });
  });

  it('takes a refused name back to the name, with focus on it', async () => {
    const client = engine();
    client.handle('restore.preflight', () => {
      throw new IpcError('conflict', 'kvm2 already has a VM named web-restored: choose another name, or replace the original');
    });
    const { store } = await atReview(client);
    expect(store.getState()).toMatchObject({
      step: 'options',
      planStatus: 'error',
      engineError: { step: 'options', field: 'name', error: { code: 'conflict' } },
      focus: { step: 'options', target: 'name' },
    });
    // Typing a new name drops the engine's complaint; the review checks again.
    store.getState().setName('web-2');
    expect(store.getState().engineError).toBeNull();
  });

  it('takes a host that stopped answering back to the hosts, and checks them again', async () => {
    const client = engine();
    client.handle('restore.preflight', () => {
      throw new IpcError('unavailable', 'connect ECONNREFUSED 10.0.0.12:22');
    });
    const { store } = await atReview(client);
    expect(store.getState()).toMatchObject({ step: 'host', engineError: { step: 'host', field: 'host' } });
    expect(client.callsTo('restore.targets')).toHaveLength(2);
  });

  it('places a refusal by the engine\'s reason, and keeps the reason with the error', async () => {
    const client = engine();
    // The message alone would say "the host" (an unavailable with no pool named): the reason says the pool.
    client.handle('restore.preflight', () => {
      throw new IpcError('unavailable', 'vg0 on kvm2 has 2 GiB free; the disks need 10 GiB', 'no_space');
    });
    const { store } = await atReview(client);
    expect(store.getState()).toMatchObject({
      step: 'options',
      engineError: { step: 'options', field: 'pool', error: { code: 'unavailable', reason: 'no_space' } },
      focus: { step: 'options', target: 'pool' },
    });
    // Not taken for a host that stopped answering: the hosts are not checked again.
    expect(client.callsTo('restore.targets')).toHaveLength(1);
  });

  it('takes a damaged point back to the points, with focus on the error there', async () => {
    const client = engine();
    client.handle('restore.preflight', () => {
      throw new IpcError('unavailable', 'chunk 3f2a… of the point is missing', 'point_damaged');
    });
    const { store } = await atReview(client);
    expect(store.getState()).toMatchObject({
      step: 'point',
      engineError: { step: 'point', field: null, error: { reason: 'point_damaged' } },
      focus: { step: 'point', target: 'error' },
    });
    // Choosing another point drops it.
    store.getState().choosePoint(restorePointIds.webOld);
    expect(store.getState().engineError).toBeNull();
  });

  it('keeps a refusal it cannot place on the review, and checks again', async () => {
    const client = engine();
    client.handle('restore.preflight', () => {
      throw new IpcError('internal', 'Something went wrong');
    });
    const { store } = await atReview(client);
    expect(store.getState()).toMatchObject({ step: 'review', planStatus: 'error', focus: { step: 'review', target: 'error' } });
    client.handle('restore.preflight', () => planFor());
    await store.getState().preflight();
    expect(store.getState()).toMatchObject({ planStatus: 'ready', engineError: null });
  });

  it('drops a check that answers after the user went back', async () => {
    const client = engine();
    const answer = deferred<ReturnType<typeof planFor>>();
    client.handle('restore.preflight', () => answer.promise);
    const { store } = await atOptions(client);
    await store.getState().next();
    store.getState().back();
    answer.resolve(planFor());
    await flushPromises();
    expect(store.getState()).toMatchObject({ step: 'options', plan: null, planStatus: 'idle' });
  });
});

describe('the restore', () => {
  it('starts the restore, follows that job alone to its end, and shows the result', async () => {
    const { client, store } = await atReview();
    expect(store.getState()).toMatchObject({ step: 'review', planStatus: 'ready' });
    await expect(store.getState().next()).resolves.toEqual({ kind: 'moved', step: 'progress' });
    expect(client.callsTo('restore.start')).toHaveLength(1);
    expect(client.callsTo('restore.start')[0]?.params).toEqual(client.callsTo('restore.preflight')[0]?.params);
    expect(store.getState()).toMatchObject({ step: 'progress', jobId: restoreJobId, focus: { step: 'progress', target: 'heading' } });
    const subscription = client.subscriptions.find((s) => s.topic === 'jobs.progress');
    expect(subscription).toMatchObject({ filter: { jobId: restoreJobId }, active: true });

    client.emit('jobs.progress', restoreProgress(5));
    expect(store.getState().progress?.seq).toBe(5);
    // An older snapshot (the `jobs.get` asked at the start, answering late) changes nothing.
    client.emit('jobs.progress', restoreProgress(3));
    expect(store.getState().progress?.seq).toBe(5);
    // Another job's progress is not this wizard's.
    client.emit('jobs.progress', { ...restoreProgress(9), jobId: 'ffffffff-1d2f-4a6b-8c0e-2f4a6c8e0a2c' });
    expect(store.getState().progress?.seq).toBe(5);

    const result = { host: 'kvm2', vmName: 'web-restored', vmUuid: '5a5a5a5a-1111-4222-8333-444455556666', replaced: false, started: true, startError: null, volumes: ['vg0/web-restored-vda.raw'], warnings: [] };
    client.emit('jobs.progress', restoreProgress(6, { state: 'succeeded' }, { state: 'succeeded', phase: 'done', restoreResult: result }));
    expect(store.getState()).toMatchObject({ step: 'result', focus: { step: 'result', target: 'heading' } });
    expect(store.getState().progress?.items[0]?.restoreResult).toEqual(result);
    expect(subscription?.active).toBe(false);
  });

  it('learns the end of a job that ended before its progress was followed', async () => {
    const client = engine();
    client.handle('jobs.get', () => jobDetailOf(0, { progress: restoreProgress(8, { state: 'failed' }, { state: 'failed', error: { code: 'unavailable', message: 'kvm2 went away' } }) }));
    const { store } = await atReview(client);
    await store.getState().start();
    await flushPromises();
    expect(store.getState()).toMatchObject({ step: 'result', progress: { state: 'failed' } });
  });

  it('places a refusal of the start like one of the check, and starts nothing twice', async () => {
    const client = engine();
    const { store } = await atReview(client);
    client.handle('restore.start', () => {
      throw new IpcError('conflict', 'web is running on kvm1: shut it down first (a running VM is never replaced). Nothing was changed.');
    });
    const first = store.getState().start();
    await expect(store.getState().start()).resolves.toEqual({ ok: false });
    await expect(first).resolves.toEqual({ ok: false });
    expect(client.callsTo('restore.start')).toHaveLength(1);
    expect(store.getState()).toMatchObject({ step: 'options', starting: false, engineError: { field: 'replace' }, jobId: null });
  });

  it('cancels the job once confirmed, and says when the engine refused', async () => {
    const client = engine();
    const { store } = await atReview(client);
    await store.getState().start();
    store.getState().askCancel();
    expect(store.getState().cancel).toEqual({ state: 'confirm', error: null });
    store.getState().keepRunning();
    expect(store.getState().cancel).toBeNull();
    client.handle('jobs.cancel', () => {
      throw new IpcError('not_found', 'no job');
    });
    store.getState().askCancel();
    await store.getState().cancelJob();
    expect(store.getState().cancel).toMatchObject({ state: 'confirm', error: { code: 'not_found' } });
    client.handle('jobs.cancel', () => null);
    await store.getState().cancelJob();
    expect(store.getState().cancel).toEqual({ state: 'sent', error: null });
    expect(client.callsTo('jobs.cancel').map((call) => call.params)).toEqual([{ id: restoreJobId }, { id: restoreJobId }]);
  });

  it('says so when live progress is refused, and asks for the job on Refresh', async () => {
    const client = engine();
    const { store } = await atReview(client);
    await store.getState().start();
    client.refuseSubscriptions('jobs.progress', new IpcError('unavailable', 'no progress'));
    expect(store.getState().watchError).toMatchObject({ code: 'unavailable' });
    client.handle('jobs.get', () => jobDetailOf(0, { progress: restoreProgress(12) }));
    await store.getState().refreshProgress();
    expect(store.getState()).toMatchObject({ watchError: null, progress: { seq: 12 } });
  });

  it('after a failure, goes back to the options with every choice kept', async () => {
    const client = engine();
    const { store } = await atReview(client);
    await store.getState().start();
    client.emit('jobs.progress', restoreProgress(4, { state: 'failed' }, { state: 'failed', error: { code: 'unavailable', message: 'kvm2 went away' } }));
    expect(store.getState().step).toBe('result');
    store.getState().revise();
    expect(store.getState()).toMatchObject({ step: 'options', jobId: null, progress: null, hostId: hostIds.kvm2, form: { pool: 'vg0', name: 'web-restored' } });
  });
});

describe('opening again', () => {
  it('keeps the wizard (and a restore it follows) for the same point, and starts over for another', async () => {
    const client = engine();
    const { store } = await atReview(client);
    await store.getState().start();
    // Back from the Jobs view to the same wizard: still following its job.
    await store.getState().open(restorePointIds.webNew);
    await store.getState().open();
    expect(store.getState()).toMatchObject({ step: 'progress', jobId: restoreJobId });
    const subscription = client.subscriptions.find((s) => s.topic === 'jobs.progress');
    expect(subscription?.active).toBe(true);
    // Another point's "Restore…": a new wizard, and this one's job is not followed here any more.
    await store.getState().open(restorePointIds.db);
    expect(store.getState()).toMatchObject({ step: 'point', pointId: restorePointIds.db, jobId: null, hostId: null, form: { name: 'db-restored' } });
    expect(subscription?.active).toBe(false);
  });

  it('starts over with nothing chosen', async () => {
    const { store } = await atOptions();
    store.getState().reset();
    expect(store.getState()).toMatchObject({ step: 'point', pointId: null, hostId: null, targets: null, form: { name: '' }, focus: { step: 'point', target: 'heading' } });
    await flushPromises();
    expect(store.getState().pointsStatus).toBe('ready');
  });
});
