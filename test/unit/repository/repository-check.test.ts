// repository.check's engine side on real folders: what choosing each kind of folder would do, the free space of
// the file system that holds it, and that the check leaves every folder exactly as it found it.
import { chmodSync, existsSync, mkdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPOSITORY_LOW_FREE_BYTES, REPOSITORY_MIN_FREE_BYTES, type RepositoryCheck } from '../../../shared/model/repository.js';
import { Repository } from '../../../electron/engine/repository/repository.js';
import { actionFor, checkRepositoryFolder, refusalToCreate, spaceDetail, spaceState } from '../../../electron/engine/repository/repository-check.js';
import { makeTempDir } from '../../support/temp.js';
import { buildManifest, listTree, manualClock, seededBytes, silentLogger, storeImage } from './support.js';

const CHUNK = 64 * 1024;
const options = { clock: manualClock(), logger: silentLogger(), currentPath: null };

function totalBytesOf(path: string): number {
  const stats = statfsSync(path);
  return stats.blocks * stats.bsize;
}

describe('checkRepositoryFolder', () => {
  let temp: ReturnType<typeof makeTempDir>;

  beforeEach(() => {
    temp = makeTempDir('repo-check');
  });
  afterEach(() => {
    // A read-only folder of a test must not keep its parent from being removed.
    chmodSync(temp.dir, 0o755);
    temp.remove();
  });

  it('proposes to create a repository in an empty folder it can write in, and leaves it empty', async () => {
    const folder = join(temp.dir, 'empty');
    mkdirSync(folder);
    const check = await checkRepositoryFolder(folder, options);
    expect(check).toMatchObject({ path: folder, kind: 'empty_folder', action: 'create', writable: true, pointCount: null, current: false });
    expect(check.totalBytes).toBe(totalBytesOf(folder));
    expect(check.freeBytes).toBeGreaterThan(0);
    expect(check.freeBytes).toBeLessThanOrEqual(check.totalBytes!);
    expect(listTree(folder)).toEqual([]);
  });

  it('counts OS litter and an interrupted init as empty, like init does', async () => {
    const folder = join(temp.dir, 'litter');
    mkdirSync(join(folder, 'lost+found'), { recursive: true });
    writeFileSync(join(folder, '.DS_Store'), 'x');
    mkdirSync(join(folder, 'chunks'));
    const check = await checkRepositoryFolder(folder, options);
    expect(check.kind).toBe('empty_folder');
    expect(check.action).toBe('create');
    expect(listTree(folder)).toEqual(['.DS_Store', 'chunks', 'lost+found']);
  });

  it('refuses a folder holding other files, naming them', async () => {
    const folder = join(temp.dir, 'photos');
    mkdirSync(folder);
    writeFileSync(join(folder, 'holiday.jpg'), 'jpeg');
    const check = await checkRepositoryFolder(folder, options);
    expect(check).toMatchObject({ kind: 'not_empty', action: null, writable: null });
    expect(check.detail).toContain('holiday.jpg');
    expect(refusalToCreate(check)).toMatchObject({ code: 'conflict', reason: 'not_empty' });
  });

  it('opens an existing repository, counting its points without changing a file', async () => {
    const folder = join(temp.dir, 'repo');
    const repository = await Repository.init(folder, { clock: manualClock(), logger: silentLogger(), chunkSize: CHUNK, writer: true });
    for (const [seed, at] of [
      ['one', '2025-03-01T10:00:00.000Z'],
      ['two', '2025-03-02T10:00:00.000Z'],
    ] as const) {
      const image = seededBytes(seed, CHUNK);
      const result = await storeImage(repository, image);
      await repository.points.write(buildManifest({ createdAt: new Date(at), disks: [{ target: 'vda', capacityBytes: CHUNK, chunkSize: CHUNK, result }] }));
    }
    await repository.close();
    const before = listTree(folder);
    const check = await checkRepositoryFolder(folder, { ...options, currentPath: folder });
    expect(check).toMatchObject({ kind: 'existing_repository', action: 'open', writable: true, pointCount: 2, current: true, detail: null });
    expect(listTree(folder)).toEqual(before);
    expect(refusalToCreate(check)).toMatchObject({ code: 'conflict', reason: 'existing_repository' });
  });

  it('says a repository from a newer Lifeboat needs an update, and one with a damaged configuration cannot be used', async () => {
    const newer = join(temp.dir, 'newer');
    mkdirSync(newer);
    writeFileSync(join(newer, 'lifeboat-repo.json'), JSON.stringify({ format: 'lifeboat-repository', version: 2 }));
    const newerCheck = await checkRepositoryFolder(newer, options);
    expect(newerCheck).toMatchObject({ kind: 'newer_format', action: null });
    expect(newerCheck.detail).toContain('Update Lifeboat');

    const damaged = join(temp.dir, 'damaged');
    mkdirSync(damaged);
    writeFileSync(join(damaged, 'lifeboat-repo.json'), '{"format": "lifeboat-repository", "version": 1');
    const damagedCheck = await checkRepositoryFolder(damaged, options);
    expect(damagedCheck).toMatchObject({ kind: 'unusable_repository', action: null });
    expect(damagedCheck.detail).toContain('damaged');
  });

  it('proposes to create a missing folder without creating it, with the space of the folder that will hold it', async () => {
    const folder = join(temp.dir, 'nas', 'backups', 'lifeboat');
    const check = await checkRepositoryFolder(folder, options);
    expect(check).toMatchObject({ path: folder, kind: 'missing_folder', action: 'create', writable: true });
    expect(check.totalBytes).toBe(totalBytesOf(temp.dir));
    expect(existsSync(join(temp.dir, 'nas'))).toBe(false);
    expect(listTree(temp.dir)).toEqual([]);
  });

  it('says a folder cannot be made below a file (not writable, for any user)', async () => {
    writeFileSync(join(temp.dir, 'disk.img'), 'data');
    const check = await checkRepositoryFolder(join(temp.dir, 'disk.img', 'repo'), options);
    expect(check).toMatchObject({ kind: 'not_writable', action: null, writable: false });
    expect(check.detail).toContain(`${join(temp.dir, 'disk.img')} is a file`);
    expect(refusalToCreate(check)).toMatchObject({ code: 'unavailable', reason: 'not_writable' });
  });

  it('tells a file and a path that is not a full one on this computer from a folder', async () => {
    writeFileSync(join(temp.dir, 'notes.txt'), 'x');
    expect(await checkRepositoryFolder(join(temp.dir, 'notes.txt'), options)).toMatchObject({ kind: 'not_a_folder', action: null });
    const windows = await checkRepositoryFolder('D:\\Backups', options);
    expect(windows).toMatchObject({ kind: 'not_a_folder', action: null, writable: null });
    expect(refusalToCreate(windows)).toMatchObject({ code: 'invalid_params', reason: 'not_a_folder' });
    expect(listTree(temp.dir)).toEqual(['notes.txt']);
  });

  it('reports a read-only folder as not writable exactly when writing there fails', async () => {
    // chmod stops every user but root (CI runs as root): what the check says is compared with a real write.
    const folder = join(temp.dir, 'readonly');
    mkdirSync(folder);
    chmodSync(folder, 0o555);
    let canWrite: boolean;
    try {
      writeFileSync(join(folder, 'probe'), 'x');
      rmSync(join(folder, 'probe'));
      canWrite = true;
    } catch {
      canWrite = false;
    }
    const check = await checkRepositoryFolder(folder, options);
    const missing = await checkRepositoryFolder(join(folder, 'repo'), options);
    chmodSync(folder, 0o755);
    expect(check.writable).toBe(canWrite);
    expect(check.kind).toBe(canWrite ? 'empty_folder' : 'not_writable');
    expect(check.action).toBe(canWrite ? 'create' : null);
    expect(missing.kind).toBe(canWrite ? 'missing_folder' : 'not_writable');
    expect(listTree(folder)).toEqual([]);
  });
});

describe('free space thresholds', () => {
  it('refuses creation under 1 GiB free and warns under 10 GiB', () => {
    expect(spaceState(null)).toBe('unknown');
    expect(spaceState(REPOSITORY_MIN_FREE_BYTES - 1)).toBe('too_low');
    expect(spaceState(REPOSITORY_MIN_FREE_BYTES)).toBe('low');
    expect(spaceState(REPOSITORY_LOW_FREE_BYTES - 1)).toBe('low');
    expect(spaceState(REPOSITORY_LOW_FREE_BYTES)).toBe('ok');
  });

  it('creates nothing without room, but still opens an existing repository (with a warning)', () => {
    expect(actionFor('empty_folder', 'too_low')).toBeNull();
    expect(actionFor('missing_folder', 'too_low')).toBeNull();
    expect(actionFor('missing_folder', 'low')).toBe('create');
    expect(actionFor('existing_repository', 'too_low')).toBe('open');
    expect(actionFor('not_empty', 'ok')).toBeNull();
    expect(spaceDetail('empty_folder', 512 * 1024 ** 2)).toBe('Only 512 MiB is free there; a repository needs at least 1 GiB free to be created.');
    expect(spaceDetail('existing_repository', 512 * 1024 ** 2)).toBe('Only 512 MiB is free there: backups will fail for lack of space.');
    expect(spaceDetail('missing_folder', 5 * 1024 ** 3)).toBe('Only 5 GiB is free there; at least 10 GiB is recommended.');
    expect(spaceDetail('missing_folder', 10 * 1024 ** 3)).toBeNull();
  });

  it('turns a check without room into a low_space refusal', () => {
    const check: RepositoryCheck = {
      path: '/srv/backup',
      kind: 'empty_folder',
      action: null,
      writable: true,
      freeBytes: 512 * 1024 ** 2,
      totalBytes: 8 * 1024 ** 3,
      space: 'too_low',
      pointCount: null,
      current: false,
      detail: 'Only 512 MiB is free there; a repository needs at least 1 GiB free to be created.',
    };
    expect(refusalToCreate(check)).toEqual({
      code: 'unavailable',
      reason: 'low_space',
      message: 'Cannot create a repository in /srv/backup: Only 512 MiB is free there; a repository needs at least 1 GiB free to be created.',
    });
    expect(refusalToCreate({ ...check, action: 'create', space: 'low' })).toBeNull();
  });
});
