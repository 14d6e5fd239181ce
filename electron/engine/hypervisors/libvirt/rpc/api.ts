// Typed wrappers for the libvirt calls Lifeboat needs, each checked against a libvirt 9.0 daemon (see
// docs/LIBVIRT-RPC.md). Arguments and results are plain objects; objects are referred to by the refs libvirt
// returns (DomainRef, StoragePoolRef, StorageVolRef, CheckpointRef). Every method takes CallOptions last
// (timeout, AbortSignal). A reply whose layout does not match exactly fails with LibvirtProtocolError.

import { type CallOptions, type LibvirtRpcClient } from './client.js';
import { LibvirtConnectionError, LibvirtProtocolError } from './errors.js';
import {
  type CheckpointRef,
  type DomainRef,
  DomainEventId,
  MIN_CHECKPOINT_BYTES,
  MIN_DOMAIN_BYTES,
  MIN_INTERFACE_BYTES,
  MIN_NETWORK_BYTES,
  MIN_POOL_BYTES,
  MIN_VOL_BYTES,
  REMOTE_AUTH_TYPE_LIST_MAX,
  REMOTE_DOMAIN_CHECKPOINT_LIST_MAX,
  REMOTE_DOMAIN_JOB_STATS_MAX,
  REMOTE_DOMAIN_LIST_MAX,
  REMOTE_INTERFACE_LIST_MAX,
  REMOTE_NETWORK_LIST_MAX,
  REMOTE_STORAGE_POOL_LIST_MAX,
  REMOTE_STORAGE_VOL_LIST_MAX,
  REMOTE_PROGRAM,
  RemoteProcedure,
  StorageVolStreamFlags,
  type InterfaceRef,
  type NetworkRef,
  type StoragePoolRef,
  type StorageVolRef,
  type TypedParamValue,
  VIR_UUID_BUFLEN,
  procedureName,
  readCheckpoint,
  readDomain,
  readInterface,
  readNetwork,
  readPool,
  readString,
  readTypedParam,
  readVol,
  uuidToBytes,
  writeCheckpoint,
  writeDomain,
  writeInterface,
  writeNetwork,
  writePool,
  writeString,
  writeVol,
} from './procedures.js';
import { type LibvirtDownloadStream, type LibvirtUploadStream } from './streams.js';
import { XdrReader, XdrWriter } from './xdr.js';

/** virNodeInfo. */
export interface NodeInfo {
  /** CPU model, e.g. "x86_64". */
  model: string;
  memoryKiB: number;
  cpus: number;
  mhz: number;
  numaNodes: number;
  sockets: number;
  cores: number;
  threads: number;
}

/** virDomainInfo. */
export interface DomainInfo {
  /** DomainState value; domainStateName() gives virsh's wording. */
  state: number;
  maxMemKiB: number;
  memoryKiB: number;
  vcpus: number;
  /** CPU time used, in nanoseconds. */
  cpuTimeNs: number;
}

export interface DomainStateInfo {
  state: number;
  /** The state's reason (virDomainRunningReason, virDomainShutoffReason, ...). */
  reason: number;
}

/** virDomainBlockInfo, in bytes. */
export interface DomainBlockInfo {
  capacity: number;
  allocation: number;
  physical: number;
}

/** virStoragePoolInfo, in bytes. */
export interface StoragePoolInfo {
  /** StoragePoolState value. */
  state: number;
  capacity: number;
  allocation: number;
  available: number;
}

/** virStorageVolInfo, in bytes. */
export interface StorageVolInfo {
  /** StorageVolType value. */
  type: number;
  capacity: number;
  allocation: number;
}

/** virDomainJobInfo (the legacy fixed set; byte counts and times in ms). */
export interface DomainJobInfo {
  /** DomainJobType value. */
  type: number;
  timeElapsedMs: number;
  timeRemainingMs: number;
  dataTotal: number;
  dataProcessed: number;
  dataRemaining: number;
  memTotal: number;
  memProcessed: number;
  memRemaining: number;
  fileTotal: number;
  fileProcessed: number;
  fileRemaining: number;
}

export interface DomainJobStats {
  /** DomainJobType value. */
  type: number;
  /** Typed parameters by name (e.g. "operation", "time_elapsed", "disk_total"). */
  params: Record<string, TypedParamValue>;
}

export interface VolumeTransferOptions {
  /** Byte offset in the volume. */
  offset?: number;
  /** Bytes to transfer; 0 means to the end of the volume. */
  length?: number;
  /** Transfer holes as hole packets instead of zeros (VIR_STORAGE_VOL_*_SPARSE_STREAM). */
  sparse?: boolean;
}

/** A lifecycle event (VIR_DOMAIN_EVENT_ID_LIFECYCLE). */
export interface DomainLifecycleEventInfo {
  domain: DomainRef;
  /** DomainLifecycleEvent value; lifecycleEventName() names it. */
  event: number;
  /** The event's detail (e.g. virDomainEventStartedDetailType). */
  detail: number;
}

export interface EventSubscription {
  readonly callbackId: number;
  /** Deregisters on the daemon and stops the listener. */
  unsubscribe(options?: CallOptions): Promise<void>;
}

type Encoder = (writer: XdrWriter) => void;
type Decoder<T> = (reader: XdrReader) => T;

const domainArg =
  (domain: DomainRef): Encoder =>
  (w) => {
    writeDomain(w, domain);
  };
const domainFlagsArgs =
  (domain: DomainRef, flags: number): Encoder =>
  (w) => {
    writeDomain(w, domain);
    w.writeUint(flags);
  };
const poolArg =
  (pool: StoragePoolRef): Encoder =>
  (w) => {
    writePool(w, pool);
  };
const volArg =
  (vol: StorageVolRef): Encoder =>
  (w) => {
    writeVol(w, vol);
  };
const decodeDomainRet: Decoder<DomainRef> = (r) => readDomain(r);
const decodeStringRet: Decoder<string> = (r) => readString(r);

export class LibvirtApi {
  private lifecycleListenerInstalled = false;
  private readonly lifecycleListeners = new Map<number, (event: DomainLifecycleEventInfo) => void>();

  readonly client: LibvirtRpcClient;

  constructor(client: LibvirtRpcClient) {
    this.client = client;
  }

  // ---- Connection ----

  /** The authentication schemes the daemon requires (RemoteAuthType values); empty or [NONE] means none. */
  authList(options?: CallOptions): Promise<number[]> {
    return this.invoke(RemoteProcedure.AUTH_LIST, null, (r) => r.readArray(REMOTE_AUTH_TYPE_LIST_MAX, (rr) => rr.readInt()), options);
  }

  /** CONNECT_SUPPORTS_FEATURE with a DriverFeature value. */
  connectSupportsFeature(feature: number, options?: CallOptions): Promise<boolean> {
    return this.invoke(RemoteProcedure.CONNECT_SUPPORTS_FEATURE, (w) => w.writeInt(feature), (r) => r.readInt() !== 0, options);
  }

  /** Opens the hypervisor connection on the daemon side, e.g. `qemu:///system`. */
  connectOpen(uri: string | null, flags = 0, options?: CallOptions): Promise<void> {
    return this.invoke(
      RemoteProcedure.CONNECT_OPEN,
      (w) => {
        w.writeOptional(uri, writeString);
        w.writeUint(flags);
      },
      null,
      options,
    );
  }

  /**
   * Closes the hypervisor connection; the daemon then closes the socket. virt-ssh-helper drops the daemon's last
   * reply when the socket closes right behind it, so the connection ending counts as success.
   */
  async connectClose(options?: CallOptions): Promise<void> {
    try {
      await this.invoke(RemoteProcedure.CONNECT_CLOSE, null, null, options);
    } catch (error) {
      if (error instanceof LibvirtConnectionError && error.kind === 'closed') return;
      throw error;
    }
  }

  /** The host's name as libvirtd sees it (`virsh hostname`). */
  getHostname(options?: CallOptions): Promise<string> {
    return this.invoke(RemoteProcedure.CONNECT_GET_HOSTNAME, null, decodeStringRet, options);
  }

  /** The driver name, e.g. "QEMU". */
  getType(options?: CallOptions): Promise<string> {
    return this.invoke(RemoteProcedure.CONNECT_GET_TYPE, null, decodeStringRet, options);
  }

  /** Hypervisor version as major * 1 000 000 + minor * 1000 + micro (QEMU 7.2.0 → 7002000). */
  getVersion(options?: CallOptions): Promise<number> {
    return this.invoke(RemoteProcedure.CONNECT_GET_VERSION, null, (r) => r.readUhyperNumber(), options);
  }

  /** libvirt version of the daemon, same encoding (9.0.0 → 9000000). */
  getLibVersion(options?: CallOptions): Promise<number> {
    return this.invoke(RemoteProcedure.CONNECT_GET_LIB_VERSION, null, (r) => r.readUhyperNumber(), options);
  }

  nodeGetInfo(options?: CallOptions): Promise<NodeInfo> {
    return this.invoke(
      RemoteProcedure.NODE_GET_INFO,
      null,
      (r) => {
        // char model[32]: rpcgen encodes each char as a 4-byte unit.
        const model: number[] = [];
        for (let i = 0; i < 32; i += 1) model.push(r.readInt() & 0xff);
        const end = model.indexOf(0);
        return {
          model: Buffer.from(end === -1 ? model : model.slice(0, end)).toString('latin1'),
          memoryKiB: r.readUhyperNumber(),
          cpus: r.readInt(),
          mhz: r.readInt(),
          numaNodes: r.readInt(),
          sockets: r.readInt(),
          cores: r.readInt(),
          threads: r.readInt(),
        };
      },
      options,
    );
  }

  /** The capabilities XML (`virsh capabilities`). */
  getCapabilities(options?: CallOptions): Promise<string> {
    return this.invoke(RemoteProcedure.CONNECT_GET_CAPABILITIES, null, decodeStringRet, options);
  }

  /**
   * What the hypervisor offers for one kind of guest (`virsh domcapabilities`): firmware, devices, CPU modes. Each
   * argument may be null for the host's default.
   */
  getDomainCapabilities(
    query: { emulator?: string | null; arch?: string | null; machine?: string | null; virtType?: string | null } = {},
    flags = 0,
    options?: CallOptions,
  ): Promise<string> {
    return this.invoke(
      RemoteProcedure.CONNECT_GET_DOMAIN_CAPABILITIES,
      (w) => {
        w.writeOptional(query.emulator ?? null, writeString);
        w.writeOptional(query.arch ?? null, writeString);
        w.writeOptional(query.machine ?? null, writeString);
        w.writeOptional(query.virtType ?? null, writeString);
        w.writeUint(flags);
      },
      decodeStringRet,
      options,
    );
  }

  // ---- Domains ----

  /** All domains matching ListAllDomainsFlags (0: every domain, running or not). */
  listAllDomains(flags = 0, options?: CallOptions): Promise<DomainRef[]> {
    return this.invoke(
      RemoteProcedure.CONNECT_LIST_ALL_DOMAINS,
      (w) => w.writeInt(1).writeUint(flags),
      (r) => {
        const domains = r.readArray(REMOTE_DOMAIN_LIST_MAX, readDomain, MIN_DOMAIN_BYTES);
        r.readUint();
        return domains;
      },
      options,
    );
  }

  domainLookupByUuid(uuid: string, options?: CallOptions): Promise<DomainRef> {
    const bytes = uuidToBytes(uuid);
    return this.invoke(RemoteProcedure.DOMAIN_LOOKUP_BY_UUID, (w) => w.writeFixedOpaque(bytes, VIR_UUID_BUFLEN), decodeDomainRet, options);
  }

  domainLookupByName(name: string, options?: CallOptions): Promise<DomainRef> {
    return this.invoke(RemoteProcedure.DOMAIN_LOOKUP_BY_NAME, (w) => writeString(w, name), decodeDomainRet, options);
  }

  domainGetInfo(domain: DomainRef, options?: CallOptions): Promise<DomainInfo> {
    return this.invoke(
      RemoteProcedure.DOMAIN_GET_INFO,
      domainArg(domain),
      (r) => ({
        state: r.readUint(),
        maxMemKiB: r.readUhyperNumber(),
        memoryKiB: r.readUhyperNumber(),
        vcpus: r.readUint(),
        cpuTimeNs: r.readUhyperNumber(),
      }),
      options,
    );
  }

  domainGetState(domain: DomainRef, flags = 0, options?: CallOptions): Promise<DomainStateInfo> {
    return this.invoke(RemoteProcedure.DOMAIN_GET_STATE, domainFlagsArgs(domain, flags), (r) => ({ state: r.readInt(), reason: r.readInt() }), options);
  }

  /** The domain XML; DomainXmlFlags.INACTIVE gives the persistent definition of a running domain. */
  domainGetXmlDesc(domain: DomainRef, flags = 0, options?: CallOptions): Promise<string> {
    return this.invoke(RemoteProcedure.DOMAIN_GET_XML_DESC, domainFlagsArgs(domain, flags), decodeStringRet, options);
  }

  /** Defines (or redefines) a persistent domain; DomainDefineFlags.VALIDATE checks the XML against the schema. */
  domainDefineXml(xml: string, flags = 0, options?: CallOptions): Promise<DomainRef> {
    return this.invoke(
      RemoteProcedure.DOMAIN_DEFINE_XML_FLAGS,
      (w) => {
        writeString(w, xml);
        w.writeUint(flags);
      },
      decodeDomainRet,
      options,
    );
  }

  /** Starts a defined domain. */
  domainCreate(domain: DomainRef, options?: CallOptions): Promise<void> {
    return this.invoke(RemoteProcedure.DOMAIN_CREATE, domainArg(domain), null, options);
  }

  /** Stops a domain at once (power off). */
  domainDestroy(domain: DomainRef, options?: CallOptions): Promise<void> {
    return this.invoke(RemoteProcedure.DOMAIN_DESTROY, domainArg(domain), null, options);
  }

  /** Removes a persistent definition; DomainUndefineFlags.CHECKPOINTS_METADATA is needed when it has checkpoints. */
  domainUndefine(domain: DomainRef, flags = 0, options?: CallOptions): Promise<void> {
    return this.invoke(RemoteProcedure.DOMAIN_UNDEFINE_FLAGS, domainFlagsArgs(domain, flags), null, options);
  }

  /** Whether a shut-off domain has a managed save image (starting it would resume that saved state). */
  domainHasManagedSaveImage(domain: DomainRef, flags = 0, options?: CallOptions): Promise<boolean> {
    return this.invoke(RemoteProcedure.DOMAIN_HAS_MANAGED_SAVE_IMAGE, domainFlagsArgs(domain, flags), (r) => r.readInt() !== 0, options);
  }

  /** How many snapshots the domain has (virDomainSnapshotNum). */
  domainSnapshotNum(domain: DomainRef, flags = 0, options?: CallOptions): Promise<number> {
    return this.invoke(RemoteProcedure.DOMAIN_SNAPSHOT_NUM, domainFlagsArgs(domain, flags), (r) => r.readInt(), options);
  }

  /** Sizes of one disk, by target (`vda`) or source path. */
  domainGetBlockInfo(domain: DomainRef, disk: string, flags = 0, options?: CallOptions): Promise<DomainBlockInfo> {
    return this.invoke(
      RemoteProcedure.DOMAIN_GET_BLOCK_INFO,
      (w) => {
        writeDomain(w, domain);
        writeString(w, disk);
        w.writeUint(flags);
      },
      (r) => ({ allocation: r.readUhyperNumber(), capacity: r.readUhyperNumber(), physical: r.readUhyperNumber() }),
      options,
    );
  }

  // ---- Storage ----

  listAllStoragePools(flags = 0, options?: CallOptions): Promise<StoragePoolRef[]> {
    return this.invoke(
      RemoteProcedure.CONNECT_LIST_ALL_STORAGE_POOLS,
      (w) => w.writeInt(1).writeUint(flags),
      (r) => {
        const pools = r.readArray(REMOTE_STORAGE_POOL_LIST_MAX, readPool, MIN_POOL_BYTES);
        r.readUint();
        return pools;
      },
      options,
    );
  }

  storagePoolLookupByName(name: string, options?: CallOptions): Promise<StoragePoolRef> {
    return this.invoke(RemoteProcedure.STORAGE_POOL_LOOKUP_BY_NAME, (w) => writeString(w, name), readPool, options);
  }

  storagePoolGetInfo(pool: StoragePoolRef, options?: CallOptions): Promise<StoragePoolInfo> {
    return this.invoke(
      RemoteProcedure.STORAGE_POOL_GET_INFO,
      poolArg(pool),
      (r) => ({ state: r.readUint(), capacity: r.readUhyperNumber(), allocation: r.readUhyperNumber(), available: r.readUhyperNumber() }),
      options,
    );
  }

  storagePoolGetXmlDesc(pool: StoragePoolRef, flags = 0, options?: CallOptions): Promise<string> {
    return this.invoke(
      RemoteProcedure.STORAGE_POOL_GET_XML_DESC,
      (w) => {
        writePool(w, pool);
        w.writeUint(flags);
      },
      decodeStringRet,
      options,
    );
  }

  /** Rescans the pool (after files changed behind libvirt's back). */
  storagePoolRefresh(pool: StoragePoolRef, options?: CallOptions): Promise<void> {
    return this.invoke(
      RemoteProcedure.STORAGE_POOL_REFRESH,
      (w) => {
        writePool(w, pool);
        w.writeUint(0);
      },
      null,
      options,
    );
  }

  storagePoolListAllVolumes(pool: StoragePoolRef, options?: CallOptions): Promise<StorageVolRef[]> {
    return this.invoke(
      RemoteProcedure.STORAGE_POOL_LIST_ALL_VOLUMES,
      (w) => {
        writePool(w, pool);
        w.writeInt(1).writeUint(0);
      },
      (r) => {
        const volumes = r.readArray(REMOTE_STORAGE_VOL_LIST_MAX, readVol, MIN_VOL_BYTES);
        r.readUint();
        return volumes;
      },
      options,
    );
  }

  storageVolLookupByPath(path: string, options?: CallOptions): Promise<StorageVolRef> {
    return this.invoke(RemoteProcedure.STORAGE_VOL_LOOKUP_BY_PATH, (w) => writeString(w, path), readVol, options);
  }

  storageVolLookupByName(pool: StoragePoolRef, name: string, options?: CallOptions): Promise<StorageVolRef> {
    return this.invoke(
      RemoteProcedure.STORAGE_VOL_LOOKUP_BY_NAME,
      (w) => {
        writePool(w, pool);
        writeString(w, name);
      },
      readVol,
      options,
    );
  }

  storageVolGetInfo(vol: StorageVolRef, options?: CallOptions): Promise<StorageVolInfo> {
    return this.invoke(
      RemoteProcedure.STORAGE_VOL_GET_INFO,
      volArg(vol),
      (r) => ({ type: r.readInt(), capacity: r.readUhyperNumber(), allocation: r.readUhyperNumber() }),
      options,
    );
  }

  storageVolGetPath(vol: StorageVolRef, options?: CallOptions): Promise<string> {
    return this.invoke(RemoteProcedure.STORAGE_VOL_GET_PATH, volArg(vol), decodeStringRet, options);
  }

  storageVolGetXmlDesc(vol: StorageVolRef, flags = 0, options?: CallOptions): Promise<string> {
    return this.invoke(
      RemoteProcedure.STORAGE_VOL_GET_XML_DESC,
      (w) => {
        writeVol(w, vol);
        w.writeUint(flags);
      },
      decodeStringRet,
      options,
    );
  }

  /** Creates a volume from `<volume>` XML in a pool. */
  storageVolCreateXml(pool: StoragePoolRef, xml: string, flags = 0, options?: CallOptions): Promise<StorageVolRef> {
    return this.invoke(
      RemoteProcedure.STORAGE_VOL_CREATE_XML,
      (w) => {
        writePool(w, pool);
        writeString(w, xml);
        w.writeUint(flags);
      },
      readVol,
      options,
    );
  }

  storageVolDelete(vol: StorageVolRef, flags = 0, options?: CallOptions): Promise<void> {
    return this.invoke(
      RemoteProcedure.STORAGE_VOL_DELETE,
      (w) => {
        writeVol(w, vol);
        w.writeUint(flags);
      },
      null,
      options,
    );
  }

  /**
   * Opens an upload into a volume (raw bytes of the volume file). Write Buffers (and `streamHole(n)` when
   * sparse), then `end()`; the returned stream emits 'finish' once the daemon has confirmed the data.
   */
  storageVolUpload(vol: StorageVolRef, transfer: VolumeTransferOptions = {}, options: CallOptions = {}): Promise<LibvirtUploadStream> {
    const sparse = transfer.sparse ?? false;
    return this.client.openUpload(RemoteProcedure.STORAGE_VOL_UPLOAD, encodeVolTransfer(vol, transfer), { ...options, sparse });
  }

  /** Opens a download of a volume's bytes; read DownloadChunk objects (holes only when sparse). */
  storageVolDownload(vol: StorageVolRef, transfer: VolumeTransferOptions = {}, options: CallOptions = {}): Promise<LibvirtDownloadStream> {
    const sparse = transfer.sparse ?? false;
    return this.client.openDownload(RemoteProcedure.STORAGE_VOL_DOWNLOAD, encodeVolTransfer(vol, transfer), { ...options, sparse });
  }

  // ---- Networks and host interfaces ----

  /** The host's libvirt virtual networks matching ListAllNetworksFlags (0: all). */
  listAllNetworks(flags = 0, options?: CallOptions): Promise<NetworkRef[]> {
    return this.invoke(
      RemoteProcedure.CONNECT_LIST_ALL_NETWORKS,
      (w) => w.writeInt(1).writeUint(flags),
      (r) => {
        const networks = r.readArray(REMOTE_NETWORK_LIST_MAX, readNetwork, MIN_NETWORK_BYTES);
        r.readUint();
        return networks;
      },
      options,
    );
  }

  networkGetXmlDesc(network: NetworkRef, flags = 0, options?: CallOptions): Promise<string> {
    return this.invoke(
      RemoteProcedure.NETWORK_GET_XML_DESC,
      (w) => {
        writeNetwork(w, network);
        w.writeUint(flags);
      },
      decodeStringRet,
      options,
    );
  }

  /**
   * The host's network interfaces (physical NICs, bridges, bonds) matching ListAllInterfacesFlags (0: all). Needs
   * the host's interface driver; without one libvirt answers VIR_ERR_NO_SUPPORT.
   */
  listAllInterfaces(flags = 0, options?: CallOptions): Promise<InterfaceRef[]> {
    return this.invoke(
      RemoteProcedure.CONNECT_LIST_ALL_INTERFACES,
      (w) => w.writeInt(1).writeUint(flags),
      (r) => {
        const interfaces = r.readArray(REMOTE_INTERFACE_LIST_MAX, readInterface, MIN_INTERFACE_BYTES);
        r.readUint();
        return interfaces;
      },
      options,
    );
  }

  interfaceGetXmlDesc(iface: InterfaceRef, flags = 0, options?: CallOptions): Promise<string> {
    return this.invoke(
      RemoteProcedure.INTERFACE_GET_XML_DESC,
      (w) => {
        writeInterface(w, iface);
        w.writeUint(flags);
      },
      decodeStringRet,
      options,
    );
  }

  // ---- Checkpoints and backup ----

  /** Creates a checkpoint, or with CheckpointCreateFlags.REDEFINE recreates its metadata from saved XML. */
  domainCheckpointCreateXml(domain: DomainRef, xml: string, flags = 0, options?: CallOptions): Promise<CheckpointRef> {
    return this.invoke(
      RemoteProcedure.DOMAIN_CHECKPOINT_CREATE_XML,
      (w) => {
        writeDomain(w, domain);
        writeString(w, xml);
        w.writeUint(flags);
      },
      readCheckpoint,
      options,
    );
  }

  domainListAllCheckpoints(domain: DomainRef, flags = 0, options?: CallOptions): Promise<CheckpointRef[]> {
    return this.invoke(
      RemoteProcedure.DOMAIN_LIST_ALL_CHECKPOINTS,
      (w) => {
        writeDomain(w, domain);
        w.writeInt(1).writeUint(flags);
      },
      (r) => {
        const checkpoints = r.readArray(REMOTE_DOMAIN_CHECKPOINT_LIST_MAX, readCheckpoint, MIN_CHECKPOINT_BYTES);
        r.readInt();
        return checkpoints;
      },
      options,
    );
  }

  domainCheckpointLookupByName(domain: DomainRef, name: string, flags = 0, options?: CallOptions): Promise<CheckpointRef> {
    return this.invoke(
      RemoteProcedure.DOMAIN_CHECKPOINT_LOOKUP_BY_NAME,
      (w) => {
        writeDomain(w, domain);
        writeString(w, name);
        w.writeUint(flags);
      },
      readCheckpoint,
      options,
    );
  }

  /** The checkpoint XML; the repository stores it so the checkpoint can be redefined on another host. */
  domainCheckpointGetXmlDesc(checkpoint: CheckpointRef, flags = 0, options?: CallOptions): Promise<string> {
    return this.invoke(
      RemoteProcedure.DOMAIN_CHECKPOINT_GET_XML_DESC,
      (w) => {
        writeCheckpoint(w, checkpoint);
        w.writeUint(flags);
      },
      decodeStringRet,
      options,
    );
  }

  domainCheckpointDelete(checkpoint: CheckpointRef, flags = 0, options?: CallOptions): Promise<void> {
    return this.invoke(
      RemoteProcedure.DOMAIN_CHECKPOINT_DELETE,
      (w) => {
        writeCheckpoint(w, checkpoint);
        w.writeUint(flags);
      },
      null,
      options,
    );
  }

  /** Starts a backup job (pull mode: QEMU serves the disks over NBD until the job is aborted). */
  domainBackupBegin(domain: DomainRef, backupXml: string, checkpointXml: string | null, flags = 0, options?: CallOptions): Promise<void> {
    return this.invoke(
      RemoteProcedure.DOMAIN_BACKUP_BEGIN,
      (w) => {
        writeDomain(w, domain);
        writeString(w, backupXml);
        w.writeOptional(checkpointXml, writeString);
        w.writeUint(flags);
      },
      null,
      options,
    );
  }

  /** The running backup job's XML (with the NBD server and export names libvirt filled in). */
  domainBackupGetXmlDesc(domain: DomainRef, flags = 0, options?: CallOptions): Promise<string> {
    return this.invoke(RemoteProcedure.DOMAIN_BACKUP_GET_XML_DESC, domainFlagsArgs(domain, flags), decodeStringRet, options);
  }

  /** Aborts the domain's current job; ends a pull-mode backup. */
  domainAbortJob(domain: DomainRef, options?: CallOptions): Promise<void> {
    return this.invoke(RemoteProcedure.DOMAIN_ABORT_JOB, domainArg(domain), null, options);
  }

  domainGetJobInfo(domain: DomainRef, options?: CallOptions): Promise<DomainJobInfo> {
    return this.invoke(
      RemoteProcedure.DOMAIN_GET_JOB_INFO,
      domainArg(domain),
      (r) => ({
        type: r.readInt(),
        timeElapsedMs: r.readUhyperNumber(),
        timeRemainingMs: r.readUhyperNumber(),
        dataTotal: r.readUhyperNumber(),
        dataProcessed: r.readUhyperNumber(),
        dataRemaining: r.readUhyperNumber(),
        memTotal: r.readUhyperNumber(),
        memProcessed: r.readUhyperNumber(),
        memRemaining: r.readUhyperNumber(),
        fileTotal: r.readUhyperNumber(),
        fileProcessed: r.readUhyperNumber(),
        fileRemaining: r.readUhyperNumber(),
      }),
      options,
    );
  }

  domainGetJobStats(domain: DomainRef, flags = 0, options?: CallOptions): Promise<DomainJobStats> {
    return this.invoke(
      RemoteProcedure.DOMAIN_GET_JOB_STATS,
      domainFlagsArgs(domain, flags),
      (r) => {
        const type = r.readInt();
        const params = r.readArray(REMOTE_DOMAIN_JOB_STATS_MAX, readTypedParam, 12);
        return { type, params: Object.fromEntries(params) };
      },
      options,
    );
  }

  // ---- Events ----

  /**
   * Subscribes to lifecycle events (started, stopped, defined, ...) of one domain, or of all when `domain` is
   * omitted. Events arrive only while the connection lives; subscribe again on a new connection.
   */
  async subscribeDomainLifecycle(
    listener: (event: DomainLifecycleEventInfo) => void,
    domain: DomainRef | null = null,
    options?: CallOptions,
  ): Promise<EventSubscription> {
    this.installLifecycleDispatcher();
    const callbackId = await this.invoke(
      RemoteProcedure.CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY,
      (w) => {
        w.writeInt(DomainEventId.LIFECYCLE);
        w.writeOptional(domain, writeDomain);
      },
      (r) => r.readInt(),
      options,
    );
    this.lifecycleListeners.set(callbackId, listener);
    return {
      callbackId,
      unsubscribe: async (unsubscribeOptions?: CallOptions) => {
        if (!this.lifecycleListeners.delete(callbackId)) return;
        await this.invoke(RemoteProcedure.CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY, (w) => w.writeInt(callbackId), null, unsubscribeOptions);
      },
    };
  }

  private installLifecycleDispatcher(): void {
    if (this.lifecycleListenerInstalled) return;
    this.lifecycleListenerInstalled = true;
    this.client.onMessage((procedure, payload) => {
      if (procedure !== RemoteProcedure.DOMAIN_EVENT_CALLBACK_LIFECYCLE) return;
      const event = decodeLifecycleMessage(payload);
      this.lifecycleListeners.get(event.callbackId)?.({ domain: event.domain, event: event.event, detail: event.detail });
    });
  }

  // ---- Plumbing ----

  private async invoke<T>(procedure: number, encode: Encoder | null, decode: Decoder<T> | null, options?: CallOptions): Promise<T> {
    let args: Buffer | null = null;
    if (encode) {
      const writer = new XdrWriter();
      encode(writer);
      args = writer.toBuffer();
    }
    const payload = await this.client.call(procedure, args, options);
    return decodeReply(procedure, payload, decode);
  }
}

function decodeReply<T>(procedure: number, payload: Buffer, decode: Decoder<T> | null): T {
  const name = procedureName(REMOTE_PROGRAM, procedure);
  try {
    const reader = new XdrReader(payload);
    const value = decode ? decode(reader) : (undefined as T);
    reader.assertEnd(`${name} reply`);
    return value;
  } catch (cause) {
    throw new LibvirtProtocolError(`reply to ${name} does not match its declared layout: ${(cause as Error).message}`, { cause });
  }
}

function encodeVolTransfer(vol: StorageVolRef, transfer: VolumeTransferOptions): Buffer {
  const writer = new XdrWriter();
  writeVol(writer, vol);
  writer.writeUhyper(transfer.offset ?? 0);
  writer.writeUhyper(transfer.length ?? 0);
  writer.writeUint(transfer.sparse ? StorageVolStreamFlags.SPARSE_STREAM : 0);
  return writer.toBuffer();
}

/** remote_domain_event_callback_lifecycle_msg. Exported for tests of the decoder. */
export function decodeLifecycleMessage(payload: Buffer): DomainLifecycleEventInfo & { callbackId: number } {
  const reader = new XdrReader(payload);
  const callbackId = reader.readInt();
  const domain = readDomain(reader);
  const event = reader.readInt();
  const detail = reader.readInt();
  reader.assertEnd('lifecycle event');
  return { callbackId, domain, event, detail };
}
