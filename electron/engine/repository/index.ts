// The backup repository's public surface (format spec: docs/FORMAT.md).
export { Repository, type RepositoryDeps, type RepositoryInitOptions, type RepositoryOpenOptions } from './repository.js';
export { ChunkStore, type ChunkPutResult } from './chunk-store.js';
export { allocateChunkBuffer } from './chunk-buffer.js';
export { PointStore, type ManifestWalk, type ManifestWalkOptions, type PointFilter, type PointListing, type PointSummary } from './point-store.js';
export { prunePoints, type PruneLogLine, type PruneOptions, type PruneResult, type PrunedPoint } from './prune.js';
export { collectGarbage, type CollectGarbageOptions, type GcProgress, type GcResult } from './gc.js';
export {
  verifyRepository,
  type BadChunk,
  type ChunkUse,
  type DamagedManifestReport,
  type VerifyOptions,
  type VerifyProgress,
  type VerifyResult,
} from './verify.js';
export { DiskImageWriter, DEFAULT_WRITE_CONCURRENCY, type DiskImageResult, type DiskImageWriterOptions } from './disk-image-writer.js';
export { exportDisk, type ExportDiskOptions, type ExportDiskResult } from './export-disk.js';
export { DEFAULT_READ_AHEAD, pointDisk, readDiskSlots, type DiskSlot, type ReadDiskOptions } from './disk-reader.js';
export { nonZeroRuns } from './io.js';
export {
  WriterLock,
  acquireWriterLock,
  readWriterLock,
  DEFAULT_HEARTBEAT_INTERVAL_MS,
  DEFAULT_STALE_AFTER_MS,
  type WriterLockOptions,
} from './writer-lock.js';
export {
  CHUNK_ID_PATTERN,
  CONFIG_FILE,
  DEFAULT_CHUNK_SIZE,
  MANIFEST_FORMAT,
  MANIFEST_VERSION,
  REPOSITORY_FORMAT,
  REPOSITORY_VERSION,
  chunkCount,
  chunkLength,
  chunkRelativePath,
  manifestRelativePath,
  manifestSchema,
  repositoryConfigSchema,
  sumDiskStats,
  type Checkpoint,
  type ChunkId,
  type DiskStats,
  type Manifest,
  type ManifestDisk,
  type RepositoryConfig,
  type RepositoryEncryption,
  type VmRef,
} from './format.js';
export * from './errors.js';
