// People who run libvirt know their hosts by URI (`qemu+ssh://root@kvm1/system`, what `virsh -c` takes), so the
// add-cluster form accepts one in a host's address box and spreads it over the form's fields. Pure: no store, no
// strings for display (the view words the failure reasons).

export type UriTransport = 'ssh' | 'tcp' | 'tls' | 'unix';

/** What a URI says about a host, in the form's terms. Absent fields are ones the URI does not set. */
export interface ParsedLibvirtUri {
  transport: UriTransport;
  /** Host name or IP address (IPv6 without brackets); absent for the local socket. */
  address?: string;
  /** The port as written; absent means the transport's default. */
  port?: string;
  username?: string;
  /** SSH `?keyfile=`: a private key file on this computer. */
  keyPath?: string;
  /** TLS `?pkipath=`: the folder with libvirt's client certificate files. */
  caPath?: string;
  certPath?: string;
  tlsKeyPath?: string;
  /** Unix `?socket=`, or libvirt's default system socket. */
  socketPath?: string;
  /** The URI of the hypervisor on the far side: `qemu:///system` or `qemu:///session`. */
  libvirtUri: string;
  /** Parts of the URI Lifeboat does not use (query parameters, or `user` for a transport without one). */
  ignored: string[];
}

export type LibvirtUriProblem =
  /** Not a URI at all, or one the URL parser refuses. */
  | 'malformed'
  /** A hypervisor driver other than QEMU (`xen+ssh://`, `lxc://`, `test:///default`). */
  | 'unsupported-driver'
  /** A transport Lifeboat cannot use (`ext`, `libssh` with a proxy command, ...). */
  | 'unsupported-transport'
  /** A remote transport without a host, or a local socket with one. */
  | 'host-mismatch'
  /** A path other than `/system` or `/session` (embedded drivers and the like). */
  | 'unsupported-path';

export type LibvirtUriParse = { ok: true; value: ParsedLibvirtUri } | { ok: false; problem: LibvirtUriProblem };

/** libvirt's classic system socket: what `qemu:///system` reaches when no `socket=` is given. */
export const DEFAULT_SYSTEM_SOCKET = '/var/run/libvirt/libvirt-sock';

const SCHEME = /^([a-z][a-z0-9]*)(?:\+([a-z0-9]+))?:\/\//i;

/** Whether text looks like a URI rather than a host name: a scheme followed by `://`. */
export function looksLikeLibvirtUri(text: string): boolean {
  return SCHEME.test(text.trim());
}

function transportFor(name: string | undefined, hasHost: boolean): UriTransport | null {
  switch (name) {
    // libvirt's rule: no transport means TLS to a remote host, the local socket otherwise.
    case undefined:
      return hasHost ? 'tls' : 'unix';
    case 'ssh':
    case 'libssh':
    case 'libssh2':
      return 'ssh';
    case 'tcp':
      return 'tcp';
    case 'tls':
      return 'tls';
    case 'unix':
      return 'unix';
    default:
      return null;
  }
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function joinPath(folder: string, file: string): string {
  return `${folder.replace(/\/+$/, '')}/${file}`;
}

export function parseLibvirtUri(text: string): LibvirtUriParse {
  const trimmed = text.trim();
  const scheme = SCHEME.exec(trimmed);
  if (!scheme) return { ok: false, problem: 'malformed' };
  const driver = (scheme[1] ?? '').toLowerCase();
  const transportName = scheme[2]?.toLowerCase();
  if (driver !== 'qemu') return { ok: false, problem: 'unsupported-driver' };

  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return { ok: false, problem: 'malformed' };
  }
  // Non-special schemes keep brackets around IPv6 literals; the address field wants the bare address.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const transport = transportFor(transportName, host !== '');
  if (transport === null) return { ok: false, problem: 'unsupported-transport' };
  if ((transport === 'unix') !== (host === '')) return { ok: false, problem: 'host-mismatch' };

  const path = url.pathname === '' || url.pathname === '/' ? '/system' : url.pathname.replace(/\/+$/, '');
  if (path !== '/system' && path !== '/session') return { ok: false, problem: 'unsupported-path' };

  const value: ParsedLibvirtUri = { transport, libvirtUri: `qemu://${path}`, ignored: [] };
  if (host !== '') value.address = decode(host);
  if (url.port !== '') value.port = url.port;
  if (url.username !== '') {
    if (transport === 'ssh') value.username = decode(url.username);
    // TCP and TLS only use a user name for SASL, which Lifeboat does not do.
    else value.ignored.push('user');
  }

  for (const [key, raw] of url.searchParams) {
    if (transport === 'ssh' && key === 'keyfile' && raw !== '') value.keyPath = raw;
    else if (transport === 'unix' && key === 'socket' && raw !== '') value.socketPath = raw;
    else if (transport === 'tls' && key === 'pkipath' && raw !== '') {
      // The file names libvirt's client looks for inside a pkipath folder.
      value.caPath = joinPath(raw, 'cacert.pem');
      value.certPath = joinPath(raw, 'clientcert.pem');
      value.tlsKeyPath = joinPath(raw, 'clientkey.pem');
    } else value.ignored.push(key);
  }
  if (transport === 'unix' && value.socketPath === undefined && path === '/system') value.socketPath = DEFAULT_SYSTEM_SOCKET;
  return { ok: true, value };
}
