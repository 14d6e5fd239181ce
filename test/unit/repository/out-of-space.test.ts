// A full disk (ENOSPC) during a chunk write, a manifest write or an export: a typed OutOfSpaceError, the temp
// file gone, nothing half-visible; the repository opens afterwards and earlier points still export intact.
// Runs on a real 8 MiB tmpfs when the tests run as root on Linux, and always with ENOSPC injected into the
// file writes; a raw chunk written with direct I/O runs out of room on a real 16 MiB ext4 (loop-mounted).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { open, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { OutOfSpaceError, Repository, allocateChunkBuffer } from '../../../electron/engine/repository/index.js';
import { makeTempDir } from '../../support/temp.js';
import { CLUSTER_ID, MiB, VM_UUID, buildManifest, manualClock, seededBytes, sha256, silentLogger, storeImage } from './support.js';

interface FullDisk {
  /** A folder on the small (or simulated) file system. */
  dir: string;
  /** From now on, writes there fail with ENOSPC. */
  exhaust(): Promise<void>;
  restore(): Promise<void>;
  dispose(): Promise<void>;
}

function enospc(): Error {
  return Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
}

/** The full disk of a file system mounted at `dir` for the test: a filler file takes all its room. */
function mountedFullDisk(dir: string, block: number): FullDisk {
  const filler = join(dir, 'filler');
  return {
    dir,
    exhaust: async () => {
      const handle = await open(filler, 'w');
      const bytes = Buffer.alloc(block, 0xaa);
      try {
        for (;;) await handle.write(bytes);
      } catch (error) {
        if ((error as { code?: string }).code !== 'ENOSPC') throw error;
      } finally {
        await handle.close();
      }
    },
    restore: () => rm(filler, { force: true }),
    dispose: async () => {
      if (spawnSync('umount', [dir]).status !== 0) spawnSync('umount', ['-l', dir]);
    },
  };
}

/** An 8 MiB tmpfs mounted for the test, filled up by a filler file; null when mounting is not possible. */
function tinyTmpfs(base: string): FullDisk | null {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return null;
  const dir = join(base, 'tmpfs');
  mkdirSync(dir);
  if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', dir]).status !== 0) return null;
  return mountedFullDisk(dir, 256 * 1024);
}

/**
 * A 16 MiB ext4 loop-mounted for the test, where chunk files are written with direct I/O. Mounting needs root,
 * as the rest of the test suite (the lab) does.
 */
function tinyExt4(base: string): FullDisk {
  const image = join(base, 'ext4.img');
  const dir = join(base, 'ext4');
  mkdirSync(dir);
  for (const [command, ...args] of [['truncate', '-s', '16M', image], ['mkfs.ext4', '-q', '-F', image], ['mount', '-o', 'loop', image, dir]] as const) {
    const run = spawnSync(command, args, { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (this test needs root and loop devices): ${run.stderr || run.error?.message}`);
  }
  // 64 KiB blocks fill it to within 64 KiB: no room for a 4 MiB chunk.
  return mountedFullDisk(dir, 64 * 1024);
}

/** ENOSPC injected into every FileHandle write (chunk files use writev, manifests writeFile, exports write). */
async function simulatedFullDisk(base: string): Promise<FullDisk> {
  const probe = await open(fileURLToPath(import.meta.url), 'r');
  const proto = Object.getPrototypeOf(probe) as FileHandle;
  await probe.close();
  const dir = join(base, 'simulated');
  mkdirSync(dir);
  return {
    dir,
    exhaust: async () => {
      for (const method of ['write', 'writev', 'writeFile'] as const) vi.spyOn(proto, method).mockRejectedValue(enospc());
    },
    restore: async () => {
      vi.restoreAllMocks();
    },
    dispose: async () => {
      vi.restoreAllMocks();
    },
  };
}

describe('out of space', () => {
  let temp: ReturnType<typeof makeTempDir>;
  beforeEach(() => (temp = makeTempDir('enospc')));
  afterEach(() => {
    vi.restoreAllMocks();
    temp.remove();
  });

  async function scenario(disk: FullDisk): Promise<void> {
    const deps = { clock: manualClock(), logger: silentLogger() };
    let repo = await Repository.init(join(disk.dir, 'repo'), { ...deps, writer: true });
    const chunkSize = repo.config.chunkSize;
    const imageA = Buffer.concat([seededBytes('A', 2 * MiB), Buffer.alloc(MiB)]);
    const resultA = await storeImage(repo, imageA);
    const pointA = buildManifest({ createdAt: new Date('2025-03-01T00:00:00Z'), disks: [{ target: 'vda', capacityBytes: imageA.length, chunkSize, result: resultA }] });
    await repo.points.write(pointA);
    const vmFolder = join(repo.path, 'points', CLUSTER_ID, VM_UUID);
    const manifestsBefore = readdirSync(vmFolder);

    await disk.exhaust();

    // 1. A chunk write.
    const imageB = seededBytes('B', 4 * MiB + 100);
    const chunkError = await storeImage(repo, imageB).catch((e: unknown) => e);
    expect(chunkError).toBeInstanceOf(OutOfSpaceError);
    expect((chunkError as OutOfSpaceError).path).toMatch(/\/chunks\/[0-9a-f]{2}\/[0-9a-f]{64}$/);
    expect((chunkError as OutOfSpaceError).code).toBe('out-of-space');
    expect(readdirSync(join(repo.path, 'tmp'))).toEqual([]);
    for (const id of resultA.chunks) if (id !== null) expect((await repo.chunks.get(id)).length).toBeGreaterThan(0);

    // 2. A manifest write (its chunks exist: the same disk again, a day later).
    const pointC = buildManifest({ createdAt: new Date('2025-03-02T00:00:00Z'), disks: [{ target: 'vda', capacityBytes: imageA.length, chunkSize, result: resultA }] });
    const manifestError = await repo.points.write(pointC).catch((e: unknown) => e);
    expect(manifestError).toBeInstanceOf(OutOfSpaceError);
    expect((manifestError as OutOfSpaceError).path).toContain(`${VM_UUID}/20250302T000000000Z-`);
    expect(readdirSync(vmFolder)).toEqual(manifestsBefore);

    // 3. An export onto the full file system.
    const exportError = await repo.exportDisk(pointA, 'vda', join(disk.dir, 'a.raw'), { format: 'raw' }).catch((e: unknown) => e);
    expect(exportError).toBeInstanceOf(OutOfSpaceError);
    expect((exportError as OutOfSpaceError).path).toBe(join(disk.dir, 'a.raw'));
    expect(readdirSync(disk.dir).filter((name) => name !== 'filler')).toEqual(['repo']);

    await disk.restore();
    await repo.close();

    // The repository opens as it was: point A only, intact.
    repo = await Repository.open(join(disk.dir, 'repo'), { ...deps, writer: true });
    const listing = await repo.points.list();
    expect(listing.damaged).toEqual([]);
    expect(listing.points.map((p) => p.id)).toEqual([pointA.id]);
    const out = join(temp.dir, 'a.raw');
    await repo.exportDisk(await repo.points.read(pointA.id), 'vda', out, { format: 'raw' });
    expect(sha256(readFileSync(out))).toBe(sha256(imageA));

    // And with room again, the backup that failed goes through.
    const resultB = await storeImage(repo, imageB);
    const pointB = buildManifest({ createdAt: new Date('2025-03-03T00:00:00Z'), disks: [{ target: 'vda', capacityBytes: imageB.length, chunkSize, result: resultB }] });
    await repo.points.write(pointB);
    const outB = join(temp.dir, 'b.raw');
    await repo.exportDisk(pointB, 'vda', outB, { format: 'raw' });
    expect(sha256(readFileSync(outB))).toBe(sha256(imageB));
    await repo.close();
  }

  it('on a full file system (an 8 MiB tmpfs when running as root on Linux, else injected ENOSPC)', async () => {
    const disk = tinyTmpfs(temp.dir) ?? (await simulatedFullDisk(temp.dir));
    try {
      await scenario(disk);
    } finally {
      await disk.dispose();
    }
  });

  it('writing a raw chunk with direct I/O from a backup buffer, on a full 16 MiB ext4', async () => {
    const disk = tinyExt4(temp.dir);
    try {
      const repo = await Repository.init(join(disk.dir, 'repo'), { clock: manualClock(), logger: silentLogger(), writer: true });
      try {
        const chunk = (seed: string): Buffer => {
          const buffer = allocateChunkBuffer(repo.config.chunkSize);
          buffer.set(seededBytes(seed, repo.config.chunkSize));
          return buffer;
        };
        const first = chunk('first');
        expect(await repo.chunks.put(first)).toMatchObject({ id: sha256(first), stored: true });
        await disk.exhaust();
        const second = chunk('second');
        const error = await repo.chunks.put(second).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(OutOfSpaceError);
        expect((error as OutOfSpaceError).path).toBe(repo.chunks.pathOf(sha256(second)));
        expect(readdirSync(join(repo.path, 'tmp'))).toEqual([]);
        expect(await repo.chunks.has(sha256(second))).toBe(false);
        expect((await repo.chunks.get(sha256(first))).equals(first)).toBe(true);
        await disk.restore();
        expect(await repo.chunks.put(second)).toMatchObject({ id: sha256(second), stored: true });
        expect((await repo.chunks.get(sha256(second))).equals(second)).toBe(true);
        expect(repo.chunks.directWrites).toBe(2);
      } finally {
        await repo.close();
      }
    } finally {
      await disk.dispose();
    }
  });

  it('with ENOSPC injected into the writes', async () => {
    const disk = await simulatedFullDisk(temp.dir);
    try {
      await scenario(disk);
    } finally {
      await disk.dispose();
    }
  });
});
