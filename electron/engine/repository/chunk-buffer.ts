// Buffers a backup reads a disk's chunks into. Two needs meet here:
//  - shared memory (a SharedArrayBuffer), so the chunk store's hashing threads read a chunk where it lies;
//  - a chunk file's whole image in memory, aligned for direct I/O: the 16-byte header's room just before the
//    chunk's bytes, the slot starting on a 4 KiB boundary, and room after the bytes to round the file up to a
//    whole block. The chunk store then writes a raw chunk's file with O_DIRECT straight from the buffer.
// Direct writes skip the kernel's copy of every byte into the page cache and its later write-back: on the
// machines measured, that copy was the biggest single CPU cost of a full backup (see docs/BENCHMARKS.md), and
// a backup's chunks are not read again soon, so caching them only pushes more useful pages out.
import { CHUNK_HEADER_SIZE } from './chunk-file.js';

/**
 * File offsets, lengths and memory addresses of direct I/O must be multiples of the device's logical block
 * size (512 bytes or 4 KiB); 4 KiB suits both.
 */
const DIRECT_IO_ALIGNMENT = 4096;

const WASM_PAGE = 64 * 1024;

/** The shared memories made by allocateChunkBuffer with the layout above. */
const fileImageMemories = new WeakSet<SharedArrayBuffer>();

interface SharedWasmMemory {
  readonly buffer: ArrayBufferLike;
}

type WasmMemoryConstructor = new (descriptor: { initial: number; maximum: number; shared: true }) => SharedWasmMemory;

/**
 * A WebAssembly memory is the one shared memory JavaScript can get whose start is page-aligned: the engine maps
 * it whole. A plain SharedArrayBuffer comes from malloc, 16 bytes past a page boundary, which direct I/O refuses.
 */
function alignedSharedMemory(bytes: number): SharedArrayBuffer | null {
  const Memory = (globalThis as { WebAssembly?: { Memory?: WasmMemoryConstructor } }).WebAssembly?.Memory;
  if (Memory === undefined) return null;
  try {
    const pages = Math.ceil(bytes / WASM_PAGE);
    const { buffer } = new Memory({ initial: pages, maximum: pages, shared: true });
    return buffer instanceof SharedArrayBuffer ? buffer : null;
  } catch {
    // WebAssembly turned off (--jitless) or out of address space: a plain buffer still works, without direct I/O.
    return null;
  }
}

/** Rounds `length` up to a whole number of direct-I/O blocks. */
function roundUpToBlock(length: number): number {
  return Math.ceil(length / DIRECT_IO_ALIGNMENT) * DIRECT_IO_ALIGNMENT;
}

/** A zero-filled buffer of `chunkSize` bytes in shared memory, laid out for direct writes where possible. */
export function allocateChunkBuffer(chunkSize: number): Buffer {
  const memory = alignedSharedMemory(roundUpToBlock(CHUNK_HEADER_SIZE + chunkSize));
  if (memory === null) return Buffer.from(new SharedArrayBuffer(chunkSize));
  fileImageMemories.add(memory);
  return Buffer.from(memory, CHUNK_HEADER_SIZE, chunkSize);
}

/**
 * The chunk file's image around `bytes` when they are (a prefix of) a buffer from allocateChunkBuffer: the
 * header's 16 bytes before them, the bytes, and the rest of their last block; it starts on a block boundary.
 * Null for any other bytes.
 */
export function fileImageAround(bytes: Uint8Array): Buffer | null {
  const memory = bytes.buffer;
  if (!(memory instanceof SharedArrayBuffer) || !fileImageMemories.has(memory) || bytes.byteOffset !== CHUNK_HEADER_SIZE) return null;
  const length = roundUpToBlock(CHUNK_HEADER_SIZE + bytes.byteLength);
  return length <= memory.byteLength ? Buffer.from(memory, 0, length) : null;
}
