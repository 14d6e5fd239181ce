import { describe, expect, it } from 'vitest';
import {
  NbdAbortError,
  NbdNegotiationError,
  NbdProtocolError,
  NbdRequestError,
  connectNbd,
  listNbdExports,
} from '../../../electron/engine/nbd/index.js';
import { fakeServer, msg, parseMetaQueries, serveHandshake, type FakeServer } from './fake-server.js';

const stream = (server: FakeServer) => ({ kind: 'stream' as const, stream: server.clientEnd, description: 'fake' });

describe('NBD handshake', () => {
  it('negotiates structured replies, metadata contexts and GO, and reads the export info', async () => {
    const server = fakeServer();
    const seen = serveHandshake(server, {
      size: 10 << 20,
      flags: 0x1 | 0x2 | 0x100,
      contexts: { 'base:allocation': 4, 'qemu:dirty-bitmap:backup-vda': 5 },
      blockSize: [512, 4096, 1 << 20],
    });
    const client = await connectNbd(stream(server), { exportName: 'vda', metaContexts: ['base:allocation', 'qemu:dirty-bitmap:backup-vda'] });
    const options = await seen;
    expect(options?.map((o) => o.option)).toEqual([8, 10, 7]);
    expect(parseMetaQueries((options?.[1] as { data: Buffer }).data)).toEqual(['base:allocation', 'qemu:dirty-bitmap:backup-vda']);
    // GO names the export and asks for NAME, DESCRIPTION and BLOCK_SIZE information.
    const go = (options?.[2] as { data: Buffer }).data;
    expect(go.subarray(4, 7).toString()).toBe('vda');
    expect([go.readUInt16BE(7), go.readUInt16BE(9), go.readUInt16BE(11), go.readUInt16BE(13)]).toEqual([3, 1, 2, 3]);
    expect(client.export).toEqual({
      name: 'vda',
      description: null,
      size: 10 << 20,
      transmissionFlags: 0x103,
      readOnly: true,
      canMultiConn: true,
      blockSize: { minimum: 512, preferred: 4096, maximum: 1 << 20 },
    });
    expect(client.structuredReplies).toBe(true);
    expect(client.metaContexts).toEqual(['base:allocation', 'qemu:dirty-bitmap:backup-vda']);
    // The server's maximum block size caps the request size; its minimum is enforced on requests.
    expect(client.maxRequestBytes).toBe(1 << 20);
    await expect(client.read(100, 512)).rejects.toThrow(NbdRequestError);
    await expect(client.read(0, 2 << 20)).rejects.toThrow(/request limit/);
    client.destroy();
  });

  it('sends client flags matching what the server offered', async () => {
    for (const [serverFlags, expected] of [
      [3, 3],
      [1, 1],
    ] as const) {
      const server = fakeServer();
      server.write(msg.greeting(serverFlags));
      const flags = server.readClientFlags();
      const connecting = connectNbd(stream(server), { connectTimeoutMs: 500 }).catch((error: unknown) => error);
      expect(await flags).toBe(expected);
      server.serverEnd.end();
      expect(await connecting).toMatchObject({ name: 'NbdConnectionError', kind: 'closed' });
    }
  });

  it('falls back to NBD_OPT_EXPORT_NAME when GO is unsupported, reading the 124 zero bytes without NO_ZEROES', async () => {
    const server = fakeServer();
    const script = (async () => {
      server.write(msg.greeting(1));
      await server.readClientFlags();
      const structured = await server.readOption();
      expect(structured?.option).toBe(8);
      server.write(msg.optionReply(8, 1));
      const go = await server.readOption();
      expect(go?.option).toBe(7);
      server.write(msg.optionReply(7, 0x8000_0001));
      const exportName = await server.readOption();
      expect(exportName).toEqual({ option: 1, data: Buffer.from('disk') });
      const info = Buffer.alloc(8 + 2 + 124);
      info.writeBigUInt64BE(65536n);
      info.writeUInt16BE(1, 8);
      server.write(info);
    })();
    const client = await connectNbd(stream(server), { exportName: 'disk' });
    await script;
    expect(client.export.size).toBe(65536);
    expect(client.export.blockSize).toBeNull();
    client.destroy();
  });

  it('refuses an oldstyle server with a clear error', async () => {
    const server = fakeServer();
    server.write(msg.oldstyleGreeting());
    const error = await connectNbd(stream(server)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NbdProtocolError);
    expect((error as Error).message).toMatch(/oldstyle handshake.*not support/);
  });

  it('refuses a non-fixed newstyle server and a peer that is not NBD', async () => {
    const plain = fakeServer();
    plain.write(msg.greeting(0));
    await expect(connectNbd(stream(plain))).rejects.toThrow(/non-fixed newstyle/);
    const http = fakeServer();
    http.write(Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n'));
    await expect(connectNbd(stream(http))).rejects.toThrow(/not an NBD server/);
  });

  it('reports an unknown export (NBD_REP_ERR_UNKNOWN) and ends with NBD_OPT_ABORT', async () => {
    const server = fakeServer();
    const options: number[] = [];
    const script = (async () => {
      server.write(msg.greeting());
      await server.readClientFlags();
      for (;;) {
        const option = await server.readOption();
        if (option === null) return;
        options.push(option.option);
        if (option.option === 8) server.write(msg.optionReply(8, 1));
        if (option.option === 7) server.write(msg.optionReply(7, 0x8000_0006, Buffer.from('export not found')));
        if (option.option === 2) server.write(msg.optionReply(2, 1));
      }
    })();
    const error = await connectNbd(stream(server), { exportName: 'vdz' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NbdNegotiationError);
    expect(error).toMatchObject({ code: 'export-unknown', reply: 'NBD_REP_ERR_UNKNOWN' });
    expect((error as Error).message).toMatch(/no export 'vdz'.*export not found/);
    await script;
    expect(options).toEqual([8, 7, 2]);
  });

  it('maps TLS-required and shutdown refusals', async () => {
    for (const [reply, check] of [
      [0x8000_0005, (e: unknown) => expect(e).toMatchObject({ name: 'NbdNegotiationError', code: 'tls-required' })],
      [0x8000_0007, (e: unknown) => expect(e).toMatchObject({ name: 'NbdConnectionError', kind: 'server-shutdown' })],
      [0x8000_0002, (e: unknown) => expect(e).toMatchObject({ name: 'NbdNegotiationError', code: 'refused', reply: 'NBD_REP_ERR_POLICY' })],
    ] as const) {
      const server = fakeServer();
      void (async () => {
        server.write(msg.greeting());
        await server.readClientFlags();
        await server.readOption();
        server.write(msg.optionReply(8, 1));
        await server.readOption();
        server.write(msg.optionReply(7, reply));
      })();
      check(await connectNbd(stream(server)).catch((e: unknown) => e));
    }
  });

  it('fails clearly when a metadata context is not granted', async () => {
    const server = fakeServer();
    void serveHandshake(server, { contexts: { 'base:allocation': 1 } });
    const error = await connectNbd(stream(server), { exportName: 'vda', metaContexts: ['base:allocation', 'qemu:dirty-bitmap:backup-vda'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NbdNegotiationError);
    expect(error).toMatchObject({ code: 'context-unavailable' });
    expect((error as Error).message).toMatch(/qemu:dirty-bitmap:backup-vda.*granted: base:allocation/);
  });

  it('refuses metadata contexts without structured replies, but reads with simple replies', async () => {
    const noStructured = fakeServer();
    void serveHandshake(noStructured, { structured: false });
    await expect(connectNbd(stream(noStructured), { exportName: 'vda', metaContexts: ['base:allocation'] })).rejects.toMatchObject({ code: 'unsupported' });

    const server = fakeServer();
    void (async () => {
      await serveHandshake(server, { structured: false, size: 8192 });
      const request = await server.readRequest();
      if (request === null) return;
      server.write(msg.simple(request.cookie, 0, Buffer.alloc(request.length, 0x5a)));
    })();
    const client = await connectNbd(stream(server), { exportName: 'vda' });
    expect(client.structuredReplies).toBe(false);
    const result = await client.read(4096, 4096);
    expect(result.data.equals(Buffer.alloc(4096, 0x5a))).toBe(true);
    await expect(client.queryExtents('base:allocation', 0, 4096)).rejects.toThrow(NbdRequestError);
    client.destroy();
  });

  it('refuses invalid names before sending anything', async () => {
    const server = fakeServer();
    await expect(connectNbd(stream(server), { exportName: 'x'.repeat(5000) })).rejects.toThrow(NbdRequestError);
    await expect(connectNbd(stream(fakeServer()), { metaContexts: ['allocation'] })).rejects.toThrow(/namespace/);
  });

  it('times out a server that never finishes the handshake', async () => {
    const server = fakeServer();
    server.write(msg.greeting());
    const started = Date.now();
    const error = await connectNbd(stream(server), { connectTimeoutMs: 150 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'NbdConnectionError', kind: 'connect-timeout' });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(server.clientEnd.destroyed).toBe(true);
  });

  it('stops connecting when the signal aborts', async () => {
    const server = fakeServer();
    const controller = new AbortController();
    const connecting = connectNbd(stream(server), { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(connecting).rejects.toBeInstanceOf(NbdAbortError);
  });

  it('lists exports with NBD_OPT_LIST and ends with NBD_OPT_ABORT', async () => {
    const server = fakeServer();
    const options: number[] = [];
    void (async () => {
      server.write(msg.greeting());
      await server.readClientFlags();
      for (;;) {
        const option = await server.readOption();
        if (option === null) return;
        options.push(option.option);
        if (option.option === 3) {
          server.write(msg.optionReply(3, 2, msg.server('vda', 'system disk')));
          server.write(msg.optionReply(3, 2, msg.server('vdb')));
          server.write(msg.optionReply(3, 1));
        }
      }
    })();
    expect(await listNbdExports(stream(server))).toEqual([
      { name: 'vda', description: 'system disk' },
      { name: 'vdb', description: null },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(options).toEqual([3, 2]);
  });

  it.each([
    ['an option reply over the size limit', () => msg.optionReply(8, 1, Buffer.alloc(0)).fill(0xff, 16, 20)],
    ['a reply to another option', () => msg.optionReply(9, 1)],
    ['a bad reply magic', () => Buffer.alloc(20, 1)],
  ])('refuses %s', async (_name, reply) => {
    const server = fakeServer();
    void (async () => {
      server.write(msg.greeting());
      await server.readClientFlags();
      await server.readOption();
      server.write(reply());
    })();
    await expect(connectNbd(stream(server))).rejects.toBeInstanceOf(NbdProtocolError);
  });

  it.each([
    ['NBD_INFO_EXPORT of the wrong length', [msg.optionReply(7, 3, Buffer.alloc(11))]],
    ['ACK without NBD_INFO_EXPORT', [msg.optionReply(7, 1)]],
    ['a minimum block size that is not a power of two', [msg.optionReply(7, 3, msg.infoBlockSize(1000, 4096, 1 << 20))]],
    ['an export beyond 2^53 bytes', [msg.optionReply(7, 3, msg.infoExport(2n ** 60n, 1))]],
  ])('refuses GO replies with %s', async (_name, replies) => {
    const server = fakeServer();
    void (async () => {
      server.write(msg.greeting());
      await server.readClientFlags();
      await server.readOption();
      server.write(msg.optionReply(8, 1));
      await server.readOption();
      for (const reply of replies) server.write(reply);
    })();
    await expect(connectNbd(stream(server), { connectTimeoutMs: 1000 })).rejects.toBeInstanceOf(NbdProtocolError);
  });
});
