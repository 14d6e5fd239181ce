// Which IPC messages the engine accepts: only those sent by one of our own windows while it shows our own page.
// Checked on every message, because a window's WebContents outlives its page (reload, a navigation that slipped
// through). No `electron` import: main passes the ids of its windows' WebContents.
import type { IpcMainEventLike } from '../engine/transport/electron-ipc-host.js';
import { isAppPageUrl } from './app-protocol.js';

/**
 * True when the sender is one of `ownContentsIds` and the sending frame shows an `app://lifeboat/` page. A
 * message from a frame that is gone (`senderFrame` null) is refused: its origin can no longer be checked.
 */
export function isTrustedSender(event: IpcMainEventLike, ownContentsIds: ReadonlySet<number>): boolean {
  if (!ownContentsIds.has(event.sender.id)) return false;
  const url = event.senderFrame?.url;
  return typeof url === 'string' && isAppPageUrl(url);
}
