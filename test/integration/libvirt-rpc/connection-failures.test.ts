// Losing a real libvirtd mid-call: the network cut under a pending call, the socket destroyed on our side, a host
// that goes silent (caught by keepalive), and an idle connection kept alive by keepalive in both directions.

import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type LibvirtConnection, openLibvirtConnection } from '../../../electron/engine/hypervisors/libvirt/rpc/connection.js';
import { LibvirtConnectionError } from '../../../electron/engine/hypervisors/libvirt/rpc/errors.js';
import { FrameReader } from '../../../electron/engine/hypervisors/libvirt/rpc/framing.js';
import { KEEPALIVE_PROGRAM, KeepaliveProcedure } from '../../../electron/engine/hypervisors/libvirt/rpc/procedures.js';
import { type Lab, type LabHost, withLab } from './lab.js';
import { type TestProxy, startProxy } from './tcp-proxy.js';

let lab: Lab;
let host: LabHost;
let proxy: TestProxy;
const opened: LibvirtConnection[] = [];

withLab(async (ready) => {
  lab = ready;
  host = lab.hosts[0] as LabHost;
  proxy = await startProxy({ path: host.unixSocket });
});

afterEach(async () => {
  (proxy as TestProxy | undefined)?.setMode('forward');
  for (const connection of opened.splice(0)) await connection.close();
});

afterAll(async () => {
  await (proxy as TestProxy | undefined)?.close();
});

async function openThroughProxy(options: Parameters<typeof openLibvirtConnection>[1] = {}): Promise<LibvirtConnection> {
  const connection = await openLibvirtConnection({ transport: { kind: 'tcp', host: '127.0.0.1', port: proxy.port } }, options);
  opened.push(connection);
  expect(await connection.api.getHostname()).toBe(host.name);
  return connection;
}

/** Settles to the rejection, and when it happened. */
function rejectionTime(promise: Promise<unknown>): Promise<{ error: unknown; at: number }> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => ({ error, at: Date.now() }),
  );
}

describe('connection loss', () => {
  it('rejects a pending call at once when the server side is cut', async () => {
    const connection = await openThroughProxy();
    proxy.setMode('blackhole');
    const pending = rejectionTime(connection.api.listAllDomains());
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(connection.client.pendingCalls).toBe(1);
    const cutAt = Date.now();
    proxy.cutAll();
    const { error, at } = await pending;
    expect(error).toBeInstanceOf(LibvirtConnectionError);
    expect(error).toMatchObject({ kind: 'closed' });
    expect(at - cutAt).toBeLessThan(1_000);
    expect(connection.client.closed).toBe(true);
    await expect(connection.api.getHostname()).rejects.toBe(connection.client.failure);
  });

  it('rejects a pending call at once when our own socket is destroyed', async () => {
    const connection = await openThroughProxy();
    proxy.setMode('blackhole');
    const pending = rejectionTime(connection.api.getCapabilities());
    const destroyedAt = Date.now();
    connection.transport.stream.destroy();
    const { error, at } = await pending;
    expect(error).toMatchObject({ name: 'LibvirtConnectionError', kind: 'closed' });
    expect(at - destroyedAt).toBeLessThan(500);
  });

  it('rejects a pending call at once when the network under an SSH connection is cut', async () => {
    const sshProxy = await startProxy({ port: host.sshPort });
    try {
      const connection = await openLibvirtConnection({
        transport: {
          kind: 'ssh',
          host: '127.0.0.1',
          port: sshProxy.port,
          username: lab.sshKey.user,
          privateKeyPath: lab.sshKey.privateKeyPath,
          hostKey: { pinnedFingerprint: host.sshHostKeyFingerprint },
        },
      });
      opened.push(connection);
      expect(await connection.api.getHostname()).toBe(host.name);
      sshProxy.setMode('blackhole');
      const pending = rejectionTime(connection.api.listAllDomains(0, { timeoutMs: 30_000 }));
      await new Promise((resolve) => setTimeout(resolve, 200));
      const cutAt = Date.now();
      sshProxy.cutAll();
      const { error, at } = await pending;
      expect(error).toBeInstanceOf(LibvirtConnectionError);
      expect(at - cutAt).toBeLessThan(1_000);
    } finally {
      await sshProxy.close();
    }
  });

  it('close() fails a pending call as closed by the client', async () => {
    const connection = await openThroughProxy();
    proxy.setMode('blackhole');
    const pending = rejectionTime(connection.api.getHostname());
    await connection.close();
    expect((await pending).error).toMatchObject({ kind: 'closed-by-client' });
  });
});

describe('keepalive', () => {
  it('declares a host that went silent dead within interval × (missed + 1), failing the pending call', async () => {
    const connection = await openThroughProxy({ keepalive: { intervalMs: 500, maxMissed: 2 } });
    proxy.setMode('blackhole');
    const silentAt = Date.now();
    const { error, at } = await rejectionTime(connection.api.getHostname({ timeoutMs: 60_000 }));
    expect(error).toBeInstanceOf(LibvirtConnectionError);
    expect(error).toMatchObject({ kind: 'keepalive-timeout' });
    expect(at - silentAt).toBeGreaterThanOrEqual(1_000);
    expect(at - silentAt).toBeLessThan(4_000);
  });

  it('gets PONGs from the daemon for the PINGs it sends while idle', async () => {
    const connection = await openLibvirtConnection({ transport: { kind: 'unix', socketPath: host.unixSocket } }, { keepalive: { intervalMs: 1_000, maxMissed: 2 } });
    opened.push(connection);
    const seen = sniffKeepalive(connection);
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    expect(connection.client.closed).toBe(false);
    // The last PING may still be on its way: stop sending, then let its PONG arrive.
    connection.client.stopKeepalive();
    for (let waited = 0; seen.pongsReceived < seen.pingsSent && waited < 2_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen.pingsSent).toBeGreaterThanOrEqual(2);
    expect(seen.pongsReceived).toBe(seen.pingsSent);
  });

  it('answers the PINGs the daemon sends to an idle keepalive-capable client', async () => {
    // libvirtd starts pinging a client that asked for keepalive (CONNECT_SUPPORTS_FEATURE) after 5 s of silence
    // (keepalive_interval) and drops it after 5 unanswered PINGs; our own PINGs would reset its timer, so ours
    // are made rare here.
    const connection = await openLibvirtConnection({ transport: { kind: 'unix', socketPath: host.unixSocket } }, { keepalive: { intervalMs: 60_000, maxMissed: 1 } });
    opened.push(connection);
    const seen = sniffKeepalive(connection);
    await new Promise((resolve) => setTimeout(resolve, 6_500));
    expect(seen.pingsReceived).toBeGreaterThanOrEqual(1);
    expect(seen.pongsSent).toBe(seen.pingsReceived);
    expect(await connection.api.getHostname()).toBe(host.name);
  });
});

/** Counts keepalive messages in both directions on a connection's transport. */
function sniffKeepalive(connection: LibvirtConnection): { pingsSent: number; pongsSent: number; pingsReceived: number; pongsReceived: number } {
  const seen = { pingsSent: 0, pongsSent: 0, pingsReceived: 0, pongsReceived: 0 };
  const stream = connection.transport.stream;
  const incoming = new FrameReader();
  stream.on('data', (chunk: Buffer) =>
    incoming.push(chunk, (frame) => {
      if (frame.header.program !== KEEPALIVE_PROGRAM) return;
      if (frame.header.procedure === KeepaliveProcedure.PING) seen.pingsReceived += 1;
      else seen.pongsReceived += 1;
    }),
  );
  const outgoing = new FrameReader();
  const write = stream.write.bind(stream) as (chunk: Buffer) => boolean;
  (stream as unknown as { write: (chunk: Buffer) => boolean }).write = (chunk: Buffer) => {
    outgoing.push(chunk, (frame) => {
      if (frame.header.program !== KEEPALIVE_PROGRAM) return;
      if (frame.header.procedure === KeepaliveProcedure.PING) seen.pingsSent += 1;
      else seen.pongsSent += 1;
    });
    return write(chunk);
  };
  return seen;
}
