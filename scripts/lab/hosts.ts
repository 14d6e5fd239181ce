// A lab host: its private config and state dirs, its libvirtd (in its own network, mount and UTS namespaces),
// the socat that exposes libvirt on loopback TCP, the sshd that exposes it over SSH, and its storage pool.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { POOL_NAME, POOL_PATH_IN_HOST } from './config.ts';
import type { LabHost, SshPaths } from './config.ts';
import { isAlive, isLabProcess, mustRun, readPidFile, run, spawnDaemon, tail, terminate, waitFor, writeFileAtomic, writeFileIfChanged } from './exec.ts';
import type { RunResult } from './exec.ts';
import { netnsPids } from './network.ts';
import { ensureHostKey, sshdConfig } from './ssh.ts';

// Generous: a libvirtd starting after a reboot answers only once it has autostarted its VMs.
const LIBVIRTD_READY_TIMEOUT_MS = 60_000;
const DAEMON_READY_TIMEOUT_MS = 10_000;

/** Host dirs bind-mounted over the system's libvirt dirs inside the host's mount namespace. */
function bindMounts(host: LabHost): Array<[string, string]> {
  return [
    [host.etcDir, '/etc/libvirt'],
    [host.runDir, '/run/libvirt'],
    [host.libDir, '/var/lib/libvirt'],
    [host.logDir, '/var/log/libvirt'],
    [host.cacheDir, '/var/cache/libvirt'],
    [host.hostsFile, '/etc/hosts'],
  ];
}

function libvirtdConf(host: LabHost): string {
  return `# libvirtd of lab host ${host.name} (written by scripts/lab; inside the host this dir is /etc/libvirt).
# TCP listens inside the host's own network namespace only (for migration between lab hosts);
# the root namespace reaches this daemon through the unix socket, or socat on 127.0.0.1:${host.tcpPort}.
listen_tls = 0
listen_tcp = 1
listen_addr = "0.0.0.0"
auth_tcp = "none"
auth_unix_rw = "none"
auth_unix_ro = "none"
unix_sock_rw_perms = "0700"
# Distinct per host: libvirt refuses to migrate between hosts with the same UUID.
host_uuid = "${host.hostUuid}"
log_outputs = "3:file:/var/log/libvirt/libvirtd.log"
`;
}

function qemuConf(host: LabHost): string {
  return `# QEMU driver config of lab host ${host.name} (written by scripts/lab).
# root: else QEMU cannot write the NBD unix sockets of pull-mode backups.
user = "root"
group = "root"
remember_owner = 0
security_driver = "none"
# Keep QEMU in the cgroup of whoever started the lab, so CI/session cleanup still reaches it.
cgroup_controllers = [ ]
# QEMU stays in the host's mount namespace (no private /dev per VM): fewer moving parts.
namespaces = [ ]
# No virtlogd in the lab.
stdio_handler = "file"
# Incoming migrations (and their storage-copy NBD) are advertised on the lab-internal address.
migration_host = "${host.internalAddress}"
`;
}

function etcHosts(all: readonly LabHost[]): string {
  const lines = all.map((h) => `${h.internalAddress}\t${h.name}`);
  return `127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n# Lifeboat lab hosts (lab-internal addresses)\n${lines.join('\n')}\n`;
}

export interface ConfigChanges {
  /** libvirtd.conf or qemu.conf differ from what the running libvirtd (if any) was started with. */
  libvirt: boolean;
  sshd: boolean;
}

/** Creates the host's dirs and (re)writes its config files; unchanged files are left alone. */
export async function prepareHostFiles(host: LabHost, all: readonly LabHost[], ssh: SshPaths): Promise<ConfigChanges> {
  for (const dir of [host.etcDir, host.runDir, host.libDir, host.poolDirOnMachine, host.logDir, host.cacheDir]) {
    mkdirSync(dir, { recursive: true, mode: 0o755 });
  }
  const libvirtd = writeFileIfChanged(host.libvirtdConf, libvirtdConf(host));
  const qemu = writeFileIfChanged(join(host.etcDir, 'qemu.conf'), qemuConf(host));
  writeFileIfChanged(host.hostsFile, etcHosts(all));
  const sshd = writeFileIfChanged(host.sshdConfig, sshdConfig(host, ssh));
  await ensureHostKey(host);
  return { libvirt: libvirtd || qemu, sshd };
}

export function virsh(host: LabHost, args: readonly string[], timeoutMs = 60_000): Promise<RunResult> {
  return run('virsh', ['-q', '-c', host.uris.unix, ...args], { timeoutMs });
}

export async function mustVirsh(host: LabHost, args: readonly string[], timeoutMs = 60_000): Promise<string> {
  return mustRun('virsh', ['-q', '-c', host.uris.unix, ...args], { timeoutMs });
}

export async function libvirtAnswers(uri: string, timeoutMs = 10_000): Promise<boolean> {
  return (await run('virsh', ['-q', '-c', uri, 'uri'], { timeoutMs })).code === 0;
}

/** The libvirtd of this host if it is the lab's and alive (pid from its pid file), else null. */
export function libvirtdPid(host: LabHost): number | null {
  const pid = readPidFile(host.libvirtdPidFile);
  return isLabProcess(pid, ['libvirtd', host.libvirtdConf]) ? pid : null;
}

export function socatPid(host: LabHost): number | null {
  const pid = readPidFile(host.socatPidFile);
  return isLabProcess(pid, ['socat', `TCP-LISTEN:${host.tcpPort},`]) ? pid : null;
}

export function sshdPid(host: LabHost): number | null {
  const pid = readPidFile(host.sshdPidFile);
  return isLabProcess(pid, ['sshd', host.sshdConfig]) ? pid : null;
}

function mountNamespace(pid: number): string | null {
  try {
    return readlinkSync(`/proc/${pid}/ns/mnt`);
  } catch {
    return null;
  }
}

/**
 * Starts libvirtd inside the host's network namespace, in new mount and UTS namespaces where the host's private
 * dirs are bind-mounted over the system's libvirt dirs and /etc/hosts, with the host's name as hostname.
 * `libvirtd -d` daemonizes; the namespaces live as long as it (and the QEMUs and sshd inside them) do.
 */
async function startLibvirtd(host: LabHost): Promise<number> {
  rmSync(host.libvirtdPidFile, { force: true });
  // QEMUs that outlived a crashed libvirtd live on in the host's network namespace: keep libvirt's runtime state
  // so the new libvirtd reconnects to them. With nothing left there (say after a reboot: /var/tmp survives it),
  // that state is stale, and its pids may now belong to other processes: drop it.
  if ((await netnsPids(host.netns)).length === 0) {
    for (const entry of readdirSync(host.runDir)) rmSync(join(host.runDir, entry), { recursive: true, force: true });
  }
  const mounts = bindMounts(host)
    .map(([source, target]) => `mount --bind '${source}' '${target}'`)
    .join('\n');
  const script = `set -e
# Mount points, normally present once libvirt is installed.
mkdir -p /etc/libvirt /run/libvirt /var/lib/libvirt /var/log/libvirt /var/cache/libvirt
${mounts}
hostname '${host.name}'
exec libvirtd -d -l -f '${host.libvirtdConf}' -p '${host.libvirtdPidFile}'
`;
  const start = await run(
    'ip',
    ['netns', 'exec', host.netns, 'unshare', '--mount', '--uts', '--propagation', 'private', 'sh', '-c', script],
    { logFile: host.libvirtdStartLog, timeoutMs: LIBVIRTD_READY_TIMEOUT_MS },
  );
  if (start.code !== 0) {
    throw new Error(`${host.name}: starting libvirtd failed (exit ${start.code})\n${tail(host.libvirtdStartLog)}\n${tail(host.libvirtdLog)}`);
  }
  const ready = await waitFor(async () => {
    const pid = libvirtdPid(host);
    if (pid === null) return readPidFile(host.libvirtdPidFile) === null ? null : 'died';
    return (await libvirtAnswers(host.uris.unix, 5000)) ? pid : null;
  }, LIBVIRTD_READY_TIMEOUT_MS);
  if (ready === null || ready === 'died') {
    const why = ready === 'died' ? 'exited during start-up' : `did not answer on ${host.unixSocket} within ${LIBVIRTD_READY_TIMEOUT_MS / 1000} s`;
    throw new Error(`${host.name}: libvirtd ${why}\n${tail(host.libvirtdStartLog)}\n${tail(host.libvirtdLog)}`);
  }
  return ready;
}

export interface DaemonResult {
  pid: number;
  /** False when it was already running and was left alone. */
  started: boolean;
}

/** Leaves a running, answering libvirtd alone; starts one when there is none (first `up`, or it died). */
export async function ensureLibvirtd(host: LabHost): Promise<DaemonResult> {
  const pid = libvirtdPid(host);
  if (pid !== null) {
    if (await waitFor(async () => ((await libvirtAnswers(host.uris.unix, 5000)) ? true : null), DAEMON_READY_TIMEOUT_MS)) {
      return { pid, started: false };
    }
    throw new Error(`${host.name}: libvirtd (pid ${pid}) is running but does not answer; run \`npm run lab:down\`, then \`npm run lab:up\`\n${tail(host.libvirtdLog)}`);
  }
  return { pid: await startLibvirtd(host), started: true };
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Connects to 127.0.0.1:port; resolves with the first bytes the server sends (within waitMs), '' if none. */
export function probeTcp(port: number, waitMs = 0): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let received = '';
    const done = (value: string | null): void => {
      socket.destroy();
      resolve(value);
    };
    socket.setTimeout(2000, () => done(null));
    socket.once('error', () => done(null));
    socket.once('connect', () => {
      if (waitMs === 0) done('');
      else setTimeout(() => done(received), waitMs);
    });
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      if (received.includes('\n')) done(received);
    });
  });
}

async function requireFreePort(port: number, what: string, option: string): Promise<void> {
  if (!(await portIsFree(port))) {
    throw new Error(`port 127.0.0.1:${port} (${what}) is already in use by another program; pick other ports with ${option}`);
  }
}

/** socat on 127.0.0.1:tcpPort forwarding each connection to the host's libvirt unix socket. */
export async function ensureSocat(host: LabHost): Promise<DaemonResult> {
  const existing = socatPid(host);
  if (existing !== null && (await probeTcp(host.tcpPort)) !== null) return { pid: existing, started: false };
  if (existing !== null) await terminate([existing]);
  await requireFreePort(host.tcpPort, `${host.name} libvirt TCP`, '--tcp-port-base');
  const pid = spawnDaemon(
    'socat',
    [`TCP-LISTEN:${host.tcpPort},bind=127.0.0.1,reuseaddr,fork`, `UNIX-CONNECT:${host.unixSocket}`],
    host.socatLog,
  );
  writeFileAtomic(host.socatPidFile, `${pid}\n`);
  const ok = await waitFor(async () => (!isAlive(pid) ? false : (await probeTcp(host.tcpPort)) !== null ? true : null), DAEMON_READY_TIMEOUT_MS);
  if (ok !== true) throw new Error(`${host.name}: socat did not listen on 127.0.0.1:${host.tcpPort}\n${tail(host.socatLog)}`);
  return { pid, started: true };
}

/**
 * sshd on 127.0.0.1:sshPort, entered into libvirtd's mount and UTS namespaces (so `virt-ssh-helper` and
 * forwarding to /var/run/libvirt/libvirt-sock reach this host's libvirtd) but in the root network namespace.
 * Restarted when it is not in the current libvirtd's mount namespace (libvirtd was restarted) or its config changed.
 */
export async function ensureSshd(host: LabHost, libvirtd: number, configChanged: boolean): Promise<DaemonResult> {
  const existing = sshdPid(host);
  if (existing !== null) {
    const healthy = !configChanged && mountNamespace(existing) === mountNamespace(libvirtd) && (await probeTcp(host.sshPort, 2000))?.startsWith('SSH-');
    if (healthy === true) return { pid: existing, started: false };
    // Only the listener: connections already open keep working until their clients close them.
    await terminate([existing]);
  }
  await requireFreePort(host.sshPort, `${host.name} SSH`, '--ssh-port-base');
  // Privilege separation dir; Debian creates it at boot through systemd, which is not running here.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  rmSync(host.sshdPidFile, { force: true });
  const start = await run('nsenter', ['-t', String(libvirtd), '-m', '-u', '/usr/sbin/sshd', '-f', host.sshdConfig, '-E', host.sshdLog], {
    timeoutMs: DAEMON_READY_TIMEOUT_MS,
  });
  if (start.code !== 0) throw new Error(`${host.name}: sshd failed to start: ${start.stderr.trim()}\n${tail(host.sshdLog)}`);
  const pid = await waitFor(async () => {
    const p = sshdPid(host);
    return p !== null && (await probeTcp(host.sshPort, 2000))?.startsWith('SSH-') ? p : null;
  }, DAEMON_READY_TIMEOUT_MS);
  if (pid === null) throw new Error(`${host.name}: sshd did not answer on 127.0.0.1:${host.sshPort}\n${tail(host.sshdLog)}`);
  return { pid, started: true };
}

export async function ensurePool(host: LabHost): Promise<void> {
  const info = await virsh(host, ['pool-info', POOL_NAME]);
  if (info.code !== 0) {
    await mustVirsh(host, ['pool-define-as', POOL_NAME, 'dir', '--target', POOL_PATH_IN_HOST]);
    await mustVirsh(host, ['pool-autostart', POOL_NAME]);
  }
  const state = /^State:\s+(\S+)/m.exec((await mustVirsh(host, ['pool-info', POOL_NAME])))?.[1];
  if (state !== 'running') await mustVirsh(host, ['pool-start', POOL_NAME]);
}

function qemuCapabilitiesDir(host: LabHost): string {
  return join(host.cacheDir, 'qemu', 'capabilities');
}

/**
 * Probing QEMU's capabilities takes a libvirtd seconds of CPU, before its first VM can be defined; N daemons
 * probing at once share the 2 cores. So the first host probes (warmQemuCapabilities) and the others get a copy of
 * its cache (shareQemuCapabilities), which is valid for them: same QEMU binary, same libvirtd, same kernel. A
 * running libvirtd reads the cache file when it first needs the capabilities.
 */
export async function warmQemuCapabilities(host: LabHost): Promise<void> {
  await mustVirsh(host, ['domcapabilities', '--virttype', 'qemu', '--arch', 'x86_64']);
}

export function shareQemuCapabilities(from: LabHost, to: readonly LabHost[]): void {
  const source = qemuCapabilitiesDir(from);
  if (!existsSync(source)) return;
  for (const other of to) {
    if (other === from) continue;
    const target = qemuCapabilitiesDir(other);
    mkdirSync(target, { recursive: true, mode: 0o755 });
    for (const file of readdirSync(source)) if (!existsSync(join(target, file))) copyFileSync(join(source, file), join(target, file));
  }
}

export interface DomainInfo {
  name: string;
  state: string;
}

/** All domains defined or running on the host, with libvirt's state names ("running", "shut off", ...). */
export async function listDomains(host: LabHost): Promise<DomainInfo[]> {
  const out = await mustVirsh(host, ['list', '--all']);
  const domains: DomainInfo[] = [];
  for (const line of out.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 3) continue;
    domains.push({ name: fields[1] ?? '', state: fields.slice(2).join(' ') });
  }
  return domains;
}
