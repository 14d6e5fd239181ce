// The streamed qcow2 images restore writes, checked by QEMU's own tools (no lab needed): every layout is written
// to a file the way libvirt's upload writes a volume (data written, holes skipped and the file truncated to the
// end), then `qemu-img check` must find no error and `qemu-img compare` must see the same disk as the raw image.
import { spawnSync } from 'node:child_process';
import { closeSync, ftruncateSync, openSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { VolumeData } from '../../../electron/engine/hypervisors/driver.js';
import { chunkLength, type DiskSlot, type ManifestDisk } from '../../../electron/engine/repository/index.js';
import { planQcow2, QCOW2_CLUSTER_SIZE } from '../../../electron/engine/restore/qcow2-image.js';
import { volumeImage } from '../../../electron/engine/restore/volume-image.js';
import { seededRandom } from '../../support/random.js';
import { makeTempDir } from '../../support/temp.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const temp = makeTempDir('qcow2-image');
const seededBytes = (seed: number, length: number): Buffer => seededRandom(seed).bytes(length);
afterAll(() => temp.remove());

/** A disk whose slot `i` holds `content(i)` (null: a zero slot). */
function disk(capacityBytes: number, chunkSize: number, content: (index: number, length: number) => Buffer | null): { manifest: ManifestDisk; slots: DiskSlot[] } {
  const count = Math.ceil(capacityBytes / chunkSize);
  const slots: DiskSlot[] = Array.from({ length: count }, (_, index) => {
    const length = chunkLength(capacityBytes, chunkSize, index);
    const bytes = content(index, length);
    return { index, offset: index * chunkSize, length, id: bytes ? `${index}`.padStart(64, '0') : null, bytes };
  });
  const manifest: ManifestDisk = {
    target: 'vda',
    format: 'qcow2',
    capacityBytes,
    chunkSize,
    chunks: slots.map((s) => s.id),
    stats: { bytesRead: 0, bytesStored: 0, chunksNew: 0, chunksReused: 0, chunksZero: 0 },
  };
  return { manifest, slots };
}

async function* each(slots: DiskSlot[]): AsyncGenerator<DiskSlot> {
  yield* slots;
}

/** Writes pieces the way libvirt's sparse upload does: data written, a hole seeks and truncates. */
async function writeVolume(path: string, pieces: AsyncIterable<VolumeData>): Promise<{ holes: number; data: number }> {
  const fd = openSync(path, 'w');
  let at = 0;
  let holes = 0;
  let data = 0;
  try {
    for await (const piece of pieces) {
      if (piece.kind === 'data') {
        writeSync(fd, piece.data, 0, piece.data.length, at);
        at += piece.data.length;
        data += piece.data.length;
      } else {
        at += piece.length;
        ftruncateSync(fd, at);
        holes += 1;
      }
    }
  } finally {
    closeSync(fd);
  }
  return { holes, data };
}

function qemuImg(...args: string[]): { status: number | null; out: string } {
  const r = spawnSync('qemu-img', args, { encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

async function checkLayout(name: string, capacityBytes: number, chunkSize: number, content: (index: number, length: number) => Buffer | null): Promise<void> {
  const { manifest, slots } = disk(capacityBytes, chunkSize, content);
  const raw = join(temp.dir, `${name}.raw`);
  const qcow2 = join(temp.dir, `${name}.qcow2`);
  await writeVolume(raw, volumeImage('raw', manifest).pieces(each(slots)));
  expect(statSync(raw).size).toBe(capacityBytes);
  const image = volumeImage('qcow2', manifest);
  await writeVolume(qcow2, image.pieces(each(slots)));
  expect(statSync(qcow2).size).toBe(image.sizeBytes);
  const check = qemuImg('check', '-f', 'qcow2', qcow2);
  expect(check.out, `qemu-img check ${name}`).toContain('No errors were found on the image');
  expect(check.status).toBe(0);
  const info = JSON.parse(qemuImg('info', '--output=json', qcow2).out) as { 'virtual-size': number; format: string };
  expect(info).toMatchObject({ format: 'qcow2', 'virtual-size': capacityBytes });
  const compare = qemuImg('compare', '-f', 'raw', '-F', 'qcow2', raw, qcow2);
  expect(compare.out, `qemu-img compare ${name}`).toContain('Images are identical');
}

describe('streamed qcow2 images', () => {
  it('a lab-like disk: 256 MiB, 4 MiB chunks, data in a few slots with zero runs inside', async () => {
    const data = new Set([0, 1, 16, 32, 63]);
    await checkLayout('lab', 256 * MiB, 4 * MiB, (index, length) => {
      if (!data.has(index)) return null;
      const bytes = Buffer.alloc(length);
      seededBytes(index, 300 * KiB).copy(bytes, index === 1 ? 3 * MiB : 64 * KiB);
      return bytes;
    });
  });

  it('a disk ending inside a cluster, with its last slot short and holding data', async () => {
    // Not a multiple of the 64 KiB cluster, but of the 512-byte sector, as every real disk is.
    const capacity = 10 * MiB + 25 * 512;
    await checkLayout('odd-end', capacity, 4 * MiB, (index, length) => (index === 2 ? seededBytes(2, length) : index === 0 ? seededBytes(1, length) : null));
  });

  it('no data at all, and every slot full', async () => {
    await checkLayout('empty', 64 * MiB, 4 * MiB, () => null);
    await checkLayout('full', 20 * MiB, 64 * KiB, (index, length) => seededBytes(1000 + index, length));
  });

  it('data over several L2 tables (each covers 512 MiB) and far apart', async () => {
    const capacity = 3 * 1024 * MiB + 3 * MiB;
    const last = Math.ceil(capacity / (4 * MiB)) - 1;
    const data = new Set([0, 127, 128, 129, 400, 700, last]);
    await checkLayout('l2-tables', capacity, 4 * MiB, (index, length) => (data.has(index) ? Buffer.concat([seededBytes(index, 256 * KiB), Buffer.alloc(length - 256 * KiB)]) : null));
  });

  it('an image of more than 32768 clusters needs several refcount blocks', async () => {
    // 2.25 GiB of data slots (each holding 4 KiB of data, the rest holes): 36864 data clusters.
    const plan = planQcow2(2304 * MiB, 4 * MiB, new Array<boolean>(576).fill(true));
    expect(plan.clusters).toBeGreaterThan(32768);
    await checkLayout('refcounts', 2304 * MiB, 4 * MiB, (index, length) => {
      const bytes = Buffer.alloc(length);
      bytes.writeUInt32BE(index + 1, 8192);
      return bytes;
    });
  });

  it('refuses chunk slots that do not cover whole clusters', () => {
    expect(() => planQcow2(MiB, QCOW2_CLUSTER_SIZE / 2, [true, true])).toThrow(/clusters/);
  });
});
