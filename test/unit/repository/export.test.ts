// Restore-side: a point's disk exported as a raw image is byte-identical to what was backed up, sparse where
// the disk was zero, and a damaged chunk stops the export with an error naming the point, disk and offset.
import { createReadStream, existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DiskNotFoundError, PointDataError, Repository, type Manifest } from '../../../electron/engine/repository/index.js';
import { makeTempDir } from '../../support/temp.js';
import { MiB, buildManifest, compressibleBytes, manualClock, seededBytes, sha256, shuffled, silentLogger, storeImage } from './support.js';

const CHUNK = 4 * MiB;

function fileSha256(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (data) => hash.update(data))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/**
 * 40 MiB and a bit: random regions at unaligned offsets, whole zero chunks, zero runs inside chunks, a
 * compressible stretch, a chunk repeated elsewhere, and a short last chunk. Returns the image and how many of
 * its 4 KiB blocks hold data (what a sparse export must allocate, at most).
 */
function syntheticDisk(): { image: Buffer; dataBlocks: number } {
  const image = Buffer.alloc(40 * MiB + 12_345);
  seededBytes('r1', 5 * MiB + 300).copy(image, 100); // chunks 0-1, unaligned
  compressibleBytes('c1', 6 * MiB).copy(image, 9 * MiB + 17); // chunks 2-3
  seededBytes('r2', 64 * 1024).copy(image, 18 * MiB); // chunk 4: mostly zero
  seededBytes('r3', 3 * MiB).copy(image, 27 * MiB - 1); // chunk 6: crosses into 7
  image.copy(image, 32 * MiB, 0, CHUNK); // chunk 8 = chunk 0
  seededBytes('tail', 12_345).copy(image, 40 * MiB); // chunk 10, short
  // Chunks 5 and 9 stay all zero.
  let dataBlocks = 0;
  const zeroBlock = Buffer.alloc(4096);
  for (let at = 0; at < image.length; at += 4096) {
    const block = image.subarray(at, at + 4096);
    if (!block.equals(zeroBlock.subarray(0, block.length))) dataBlocks += 1;
  }
  return { image, dataBlocks };
}

describe('exportDisk', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let repo: Repository;
  beforeEach(async () => {
    temp = makeTempDir('export');
    repo = await Repository.init(join(temp.dir, 'repo'), { clock: manualClock(), logger: silentLogger(), writer: true });
  });
  afterEach(async () => {
    await repo.close();
    temp.remove();
  });

  async function storePoint(image: Buffer, options: { base?: (string | null)[]; order?: number[]; createdAt?: Date } = {}): Promise<Manifest> {
    const result = await storeImage(repo, image, { ...options, concurrency: 4 });
    const manifest = buildManifest({ ...(options.createdAt ? { createdAt: options.createdAt } : {}), disks: [{ target: 'vda', capacityBytes: image.length, chunkSize: CHUNK, result }] });
    await repo.points.write(manifest);
    return manifest;
  }

  it('rebuilds a 40 MiB disk bit for bit, sparse where it was zero', async () => {
    const { image, dataBlocks } = syntheticDisk();
    const stored = await storePoint(image, { order: shuffled(Array.from({ length: 11 }, (_, i) => i), 40) });
    expect(stored.disks[0]?.chunks.map((id) => (id === null ? 0 : 1))).toEqual([1, 1, 1, 1, 1, 0, 1, 1, 1, 0, 1]);
    expect(stored.disks[0]?.chunks[8]).toBe(stored.disks[0]?.chunks[0]);
    expect(stored.disks[0]?.stats).toMatchObject({ chunksNew: 8, chunksReused: 1, chunksZero: 2, bytesRead: image.length });

    // A fresh reader, as a restore on another machine would be.
    const reader = await Repository.open(repo.path, { clock: manualClock(), logger: silentLogger() });
    const point = await reader.points.read(stored.id);
    const out = join(temp.dir, 'vda.raw');
    const progress: number[] = [];
    const result = await reader.exportDisk(point, 'vda', out, { format: 'raw', onProgress: (p) => progress.push(p.bytesDone) });

    expect(statSync(out).size).toBe(image.length);
    expect(await fileSha256(out)).toBe(sha256(image));
    expect(result).toMatchObject({ path: out, capacityBytes: image.length, chunksRead: 9, chunksZero: 2 });
    expect(result.bytesWritten).toBeLessThanOrEqual(dataBlocks * 4096);
    expect(progress.at(-1)).toBe(image.length);
    // Sparse: allocated blocks cover the data blocks, not the zero chunks or zero runs.
    const allocated = statSync(out).blocks * 512;
    expect(allocated).toBeLessThan(dataBlocks * 4096 + MiB);
    expect(allocated).toBeLessThan(image.length * 0.6);
    // Nothing else beside the output.
    expect(readdirSync(temp.dir).sort()).toEqual(['repo', 'vda.raw']);
  });

  it('exports an incremental point (built from its parent list) as the full changed disk', async () => {
    const { image } = syntheticDisk();
    const parent = await storePoint(image, { createdAt: new Date('2025-03-01T00:00:00Z') });
    const changed = Buffer.from(image);
    seededBytes('changed', 1000).copy(changed, 21 * MiB); // chunk 5, zero before
    changed.fill(0, 0, CHUNK); // chunk 0 now zero
    const base = parent.disks[0]?.chunks ?? [];
    const writer = repo.createDiskImageWriter({ capacityBytes: changed.length, base });
    for (const index of [0, 5]) await writer.write(index, changed.subarray(index * CHUNK, (index + 1) * CHUNK));
    const result = await writer.finish();
    const child = buildManifest({
      type: 'incremental',
      parentPointId: parent.id,
      createdAt: new Date('2025-03-02T00:00:00Z'),
      disks: [{ target: 'vda', capacityBytes: changed.length, chunkSize: CHUNK, result }],
    });
    await repo.points.write(child);
    const out = join(temp.dir, 'incremental.raw');
    await repo.exportDisk(await repo.points.read(child.id), 'vda', out, { format: 'raw' });
    expect(await fileSha256(out)).toBe(sha256(changed));
    const parentOut = join(temp.dir, 'parent.raw');
    await repo.exportDisk(parent, 'vda', parentOut, { format: 'raw' });
    expect(await fileSha256(parentOut)).toBe(sha256(image));
  });

  it('stops at a corrupt chunk naming point, disk and offset, and leaves no output behind', async () => {
    const { image } = syntheticDisk();
    const point = await storePoint(image);
    const bad = point.disks[0]?.chunks[6];
    if (!bad) throw new Error('expected a chunk in slot 6');
    const file = repo.chunks.pathOf(bad);
    const bytes = readFileSync(file);
    bytes[bytes.length - 100] = (bytes[bytes.length - 100] ?? 0) ^ 0xff;
    writeFileSync(file, bytes);

    const out = join(temp.dir, 'broken.raw');
    const error = await repo.exportDisk(point, 'vda', out, { format: 'raw', concurrency: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PointDataError);
    expect(error).toMatchObject({ pointId: point.id, target: 'vda', offset: 6 * CHUNK, chunkIndex: 6, chunkId: bad });
    expect((error as Error).message).toContain(`Restore point ${point.id}, disk vda: bad chunk ${bad} at offset ${6 * CHUNK}`);
    expect((error as Error).message).toContain(file);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(temp.dir)).toEqual(['repo']);
  });

  it('refuses an unknown disk and an existing target unless told to overwrite', async () => {
    const image = seededBytes('small', MiB);
    const point = await storePoint(image);
    await expect(repo.exportDisk(point, 'vdz', join(temp.dir, 'x.raw'), { format: 'raw' })).rejects.toBeInstanceOf(DiskNotFoundError);
    const out = join(temp.dir, 'exists.raw');
    writeFileSync(out, 'old');
    await expect(repo.exportDisk(point, 'vda', out, { format: 'raw' })).rejects.toThrow(/already exists/);
    await repo.exportDisk(point, 'vda', out, { format: 'raw', overwrite: true });
    expect(await fileSha256(out)).toBe(sha256(image));
  });

  it('stops when aborted, removing its temp file', async () => {
    const { image } = syntheticDisk();
    const point = await storePoint(image);
    const controller = new AbortController();
    const out = join(temp.dir, 'aborted.raw');
    const run = repo.exportDisk(point, 'vda', out, { format: 'raw', concurrency: 1, signal: controller.signal, onProgress: () => controller.abort() });
    await expect(run).rejects.toThrow(/abort/i);
    expect(readdirSync(temp.dir)).toEqual(['repo']);
  });
});
