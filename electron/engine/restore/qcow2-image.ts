// A qcow2 (version 3) image laid out for streaming: the whole file is written front to back in one pass, so a
// restore can send it through libvirt's volume upload without a temporary raw copy or a conversion on the host.
//
//   cluster 0                 header
//   refcount table            one 8-byte entry per refcount block
//   refcount blocks           a 16-bit count per cluster of the file (every used cluster counts 1)
//   L1 table                  one entry per 512 MiB of the disk
//   L2 tables                 only for the 512 MiB ranges holding data
//   data                      the clusters of every non-zero chunk slot, in disk order
//
// The layout is known before any data is read: the restore point says which chunk slots hold data (zero slots
// are null and stay unallocated: they read as zeros). A zero region inside a data chunk is allocated but sent as
// a hole, so the file stays sparse on the host. Clusters are 64 KiB; chunk slots (a power of two of at least
// 64 KiB) cover whole clusters, except the disk's last slot, which may end inside one.
import { chunkLength } from '../repository/index.js';

export const QCOW2_CLUSTER_BITS = 16;
export const QCOW2_CLUSTER_SIZE = 2 ** QCOW2_CLUSTER_BITS;
const QCOW2_MAGIC = 0x514649fb;
const QCOW2_VERSION = 3;
const HEADER_LENGTH = 104;
/** refcount_order 4: 16-bit refcounts, qemu's default. */
const REFCOUNT_ORDER = 4;
const REFCOUNT_BYTES = 2 ** REFCOUNT_ORDER / 8;
const REFCOUNTS_PER_BLOCK = QCOW2_CLUSTER_SIZE / REFCOUNT_BYTES;
const L2_ENTRIES = QCOW2_CLUSTER_SIZE / 8;
/** Bit 63 of L1/L2 entries: the cluster's refcount is exactly 1 (it may be written in place). */
const OFLAG_COPIED = 1n << 63n;

const ceilDiv = (a: number, b: number): number => Math.ceil(a / b);

export interface Qcow2Plan {
  capacityBytes: number;
  chunkSize: number;
  /** File offset of the first data cluster: everything before it is metadata. */
  dataOffset: number;
  /** Size of the whole image file. */
  fileSize: number;
  /** Clusters of the file, metadata and data. */
  clusters: number;
  /** File offset where slot `index`'s bytes go, or null for a zero slot (unallocated). */
  slotOffset(index: number): number | null;
  /** The metadata, in file order, one cluster-aligned buffer at a time (dataOffset bytes in all). */
  metadata(): Generator<Buffer>;
}

/**
 * Plans the image of a disk of `capacityBytes` cut in `chunkSize` slots, where `allocated[i]` says whether slot
 * `i` holds data.
 */
export function planQcow2(capacityBytes: number, chunkSize: number, allocated: readonly boolean[]): Qcow2Plan {
  if (!Number.isSafeInteger(capacityBytes) || capacityBytes <= 0) throw new RangeError(`a qcow2 image needs a positive size, got ${capacityBytes}`);
  if (chunkSize < QCOW2_CLUSTER_SIZE || chunkSize % QCOW2_CLUSTER_SIZE !== 0) {
    throw new RangeError(`chunk slots of ${chunkSize} bytes do not cover whole ${QCOW2_CLUSTER_SIZE}-byte clusters`);
  }
  const slots = ceilDiv(capacityBytes, chunkSize);
  if (allocated.length !== slots) throw new RangeError(`a disk of ${capacityBytes} bytes has ${slots} slots, got ${allocated.length}`);
  const clustersPerSlot = chunkSize / QCOW2_CLUSTER_SIZE;
  const guestClusters = ceilDiv(capacityBytes, QCOW2_CLUSTER_SIZE);
  const l1Size = ceilDiv(guestClusters, L2_ENTRIES);
  const l1Clusters = ceilDiv(l1Size * 8, QCOW2_CLUSTER_SIZE);

  // Rank of each allocated slot among the allocated ones: its place in the data area.
  const rank = new Int32Array(slots).fill(-1);
  const l2Tables = new Set<number>();
  let dataClusters = 0;
  for (let index = 0; index < slots; index += 1) {
    if (!allocated[index]) continue;
    rank[index] = dataClusters / clustersPerSlot;
    const used = ceilDiv(chunkLength(capacityBytes, chunkSize, index), QCOW2_CLUSTER_SIZE);
    const first = index * clustersPerSlot;
    for (let table = Math.floor(first / L2_ENTRIES); table <= Math.floor((first + used - 1) / L2_ENTRIES); table += 1) l2Tables.add(table);
    // Every allocated slot but the last is whole; the last may be short and is last in the data area too.
    dataClusters += index === slots - 1 ? used : clustersPerSlot;
  }
  const tables = [...l2Tables].sort((a, b) => a - b);
  const tableRank = new Map(tables.map((table, i) => [table, i]));

  // The refcount blocks count every cluster, themselves included: grow them until they cover the file.
  let refcountBlocks = 1;
  let refcountTableClusters = 1;
  let clusters = 0;
  for (;;) {
    clusters = 1 + refcountTableClusters + refcountBlocks + l1Clusters + tables.length + dataClusters;
    const blocks = ceilDiv(clusters, REFCOUNTS_PER_BLOCK);
    const tableClusters = ceilDiv(blocks * 8, QCOW2_CLUSTER_SIZE);
    if (blocks === refcountBlocks && tableClusters === refcountTableClusters) break;
    refcountBlocks = Math.max(refcountBlocks, blocks);
    refcountTableClusters = Math.max(refcountTableClusters, tableClusters);
  }
  const refcountTableOffset = QCOW2_CLUSTER_SIZE;
  const refcountBlocksOffset = refcountTableOffset + refcountTableClusters * QCOW2_CLUSTER_SIZE;
  const l1Offset = refcountBlocksOffset + refcountBlocks * QCOW2_CLUSTER_SIZE;
  const l2Offset = l1Offset + l1Clusters * QCOW2_CLUSTER_SIZE;
  const dataOffset = l2Offset + tables.length * QCOW2_CLUSTER_SIZE;

  const slotOffset = (index: number): number | null => {
    const r = rank[index];
    return r === undefined || r < 0 ? null : dataOffset + r * chunkSize;
  };

  function* metadata(): Generator<Buffer> {
    const header = Buffer.alloc(QCOW2_CLUSTER_SIZE);
    header.writeUInt32BE(QCOW2_MAGIC, 0);
    header.writeUInt32BE(QCOW2_VERSION, 4);
    // 8: backing file offset, 16: its length (none).
    header.writeUInt32BE(QCOW2_CLUSTER_BITS, 20);
    header.writeBigUInt64BE(BigInt(capacityBytes), 24);
    // 32: encryption method (none).
    header.writeUInt32BE(l1Size, 36);
    header.writeBigUInt64BE(BigInt(l1Offset), 40);
    header.writeBigUInt64BE(BigInt(refcountTableOffset), 48);
    header.writeUInt32BE(refcountTableClusters, 56);
    // 60: snapshots (none), 64: their offset; 72, 80, 88: incompatible, compatible, autoclear features (none).
    header.writeUInt32BE(REFCOUNT_ORDER, 96);
    header.writeUInt32BE(HEADER_LENGTH, 100);
    // The header extensions that follow end with a zero type: the zeros already there.
    yield header;

    const refcountTable = Buffer.alloc(refcountTableClusters * QCOW2_CLUSTER_SIZE);
    for (let block = 0; block < refcountBlocks; block += 1) {
      refcountTable.writeBigUInt64BE(BigInt(refcountBlocksOffset + block * QCOW2_CLUSTER_SIZE), block * 8);
    }
    yield refcountTable;

    for (let block = 0; block < refcountBlocks; block += 1) {
      const counts = Buffer.alloc(QCOW2_CLUSTER_SIZE);
      const first = block * REFCOUNTS_PER_BLOCK;
      const used = Math.min(REFCOUNTS_PER_BLOCK, clusters - first);
      for (let i = 0; i < used; i += 1) counts.writeUInt16BE(1, i * REFCOUNT_BYTES);
      yield counts;
    }

    const l1 = Buffer.alloc(l1Clusters * QCOW2_CLUSTER_SIZE);
    for (const [table, i] of tableRank) l1.writeBigUInt64BE(BigInt(l2Offset + i * QCOW2_CLUSTER_SIZE) | OFLAG_COPIED, table * 8);
    yield l1;

    for (const table of tables) {
      const l2 = Buffer.alloc(QCOW2_CLUSTER_SIZE);
      const firstCluster = table * L2_ENTRIES;
      const lastCluster = Math.min(firstCluster + L2_ENTRIES, guestClusters);
      for (let guest = firstCluster; guest < lastCluster; guest += 1) {
        const index = Math.floor(guest / clustersPerSlot);
        const base = slotOffset(index);
        if (base === null) continue;
        const within = guest - index * clustersPerSlot;
        if (within * QCOW2_CLUSTER_SIZE >= chunkLength(capacityBytes, chunkSize, index)) continue;
        l2.writeBigUInt64BE(BigInt(base + within * QCOW2_CLUSTER_SIZE) | OFLAG_COPIED, (guest - firstCluster) * 8);
      }
      yield l2;
    }
  }

  return { capacityBytes, chunkSize, dataOffset, fileSize: clusters * QCOW2_CLUSTER_SIZE, clusters, slotOffset, metadata };
}
