import { describe, expect, it } from 'vitest';
import { IpcError } from '../../../shared/ipc/errors.js';
import type { RepositoryCheck } from '../../../shared/model/repository.js';
import { folderCheck, freshInstall, setUpInstall } from '../testing/dashboard-fixtures.js';
import { manualTimers } from '../testing/manual-timers.js';
import { createFakeEngineClient, deferred, flushPromises } from '../testing/fake-engine-client.js';
import { readyRepository } from '../testing/fixtures.js';
import { createOnboardingStore, onboardingPathProblem } from './onboarding-store.js';

describe('onboarding store', () => {
  it('shows the onboarding on a fresh install, with the proposed folder filled in and checked', async () => {
    const client = createFakeEngineClient({ 'onboarding.status': () => freshInstall, 'repository.check': () => folderCheck() });
    const store = createOnboardingStore(client, manualTimers());
    await store.getState().load();
    expect(store.getState()).toMatchObject({
      active: true,
      step: 'repository',
      pathInput: '/home/ops/Documents/Lifeboat Backups',
      check: { state: 'done', path: '/home/ops/Documents/Lifeboat Backups', result: folderCheck() },
    });
    expect(client.callsTo('repository.check').map((call) => call.params)).toEqual([{ path: '/home/ops/Documents/Lifeboat Backups' }]);
  });

  it('stays out of the way of an install that is set up', async () => {
    const client = createFakeEngineClient({ 'onboarding.status': () => setUpInstall });
    const store = createOnboardingStore(client, manualTimers());
    await store.getState().load();
    expect(store.getState()).toMatchObject({ active: false, status: setUpInstall, loadStatus: 'ready' });
    expect(client.callsTo('repository.check')).toHaveLength(0);
  });

  it('checks a typed folder once typing pauses, and only the last one', async () => {
    const timers = manualTimers();
    const client = createFakeEngineClient({ 'onboarding.status': () => ({ ...freshInstall, proposedRepositoryPath: null }), 'repository.check': ({ path }) => folderCheck({ path, kind: 'empty_folder' }) });
    const store = createOnboardingStore(client, timers);
    await store.getState().load();
    expect(store.getState().pathInput).toBe('');
    store.getState().setPathInput('/mnt/n');
    store.getState().setPathInput('/mnt/nas/backups');
    expect(timers.pending()).toEqual([400]);
    timers.fire();
    await flushPromises();
    expect(client.callsTo('repository.check').map((call) => call.params)).toEqual([{ path: '/mnt/nas/backups' }]);
    expect(store.getState().check).toMatchObject({ state: 'done', path: '/mnt/nas/backups', result: { kind: 'empty_folder' } });
  });

  it('says what is wrong with a folder the engine would refuse anyway, without asking it', async () => {
    const timers = manualTimers();
    const client = createFakeEngineClient({ 'repository.check': () => folderCheck() });
    const store = createOnboardingStore(client, timers);
    store.getState().setPathInput('backups');
    expect(timers.pending()).toEqual([]);
    await store.getState().checkNow();
    expect(store.getState()).toMatchObject({ pathProblem: 'not-absolute', check: null });
    store.getState().setPathInput('/srv/backups');
    expect(store.getState().pathProblem).toBeNull();
    expect(onboardingPathProblem('  ')).toBe('required');
    expect(onboardingPathProblem(`/${'x'.repeat(4096)}`)).toBe('too-long');
    expect(onboardingPathProblem('D:\\Backups')).toBeNull();
    expect(client.callsTo('repository.check')).toHaveLength(0);
  });

  it('drops the answer about other text as soon as the folder is edited, keeps it while the same folder is checked again, and shows a failed check', async () => {
    const answer = deferred<RepositoryCheck>();
    const client = createFakeEngineClient({ 'repository.check': () => answer.promise });
    const store = createOnboardingStore(client, manualTimers());
    store.setState({ pathInput: '/a', check: { state: 'done', path: '/a', result: folderCheck({ path: '/a' }) } });
    const again = store.getState().checkNow();
    expect(store.getState().check).toEqual({ state: 'checking', path: '/a', result: folderCheck({ path: '/a' }) });
    store.getState().setPathInput('/b');
    expect(store.getState().check).toEqual({ state: 'checking', path: '/b', result: null });
    // The check of /b supersedes the one of /a, whose answer is dropped.
    const checking = store.getState().checkNow();
    await expect(again).resolves.toBeNull();
    expect(store.getState().check).toEqual({ state: 'checking', path: '/b', result: null });
    answer.reject(new IpcError('unavailable', 'statfs /b: EIO'));
    await checking;
    expect(store.getState().check).toEqual({ state: 'failed', path: '/b', error: { code: 'unavailable', message: 'statfs /b: EIO' } });
  });

  it('creates the repository where the check says it will be created, then moves to the cluster step', async () => {
    const client = createFakeEngineClient({
      'onboarding.status': () => freshInstall,
      'repository.check': () => folderCheck(),
      'repository.use': ({ path }) => ({ ...readyRepository, path, pointCount: 0, vmCount: 0 }),
    });
    const store = createOnboardingStore(client, manualTimers());
    await store.getState().load();
    await expect(store.getState().useRepository()).resolves.toBe(true);
    expect(client.callsTo('repository.use').map((call) => call.params)).toEqual([{ path: '/home/ops/Documents/Lifeboat Backups', create: true }]);
    expect(store.getState()).toMatchObject({ step: 'cluster', using: false, status: { repositoryConfigured: true, repositoryPath: '/home/ops/Documents/Lifeboat Backups' } });
    store.getState().backToRepository();
    expect(store.getState().step).toBe('repository');
  });

  it('opens an existing repository, and checks a folder first when its check is not the current one', async () => {
    const client = createFakeEngineClient({
      'repository.check': ({ path }) => folderCheck({ path, kind: 'existing_repository', action: 'open', pointCount: 12 }),
      'repository.use': ({ path }) => ({ ...readyRepository, path }),
    });
    const store = createOnboardingStore(client, manualTimers());
    store.getState().setPathInput('/mnt/nas/lifeboat');
    await expect(store.getState().useRepository()).resolves.toBe(true);
    expect(client.callsTo('repository.check')).toHaveLength(1);
    expect(client.callsTo('repository.use').map((call) => call.params)).toEqual([{ path: '/mnt/nas/lifeboat', create: false }]);
  });

  it('asks nothing of the engine for a folder the check refuses, and shows a refusal of use readably', async () => {
    const client = createFakeEngineClient({
      'repository.check': () => folderCheck({ kind: 'not_empty', action: null, detail: '/home/ops holds other files (notes.txt)' }),
    });
    const store = createOnboardingStore(client, manualTimers());
    store.getState().setPathInput('/home/ops');
    await expect(store.getState().useRepository()).resolves.toBe(false);
    expect(client.callsTo('repository.use')).toHaveLength(0);
    expect(store.getState()).toMatchObject({ using: false, step: 'repository', useError: null });

    client.handle('repository.check', () => folderCheck());
    client.handle('repository.use', () => {
      throw new IpcError('unavailable', 'Cannot create a repository in /home/ops/new: Only 512 MiB is free there', 'low_space');
    });
    store.getState().setPathInput('/home/ops/new');
    await expect(store.getState().useRepository()).resolves.toBe(false);
    expect(store.getState().useError).toEqual({ code: 'unavailable', reason: 'low_space', message: 'Cannot create a repository in /home/ops/new: Only 512 MiB is free there' });
    store.getState().setPathInput('/home/ops/other');
    expect(store.getState().useError).toBeNull();
  });

  it('finishes with or without a cluster, and stays hidden afterwards', async () => {
    const client = createFakeEngineClient({
      'onboarding.status': () => freshInstall,
      'repository.check': () => folderCheck(),
      'onboarding.complete': () => ({ ...freshInstall, repositoryConfigured: true, repositoryPath: '/x', completed: true }),
    });
    const store = createOnboardingStore(client, manualTimers());
    await store.getState().load();
    await expect(store.getState().finish()).resolves.toBe(true);
    expect(store.getState()).toMatchObject({ active: false, finishing: false, status: { completed: true } });
  });

  it('adds the lab the engine found in one step, and keeps the reason when it cannot', async () => {
    const added: unknown[] = [];
    const client = createFakeEngineClient({
      'onboarding.status': () => ({ ...freshInstall, lab: { hostCount: 3 } }),
      'repository.check': () => folderCheck(),
      'onboarding.addLab': () => {
        added.push(true);
        if (added.length > 1) throw new IpcError('conflict', 'A cluster named "lab" already exists');
        return { id: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', name: 'lab', createdAt: '2026-11-25T10:00:00.000Z', hosts: [] };
      },
    });
    const store = createOnboardingStore(client, manualTimers());
    await store.getState().load();
    expect(store.getState().status?.lab).toEqual({ hostCount: 3 });
    await expect(store.getState().addLab()).resolves.toBe(true);
    expect(store.getState()).toMatchObject({ addingLab: false, addLabError: null });
    await expect(store.getState().addLab()).resolves.toBe(false);
    expect(store.getState()).toMatchObject({ addingLab: false, addLabError: { code: 'conflict' } });
  });

  it('keeps the onboarding up with the reason when finishing is refused', async () => {
    const client = createFakeEngineClient({
      'onboarding.status': () => freshInstall,
      'repository.check': () => folderCheck(),
      'onboarding.complete': () => {
        throw new IpcError('conflict', 'Choose or create a repository before finishing the first-run setup', 'no_repository');
      },
    });
    const store = createOnboardingStore(client, manualTimers());
    await store.getState().load();
    await expect(store.getState().finish()).resolves.toBe(false);
    expect(store.getState()).toMatchObject({ active: true, finishError: { code: 'conflict', reason: 'no_repository' } });
  });

  it('does not hide an onboarding in progress when a reload finds the install set up half-way', async () => {
    const client = createFakeEngineClient({ 'onboarding.status': () => freshInstall, 'repository.check': () => folderCheck() });
    const store = createOnboardingStore(client, manualTimers());
    await store.getState().load();
    store.setState({ step: 'cluster' });
    client.handle('onboarding.status', () => ({ ...setUpInstall }));
    await store.getState().load();
    expect(store.getState()).toMatchObject({ active: true, step: 'cluster' });
  });

  it('reports a status it could not load', async () => {
    const client = createFakeEngineClient({
      'onboarding.status': () => {
        throw new IpcError('unavailable', 'The catalog is locked by another process');
      },
    });
    const store = createOnboardingStore(client, manualTimers());
    await store.getState().load();
    expect(store.getState()).toMatchObject({ loadStatus: 'error', loadError: { code: 'unavailable' }, active: false });
  });
});
