// <labDir>/lab.json: what tests, benchmarks and people read to find the lab's hosts, URIs, keys and VMs.
// The format is documented in docs/LAB.md; keep the two in step.
import { join } from 'node:path';
import { BRIDGE_NETNS, INTERNAL_PREFIX_LENGTH, INTERNAL_SUBNET_PREFIX, POOL_NAME, POOL_PATH_IN_HOST, diskPathOnMachine } from './config.ts';
import type { LabHost, SshPaths } from './config.ts';
import type { Extent } from './disk-content.ts';
import type { DomainInfo } from './hosts.ts';
import { fingerprint, hostPublicKey } from './ssh.ts';
import type { VmPlan } from './vms.ts';

export interface LabJsonHost {
  name: string;
  hostUuid: string;
  internalAddress: string;
  uri: { unix: string; tcp: string; ssh: string };
  unixSocket: string;
  tcpPort: number;
  sshPort: number;
  sshHostKeyFingerprint: string;
  sshHostPublicKey: string;
  poolName: string;
  /** The pool directory as the host's libvirt sees it (the same on every host). */
  poolPath: string;
  /** The same directory from the root mount namespace. */
  poolDir: string;
  libvirtdPid: number;
  netns: string;
}

export interface LabJsonDisk {
  target: string;
  /** As libvirt sees it (identical on every host, so it survives migration). */
  path: string;
  /** The file from the root mount namespace, on the VM's current host. */
  localPath: string;
  format: 'qcow2';
  capacityBytes: number;
  seed: number;
  bootSector: boolean;
  dataExtents: Extent[];
}

export interface LabJsonVm {
  name: string;
  uuid: string;
  /** Where the VM is defined when lab.json was written (tests may migrate it afterwards). */
  host: string;
  /** libvirt's state name when lab.json was written ("running", "shut off", ...). */
  state: string;
  /**
   * What the lab is built to have: every VM runs but the last. Tests choose their VMs by this, never by `state`:
   * a test that kills a host stops the VMs on it until `lab up` repairs it, and lab.json is rewritten meanwhile.
   */
  planned: 'running' | 'shut off';
  disks: LabJsonDisk[];
}

export interface LabJson {
  version: 1;
  createdAt: string;
  labDir: string;
  sshKey: {
    privateKeyPath: string;
    publicKeyPath: string;
    user: 'root';
    knownHostsPath: string;
    sshConfigPath: string;
    sshCommand: string;
  };
  internalNetwork: { subnet: string; bridgeNetns: string };
  hosts: LabJsonHost[];
  vms: LabJsonVm[];
}

export function labJsonPath(labDir: string): string {
  return join(labDir, 'lab.json');
}

/** Picks the host a VM is on now: the one where it runs, else the one that defines it. */
export function locateVm(name: string, domainsByHost: ReadonlyMap<string, readonly DomainInfo[]>): { host: string; state: string } | null {
  let found: { host: string; state: string } | null = null;
  for (const [host, domains] of domainsByHost) {
    const domain = domains.find((d) => d.name === name);
    if (domain === undefined) continue;
    if (found === null || (found.state !== 'running' && domain.state === 'running')) found = { host, state: domain.state };
  }
  return found;
}

export function buildLabJson(args: {
  createdAt: string;
  labDir: string;
  ssh: SshPaths;
  hosts: readonly LabHost[];
  libvirtdPids: ReadonlyMap<string, number>;
  vms: readonly VmPlan[];
  domainsByHost: ReadonlyMap<string, readonly DomainInfo[]>;
}): LabJson {
  const hostByName = new Map(args.hosts.map((h) => [h.name, h]));
  return {
    version: 1,
    createdAt: args.createdAt,
    labDir: args.labDir,
    sshKey: {
      privateKeyPath: args.ssh.privateKey,
      publicKeyPath: args.ssh.publicKey,
      user: 'root',
      knownHostsPath: args.ssh.knownHosts,
      sshConfigPath: args.ssh.config,
      sshCommand: args.ssh.wrapper,
    },
    internalNetwork: { subnet: `${INTERNAL_SUBNET_PREFIX}0/${INTERNAL_PREFIX_LENGTH}`, bridgeNetns: BRIDGE_NETNS },
    hosts: args.hosts.map((h) => ({
      name: h.name,
      hostUuid: h.hostUuid,
      internalAddress: h.internalAddress,
      uri: { ...h.uris },
      unixSocket: h.unixSocket,
      tcpPort: h.tcpPort,
      sshPort: h.sshPort,
      sshHostKeyFingerprint: fingerprint(hostPublicKey(h)),
      sshHostPublicKey: hostPublicKey(h),
      poolName: POOL_NAME,
      poolPath: POOL_PATH_IN_HOST,
      poolDir: h.poolDirOnMachine,
      libvirtdPid: args.libvirtdPids.get(h.name) ?? 0,
      netns: h.netns,
    })),
    vms: args.vms.map((vm) => {
      const where = locateVm(vm.name, args.domainsByHost) ?? { host: vm.host, state: 'missing' };
      const host = hostByName.get(where.host) ?? hostByName.get(vm.host);
      if (host === undefined) throw new Error(`${vm.name}: unknown host ${where.host}`);
      return {
        name: vm.name,
        uuid: vm.uuid,
        host: where.host,
        state: where.state,
        planned: vm.running ? ('running' as const) : ('shut off' as const),
        disks: vm.disks.map((d) => ({
          target: d.target,
          path: d.path,
          localPath: diskPathOnMachine(host, d.path),
          format: 'qcow2' as const,
          capacityBytes: d.capacityBytes,
          seed: d.seed,
          bootSector: d.bootSector,
          dataExtents: d.dataExtents.map(([o, l]): Extent => [o, l]),
        })),
      };
    }),
  };
}

/** Pretty-printed, with each [offset, length] pair on one line. */
export function formatLabJson(description: LabJson): string {
  return `${JSON.stringify(description, null, 2).replace(/\[\s+(\d+),\s+(\d+)\s+\]/g, '[$1, $2]')}\n`;
}
