// Prune, garbage collection and verify on real repositories (64 KiB chunks): prune deletes exactly the chosen
// manifests after logging each, GC frees exactly the chunks no manifest references and refuses when it cannot
// know that, verify names every damaged chunk with the points, disks and offsets that use it.
import { randomUUID } from 'node:crypto';
import { appendFileSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  GarbageCollectionRefusedError,
  ManifestDamagedError,
  PointDataError,
  PointNotFoundError,
  Repository,
  WriterLockError,
  chunkRelativePath,
  collectGarbage,
  prunePoints,
  verifyRepository,
  type ChunkUse,
  type GcProgress,
  type Manifest,
  type PruneLogLine,
  type VerifyProgress,
} from '../../../electron/engine/repository/index.js';
import type { Logger } from '../../../electron/engine/logging/logger.js';
import { createMemoryLogger } from '../../support/logger.js';
import { makeTempDir } from '../../support/temp.js';
import { CLUSTER_ID, VM_UUID, buildManifest, listTree, manualClock, seededBytes, sha256, silentLogger, storeImage } from './support.js';

const CHUNK = 64 * 1024;
const VM_B = 'b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e';

/** Slot contents by name: `zero`, or a seed for seeded random bytes (the same seed, the same chunk). */
function image(slots: readonly string[], lastSlotLength = CHUNK): Buffer {
  const out = Buffer.alloc((slots.length - 1) * CHUNK + lastSlotLength);
  for (const [i, slot] of slots.entries()) {
    if (slot !== 'zero') seededBytes(slot, i === slots.length - 1 ? lastSlotLength : CHUNK).copy(out, i * CHUNK);
  }
  return out;
}

const idsOf = (m: Manifest): Set<string> => new Set(m.disks.flatMap((d) => d.chunks.filter((id): id is string => id !== null)));
const union = (...sets: Set<string>[]): Set<string> => new Set(sets.flatMap((s) => [...s]));
/** Names of the chunk files under chunks/ (anything else there is not a chunk). */
const chunkFiles = (root: string): Set<string> => new Set(listTree(join(root, 'chunks')).flatMap((p) => p.split('/')[1]?.match(/^[0-9a-f]{64}$/) ?? []));

describe('prune, GC and verify', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let repo: Repository;
  let clock: ReturnType<typeof manualClock>;
  let log: ReturnType<typeof createMemoryLogger>;
  /** The points the tests start from, and the disk images they hold. */
  let a1: Manifest, a2: Manifest, b1: Manifest;
  const images = new Map<string, Buffer>();

  beforeEach(async () => {
    temp = makeTempDir('prune-gc');
    clock = manualClock(new Date('2025-06-01T12:00:00.000Z'));
    log = createMemoryLogger();
    repo = await Repository.init(join(temp.dir, 'repo'), { clock, logger: log.logger, writer: true, chunkSize: CHUNK });
    images.clear();
    // VM A: a full point, then an incremental that changes slot 3; chunk "shared" is also in VM B's disk.
    a1 = await storePoint(image(['a1-0', 'zero', 'shared', 'a1-3', 'a1-4'], 1000), { day: 1 });
    a2 = await storePoint(image(['a1-0', 'zero', 'shared', 'a2-3', 'a1-4'], 1000), { day: 2, parent: a1 });
    // VM B: the shared chunk at offset 0, and one chunk twice in the same disk.
    b1 = await storePoint(image(['shared', 'b1-1', 'b1-1']), { day: 2, vmUuid: VM_B, vmName: 'db-01' });
  });
  afterEach(async () => {
    await repo.close();
    temp.remove();
  });

  async function storePoint(bytes: Buffer, options: { day: number; vmUuid?: string; vmName?: string; parent?: Manifest }): Promise<Manifest> {
    const result = await storeImage(repo, bytes, options.parent ? { base: options.parent.disks[0]!.chunks } : {});
    const manifest = buildManifest({
      createdAt: new Date(Date.UTC(2025, 4, options.day, 22)),
      ...(options.vmUuid ? { vmUuid: options.vmUuid } : {}),
      ...(options.vmName ? { vmName: options.vmName } : {}),
      ...(options.parent ? { type: 'incremental' as const, parentPointId: options.parent.id } : {}),
      disks: [{ target: 'vda', capacityBytes: bytes.length, chunkSize: CHUNK, result }],
    });
    await repo.points.write(manifest);
    images.set(manifest.id, bytes);
    return manifest;
  }

  async function exportsExactly(reader: Repository, point: Manifest): Promise<void> {
    const out = join(temp.dir, `${point.id}.raw`);
    await reader.exportDisk(await reader.points.read(point.id), 'vda', out, { format: 'raw', overwrite: true });
    expect(sha256(readFileSync(out)), `point ${point.id}`).toBe(sha256(images.get(point.id)!));
  }

  const manifestFile = (m: Manifest): string => join(repo.path, 'points', m.vm.clusterId, m.vm.vmUuid, readdirSync(join(repo.path, 'points', m.vm.clusterId, m.vm.vmUuid)).find((n) => n.endsWith(`-${m.id.slice(0, 8)}.json`))!);
  const pruneLog = (): PruneLogLine[] =>
    readFileSync(join(repo.path, 'prunes.log'), 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as PruneLogLine);
  const openReader = (): Promise<Repository> => Repository.open(repo.path, { clock: manualClock(), logger: silentLogger() });

  describe('prunePoints', () => {
    it('removes exactly the chosen manifests, logging each first, and leaves the rest byte-identical and exportable', async () => {
      const keptManifest = sha256(readFileSync(manifestFile(a2)));
      const chunksBefore = listTree(join(repo.path, 'chunks'));
      clock.set(new Date('2025-06-02T03:04:05.678Z'));
      const result = await prunePoints(repo, [a1.id, b1.id, a1.id], { reason: 'retention keepLast 1', logger: log.logger });

      expect(result.removed).toEqual([
        { pointId: a1.id, path: `points/${CLUSTER_ID}/${VM_UUID}/20250501T220000000Z-${a1.id.slice(0, 8)}.json`, vm: a1.vm, createdAt: a1.createdAt },
        { pointId: b1.id, path: `points/${CLUSTER_ID}/${VM_B}/20250502T220000000Z-${b1.id.slice(0, 8)}.json`, vm: b1.vm, createdAt: b1.createdAt },
      ]);
      const lock = repo.writerLock!.holder;
      expect(pruneLog()).toEqual(
        result.removed.map((r) => ({ time: '2025-06-02T03:04:05.678Z', ...r, reason: 'retention keepLast 1', by: { hostname: hostname(), pid: process.pid, lockId: lock.id } })),
      );
      for (const line of pruneLog()) expect(Object.keys(line)).toEqual(['time', 'pointId', 'path', 'vm', 'createdAt', 'reason', 'by']);

      const reader = await openReader();
      const listing = await reader.points.list();
      expect(listing.damaged).toEqual([]);
      expect(listing.points.map((p) => p.id)).toEqual([a2.id]);
      expect(sha256(readFileSync(manifestFile(a2)))).toBe(keptManifest);
      await exportsExactly(reader, a2);
      // Chunks are GC's business: prune touched none.
      expect(listTree(join(repo.path, 'chunks'))).toEqual(chunksBefore);
      expect(log.records.filter((r) => r.message === 'Pruned restore point').map((r) => r.fields['pointId'])).toEqual([a1.id, b1.id]);
    });

    it('refuses an unknown id before deleting anything', async () => {
      const unknown = randomUUID();
      await expect(prunePoints(repo, [a1.id, unknown], { reason: 'by hand', logger: log.logger })).rejects.toThrow(PointNotFoundError);
      await expect(prunePoints(repo, [a1.id, unknown], { reason: 'by hand', logger: log.logger })).rejects.toThrow(`No restore point with id ${unknown}`);
      expect((await repo.points.list()).points).toHaveLength(3);
      expect(pruneLog()).toEqual([]);
    });

    it('says so when the id may be that of a damaged manifest', async () => {
      writeFileSync(manifestFile(b1), '{"format": "lifeboat-restore-point", "vers');
      const error = await prunePoints(repo, [b1.id], { reason: 'by hand', logger: log.logger }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ManifestDamagedError);
      expect((error as ManifestDamagedError).message).toContain(`it may be restore point ${b1.id}`);
      expect(pruneLog()).toEqual([]);
    });

    it('needs the writer lock', async () => {
      const reader = await openReader();
      await expect(prunePoints(reader, [a1.id], { reason: 'by hand', logger: log.logger })).rejects.toThrow(WriterLockError);
      expect((await reader.points.list()).points).toHaveLength(3);
      expect(pruneLog()).toEqual([]);
    });

    it('stops between points when aborted; what it pruned stays pruned and logged', async () => {
      const abort = new AbortController();
      const logger: Logger = {
        ...silentLogger(),
        info: (message) => {
          if (message === 'Pruned restore point') abort.abort(new Error('stopped by the user'));
        },
        child: () => logger,
      };
      await expect(prunePoints(repo, [a1.id, b1.id], { reason: 'by hand', logger, signal: abort.signal })).rejects.toThrow('stopped by the user');
      expect((await repo.points.list()).points.map((p) => p.id).sort()).toEqual([a2.id, b1.id].sort());
      expect(pruneLog().map((l) => l.pointId)).toEqual([a1.id]);
    });

    it('handles a crash between the log line and the unlink as the spec says: the point is intact and the next prune prunes it', async () => {
      // The state a crash leaves: the line is durable, the manifest was never unlinked.
      const file = manifestFile(a1);
      const bytes = readFileSync(file);
      await prunePoints(repo, [a1.id], { reason: 'retention', logger: log.logger });
      writeFileSync(file, bytes);

      const reader = await openReader();
      expect((await reader.points.list()).points.map((p) => p.id)).toContain(a1.id);
      await exportsExactly(reader, a1);
      // GC treats it as the live point it is.
      await collectGarbage(repo, { logger: log.logger });
      expect(chunkFiles(repo.path)).toEqual(union(idsOf(a1), idsOf(a2), idsOf(b1)));
      expect((await verifyRepository(reader, { logger: silentLogger() })).badChunks).toEqual([]);

      await prunePoints(repo, [a1.id], { reason: 'retention', logger: log.logger });
      expect(pruneLog().map((l) => l.pointId)).toEqual([a1.id, a1.id]);
      expect((await reader.points.list()).points.map((p) => p.id)).not.toContain(a1.id);
    });

    it('starts a fresh line after a line a killed writer cut short', async () => {
      appendFileSync(join(repo.path, 'prunes.log'), '{"time":"2025-06-01T00:00:00.000Z","pointId":"0b7d');
      await prunePoints(repo, [a1.id], { reason: 'retention', logger: log.logger });
      const lines = readFileSync(join(repo.path, 'prunes.log'), 'utf8').split('\n');
      expect(lines).toHaveLength(3);
      expect(lines[0]).toBe('{"time":"2025-06-01T00:00:00.000Z","pointId":"0b7d');
      expect((JSON.parse(lines[1]!) as PruneLogLine).pointId).toBe(a1.id);
      expect(lines[2]).toBe('');
    });
  });

  describe('collectGarbage', () => {
    it('removes only the chunks no manifest references, keeps shared ones, and cleans temp files', async () => {
      await prunePoints(repo, [a1.id], { reason: 'retention', logger: log.logger });
      // An orphan from a backup that died before its manifest, temp files of interrupted writes, and a stray
      // file that is not a chunk.
      const orphan = await repo.chunks.put(seededBytes('orphan', CHUNK));
      writeFileSync(join(repo.path, 'tmp', `chunk-${'ab'.repeat(32)}.123456`), 'partial');
      writeFileSync(join(repo.path, 'points', CLUSTER_ID, VM_UUID, '.tmp-20250601T000000000Z-deadbeef.json.abc'), '{');
      const stray = join(repo.path, 'chunks', orphan.id!.slice(0, 2), 'notes.txt');
      writeFileSync(stray, 'mine');

      const live = union(idsOf(a2), idsOf(b1));
      const garbage = [...union(idsOf(a1), new Set([orphan.id!]))].filter((id) => !live.has(id));
      expect(garbage).toHaveLength(2); // a1's slot 3, and the orphan: everything else of a1 lives on in a2
      const garbageBytes = garbage.reduce((n, id) => n + statSync(join(repo.path, chunkRelativePath(id))).size, 0);

      const progress: GcProgress[] = [];
      const result = await collectGarbage(repo, { logger: log.logger, onProgress: (p) => progress.push({ ...p }), batchSize: 1 });
      expect(result).toEqual({ chunksTotal: live.size + 2, chunksReferenced: live.size, chunksMissing: 0, chunksRemoved: 2, bytesFreed: garbageBytes, tempFilesRemoved: 2 });
      expect(chunkFiles(repo.path)).toEqual(live);
      expect(readFileSync(stray, 'utf8')).toBe('mine');
      expect(readdirSync(join(repo.path, 'tmp'))).toEqual([]);
      expect(listTree(join(repo.path, 'points')).filter((p) => p.split('/').pop()!.startsWith('.'))).toEqual([]);
      expect(progress[0]).toEqual({ phase: 'marking', done: 0, total: 2 });
      expect(progress.filter((p) => p.phase === 'sweeping')).toEqual([
        { phase: 'sweeping', done: 0, total: 2 },
        { phase: 'sweeping', done: 1, total: 2 },
        { phase: 'sweeping', done: 2, total: 2 },
      ]);

      const reader = await openReader();
      await exportsExactly(reader, a2);
      await exportsExactly(reader, b1);
      // Nothing left to collect; the repository keeps working (a new backup may reuse an emptied folder).
      expect(await collectGarbage(repo, { logger: log.logger })).toMatchObject({ chunksRemoved: 0, bytesFreed: 0, chunksTotal: live.size });
      const again = await storePoint(image(['orphan', 'a1-3']), { day: 3 });
      await exportsExactly(reader, again);
    });

    it('refuses with a damaged manifest present, naming it, and deletes nothing', async () => {
      await prunePoints(repo, [a1.id], { reason: 'retention', logger: log.logger });
      const damaged = manifestFile(b1);
      writeFileSync(damaged, readFileSync(damaged).subarray(0, 100));
      const before = listTree(repo.path);

      const error = await collectGarbage(repo, { logger: log.logger }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GarbageCollectionRefusedError);
      const relative = `points/${CLUSTER_ID}/${VM_B}/20250502T220000000Z-${b1.id.slice(0, 8)}.json`;
      expect((error as GarbageCollectionRefusedError).damaged.map((d) => [d.path, d.damage])).toEqual([[relative, 'unreadable']]);
      expect((error as Error).message).toContain(`${relative} (unreadable)`);
      expect((error as Error).message).toMatch(/deleted nothing/);
      expect(listTree(repo.path)).toEqual(before);
      // A manifest from a newer Lifeboat is no better: its references are unknown too.
      writeFileSync(damaged, JSON.stringify({ format: 'lifeboat-restore-point', version: 2, chunks: 'elsewhere' }));
      expect(((await collectGarbage(repo, { logger: log.logger }).catch((e: unknown) => e)) as GarbageCollectionRefusedError).damaged[0]?.damage).toBe('newer-version');
      expect(listTree(repo.path)).toEqual(before);
    });

    it('refuses without the writer lock', async () => {
      await prunePoints(repo, [a1.id], { reason: 'retention', logger: log.logger });
      const reader = await openReader();
      const before = listTree(repo.path);
      await expect(collectGarbage(reader, { logger: log.logger })).rejects.toThrow(WriterLockError);
      expect(listTree(repo.path)).toEqual(before);
    });

    it('stops at the next batch when the lock is lost, and when aborted; a later run finishes the job', async () => {
      for (let i = 0; i < 5; i += 1) await repo.chunks.put(seededBytes(`orphan-${i}`, CHUNK));
      const live = union(idsOf(a1), idsOf(a2), idsOf(b1));
      expect(chunkFiles(repo.path).size).toBe(live.size + 5);

      const abort = new AbortController();
      const aborted = collectGarbage(repo, {
        logger: log.logger,
        batchSize: 2,
        signal: abort.signal,
        onProgress: (p) => p.phase === 'sweeping' && p.done === 2 && abort.abort(new Error('stopped by the user')),
      });
      await expect(aborted).rejects.toThrow('stopped by the user');
      expect(chunkFiles(repo.path).size).toBe(live.size + 3);

      // Another process broke our lock (it judged it stale) and took it: the sweep stops before its next batch.
      const lockPath = join(repo.path, 'locks', 'writer.lock');
      const stolen = (): void => writeFileSync(lockPath, JSON.stringify({ ...JSON.parse(readFileSync(lockPath, 'utf8')), id: randomUUID() }));
      const lost = collectGarbage(repo, { logger: log.logger, batchSize: 2, onProgress: (p) => p.phase === 'sweeping' && p.done === 2 && stolen() });
      await expect(lost).rejects.toThrow(WriterLockError);
      expect(chunkFiles(repo.path).size).toBe(live.size + 1);
      expect(repo.writerLock).toBeNull();
      expect(log.records.some((r) => r.level === 'error' && r.message === 'Lost the repository writer lock')).toBe(true);

      rmSync(lockPath);
      const writer = await Repository.open(repo.path, { clock, logger: silentLogger(), writer: true });
      expect((await collectGarbage(writer, { logger: log.logger })).chunksRemoved).toBe(1);
      expect(chunkFiles(repo.path)).toEqual(live);
      await writer.close();
    });

    it('counts referenced chunks that are missing, and still sweeps the garbage', async () => {
      const missing = b1.disks[0]!.chunks[1]!;
      rmSync(join(repo.path, chunkRelativePath(missing)));
      const orphan = await repo.chunks.put(seededBytes('orphan', 1000));
      const result = await collectGarbage(repo, { logger: log.logger });
      expect(result).toMatchObject({ chunksMissing: 1, chunksRemoved: 1 });
      expect(chunkFiles(repo.path).has(orphan.id!)).toBe(false);
      expect(log.records.find((r) => r.level === 'warn' && r.fields['chunksMissing'] === 1)).toBeDefined();
    });
  });

  describe('verifyRepository', () => {
    it('reads every referenced chunk once and finds nothing wrong in an intact repository, with no lock and no writes', async () => {
      const reader = await openReader();
      const before = listTree(repo.path);
      const progress: VerifyProgress[] = [];
      const result = await verifyRepository(reader, { logger: silentLogger(), onProgress: (p) => progress.push(p) });
      const ids = union(idsOf(a1), idsOf(a2), idsOf(b1));
      const bytes = [...ids].reduce((n, id) => n + (id === a1.disks[0]!.chunks[4] || id === a2.disks[0]!.chunks[4] ? 1000 : CHUNK), 0);
      expect(result).toEqual({ pointsChecked: 3, chunksChecked: ids.size, bytesChecked: bytes, badChunks: [], damagedManifests: [] });
      expect(progress[0]).toEqual({ done: 0, total: ids.size, bytesDone: 0 });
      expect(progress.at(-1)).toEqual({ done: ids.size, total: ids.size, bytesDone: bytes });
      expect(listTree(repo.path)).toEqual(before);
    });

    it('finds a flipped byte and a missing chunk, and names every point, disk and offset that uses them', async () => {
      const shared = b1.disks[0]!.chunks[0]!;
      const twice = b1.disks[0]!.chunks[1]!;
      const sharedFile = join(repo.path, chunkRelativePath(shared));
      const file = readFileSync(sharedFile);
      file.writeUInt8(file.readUInt8(file.length - 10) ^ 0x01, file.length - 10);
      writeFileSync(sharedFile, file);
      rmSync(join(repo.path, chunkRelativePath(twice)));

      const reader = await openReader();
      const result = await verifyRepository(reader, { logger: log.logger });
      const use = (m: Manifest, offset: number): ChunkUse => ({ pointId: m.id, clusterId: CLUSTER_ID, vmUuid: m.vm.vmUuid, vmName: m.vm.name, target: 'vda', offset });
      const byId = new Map(result.badChunks.map((c) => [c.chunkId, c]));
      expect(byId.get(shared)).toEqual({
        chunkId: shared,
        path: join(repo.path, chunkRelativePath(shared)),
        problem: 'corrupt',
        message: expect.stringMatching(new RegExp(`Chunk ${shared} is corrupt .*: (content hashes to|zstd data does not decompress)`)) as unknown,
        // Sorted by point id.
        points: [use(a1, 2 * CHUNK), use(a2, 2 * CHUNK), use(b1, 0)].sort((x, y) => (x.pointId < y.pointId ? -1 : 1)),
      });
      expect(byId.get(twice)).toEqual({
        chunkId: twice,
        path: join(repo.path, chunkRelativePath(twice)),
        problem: 'missing',
        message: `Chunk ${twice} is missing (${join(repo.path, chunkRelativePath(twice))})`,
        points: [use(b1, CHUNK), use(b1, 2 * CHUNK)],
      });
      expect(result.badChunks).toHaveLength(2);
      expect(result).toMatchObject({ pointsChecked: 3, chunksChecked: union(idsOf(a1), idsOf(a2), idsOf(b1)).size, damagedManifests: [] });
      expect(log.records.filter((r) => r.message === 'Damaged chunk')).toHaveLength(2);
      // What verify says is what a restore meets.
      await expect(reader.exportDisk(await reader.points.read(b1.id), 'vda', join(temp.dir, 'b1.raw'), { format: 'raw' })).rejects.toThrow(PointDataError);
    });

    it('reports damaged manifests by path and goes on checking the intact points', async () => {
      writeFileSync(manifestFile(a1), 'not json');
      const result = await verifyRepository(await openReader(), { logger: silentLogger() });
      expect(result.damagedManifests).toEqual([
        { path: `points/${CLUSTER_ID}/${VM_UUID}/20250501T220000000Z-${a1.id.slice(0, 8)}.json`, damage: 'unreadable', problems: [expect.stringContaining('JSON') as unknown] },
      ]);
      expect(result).toMatchObject({ pointsChecked: 2, chunksChecked: union(idsOf(a2), idsOf(b1)).size, badChunks: [] });
    });

    it('finds a slot that expects another length than its chunk has (the manifest is wrong, not the chunk)', async () => {
      // Slot 4 of a2's disk is 1000 bytes; a manifest that puts that short chunk in slot 0 passes the schema.
      const disk = a2.disks[0]!;
      const chunks = [disk.chunks[4]!, ...disk.chunks.slice(1)];
      const bad = buildManifest({ createdAt: new Date(Date.UTC(2025, 4, 9)), disks: [{ target: 'vda', capacityBytes: disk.capacityBytes, chunkSize: CHUNK, result: { chunks, stats: disk.stats } }] });
      await repo.points.write(bad);
      const result = await verifyRepository(await openReader(), { logger: silentLogger() });
      expect(result.badChunks).toEqual([]);
      expect(result.damagedManifests).toEqual([
        {
          path: `points/${CLUSTER_ID}/${VM_UUID}/20250509T000000000Z-${bad.id.slice(0, 8)}.json`,
          damage: 'invalid',
          problems: [`disk vda, chunk 0 (offset 0): chunk ${disk.chunks[4]} holds 1000 bytes, the slot ${CHUNK}`],
        },
      ]);
    });

    it('reads with bounded concurrency and stops when aborted', async () => {
      for (let day = 10; day < 14; day += 1) await storePoint(image([`c${day}-0`, `c${day}-1`, `c${day}-2`, `c${day}-3`]), { day });
      const reader = await openReader();
      let inFlight = 0;
      let most = 0;
      const get = reader.chunks.get.bind(reader.chunks);
      vi.spyOn(reader.chunks, 'get').mockImplementation(async (id) => {
        most = Math.max(most, ++inFlight);
        try {
          await new Promise((resolve) => setTimeout(resolve, 2));
          return await get(id);
        } finally {
          inFlight -= 1;
        }
      });
      const result = await verifyRepository(reader, { logger: silentLogger(), concurrency: 3 });
      expect(result.chunksChecked).toBeGreaterThan(20);
      expect(most).toBe(3);

      const abort = new AbortController();
      const progress: number[] = [];
      const stopped = verifyRepository(reader, {
        logger: silentLogger(),
        concurrency: 2,
        signal: abort.signal,
        onProgress: (p) => {
          progress.push(p.done);
          if (p.done === 5) abort.abort(new Error('stopped by the user'));
        },
      });
      await expect(stopped).rejects.toThrow('stopped by the user');
      expect(Math.max(...progress)).toBeLessThan(result.chunksChecked);
      await expect(verifyRepository(reader, { logger: silentLogger(), signal: AbortSignal.abort(new Error('no')) })).rejects.toThrow('no');
    });

    it('does not report a bad chunk whose points were pruned while it ran', async () => {
      const onlyA1 = a1.disks[0]!.chunks[3]!;
      rmSync(join(repo.path, chunkRelativePath(onlyA1)));
      const reader = await openReader();
      let pruned = false;
      const result = await verifyRepository(reader, {
        logger: silentLogger(),
        concurrency: 1,
        onProgress: (p) => {
          // A writer prunes a1 after verify listed the manifests: the missing chunk was garbage by the end.
          if (!pruned && p.done > 0) {
            pruned = true;
            rmSync(manifestFile(a1));
          }
        },
      });
      expect(pruned).toBe(true);
      expect(result.badChunks).toEqual([]);
      expect(result.damagedManifests).toEqual([]);
    });
  });

  it('empties the repository when every point is pruned, and it takes new backups and verifies clean after', async () => {
    await prunePoints(repo, [a1.id, a2.id, b1.id], { reason: 'by hand', logger: log.logger });
    const result = await collectGarbage(repo, { logger: log.logger });
    expect(result).toMatchObject({ chunksReferenced: 0, chunksRemoved: union(idsOf(a1), idsOf(a2), idsOf(b1)).size });
    expect(chunkFiles(repo.path)).toEqual(new Set());
    expect(pruneLog()).toHaveLength(3);
    // The same instance writes into the chunk folders GC emptied (and kept).
    const next = await storePoint(image(['a1-0', 'shared', 'b1-1']), { day: 20 });
    const reader = await openReader();
    await exportsExactly(reader, next);
    expect(await verifyRepository(reader, { logger: silentLogger() })).toMatchObject({ pointsChecked: 1, chunksChecked: 3, badChunks: [], damagedManifests: [] });
  });
});
