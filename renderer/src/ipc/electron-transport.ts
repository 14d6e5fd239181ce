// The renderer's transport in the desktop app: the preload's bridge on the one Electron IPC channel.
import type { PreloadBridge } from '../../../shared/ipc/bridge.js';
import type { ClientMessage, ClientTransport } from '../../../shared/ipc/wire.js';

export function createElectronTransport(bridge: PreloadBridge, unloadTarget?: EventTarget): ClientTransport {
  const closeListeners = new Set<(reason: string) => void>();
  let closed = false;
  const finish = (reason: string): void => {
    if (closed) return;
    closed = true;
    for (const listener of closeListeners) listener(reason);
  };
  unloadTarget?.addEventListener('pagehide', () => finish('the window is unloading'));
  return {
    send(message: ClientMessage) {
      if (!closed) bridge.send(message);
    },
    onMessage(listener) {
      return bridge.onMessage(listener);
    },
    onClose(listener) {
      closeListeners.add(listener);
      return () => closeListeners.delete(listener);
    },
    close() {
      finish('closed by the client');
    },
  };
}
