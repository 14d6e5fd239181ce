// The repository format as data: names of files and folders, the schemas of `lifeboat-repo.json`, of restore
// point manifests and of the writer lock, and the rules that tie a manifest to its path. docs/FORMAT.md is the
// written spec; this file must say the same thing.
import { join } from 'node:path';
import { z } from 'zod';

export const REPOSITORY_FORMAT = 'lifeboat-repository';
/** The highest repository format version this code reads, and the one it writes. */
export const REPOSITORY_VERSION = 1;
export const MANIFEST_FORMAT = 'lifeboat-restore-point';
export const MANIFEST_VERSION = 1;
export const LOCK_FORMAT = 'lifeboat-lock';
export const LOCK_VERSION = 1;

export const CONFIG_FILE = 'lifeboat-repo.json';
export const CHUNKS_DIR = 'chunks';
export const POINTS_DIR = 'points';
export const LOCKS_DIR = 'locks';
export const TMP_DIR = 'tmp';
export const PRUNES_LOG = 'prunes.log';
export const WRITER_LOCK_FILE = 'writer.lock';

const MiB = 1024 * 1024;
/** Chunk size of every repository this version creates: 4 MiB, aligned to disk offsets. */
export const DEFAULT_CHUNK_SIZE = 4 * MiB;
/** Chunk sizes a reader accepts (powers of two): the bounds keep a chunk's memory and a manifest's length sane. */
export const MIN_CHUNK_SIZE = 64 * 1024;
export const MAX_CHUNK_SIZE = 64 * MiB;

export const isPowerOfTwo = (n: number): boolean => Number.isSafeInteger(n) && n > 0 && (n & (n - 1)) === 0;

export const chunkSizeSchema = z
  .int()
  .min(MIN_CHUNK_SIZE)
  .max(MAX_CHUNK_SIZE)
  .refine(isPowerOfTwo, 'must be a power of two');

/** A chunk id: the lowercase hex SHA-256 of the chunk's uncompressed bytes. */
export type ChunkId = string;
export const CHUNK_ID_PATTERN = /^[0-9a-f]{64}$/;
export const chunkIdSchema = z.string().regex(CHUNK_ID_PATTERN, 'must be a lowercase hex SHA-256');

/** UUIDs as libvirt and the catalog write them: lowercase, any version (a domain's UUID can be set by hand). */
const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'must be a lowercase UUID');
const timestamp = z.iso.datetime();
const count = z.int().nonnegative();
const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');

// ---------------------------------------------------------------------------------------------------------------
// lifeboat-repo.json

/**
 * Reserved for encrypted repositories (a later format version; see FORMAT.md): version 1 always writes null and
 * refuses to open a repository where this is set.
 */
export const repositoryEncryptionSchema = z.object({
  algorithm: z.literal('AES-256-GCM'),
  /** Chunk ids of an encrypted repository are HMAC-SHA256 under the id key, not plain SHA-256. */
  chunkId: z.literal('hmac-sha256'),
  kdf: z.object({
    name: z.literal('scrypt'),
    N: z.int().positive(),
    r: z.int().positive(),
    p: z.int().positive(),
    salt: base64,
  }),
  /** The 64-byte master key (32 data key + 32 id key), sealed with AES-256-GCM under the passphrase's key. */
  wrappedKey: z.object({ nonce: base64, ciphertext: base64, tag: base64 }),
});
export type RepositoryEncryption = z.infer<typeof repositoryEncryptionSchema>;

export const repositoryConfigSchema = z.object({
  format: z.literal(REPOSITORY_FORMAT),
  version: z.literal(REPOSITORY_VERSION),
  id: uuid,
  createdAt: timestamp,
  chunkSize: chunkSizeSchema,
  hash: z.literal('sha256'),
  compression: z.literal('zstd'),
  encryption: repositoryEncryptionSchema.nullable(),
});
export type RepositoryConfig = z.infer<typeof repositoryConfigSchema>;

// ---------------------------------------------------------------------------------------------------------------
// Restore point manifests

/** A VM's identity: stable across live migration (the libvirt domain UUID within a cluster). */
export interface VmRef {
  clusterId: string;
  vmUuid: string;
}

export const vmRefSchema = z.object({ clusterId: uuid, vmUuid: uuid });

export const diskStatsSchema = z.object({
  /** Bytes read from the source disk for this point (an incremental reads only changed chunks). */
  bytesRead: count,
  /** Bytes of chunk files this point added to the repository (headers included). */
  bytesStored: count,
  /** Chunk slots whose data was not in the repository before and was stored by this point. */
  chunksNew: count,
  /** Non-zero chunk slots whose chunk already existed (dedup, or carried over from the parent point). */
  chunksReused: count,
  /** All-zero chunk slots (null in `chunks`). */
  chunksZero: count,
});
export type DiskStats = z.infer<typeof diskStatsSchema>;

export const manifestDiskSchema = z
  .object({
    /** The disk's target device in the domain XML (`vda`, `sdb`). */
    target: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be a disk target name'),
    /** The source disk's image format on the host (`qcow2`, `raw`): informs restore, the stored data is raw. */
    format: z.string().regex(/^[a-z0-9_-]{1,32}$/, 'must be a disk format name'),
    capacityBytes: count,
    chunkSize: chunkSizeSchema,
    /** One entry per chunk slot: slot i covers bytes [i * chunkSize, min((i + 1) * chunkSize, capacity)). */
    chunks: z.array(chunkIdSchema.nullable()),
    stats: diskStatsSchema,
  })
  .superRefine((disk, ctx) => {
    const expected = Math.ceil(disk.capacityBytes / disk.chunkSize);
    if (disk.chunks.length !== expected) {
      ctx.addIssue({
        code: 'custom',
        path: ['chunks'],
        message: `has ${disk.chunks.length} entries; a capacity of ${disk.capacityBytes} bytes in chunks of ${disk.chunkSize} needs ${expected}`,
      });
    }
    const zero = disk.chunks.reduce((n, id) => (id === null ? n + 1 : n), 0);
    if (disk.stats.chunksZero !== zero) {
      ctx.addIssue({ code: 'custom', path: ['stats', 'chunksZero'], message: `is ${disk.stats.chunksZero} but ${zero} chunks are null` });
    }
    if (disk.stats.chunksNew + disk.stats.chunksReused !== disk.chunks.length - zero) {
      ctx.addIssue({
        code: 'custom',
        path: ['stats'],
        message: `chunksNew + chunksReused is ${disk.stats.chunksNew + disk.stats.chunksReused} but ${disk.chunks.length - zero} chunks are not zero`,
      });
    }
  });
export type ManifestDisk = z.infer<typeof manifestDiskSchema>;

export const checkpointSchema = z.object({
  /** The libvirt checkpoint created with this point; the next incremental reads the changes since it. */
  name: z.string().min(1).max(255),
  /** The checkpoint this one follows (the parent point's), null for the first of a chain. */
  parentName: z.string().min(1).max(255).nullable(),
  /** The checkpoint XML, to redefine it on whichever host runs the VM next (libvirt does not migrate it). */
  xml: z.string().min(1),
});
export type Checkpoint = z.infer<typeof checkpointSchema>;

const STAT_FIELDS = ['bytesRead', 'bytesStored', 'chunksNew', 'chunksReused', 'chunksZero'] as const;

export const manifestSchema = z
  .object({
    format: z.literal(MANIFEST_FORMAT),
    version: z.literal(MANIFEST_VERSION),
    id: uuid,
    createdAt: timestamp,
    completedAt: timestamp,
    vm: vmRefSchema.extend({
      name: z.string().min(1).max(255),
      /** The cluster's name at backup time: a fresh install rebuilding its catalog shows it again. */
      clusterName: z.string().min(1).max(255).optional(),
    }),
    sourceHost: z.object({ id: uuid, label: z.string().min(1).max(255), hostname: z.string().min(1).max(255) }),
    /** The domain XML at backup time (inactive definition), for restore. */
    configXml: z.string().min(1),
    type: z.enum(['full', 'incremental']),
    /** Why a backup meant to be incremental read the whole disk instead (bitmap lost, disk replaced, ...). */
    fullReason: z.string().min(1).max(2000).optional(),
    checkpoint: checkpointSchema.nullable(),
    /** The point whose chunk lists an incremental started from; null for a full. */
    parentPointId: uuid.nullable(),
    disks: z.array(manifestDiskSchema),
    stats: diskStatsSchema,
  })
  .superRefine((m, ctx) => {
    if (Date.parse(m.completedAt) < Date.parse(m.createdAt)) {
      ctx.addIssue({ code: 'custom', path: ['completedAt'], message: 'is before createdAt' });
    }
    if (m.type === 'incremental') {
      if (m.parentPointId === null) ctx.addIssue({ code: 'custom', path: ['parentPointId'], message: 'is required for an incremental' });
      if ((m.checkpoint?.parentName ?? null) === null) ctx.addIssue({ code: 'custom', path: ['checkpoint'], message: 'an incremental needs a checkpoint with a parent' });
      if (m.fullReason !== undefined) ctx.addIssue({ code: 'custom', path: ['fullReason'], message: 'is only for full points' });
    } else if (m.parentPointId !== null) {
      ctx.addIssue({ code: 'custom', path: ['parentPointId'], message: 'must be null for a full point' });
    }
    const targets = new Set<string>();
    for (const [i, disk] of m.disks.entries()) {
      if (targets.has(disk.target)) ctx.addIssue({ code: 'custom', path: ['disks', i, 'target'], message: `${disk.target} appears twice` });
      targets.add(disk.target);
    }
    for (const field of STAT_FIELDS) {
      const sum = m.disks.reduce((n, disk) => n + disk.stats[field], 0);
      if (m.stats[field] !== sum) ctx.addIssue({ code: 'custom', path: ['stats', field], message: `is ${m.stats[field]} but the disks add up to ${sum}` });
    }
  });
export type Manifest = z.infer<typeof manifestSchema>;

/** Adds up per-disk stats into a point's stats (the manifest requires them to match). */
export function sumDiskStats(disks: readonly { stats: DiskStats }[]): DiskStats {
  const total: DiskStats = { bytesRead: 0, bytesStored: 0, chunksNew: 0, chunksReused: 0, chunksZero: 0 };
  for (const disk of disks) for (const field of STAT_FIELDS) total[field] += disk.stats[field];
  return total;
}

/** Path-safe folder names: validated ids only ever become path segments (no `..`, separators or case tricks). */
export const pathSegmentSchema = uuid;

/** `20250114T103000123Z`: a manifest's createdAt in UTC, fixed width so names sort by time. */
export function pointTimeStamp(createdAt: string): string {
  return new Date(createdAt).toISOString().replace(/[-:.]/g, '');
}

/** Where a manifest lives, relative to the repository root, with `/` separators (as reported to users). */
export function manifestRelativePath(m: { id: string; createdAt: string; vm: VmRef }): string {
  return `${POINTS_DIR}/${m.vm.clusterId}/${m.vm.vmUuid}/${pointTimeStamp(m.createdAt)}-${m.id.slice(0, 8)}.json`;
}

export function chunkRelativePath(id: ChunkId): string {
  return `${CHUNKS_DIR}/${id.slice(0, 2)}/${id}`;
}

export function chunkPath(root: string, id: ChunkId): string {
  return join(root, CHUNKS_DIR, id.slice(0, 2), id);
}

/** Chunk slots of a disk. */
export function chunkCount(capacityBytes: number, chunkSize: number): number {
  return Math.ceil(capacityBytes / chunkSize);
}

/** Length of chunk slot `index`: chunkSize, except a shorter last slot. */
export function chunkLength(capacityBytes: number, chunkSize: number, index: number): number {
  return Math.min(chunkSize, capacityBytes - index * chunkSize);
}

// ---------------------------------------------------------------------------------------------------------------
// locks/writer.lock

export const lockFileSchema = z.object({
  format: z.literal(LOCK_FORMAT),
  version: z.int().positive(),
  /** Random per acquisition: lets a holder tell its own lock from one that replaced it. */
  id: uuid,
  pid: z.int().positive(),
  hostname: z.string().min(1),
  /** What the writer is doing (`backup`, `prune`, `gc`), for the "locked by" message. */
  purpose: z.string().min(1).max(200),
  startedAt: timestamp,
  heartbeatAt: timestamp,
});
export type LockFile = z.infer<typeof lockFileSchema>;

/** Zod issues as short "path: message" lines, for error messages that name the field. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.slice(0, 20).map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message));
}
