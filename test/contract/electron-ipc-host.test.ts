// What the Electron transport adds to the contract: only our own windows showing our own page are heard.
import { describe, expect, it } from 'vitest';
import { createIpcClient } from '../../shared/ipc/client.js';
import { ELECTRON_IPC_CHANNEL, MAX_MESSAGE_BYTES } from '../../shared/ipc/wire.js';
import { createIpcRouter } from '../../electron/engine/ipc/router.js';
import { createElectronTransport } from '../../renderer/src/ipc/electron-transport.js';
import { createMemoryLogger } from '../support/logger.js';
import { testContract } from './test-contract.js';
import { FakeWebContents, fakePreloadBridge, startElectronHost } from './transports.js';

function setup() {
  const memory = createMemoryLogger();
  let calls = 0;
  const router = createIpcRouter(
    testContract,
    {
      'test.waitForCancel': () => null,
      'test.fail': () => {
        calls += 1;
        return { ok: true };
      },
      'test.emit': () => null,
    },
    { logger: memory.logger },
  );
  return { memory, router, electron: startElectronHost(router.connect, memory.logger), calls: () => calls };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe('Electron IPC host', () => {
  it('drops messages from a window that is not ours, and from our window showing another page', async () => {
    const { electron, memory, calls } = setup();
    const stranger = new FakeWebContents(99);
    const strangerReplies: unknown[] = [];
    stranger.toRenderer.on(ELECTRON_IPC_CHANNEL, (m: unknown) => strangerReplies.push(m));
    fakePreloadBridge(electron.ipcMain, stranger).send({ t: 'call', id: '1', method: 'test.fail', params: { how: 'plain' } });

    const ours = electron.openWindow('https://evil.example/page.html');
    const oursReplies: unknown[] = [];
    ours.contents.toRenderer.on(ELECTRON_IPC_CHANNEL, (m: unknown) => oursReplies.push(m));
    ours.bridge.send({ t: 'call', id: '2', method: 'test.fail', params: { how: 'plain' } });

    await settle();
    expect(calls()).toBe(0);
    expect(strangerReplies).toEqual([]);
    expect(oursReplies).toEqual([]);
    expect(memory.records.filter((r) => r.message.includes('untrusted sender'))).toHaveLength(2);
  });

  it('refuses an oversized or unmeasurable message (answering the call it carries) and keeps serving the window', async () => {
    const { electron, calls } = setup();
    const window = electron.openWindow();
    const replies: unknown[] = [];
    window.contents.toRenderer.on(ELECTRON_IPC_CHANNEL, (m: unknown) => replies.push(m));
    window.bridge.send({ t: 'call', id: 'big', method: 'test.emit', params: { key: 'x'.repeat(MAX_MESSAGE_BYTES), n: 1 } });
    window.bridge.send({ t: 'sub', id: 'bigsub', topic: 'test.ticks', filter: { key: 'x'.repeat(MAX_MESSAGE_BYTES) } });
    window.bridge.send({ t: 'nonsense', pad: 'x'.repeat(MAX_MESSAGE_BYTES) } as never);
    const cyclic: Record<string, unknown> = { key: 'k' };
    cyclic['self'] = cyclic;
    window.bridge.send({ t: 'call', id: 'cyclic', method: 'test.fail', params: cyclic });
    window.bridge.send({ t: 'call', id: 'bigint', method: 'test.fail', params: { how: 10n } });
    // Five messages of up to a megabyte each: wait for their answers rather than a fixed time (a loaded machine).
    await expect.poll(() => replies.length, { timeout: 10_000 }).toBe(5);
    const refused = { code: 'invalid_message', message: expect.any(String) };
    expect(replies).toEqual([
      { t: 'result', id: 'big', ok: false, error: { ...refused, message: expect.stringContaining('too large') } },
      { t: 'subscribed', id: 'bigsub', ok: false, error: refused },
      { t: 'fault', error: refused },
      { t: 'result', id: 'cyclic', ok: false, error: { ...refused, message: expect.stringContaining('not plain data') } },
      { t: 'result', id: 'bigint', ok: false, error: { ...refused, message: expect.stringContaining('not plain data') } },
    ]);
    expect(calls()).toBe(0);
    const client = createIpcClient(testContract, createElectronTransport(window.bridge));
    expect(await client.call('test.fail', { how: 'plain' })).toEqual({ ok: true });
  });

  it('ends a window connection on reload (resetSender): its subscriptions stop receiving', async () => {
    const { electron, router } = setup();
    const window = electron.openWindow();
    const client = createIpcClient(testContract, createElectronTransport(window.bridge));
    const seen: unknown[] = [];
    client.subscribe('test.ticks', { key: 'k' }, (p) => seen.push(p));
    await client.call('test.fail', { how: 'plain' });
    router.publish('test.ticks', { key: 'k', n: 1 });
    await settle();
    expect(seen).toEqual([{ key: 'k', n: 1 }]);
    expect(router.connectionCount).toBe(1);
    electron.host.resetSender(window.contents.id);
    expect(router.connectionCount).toBe(0);
    router.publish('test.ticks', { key: 'k', n: 2 });
    await settle();
    expect(seen).toHaveLength(1);
  });
});
