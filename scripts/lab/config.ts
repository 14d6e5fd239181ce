// The lab's shape: where it lives, its parameters, and every name, address, port and path derived from them.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, normalize } from 'node:path';
import { writeFileIfChanged } from './exec.ts';

export const DEFAULT_LAB_DIR = '/var/tmp/lifeboat-lab';
export const DEFAULT_HOSTS = 3;
/** Without --vms-per-host the lab has this many VMs in all (at least one per host). */
export const DEFAULT_VM_TOTAL = 7;
export const DEFAULT_TCP_PORT_BASE = 16600;
export const DEFAULT_SSH_PORT_BASE = 2200;
export const MAX_HOSTS = 50;

/** The namespace holding the bridge that links the hosts (lab-internal traffic only: migration). */
export const BRIDGE_NETNS = 'lifeboat-labnet';
export const BRIDGE_NAME = 'br0';
/** Lab-internal subnet; it exists only inside the lab's network namespaces, never in the root one. */
export const INTERNAL_SUBNET_PREFIX = '10.231.0.';
export const INTERNAL_PREFIX_LENGTH = 24;

/** As each libvirtd sees it (its /var/lib/libvirt is a private bind mount): identical on every host, like real
 * hypervisors, which lets `--copy-storage-all` migration pre-create the disk in the target's pool. */
export const POOL_NAME = 'default';
export const POOL_PATH_IN_HOST = '/var/lib/libvirt/images';

/** Marks a directory as a lab dir, so `down` never empties a directory the lab did not create. */
export const MARKER_FILE = '.lifeboat-lab';

// Namespace for name-based (v5) UUIDs: the same lab gives the same VM and host UUIDs on every run and machine.
const UUID_NAMESPACE = '97c49630-ba9c-44bc-9c21-bf1626ac94b6';

export function uuidFromName(name: string): string {
  const hash = createHash('sha1').update(Buffer.from(UUID_NAMESPACE.replaceAll('-', ''), 'hex')).update(name, 'utf8').digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function resolveLabDir(): string {
  const raw = process.env['LIFEBOAT_LAB_DIR'];
  const dir = raw === undefined || raw === '' ? DEFAULT_LAB_DIR : normalize(raw).replace(/\/+$/, '');
  if (!isAbsolute(dir) || dir === '' || dir === '/') throw new UsageError(`LIFEBOAT_LAB_DIR must be an absolute path other than /, got "${raw}"`);
  // Paths end up unquoted in libvirt/sshd configs and in URIs; unix socket paths must stay under 108 bytes.
  if (!/^[A-Za-z0-9._/-]+$/.test(dir)) throw new UsageError(`LIFEBOAT_LAB_DIR may only contain letters, digits and . _ / -, got "${dir}"`);
  if (dir.length > 60) throw new UsageError(`LIFEBOAT_LAB_DIR is too long for unix socket paths (max 60 characters): "${dir}"`);
  return dir;
}

/** An error in how the lab was asked to run (exit code 2), as opposed to a failure while running it. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface LabParams {
  hosts: number;
  /** null: DEFAULT_VM_TOTAL VMs spread over the hosts. */
  vmsPerHost: number | null;
  tcpPortBase: number;
  sshPortBase: number;
}

export function vmTotal(params: LabParams): number {
  return params.vmsPerHost === null ? Math.max(DEFAULT_VM_TOTAL, params.hosts) : params.hosts * params.vmsPerHost;
}

/** Written when `up` starts creating things, so `down` knows what to tear down even after a failed `up`. */
export interface LabState {
  version: 1;
  createdAt: string;
  params: LabParams;
}

export function statePath(labDir: string): string {
  return join(labDir, 'state.json');
}

export function readState(labDir: string): LabState | null {
  const path = statePath(labDir);
  if (!existsSync(path)) return null;
  const state = JSON.parse(readFileSync(path, 'utf8')) as LabState;
  if (state.version !== 1) throw new Error(`${path}: unknown lab state version ${String(state.version)}`);
  return state;
}

export function writeState(labDir: string, state: LabState): void {
  writeFileIfChanged(statePath(labDir), `${JSON.stringify(state, null, 2)}\n`);
}

export interface LabHost {
  index: number;
  name: string;
  hostUuid: string;
  netns: string;
  /** The veth end attached to the bridge, in BRIDGE_NETNS. */
  bridgePort: string;
  internalAddress: string;
  tcpPort: number;
  sshPort: number;
  /** Everything of this host, in the root mount namespace. */
  dir: string;
  /** Bind-mounted over /etc/libvirt, /run/libvirt, /var/lib/libvirt, /var/log/libvirt, /var/cache/libvirt. */
  etcDir: string;
  runDir: string;
  libDir: string;
  logDir: string;
  cacheDir: string;
  /** Bind-mounted over /etc/hosts. */
  hostsFile: string;
  /** The pool directory (POOL_PATH_IN_HOST inside the host) as seen from the root mount namespace. */
  poolDirOnMachine: string;
  unixSocket: string;
  libvirtdConf: string;
  libvirtdPidFile: string;
  libvirtdStartLog: string;
  libvirtdLog: string;
  socatPidFile: string;
  socatLog: string;
  sshdConfig: string;
  sshdPidFile: string;
  sshdLog: string;
  hostKey: string;
  uris: { unix: string; tcp: string; ssh: string };
}

export interface SshPaths {
  dir: string;
  privateKey: string;
  publicKey: string;
  authorizedKeys: string;
  knownHosts: string;
  /** An ssh_config with the lab's key and known_hosts and a `Host labN` entry per host. */
  config: string;
  /** `ssh -F config "$@"`: usable as libvirt's `command=` URI parameter for verified qemu+ssh connections. */
  wrapper: string;
}

export function sshPaths(labDir: string): SshPaths {
  const dir = join(labDir, 'ssh');
  return {
    dir,
    privateKey: join(dir, 'id_ed25519'),
    publicKey: join(dir, 'id_ed25519.pub'),
    authorizedKeys: join(dir, 'authorized_keys'),
    knownHosts: join(dir, 'known_hosts'),
    config: join(dir, 'config'),
    wrapper: join(dir, 'ssh'),
  };
}

export function labHosts(labDir: string, params: LabParams): LabHost[] {
  const hosts: LabHost[] = [];
  for (let index = 1; index <= params.hosts; index++) {
    const name = `lab${index}`;
    const dir = join(labDir, 'hosts', name);
    const runDir = join(dir, 'run');
    const logDir = join(dir, 'log');
    const libDir = join(dir, 'lib');
    const unixSocket = join(runDir, 'libvirt-sock');
    const tcpPort = params.tcpPortBase + index;
    const sshPort = params.sshPortBase + index;
    hosts.push({
      index,
      name,
      hostUuid: uuidFromName(`host/${name}`),
      netns: `lifeboat-${name}`,
      bridgePort: name,
      internalAddress: `${INTERNAL_SUBNET_PREFIX}${10 + index}`,
      tcpPort,
      sshPort,
      dir,
      etcDir: join(dir, 'etc'),
      runDir,
      libDir,
      logDir,
      cacheDir: join(dir, 'cache'),
      hostsFile: join(dir, 'hosts'),
      poolDirOnMachine: join(libDir, 'images'),
      unixSocket,
      libvirtdConf: join(dir, 'etc', 'libvirtd.conf'),
      libvirtdPidFile: join(dir, 'libvirtd.pid'),
      libvirtdStartLog: join(dir, 'libvirtd-start.log'),
      libvirtdLog: join(logDir, 'libvirtd.log'),
      socatPidFile: join(dir, 'socat.pid'),
      socatLog: join(dir, 'socat.log'),
      sshdConfig: join(dir, 'sshd_config'),
      sshdPidFile: join(dir, 'sshd.pid'),
      sshdLog: join(dir, 'sshd.log'),
      hostKey: join(dir, 'ssh_host_ed25519_key'),
      uris: {
        unix: `qemu+unix:///system?socket=${unixSocket}`,
        tcp: `qemu+tcp://127.0.0.1:${tcpPort}/system`,
        ssh: `qemu+ssh://root@127.0.0.1:${sshPort}/system`,
      },
    });
  }
  return hosts;
}

/** Where a VM's disk file is, as seen from the root mount namespace, when the VM is on the given host. */
export function diskPathOnMachine(host: LabHost, pathInHost: string): string {
  if (!pathInHost.startsWith(`${POOL_PATH_IN_HOST}/`)) throw new Error(`${pathInHost} is not in the lab pool`);
  return join(host.poolDirOnMachine, pathInHost.slice(POOL_PATH_IN_HOST.length + 1));
}
