// Every transport against the real lab daemons: unix, TCP, SSH (both ways to libvirtd), TLS (through a local TLS
// terminator in front of a lab socket), URIs as users type them, and the failures users will meet.

import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import tls from 'node:tls';
import ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LibvirtConnection, type LibvirtTransportSpec, openLibvirtConnection } from '../../../electron/engine/hypervisors/libvirt/rpc/connection.js';
import { HostKeyMismatchError, HostKeyUnknownError, LibvirtConnectionError, SshAuthError } from '../../../electron/engine/hypervisors/libvirt/rpc/errors.js';
import { RemoteAuthType } from '../../../electron/engine/hypervisors/libvirt/rpc/procedures.js';
import { connectSsh } from '../../../electron/engine/hypervisors/libvirt/rpc/transports.js';
import { makeTempDir } from '../../support/temp.js';
import { type Lab, type LabHost, withLab } from './lab.js';

let lab: Lab;
withLab(async (ready) => {
  lab = ready;
});

type SshTransport = Extract<LibvirtTransportSpec, { kind: 'ssh' }>;

/** The lab's SSH way into `host`; credentials given in `extra` replace the lab key. */
function sshSpec(host: LabHost, extra: Partial<SshTransport> = {}): { transport: SshTransport } {
  const credentials = extra.privateKey !== undefined || extra.password !== undefined ? {} : { privateKeyPath: lab.sshKey.privateKeyPath };
  return {
    transport: {
      kind: 'ssh',
      host: '127.0.0.1',
      port: host.sshPort,
      username: lab.sshKey.user,
      hostKey: { pinnedFingerprint: host.sshHostKeyFingerprint },
      ...credentials,
      ...extra,
    },
  };
}

async function expectHost(connection: LibvirtConnection, host: LabHost): Promise<void> {
  try {
    expect(await connection.api.getHostname()).toBe(host.name);
    expect(await connection.api.getLibVersion()).toBe(9_000_000);
    expect(await connection.api.getType()).toBe('QEMU');
    expect(await connection.api.getCapabilities()).toContain(`<uuid>${host.hostUuid}</uuid>`);
  } finally {
    await connection.close();
  }
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('unix and TCP', () => {
  it('reaches every lab host over its unix socket, with no authentication required', async () => {
    for (const host of lab.hosts) {
      const connection = await openLibvirtConnection({ transport: { kind: 'unix', socketPath: host.unixSocket } });
      expect(await connection.api.authList()).toEqual([RemoteAuthType.NONE]);
      await expectHost(connection, host);
    }
  });

  it('reaches every lab host over TCP', async () => {
    for (const host of lab.hosts) {
      await expectHost(await openLibvirtConnection({ transport: { kind: 'tcp', host: '127.0.0.1', port: host.tcpPort } }), host);
    }
  });

  it('fails clearly and fast on a closed port', async () => {
    const port = await freePort();
    const started = Date.now();
    const error = await openLibvirtConnection({ transport: { kind: 'tcp', host: '127.0.0.1', port } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LibvirtConnectionError);
    expect((error as Error).message).toContain('connection refused');
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe('SSH', () => {
  it('reaches every host through virt-ssh-helper with the pinned host key', async () => {
    for (const host of lab.hosts) {
      const connection = await openLibvirtConnection(sshSpec(host));
      expect(connection.description).toBe(`ssh root@127.0.0.1:${host.sshPort} → virt-ssh-helper qemu:///system`);
      await expectHost(connection, host);
    }
  });

  it('reaches a host by forwarding to the daemon socket, and can forward other host sockets', async () => {
    const host = lab.hosts[0] as LabHost;
    const connection = await openLibvirtConnection(sshSpec(host, { proxy: 'unix-socket' }));
    expect(connection.description).toBe(`ssh root@127.0.0.1:${host.sshPort} → /var/run/libvirt/libvirt-sock`);
    const transport = connection.transport as Awaited<ReturnType<typeof connectSsh>>;
    expect(transport.hostKeyFingerprint).toBe(host.sshHostKeyFingerprint);
    const second = await transport.forwardUnixSocket('/var/run/libvirt/libvirt-sock');
    second.destroy();
    await expectHost(connection, host);
  });

  it('refuses a host key other than the pinned one, naming both fingerprints', async () => {
    const host = lab.hosts[0] as LabHost;
    const other = (lab.hosts[1] ?? host).sshHostKeyFingerprint === host.sshHostKeyFingerprint ? 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' : (lab.hosts[1] as LabHost).sshHostKeyFingerprint;
    const error = await openLibvirtConnection(sshSpec(host, { hostKey: { pinnedFingerprint: other } })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostKeyMismatchError);
    expect(error).toMatchObject({ expectedFingerprint: other, actualFingerprint: host.sshHostKeyFingerprint });
    expect((error as Error).message).toContain(other);
    expect((error as Error).message).toContain(host.sshHostKeyFingerprint);
  });

  it('reports an unknown host key with its fingerprint, and connects once the callback accepts it', async () => {
    const host = lab.hosts[0] as LabHost;
    const unknown = await openLibvirtConnection(sshSpec(host, { hostKey: {} })).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(HostKeyUnknownError);
    expect(unknown).toMatchObject({ fingerprint: host.sshHostKeyFingerprint });

    const declined = await openLibvirtConnection(sshSpec(host, { hostKey: { onUnknownHostKey: () => false } })).catch((e: unknown) => e);
    expect(declined).toBeInstanceOf(HostKeyUnknownError);

    const shown: string[] = [];
    const accepted = await openLibvirtConnection(
      sshSpec(host, {
        hostKey: {
          onUnknownHostKey: async (fingerprint) => {
            shown.push(fingerprint);
            // A user reading the fingerprint: this time must not count against the connect timeout.
            await new Promise((resolve) => setTimeout(resolve, 300));
            return true;
          },
        },
      }),
      { timeoutMs: 10_000 },
    );
    expect(shown).toEqual([host.sshHostKeyFingerprint]);
    await expectHost(accepted, host);
  });

  it('fails with SshAuthError for a key the host does not know, and for a password', async () => {
    const host = lab.hosts[0] as LabHost;
    const stranger = ssh2.utils.generateKeyPairSync('ed25519');
    const wrongKey = await openLibvirtConnection(sshSpec(host, { privateKey: stranger.private })).catch((e: unknown) => e);
    expect(wrongKey).toBeInstanceOf(SshAuthError);
    expect((wrongKey as Error).message).toBe(`SSH login as root@127.0.0.1:${host.sshPort} was refused: the server did not accept the key`);

    const password = await openLibvirtConnection(sshSpec(host, { password: 'not-the-password' })).catch((e: unknown) => e);
    expect(password).toBeInstanceOf(SshAuthError);

    const unreadable = await openLibvirtConnection(sshSpec(host, { privateKeyPath: '/nonexistent/id_ed25519' })).catch((e: unknown) => e);
    expect(unreadable).toBeInstanceOf(SshAuthError);
    expect((unreadable as Error).message).toMatch(/cannot read the SSH private key \/nonexistent\/id_ed25519/);

    const garbage = await openLibvirtConnection(sshSpec(host, { privateKey: 'not a key' })).catch((e: unknown) => e);
    expect(garbage).toBeInstanceOf(SshAuthError);
    expect((garbage as Error).message).toMatch(/cannot use the SSH private key/);
  });

  it('fails clearly and fast on a closed SSH port', async () => {
    const port = await freePort();
    const started = Date.now();
    const error = await connectSsh({ host: '127.0.0.1', port, username: 'root', privateKeyPath: lab.sshKey.privateKeyPath, hostKey: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LibvirtConnectionError);
    expect((error as Error).message).toBe(`cannot connect to ssh 127.0.0.1:${port}: connection refused (is the service listening on that port?)`);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('passes on what virt-ssh-helper said when it cannot proxy', async () => {
    const host = lab.hosts[0] as LabHost;
    // virt-ssh-helper only proxies local unix URIs: it prints why and exits, without side effects on the host.
    const error = await openLibvirtConnection({ ...sshSpec(host), uri: 'qemu+tcp:///system' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LibvirtConnectionError);
    expect((error as Error).message).toMatch(/the remote side said: virt-ssh-helper: unexpected URI transport 'qemu\+tcp:\/\/\/system'/);
  });

  it('explains a libvirtd that cannot be reached behind a working SSH login', async () => {
    const host = lab.hosts[0] as LabHost;
    const error = await openLibvirtConnection(sshSpec(host, { proxy: 'unix-socket', remoteSocket: '/var/run/libvirt/no-such-sock' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LibvirtConnectionError);
    expect((error as Error).message).toMatch(/refused to forward to \/var\/run\/libvirt\/no-such-sock/);
  });
});

describe('TLS', () => {
  let pki: { dir: string; remove: () => void };
  let server: tls.Server;
  let port: number;
  const read = (name: string): Buffer => readFileSync(join(pki.dir, name));

  beforeAll(async () => {
    // Without a lab, every test fails on the lab check (see withLab): nothing to set up.
    if ((lab as Lab | undefined) === undefined) return;
    // A CA, a server certificate for 127.0.0.1 and a client certificate, as libvirt's TLS setup uses.
    pki = makeTempDir('libvirt-rpc-pki');
    const openssl = (...args: string[]): void => {
      execFileSync('openssl', args, { cwd: pki.dir, stdio: 'pipe' });
    };
    writeFileSync(join(pki.dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
    openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=rpctest CA');
    openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'other-ca.key', '-out', 'other-ca.pem', '-days', '1', '-subj', '/CN=other CA');
    for (const name of ['server', 'client']) {
      openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
      openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '1', ...(name === 'server' ? ['-extfile', 'server.ext'] : []));
    }
    const target = (lab.hosts[0] as LabHost).unixSocket;
    server = tls.createServer({ key: read('server.key'), cert: read('server.pem'), ca: read('ca.pem'), requestCert: true, rejectUnauthorized: true }, (client) => {
      const upstream = net.connect({ path: target });
      client.pipe(upstream).pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });
    server.on('tlsClientError', () => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as net.AddressInfo).port;
  });

  afterAll(async () => {
    if ((server as tls.Server | undefined) !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
    (pki as typeof pki | undefined)?.remove();
  });

  it('speaks to libvirtd through TLS with a verified server certificate and a client certificate', async () => {
    const connection = await openLibvirtConnection({
      transport: { kind: 'tls', host: '127.0.0.1', port, ca: read('ca.pem'), cert: read('client.pem'), key: read('client.key') },
    });
    await expectHost(connection, lab.hosts[0] as LabHost);
  });

  it('refuses a server certificate from another CA', async () => {
    const error = await openLibvirtConnection({
      transport: { kind: 'tls', host: '127.0.0.1', port, ca: read('other-ca.pem'), cert: read('client.pem'), key: read('client.key') },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LibvirtConnectionError);
    expect((error as Error).message).toMatch(/cannot connect to tls 127\.0\.0\.1:\d+: TLS handshake failed/);
  });
});
