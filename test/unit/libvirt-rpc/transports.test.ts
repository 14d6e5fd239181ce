import net from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openLibvirtConnection } from '../../../electron/engine/hypervisors/libvirt/rpc/connection.js';
import { LibvirtConnectionError } from '../../../electron/engine/hypervisors/libvirt/rpc/errors.js';
import { connectTcp, connectUnix, normalizeFingerprint, sshFingerprint } from '../../../electron/engine/hypervisors/libvirt/rpc/transports.js';
import { makeTempDir } from '../../support/temp.js';

// A real ed25519 host key and the fingerprint `ssh-keygen -lf` printed for it.
const ED25519_BLOB = 'AAAAC3NzaC1lZDI1NTE5AAAAIML3u62uSdohBFy1JULjTogYKYMYt+VGR13s6RXJf5vO';
const ED25519_FINGERPRINT = 'SHA256:4foIospYLXRDp+XQyOg/AjBz0nO0NkdNm3tZiyJV2bs';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('SSH host key fingerprints', () => {
  it('computes the OpenSSH SHA256 fingerprint of a key blob', () => {
    expect(sshFingerprint(Buffer.from(ED25519_BLOB, 'base64'))).toBe(ED25519_FINGERPRINT);
  });

  it('normalises pasted fingerprints and refuses other hashes', () => {
    expect(normalizeFingerprint(` ${ED25519_FINGERPRINT}= `)).toBe(ED25519_FINGERPRINT);
    expect(normalizeFingerprint(ED25519_FINGERPRINT.slice('SHA256:'.length))).toBe(ED25519_FINGERPRINT);
    expect(() => normalizeFingerprint('MD5:16:27:ac:a5:76:28:2d:36:63:1b:56:4d:eb:df:a6:48')).toThrow(/not an OpenSSH SHA256 fingerprint/);
    expect(() => normalizeFingerprint('SHA256:short')).toThrow(TypeError);
  });
});

describe('transport connect errors', () => {
  it('explains a missing unix socket', async () => {
    const temp = makeTempDir('libvirt-rpc');
    cleanups.push(temp.remove);
    const error = await connectUnix(join(temp.dir, 'absent-sock')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LibvirtConnectionError);
    expect((error as LibvirtConnectionError).kind).toBe('connect-failed');
    expect((error as Error).message).toMatch(/no such socket \(is libvirtd running\?\)/);
  });

  it('explains a refused TCP port quickly', async () => {
    const port = await freePort();
    const started = Date.now();
    const error = await connectTcp('127.0.0.1', port).catch((e: unknown) => e);
    expect((error as Error).message).toBe(`cannot connect to tcp 127.0.0.1:${port}: connection refused (is the service listening on that port?)`);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('times the whole open out when the peer accepts but never answers', async () => {
    const temp = makeTempDir('libvirt-rpc');
    cleanups.push(temp.remove);
    const path = join(temp.dir, 'silent-sock');
    const sockets: net.Socket[] = [];
    const server = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(path, resolve));
    cleanups.push(() => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    });
    const started = Date.now();
    const error = await openLibvirtConnection({ transport: { kind: 'unix', socketPath: path } }, { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LibvirtConnectionError);
    expect((error as LibvirtConnectionError).kind).toBe('connect-timeout');
    expect((error as Error).message).toMatch(/did not complete within 300 ms/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('stops at once when the caller aborts', async () => {
    const controller = new AbortController();
    controller.abort(new Error('user cancelled'));
    const error = await connectTcp('127.0.0.1', 1, { signal: controller.signal }).catch((e: unknown) => e);
    expect((error as Error).name).toBe('AbortError');
  });
});

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
