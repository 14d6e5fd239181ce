// SSH access to lab hosts: the lab's client key pair, per-host sshd configs and host keys, and a known_hosts /
// ssh_config pair so clients can verify host keys without touching ~/.ssh.
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import type { LabHost, SshPaths } from './config.ts';
import { mustRun, writeFileIfChanged } from './exec.ts';

async function generateKey(path: string, comment: string): Promise<void> {
  await mustRun('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path]);
}

/** The lab's client key pair (random: it grants root logins on the lab's sshds) and authorized_keys. */
export async function ensureClientKey(ssh: SshPaths): Promise<void> {
  mkdirSync(ssh.dir, { recursive: true, mode: 0o700 });
  chmodSync(ssh.dir, 0o700);
  if (!existsSync(ssh.privateKey) || !existsSync(ssh.publicKey)) await generateKey(ssh.privateKey, 'lifeboat-lab');
  writeFileIfChanged(ssh.authorizedKeys, readFileSync(ssh.publicKey, 'utf8'), 0o600);
}

export async function ensureHostKey(host: LabHost): Promise<void> {
  if (!existsSync(host.hostKey) || !existsSync(`${host.hostKey}.pub`)) await generateKey(host.hostKey, host.name);
}

/** "SHA256:<base64, no padding>" of an OpenSSH public key line, as `ssh-keygen -l` prints it. */
export function fingerprint(publicKeyLine: string): string {
  const blob = publicKeyLine.trim().split(/\s+/)[1];
  if (blob === undefined) throw new Error(`not an OpenSSH public key: ${publicKeyLine}`);
  return `SHA256:${createHash('sha256').update(Buffer.from(blob, 'base64')).digest('base64').replace(/=+$/, '')}`;
}

export function hostPublicKey(host: LabHost): string {
  // Keep "type base64", drop the comment.
  return readFileSync(`${host.hostKey}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
}

export function sshdConfig(host: LabHost, ssh: SshPaths): string {
  return `# sshd for lab host ${host.name}: runs in the host's mount and UTS namespaces, the root network namespace.
ListenAddress 127.0.0.1:${host.sshPort}
HostKey ${host.hostKey}
PidFile ${host.sshdPidFile}
AuthorizedKeysFile ${ssh.authorizedKeys}
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
# The lab dir is under /var/tmp (world-writable), which strict modes would reject.
StrictModes no
# The app reaches libvirt's (and NBD's) unix sockets through SSH stream-local forwarding, which sshd only
# permits when local TCP forwarding is allowed too.
AllowStreamLocalForwarding yes
AllowTcpForwarding local
X11Forwarding no
PrintMotd no
PrintLastLog no
UseDNS no
# Tests open many connections at once.
MaxStartups 100:30:200
MaxSessions 100
`;
}

/** known_hosts entries for all hosts ([127.0.0.1]:port form), plus an ssh_config and an `ssh -F` wrapper. */
export function writeClientFiles(hosts: readonly LabHost[], ssh: SshPaths): void {
  writeFileIfChanged(ssh.knownHosts, hosts.map((h) => `[127.0.0.1]:${h.sshPort} ${hostPublicKey(h)}\n`).join(''), 0o600);
  const entries = hosts.map((h) => `Host ${h.name}\n  HostName 127.0.0.1\n  Port ${h.sshPort}\n`).join('');
  writeFileIfChanged(
    ssh.config,
    `# ssh -F ${ssh.config} lab1\n${entries}Host *\n  User root\n  IdentityFile ${ssh.privateKey}\n  IdentitiesOnly yes\n` +
      `  UserKnownHostsFile ${ssh.knownHosts}\n  StrictHostKeyChecking yes\n  BatchMode yes\n  LogLevel ERROR\n`,
    0o600,
  );
  writeFileIfChanged(ssh.wrapper, `#!/bin/sh\nexec ssh -F '${ssh.config}' "$@"\n`, 0o700);
}
