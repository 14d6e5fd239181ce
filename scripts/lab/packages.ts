// The Debian packages the lab needs, installed when missing (a fresh CI machine has none of them).
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { mustRun, run } from './exec.ts';

export const REQUIRED_PACKAGES = [
  'libvirt-daemon-system',
  'libvirt-clients',
  'qemu-system-x86',
  'qemu-utils',
  'libnbd-bin',
  'socat',
  'iproute2',
  'openssh-server',
] as const;

/** Commands the lab runs, for a clear error on systems without dpkg. */
const REQUIRED_COMMANDS = ['libvirtd', 'virsh', 'qemu-system-x86_64', 'qemu-img', 'socat', 'ip', 'unshare', 'nsenter', 'ssh', 'ssh-keygen', 'virt-ssh-helper'];

const POLICY_RC_D = '/usr/sbin/policy-rc.d';

async function commandExists(command: string): Promise<boolean> {
  return (await run('sh', ['-c', `command -v "$1" || test -x "/usr/sbin/$1"`, 'sh', command])).code === 0;
}

async function missingPackages(): Promise<string[]> {
  const missing: string[] = [];
  for (const pkg of REQUIRED_PACKAGES) {
    const status = await run('dpkg', ['-s', pkg]);
    if (status.code !== 0 || !/^Status: install ok installed$/m.test(status.stdout)) missing.push(pkg);
  }
  return missing;
}

/** Returns the packages it installed (empty when all were present). */
export async function ensurePackages(log: (line: string) => void): Promise<string[]> {
  if (!(await commandExists('dpkg'))) {
    const missing: string[] = [];
    for (const command of REQUIRED_COMMANDS) if (!(await commandExists(command))) missing.push(command);
    if (missing.length > 0) throw new Error(`not a Debian/Ubuntu system and these commands are missing: ${missing.join(', ')}`);
    return [];
  }
  const missing = await missingPackages();
  if (missing.length === 0) return [];
  log(`installing ${missing.join(' ')} (apt-get)...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // Packages must not start system daemons (a system libvirtd with its default network, virtlogd...): the lab
  // starts its own. policy-rc.d is the Debian way to say so; only ours is removed afterwards.
  const ownPolicy = !existsSync(POLICY_RC_D);
  if (ownPolicy) writeFileSync(POLICY_RC_D, '#!/bin/sh\n# Temporary, from the Lifeboat lab: no service starts during package installs.\nexit 101\n', { mode: 0o755 });
  try {
    await mustRun('apt-get', ['update', '-q'], { env, timeoutMs: 600_000 });
    await mustRun(
      'apt-get',
      ['install', '-y', '-q', '--no-install-recommends', '-o', 'DPkg::Lock::Timeout=300', ...REQUIRED_PACKAGES],
      { env, timeoutMs: 1_800_000 },
    );
  } finally {
    if (ownPolicy) rmSync(POLICY_RC_D, { force: true });
  }
  return missing;
}
