// Startup: connect to the engine first (in headless mode this also takes the access token out of the URL
// fragment), then build the stores and start the router on the cleaned-up hash, then render.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { ConnectionErrorScreen, type ConnectionProblem } from './components/ConnectionErrorScreen.js';
import { connectToEngine, MissingTokenError, type EngineConnection } from './ipc/connect.js';
import { createStores, startStores, StoresProvider } from './stores/index.js';
import { browserHashLocation } from './stores/navigation-store.js';
import './styles.css';

function problemFromStartupError(error: unknown): ConnectionProblem {
  const message = error instanceof Error ? error.message : String(error);
  const at = new Date();
  return error instanceof MissingTokenError ? { kind: 'missing-token', message, at } : { kind: 'start-failed', message, at };
}

function start(container: HTMLElement): void {
  const root = createRoot(container);
  let connection: EngineConnection;
  try {
    connection = connectToEngine();
  } catch (error) {
    root.render(
      <StrictMode>
        <ConnectionErrorScreen problem={problemFromStartupError(error)} />
      </StrictMode>,
    );
    return;
  }
  const stores = createStores(connection.client, {
    transport: connection.transport,
    location: browserHashLocation(window),
  });
  startStores(stores);
  root.render(
    <StrictMode>
      <StoresProvider stores={stores}>
        <App />
      </StoresProvider>
    </StrictMode>,
  );
}

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no element with id "root"');
start(container);
