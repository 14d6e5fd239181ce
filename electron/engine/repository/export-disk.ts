// Rebuilds a disk of a restore point as a raw image file, checking every chunk's SHA-256 on the way (chunks are
// read ahead, in disk order, by disk-reader.ts, which restore uses too). The image is written sparse (sized with
// ftruncate, then only non-zero data written), into a temp file beside the target that is renamed into place once
// complete and fsynced: the target is either the whole disk or absent.
import { open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fsyncDirectory, tempPathFor } from '../fs/atomic-write.js';
import type { ChunkStore } from './chunk-store.js';
import { pointDisk, readDiskSlots } from './disk-reader.js';
import type { Manifest } from './format.js';
import { nonZeroRuns, pathExists, rethrowWrite } from './io.js';

/** Zero runs shorter than this are written as data: a file system block, the smallest hole there can be. */
const HOLE_GRANULARITY = 4096;
const DEFAULT_EXPORT_CONCURRENCY = 4;

export interface ExportDiskOptions {
  format: 'raw';
  /** Chunks read and checked ahead of the writes. Default 4. */
  concurrency?: number;
  /** Replace a file already at the target path. Default false: an existing file is an error. */
  overwrite?: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: { bytesDone: number; bytesTotal: number }) => void;
}

export interface ExportDiskResult {
  path: string;
  capacityBytes: number;
  /** Bytes of data written (zero blocks are left as holes). */
  bytesWritten: number;
  chunksRead: number;
  chunksZero: number;
}

export async function exportDisk(chunks: ChunkStore, point: Manifest, target: string, out: string, options: ExportDiskOptions): Promise<ExportDiskResult> {
  if (options.format !== 'raw') throw new RangeError(`unsupported export format ${String(options.format)}`);
  const disk = pointDisk(point, target);
  if (!options.overwrite && (await pathExists(out))) throw new Error(`${out} already exists; choose another file or allow overwriting`);
  options.signal?.throwIfAborted();

  const { capacityBytes } = disk;
  const result: ExportDiskResult = { path: out, capacityBytes, bytesWritten: 0, chunksRead: 0, chunksZero: disk.chunks.filter((id) => id === null).length };
  let bytesDone = 0;

  const temp = tempPathFor(out);
  const handle = await open(temp, 'wx', 0o644).catch((error: unknown) => rethrowWrite(error, out));
  try {
    // Sizing the file first leaves every region not written below as a hole (or zeros, where holes don't exist).
    await handle.truncate(capacityBytes);
    const slots = readDiskSlots(chunks, point, target, {
      readAhead: options.concurrency ?? DEFAULT_EXPORT_CONCURRENCY,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    for await (const slot of slots) {
      if (slot.bytes !== null) {
        for (const [start, end] of nonZeroRuns(slot.bytes, HOLE_GRANULARITY)) {
          let done = start;
          while (done < end) {
            const { bytesWritten } = await handle.write(slot.bytes, done, end - done, slot.offset + done);
            done += bytesWritten;
          }
          result.bytesWritten += end - start;
        }
        result.chunksRead += 1;
      }
      bytesDone += slot.length;
      options.onProgress?.({ bytesDone, bytesTotal: capacityBytes });
    }
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(temp, { force: true });
    rethrowWrite(error, out);
  }
  await handle.close();
  try {
    await rename(temp, out);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await fsyncDirectory(dirname(out));
  return result;
}
