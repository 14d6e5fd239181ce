// An in-memory transport: the client and the engine in one process, with every message serialized the way a wire
// would (JSON), so nothing passes by reference that a real transport could not carry.
import type { ClientMessage, ClientTransport } from './wire.js';

/** The engine side of a connection, as the router exposes it. */
export interface ServerConnection {
  receive(message: unknown): void;
  close(): void;
}

/** Connects a client to an engine: `connect` is given the function that delivers server messages to the client. */
export type ServerConnector = (sendToClient: (message: unknown) => void) => ServerConnection;

export function createMemoryTransport(connect: ServerConnector): ClientTransport {
  const listeners = new Set<(message: unknown) => void>();
  const closeListeners = new Set<(reason: string) => void>();
  let open = true;
  const roundTrip = (value: unknown): unknown => JSON.parse(JSON.stringify(value)) as unknown;
  const connection = connect((message) => {
    if (!open) return;
    // Delivered on a later turn, as any real transport does, so no caller depends on synchronous replies.
    const copy = roundTrip(message);
    void Promise.resolve().then(() => {
      if (open) for (const listener of listeners) listener(copy);
    });
  });
  return {
    send(message: ClientMessage) {
      if (!open) return;
      const copy = roundTrip(message);
      void Promise.resolve().then(() => {
        if (open) connection.receive(copy);
      });
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
      if (!open) return;
      open = false;
      connection.close();
      for (const listener of closeListeners) listener('closed');
    },
  };
}
