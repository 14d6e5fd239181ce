// Deterministic, partly sparse disk content for lab VMs. Tests import this module to know what every byte of a
// lab disk should be: the same (VM name, disk target) gives the same bytes on every run and machine.
//
// A disk is `capacityBytes` of zeros except its data extents. Each extent [offset, length] holds the output of
// mulberry32 seeded with extentSeed(diskSeed, offset), as little-endian 32-bit words (the last word truncated when
// length is not a multiple of 4). A boot disk (vda) then has its first 512 bytes replaced by BOOT_SECTOR.
import { createHash } from 'node:crypto';
import { closeSync, ftruncateSync, openSync, writeSync } from 'node:fs';

export const KiB = 1024;
export const MiB = 1024 * KiB;
export const DISK_CAPACITY_BYTES = 256 * MiB;

/** [offset, length] in bytes. */
export type Extent = readonly [number, number];

/**
 * Where data is written on every lab disk (256 MiB). Chosen to exercise chunking at 4 MiB and qcow2 clusters at
 * 64 KiB: a region starting at 0, one that crosses a 4 MiB boundary with neither end aligned, one exactly one
 * aligned 4 MiB chunk, a small one inside a chunk, and one that ends at the end of the disk. About 8.9 MiB in all.
 */
export const DATA_EXTENT_LAYOUT: readonly Extent[] = [
  [0, MiB + 192 * KiB],
  [3 * MiB + 4 * KiB, 2 * MiB],
  [64 * MiB, 4 * MiB],
  [129 * MiB + 36 * KiB, 700 * KiB],
  [255 * MiB, MiB],
];

/** A 512-byte x86 boot sector that disables interrupts and halts forever (`cli; hlt; jmp $-3`), so an idle TCG
 * guest uses almost no CPU; 0x55 0xaa at offset 510 makes SeaBIOS boot it. */
export const BOOT_SECTOR: Buffer = (() => {
  const sector = Buffer.alloc(512);
  sector.set([0xfa, 0xf4, 0xeb, 0xfd], 0);
  sector[510] = 0x55;
  sector[511] = 0xaa;
  return sector;
})();

export interface DiskContent {
  seed: number;
  capacityBytes: number;
  bootSector: boolean;
  dataExtents: readonly Extent[];
}

/** uint32 seed of a disk: the first 4 bytes (big-endian) of sha256("lifeboat-lab:<vm name>:<target>"). */
export function diskSeed(vmName: string, target: string): number {
  return createHash('sha256').update(`lifeboat-lab:${vmName}:${target}`).digest().readUInt32BE(0);
}

/** uint32 seed of one extent: the first 4 bytes (big-endian) of sha256("<disk seed>:<extent offset>"), both decimal. */
export function extentSeed(seed: number, offset: number): number {
  return createHash('sha256').update(`${seed}:${offset}`).digest().readUInt32BE(0);
}

/** `length` bytes of mulberry32(seed), as little-endian 32-bit words. */
export function prngBytes(seed: number, length: number): Buffer {
  const words = Math.ceil(length / 4);
  const out = Buffer.alloc(words * 4);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  let state = seed >>> 0;
  for (let i = 0; i < words; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t = (t + Math.imul(t ^ (t >>> 7), t | 61)) ^ t;
    view.setUint32(i * 4, (t ^ (t >>> 14)) >>> 0, true);
  }
  return out.subarray(0, length);
}

/** The bytes of one data extent of a disk, as the lab wrote them. */
export function extentContent(disk: DiskContent, extent: Extent): Buffer {
  const [offset, length] = extent;
  const bytes = prngBytes(extentSeed(disk.seed, offset), length);
  if (disk.bootSector && offset < BOOT_SECTOR.length) {
    BOOT_SECTOR.copy(bytes, 0, offset, Math.min(BOOT_SECTOR.length, offset + length));
  }
  return bytes;
}

export function dataBytes(disk: DiskContent): number {
  return disk.dataExtents.reduce((sum, [, length]) => sum + length, 0);
}

/** Writes the disk as a sparse raw image (holes everywhere but the data extents). */
export function writeRawImage(path: string, disk: DiskContent): void {
  const fd = openSync(path, 'w', 0o600);
  try {
    ftruncateSync(fd, disk.capacityBytes);
    for (const extent of disk.dataExtents) {
      const bytes = extentContent(disk, extent);
      let done = 0;
      while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done, extent[0] + done);
    }
  } finally {
    closeSync(fd);
  }
}
