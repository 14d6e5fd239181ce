// Access to the real lab (docs/LAB.md) for the libvirt RPC integration tests. Tests read lab.json afresh (the lab
// may have been recreated, and VMs migrated, since the last run) and fail with instructions when it is not up.

import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, beforeEach } from 'vitest';
import { type LibvirtApi } from '../../../electron/engine/hypervisors/libvirt/rpc/api.js';
import { type LibvirtConnection, openLibvirtConnection } from '../../../electron/engine/hypervisors/libvirt/rpc/connection.js';
import { DomainUndefineFlags, StorageVolDeleteFlags } from '../../../electron/engine/hypervisors/libvirt/rpc/procedures.js';

export interface LabHost {
  name: string;
  hostUuid: string;
  uri: { unix: string; tcp: string; ssh: string };
  unixSocket: string;
  tcpPort: number;
  sshPort: number;
  sshHostKeyFingerprint: string;
  poolName: string;
  poolPath: string;
  poolDir: string;
}

export interface LabDisk {
  target: string;
  path: string;
  capacityBytes: number;
}

export interface LabVm {
  name: string;
  uuid: string;
  host: string;
  state: string;
  disks: LabDisk[];
}

export interface Lab {
  labDir: string;
  sshKey: { privateKeyPath: string; user: string };
  hosts: LabHost[];
  vms: LabVm[];
}

export const LAB_DIR = process.env.LIFEBOAT_LAB_DIR ?? '/var/tmp/lifeboat-lab';
/** Everything these tests create on the lab is named with this prefix, and only that is ever removed. */
export const TEST_PREFIX = 'rpctest-';

const HOW_TO_START =
  'These integration tests need the libvirt lab. Start it as root with `npm run lab:up` (see docs/LAB.md) and ' +
  'check it with `npm run lab:status`.';

/** Reads lab.json and checks every host answers on its unix socket; throws a helpful error otherwise. */
export async function requireLab(): Promise<Lab> {
  const file = join(LAB_DIR, 'lab.json');
  if (!existsSync(file)) throw new Error(`The libvirt lab is not up: ${file} does not exist. ${HOW_TO_START}`);
  let lab: Lab;
  try {
    lab = JSON.parse(readFileSync(file, 'utf8')) as Lab;
  } catch (error) {
    throw new Error(`The libvirt lab description ${file} cannot be read (${(error as Error).message}). ${HOW_TO_START}`, { cause: error });
  }
  if (!Array.isArray(lab.hosts) || lab.hosts.length === 0 || !Array.isArray(lab.vms)) {
    throw new Error(`The libvirt lab description ${file} lists no hosts or VMs. ${HOW_TO_START}`);
  }
  for (const host of lab.hosts) {
    const connection = await openLibvirtConnection({ transport: { kind: 'unix', socketPath: host.unixSocket } }, { timeoutMs: 5_000 }).catch(
      (error: unknown) => {
        throw new Error(`The libvirt lab is not (fully) up: host ${host.name} does not answer on ${host.unixSocket} (${(error as Error).message}). ${HOW_TO_START}`, {
          cause: error,
        });
      },
    );
    await connection.close();
  }
  return lab;
}

/**
 * Registers the file's setup: `setup` runs once with the lab. When the lab is not up (or setup fails), every test
 * of the file fails with the reason, rather than being skipped as a failing beforeAll would leave them.
 */
export function withLab(setup: (lab: Lab) => Promise<void>): void {
  let failure: unknown = null;
  beforeAll(async () => {
    try {
      await setup(await requireLab());
    } catch (error) {
      failure = error;
    }
  });
  beforeEach(() => {
    if (failure) throw failure;
  });
}

/** The host the tests put their own VMs and volumes on. */
export function testHost(lab: Lab): LabHost {
  const host = lab.hosts[lab.hosts.length - 1];
  if (!host) throw new Error('the lab has no hosts');
  return host;
}

export function openUnix(host: LabHost): Promise<LibvirtConnection> {
  return openLibvirtConnection({ transport: { kind: 'unix', socketPath: host.unixSocket } });
}

const execFileAsync = promisify(execFile);

/** Runs virsh against a lab host (an independent implementation to compare with). */
export async function virsh(host: LabHost, ...args: string[]): Promise<string> {
  const { stdout } = await execFileAsync('virsh', ['-c', host.uri.unix, ...args], { timeout: 30_000 });
  return stdout;
}

/** Removes this suite's leftovers (domains and volumes named rpctest-*) from a host. */
export async function removeTestObjects(api: LibvirtApi): Promise<void> {
  for (const domain of await api.listAllDomains()) {
    if (!domain.name.startsWith(TEST_PREFIX)) continue;
    if (domain.id !== -1) await api.domainDestroy(domain).catch(() => undefined);
    await api.domainUndefine(domain, DomainUndefineFlags.CHECKPOINTS_METADATA).catch(() => undefined);
  }
  const pool = await api.storagePoolLookupByName('default');
  await api.storagePoolRefresh(pool);
  for (const volume of await api.storagePoolListAllVolumes(pool)) {
    if (volume.name.startsWith(TEST_PREFIX)) await api.storageVolDelete(volume, StorageVolDeleteFlags.NORMAL).catch(() => undefined);
  }
}

export function uniqueName(what: string): string {
  return `${TEST_PREFIX}${what}-${process.pid}-${Date.now().toString(36)}`;
}
