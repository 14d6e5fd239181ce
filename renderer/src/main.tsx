// Startup: the i18n instance first (in the browser's language until the settings say otherwise), so even the
// connection screen is translated; then connect to the engine (in headless mode this also takes the access token
// out of the URL fragment), build the stores and start the router on the cleaned-up hash, then render.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { App } from './App.js';
import { ConnectionErrorScreen, type ConnectionProblem } from './components/ConnectionErrorScreen.js';
import { followLanguageInDocument, initI18n } from './i18n/index.js';
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
  const i18n = initI18n('system');
  followLanguageInDocument(i18n, document.documentElement);
  const root = createRoot(container);
  let connection: EngineConnection;
  try {
    connection = connectToEngine();
  } catch (error) {
    root.render(
      <StrictMode>
        <I18nextProvider i18n={i18n}>
          <ConnectionErrorScreen problem={problemFromStartupError(error)} />
        </I18nextProvider>
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
      <I18nextProvider i18n={i18n}>
        <StoresProvider stores={stores}>
          <App />
        </StoresProvider>
      </I18nextProvider>
    </StrictMode>,
  );
}

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no element with id "root"');
start(container);
