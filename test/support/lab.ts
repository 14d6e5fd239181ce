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
