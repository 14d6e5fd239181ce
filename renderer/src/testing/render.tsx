// Renders a component to HTML with the given stores, for tests of what a component shows (node, no DOM). React's
// server renderer reads zustand stores through their initial state, so each store is told to answer with its
// current state instead: the markup shows the state the test put the stores in.
import type { ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import type { EngineClient } from '../ipc/connect.js';
import { createStores, StoresProvider, type Stores } from '../stores/index.js';
import { createFakeEngineClient } from './fake-engine-client.js';

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

export function renderWithStores(stores: Stores, element: ReactElement): string {
  for (const store of Object.values(stores) as { getState: () => unknown; getInitialState: () => unknown }[]) {
    store.getInitialState = store.getState;
  }
  return renderToStaticMarkup(<StoresProvider stores={stores}>{element}</StoresProvider>);
}
