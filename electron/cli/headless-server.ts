// Headless mode: the engine behind a loopback HTTP server that serves the built renderer and carries IPC over a
// WebSocket. The URL it prints holds a random token made at each start; without it nothing can talk to the engine.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Engine } from '../engine/engine.js';
import type { Logger } from '../engine/logging/logger.js';
import { attachWebSocketHost, type WebSocketHost } from '../engine/transport/websocket-host.js';
import { createStaticHandler } from './static-files.js';

/** Loopback only: the engine holds hypervisor connections and must never be reachable from the network. */
export const HEADLESS_HOST = '127.0.0.1';

export interface HeadlessServer {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  readonly webSocket: WebSocketHost;
  close(): Promise<void>;
}

export async function startHeadlessServer(options: {
  engine: Engine;
  port: number;
  rendererDir: string;
  logger: Logger;
}): Promise<HeadlessServer> {
  const token = randomBytes(32).toString('base64url');
  const server: Server = createServer(createStaticHandler(options.rendererDir));
  let port = 0;
  const webSocket = attachWebSocketHost({
    server,
    connect: options.engine.connect,
    token,
    allowedOrigins: () => [`http://${HEADLESS_HOST}:${port}`, `http://localhost:${port}`],
    logger: options.logger.child({ component: 'websocket' }),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, HEADLESS_HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const url = `http://${HEADLESS_HOST}:${port}/#token=${token}`;
  return {
    url,
    port,
    token,
    webSocket,
    async close() {
      await webSocket.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
