// Renders a component to HTML with the given stores (and an i18n instance, English unless given), for tests of
// what a component shows (node, no DOM). React's
// server renderer reads zustand stores through their initial state, so each store is told to answer with its
// current state instead: the markup shows the state the test put the stores in.
import type { ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { I18nextProvider } from 'react-i18next';
import type { I18n } from '../i18n/index.js';
import type { EngineClient } from '../ipc/connect.js';
import { createStores, StoresProvider, type Stores } from '../stores/index.js';
import { createFakeEngineClient } from './fake-engine-client.js';
import { i18nForTest } from './i18n.js';

export function storesForTest(client: EngineClient = createFakeEngineClient(), hash = '#/clusters'): Stores {
  let current = hash;
  return createStores(client, {
    transport: 'websocket',
    location: {
      read: () => current,
      push: (next) => {
        current = next;
      },
      replace: (next) => {
        current = next;
      },
      listen: () => () => undefined,
    },
  });
}

/** Renders a component that needs no store, only strings. */
export function renderWithI18n(element: ReactElement, i18n: I18n = i18nForTest()): string {
  return renderToStaticMarkup(<I18nextProvider i18n={i18n}>{element}</I18nextProvider>);
}

export function renderWithStores(stores: Stores, element: ReactElement, i18n: I18n = i18nForTest()): string {
  for (const store of Object.values(stores) as { getState: () => unknown; getInitialState: () => unknown }[]) {
    store.getInitialState = store.getState;
  }
  return renderToStaticMarkup(
    <I18nextProvider i18n={i18n}>
      <StoresProvider stores={stores}>{element}</StoresProvider>
    </I18nextProvider>,
  );
}
