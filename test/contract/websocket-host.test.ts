// What the WebSocket transport adds to the contract: who may connect, and surviving hostile frames.
import { connect as connectTcp } from 'node:net';
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

function router(logger = createMemoryLogger().logger) {
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

/** Sends raw bytes to the HTTP server and resolves with its first response line. */
function rawHttp(port: number, request: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connectTcp(port, '127.0.0.1', () => socket.write(request));
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk.toString();
      if (text.includes('\r\n')) {
        resolve(text.split('\r\n')[0]!);
        socket.destroy();
      }
    });
    socket.on('error', () => resolve(text || 'error'));
    socket.on('close', () => resolve(text.split('\r\n')[0] ?? ''));
  });
}

describe('WebSocket host', () => {
  let server: Server;
  let ipc: ReturnType<typeof router>;
  let memory: ReturnType<typeof createMemoryLogger>;
  beforeEach(async () => {
    memory = createMemoryLogger();
    ipc = router(memory.logger);
    server = await startWebSocketServer(ipc.connect, memory.logger);
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

  it('takes the token only from the query, whole and exact: not empty, not a header, not a second copy', async () => {
    const base = `ws://127.0.0.1:${server.port}/ipc`;
    expect((await open(`${base}?token=`)).status).toBe(401);
    expect((await open(`${base}?token=${TEST_TOKEN.toUpperCase()}`)).status).toBe(401);
    expect((await open(`${base}?token=${TEST_TOKEN.slice(0, -1)}`)).status).toBe(401);
    expect((await open(`${base}?token=wrong&token=${TEST_TOKEN}`)).status).toBe(401);
    expect((await open(`${base}?Token=${TEST_TOKEN}`)).status).toBe(401);
    expect((await open(base, { Authorization: `Bearer ${TEST_TOKEN}`, Cookie: `token=${TEST_TOKEN}` })).status).toBe(401);
    // A wrong token is refused before the origin is looked at, even from our own origin.
    expect((await open(`${base}?token=wrong`, { Origin: `http://127.0.0.1:${server.port}` })).status).toBe(401);
  });

  it('refuses every origin but its own exact one: null, another scheme, a trailing slash, localhost when not listed', async () => {
    for (const origin of [
      'null',
      `https://127.0.0.1:${server.port}`,
      `http://127.0.0.1:${server.port}/`,
      `http://localhost:${server.port}`,
      `http://127.0.0.1`,
      `http://127.0.0.1:${server.port}.evil.example`,
      `http://evil.example#http://127.0.0.1:${server.port}`,
      'file://',
      '',
    ]) {
      expect((await open(server.url(), { Origin: origin })).status, origin).toBe(403);
    }
  });

  it('leaves nothing behind for a refused client, and never writes the token to the log', async () => {
    await open(`ws://127.0.0.1:${server.port}/ipc?token=wrong-${TEST_TOKEN}`);
    await open(server.url(), { Origin: 'http://evil.example' });
    expect(ipc.connectionCount).toBe(0);
    expect(server.host.clientCount).toBe(0);
    expect(memory.records.filter((r) => r.level === 'warn')).toHaveLength(2);
    expect(JSON.stringify(memory.records)).not.toContain(TEST_TOKEN);
  });

  it('answers a broken upgrade request with an HTTP error and keeps serving', async () => {
    const path = `/ipc?token=${TEST_TOKEN}`;
    expect(await rawHttp(server.port, `GET ${path} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n`)).toMatch(/^HTTP\/1\.1 400/);
    expect(
      await rawHttp(server.port, `GET ${path} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: x\r\nSec-WebSocket-Version: 99\r\n\r\n`),
    ).toMatch(/^HTTP\/1\.1 400/);
    expect(await rawHttp(server.port, `GET /ipc HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n`)).toMatch(/^HTTP\/1\.1 401/);
    const client = createIpcClient(testContract, createWebSocketTransport(server.url()));
    expect(await client.call('test.fail', { how: 'plain' })).toEqual({ ok: true });
    client.close();
  });

  it('refuses other paths (404)', async () => {
    expect((await open(`ws://127.0.0.1:${server.port}/other?token=${TEST_TOKEN}`)).status).toBe(404);
    for (const path of ['/IPC', '/ipc/', '//ipc', '/ipc/../ipc', '/%69pc']) {
      const attempt = await open(`ws://127.0.0.1:${server.port}${path}?token=${TEST_TOKEN}`);
      attempt.socket?.close();
      // `/ipc/../ipc` is normalized by the URL parser to `/ipc` before it is sent: the one path that is the endpoint.
      expect(attempt.status, path).toBe(path === '/ipc/../ipc' ? 101 : 404);
    }
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
