// Bundles the preload into one CommonJS file, dist/electron/preload/preload.cjs: a sandboxed preload cannot load
// ES modules or any file of ours, only require('electron'). Run from the project root:
//   vite build --config electron/preload/vite.config.ts
import { defineConfig } from 'vite';

// `import.meta.dirname` rather than node:path/node:url, which the preload folder's lint rules refuse.
const here = import.meta.dirname;
const projectRoot = `${here}/../..`;

export default defineConfig({
  root: projectRoot,
  // Nothing to copy: the bundle is the only output.
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: 'dist/electron/preload',
    emptyOutDir: true,
    // Electron 39 ships Chromium 142.
    target: 'chrome142',
    minify: false,
    sourcemap: false,
    // The preload is not a web page: no modulepreload polyfill, no copied assets.
    modulePreload: false,
    copyPublicDir: false,
    lib: {
      entry: `${here}/preload.ts`,
      formats: ['cjs'],
      fileName: () => 'preload.cjs',
    },
    rolldownOptions: {
      external: ['electron'],
      // Keep only the two constants the preload uses from shared/: the zod schemas defined beside the channel
      // name in wire.ts are unused here, and marking `z.*(...)` calls pure lets them (and zod) be dropped rather
      // than bundled into every window.
      treeshake: { manualPureFunctions: ['z'] },
    },
  },
});
