// The shared reader of a point's disk (export and restore): slots in disk order, checked bytes, a bounded number
// of reads ahead, damage reported at its slot, and nothing left unobserved when the consumer stops early.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PointDataError, Repository, readDiskSlots, type DiskSlot, type Manifest } from '../../../electron/engine/repository/index.js';
import { makeTempDir } from '../../support/temp.js';
import { MiB, buildManifest, manualClock, seededBytes, silentLogger, storeImage } from './support.js';

const CHUNK = 64 * 1024;

describe('readDiskSlots', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let repo: Repository;
  let image: Buffer;
  let point: Manifest;

  beforeEach(async () => {
    temp = makeTempDir('disk-reader');
    repo = await Repository.init(join(temp.dir, 'repo'), { clock: manualClock(), logger: silentLogger(), writer: true, chunkSize: CHUNK });
    // 32 slots and a short 33rd; every third slot zero.
    image = Buffer.alloc(2 * MiB + 1000);
    for (let slot = 0; slot < 33; slot += 1) if (slot % 3 !== 1) seededBytes(`slot-${slot}`, Math.min(CHUNK, image.length - slot * CHUNK)).copy(image, slot * CHUNK);
    point = buildManifest({ disks: [{ target: 'vda', capacityBytes: image.length, chunkSize: CHUNK, result: await storeImage(repo, image) }] });
    await repo.points.write(point);
  });
  afterEach(async () => {
    await repo.close();
    temp.remove();
  });

  async function collect(slots: AsyncIterable<DiskSlot>): Promise<DiskSlot[]> {
    const out: DiskSlot[] = [];
    for await (const slot of slots) out.push(slot);
    return out;
  }

  it('yields every slot in order, zero slots without bytes, with at most readAhead reads in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const get = repo.chunks.get.bind(repo.chunks);
    repo.chunks.get = async (id) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      try {
        await new Promise((resolve) => setTimeout(resolve, 2));
        return await get(id);
      } finally {
        inFlight -= 1;
      }
    };
    const slots = await collect(readDiskSlots(repo.chunks, point, 'vda', { readAhead: 3 }));
    expect(slots.map((s) => s.index)).toEqual(Array.from({ length: 33 }, (_, i) => i));
    expect(slots.filter((s) => s.bytes === null).map((s) => s.index)).toEqual(Array.from({ length: 11 }, (_, i) => 3 * i + 1));
    expect(Buffer.concat(slots.map((s) => s.bytes ?? Buffer.alloc(s.length))).equals(image)).toBe(true);
    expect(slots.at(-1)).toMatchObject({ offset: 32 * CHUNK, length: 1000 });
    expect(peak).toBe(3);
  });

  it('reports a damaged chunk at its slot, after the slots before it', async () => {
    const bad = point.disks[0]!.chunks[9]!;
    const file = repo.chunks.pathOf(bad);
    const bytes = readFileSync(file);
    bytes[20] = (bytes[20] ?? 0) ^ 0xff;
    writeFileSync(file, bytes);
    const seen: number[] = [];
    const error = await (async () => {
      for await (const slot of readDiskSlots(repo.chunks, point, 'vda', { readAhead: 8 })) seen.push(slot.index);
    })().catch((e: unknown) => e);
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(error).toBeInstanceOf(PointDataError);
    expect(error).toMatchObject({ pointId: point.id, target: 'vda', chunkIndex: 9, offset: 9 * CHUNK, chunkId: bad });
  });

  it('stops when aborted, and when the consumer stops, with no read left unobserved', async () => {
    const controller = new AbortController();
    const run = (async () => {
      for await (const slot of readDiskSlots(repo.chunks, point, 'vda', { signal: controller.signal })) if (slot.index === 4) controller.abort(new Error('stop'));
    })();
    await expect(run).rejects.toThrow('stop');
    // Break early while reads (one of them failing) are in flight: nothing surfaces as an unhandled rejection.
    const bad = point.disks[0]!.chunks[5]!;
    writeFileSync(repo.chunks.pathOf(bad), 'not a chunk');
    for await (const slot of readDiskSlots(repo.chunks, point, 'vda', { readAhead: 8 })) if (slot.index === 2) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  });
});
