// Crash consistency: a child process stores restore points in a loop and is killed with SIGKILL at seeded
// random moments (mid chunk write, mid manifest write, between points). After every kill the repository must
// open, list no damaged manifest, and every listed point must export to exactly the bytes the child stored.
// Points already seen must stay listed with unchanged manifests (each is exported when it first appears, a
// seeded sample of older ones after every kill, and all of them at the end). Then a writer's open removes what
// the crashes left in tmp/ and beside the manifests. (SIGKILL keeps the page cache, so this checks the write ordering, not fsync durability: the
// fsyncs are what the format relies on for power loss, as FORMAT.md argues.)
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Repository } from '../../../electron/engine/repository/index.js';
import { crashImage, initTempRepository, listTree, manualClock, seededRandom, sha256, silentLogger, spawnFixture, waitForExit, waitForLine } from './support.js';

const TRIALS = 20;
const SEED = 20250301;
const CHUNK = 64 * 1024;

describe('crash consistency', () => {
  let temp: Awaited<ReturnType<typeof initTempRepository>>;
  beforeAll(async () => {
    temp = await initTempRepository('crash', CHUNK);
  });
  afterAll(() => temp.remove());

  it(`survives ${TRIALS} kill -9s of a writer at random moments`, { timeout: 120_000 }, async () => {
    const random = seededRandom(SEED);
    const expected = new Map<string, string>();
    /** Points verified so far, with the SHA-256 of their manifest file when first seen. */
    const seen = new Map<string, string>();
    const out = join(temp.dir, 'export.raw');

    const exportAndCheck = async (repo: Repository, id: string, context: string): Promise<void> => {
      const manifest = await repo.points.read(id);
      const seed = manifest.vm.name;
      let hash = expected.get(seed);
      if (hash === undefined) {
        hash = sha256(crashImage(seed, CHUNK));
        expected.set(seed, hash);
      }
      await repo.exportDisk(manifest, 'vda', out, { format: 'raw', overwrite: true });
      expect(sha256(readFileSync(out)), `${context}: point ${id} (${seed})`).toBe(hash);
    };

    for (let trial = 0; trial < TRIALS; trial += 1) {
      const child = spawnFixture('point-writer.ts', [temp.path]);
      // Every fourth kill comes at any moment from the start: while the writer breaks its predecessor's lock,
      // takes its own, or cleans up temp files. The others come while it stores points.
      if (trial % 4 === 3) await new Promise((resolve) => setTimeout(resolve, random.int(600)));
      else {
        await waitForLine(child, 'ready');
        await new Promise((resolve) => setTimeout(resolve, 20 + random.int(250)));
      }
      child.kill('SIGKILL');
      const exit = await waitForExit(child);
      expect(exit.signal, `trial ${trial}: the writer died on its own`).toBe('SIGKILL');

      const repo = await Repository.open(temp.path, { clock: manualClock(), logger: silentLogger() });
      const { points, damaged } = await repo.points.list();
      expect(damaged.map((d) => d.message), `trial ${trial}`).toEqual([]);
      const listed = new Map(points.map((p) => [p.id, p.path]));
      // Earlier points are untouched: still listed, manifest bytes unchanged, and a seeded sample re-exported.
      for (const [id, manifestHash] of seen) {
        const path = listed.get(id);
        expect(path, `trial ${trial}: point ${id} vanished`).toBeDefined();
        expect(sha256(readFileSync(join(temp.path, path ?? ''))), `trial ${trial}: manifest of ${id} changed`).toBe(manifestHash);
      }
      const older = [...seen.keys()];
      for (let i = 0; i < Math.min(5, older.length); i += 1) await exportAndCheck(repo, older[random.int(older.length)] ?? '', `trial ${trial}`);
      // Every point that appeared with this trial (the one cut short mid-write cannot be listed: its manifest
      // is the last thing written) exports to the exact bytes stored.
      for (const [id, path] of listed) {
        if (seen.has(id)) continue;
        await exportAndCheck(repo, id, `trial ${trial}`);
        seen.set(id, sha256(readFileSync(join(temp.path, path))));
      }
    }
    // The child wrote points in most trials, so most kills landed in the middle of writing one.
    expect(seen.size).toBeGreaterThan(TRIALS);

    // Finally every point again.
    const reader = await Repository.open(temp.path, { clock: manualClock(), logger: silentLogger() });
    for (const id of seen.keys()) await exportAndCheck(reader, id, 'final pass');

    // A writer cleans up after the crashes; the points are all still there.
    const writer = await Repository.open(temp.path, { clock: manualClock(), logger: silentLogger(), writer: true });
    expect(readdirSync(join(temp.path, 'tmp'))).toEqual([]);
    expect(listTree(join(temp.path, 'points')).filter((p) => p.split('/').pop()?.startsWith('.'))).toEqual([]);
    expect(readdirSync(join(temp.path, 'locks'))).toEqual(['writer.lock']);
    const after = await writer.points.list();
    expect(new Set(after.points.map((p) => p.id))).toEqual(new Set(seen.keys()));
    await writer.close();
  });
});
