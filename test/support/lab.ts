// The running lab, as its lab.json describes it (docs/LAB.md). Tests that need it fail with a clear message
// when it is not up, rather than being skipped.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { LabJson } from '../../scripts/lab/lab-json.ts';

export type { LabJson };

export const LAB_DIR = process.env['LIFEBOAT_LAB_DIR'] ?? '/var/tmp/lifeboat-lab';

export function requireLab(): LabJson {
  const status = spawnSync(process.execPath, [resolve('scripts/lab/lab.ts'), 'status'], { encoding: 'utf8' });
  if (status.status !== 0) {
    throw new Error(`These tests run against the libvirt lab, which is not up. Start it with \`npm run lab:up\` (as root); \`npm test\` does this itself.\n${status.stdout}${status.stderr}`);
  }
  return JSON.parse(readFileSync(join(LAB_DIR, 'lab.json'), 'utf8')) as LabJson;
}

/** Runs virsh against one lab host (over its unix socket), returning stdout; throws with stderr on failure. */
export function virsh(lab: LabJson, hostName: string, ...args: string[]): string {
  const host = lab.hosts.find((h) => h.name === hostName);
  if (!host) throw new Error(`no lab host ${hostName}`);
  const r = spawnSync('virsh', ['-c', host.uri.unix, ...args], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`virsh ${args.join(' ')} on ${hostName} failed: ${r.stderr}`);
  return r.stdout;
}

/**
 * Deletes the VM's Lifeboat checkpoints on a host, except `keep`. A record whose bitmap is gone (its QEMU or
 * libvirtd was killed before the bitmap was saved) cannot be deleted whole; only its record is then.
 */
export function removeLifeboatCheckpoints(lab: LabJson, hostName: string, vmName: string, keep: readonly string[] = []): void {
  for (const name of virsh(lab, hostName, 'checkpoint-list', vmName, '--name').split('\n')) {
    if (!name.startsWith('lifeboat-') || keep.includes(name)) continue;
    try {
      virsh(lab, hostName, 'checkpoint-delete', vmName, name);
    } catch (error) {
      if (!/bitmap '[^']*' not found/.test(String(error))) throw error;
      virsh(lab, hostName, 'checkpoint-delete', '--metadata', vmName, name);
    }
  }
}
