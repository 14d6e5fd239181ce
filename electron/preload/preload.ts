// The preload of the sandboxed window: it gives the page exactly the PreloadBridge (send / onMessage on the one
// IPC channel) and nothing else: not ipcRenderer, not the IPC event (whose `sender` could reach other channels).
// Sandboxed preloads are CommonJS that may only require('electron'), so this file is bundled by vite.config.ts
// into dist/electron/preload/preload.cjs with the two shared constants inlined.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { PRELOAD_BRIDGE_KEY, type PreloadBridge } from '../../shared/ipc/bridge.js';
import { ELECTRON_IPC_CHANNEL } from '../../shared/ipc/wire.js';

const bridge: PreloadBridge = {
  send(message: unknown): void {
    ipcRenderer.send(ELECTRON_IPC_CHANNEL, message);
  },
  onMessage(listener: (message: unknown) => void): () => void {
    if (typeof listener !== 'function') throw new TypeError('onMessage expects a function');
    const forward = (_event: IpcRendererEvent, message: unknown): void => listener(message);
    ipcRenderer.on(ELECTRON_IPC_CHANNEL, forward);
    return () => {
      ipcRenderer.removeListener(ELECTRON_IPC_CHANNEL, forward);
    };
  },
};

contextBridge.exposeInMainWorld(PRELOAD_BRIDGE_KEY, bridge);
