// `lab down`: stops only what the lab started (found through its state file, pid files and namespaces) and empties
// the lab dir. Safe to run when the lab is not up, or half up after a failed `up`.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BRIDGE_NETNS, MARKER_FILE, labHosts, readState, resolveLabDir } from './config.ts';
import type { LabHost } from './config.ts';
import { descendants, terminate } from './exec.ts';
import { libvirtAnswers, libvirtdPid, listDomains, socatPid, sshdPid, virsh } from './hosts.ts';
import { LOCK_FILE } from './lock.ts';
import { deleteNetns, listNetns, netnsPids } from './network.ts';

async function stopHost(host: LabHost, log: (line: string) => void): Promise<void> {
  const stopped: string[] = [];
  const libvirtd = libvirtdPid(host);
  if (libvirtd !== null && (await libvirtAnswers(host.uris.unix, 5000))) {
    // Through libvirt first, so QEMU processes end cleanly and libvirt's own state stays consistent.
    const active = (await listDomains(host).catch(() => [])).filter((d) => d.state !== 'shut off');
    await Promise.all(active.map((d) => virsh(host, ['destroy', d.name], 30_000)));
    if (active.length > 0) stopped.push(`${active.length} VM${active.length === 1 ? '' : 's'}`);
  }
  if (libvirtd !== null) {
    await terminate([libvirtd], 10_000);
    stopped.push('libvirtd');
  }
  // Whatever still lives in the host's network namespace is the lab's: QEMUs whose libvirtd had died, or
  // commands someone started inside it.
  const leftovers = await netnsPids(host.netns);
  if (leftovers.length > 0) {
    await terminate(leftovers);
    stopped.push(`${leftovers.length} other process${leftovers.length === 1 ? '' : 'es'} in ${host.netns}`);
  }
  // sshd with its open sessions (its descendants); socat with its per-connection children.
  for (const [name, pid] of [['sshd', sshdPid(host)], ['socat', socatPid(host)]] as const) {
    if (pid === null) continue;
    await terminate([pid, ...descendants(pid)]);
    stopped.push(name);
  }
  await deleteNetns(host.netns);
  log(`${host.name}: ${stopped.length === 0 ? 'nothing running' : `stopped ${stopped.join(', ')}`}`);
}

/** Mount points inside the lab dir in this mount namespace (the lab creates none; refuse to delete through one). */
function mountsUnder(dir: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => (line.split(' ')[4] ?? '').replace(/\\040/g, ' '))
    .filter((mountPoint) => mountPoint === dir || mountPoint.startsWith(`${dir}/`));
}

export async function down(log: (line: string) => void): Promise<void> {
  const started = Date.now();
  const labDir = resolveLabDir();
  const entries = existsSync(labDir) ? readdirSync(labDir).filter((e) => !e.startsWith(LOCK_FILE)) : [];
  if (entries.length === 0) {
    log(`no lab at ${labDir}; nothing to do`);
    return;
  }
  if (!existsSync(join(labDir, MARKER_FILE))) {
    throw new Error(`${labDir} is not a lab dir (no ${MARKER_FILE}); leaving it alone`);
  }
  const state = readState(labDir);
  if (state !== null) {
    await Promise.all(labHosts(labDir, state.params).map((h) => stopHost(h, log)));
    if ((await listNetns()).has(BRIDGE_NETNS)) await deleteNetns(BRIDGE_NETNS);
  }
  const mounts = mountsUnder(labDir);
  if (mounts.length > 0) throw new Error(`not deleting ${labDir}: something is mounted inside it (${mounts.join(', ')})`);
  // The lock goes last, when the command that holds it ends.
  for (const entry of readdirSync(labDir)) if (!entry.startsWith(LOCK_FILE)) rmSync(join(labDir, entry), { recursive: true, force: true });
  log(`lab down in ${((Date.now() - started) / 1000).toFixed(1)} s; ${labDir} emptied`);
}
