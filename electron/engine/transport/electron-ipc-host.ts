// The engine side of the Electron transport, written against the few members of `ipcMain` and `WebContents` it
// uses, so it has no `electron` import and runs under plain Node in the contract tests. Electron main passes the
// real objects. One router connection per window (WebContents); messages from any other sender are dropped.
import { ELECTRON_IPC_CHANNEL, MAX_MESSAGE_BYTES } from '../../../shared/ipc/wire.js';
import type { ServerConnection, ServerConnector } from '../../../shared/ipc/memory-transport.js';
import type { Logger } from '../logging/logger.js';

export interface WebContentsLike {
  readonly id: number;
  send(channel: string, message: unknown): void;
  isDestroyed(): boolean;
  once(event: 'destroyed', listener: () => void): unknown;
}

export interface IpcMainEventLike {
  readonly sender: WebContentsLike;
  readonly senderFrame: { readonly url: string } | null;
}

export interface IpcMainLike {
  on(channel: string, listener: (event: IpcMainEventLike, message: unknown) => void): unknown;
  removeListener(channel: string, listener: (event: IpcMainEventLike, message: unknown) => void): unknown;
}

export interface ElectronIpcHostOptions {
  ipcMain: IpcMainLike;
  connect: ServerConnector;
  /** Whether a message comes from one of our windows showing our own page (checked on every message). */
  isTrustedSender: (event: IpcMainEventLike) => boolean;
  logger: Logger;
}

/**
 * Rough size of a structured-clone message, to refuse oversized ones as the WebSocket transport does; null when it
 * cannot be measured (a BigInt, a cycle, nesting deeper than JSON can write): no client of ours sends such a thing.
 */
function approximateSize(message: unknown): number | null {
  try {
    return JSON.stringify(message)?.length ?? 0;
  } catch {
    return null;
  }
}

/**
 * The answer to a message refused before the router saw it: a call or subscription whose id can be read is
 * answered as that call or subscription (its caller is not left waiting), anything else with a fault.
 */
function refusal(message: unknown, text: string): unknown {
  const error = { code: 'invalid_message', message: text };
  const envelope = typeof message === 'object' && message !== null && !Array.isArray(message) ? (message as { t?: unknown; id?: unknown }) : {};
  const id = Object.prototype.hasOwnProperty.call(envelope, 'id') ? envelope.id : undefined;
  const t = Object.prototype.hasOwnProperty.call(envelope, 't') ? envelope.t : undefined;
  if (typeof id === 'string' && id.length > 0 && id.length <= 64) {
    if (t === 'call') return { t: 'result', id, ok: false, error };
    if (t === 'sub') return { t: 'subscribed', id, ok: false, error };
  }
  return { t: 'fault', error };
}

export interface ElectronIpcHost {
  /**
   * Ends a window's connection, aborting its calls and dropping its subscriptions. Main calls it when the window
   * navigates or reloads (same WebContents, new page) and when its renderer process is gone.
   */
  resetSender(senderId: number): void;
  detach(): void;
}

export function attachElectronIpcHost(options: ElectronIpcHostOptions): ElectronIpcHost {
  const connections = new Map<number, ServerConnection>();
  /** Windows whose `destroyed` event is already watched (a reload reuses the WebContents). */
  const watched = new Set<number>();

  const resetSender = (senderId: number): void => {
    connections.get(senderId)?.close();
    connections.delete(senderId);
  };

  const connectionFor = (sender: WebContentsLike): ServerConnection => {
    const existing = connections.get(sender.id);
    if (existing) return existing;
    const connection = options.connect((message) => {
      if (!sender.isDestroyed()) sender.send(ELECTRON_IPC_CHANNEL, message);
    });
    connections.set(sender.id, connection);
    // A closed or reloaded window ends its connection: its calls are aborted, its subscriptions dropped.
    if (!watched.has(sender.id)) {
      watched.add(sender.id);
      sender.once('destroyed', () => {
        watched.delete(sender.id);
        resetSender(sender.id);
      });
    }
    return connection;
  };

  const listener = (event: IpcMainEventLike, message: unknown): void => {
    if (!options.isTrustedSender(event)) {
      options.logger.warn('IPC message from an untrusted sender dropped', { url: event.senderFrame?.url ?? null });
      return;
    }
    const size = approximateSize(message);
    if (size === null || size > MAX_MESSAGE_BYTES) {
      const text =
        size === null
          ? 'Message is not plain data (a BigInt, a cycle, or nested too deep); send what JSON can carry'
          : `Message too large (${size} bytes; the limit is ${MAX_MESSAGE_BYTES})`;
      event.sender.send(ELECTRON_IPC_CHANNEL, refusal(message, text));
      return;
    }
    connectionFor(event.sender).receive(message);
  };

  options.ipcMain.on(ELECTRON_IPC_CHANNEL, listener);
  return {
    resetSender,
    detach() {
      options.ipcMain.removeListener(ELECTRON_IPC_CHANNEL, listener);
      for (const connection of connections.values()) connection.close();
      connections.clear();
    },
  };
}
