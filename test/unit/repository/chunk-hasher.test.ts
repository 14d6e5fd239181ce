// Chunk ids computed on hashing threads, in place in shared memory: the same ids as hashing on the event loop,
// whatever the offset or length, many at once, and a clear failure once closed or for memory it cannot share.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ChunkHasher } from '../../../electron/engine/repository/chunk-hasher.js';
import { Repository } from '../../../electron/engine/repository/index.js';
import { makeTempDir } from '../../support/temp.js';
import { MiB, compressibleBytes, manualClock, seededBytes, sha256, silentLogger } from './support.js';

function shared(bytes: Uint8Array, offset = 0): Buffer {
  const out = Buffer.from(new SharedArrayBuffer(bytes.byteLength + offset + 7)).subarray(offset, offset + bytes.byteLength);
  out.set(bytes);
  return out;
}

describe('ChunkHasher', () => {
  const hashers: ChunkHasher[] = [];
  afterEach(async () => {
    for (const hasher of hashers.splice(0)) await hasher.close();
  });

  it('gives the SHA-256 of the bytes, at any offset and length, for many chunks at once on two threads', async () => {
    const hasher = new ChunkHasher(2);
    hashers.push(hasher);
    const inputs = [seededBytes('a', 4 * MiB), compressibleBytes('b', 4 * MiB), seededBytes('c', 1), seededBytes('d', 12345), seededBytes('e', 3 * MiB + 17)];
    const chunks = inputs.flatMap((bytes, i) => [shared(bytes), shared(bytes, i + 1)]);
    const ids = await Promise.all(chunks.map((chunk) => hasher.hash(chunk)));
    expect(ids).toEqual(chunks.map((chunk) => sha256(chunk)));
  });

  it('refuses bytes outside shared memory, and every hash once closed', async () => {
    const hasher = new ChunkHasher(1);
    hashers.push(hasher);
    expect(ChunkHasher.canHashInPlace(Buffer.from('abc'))).toBe(false);
    await expect(hasher.hash(Buffer.from('abc'))).rejects.toThrow(/SharedArrayBuffer/);
    expect(await hasher.hash(shared(Buffer.from('abc')))).toBe(sha256(Buffer.from('abc')));
    await hasher.close();
    await expect(hasher.hash(shared(Buffer.from('abc')))).rejects.toThrow(/closed/);
  });

  it("is what the chunk store uses for a backup's shared buffers: same ids and files as for ordinary ones", async () => {
    const temp = makeTempDir('hasher-store');
    const repo = await Repository.init(join(temp.dir, 'repo'), { clock: manualClock(), logger: silentLogger(), writer: true });
    try {
      const bytes = seededBytes('store', 4 * MiB);
      const first = await repo.chunks.put(shared(bytes));
      expect(first).toMatchObject({ id: sha256(bytes), zero: false, stored: true });
      // The same bytes outside shared memory find the chunk stored from shared memory.
      expect(await repo.chunks.put(bytes)).toMatchObject({ id: sha256(bytes), stored: false });
      expect((await repo.chunks.get(sha256(bytes))).equals(bytes)).toBe(true);
      expect(await repo.chunks.put(shared(Buffer.alloc(4 * MiB)))).toEqual({ id: null, zero: true, stored: false, storedBytes: 0 });
    } finally {
      await repo.close();
      temp.remove();
    }
  });
});
