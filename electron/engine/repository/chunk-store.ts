// Content-addressed chunk files: `chunks/<first 2 hex>/<sha256 hex>`. A chunk is written once (temp file in
// `tmp/`, fsync, rename) and never changed; storing bytes whose id exists is a no-op, which is all the dedup
// there is. Reading decompresses and checks the SHA-256 against the id, so damage is found, never restored.
import { createHash, randomBytes, webcrypto } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { open, readFile, rename, rm, stat, statfs, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { constants as zlibConstants, zstdCompress, zstdCompressSync, zstdDecompress } from 'node:zlib';
import { fsyncDirectory } from '../fs/atomic-write.js';
import { fileImageAround } from './chunk-buffer.js';
import { ChunkHasher } from './chunk-hasher.js';
import { CHUNK_HEADER_SIZE, Compression, decodeChunkFile, encodeChunkHeader } from './chunk-file.js';
import { ChunkCorruptError, ChunkMissingError } from './errors.js';
import { CHUNK_ID_PATTERN, TMP_DIR, chunkPath, type ChunkId } from './format.js';
import { ensureDirDurable, errorCode, isAllZero, rethrowWrite } from './io.js';

const compress = promisify(zstdCompress);
const decompress = promisify(zstdDecompress);

/** zstd level 3 (zstd's default): on a 4 MiB chunk, several hundred MiB/s per core while still squeezing VM disks well. */
const ZSTD_LEVEL = 3;

/**
 * zlib's async calls hand their output back one buffer at a time, 16 KiB by default: a round trip between the
 * thread pool and the event loop for every 16 KiB made zstd several times slower on 4 MiB chunks. One buffer
 * that fits a whole chunk (zstd's worst case is the input plus a little) makes it one trip.
 */
function outputBufferFor(length: number): number {
  return Math.max(64 * 1024, length + (length >> 7) + 1024);
}

/**
 * Whether zstd is worth running on a whole chunk. On random or already-compressed data (media, archives,
 * encrypted volumes) zstd level 3 takes about 7 ms of CPU per 4 MiB, more than hashing and writing the chunk, for
 * nothing: such a chunk is stored as it is anyway. So 16 slices of 4 KiB spread over the chunk are compressed
 * first (zstd level 1, under a millisecond); when that sample does not shrink by 1/32, the chunk is stored without
 * trying. A mostly random chunk with a compressible stretch between the slices may be stored raw, which costs a
 * few percent of its size at most; bytes are stored exactly either way.
 */
const SAMPLE_SLICES = 16;
const SAMPLE_SLICE = 4096;
export function worthCompressing(bytes: Uint8Array): boolean {
  if (bytes.byteLength <= 4 * SAMPLE_SLICES * SAMPLE_SLICE) return true;
  const sample = Buffer.allocUnsafe(SAMPLE_SLICES * SAMPLE_SLICE);
  const step = Math.floor((bytes.byteLength - SAMPLE_SLICE) / (SAMPLE_SLICES - 1));
  for (let i = 0; i < SAMPLE_SLICES; i += 1) sample.set(bytes.subarray(i * step, i * step + SAMPLE_SLICE), i * SAMPLE_SLICE);
  const packed = zstdCompressSync(sample, { params: { [zlibConstants.ZSTD_c_compressionLevel]: 1 } });
  return packed.length < sample.length - sample.length / 32;
}

/**
 * File systems whose direct I/O Lifeboat uses (statfs magic numbers): the common local Linux ones. Elsewhere
 * (tmpfs has none; NFS and SMB shares have their own caching rules; other platforms) chunks go through the page
 * cache as before.
 */
const DIRECT_IO_FILE_SYSTEMS = new Set([
  0xef53, // ext2, ext3, ext4
  0x58465342, // XFS
  0x9123683e, // Btrfs
]);

async function supportsDirectWrites(root: string): Promise<boolean> {
  if (process.platform !== 'linux' || fsConstants.O_DIRECT === undefined) return false;
  try {
    return DIRECT_IO_FILE_SYSTEMS.has((await statfs(root)).type);
  } catch {
    return false;
  }
}

export type ChunkPutResult =
  /** Non-zero bytes: `stored` is false when a chunk with this id was already there. */
  | { id: ChunkId; zero: false; stored: boolean; storedBytes: number }
  /** All-zero bytes are never stored; a manifest marks the slot null. */
  | { id: null; zero: true; stored: false; storedBytes: 0 };

export interface ChunkStoreOptions {
  root: string;
  chunkSize: number;
  /** Throws unless this process may write (holds the writer lock). */
  assertWritable: () => void;
}

export class ChunkStore {
  readonly root: string;
  readonly chunkSize: number;
  readonly #assertWritable: () => void;
  /** Puts under way by id: a second put of the same bytes waits for the first instead of writing again. */
  readonly #pending = new Map<ChunkId, Promise<number>>();
  /** Chunk folders known to exist (created or seen by this instance). */
  readonly #knownDirs = new Set<string>();
  /** Folders whose entries must be made durable before a manifest may reference the chunks in them. */
  readonly #dirtyDirs = new Set<string>();
  /** Started with the first put of bytes in a SharedArrayBuffer (a backup's), stopped by close(). */
  #hasher: ChunkHasher | null = null;
  /** Whether raw chunks in a file-image buffer are written with O_DIRECT: decided at the first such put. */
  #direct: Promise<boolean> | null = null;
  #directWrites = 0;

  constructor(options: ChunkStoreOptions) {
    this.root = options.root;
    this.chunkSize = options.chunkSize;
    this.#assertWritable = options.assertWritable;
  }

  /** Chunk files this instance wrote with direct I/O (the rest went through the page cache). */
  get directWrites(): number {
    return this.#directWrites;
  }

  pathOf(id: ChunkId): string {
    if (!CHUNK_ID_PATTERN.test(id)) throw new RangeError(`not a chunk id: ${JSON.stringify(id)}`);
    return chunkPath(this.root, id);
  }

  /** The chunk id of `bytes` (SHA-256, lowercase hex), or null when they are all zero. */
  static idOf(bytes: Uint8Array): ChunkId | null {
    return isAllZero(bytes) ? null : createHash('sha256').update(bytes).digest('hex');
  }

  /**
   * idOf() with the hashing off the event loop: WebCrypto hashes on libuv's thread pool, after copying the bytes
   * (a tenth of the hashing's cost). Hashing a 4 MiB chunk takes 3 ms of CPU or more, at 100 chunks a second a
   * third of the event loop, which holds up every NBD reply, file callback and (over SSH) decryption queued behind
   * it, and in the desktop app the main process's IPC. Several chunks can also be hashed at once on several cores.
   */
  static async idOfAsync(bytes: Uint8Array): Promise<ChunkId | null> {
    return isAllZero(bytes) ? null : Buffer.from(await webcrypto.subtle.digest('SHA-256', bytes)).toString('hex');
  }

  async has(id: ChunkId): Promise<boolean> {
    const path = this.pathOf(id);
    try {
      const found = (await stat(path)).isFile();
      // A chunk a new manifest will reference may have been renamed into place by a writer that crashed before
      // making it durable: its folder is synced again before that manifest is written.
      if (found) this.#dirtyDirs.add(dirname(path));
      return found;
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return false;
      throw error;
    }
  }

  /**
   * Stores one chunk's bytes (1 .. chunkSize of them) unless a chunk with the same id exists. Resolves once the
   * chunk file is complete and fsynced under its final name; its folder entry is made durable by flush(), which
   * PointStore.write calls before any manifest can reference it.
   */
  async put(bytes: Uint8Array): Promise<ChunkPutResult> {
    this.#assertWritable();
    if (bytes.byteLength === 0 || bytes.byteLength > this.chunkSize) {
      throw new RangeError(`a chunk holds 1 to ${this.chunkSize} bytes, got ${bytes.byteLength}`);
    }
    // A backup's chunks live in shared memory and are hashed in place on the hashing threads; others are copied.
    let id: ChunkId | null = null;
    if (!isAllZero(bytes)) id = ChunkHasher.canHashInPlace(bytes) ? await (this.#hasher ??= new ChunkHasher()).hash(bytes) : await ChunkStore.idOfAsync(bytes);
    if (id === null) return { id: null, zero: true, stored: false, storedBytes: 0 };
    const running = this.#pending.get(id);
    if (running) {
      await running;
      return { id, zero: false, stored: false, storedBytes: 0 };
    }
    const write = this.#store(id, bytes);
    this.#pending.set(id, write);
    try {
      const storedBytes = await write;
      return { id, zero: false, stored: storedBytes > 0, storedBytes };
    } finally {
      this.#pending.delete(id);
    }
  }

  /** Returns the bytes written (header included), or 0 when the chunk was already there. */
  async #store(id: ChunkId, bytes: Uint8Array): Promise<number> {
    const path = this.pathOf(id);
    if (await this.has(id)) return 0;
    const packed = worthCompressing(bytes)
      ? await compress(bytes, { chunkSize: outputBufferFor(bytes.byteLength), params: { [zlibConstants.ZSTD_c_compressionLevel]: ZSTD_LEVEL } })
      : null;
    // Random or already-compressed data grows a little under zstd: store it as it is.
    const useZstd = packed !== null && packed.length < bytes.byteLength;
    const payload = useZstd ? packed : bytes;
    const header = encodeChunkHeader({
      compression: useZstd ? Compression.zstd : Compression.none,
      uncompressedLength: bytes.byteLength,
      payloadLength: payload.byteLength,
    });
    const dir = dirname(path);
    if (!this.#knownDirs.has(dir)) {
      await ensureDirDurable(dir, this.root);
      this.#knownDirs.add(dir);
    }
    const temp = join(this.root, TMP_DIR, `chunk-${id}.${randomBytes(6).toString('hex')}`);
    const image = useZstd ? null : fileImageAround(bytes);
    try {
      if (image === null || !(await this.#writeDirect(temp, image, header, bytes.byteLength))) {
        const handle = await open(temp, 'wx', 0o644);
        try {
          await handle.writev([header, payload]);
          await handle.sync();
        } finally {
          await handle.close();
        }
      }
      await rename(temp, path);
    } catch (error) {
      await rm(temp, { force: true });
      rethrowWrite(error, path);
    }
    this.#dirtyDirs.add(dir);
    return CHUNK_HEADER_SIZE + payload.byteLength;
  }

  /**
   * Writes a raw chunk's file at `temp` with O_DIRECT from its image in memory (see chunk-buffer.ts): the header
   * goes into the 16 bytes before the chunk, the whole blocks are written, the file is cut to its length and
   * fsynced. Returns false, having written nothing, where direct I/O is not used or the file system refuses it
   * (EINVAL): the caller then writes through the page cache, and so does every later put.
   */
  async #writeDirect(temp: string, image: Buffer, header: Buffer, length: number): Promise<boolean> {
    if (!(await (this.#direct ??= supportsDirectWrites(this.root)))) return false;
    const fileLength = CHUNK_HEADER_SIZE + length;
    header.copy(image, 0);
    // The block's tail past the file's end is cut off, but zeroed first: it held some earlier chunk's bytes.
    image.fill(0, fileLength);
    let handle: FileHandle;
    try {
      handle = await open(temp, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_DIRECT, 0o644);
    } catch (error) {
      if (errorCode(error) !== 'EINVAL') throw error;
      this.#direct = Promise.resolve(false);
      return false;
    }
    try {
      for (let at = 0; at < image.length; ) {
        const { bytesWritten } = await handle.write(image, at, image.length - at, at);
        if (bytesWritten === 0) throw Object.assign(new Error(`direct write of ${temp} made no progress at byte ${at}`), { code: 'EIO' });
        at += bytesWritten;
      }
      await handle.truncate(fileLength);
      await handle.sync();
    } catch (error) {
      await handle.close().catch(() => undefined);
      if (errorCode(error) !== 'EINVAL') throw error;
      this.#direct = Promise.resolve(false);
      await rm(temp, { force: true });
      return false;
    }
    await handle.close();
    this.#directWrites += 1;
    return true;
  }

  /** Stops the hashing threads, if any were started. */
  async close(): Promise<void> {
    const hasher = this.#hasher;
    this.#hasher = null;
    await hasher?.close();
  }

  /** Makes every chunk stored or found since the last flush durable (fsyncs their folders). */
  async flush(): Promise<void> {
    const dirs = [...this.#dirtyDirs];
    this.#dirtyDirs.clear();
    try {
      for (let i = 0; i < dirs.length; i += 16) await Promise.all(dirs.slice(i, i + 16).map((dir) => fsyncDirectory(dir)));
    } catch (error) {
      for (const dir of dirs) this.#dirtyDirs.add(dir);
      throw error;
    }
  }

  /**
   * Reads a chunk, decompresses it and checks its SHA-256 against `id`. Throws ChunkMissingError when there is
   * no such chunk and ChunkCorruptError (naming the file) when its bytes are not the chunk's.
   */
  async get(id: ChunkId): Promise<Buffer> {
    const path = this.pathOf(id);
    let file: Buffer;
    try {
      file = await readFile(path);
    } catch (error) {
      if (errorCode(error) === 'ENOENT') throw new ChunkMissingError(id, path);
      throw error;
    }
    const decoded = decodeChunkFile(file, this.chunkSize);
    if ('problem' in decoded) throw new ChunkCorruptError(id, path, decoded.problem);
    const { header, payload } = decoded;
    let data: Buffer;
    if (header.compression === Compression.zstd) {
      try {
        data = await decompress(payload, { chunkSize: outputBufferFor(header.uncompressedLength), maxOutputLength: header.uncompressedLength });
      } catch (error) {
        throw new ChunkCorruptError(id, path, `zstd data does not decompress (${error instanceof Error ? error.message : String(error)})`, { cause: error });
      }
    } else {
      data = payload;
    }
    if (data.length !== header.uncompressedLength) {
      throw new ChunkCorruptError(id, path, `decompressed to ${data.length} bytes, header says ${header.uncompressedLength}`);
    }
    const actual = createHash('sha256').update(data).digest('hex');
    if (actual !== id) throw new ChunkCorruptError(id, path, `content hashes to ${actual}`);
    return data;
  }
}
