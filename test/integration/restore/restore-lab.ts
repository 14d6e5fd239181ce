// What the restore tests share: a lab cluster in a test engine, sessions to its hosts, where a VM is now, the
// machine-side path of a volume, and the cleanup of everything named `restoretest-*` on every host.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'vitest';
import { labHostInputs } from '../../../electron/cli/lab.js';
import type { Engine } from '../../../electron/engine/engine.js';
import type { HostSession } from '../../../electron/engine/hypervisors/driver.js';
import { createLibvirtDriver } from '../../../electron/engine/hypervisors/libvirt/libvirt-driver.js';
import type { Manifest, Repository } from '../../../electron/engine/repository/index.js';
import { connectTargetHost } from '../../../electron/engine/restore/target-host.js';
import { virsh, type LabJson } from '../../support/lab.js';
import { createMemoryLogger } from '../../support/logger.js';

/** Everything the restore tests create is named with this prefix, and removed by cleanRestoreTests. */
export const PREFIX = 'restoretest-';

export function placement(lab: LabJson, vmName: string): string {
  for (const host of lab.hosts) if (virsh(lab, host.name, 'list', '--all', '--name').split('\n').includes(vmName)) return host.name;
  throw new Error(`${vmName} is on no lab host`);
}

export async function addLabCluster(engine: Engine, lab: LabJson): Promise<string> {
  return (await engine.clusters.add({ name: 'lab', hosts: labHostInputs(lab, 'ssh') })).id;
}

/** A session to a lab host over SSH, as a restore from the app would open it. */
export async function sessionTo(engine: Engine, clusterId: string, hostName: string): Promise<HostSession> {
  const { session } = await connectTargetHost({ driver: createLibvirtDriver(), clusters: engine.clusters, logger: createMemoryLogger().logger }, clusterId, hostName);
  return session;
}

/** A file of a lab host as seen from this machine (`/var/lib/libvirt/...` inside the host). */
export function onMachine(lab: LabJson, hostName: string, path: string): string {
  if (!path.startsWith('/var/lib/libvirt/')) throw new Error(`${path} is not under /var/lib/libvirt`);
  return join(lab.labDir, 'hosts', hostName, 'lib', path.slice('/var/lib/libvirt/'.length));
}

/** The names of a host's volumes in pool `default`. */
export function volumes(lab: LabJson, hostName: string, pool = 'default'): string[] {
  virsh(lab, hostName, 'pool-refresh', pool);
  return virsh(lab, hostName, 'vol-list', pool)
    .split('\n')
    .slice(2)
    .map((line) => line.trim().split(/\s+/)[0] ?? '')
    .filter(Boolean)
    .sort();
}

/** Exports disk `target` of the point and checks the image file at `imagePath` (qcow2 or raw) holds the same disk. */
export async function expectSameDisk(repository: Repository, point: Manifest, target: string, imagePath: string, format: string, scratch: string): Promise<void> {
  const raw = join(scratch, `${point.id}-${target}.raw`);
  await repository.exportDisk(point, target, raw, { format: 'raw', overwrite: true });
  const compare = spawnSync('qemu-img', ['compare', '-U', '-f', 'raw', '-F', format, raw, imagePath], { encoding: 'utf8' });
  expect(compare.stdout + compare.stderr, `${target} of point ${point.id} against ${imagePath}`).toContain('Images are identical');
}

/** Removes every `restoretest-*` VM and volume of every lab host (and whatever was left by a failed test). */
export function cleanRestoreTests(lab: LabJson): void {
  for (const host of lab.hosts) {
    for (const name of virsh(lab, host.name, 'list', '--all', '--name').split('\n').filter((n) => n.startsWith(PREFIX))) {
      spawnSync('virsh', ['-c', host.uri.unix, 'destroy', name], { encoding: 'utf8' });
      spawnSync('virsh', ['-c', host.uri.unix, 'undefine', '--nvram', '--checkpoints-metadata', '--managed-save', name], { encoding: 'utf8' });
    }
    for (const volume of volumes(lab, host.name).filter((v) => v.startsWith(PREFIX))) virsh(lab, host.name, 'vol-delete', '--pool', 'default', volume);
  }
}
