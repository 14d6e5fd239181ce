// The bytes of a restored volume, front to back, as an upload takes them: data, and holes wherever the disk
// reads as zeros (zero chunk slots, and zero runs of at least 4 KiB inside a chunk), so the host allocates only
// what holds data. A raw volume is the disk itself; a qcow2 volume is the image planned by qcow2-image.ts.
import type { VolumeData, VolumeFormat } from '../hypervisors/driver.js';
import { nonZeroRuns, type DiskSlot, type ManifestDisk } from '../repository/index.js';
import { planQcow2, QCOW2_CLUSTER_SIZE } from './qcow2-image.js';

/** The smallest zero run sent as a hole: a file system block. */
const HOLE_GRANULARITY = 4096;

/** Merges adjacent holes and cuts buffers into data and hole pieces. */
class Pieces {
  private hole = 0;
  private readonly out: VolumeData[] = [];

  bytes(buffer: Buffer): void {
    let at = 0;
    for (const [start, end] of nonZeroRuns(buffer, HOLE_GRANULARITY)) {
      this.zeros(start - at);
      this.flushHole();
      this.out.push({ kind: 'data', data: buffer.subarray(start, end) });
      at = end;
    }
    this.zeros(buffer.length - at);
  }

  zeros(length: number): void {
    this.hole += length;
  }

  private flushHole(): void {
    if (this.hole > 0) this.out.push({ kind: 'hole', length: this.hole });
    this.hole = 0;
  }

  /** The pieces so far; a pending hole is kept (it may grow) unless `end`. */
  take(end = false): VolumeData[] {
    if (end) this.flushHole();
    return this.out.splice(0);
  }
}

export interface VolumeImage {
  format: VolumeFormat;
  /** Bytes the volume's file takes when complete (the disk's size for raw; header, tables and data for qcow2). */
  sizeBytes: number;
  /** The volume's bytes in order, reading the disk's slots as it goes; `onSlot` is told after each slot. */
  pieces(slots: AsyncIterable<DiskSlot>, onSlot?: (slot: DiskSlot) => void): AsyncGenerator<VolumeData>;
}

export function volumeImage(format: VolumeFormat, disk: ManifestDisk): VolumeImage {
  if (format === 'raw') {
    return {
      format,
      sizeBytes: disk.capacityBytes,
      async *pieces(slots, onSlot) {
        const pieces = new Pieces();
        for await (const slot of slots) {
          if (slot.bytes === null) pieces.zeros(slot.length);
          else pieces.bytes(slot.bytes);
          yield* pieces.take();
          onSlot?.(slot);
        }
        yield* pieces.take(true);
      },
    };
  }
  const plan = planQcow2(
    disk.capacityBytes,
    disk.chunkSize,
    disk.chunks.map((id) => id !== null),
  );
  return {
    format,
    sizeBytes: plan.fileSize,
    async *pieces(slots, onSlot) {
      const pieces = new Pieces();
      for (const buffer of plan.metadata()) pieces.bytes(buffer);
      let written = plan.dataOffset;
      for await (const slot of slots) {
        if (slot.bytes !== null) {
          const at = plan.slotOffset(slot.index);
          if (at !== written) throw new Error(`qcow2 image out of order: slot ${slot.index} belongs at ${String(at)}, the stream is at ${written}`);
          pieces.bytes(slot.bytes);
          written += slot.bytes.length;
        }
        yield* pieces.take();
        onSlot?.(slot);
      }
      // The last data cluster is whole in the file, even when the disk ends inside it.
      const end = Math.ceil(written / QCOW2_CLUSTER_SIZE) * QCOW2_CLUSTER_SIZE;
      pieces.zeros(end - written);
      if (end !== plan.fileSize) throw new Error(`qcow2 image of ${end} bytes, planned ${plan.fileSize}`);
      yield* pieces.take(true);
    },
  };
}
