// Network namespaces: one per host (its libvirtd and QEMUs), linked by veth pairs to a bridge that lives in one
// more namespace. Nothing is created in the root network namespace, so the lab's 10.231.0.0/24 addresses exist
// only between lab namespaces.
import { BRIDGE_NAME, BRIDGE_NETNS, INTERNAL_PREFIX_LENGTH } from './config.ts';
import type { LabHost } from './config.ts';
import { mustRun, run } from './exec.ts';

export async function listNetns(): Promise<Set<string>> {
  const out = await mustRun('ip', ['netns', 'list']);
  // Lines look like "lifeboat-lab1 (id: 3)" or just "lifeboat-lab1".
  return new Set(out.split('\n').map((line) => line.trim().split(' ')[0] ?? '').filter((n) => n !== ''));
}

async function linkExists(netns: string, link: string): Promise<boolean> {
  return (await run('ip', ['-n', netns, 'link', 'show', 'dev', link])).code === 0;
}

export async function ensureBridge(existing: Set<string>): Promise<void> {
  if (!existing.has(BRIDGE_NETNS)) await mustRun('ip', ['netns', 'add', BRIDGE_NETNS]);
  await mustRun('ip', ['-n', BRIDGE_NETNS, 'link', 'set', 'lo', 'up']);
  if (!(await linkExists(BRIDGE_NETNS, BRIDGE_NAME))) await mustRun('ip', ['-n', BRIDGE_NETNS, 'link', 'add', BRIDGE_NAME, 'type', 'bridge']);
  await mustRun('ip', ['-n', BRIDGE_NETNS, 'link', 'set', BRIDGE_NAME, 'up']);
}

/** Idempotent: creates what is missing (namespace, veth pair, address) and leaves the rest as it is. */
export async function ensureHostNetwork(host: LabHost, existing: Set<string>): Promise<void> {
  if (!existing.has(host.netns)) await mustRun('ip', ['netns', 'add', host.netns]);
  await mustRun('ip', ['-n', host.netns, 'link', 'set', 'lo', 'up']);
  if (!(await linkExists(host.netns, 'eth0'))) {
    // Created inside the host namespace with its peer moved straight into the bridge namespace.
    await mustRun('ip', ['-n', host.netns, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', host.bridgePort, 'netns', BRIDGE_NETNS]);
  }
  await mustRun('ip', ['-n', BRIDGE_NETNS, 'link', 'set', host.bridgePort, 'master', BRIDGE_NAME, 'up']);
  await mustRun('ip', ['-n', host.netns, 'addr', 'replace', `${host.internalAddress}/${INTERNAL_PREFIX_LENGTH}`, 'dev', 'eth0']);
  await mustRun('ip', ['-n', host.netns, 'link', 'set', 'eth0', 'up']);
}

export async function netnsPids(netns: string): Promise<number[]> {
  const result = await run('ip', ['netns', 'pids', netns]);
  if (result.code !== 0) return [];
  return result.stdout
    .split('\n')
    .map((s) => Number.parseInt(s, 10))
    .filter((n) => Number.isInteger(n) && n > 1);
}

export async function deleteNetns(netns: string): Promise<void> {
  if ((await listNetns()).has(netns)) await mustRun('ip', ['netns', 'del', netns]);
}
