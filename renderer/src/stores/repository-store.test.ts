import { describe, expect, it } from 'vitest';
import { IpcError } from '../../../shared/ipc/errors.js';
import type { RepositoryStatus } from '../../../shared/model/repository.js';
import { createFakeEngineClient, deferred } from '../testing/fake-engine-client.js';
import { backupJob, readyRepository, verifyJob } from '../testing/fixtures.js';
import { checkRepositoryPath, createRepositoryStore } from './repository-store.js';

const notConfigured: RepositoryStatus = { path: null, state: 'not_configured', error: null, pointCount: 0, vmCount: 0, freeBytes: null };

describe('repository store', () => {
  it('loads the repository status and fills the folder field with its path', async () => {
    const client = createFakeEngineClient({ 'repository.get': () => readyRepository });
    const store = createRepositoryStore(client);
    await store.getState().load();
    expect(store.getState()).toMatchObject({ repository: readyRepository, status: 'ready', pathInput: '/mnt/nas/lifeboat' });
  });

  it('does not overwrite what the user typed when the status is loaded again', async () => {
    const client = createFakeEngineClient({ 'repository.get': () => readyRepository });
    const store = createRepositoryStore(client);
    store.getState().setPathInput('/srv/backup');
    await store.getState().load();
    expect(store.getState().pathInput).toBe('/srv/backup');
  });

  it('uses a typed folder, creating a new repository when asked', async () => {
    const answer = deferred<RepositoryStatus>();
    const client = createFakeEngineClient({ 'repository.get': () => notConfigured, 'repository.use': () => answer.promise });
    const store = createRepositoryStore(client);
    await store.getState().load();
    store.getState().setPathInput('  /srv/backup ');
    store.getState().setCreateNew(true);
    const using = store.getState().use();
    expect(store.getState().using).toBe(true);
    await expect(store.getState().use()).resolves.toBe(false);
    const created = { ...readyRepository, path: '/srv/backup', pointCount: 0, vmCount: 0 };
    answer.resolve(created);
    await expect(using).resolves.toBe(true);
    expect(client.callsTo('repository.use').map((call) => call.params)).toEqual([{ path: '/srv/backup', create: true }]);
    expect(store.getState()).toMatchObject({ repository: created, using: false, useError: null, createNew: false, pathInput: '/srv/backup' });
  });

  it('refuses an empty folder before asking the engine, and clears the problem once fixed', async () => {
    const client = createFakeEngineClient({ 'repository.use': () => readyRepository });
    const store = createRepositoryStore(client);
    store.getState().setPathInput('   ');
    await expect(store.getState().use()).resolves.toBe(false);
    expect(store.getState().pathProblem).toBe('required');
    expect(client.callsTo('repository.use')).toHaveLength(0);
    store.getState().setPathInput('/mnt/nas/lifeboat');
    expect(store.getState().pathProblem).toBeNull();
    expect(checkRepositoryPath('x'.repeat(4097))).toBe('too-long');
  });

  it('keeps the engine refusal readable, with what was typed', async () => {
    const client = createFakeEngineClient({
      'repository.use': () => {
        throw new IpcError('unavailable', 'The repository at /srv/empty cannot be opened (not-a-repository): no lifeboat-repo.json');
      },
    });
    const store = createRepositoryStore(client);
    store.getState().setPathInput('/srv/empty');
    await expect(store.getState().use()).resolves.toBe(false);
    expect(store.getState()).toMatchObject({
      pathInput: '/srv/empty',
      using: false,
      useError: { code: 'unavailable', message: 'The repository at /srv/empty cannot be opened (not-a-repository): no lifeboat-repo.json' },
    });
    // Changing the request clears the old answer.
    store.getState().setCreateNew(true);
    expect(store.getState().useError).toBeNull();
  });

  it('starts verify and prune jobs and gives their ids', async () => {
    const client = createFakeEngineClient({ 'verify.start': () => ({ jobId: verifyJob.id }), 'prune.start': () => ({ jobId: backupJob.id }) });
    const store = createRepositoryStore(client);
    const verifying = store.getState().startMaintenance('verify');
    expect(store.getState().maintenance.verify.starting).toBe(true);
    await expect(verifying).resolves.toEqual({ ok: true, jobId: verifyJob.id });
    await expect(store.getState().startMaintenance('prune')).resolves.toEqual({ ok: true, jobId: backupJob.id });
    expect(store.getState().maintenance).toEqual({ verify: { starting: false, error: null }, prune: { starting: false, error: null } });
  });

  it('keeps a refused maintenance start as the error of its button', async () => {
    const client = createFakeEngineClient({
      'prune.start': () => {
        throw new IpcError('unavailable', 'No repository is set up yet');
      },
    });
    const store = createRepositoryStore(client);
    await expect(store.getState().startMaintenance('prune')).resolves.toEqual({ ok: false });
    expect(store.getState().maintenance.prune).toEqual({ starting: false, error: { code: 'unavailable', message: 'No repository is set up yet' } });
    expect(store.getState().maintenance.verify.error).toBeNull();
  });
});
