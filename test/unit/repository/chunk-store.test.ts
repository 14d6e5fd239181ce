// The chunk store: round trips, dedup, zero chunks, and damage found on read (never restored).
import { readFileSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHUNK_HEADER_SIZE } from '../../../electron/engine/repository/chunk-file.js';
import { ChunkCorruptError, ChunkMissingError, ChunkStore, Repository } from '../../../electron/engine/repository/index.js';
import { makeTempDir } from '../../support/temp.js';
import { MiB, compressibleBytes, listTree, manualClock, seededBytes, sha256, silentLogger } from './support.js';

describe('ChunkStore', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let repo: Repository;
  beforeEach(async () => {
    temp = makeTempDir('chunks');
    repo = await Repository.init(join(temp.dir, 'repo'), { clock: manualClock(), logger: silentLogger(), writer: true });
  });
  afterEach(async () => {
    await repo.close();
    temp.remove();
  });

  const chunkFiles = (): string[] => listTree(join(repo.path, 'chunks')).filter((p) => p.includes('/'));

  it('stores a chunk under chunks/<2 hex>/<sha256> and reads the same bytes back', async () => {
    const random = seededBytes('round-trip', 4 * MiB);
    const text = compressibleBytes('round-trip', 4 * MiB);
    const short = seededBytes('short', 12345);
    for (const bytes of [random, text, short]) {
      const result = await repo.chunks.put(bytes);
      const id = sha256(bytes);
      expect(result).toEqual({ id, zero: false, stored: true, storedBytes: statSync(repo.chunks.pathOf(id)).size });
      expect(repo.chunks.pathOf(id)).toBe(join(repo.path, 'chunks', id.slice(0, 2), id));
      expect(await repo.chunks.has(id)).toBe(true);
      expect((await repo.chunks.get(id)).equals(bytes)).toBe(true);
    }
    // Random data is kept as it is (zstd would grow it), text is compressed; both carry the LBCK header.
    const rawFile = readFileSync(repo.chunks.pathOf(sha256(random)));
    expect(rawFile.subarray(0, 4).toString('latin1')).toBe('LBCK');
    expect([rawFile[4], rawFile[5]]).toEqual([1, 0]);
    expect(rawFile.readUInt32LE(8)).toBe(4 * MiB);
    expect(rawFile.length).toBe(CHUNK_HEADER_SIZE + 4 * MiB);
    const textFile = readFileSync(repo.chunks.pathOf(sha256(text)));
    expect(textFile[5]).toBe(1);
    expect(textFile.length).toBeLessThan(MiB);
    // Nothing left in tmp/.
    expect(readdirSync(join(repo.path, 'tmp'))).toEqual([]);
  });

  it('stores the same bytes once, also when the puts run at the same time', async () => {
    const bytes = seededBytes('dedup', MiB);
    const first = await repo.chunks.put(bytes);
    const again = await repo.chunks.put(Buffer.from(bytes));
    expect(first.stored).toBe(true);
    expect(again).toEqual({ id: first.id, zero: false, stored: false, storedBytes: 0 });
    expect(chunkFiles()).toHaveLength(1);

    const other = compressibleBytes('dedup-concurrent', 2 * MiB);
    const results = await Promise.all(Array.from({ length: 6 }, () => repo.chunks.put(Buffer.from(other))));
    expect(results.filter((r) => r.stored)).toHaveLength(1);
    expect(new Set(results.map((r) => r.id))).toEqual(new Set([sha256(other)]));
    expect(chunkFiles()).toHaveLength(2);
  });

  it('never stores an all-zero chunk', async () => {
    for (const length of [4 * MiB, 4096, 1]) {
      expect(await repo.chunks.put(Buffer.alloc(length))).toEqual({ id: null, zero: true, stored: false, storedBytes: 0 });
    }
    expect(ChunkStore.idOf(Buffer.alloc(100))).toBeNull();
    const almost = Buffer.alloc(4 * MiB);
    almost[4 * MiB - 1] = 1;
    expect((await repo.chunks.put(almost)).zero).toBe(false);
    expect(chunkFiles()).toHaveLength(1);
  });

  it('refuses empty and oversized chunks and ids that are not SHA-256 hex', async () => {
    await expect(repo.chunks.put(Buffer.alloc(0))).rejects.toThrow(RangeError);
    await expect(repo.chunks.put(Buffer.alloc(4 * MiB + 1, 1))).rejects.toThrow(RangeError);
    await expect(repo.chunks.get('../../lifeboat-repo.json')).rejects.toThrow(RangeError);
    await expect(repo.chunks.has('ABC')).rejects.toThrow(RangeError);
  });

  describe('finds damage on read', () => {
    const corruptCases: Array<[string, (file: string, bytes: Buffer) => void, RegExp]> = [
      ['one flipped byte in a stored (uncompressed) chunk', (file, b) => flip(file, CHUNK_HEADER_SIZE + b.length - 1), /content hashes to [0-9a-f]{64}/],
      ['one flipped byte in the middle of the file', (file) => flip(file, Math.floor(statSync(file).size / 2)), /hashes to|does not decompress|decompressed to/],
      ['a bad magic', (file) => flip(file, 0), /bad magic/],
      ['an unknown compression', (file) => patch(file, 5, 7), /unknown compression 7/],
      ['a newer chunk file version', (file) => patch(file, 4, 2), /chunk file version 2/],
      ['a cut file', (file) => truncateSync(file, statSync(file).size - 10), /header says \d+ payload bytes, the file holds/],
      ['an empty file', (file) => writeFileSync(file, ''), /shorter than the 16-byte header/],
    ];
    for (const [what, damage, reason] of corruptCases) {
      it(`${what} → ChunkCorruptError naming the chunk and its file`, async () => {
        const compressible = !what.includes('stored');
        const bytes = compressible ? compressibleBytes(what, 2 * MiB) : seededBytes(what, 2 * MiB);
        const { id } = await repo.chunks.put(bytes);
        if (id === null) throw new Error('unexpected zero chunk');
        const file = repo.chunks.pathOf(id);
        expect(readFileSync(file)[5]).toBe(compressible ? 1 : 0);
        damage(file, bytes);
        const error = await repo.chunks.get(id).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ChunkCorruptError);
        expect(error).toMatchObject({ code: 'chunk-corrupt', chunkId: id, path: file });
        expect((error as Error).message).toContain(id);
        expect((error as Error).message).toContain(file);
        expect((error as ChunkCorruptError).reason).toMatch(reason);
      });
    }

    it('a deleted chunk → ChunkMissingError', async () => {
      const { id } = await repo.chunks.put(seededBytes('gone', 1000));
      if (id === null) throw new Error('unexpected zero chunk');
      rmSync(repo.chunks.pathOf(id));
      expect(await repo.chunks.has(id)).toBe(false);
      await expect(repo.chunks.get(id)).rejects.toMatchObject({ constructor: ChunkMissingError, chunkId: id, path: repo.chunks.pathOf(id) });
    });
  });
});

function flip(file: string, offset: number): void {
  const bytes = readFileSync(file);
  bytes[offset] = (bytes[offset] ?? 0) ^ 0x01;
  writeFileSync(file, bytes);
}

function patch(file: string, offset: number, value: number): void {
  const bytes = readFileSync(file);
  bytes[offset] = value;
  writeFileSync(file, bytes);
}
