// Builds the renderer into dist/renderer. The page is loaded from a custom protocol or a file in the desktop app
// and from `lifeboat serve` in headless mode, so every URL in the output is relative (`base: './'`).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const rendererRoot = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: rendererRoot,
  base: './',
  // Vite 8 compiles TSX with oxc; the automatic runtime imports `react/jsx-runtime` itself, so components need no
  // `import React`. No React plugin: Fast Refresh is a dev-server feature this build does not rely on.
  oxc: {
    jsx: { runtime: 'automatic', importSource: 'react' },
  },
  build: {
    outDir: '../dist/renderer',
    // The output folder is outside the root, where Vite does not empty it unless told to.
    emptyOutDir: true,
    // The one entry chunk is loaded by a module script; Chromium (Electron and the e2e browser) supports
    // modulepreload natively, so the polyfill would only add code.
    modulePreload: { polyfill: false },
  },
});
