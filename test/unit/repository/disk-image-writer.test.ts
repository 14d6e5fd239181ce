// DiskImageWriter: chunk slots in any order, a bounded number of puts in flight, slots taken from a base list,
// and a failed put surfacing instead of being lost.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Repository, type ChunkPutResult } from '../../../electron/engine/repository/index.js';
import { makeTempDir } from '../../support/temp.js';
import { manualClock, seededBytes, sha256, shuffled, silentLogger, storeImage } from './support.js';

const CHUNK = 64 * 1024;

describe('DiskImageWriter', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let repo: Repository;
  beforeEach(async () => {
    temp = makeTempDir('diskwriter');
    repo = await Repository.init(join(temp.dir, 'repo'), { clock: manualClock(), logger: silentLogger(), writer: true, chunkSize: CHUNK });
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await repo.close();
    temp.remove();
  });

  function image(): Buffer {
    const bytes = seededBytes('writer', 20 * CHUNK + 777);
    bytes.fill(0, 3 * CHUNK, 6 * CHUNK);
    seededBytes('writer', CHUNK).copy(bytes, 10 * CHUNK); // slot 10 = slot 0: dedup within the disk
    return bytes;
  }

  it('takes slots in any order with at most `concurrency` puts in flight, and lists them in disk order', async () => {
    const bytes = image();
    let inFlight = 0;
    let peak = 0;
    const put = repo.chunks.put.bind(repo.chunks);
    vi.spyOn(repo.chunks, 'put').mockImplementation(async (data): Promise<ChunkPutResult> => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      try {
        await new Promise((resolve) => setTimeout(resolve, 2));
        return await put(data);
      } finally {
        inFlight -= 1;
      }
    });
    const order = shuffled(Array.from({ length: 21 }, (_, i) => i), 7);
    const result = await storeImage(repo, bytes, { order, concurrency: 3 });
    expect(peak).toBe(3);
    expect(result.chunks).toHaveLength(21);
    for (let i = 0; i < 21; i += 1) {
      const slot = bytes.subarray(i * CHUNK, Math.min((i + 1) * CHUNK, bytes.length));
      expect(result.chunks[i]).toBe(i >= 3 && i < 6 ? null : sha256(slot));
    }
    expect(result.stats).toEqual({
      bytesRead: bytes.length,
      bytesStored: expect.any(Number) as unknown,
      chunksNew: 17,
      chunksReused: 1,
      chunksZero: 3,
    });
  });

  it('fills unwritten slots from the base list (an incremental), counting them as reused or zero', async () => {
    const bytes = image();
    const full = await storeImage(repo, bytes);
    const changed = Buffer.from(bytes);
    seededBytes('changed', 100).copy(changed, 7 * CHUNK + 5);
    changed.fill(0, 12 * CHUNK, 13 * CHUNK);
    const writer = repo.createDiskImageWriter({ capacityBytes: changed.length, base: full.chunks });
    for (const index of [12, 7]) await writer.write(index, changed.subarray(index * CHUNK, (index + 1) * CHUNK));
    const incremental = await writer.finish();
    expect(incremental.chunks).toEqual(full.chunks.map((id, i) => (i === 7 ? sha256(changed.subarray(7 * CHUNK, 8 * CHUNK)) : i === 12 ? null : id)));
    expect(incremental.stats).toMatchObject({ bytesRead: 2 * CHUNK, chunksNew: 1, chunksReused: 16, chunksZero: 4 });
  });

  it('checks slot indexes and lengths', async () => {
    const writer = repo.createDiskImageWriter({ capacityBytes: 2 * CHUNK + 10 });
    expect(writer.chunkCount).toBe(3);
    expect(writer.lengthOf(2)).toBe(10);
    await expect(writer.write(3, Buffer.alloc(10))).rejects.toThrow(/outside 0\.\.2/);
    await expect(writer.write(2, Buffer.alloc(CHUNK))).rejects.toThrow(/must be 10 bytes/);
    await writer.write(0, seededBytes('a', CHUNK));
    await expect(writer.write(0, seededBytes('a', CHUNK))).rejects.toThrow(/already written/);
    await expect(writer.finish()).rejects.toThrow(/chunk 1 of 3 was never written/);
    expect(() => repo.createDiskImageWriter({ capacityBytes: CHUNK, base: [null, null] })).toThrow(/base has 2/);
    // An empty disk has no chunks at all.
    expect(await repo.createDiskImageWriter({ capacityBytes: 0 }).finish()).toMatchObject({ chunks: [] });
  });

  it('fails the next write and finish when a put failed', async () => {
    vi.spyOn(repo.chunks, 'put').mockRejectedValueOnce(new Error('disk on fire'));
    const writer = repo.createDiskImageWriter({ capacityBytes: 4 * CHUNK, concurrency: 1 });
    await writer.write(0, seededBytes('x0', CHUNK));
    await expect(writer.write(1, seededBytes('x1', CHUNK))).rejects.toThrow('disk on fire');
    await expect(writer.finish()).rejects.toThrow('disk on fire');
  });
});
