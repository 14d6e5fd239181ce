// `lifeboat serve` as a user runs it: a real child process, real HTTP and WebSocket on 127.0.0.1.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get } from 'node:http';
import WebSocket from 'ws';
import { createIpcClient } from '../../shared/ipc/client.js';
import { appContract } from '../../shared/ipc/contract.js';
import { createWebSocketTransport } from '../../renderer/src/ipc/websocket-transport.js';
import { startServe, type ServeProcess } from '../support/headless.js';
import { makeTempDir } from '../support/temp.js';

function rawStatus(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject);
  });
}

describe('lifeboat serve', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let serve: ServeProcess;
  beforeAll(async () => {
    temp = makeTempDir('serve');
    serve = await startServe(temp.dir);
  });
  afterAll(async () => {
    await serve.stop();
    temp.remove();
  });

  it('prints a loopback URL carrying a random token', () => {
    expect(serve.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]{43}$/);
  });

  it('serves the built app with a strict CSP, and nothing outside it', async () => {
    const page = await fetch(`http://127.0.0.1:${serve.port}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('<div id="root">');
    // Raw paths: fetch() would normalize `..` away before sending.
    expect(await rawStatus(serve.port, '/..%2f..%2fpackage.json')).toBe(400);
    // Literal dot segments are resolved by URL parsing to a path inside the app folder, where no package.json is.
    expect(await rawStatus(serve.port, '/../../package.json')).toBe(404);
    expect((await fetch(`http://127.0.0.1:${serve.port}/nope.js`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${serve.port}/`, { method: 'POST' })).status).toBe(405);
  });

  it('refuses a WebSocket without the token (401)', async () => {
    const status = await new Promise<number>((resolve) => {
      const socket = new WebSocket(`ws://127.0.0.1:${serve.port}/ipc`);
      socket.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      socket.once('open', () => resolve(101));
    });
    expect(status).toBe(401);
  });

  it('answers a malformed message with an error and stays up for the next client', async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${serve.port}/ipc?token=${serve.token}`);
    await new Promise((resolve) => socket.once('open', resolve));
    const reply = new Promise((resolve) => socket.once('message', (d) => resolve(JSON.parse(d.toString()))));
    socket.send('][');
    expect(await reply).toMatchObject({ t: 'fault', error: { code: 'invalid_message' } });
    socket.close();
    const url = `ws://127.0.0.1:${serve.port}/ipc?token=${serve.token}`;
    const client = createIpcClient(appContract, createWebSocketTransport(url));
    expect(await client.call('app.getInfo', {})).toMatchObject({ mode: 'headless', dataDir: temp.dir });
    const invalid = await client.call('settings.update', { language: 'klingon' as 'en' }).catch((e: { code: string }) => e.code);
    expect(invalid).toBe('invalid_params');
    client.close();
  });

  it('stops cleanly on SIGTERM', async () => {
    const second = await startServe(temp.dir);
    expect(await second.stop()).toBe(0);
  });
});
