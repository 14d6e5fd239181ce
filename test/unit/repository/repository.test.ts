// Creating and opening repositories: the layout init writes, the checks open makes (version first), and the
// folders init refuses.
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  RepositoryConfigError,
  RepositoryInitError,
  RepositoryNotFoundError,
  RepositoryUnsupportedError,
  RepositoryVersionError,
  Repository,
  WriterLockError,
} from '../../../electron/engine/repository/index.js';
import { createMemoryLogger } from '../../support/logger.js';
import { makeTempDir } from '../../support/temp.js';
import { MiB, listTree, manualClock, silentLogger } from './support.js';

describe('Repository.init and open', () => {
  let temp: ReturnType<typeof makeTempDir>;
  const deps = { clock: manualClock(), logger: silentLogger() };
  beforeEach(() => (temp = makeTempDir('repo')));
  afterEach(() => temp.remove());

  it('creates the documented layout and a config that open reads back', async () => {
    const dir = join(temp.dir, 'repo');
    const created = await Repository.init(dir, deps);
    expect(listTree(dir)).toEqual(['chunks', 'lifeboat-repo.json', 'locks', 'points', 'prunes.log', 'tmp']);
    const config = JSON.parse(readFileSync(join(dir, 'lifeboat-repo.json'), 'utf8')) as Record<string, unknown>;
    expect(config).toEqual({
      format: 'lifeboat-repository',
      version: 1,
      id: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
      createdAt: '2025-03-01T10:00:00.000Z',
      chunkSize: 4 * MiB,
      hash: 'sha256',
      compression: 'zstd',
      encryption: null,
    });
    // init released its lock: a reader-only instance holds nothing.
    expect(created.writerLock).toBeNull();
    expect(await created.lockHolder()).toBeNull();
    const opened = await Repository.open(dir, deps);
    expect(opened.config).toEqual(created.config);
    expect(opened.path).toBe(dir);
  });

  it('opens read-only without writing anything, and refuses writes without the writer lock', async () => {
    const dir = join(temp.dir, 'repo');
    await Repository.init(dir, deps);
    const before = listTree(dir);
    const repo = await Repository.open(dir, deps);
    expect((await repo.points.list()).points).toEqual([]);
    await expect(repo.chunks.put(Buffer.from('data'))).rejects.toBeInstanceOf(WriterLockError);
    expect(listTree(dir)).toEqual(before);
  });

  it('refuses a repository from a newer Lifeboat before reading anything else, leaving it untouched', async () => {
    const dir = join(temp.dir, 'future');
    mkdirSync(dir);
    // A version-2 config need not follow version 1's schema at all.
    const future = JSON.stringify({ format: 'lifeboat-repository', version: 2, id: 42, chunking: { kind: 'cdc' }, encryption: { algorithm: 'XChaCha20' } });
    writeFileSync(join(dir, 'lifeboat-repo.json'), future);
    const mtime = statSync(join(dir, 'lifeboat-repo.json')).mtimeMs;
    for (const writer of [false, true]) {
      const error = await Repository.open(dir, { ...deps, writer }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RepositoryVersionError);
      expect(error).toMatchObject({ found: 2, supported: 1, code: 'newer-version' });
      expect((error as Error).message).toMatch(/format version 2.*reads up to version 1.*Update Lifeboat/);
    }
    expect(listTree(dir)).toEqual(['lifeboat-repo.json']);
    expect(readFileSync(join(dir, 'lifeboat-repo.json'), 'utf8')).toBe(future);
    expect(statSync(join(dir, 'lifeboat-repo.json')).mtimeMs).toBe(mtime);
    await expect(Repository.init(dir, deps)).rejects.toBeInstanceOf(RepositoryInitError);
    expect(listTree(dir)).toEqual(['lifeboat-repo.json']);
  });

  it('says what is wrong with a damaged or foreign config', async () => {
    const dir = join(temp.dir, 'repo');
    await Repository.init(dir, deps);
    const file = join(dir, 'lifeboat-repo.json');
    const good = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const openWith = async (doc: unknown): Promise<unknown> => {
      writeFileSync(file, typeof doc === 'string' ? doc : JSON.stringify(doc));
      return Repository.open(dir, deps).catch((e: unknown) => e);
    };
    expect(await openWith('{"format": "lifeboat-repo')).toBeInstanceOf(RepositoryConfigError);
    expect(await openWith({ ...good, format: 'restic' })).toBeInstanceOf(RepositoryNotFoundError);
    const badSize = await openWith({ ...good, chunkSize: 3000000 });
    expect(badSize).toBeInstanceOf(RepositoryConfigError);
    expect((badSize as Error).message).toMatch(/chunkSize/);
    const noId = await openWith({ ...good, id: undefined });
    expect((noId as Error).message).toMatch(/\bid\b/);
    expect(await openWith({ ...good, version: 0 })).toBeInstanceOf(RepositoryConfigError);
    expect(await openWith({ ...good, hash: 'blake3' })).toBeInstanceOf(RepositoryUnsupportedError);
    const encrypted = {
      ...good,
      encryption: {
        algorithm: 'AES-256-GCM',
        chunkId: 'hmac-sha256',
        kdf: { name: 'scrypt', N: 131072, r: 8, p: 1, salt: 'c2FsdA==' },
        wrappedKey: { nonce: 'bm9uY2U=', ciphertext: 'a2V5', tag: 'dGFn' },
      },
    };
    const unsupported = await openWith(encrypted);
    expect(unsupported).toBeInstanceOf(RepositoryUnsupportedError);
    expect((unsupported as Error).message).toMatch(/encryption \(AES-256-GCM\)/);
    expect(await Repository.open(join(temp.dir, 'nowhere'), deps).catch((e: unknown) => e)).toBeInstanceOf(RepositoryNotFoundError);
  });

  it('refuses a folder that holds other files, but accepts OS litter and the remains of an interrupted init', async () => {
    const used = join(temp.dir, 'used');
    mkdirSync(used);
    writeFileSync(join(used, 'holiday.jpg'), 'x');
    const error = await Repository.init(used, deps).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RepositoryInitError);
    expect((error as Error).message).toMatch(/not empty.*holiday\.jpg/);
    expect(listTree(used)).toEqual(['holiday.jpg']);

    const share = join(temp.dir, 'share');
    mkdirSync(join(share, 'lost+found'), { recursive: true });
    writeFileSync(join(share, '.DS_Store'), '');
    await Repository.init(share, deps);
    await expect(Repository.init(share, deps)).rejects.toThrow(/already is a Lifeboat repository/);

    // An init killed before writing the config left its folders and a config temp file behind.
    const interrupted = join(temp.dir, 'interrupted');
    for (const sub of ['chunks', 'points', 'locks', 'tmp']) mkdirSync(join(interrupted, sub), { recursive: true });
    writeFileSync(join(interrupted, '.tmp-lifeboat-repo.json.0a1b2c'), '{"format":');
    await expect(Repository.open(interrupted, deps)).rejects.toBeInstanceOf(RepositoryNotFoundError);
    const repo = await Repository.init(interrupted, { ...deps, writer: true });
    expect(listTree(interrupted)).toEqual(['chunks', 'lifeboat-repo.json', 'locks', 'locks/writer.lock', 'points', 'prunes.log', 'tmp']);
    await repo.close();
  });

  it('accepts only power-of-two chunk sizes from 64 KiB to 64 MiB', async () => {
    await expect(Repository.init(join(temp.dir, 'a'), { ...deps, chunkSize: 1000 })).rejects.toThrow(/power of two from 64 KiB to 64 MiB, got 1000/);
    await expect(Repository.init(join(temp.dir, 'b'), { ...deps, chunkSize: 3 * MiB })).rejects.toThrow(RangeError);
    const repo = await Repository.init(join(temp.dir, 'c'), { ...deps, chunkSize: 64 * 1024 });
    expect(repo.config.chunkSize).toBe(65536);
  });

  it('logs what it creates', async () => {
    const { logger, records } = createMemoryLogger();
    await Repository.init(join(temp.dir, 'logged'), { clock: manualClock(), logger });
    expect(records.map((r) => r.message)).toContain('Created repository');
  });
});
