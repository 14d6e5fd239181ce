// The engine side of the WebSocket transport used by headless mode and the end-to-end tests. It only accepts
// upgrades on the IPC path that carry the per-start token and come from the server's own origin (or from no
// browser at all), and treats every frame as untrusted input: bad JSON and oversized frames get an error reply
// or a close, and the server stays up.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { ServerConnector } from '../../../shared/ipc/memory-transport.js';
import { MAX_MESSAGE_BYTES, WEBSOCKET_PATH } from '../../../shared/ipc/wire.js';
import type { Logger } from '../logging/logger.js';

export interface WebSocketHostOptions {
  server: Server;
  connect: ServerConnector;
  token: string;
  /** Origins a browser may connect from: the server's own `http://127.0.0.1:PORT` (and localhost). */
  allowedOrigins: () => readonly string[];
  logger: Logger;
}

export interface WebSocketHost {
  readonly clientCount: number;
  close(): Promise<void>;
}

function tokenMatches(expected: string, given: string | null): boolean {
  if (given === null) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

function refuse(socket: Duplex, status: 401 | 403 | 404, reason: string): void {
  const text = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found' }[status];
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`);
}

export function attachWebSocketHost(options: WebSocketHostOptions): WebSocketHost {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  const logger = options.logger;

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== WEBSOCKET_PATH) {
      refuse(socket, 404, 'no such endpoint');
      return;
    }
    if (!tokenMatches(options.token, url.searchParams.get('token'))) {
      logger.warn('WebSocket connection refused: missing or wrong token');
      refuse(socket, 401, 'a valid token is required');
      return;
    }
    const origin = request.headers.origin;
    if (origin !== undefined && !options.allowedOrigins().includes(origin)) {
      logger.warn('WebSocket connection refused: foreign origin', { origin });
      refuse(socket, 403, 'origin not allowed');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => onConnection(ws));
  };

  const onConnection = (ws: WebSocket): void => {
    const connection = options.connect((message) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    });
    const fault = (message: string): void => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ t: 'fault', error: { code: 'invalid_message', message } }));
    };
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) {
        fault('Binary frames are not accepted; send JSON text');
        return;
      }
      let message: unknown;
      try {
        message = JSON.parse(data.toString());
      } catch {
        fault('Message is not valid JSON');
        return;
      }
      connection.receive(message);
    });
    ws.on('error', (error) => logger.debug('WebSocket client error', { error }));
    ws.on('close', () => connection.close());
  };

  options.server.on('upgrade', onUpgrade);
  return {
    get clientCount() {
      return wss.clients.size;
    },
    close() {
      options.server.off('upgrade', onUpgrade);
      for (const client of wss.clients) client.close(1001, 'server shutting down');
      return new Promise((resolve) => wss.close(() => resolve()));
    },
  };
}
