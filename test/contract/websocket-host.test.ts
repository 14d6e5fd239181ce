// What the WebSocket transport adds to the contract: who may connect, and surviving hostile frames.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createIpcClient } from '../../shared/ipc/client.js';
import { MAX_MESSAGE_BYTES } from '../../shared/ipc/wire.js';
import { createIpcRouter } from '../../electron/engine/ipc/router.js';
import { createWebSocketTransport } from '../../renderer/src/ipc/websocket-transport.js';
import { createMemoryLogger } from '../support/logger.js';
import { testContract } from './test-contract.js';
import { startWebSocketServer, TEST_TOKEN } from './transports.js';

type Server = Awaited<ReturnType<typeof startWebSocketServer>>;

function router() {
  const { logger } = createMemoryLogger();
  return createIpcRouter(
    testContract,
    {
      'test.waitForCancel': () => null,
      'test.fail': () => ({ ok: true }),
      'test.emit': () => null,
    },
    { logger },
  );
}

/** Opens a raw socket; resolves with the HTTP status of a refused upgrade, or the open socket. */
function open(url: string, headers: Record<string, string> = {}): Promise<{ status: number; socket?: WebSocket }> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, { headers });
    socket.once('open', () => resolve({ status: 101, socket }));
    socket.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0 }));
    socket.once('error', () => resolve({ status: -1 }));
  });
}

function nextMessage(socket: WebSocket): Promise<unknown> {
  return new Promise((resolve) => socket.once('message', (data) => resolve(JSON.parse(data.toString()))));
}

describe('WebSocket host', () => {
  let server: Server;
  beforeEach(async () => {
    const r = router();
    server = await startWebSocketServer(r.connect, createMemoryLogger().logger);
  });
  afterEach(async () => {
    await server.close();
  });

  it('refuses a connection without the token, or with a wrong one (401)', async () => {
    const base = `ws://127.0.0.1:${server.port}/ipc`;
    expect((await open(base)).status).toBe(401);
    expect((await open(`${base}?token=wrong`)).status).toBe(401);
    expect((await open(`${base}?token=${TEST_TOKEN}x`)).status).toBe(401);
  });

  it('refuses another origin even with the token (403), and accepts its own origin', async () => {
    expect((await open(server.url(), { Origin: 'http://evil.example' })).status).toBe(403);
    expect((await open(server.url(), { Origin: `http://127.0.0.1:${server.port + 1}` })).status).toBe(403);
    const own = await open(server.url(), { Origin: `http://127.0.0.1:${server.port}` });
    expect(own.status).toBe(101);
    own.socket?.close();
  });

  it('refuses other paths (404)', async () => {
    expect((await open(`ws://127.0.0.1:${server.port}/other?token=${TEST_TOKEN}`)).status).toBe(404);
  });

  it('answers malformed messages with an error and keeps the connection and the server up', async () => {
    const { socket } = await open(server.url());
    if (!socket) throw new Error('no socket');
    socket.send('{not json');
    expect(await nextMessage(socket)).toMatchObject({ t: 'fault', error: { code: 'invalid_message' } });
    socket.send(JSON.stringify({ t: 'call', id: 'x1', method: 42 }));
    expect(await nextMessage(socket)).toMatchObject({ t: 'result', id: 'x1', ok: false, error: { code: 'invalid_message' } });
    socket.send(JSON.stringify([1, 2, 3]));
    expect(await nextMessage(socket)).toMatchObject({ t: 'fault' });
    socket.send(Buffer.from([0, 1, 2]), { binary: true });
    expect(await nextMessage(socket)).toMatchObject({ t: 'fault', error: { code: 'invalid_message' } });
    socket.send(JSON.stringify({ t: 'call', id: 'x2', method: 'test.fail', params: { how: 'plain' } }));
    expect(await nextMessage(socket)).toEqual({ t: 'result', id: 'x2', ok: true, result: { ok: true } });
    socket.close();
  });

  it('closes a connection that sends an oversized frame, and keeps serving others', async () => {
    const { socket } = await open(server.url());
    if (!socket) throw new Error('no socket');
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    socket.send('x'.repeat(MAX_MESSAGE_BYTES + 1));
    expect(await closed).toBe(1009);
    const client = createIpcClient(testContract, createWebSocketTransport(server.url()));
    expect(await client.call('test.fail', { how: 'plain' })).toEqual({ ok: true });
    client.close();
  });
});
