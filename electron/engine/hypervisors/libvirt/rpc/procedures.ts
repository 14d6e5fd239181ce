// The part of libvirt's remote protocol (src/remote/remote_protocol.x) this client speaks: program numbers,
// the procedures used (numbers cross-checked with a libvirt 9.0 daemon), the wire structs, and the public flag
// values of libvirt.h that the API passes through. Structs are encoded field by field in declaration order;
// `unsigned char`/`unsigned short`/`char` members take a full 4-byte XDR unit, as rpcgen encodes them.

import { VIR_NET_MESSAGE_STRING_MAX } from './framing.js';
import { type XdrReader, type XdrWriter, XdrDecodeError } from './xdr.js';

export const REMOTE_PROGRAM = 0x2000_8086;
export const REMOTE_PROTOCOL_VERSION = 1;
export const KEEPALIVE_PROGRAM = 0x6b65_6570;
export const KEEPALIVE_PROTOCOL_VERSION = 1;
export const KeepaliveProcedure = { PING: 1, PONG: 2 } as const;

export const REMOTE_STRING_MAX = VIR_NET_MESSAGE_STRING_MAX;
export const REMOTE_DOMAIN_LIST_MAX = 16_384;
export const REMOTE_STORAGE_POOL_LIST_MAX = 16_384;
export const REMOTE_STORAGE_VOL_LIST_MAX = 16_384;
export const REMOTE_DOMAIN_CHECKPOINT_LIST_MAX = 16_384;
export const REMOTE_NETWORK_LIST_MAX = 16_384;
export const REMOTE_INTERFACE_LIST_MAX = 16_384;
export const REMOTE_AUTH_TYPE_LIST_MAX = 20;
export const REMOTE_DOMAIN_JOB_STATS_MAX = 64;
export const VIR_UUID_BUFLEN = 16;

/** remote_procedure numbers used by this client. */
export const RemoteProcedure = {
  CONNECT_OPEN: 1,
  CONNECT_CLOSE: 2,
  CONNECT_GET_TYPE: 3,
  CONNECT_GET_VERSION: 4,
  NODE_GET_INFO: 6,
  CONNECT_GET_CAPABILITIES: 7,
  DOMAIN_CREATE: 9,
  DOMAIN_DESTROY: 12,
  DOMAIN_GET_XML_DESC: 14,
  DOMAIN_GET_INFO: 16,
  DOMAIN_LOOKUP_BY_NAME: 23,
  DOMAIN_LOOKUP_BY_UUID: 24,
  NETWORK_GET_XML_DESC: 43,
  CONNECT_GET_HOSTNAME: 59,
  CONNECT_SUPPORTS_FEATURE: 60,
  AUTH_LIST: 66,
  STORAGE_POOL_REFRESH: 83,
  STORAGE_POOL_LOOKUP_BY_NAME: 84,
  STORAGE_POOL_GET_INFO: 87,
  STORAGE_POOL_GET_XML_DESC: 88,
  STORAGE_VOL_CREATE_XML: 93,
  STORAGE_VOL_DELETE: 94,
  STORAGE_VOL_LOOKUP_BY_NAME: 95,
  STORAGE_VOL_LOOKUP_BY_PATH: 97,
  STORAGE_VOL_GET_INFO: 98,
  STORAGE_VOL_GET_XML_DESC: 99,
  STORAGE_VOL_GET_PATH: 100,
  INTERFACE_GET_XML_DESC: 130,
  CONNECT_GET_LIB_VERSION: 157,
  DOMAIN_HAS_MANAGED_SAVE_IMAGE: 183,
  DOMAIN_SNAPSHOT_NUM: 187,
  DOMAIN_GET_JOB_INFO: 163,
  DOMAIN_ABORT_JOB: 164,
  DOMAIN_GET_BLOCK_INFO: 194,
  STORAGE_VOL_UPLOAD: 208,
  STORAGE_VOL_DOWNLOAD: 209,
  DOMAIN_GET_STATE: 212,
  DOMAIN_UNDEFINE_FLAGS: 231,
  CONNECT_LIST_ALL_DOMAINS: 273,
  CONNECT_LIST_ALL_STORAGE_POOLS: 281,
  STORAGE_POOL_LIST_ALL_VOLUMES: 282,
  CONNECT_LIST_ALL_NETWORKS: 283,
  CONNECT_LIST_ALL_INTERFACES: 284,
  DOMAIN_GET_JOB_STATS: 298,
  CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY: 316,
  CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY: 317,
  DOMAIN_EVENT_CALLBACK_LIFECYCLE: 318,
  CONNECT_GET_DOMAIN_CAPABILITIES: 342,
  DOMAIN_DEFINE_XML_FLAGS: 350,
  DOMAIN_CHECKPOINT_CREATE_XML: 411,
  DOMAIN_CHECKPOINT_GET_XML_DESC: 412,
  DOMAIN_LIST_ALL_CHECKPOINTS: 413,
  DOMAIN_CHECKPOINT_LOOKUP_BY_NAME: 415,
  DOMAIN_CHECKPOINT_DELETE: 417,
  DOMAIN_BACKUP_BEGIN: 421,
  DOMAIN_BACKUP_GET_XML_DESC: 422,
} as const;

const PROCEDURE_NAMES = new Map<number, string>(Object.entries(RemoteProcedure).map(([name, proc]) => [proc, name]));

/** A readable name for logs and errors: `DOMAIN_GET_INFO`, or the number for procedures not listed. */
export function procedureName(program: number, procedure: number): string {
  if (program === KEEPALIVE_PROGRAM) return procedure === KeepaliveProcedure.PING ? 'KEEPALIVE_PING' : procedure === KeepaliveProcedure.PONG ? 'KEEPALIVE_PONG' : `KEEPALIVE_${procedure}`;
  if (program !== REMOTE_PROGRAM) return `program 0x${program.toString(16)} procedure ${procedure}`;
  return PROCEDURE_NAMES.get(procedure) ?? `REMOTE_PROC_${procedure}`;
}

// ---- Public flag and enum values of libvirt.h that callers pass or receive ----

/** remote_auth_type. */
export const RemoteAuthType = { NONE: 0, SASL: 1, POLKIT: 2 } as const;

/** VIR_DRV_FEATURE_* asked through CONNECT_SUPPORTS_FEATURE. */
export const DriverFeature = { PROGRAM_KEEPALIVE: 10, REMOTE_EVENT_CALLBACK: 14 } as const;

/** virDomainState. */
export const DomainState = {
  NOSTATE: 0,
  RUNNING: 1,
  BLOCKED: 2,
  PAUSED: 3,
  SHUTDOWN: 4,
  SHUTOFF: 5,
  CRASHED: 6,
  PMSUSPENDED: 7,
} as const;

/** The state names virsh prints (and lab.json records). */
const DOMAIN_STATE_NAMES = ['no state', 'running', 'idle', 'paused', 'in shutdown', 'shut off', 'crashed', 'pmsuspended'];

export function domainStateName(state: number): string {
  return DOMAIN_STATE_NAMES[state] ?? `state ${state}`;
}

/** virConnectListAllDomainsFlags. */
export const ListAllDomainsFlags = {
  ACTIVE: 1,
  INACTIVE: 2,
  PERSISTENT: 4,
  TRANSIENT: 8,
  RUNNING: 16,
  PAUSED: 32,
  SHUTOFF: 64,
  OTHER: 128,
  HAS_CHECKPOINT: 16_384,
  NO_CHECKPOINT: 32_768,
} as const;

/** virDomainXMLFlags. */
export const DomainXmlFlags = { SECURE: 1, INACTIVE: 2, UPDATE_CPU: 4, MIGRATABLE: 8 } as const;
/** virDomainDefineFlags. */
export const DomainDefineFlags = { VALIDATE: 1 } as const;
/** virDomainUndefineFlagsValues. */
export const DomainUndefineFlags = {
  MANAGED_SAVE: 1,
  SNAPSHOTS_METADATA: 2,
  NVRAM: 4,
  KEEP_NVRAM: 8,
  CHECKPOINTS_METADATA: 16,
} as const;
/** virDomainCheckpointCreateFlags. */
export const CheckpointCreateFlags = { REDEFINE: 1, QUIESCE: 2, REDEFINE_VALIDATE: 4 } as const;
/** virDomainCheckpointXMLFlags. */
export const CheckpointXmlFlags = { SECURE: 1, NO_DOMAIN: 2, SIZE: 4 } as const;
/** virDomainCheckpointListFlags. */
export const CheckpointListFlags = { ROOTS: 1, DESCENDANTS: 1, TOPOLOGICAL: 2, LEAVES: 4, NO_LEAVES: 8 } as const;
/** virDomainCheckpointDeleteFlags. */
export const CheckpointDeleteFlags = { CHILDREN: 1, METADATA_ONLY: 2, CHILDREN_ONLY: 4 } as const;
/** virDomainBackupBeginFlags. */
export const BackupBeginFlags = { REUSE_EXTERNAL: 1 } as const;
/** virDomainGetJobStatsFlags. */
export const JobStatsFlags = { COMPLETED: 1, KEEP_COMPLETED: 2 } as const;
/** virDomainJobType. */
export const DomainJobType = { NONE: 0, BOUNDED: 1, UNBOUNDED: 2, COMPLETED: 3, FAILED: 4, CANCELLED: 5 } as const;
/** virStorageVolCreateFlags. */
export const StorageVolCreateFlags = { PREALLOC_METADATA: 1, REFLINK: 2, VALIDATE: 4 } as const;
/** virStorageVolDeleteFlags. */
export const StorageVolDeleteFlags = { NORMAL: 0, ZEROED: 1, WITH_SNAPSHOTS: 2 } as const;
/** virStorageVolUploadFlags / virStorageVolDownloadFlags: both define SPARSE_STREAM as 1. */
export const StorageVolStreamFlags = { SPARSE_STREAM: 1 } as const;
/** virStorageVolType. */
export const StorageVolType = { FILE: 0, BLOCK: 1, DIR: 2, NETWORK: 3, NETDIR: 4, PLOOP: 5 } as const;
/** virStoragePoolState. */
export const StoragePoolState = { INACTIVE: 0, BUILDING: 1, RUNNING: 2, DEGRADED: 3, INACCESSIBLE: 4 } as const;
/** virConnectListAllStoragePoolsFlags (the common ones). */
export const ListAllStoragePoolsFlags = { INACTIVE: 1, ACTIVE: 2, PERSISTENT: 4, TRANSIENT: 8, AUTOSTART: 16, NO_AUTOSTART: 32 } as const;
/** virConnectListAllNetworksFlags. */
export const ListAllNetworksFlags = { INACTIVE: 1, ACTIVE: 2, PERSISTENT: 4, TRANSIENT: 8, AUTOSTART: 16, NO_AUTOSTART: 32 } as const;
/** virConnectListAllInterfacesFlags. */
export const ListAllInterfacesFlags = { INACTIVE: 1, ACTIVE: 2 } as const;
/** virDomainEventID. */
export const DomainEventId = { LIFECYCLE: 0 } as const;
/** virDomainEventType (the `event` of a lifecycle event). */
export const DomainLifecycleEvent = {
  DEFINED: 0,
  UNDEFINED: 1,
  STARTED: 2,
  SUSPENDED: 3,
  RESUMED: 4,
  STOPPED: 5,
  SHUTDOWN: 6,
  PMSUSPENDED: 7,
  CRASHED: 8,
} as const;

const LIFECYCLE_NAMES = ['defined', 'undefined', 'started', 'suspended', 'resumed', 'stopped', 'shutdown', 'pmsuspended', 'crashed'];
export function lifecycleEventName(event: number): string {
  return LIFECYCLE_NAMES[event] ?? `event ${event}`;
}

// ---- Wire structs ----

/** remote_nonnull_domain, with the UUID in its usual text form. */
export interface DomainRef {
  name: string;
  uuid: string;
  /** Running domains have an id; inactive ones -1. */
  id: number;
}

/** remote_nonnull_storage_pool. */
export interface StoragePoolRef {
  name: string;
  uuid: string;
}

/** remote_nonnull_storage_vol. */
export interface StorageVolRef {
  pool: string;
  name: string;
  /** libvirt's volume key; for file-based pools, the path. */
  key: string;
}

/** remote_nonnull_network. */
export interface NetworkRef {
  name: string;
  uuid: string;
}

/** remote_nonnull_interface: a host network interface, by name and MAC address. */
export interface InterfaceRef {
  name: string;
  mac: string;
}

/** remote_nonnull_domain_checkpoint. */
export interface CheckpointRef {
  name: string;
  domain: DomainRef;
}

export type TypedParamValue = number | bigint | boolean | string;

export function uuidToString(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

const UUID_PATTERN = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

export function uuidToBytes(uuid: string): Buffer {
  if (!UUID_PATTERN.test(uuid)) throw new TypeError(`not a UUID: ${JSON.stringify(uuid)}`);
  return Buffer.from(uuid.replace(/-/g, ''), 'hex');
}

export const writeString = (w: XdrWriter, value: string): void => {
  w.writeString(value, REMOTE_STRING_MAX);
};
export const readString = (r: XdrReader): string => r.readString(REMOTE_STRING_MAX);

export function writeDomain(w: XdrWriter, domain: DomainRef): void {
  writeString(w, domain.name);
  w.writeFixedOpaque(uuidToBytes(domain.uuid), VIR_UUID_BUFLEN);
  w.writeInt(domain.id);
}

export function readDomain(r: XdrReader): DomainRef {
  const name = readString(r);
  const uuid = uuidToString(r.readFixedOpaque(VIR_UUID_BUFLEN));
  return { name, uuid, id: r.readInt() };
}

export function writePool(w: XdrWriter, pool: StoragePoolRef): void {
  writeString(w, pool.name);
  w.writeFixedOpaque(uuidToBytes(pool.uuid), VIR_UUID_BUFLEN);
}

export function readPool(r: XdrReader): StoragePoolRef {
  const name = readString(r);
  return { name, uuid: uuidToString(r.readFixedOpaque(VIR_UUID_BUFLEN)) };
}

export function writeVol(w: XdrWriter, vol: StorageVolRef): void {
  writeString(w, vol.pool);
  writeString(w, vol.name);
  writeString(w, vol.key);
}

export function readVol(r: XdrReader): StorageVolRef {
  return { pool: readString(r), name: readString(r), key: readString(r) };
}

export function writeNetwork(w: XdrWriter, network: NetworkRef): void {
  writeString(w, network.name);
  w.writeFixedOpaque(uuidToBytes(network.uuid), VIR_UUID_BUFLEN);
}

export function readNetwork(r: XdrReader): NetworkRef {
  const name = readString(r);
  return { name, uuid: uuidToString(r.readFixedOpaque(VIR_UUID_BUFLEN)) };
}

export function writeInterface(w: XdrWriter, iface: InterfaceRef): void {
  writeString(w, iface.name);
  writeString(w, iface.mac);
}

export function readInterface(r: XdrReader): InterfaceRef {
  return { name: readString(r), mac: readString(r) };
}

export function writeCheckpoint(w: XdrWriter, checkpoint: CheckpointRef): void {
  writeString(w, checkpoint.name);
  writeDomain(w, checkpoint.domain);
}

export function readCheckpoint(r: XdrReader): CheckpointRef {
  const name = readString(r);
  return { name, domain: readDomain(r) };
}

/** Minimal encoded sizes, so list decoders refuse impossible counts before allocating. */
export const MIN_DOMAIN_BYTES = 4 + VIR_UUID_BUFLEN + 4;
export const MIN_POOL_BYTES = 4 + VIR_UUID_BUFLEN;
export const MIN_VOL_BYTES = 12;
export const MIN_NETWORK_BYTES = 4 + VIR_UUID_BUFLEN;
export const MIN_INTERFACE_BYTES = 8;
export const MIN_CHECKPOINT_BYTES = 4 + MIN_DOMAIN_BYTES;

/** virTypedParameterType as the remote_typed_param_value union discriminant. */
const TypedParamType = { INT: 1, UINT: 2, LLONG: 3, ULLONG: 4, DOUBLE: 5, BOOLEAN: 6, STRING: 7 } as const;

/** remote_typed_param: 64-bit values become numbers when they fit exactly, else bigints. */
export function readTypedParam(r: XdrReader): [string, TypedParamValue] {
  const field = readString(r);
  const at = r.position;
  const type = r.readInt();
  switch (type) {
    case TypedParamType.INT:
      return [field, r.readInt()];
    case TypedParamType.UINT:
      return [field, r.readUint()];
    case TypedParamType.LLONG:
      return [field, compactBigInt(r.readHyper())];
    case TypedParamType.ULLONG:
      return [field, compactBigInt(r.readUhyper())];
    case TypedParamType.DOUBLE:
      return [field, r.readDouble()];
    case TypedParamType.BOOLEAN:
      return [field, r.readInt() !== 0];
    case TypedParamType.STRING:
      return [field, readString(r)];
    default:
      throw new XdrDecodeError(`unknown typed parameter type ${type} for ${JSON.stringify(field)}`, at);
  }
}

function compactBigInt(value: bigint): number | bigint {
  return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value;
}
