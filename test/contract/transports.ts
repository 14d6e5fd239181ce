// The three transports the contract suite runs through, each built from its real code: the in-memory pair, the
// WebSocket host with the renderer's WebSocket client (Node 22 has the same WebSocket the browser has), and the
// Electron host with the renderer's Electron transport. Electron itself cannot run here, so its `ipcMain`,
// `WebContents` and preload bridge are stood in for by event emitters that clone messages as Electron does.
import { EventEmitter } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PreloadBridge } from '../../shared/ipc/bridge.js';
import { createMemoryTransport, type ServerConnector } from '../../shared/ipc/memory-transport.js';
import { ELECTRON_IPC_CHANNEL, WEBSOCKET_PATH, type ClientTransport } from '../../shared/ipc/wire.js';
import type { Logger } from '../../electron/engine/logging/logger.js';
import {
  attachElectronIpcHost,
  type IpcMainEventLike,
  type WebContentsLike,
} from '../../electron/engine/transport/electron-ipc-host.js';
import { attachWebSocketHost } from '../../electron/engine/transport/websocket-host.js';
import { createElectronTransport } from '../../renderer/src/ipc/electron-transport.js';
import { createWebSocketTransport, webSocketUrlFor } from '../../renderer/src/ipc/websocket-transport.js';

export interface TransportHarness {
  /** Opens one more client connection to the engine behind `connect`. */
  openClient(): ClientTransport;
  close(): Promise<void>;
}

export interface TransportKind {
  name: string;
  start(connect: ServerConnector, logger: Logger): Promise<TransportHarness>;
}

export const memoryTransport: TransportKind = {
  name: 'in-memory',
  start: async (connect) => ({
    openClient: () => createMemoryTransport(connect),
    close: async () => undefined,
  }),
};

export const TEST_TOKEN = 'contract-suite-token-0123456789abcdef';

export async function startWebSocketServer(connect: ServerConnector, logger: Logger) {
  const server = createServer((_req, res) => {
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const host = attachWebSocketHost({
    server,
    connect,
    token: TEST_TOKEN,
    allowedOrigins: () => [`http://127.0.0.1:${port}`],
    logger,
  });
  const pageUrl = new URL(`http://127.0.0.1:${port}/`);
  return {
    port,
    url: (token = TEST_TOKEN) => webSocketUrlFor(pageUrl, token, WEBSOCKET_PATH),
    host,
    async close() {
      await host.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export const webSocketTransport: TransportKind = {
  name: 'WebSocket',
  async start(connect, logger) {
    const server = await startWebSocketServer(connect, logger);
    const clients: ClientTransport[] = [];
    return {
      openClient() {
        const transport = createWebSocketTransport(server.url());
        clients.push(transport);
        return transport;
      },
      async close() {
        for (const client of clients) client.close();
        await server.close();
      },
    };
  },
};

/** Delivers on a later turn with a structured clone, as Electron's IPC does. */
const later = (fn: () => void): void => void setImmediate(fn);

export class FakeWebContents extends EventEmitter implements WebContentsLike {
  private destroyed = false;
  readonly toRenderer = new EventEmitter();
  constructor(readonly id: number) {
    super();
  }
  send(channel: string, message: unknown): void {
    const copy = structuredClone(message);
    later(() => this.toRenderer.emit(channel, copy));
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  destroy(): void {
    this.destroyed = true;
    this.emit('destroyed');
  }
}

export const APP_PAGE_URL = 'app://lifeboat/index.html';

/** The preload's bridge as the renderer sees it, for one window whose page is at `pageUrl`. */
export function fakePreloadBridge(ipcMain: EventEmitter, contents: FakeWebContents, pageUrl = APP_PAGE_URL): PreloadBridge {
  return {
    send(message) {
      const event: IpcMainEventLike = { sender: contents, senderFrame: { url: pageUrl } };
      const copy = structuredClone(message);
      later(() => ipcMain.emit(ELECTRON_IPC_CHANNEL, event, copy));
    },
    onMessage(listener) {
      const handler = (message: unknown): void => listener(message);
      contents.toRenderer.on(ELECTRON_IPC_CHANNEL, handler);
      return () => contents.toRenderer.off(ELECTRON_IPC_CHANNEL, handler);
    },
  };
}

export function startElectronHost(connect: ServerConnector, logger: Logger) {
  const ipcMain = new EventEmitter();
  const windows = new Set<number>();
  const host = attachElectronIpcHost({
    ipcMain,
    connect,
    logger,
    isTrustedSender: (event) => windows.has(event.sender.id) && (event.senderFrame?.url ?? '').startsWith('app://lifeboat/'),
  });
  let nextId = 1;
  return {
    ipcMain,
    host,
    openWindow(pageUrl = APP_PAGE_URL) {
      const contents = new FakeWebContents(nextId++);
      windows.add(contents.id);
      return { contents, bridge: fakePreloadBridge(ipcMain, contents, pageUrl) };
    },
  };
}

export const electronTransport: TransportKind = {
  name: 'Electron',
  async start(connect, logger) {
    const electron = startElectronHost(connect, logger);
    const windows: FakeWebContents[] = [];
    return {
      openClient() {
        const { contents, bridge } = electron.openWindow();
        windows.push(contents);
        const transport = createElectronTransport(bridge);
        // Closing the client stands for closing its window: Electron destroys the WebContents.
        const close = transport.close.bind(transport);
        return { ...transport, close: () => { close(); contents.destroy(); } };
      },
      async close() {
        for (const contents of windows) if (!contents.isDestroyed()) contents.destroy();
        electron.host.detach();
      },
    };
  },
};

export const ALL_TRANSPORTS: readonly TransportKind[] = [memoryTransport, webSocketTransport, electronTransport];
