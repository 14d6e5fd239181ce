// Crash consistency of retention: each trial adds points, then a child process prunes all but the newest few of
// each VM and collects garbage, and is killed with SIGKILL at a seeded random moment (mid prune, mid sweep, or
// before it has the lock). After every kill: no manifest is damaged, verify finds every chunk of every listed
// point intact, every listed point exports exactly, the newest points are never touched, and a point is gone
// only if prunes.log says it was pruned (the line is written first). A final uninterrupted run leaves exactly
// the referenced chunks. (SIGKILL keeps the page cache: this checks the order of the steps; the fsyncs are for
// power loss.)
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Repository, verifyRepository, type PruneLogLine } from '../../../electron/engine/repository/index.js';
import { buildManifest, crashImage, initTempRepository, listTree, manualClock, seededRandom, sha256, silentLogger, spawnFixture, storeImage, waitForExit, waitForLine } from './support.js';

const TRIALS = 12;
const SEED = 20250601;
const CHUNK = 64 * 1024;
const KEEP_LAST = 2;
const VMS = ['a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d', 'b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e'];

describe('retention crash consistency', () => {
  let temp: Awaited<ReturnType<typeof initTempRepository>>;
  beforeAll(async () => {
    temp = await initTempRepository('prune-crash', CHUNK);
  });
  afterAll(() => temp.remove());

  it(`survives ${TRIALS} kill -9s of prune and GC at random moments`, { timeout: 120_000 }, async () => {
    const random = seededRandom(SEED);
    /** Every point ever written: id → VM and the seed of its image. */
    const written = new Map<string, { vmUuid: string; seed: string; createdAt: string }>();
    let interrupted = 0;

    const addPoints = async (trial: number): Promise<void> => {
      const writer = await Repository.open(temp.path, { clock: manualClock(), logger: silentLogger(), writer: true });
      for (let i = 0; i < 3; i += 1) {
        const n = trial * 3 + i;
        const seed = `r${n}`;
        const image = crashImage(seed, CHUNK);
        const result = await storeImage(writer, image, { concurrency: 3 });
        const vmUuid = VMS[n % VMS.length]!;
        const manifest = buildManifest({ vmUuid, vmName: seed, createdAt: new Date(Date.UTC(2025, 5, 1) + n * 3_600_000), disks: [{ target: 'vda', capacityBytes: image.length, chunkSize: CHUNK, result }] });
        await writer.points.write(manifest);
        written.set(manifest.id, { vmUuid, seed, createdAt: manifest.createdAt });
      }
      await writer.close();
    };

    const check = async (context: string): Promise<{ pendingPrunes: number; garbage: number }> => {
      const reader = await Repository.open(temp.path, { clock: manualClock(), logger: silentLogger() });
      const { points, damaged } = await reader.points.list();
      expect(damaged.map((d) => d.message), context).toEqual([]);
      const verified = await verifyRepository(reader, { logger: silentLogger() });
      expect(verified.badChunks.map((c) => c.message), context).toEqual([]);
      expect(verified.damagedManifests, context).toEqual([]);

      const listed = new Set(points.map((p) => p.id));
      const logged = new Set(
        readFileSync(join(temp.path, 'prunes.log'), 'utf8')
          .split('\n')
          .filter((line) => line !== '')
          .map((line) => (JSON.parse(line) as PruneLogLine).pointId),
      );
      for (const [id, point] of written) {
        if (!listed.has(id)) expect(logged.has(id), `${context}: point ${id} (${point.seed}) vanished without a prunes.log line`).toBe(true);
      }
      // The newest points of each VM are never pruned.
      for (const vmUuid of VMS) {
        const newest = [...written].filter(([, p]) => p.vmUuid === vmUuid).sort(([, a], [, b]) => b.createdAt.localeCompare(a.createdAt)).slice(0, KEEP_LAST);
        for (const [id] of newest) expect(listed.has(id), `${context}: newest point ${id} was pruned`).toBe(true);
      }
      // Listed points are whole (a sample of three besides what verify read).
      const sample = [...listed].sort(() => random.next() - 0.5).slice(0, 3);
      for (const id of sample) {
        const out = join(temp.dir, 'export.raw');
        await reader.exportDisk(await reader.points.read(id), 'vda', out, { format: 'raw', overwrite: true });
        expect(sha256(readFileSync(out)), `${context}: point ${id}`).toBe(sha256(crashImage(written.get(id)!.seed, CHUNK)));
      }
      const referenced = new Set<string>();
      for (const id of listed) for (const chunk of (await reader.points.read(id)).disks[0]!.chunks) if (chunk !== null) referenced.add(chunk);
      const files = listTree(join(temp.path, 'chunks')).filter((p) => p.includes('/'));
      return { pendingPrunes: points.length - VMS.length * KEEP_LAST, garbage: files.length - referenced.size };
    };

    for (let trial = 0; trial < TRIALS; trial += 1) {
      await addPoints(trial);
      const child = spawnFixture('retention-run.ts', [temp.path, String(KEEP_LAST)]);
      // Kills come while it prunes, while it sweeps, or (every third) at any moment from its start, before it
      // has the lock too.
      const phase = trial % 3;
      if (phase === 2) await new Promise((resolve) => setTimeout(resolve, random.int(800)));
      else {
        await waitForLine(child, phase === 0 ? 'pruning' : 'sweeping');
        await new Promise((resolve) => setTimeout(resolve, random.int(12)));
      }
      child.kill('SIGKILL');
      await waitForExit(child);
      const state = await check(`trial ${trial}`);
      if (state.pendingPrunes > 0 || state.garbage > 0) interrupted += 1;
    }
    // Most kills landed before the work was done.
    expect(interrupted).toBeGreaterThan(TRIALS / 3);

    // An uninterrupted run finishes what the killed ones left: the newest points, exactly their chunks.
    const child = spawnFixture('retention-run.ts', [temp.path, String(KEEP_LAST)]);
    await waitForLine(child, 'done');
    expect((await waitForExit(child)).code).toBe(0);
    expect(await check('final run')).toEqual({ pendingPrunes: 0, garbage: 0 });
    expect(readdirSync(join(temp.path, 'tmp'))).toEqual([]);
    expect(readdirSync(join(temp.path, 'locks'))).toEqual([]);
  });
});
