// Picks the transport this page runs with: the preload's bridge inside the desktop app, else the WebSocket of the
// headless server that served the page (its token arrives in the URL fragment and is kept only for this tab).
import { PRELOAD_BRIDGE_KEY, type PreloadBridge } from '../../../shared/ipc/bridge.js';
import { createIpcClient, type IpcClient } from '../../../shared/ipc/client.js';
import { appContract, type AppContract } from '../../../shared/ipc/contract.js';
import { WEBSOCKET_PATH } from '../../../shared/ipc/wire.js';
import { createElectronTransport } from './electron-transport.js';
import { createWebSocketTransport, webSocketUrlFor } from './websocket-transport.js';

export type EngineClient = IpcClient<AppContract>;

export interface EngineConnection {
  client: EngineClient;
  transport: 'electron' | 'websocket';
}

const TOKEN_STORAGE_KEY = 'lifeboat.token';

/** Reads the token from `#token=...`, keeps it in sessionStorage (reloads keep working) and removes it from the URL. */
function takeToken(): string | null {
  const fragment = new URLSearchParams(window.location.hash.replace(/^#/, ''));
  const fromUrl = fragment.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_STORAGE_KEY, fromUrl);
    fragment.delete('token');
    const rest = fragment.toString();
    history.replaceState(null, '', window.location.pathname + window.location.search + (rest ? `#${rest}` : ''));
    return fromUrl;
  }
  return sessionStorage.getItem(TOKEN_STORAGE_KEY);
}

export class MissingTokenError extends Error {
  constructor() {
    super('This page was opened without its access token. Open the URL that `lifeboat serve` printed, token included.');
    this.name = 'MissingTokenError';
  }
}

export function connectToEngine(): EngineConnection {
  const bridge = (window as unknown as Record<string, PreloadBridge | undefined>)[PRELOAD_BRIDGE_KEY];
  if (bridge) {
    return { client: createIpcClient(appContract, createElectronTransport(bridge, window)), transport: 'electron' };
  }
  const token = takeToken();
  if (!token) throw new MissingTokenError();
  const url = webSocketUrlFor(new URL(window.location.href), token, WEBSOCKET_PATH);
  return { client: createIpcClient(appContract, createWebSocketTransport(url)), transport: 'websocket' };
}
