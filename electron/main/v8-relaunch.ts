// The desktop app's main process runs the engine, so it wants the engine's V8 flags (electron/engine/v8-flags.ts).
// V8 takes them only at start, and for Electron's main process only from the command line (`--js-flags`): an app
// started without them (from the desktop, a shortcut, the packaged binary) relaunches itself once with them.
import { missingV8Flags } from '../engine/v8-flags.js';

/** Set in the relaunched instance's environment: it never relaunches again, whatever its flags turned out to be. */
export const RELAUNCHED_ENV = 'LIFEBOAT_V8_FLAGS_RELAUNCH';

/** What `app.relaunch` takes. */
export interface RelaunchOptions {
  args: string[];
  execPath?: string;
}

/**
 * How to relaunch, or null to go on: the flags are there, or this is already the relaunched instance. `jsFlags`
 * is the value of the `--js-flags` switch ('' when absent); the relaunch keeps every other argument and the
 * flags already given. An AppImage relaunches the AppImage file: the binary that runs is inside its mount,
 * which goes away when this instance exits.
 */
export function relaunchForV8Flags(argv: readonly string[], jsFlags: string, env: Readonly<Record<string, string | undefined>>): RelaunchOptions | null {
  const given = jsFlags.split(/\s+/).filter((word) => word !== '');
  const missing = missingV8Flags(given);
  if (missing.length === 0 || env[RELAUNCHED_ENV] === '1') return null;
  const others = argv.slice(1).filter((arg) => !arg.startsWith('--js-flags='));
  const args = [`--js-flags=${[...given, ...missing].join(' ')}`, ...others];
  const appImage = env.APPIMAGE;
  return appImage !== undefined && appImage !== '' ? { args, execPath: appImage } : { args };
}
