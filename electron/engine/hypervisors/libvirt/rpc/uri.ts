// Parses the libvirt URIs users type (https://libvirt.org/uri.html, https://libvirt.org/remote.html) into what
// the transports need. Only the QEMU system driver is in scope; other drivers, session URIs, and options that
// would weaken host verification are refused with a message saying why.

import { DEFAULT_LIBVIRT_SOCKET, DEFAULT_LIBVIRT_TCP_PORT, DEFAULT_LIBVIRT_TLS_PORT, type SshProxyMode } from './transports.js';

export type LibvirtTransportKind = 'unix' | 'tcp' | 'tls' | 'ssh';

export interface ParsedLibvirtUri {
  transport: LibvirtTransportKind;
  /** null for unix. */
  host: string | null;
  /** The port to connect to (transport default applied); null for unix. */
  port: number | null;
  username: string | null;
  /** The URI libvirtd is asked to open, e.g. `qemu:///system`. */
  remoteUri: string;
  /** unix: the local socket; ssh: the remote socket to forward to (with proxy 'unix-socket'). */
  socket: string | null;
  /** ssh: the `keyfile=` parameter. */
  keyfile: string | null;
  /** ssh: how to reach the daemon (`proxy=native` → virt-ssh-helper, `proxy=netcat` → unix-socket). */
  proxy: SshProxyMode;
  /** tls: the `pkipath=` directory holding cacert.pem, clientcert.pem, clientkey.pem. */
  pkipath: string | null;
  /** Parameters that were understood but have no effect here. */
  warnings: string[];
}

export class LibvirtUriError extends Error {
  override readonly name = 'LibvirtUriError';
  constructor(
    readonly uri: string,
    reason: string,
  ) {
    super(`unsupported libvirt URI ${JSON.stringify(uri)}: ${reason}`);
  }
}

const TRANSPORT_ALIASES: Record<string, LibvirtTransportKind> = {
  unix: 'unix',
  tcp: 'tcp',
  tls: 'tls',
  ssh: 'ssh',
  libssh: 'ssh',
  libssh2: 'ssh',
};

/** Parameters of libvirt's remote driver that do not change where or how Lifeboat connects. */
const IGNORED_PARAMETERS: Record<string, string> = {
  command: 'Lifeboat uses its own SSH client, not a local ssh program',
  netcat: 'the remote side is reached with virt-ssh-helper or SSH socket forwarding, not netcat',
  no_tty: 'Lifeboat never asks for passwords on a terminal',
  known_hosts: 'host keys are pinned in Lifeboat, not read from a known_hosts file',
  known_hosts_verify: 'host keys are always verified against the pinned fingerprint',
  sshauth: 'the credentials given to Lifeboat decide the SSH authentication',
  mode: 'virt-ssh-helper picks the daemon socket on the host',
  tls_priority: 'the TLS library negotiates ciphers itself',
};

export function parseLibvirtUri(text: string): ParsedLibvirtUri {
  const input = text.trim();
  const schemeMatch = /^([a-z0-9]+)(?:\+([a-z0-9]+))?:\/\//i.exec(input);
  if (!schemeMatch) throw new LibvirtUriError(text, 'expected driver[+transport]://[user@]host[:port]/path, e.g. qemu+ssh://root@host/system');
  const driver = (schemeMatch[1] ?? '').toLowerCase();
  const transportName = schemeMatch[2]?.toLowerCase();
  if (driver !== 'qemu') throw new LibvirtUriError(text, `only the QEMU/KVM driver (qemu://) is supported, not "${driver}"`);

  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new LibvirtUriError(text, 'it is not a well-formed URI');
  }
  const host = url.hostname === '' ? null : url.hostname.replace(/^\[(.*)\]$/, '$1');
  let transport: LibvirtTransportKind;
  if (transportName === undefined) {
    // Without a transport, libvirt uses the local socket when there is no host, and TLS when there is one.
    transport = host === null ? 'unix' : 'tls';
  } else {
    const mapped = TRANSPORT_ALIASES[transportName];
    if (!mapped) {
      throw new LibvirtUriError(text, `transport "${transportName}" is not supported (use ssh, tcp, tls or unix)`);
    }
    transport = mapped;
  }

  const path = url.pathname.replace(/\/+$/, '') || '/';
  if (path === '/session') throw new LibvirtUriError(text, 'qemu:///session (per-user VMs) is not supported; Lifeboat manages system VMs (/system)');
  if (path !== '/system') throw new LibvirtUriError(text, `the path must be /system, not ${JSON.stringify(url.pathname)}`);

  if (transport === 'unix' && host !== null) throw new LibvirtUriError(text, 'a unix socket URI cannot name a host (use qemu+unix:///system)');
  if (transport !== 'unix' && host === null) throw new LibvirtUriError(text, `qemu+${transport} needs a host name`);
  if (url.password !== '') throw new LibvirtUriError(text, 'do not put a password in the URI; enter it as a credential');

  let port: number | null = null;
  if (url.port !== '') {
    if (transport === 'unix') throw new LibvirtUriError(text, 'a unix socket URI has no port');
    port = Number(url.port);
  } else if (transport === 'tcp') port = DEFAULT_LIBVIRT_TCP_PORT;
  else if (transport === 'tls') port = DEFAULT_LIBVIRT_TLS_PORT;
  else if (transport === 'ssh') port = 22;

  const username = url.username === '' ? null : decodeURIComponent(url.username);
  if (username !== null && transport !== 'ssh') throw new LibvirtUriError(text, `a user name only applies to SSH, not to ${transport}`);

  const warnings: string[] = [];
  let socket: string | null = null;
  let keyfile: string | null = null;
  let pkipath: string | null = null;
  let remoteUri = 'qemu:///system';
  let proxy: SshProxyMode = 'virt-ssh-helper';
  for (const [name, value] of url.searchParams) {
    switch (name) {
      case 'socket':
        if (transport !== 'unix' && transport !== 'ssh') throw new LibvirtUriError(text, `socket= applies to unix and ssh URIs, not ${transport}`);
        if (!value.startsWith('/')) throw new LibvirtUriError(text, 'socket= must be an absolute path');
        socket = value;
        if (transport === 'ssh') proxy = 'unix-socket';
        break;
      case 'keyfile':
        if (transport !== 'ssh') throw new LibvirtUriError(text, 'keyfile= only applies to SSH');
        keyfile = value;
        break;
      case 'pkipath':
        if (transport !== 'tls') throw new LibvirtUriError(text, 'pkipath= only applies to TLS');
        pkipath = value;
        break;
      case 'name':
        if (!/^qemu:\/\/\/system$/.test(value)) throw new LibvirtUriError(text, `name= must be qemu:///system, not ${JSON.stringify(value)}`);
        remoteUri = value;
        break;
      case 'proxy':
        if (transport !== 'ssh') throw new LibvirtUriError(text, 'proxy= only applies to SSH');
        if (value === 'native' || value === 'auto') proxy = socket === null ? 'virt-ssh-helper' : 'unix-socket';
        else if (value === 'netcat') proxy = 'unix-socket';
        else throw new LibvirtUriError(text, `proxy= must be auto, native or netcat, not ${JSON.stringify(value)}`);
        break;
      case 'no_verify':
        if (value !== '0') {
          throw new LibvirtUriError(text, 'no_verify is not supported: Lifeboat always verifies the server (confirm and pin its key instead)');
        }
        break;
      default: {
        const reason = IGNORED_PARAMETERS[name];
        warnings.push(reason ? `${name}= is ignored: ${reason}` : `unknown parameter ${name}= is ignored`);
      }
    }
  }
  if (transport === 'unix' && socket === null) socket = DEFAULT_LIBVIRT_SOCKET;

  return { transport, host, port, username, remoteUri, socket, keyfile, proxy, pkipath, warnings };
}
