// libvirt-style connection URIs, as admins already write them for virsh, turned into Lifeboat host specs:
//   qemu+ssh://user@host[:port]/system[?keyfile=PATH]      qemu+tcp://host[:port]/system
//   qemu+tls://host[:port]/system[?pkipath=DIR]             qemu+unix:///system?socket=PATH
import { hostSpecSchema, type HostSpec } from './cluster.js';
import { describeSchemaIssues } from '../ipc/errors.js';

export class HostUriError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HostUriError';
  }
}

const SCHEME = /^([a-z0-9]+)\+(ssh|tcp|tls|unix):\/\/(?:([^@/?#]+)@)?(\[[^\]]+\]|[^/:?#]*)(?::(\d+))?(\/[^?#]*)?(?:\?([^#]*))?$/i;

/** Joins a folder and a file name with the folder's own separator (URIs may carry Windows paths). */
function inFolder(dir: string, file: string): string {
  const separator = dir.includes('\\') && !dir.includes('/') ? '\\' : '/';
  return dir.endsWith(separator) ? `${dir}${file}` : `${dir}${separator}${file}`;
}

/** `a=1&b=2` as a map (shared/ has no URLSearchParams: it loads neither Node's nor the DOM's types). */
function parseQuery(query: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const part of query.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const decode = (text: string): string => {
      try {
        return decodeURIComponent(text.replace(/\+/g, ' '));
      } catch {
        return text;
      }
    };
    const key = decode(eq < 0 ? part : part.slice(0, eq));
    if (!params.has(key)) params.set(key, decode(eq < 0 ? '' : part.slice(eq + 1)));
  }
  return params;
}

export function parseHostUri(uri: string): HostSpec {
  const match = SCHEME.exec(uri.trim());
  if (!match) {
    throw new HostUriError(`"${uri}" is not a libvirt URI such as qemu+ssh://root@host/system or qemu+tcp://host/system`);
  }
  const [, driver, transport, user, rawHost, rawPort, rawPath, rawQuery] = match;
  const host = (rawHost ?? '').replace(/^\[|\]$/g, '');
  const path = rawPath && rawPath !== '/' ? rawPath.replace(/^\//, '') : 'system';
  const query = parseQuery(rawQuery ?? '');
  const libvirtUri = `${driver!.toLowerCase()}:///${path}`;
  const port = rawPort === undefined ? undefined : Number(rawPort);
  let candidate: unknown;
  switch (transport!.toLowerCase()) {
    case 'ssh': {
      if (!user) throw new HostUriError(`"${uri}" names no user: write it as qemu+ssh://USER@${host || 'host'}/${path}`);
      const keyfile = query.get('keyfile');
      candidate = {
        transport: 'ssh',
        address: host,
        port,
        username: decodeURIComponent(user),
        auth: keyfile ? 'key' : 'password',
        keyPath: keyfile ?? undefined,
        libvirtUri,
      };
      break;
    }
    case 'tcp':
      candidate = { transport: 'tcp', address: host, port, libvirtUri };
      break;
    case 'tls': {
      const pki = query.get('pkipath');
      if (!pki) throw new HostUriError(`"${uri}" needs ?pkipath=DIR: the folder with cacert.pem, clientcert.pem and clientkey.pem`);
      candidate = {
        transport: 'tls',
        address: host,
        port,
        caPath: inFolder(pki, 'cacert.pem'),
        certPath: inFolder(pki, 'clientcert.pem'),
        keyPath: inFolder(pki, 'clientkey.pem'),
        libvirtUri,
      };
      break;
    }
    default: {
      const socket = query.get('socket');
      if (host) throw new HostUriError(`"${uri}": a unix socket URI has no host; write qemu+unix:///system?socket=PATH`);
      if (!socket) throw new HostUriError(`"${uri}" needs ?socket=PATH: the libvirt socket to connect to`);
      candidate = { transport: 'unix', socketPath: socket, libvirtUri };
    }
  }
  const parsed = hostSpecSchema.safeParse(JSON.parse(JSON.stringify(candidate)));
  if (!parsed.success) throw new HostUriError(`"${uri}": ${describeSchemaIssues(parsed.error)}`);
  return parsed.data;
}
