// Raw chunks written with direct I/O from a backup's chunk buffers: the files are byte for byte what the page
// cache path writes (header, payload, exact length), for full and short chunks and a reused buffer that held
// longer data; compressible chunks, ordinary buffers and file systems without direct I/O (tmpfs) take the page
// cache path; and a reader cannot tell the two apart.
import { mkdtempSync, readFileSync, rmSync, statfsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { allocateChunkBuffer, fileImageAround } from '../../../electron/engine/repository/chunk-buffer.js';
import { CHUNK_HEADER_SIZE, Compression, decodeChunkFile } from '../../../electron/engine/repository/chunk-file.js';
import { Repository } from '../../../electron/engine/repository/index.js';
import { MiB, compressibleBytes, manualClock, seededBytes, sha256, silentLogger } from './support.js';

const EXT4 = 0xef53;
const TMPFS = 0x01021994;

/** A folder on a file system of the given kind: /var/tmp is the root file system (ext4) on these machines. */
function folderOn(parent: string, fsType: number, name: string): string {
  const type = statfsSync(parent).type;
  if (type !== fsType) throw new Error(`${parent} is file system 0x${type.toString(16)}, this test needs 0x${fsType.toString(16)}`);
  return mkdtempSync(join(parent, `lifeboat-${name}-`));
}

function inBuffer(bytes: Uint8Array, chunkSize: number): Buffer {
  const buffer = allocateChunkBuffer(chunkSize);
  buffer.set(bytes);
  return buffer.subarray(0, bytes.byteLength);
}

describe('chunk buffers', () => {
  it('are shared memory with a block-aligned file image around them; other bytes have none', () => {
    const buffer = allocateChunkBuffer(4 * MiB);
    expect(buffer.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(buffer.length).toBe(4 * MiB);
    expect(buffer.every((b) => b === 0)).toBe(true);
    expect(buffer.byteOffset).toBe(CHUNK_HEADER_SIZE);
    expect(fileImageAround(buffer)?.length).toBe(4 * MiB + 4096);
    expect(fileImageAround(buffer.subarray(0, 5000))?.length).toBe(8192);
    expect(fileImageAround(buffer.subarray(1))).toBeNull();
    expect(fileImageAround(Buffer.alloc(4096))).toBeNull();
    expect(fileImageAround(Buffer.from(new SharedArrayBuffer(4096 + CHUNK_HEADER_SIZE), CHUNK_HEADER_SIZE, 4096))).toBeNull();
  });
});

describe('ChunkStore direct writes', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function repositoryIn(dir: string, chunkSize: number): Promise<Repository> {
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const repo = await Repository.init(join(dir, 'repo'), { clock: manualClock(), logger: silentLogger(), writer: true, chunkSize });
    cleanups.push(() => repo.close());
    return repo;
  }

  function expectChunkFile(repo: Repository, bytes: Buffer, compression: number): void {
    const path = repo.chunks.pathOf(sha256(bytes));
    const file = readFileSync(path);
    const decoded = decodeChunkFile(file, repo.config.chunkSize);
    if ('problem' in decoded) throw new Error(decoded.problem);
    expect(decoded.header).toEqual({ compression, uncompressedLength: bytes.length, payloadLength: file.length - CHUNK_HEADER_SIZE });
    if (compression === Compression.none) expect(decoded.payload.equals(bytes)).toBe(true);
    expect(statSync(path).size).toBe(file.length);
  }

  it('writes raw chunks from chunk buffers on ext4: exact files, read back the same', async () => {
    const repo = await repositoryIn(folderOn('/var/tmp', EXT4, 'direct'), 4 * MiB);
    const full = seededBytes('full', 4 * MiB);
    const short = seededBytes('short', 5000);
    // A reused buffer: its earlier, longer bytes lie past the short chunk's end, in the block written then cut.
    const reused = allocateChunkBuffer(4 * MiB);
    reused.set(seededBytes('earlier', 4 * MiB));
    reused.set(short);
    const odd = seededBytes('odd', 3 * MiB + 4095);

    for (const [bytes, view] of [
      [full, inBuffer(full, 4 * MiB)],
      [short, reused.subarray(0, short.length)],
      [odd, inBuffer(odd, 4 * MiB)],
    ] as const) {
      expect(await repo.chunks.put(view)).toMatchObject({ id: sha256(bytes), stored: true, storedBytes: CHUNK_HEADER_SIZE + bytes.length });
      expectChunkFile(repo, bytes, Compression.none);
      expect((await repo.chunks.get(sha256(bytes))).equals(bytes)).toBe(true);
    }
    expect(repo.chunks.directWrites).toBe(3);
    // The chunk's bytes are untouched by the header written before them.
    expect(reused.subarray(0, short.length).equals(short)).toBe(true);
  });

  it('writes compressible chunks and ordinary buffers through the page cache, into the same format', async () => {
    const repo = await repositoryIn(folderOn('/var/tmp', EXT4, 'direct'), 4 * MiB);
    const text = compressibleBytes('text', 4 * MiB);
    await repo.chunks.put(inBuffer(text, 4 * MiB));
    expectChunkFile(repo, text, Compression.zstd);
    const plain = seededBytes('plain', 4 * MiB);
    await repo.chunks.put(Buffer.from(plain));
    expectChunkFile(repo, plain, Compression.none);
    expect(repo.chunks.directWrites).toBe(0);
    expect((await repo.chunks.get(sha256(text))).equals(text)).toBe(true);
  });

  it('falls back to the page cache where the file system has no direct I/O (tmpfs)', async () => {
    const repo = await repositoryIn(folderOn('/dev/shm', TMPFS, 'no-direct'), 4 * MiB);
    const full = seededBytes('tmpfs', 4 * MiB);
    await repo.chunks.put(inBuffer(full, 4 * MiB));
    expectChunkFile(repo, full, Compression.none);
    expect(repo.chunks.directWrites).toBe(0);
    expect((await repo.chunks.get(sha256(full))).equals(full)).toBe(true);
  });
});
