import { describe, expect, it } from 'vitest';
import {
  NbdAbortError,
  type NbdClient,
  NbdConnectionError,
  NbdRequestError,
  NbdServerError,
  NbdTimeoutError,
  connectNbd,
  type NbdConnectOptions,
} from '../../../electron/engine/nbd/index.js';
import { fakeServer, msg, serveHandshake, type ClientRequest, type ExportSpec, type FakeServer } from './fake-server.js';

/** The byte at offset i of the fake export. */
const byteAt = (i: number): number => (i * 31 + (i >>> 9)) & 0xff;
const content = (offset: number, length: number): Buffer => Buffer.from(Array.from({ length }, (_, i) => byteAt(offset + i)));

type Handler = (request: ClientRequest, server: FakeServer) => void | Promise<void>;

/** Answers reads with `content`, split in two data chunks, unless a handler says otherwise. */
const answerRead: Handler = (request, server) => {
  const half = Math.floor(request.length / 2);
  if (half > 0) server.write(msg.data(request.cookie, request.offset + half, content(request.offset + half, request.length - half)));
  if (half > 0) server.write(msg.data(request.cookie, request.offset, content(request.offset, half), true));
  else server.write(msg.data(request.cookie, request.offset, content(request.offset, request.length), true));
};

async function connect(
  spec: ExportSpec,
  handler: Handler,
  options: NbdConnectOptions = {},
): Promise<{ client: NbdClient; server: FakeServer; requests: ClientRequest[] }> {
  const server = fakeServer();
  const requests: ClientRequest[] = [];
  void (async () => {
    if ((await serveHandshake(server, spec)) === null) return;
    for (;;) {
      const request = await server.readRequest();
      if (request === null) return;
      requests.push(request);
      if (request.type === 2) {
        server.serverEnd.end();
        return;
      }
      await handler(request, server);
    }
  })();
  const client = await connectNbd({ kind: 'stream', stream: server.clientEnd, description: 'fake' }, { exportName: 'vda', ...options });
  return { client, server, requests };
}

const tick = (ms = 10): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('NbdClient transmission', () => {
  it('keeps at most maxInFlight requests on the wire and matches out-of-order replies by cookie', async () => {
    const held: ClientRequest[] = [];
    let maxOutstanding = 0;
    const { client, server } = await connect({ size: 1 << 20 }, (request) => {
      held.push(request);
      maxOutstanding = Math.max(maxOutstanding, held.length);
    }, { maxInFlight: 3 });
    const reads = Array.from({ length: 10 }, (_, i) => client.read(i * 4096, 4096));
    // Answer newest first, whenever the client has filled its slots.
    while (reads.length > 0) {
      await tick(5);
      const batch = held.splice(0).reverse();
      for (const request of batch) answerRead(request, server);
      if (batch.length === 0 && client.requestsInFlight === 0 && client.requestsQueued === 0) break;
    }
    const results = await Promise.all(reads);
    expect(maxOutstanding).toBe(3);
    results.forEach((result, i) => expect(result.data.equals(content(i * 4096, 4096))).toBe(true));
    client.destroy();
  });

  it('reads a range in maxRequestBytes pieces into one buffer, and in order chunk by chunk', async () => {
    const { client, requests } = await connect({ size: 1 << 20 }, answerRead, { maxRequestBytes: 65536 });
    const data = await client.readRange(1000, 300_000);
    expect(data.equals(content(1000, 300_000))).toBe(true);
    expect(requests.map((r) => r.length)).toEqual([65536, 65536, 65536, 65536, 37856]);
    const chunks: number[] = [];
    for await (const chunk of client.readChunks(0, 200_000, { chunkSize: 50_000, prefetch: 2 })) {
      expect(chunk.data.equals(content(chunk.offset, chunk.data.length))).toBe(true);
      chunks.push(chunk.offset);
    }
    expect(chunks).toEqual([0, 50_000, 100_000, 150_000]);
    await expect(client.readChunks(0, 10, { chunkSize: 1 << 20 }).next()).rejects.toThrow(NbdRequestError);
    client.destroy();
  });

  it('fills holes with zeros and lists them', async () => {
    const { client } = await connect({ size: 1 << 20 }, (request, server) => {
      server.write(msg.hole(request.cookie, request.offset, 4096));
      server.write(msg.data(request.cookie, request.offset + 4096, Buffer.alloc(4096, 1)));
      server.write(msg.hole(request.cookie, request.offset + 8192, request.length - 8192));
      server.write(msg.none(request.cookie));
    });
    const buffer = Buffer.alloc(16384, 0xee);
    const result = await client.read(65536, 16384, { into: buffer });
    expect(result.data).toBe(buffer);
    expect(buffer.equals(Buffer.concat([Buffer.alloc(4096), Buffer.alloc(4096, 1), Buffer.alloc(8192)]))).toBe(true);
    expect(result.holes).toEqual([
      { offset: 65536, length: 4096 },
      { offset: 65536 + 8192, length: 8192 },
    ]);
    client.destroy();
  });

  it('checks ranges on the client side', async () => {
    const { client, requests } = await connect({ size: 10_000 }, answerRead);
    await expect(client.read(9000, 2000)).rejects.toThrow(/past the end of export 'vda' \(10000 bytes\)/);
    await expect(client.read(-1, 10)).rejects.toThrow(NbdRequestError);
    await expect(client.read(0, 0)).rejects.toThrow(NbdRequestError);
    await expect(client.read(0.5, 10)).rejects.toThrow(NbdRequestError);
    await expect(client.read(0, 10, { into: Buffer.alloc(9) })).rejects.toThrow(NbdRequestError);
    await expect(client.queryExtents('base:allocation', 0, 10)).rejects.toThrow(/not negotiated/);
    expect(requests).toEqual([]);
    expect((await client.read(9000, 1000)).data.equals(content(9000, 1000))).toBe(true);
    client.destroy();
  });

  it('surfaces server errors with their errno name and keeps the connection', async () => {
    let first = true;
    const { client } = await connect({ size: 1 << 20 }, (request, server) => {
      if (first) server.write(msg.error(request.cookie, 28, 'disk full'));
      else answerRead(request, server);
      first = false;
    });
    const error = await client.read(0, 512).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NbdServerError);
    expect(error).toMatchObject({ code: 'ENOSPC', errno: 28, serverMessage: 'disk full', command: 0 });
    expect((await client.read(0, 512)).data.equals(content(0, 512))).toBe(true);
    client.destroy();
  });

  it('times out a request, drops its late answer, and stays usable', async () => {
    const late: ClientRequest[] = [];
    const { client, server } = await connect({ size: 1 << 20 }, (request, s) => {
      if (request.offset === 0) late.push(request);
      else answerRead(request, s);
    }, { requestTimeoutMs: 50 });
    const started = Date.now();
    const error = await client.read(0, 4096).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NbdTimeoutError);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(client.requestsInFlight).toBe(0);
    // The answer arrives after all: validated and dropped, not a protocol error.
    answerRead(late[0] as ClientRequest, server);
    expect((await client.read(4096, 4096)).data.equals(content(4096, 4096))).toBe(true);
    expect(client.isOpen).toBe(true);
    client.destroy();
  });

  it('aborts queued and sent requests with the signal', async () => {
    const { client, requests } = await connect({ size: 1 << 20 }, () => undefined, { maxInFlight: 1 });
    const controller = new AbortController();
    const sent = client.read(0, 512, { signal: controller.signal });
    const queued = client.read(512, 512, { signal: controller.signal });
    await tick();
    expect(client.requestsQueued).toBe(1);
    controller.abort(new Error('user cancelled'));
    await expect(sent).rejects.toBeInstanceOf(NbdAbortError);
    await expect(queued).rejects.toBeInstanceOf(NbdAbortError);
    expect(client.requestsQueued).toBe(0);
    await expect(client.read(0, 512, { signal: controller.signal })).rejects.toBeInstanceOf(NbdAbortError);
    await tick();
    expect(requests).toHaveLength(1);
    client.destroy();
  });

  it('rejects every pending and queued request promptly when the server hangs up', async () => {
    const { client, server } = await connect({ size: 1 << 20 }, () => undefined, { maxInFlight: 2 });
    const reads = Array.from({ length: 5 }, (_, i) => client.read(i * 512, 512).catch((e: unknown) => e));
    await tick();
    const started = Date.now();
    server.serverEnd.end();
    const errors = await Promise.all(reads);
    expect(Date.now() - started).toBeLessThan(500);
    for (const error of errors) expect(error).toMatchObject({ name: 'NbdConnectionError', kind: 'closed' });
    expect(await client.closed).toBeInstanceOf(NbdConnectionError);
    await expect(client.read(0, 512)).rejects.toBeInstanceOf(NbdConnectionError);
  });

  it('drops the connection on a protocol violation, failing everything with NbdProtocolError', async () => {
    const { client } = await connect({ size: 1 << 20 }, (request, server) => {
      server.write(msg.data(request.cookie, request.offset + 100, Buffer.alloc(request.length), true));
    });
    const other = client.read(0, 512).catch((e: unknown) => e);
    const error = await client.read(512, 512).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'NbdProtocolError', kind: 'protocol' });
    expect(await other).toMatchObject({ name: 'NbdProtocolError' });
    expect(await client.closed).toBe(error);
  });

  it('declares a server unresponsive when too many requests were given up on', async () => {
    const { client } = await connect({ size: 1 << 20 }, () => undefined, { maxInFlight: 2, requestTimeoutMs: 20 });
    const errors = await Promise.all(Array.from({ length: 17 }, (_, i) => client.read(i * 512, 512).catch((e: unknown) => e)));
    expect(errors.slice(0, 16).every((e) => e instanceof NbdTimeoutError)).toBe(true);
    expect(errors[16]).toMatchObject({ name: 'NbdTimeoutError' });
    expect(await client.closed).toMatchObject({ kind: 'unresponsive' });
  });

  it('closes cleanly: waits for requests in flight, then NBD_CMD_DISC', async () => {
    const held: ClientRequest[] = [];
    const { client, server, requests } = await connect({ size: 1 << 20 }, (request) => {
      held.push(request);
    });
    const read = client.read(0, 1024);
    await tick();
    const closing = client.close();
    await expect(client.read(0, 1)).rejects.toMatchObject({ kind: 'closed-by-client' });
    await tick();
    expect(requests.map((r) => r.type)).toEqual([0]);
    answerRead(held[0] as ClientRequest, server);
    expect((await read).data.equals(content(0, 1024))).toBe(true);
    await closing;
    expect(requests.map((r) => r.type)).toEqual([0, 2]);
    expect(requests[1]).toMatchObject({ offset: 0, length: 0 });
    expect(await client.closed).toBeNull();
  });

  it('disconnects after ESHUTDOWN, as the spec asks', async () => {
    const { client, requests } = await connect({ size: 1 << 20 }, (request, server) => {
      server.write(msg.error(request.cookie, 108, 'shutting down'));
    }, { maxInFlight: 1 });
    const first = client.read(0, 512).catch((e: unknown) => e);
    const queued = client.read(512, 512).catch((e: unknown) => e);
    expect(await first).toMatchObject({ name: 'NbdServerError', code: 'ESHUTDOWN' });
    expect(await queued).toMatchObject({ name: 'NbdConnectionError', kind: 'server-shutdown' });
    expect(await client.closed).toBeNull();
    expect(requests.map((r) => r.type)).toEqual([0, 2]);
  });
});

describe('NbdClient block status', () => {
  const spec: ExportSpec = { size: 1 << 20, contexts: { 'base:allocation': 1, 'qemu:dirty-bitmap:bm0': 2 } };
  const contexts = ['base:allocation', 'qemu:dirty-bitmap:bm0'];

  it('loops over short answers, clips and merges extents per context', async () => {
    // Describes the export as 64 KiB extents alternating per context, at most 3 extents per reply, the last one
    // possibly past the requested length (as the spec allows).
    const { client, requests } = await connect(spec, (request, server) => {
      const extents = (flagsAt: (offset: number) => number): Array<[number, number]> => {
        const out: Array<[number, number]> = [];
        for (let at = request.offset; out.length < 3 && at < request.offset + request.length; ) {
          const next = (Math.floor(at / 65536) + 1) * 65536;
          out.push([next - at, flagsAt(at)]);
          at = next;
        }
        return out;
      };
      server.write(msg.blockStatus(request.cookie, 2, extents((at) => (at < 262144 ? 1 : 0))));
      server.write(msg.blockStatus(request.cookie, 1, extents((at) => (Math.floor(at / 65536) % 2 === 0 ? 0 : 3)), true));
    }, { metaContexts: contexts });
    const dirty = await client.queryExtents('qemu:dirty-bitmap:bm0', 0, 1 << 20);
    expect(dirty).toEqual([
      { offset: 0, length: 262144, flags: 1 },
      { offset: 262144, length: (1 << 20) - 262144, flags: 0 },
    ]);
    expect(requests.map((r) => [r.type, r.offset])).toEqual([0, 3, 6, 9, 12, 15].map((n) => [7, n * 65536]));
    const allocation = await client.queryExtents('base:allocation', 100_000, 100_000);
    expect(allocation).toEqual([
      { offset: 100_000, length: 131072 - 100_000, flags: 3 },
      { offset: 131072, length: 65536, flags: 0 },
      { offset: 196608, length: 3392, flags: 3 },
    ]);
    const raw = await client.blockStatus(0, 65536, { reqOne: true });
    expect([...raw.keys()]).toEqual(contexts);
    expect(requests[requests.length - 1]).toMatchObject({ type: 7, flags: 8, offset: 0, length: 65536 });
    client.destroy();
  });

  it('reports a server error on block status', async () => {
    const { client } = await connect(spec, (request, server) => server.write(msg.error(request.cookie, 22, 'no')), { metaContexts: contexts });
    await expect(client.queryExtents('base:allocation', 0, 4096)).rejects.toMatchObject({ name: 'NbdServerError', code: 'EINVAL', command: 7 });
    client.destroy();
  });
});
