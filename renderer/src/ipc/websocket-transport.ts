// The renderer's transport in headless mode: one WebSocket to `lifeboat serve`, authenticated by the per-start
// token. Messages sent before the socket opens are queued, so callers need not wait for the connection.
import type { ClientMessage, ClientTransport } from '../../../shared/ipc/wire.js';

export function createWebSocketTransport(url: string): ClientTransport {
  const socket = new WebSocket(url);
  const listeners = new Set<(message: unknown) => void>();
  const closeListeners = new Set<(reason: string) => void>();
  const queue: string[] = [];
  let closed = false;

  const finish = (reason: string): void => {
    if (closed) return;
    closed = true;
    for (const listener of closeListeners) listener(reason);
  };

  socket.addEventListener('open', () => {
    for (const text of queue.splice(0)) socket.send(text);
  });
  socket.addEventListener('message', (event: MessageEvent) => {
    if (typeof event.data !== 'string') return;
    let message: unknown;
    try {
      message = JSON.parse(event.data);
    } catch {
      return;
    }
    for (const listener of listeners) listener(message);
  });
  socket.addEventListener('close', (event: CloseEvent) => {
    finish(event.reason || `socket closed (code ${event.code})`);
  });
  socket.addEventListener('error', () => {
    // The close event that follows carries the reason; nothing to add here.
  });

  return {
    send(message: ClientMessage) {
      if (closed) return;
      const text = JSON.stringify(message);
      if (socket.readyState === WebSocket.OPEN) socket.send(text);
      else queue.push(text);
    },
    onMessage(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onClose(listener) {
      closeListeners.add(listener);
      return () => closeListeners.delete(listener);
    },
    close() {
      socket.close(1000, 'closed by the client');
      finish('closed by the client');
    },
  };
}

/** The WebSocket URL of the engine that served this page, with the token the page was opened with. */
export function webSocketUrlFor(pageUrl: URL, token: string, path: string): string {
  const url = new URL(path, pageUrl);
  url.protocol = pageUrl.protocol === 'https:' ? 'wss:' : 'ws:';
  url.search = new URLSearchParams({ token }).toString();
  url.hash = '';
  return url.toString();
}
