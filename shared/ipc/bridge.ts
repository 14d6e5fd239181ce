// What the Electron preload exposes to the renderer (contextBridge): one send/onMessage pair on the one channel.

/** The property of `window` the preload sets. */
export const PRELOAD_BRIDGE_KEY = 'lifeboatIpc';

export interface PreloadBridge {
  send(message: unknown): void;
  /** Returns a function that removes the listener. */
  onMessage(listener: (message: unknown) => void): () => void;
}
