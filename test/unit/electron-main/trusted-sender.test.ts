import { describe, expect, it } from 'vitest';
import type { IpcMainEventLike } from '../../../electron/engine/transport/electron-ipc-host.js';
import { externalUrlToOpen, isAllowedNavigation } from '../../../electron/main/navigation-policy.js';
import { isTrustedSender } from '../../../electron/main/trusted-sender.js';

function eventFrom(senderId: number, frameUrl: string | null): IpcMainEventLike {
  return {
    sender: { id: senderId, send: () => undefined, isDestroyed: () => false, once: () => undefined },
    senderFrame: frameUrl === null ? null : { url: frameUrl },
  };
}

describe('isTrustedSender', () => {
  const ours = new Set([3, 7]);

  it('accepts our windows showing our page', () => {
    expect(isTrustedSender(eventFrom(3, 'app://lifeboat/index.html'), ours)).toBe(true);
    expect(isTrustedSender(eventFrom(7, 'app://lifeboat/index.html#/jobs'), ours)).toBe(true);
  });

  it('refuses a WebContents that is not one of our windows, even on our page', () => {
    expect(isTrustedSender(eventFrom(4, 'app://lifeboat/index.html'), ours)).toBe(false);
    expect(isTrustedSender(eventFrom(3, 'app://lifeboat/index.html'), new Set())).toBe(false);
  });

  it.each([
    'https://evil.example/',
    'http://127.0.0.1:5173/',
    'file:///work/main/dist/renderer/index.html',
    'app://lifeboat.evil.example/index.html',
    'app://evil/index.html',
    'app://lifeboat',
    'devtools://devtools/bundled/inspector.html',
    'about:blank',
    '',
  ])('refuses our window when its frame shows %j', (url) => {
    expect(isTrustedSender(eventFrom(3, url), ours)).toBe(false);
  });

  it('refuses a message whose frame is already gone', () => {
    expect(isTrustedSender(eventFrom(3, null), ours)).toBe(false);
  });
});

describe('navigation policy', () => {
  it('lets the window move only between our own pages', () => {
    expect(isAllowedNavigation('app://lifeboat/index.html')).toBe(true);
    expect(isAllowedNavigation('app://lifeboat/index.html#/restore')).toBe(true);
    expect(isAllowedNavigation('https://example.com/')).toBe(false);
    expect(isAllowedNavigation('file:///etc/passwd')).toBe(false);
    expect(isAllowedNavigation('app://elsewhere/index.html')).toBe(false);
  });

  it('opens https links in the browser, normalized', () => {
    expect(externalUrlToOpen('https://libvirt.org/formatdomain.html#elementsDisks')).toBe('https://libvirt.org/formatdomain.html#elementsDisks');
    expect(externalUrlToOpen('HTTPS://Example.COM')).toBe('https://example.com/');
  });

  it.each([
    'http://example.com/',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'smb://nas/share',
    'ssh://root@host',
    'vnc://host:5900',
    'https://user:secret@example.com/',
    'app://lifeboat/index.html',
    'not a url',
  ])('never hands %j to the OS', (url) => {
    expect(externalUrlToOpen(url)).toBeNull();
  });
});
