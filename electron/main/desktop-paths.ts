// Where the desktop app finds its built files, relative to the compiled main.js (dist/electron/main/main.js; in
// the packaged app the same layout inside app.asar). Its own module so the wiring test can point it elsewhere.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface DesktopPaths {
  /** The built renderer, served as app://lifeboat/. */
  rendererDir: string;
  /** The preload bundle (electron/preload/vite.config.ts): a sandboxed preload must be one CommonJS file. */
  preloadFile: string;
}

export function desktopPaths(mainModuleUrl: string): DesktopPaths {
  const distDir = join(dirname(fileURLToPath(mainModuleUrl)), '..', '..');
  return { rendererDir: join(distDir, 'renderer'), preloadFile: join(distDir, 'electron', 'preload', 'preload.cjs') };
}
