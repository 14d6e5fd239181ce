// What the window may navigate to and open. The window only ever shows `app://lifeboat/` pages; a link to the web
// opens in the user's browser (https only: no http, file:, custom schemes that launch other programs, or
// credentials in the URL), and nothing ever opens a second Electron window. No `electron` import: main calls these
// from its `will-navigate`, `will-redirect` and `setWindowOpenHandler` hooks.
import { isAppPageUrl } from './app-protocol.js';

/** Whether the window may go to `url` (a reload or in-app navigation); anything else is prevented. */
export function isAllowedNavigation(url: string): boolean {
  return isAppPageUrl(url);
}

/** The URL to hand to the OS browser for a `window.open`/`target=_blank` request, or null to drop it. */
export function externalUrlToOpen(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'https:' || parsed.hostname === '' || parsed.username !== '' || parsed.password !== '') return null;
  return parsed.href;
}
