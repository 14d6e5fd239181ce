// Restore point manifests: written last and atomically, listed per VM, validated on every read, and damaged
// ones reported by path instead of being skipped.
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ChunkMissingError,
  ManifestDamagedError,
  ManifestInvalidError,
  PointNotFoundError,
  Repository,
  WriterLockError,
  manifestRelativePath,
  sumDiskStats,
  type Manifest,
} from '../../../electron/engine/repository/index.js';
import { createMemoryLogger } from '../../support/logger.js';
import { makeTempDir } from '../../support/temp.js';
import { CLUSTER_ID, MiB, VM_UUID, buildManifest, listTree, manualClock, seededBytes, storeImage } from './support.js';

const OTHER_VM = 'b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e';
const OTHER_CLUSTER = 'c2d3e4f5-a6b7-4c8d-9e0f-1a2b3c4d5e6f';

describe('PointStore', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let repo: Repository;
  let log: ReturnType<typeof createMemoryLogger>;
  const chunkSize = 64 * 1024;
  beforeEach(async () => {
    temp = makeTempDir('points');
    log = createMemoryLogger();
    repo = await Repository.init(join(temp.dir, 'repo'), { clock: manualClock(), logger: log.logger, writer: true, chunkSize });
  });
  afterEach(async () => {
    await repo.close();
    temp.remove();
  });

  /** A small point whose chunks are stored; `day` orders points in time. */
  async function point(day: number, options: { vmUuid?: string; seed?: string } = {}): Promise<Manifest> {
    const image = seededBytes(options.seed ?? `point-${day}`, 3 * chunkSize + 100);
    image.fill(0, chunkSize, 2 * chunkSize);
    const result = await storeImage(repo, image);
    return buildManifest({
      createdAt: new Date(Date.UTC(2025, 2, day, 22, 0, 0)),
      ...(options.vmUuid === undefined ? {} : { vmUuid: options.vmUuid }),
      disks: [{ target: 'vda', capacityBytes: image.length, chunkSize, result }],
    });
  }

  it('writes a manifest at points/<cluster>/<vm>/<time>-<short id>.json and reads it back', async () => {
    const m = await point(1);
    const { path } = await repo.points.write(m);
    expect(path).toBe(`points/${CLUSTER_ID}/${VM_UUID}/20250301T220000000Z-${m.id.slice(0, 8)}.json`);
    expect(path).toBe(manifestRelativePath(m));
    expect(JSON.parse(readFileSync(join(repo.path, path), 'utf8'))).toEqual(m);
    expect(await repo.points.read(m.id)).toEqual(m);
    const { points, damaged } = await repo.points.list();
    expect(damaged).toEqual([]);
    expect(points).toHaveLength(1);
    expect(points[0]).toMatchObject({ id: m.id, path, type: 'full', vm: m.vm, stats: m.stats });
    expect(points[0]?.disks).toEqual([{ target: 'vda', format: 'qcow2', capacityBytes: 3 * chunkSize + 100, chunkSize, chunkCount: 4, stats: m.disks[0]?.stats }]);
    await expect(repo.points.read('00000000-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(PointNotFoundError);
    // No temp file left beside it.
    expect(readdirSync(dirname(join(repo.path, path)))).toEqual([path.split('/').pop()]);
  });

  it('lists by cluster and VM, oldest first, and finds the latest point of a VM', async () => {
    const a3 = await point(3);
    const a1 = await point(1);
    const b2 = await point(2, { vmUuid: OTHER_VM });
    for (const m of [a3, a1, b2]) await repo.points.write(m);
    const c = buildManifest({ createdAt: new Date(Date.UTC(2025, 2, 4)), disks: [] });
    c.vm.clusterId = OTHER_CLUSTER;
    await repo.points.write(c);

    expect((await repo.points.list()).points.map((p) => p.id)).toEqual([a1.id, b2.id, a3.id, c.id]);
    expect((await repo.points.list({ clusterId: CLUSTER_ID })).points.map((p) => p.id)).toEqual([a1.id, b2.id, a3.id]);
    expect((await repo.points.list({ clusterId: CLUSTER_ID, vmUuid: VM_UUID })).points.map((p) => p.id)).toEqual([a1.id, a3.id]);
    expect((await repo.points.list({ vmUuid: OTHER_VM })).points.map((p) => p.id)).toEqual([b2.id]);
    expect((await repo.points.latestFor({ clusterId: CLUSTER_ID, vmUuid: VM_UUID }))?.id).toBe(a3.id);
    expect((await repo.points.latestFor({ clusterId: OTHER_CLUSTER, vmUuid: VM_UUID }))?.id).toBe(c.id);
    expect(await repo.points.latestFor({ clusterId: OTHER_CLUSTER, vmUuid: OTHER_VM })).toBeNull();
    await expect(repo.points.list({ clusterId: '../..' })).rejects.toThrow(RangeError);
  });

  it('refuses a manifest that breaks the format, naming the field, and writes nothing', async () => {
    const good = await point(1);
    const disk = good.disks[0];
    if (!disk) throw new Error('no disk');
    const bigChunks = { ...disk, chunkSize: 4 * MiB, chunks: [disk.chunks[0] ?? null], stats: { ...disk.stats, chunksZero: 0, chunksNew: 1, chunksReused: 0 } };
    const cases: Array<[string, Manifest, RegExp]> = [
      ['chunk count', { ...good, disks: [{ ...disk, chunks: disk.chunks.slice(1) }] }, /disks\.0\.chunks: has 3 entries.*needs 4/],
      ['zero count', { ...good, disks: [{ ...disk, stats: { ...disk.stats, chunksZero: 0 } }] }, /chunksZero: is 0 but 1 chunks are null/],
      ['point stats', { ...good, stats: { ...good.stats, bytesRead: 1 } }, /stats\.bytesRead: is 1 but the disks add up to/],
      ['chunk id', { ...good, disks: [{ ...disk, chunks: ['XYZ', ...disk.chunks.slice(1)] }] }, /disks\.0\.chunks\.0: must be a lowercase hex SHA-256/],
      ['vm uuid', { ...good, vm: { ...good.vm, vmUuid: '../../etc' } }, /vm\.vmUuid: must be a lowercase UUID/],
      ['incremental without parent', { ...good, type: 'incremental' }, /parentPointId: is required for an incremental/],
      ['times', { ...good, completedAt: '2025-01-01T00:00:00.000Z' }, /completedAt: is before createdAt/],
      ['duplicate disks', { ...good, disks: [disk, disk], stats: { ...good.stats } }, /vda appears twice/],
      ['chunk size', { ...good, disks: [bigChunks], stats: sumDiskStats([bigChunks]) }, /disk vda has chunk size 4194304; this repository uses 65536/],
    ];
    for (const [what, manifest, message] of cases) {
      const error = await repo.points.write(manifest).catch((e: unknown) => e);
      expect(error, what).toBeInstanceOf(ManifestInvalidError);
      expect((error as Error).message, what).toMatch(message);
    }
    expect(listTree(join(repo.path, 'points'))).toEqual([]);
  });

  it('refuses a manifest that references a chunk the repository does not have', async () => {
    const m = await point(1);
    const missing = m.disks[0]?.chunks[0];
    if (!missing) throw new Error('expected a stored chunk');
    rmSync(repo.chunks.pathOf(missing));
    await expect(repo.points.write(m)).rejects.toMatchObject({ constructor: ChunkMissingError, chunkId: missing });
    expect(listTree(join(repo.path, 'points'))).toEqual([]);
  });

  it('needs the writer lock to write', async () => {
    const m = await point(1);
    const reader = await Repository.open(repo.path, { clock: manualClock(), logger: log.logger });
    await expect(reader.points.write(m)).rejects.toBeInstanceOf(WriterLockError);
  });

  it('reports damaged manifests by path, with what is wrong, and keeps listing the rest', async () => {
    const good = await point(1);
    await repo.points.write(good);
    const folder = join(repo.path, 'points', CLUSTER_ID, VM_UUID);

    const cut = await point(2);
    const cutPath = join(repo.path, manifestRelativePath(cut));
    writeFileSync(cutPath, JSON.stringify(cut).slice(0, 200));

    const invalid = await point(3);
    writeFileSync(join(repo.path, manifestRelativePath(invalid)), JSON.stringify({ ...invalid, configXml: '' }));

    const newer = await point(4);
    writeFileSync(join(repo.path, manifestRelativePath(newer)), JSON.stringify({ format: 'lifeboat-restore-point', version: 2, id: newer.id, anything: true }));

    const moved = await point(5, { vmUuid: OTHER_VM });
    const movedName = manifestRelativePath(moved).split('/').pop() ?? '';
    writeFileSync(join(folder, movedName), JSON.stringify(moved));

    // A temp file from an interrupted write, and OS litter: not points, not damage.
    writeFileSync(join(folder, `.tmp-${movedName}.a1b2c3`), '{"form');
    writeFileSync(join(folder, '.DS_Store'), 'x');

    const { points, damaged } = await repo.points.list();
    expect(points.map((p) => p.id)).toEqual([good.id]);
    expect(damaged.map((d) => [d.path.split('/').pop(), d.damage])).toEqual(
      [
        [manifestRelativePath(cut).split('/').pop(), 'unreadable'],
        [manifestRelativePath(invalid).split('/').pop(), 'invalid'],
        [manifestRelativePath(newer).split('/').pop(), 'newer-version'],
        [movedName, 'misplaced'],
      ].sort((a, b) => ((a[0] ?? '') < (b[0] ?? '') ? -1 : 1)),
    );
    const invalidReport = damaged.find((d) => d.damage === 'invalid');
    expect(invalidReport?.path).toBe(manifestRelativePath(invalid));
    expect(invalidReport?.problems.join()).toMatch(/configXml/);
    expect(invalidReport?.message).toContain(manifestRelativePath(invalid));
    expect(damaged.find((d) => d.damage === 'newer-version')?.problems.join()).toMatch(/manifest version 2/);
    // Each one was logged.
    expect(log.records.filter((r) => r.message === 'Damaged restore point manifest')).toHaveLength(4);

    // Reading a damaged point by id names its file; latestFor passes over the damaged newer ones.
    await expect(repo.points.read(invalid.id)).rejects.toBeInstanceOf(ManifestDamagedError);
    expect((await repo.points.latestFor({ clusterId: CLUSTER_ID, vmUuid: VM_UUID }))?.id).toBe(good.id);
  });

  it('a crash while writing a manifest leaves only a temp file: not listed, removed by the next writer', async () => {
    const kept = await point(1);
    await repo.points.write(kept);
    const lost = await point(2);
    const target = join(repo.path, manifestRelativePath(lost));
    const tempFile = join(dirname(target), `.tmp-${target.split('/').pop() ?? ''}.deadbeef0001`);
    writeFileSync(tempFile, JSON.stringify(lost, null, 2).slice(0, 500));
    // A chunk temp file from the same crash.
    writeFileSync(join(repo.path, 'tmp', `chunk-${'ab'.repeat(32)}.c0ffee000001`), seededBytes('partial', 1000));
    await repo.close();

    const reader = await Repository.open(repo.path, { clock: manualClock(), logger: log.logger });
    expect((await reader.points.list()).points.map((p) => p.id)).toEqual([kept.id]);
    expect((await reader.points.list()).damaged).toEqual([]);
    expect(readdirSync(dirname(target))).toContain(tempFile.split('/').pop());

    repo = await Repository.open(repo.path, { clock: manualClock(), logger: log.logger, writer: true });
    expect(readdirSync(dirname(target))).toEqual([manifestRelativePath(kept).split('/').pop()]);
    expect(readdirSync(join(repo.path, 'tmp'))).toEqual([]);
    expect(log.records.some((r) => r.message === 'Removed temp files left by an interrupted write' && r.fields['count'] === 2)).toBe(true);
    expect((await repo.points.list()).points.map((p) => p.id)).toEqual([kept.id]);
  });

  it('refuses to overwrite a stored point', async () => {
    const m = await point(1);
    await repo.points.write(m);
    await expect(repo.points.write(m)).rejects.toThrow(/already stored/);
  });

  it('ignores folders that are not ids, with a warning', async () => {
    mkdirSync(join(repo.path, 'points', 'not-a-cluster'), { recursive: true });
    const m = await point(1);
    await repo.points.write(m);
    expect((await repo.points.list()).points).toHaveLength(1);
    expect(log.records.some((r) => r.message.startsWith('Ignoring a folder'))).toBe(true);
  });
});
