// Runs electron/main/main.ts against a fake Electron (fake-electron.ts) with the real engine, to check how it is
// wired: the window's settings, the app:// scheme, which IPC senders are answered, navigation and permission
// guards, and the quit sequence. The Electron binary cannot run here; this is the closest check there is.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { HEADLESS_CSP } from '../../../electron/cli/static-files.js';
import { makeTempDir } from '../../support/temp.js';
import { app, ipcMain, logLines, recorder, type FakeBrowserWindow, type FakeWebContents } from './fake-electron.js';

const paths = vi.hoisted(() => ({ rendererDir: '', preloadFile: '' }));
vi.mock('electron', async () => (await import('./fake-electron.js')).fakeElectron);
vi.mock('electron-log/main', async () => ({ default: (await import('./fake-electron.js')).fakeElectronLog }));
vi.mock('../../../electron/main/desktop-paths.js', () => ({ desktopPaths: () => paths }));

const CHANNEL = 'lifeboat:ipc';
const PAGE = 'app://lifeboat/index.html';

async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}; log:\n${logLines.join('\n')}`);
}

function sendFrom(sender: { id: number }, frameUrl: string | null, message: unknown): void {
  ipcMain.emit(CHANNEL, { sender, senderFrame: frameUrl === null ? null : { url: frameUrl } }, message);
}

const answerTo = (contents: FakeWebContents, id: string) =>
  contents.sent.find((sent) => (sent.message as { id?: string }).id === id)?.message as Record<string, unknown> | undefined;

describe('electron/main/main.ts wiring', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let win: FakeBrowserWindow;
  const listenersBefore = new Map<string, Set<(...args: unknown[]) => void>>();
  const processEvents = ['SIGINT', 'SIGTERM', 'unhandledRejection'] as const;

  beforeAll(async () => {
    temp = makeTempDir('desktop-main');
    recorder.userData = join(temp.dir, 'userData');
    recorder.documents = join(temp.dir, 'Documents');
    paths.rendererDir = join(temp.dir, 'renderer');
    paths.preloadFile = join(temp.dir, 'preload.cjs');
    mkdirSync(paths.rendererDir, { recursive: true });
    writeFileSync(
      join(paths.rendererDir, 'index.html'),
      `<!doctype html><meta http-equiv="Content-Security-Policy" content="${HEADLESS_CSP}"><div id="root"></div>`,
    );
    writeFileSync(join(temp.dir, 'secret.txt'), 'TOP SECRET');
    // Saved while on a monitor that has since been unplugged.
    mkdirSync(recorder.userData, { recursive: true });
    writeFileSync(join(recorder.userData, 'window-state.json'), JSON.stringify({ x: 5000, y: 100, width: 1000, height: 700, maximized: true }));

    for (const event of processEvents) listenersBefore.set(event, new Set(process.listeners(event as 'SIGINT') as never[]));
    await import('../../../electron/main/main.js');
    await until('the window to show', () => recorder.windows[0]?.shown === true);
    win = recorder.windows[0] as FakeBrowserWindow;
  });

  afterAll(() => {
    // main.ts hooks process signals to quit the app; leave the test worker's own handling as it was.
    for (const event of processEvents) {
      for (const listener of process.listeners(event as 'SIGINT')) {
        if (!listenersBefore.get(event)?.has(listener as never)) process.removeListener(event, listener);
      }
    }
    temp.remove();
  });

  it('started with the engine V8 flags, goes on without relaunching', () => {
    expect(recorder.relaunches).toEqual([]);
    expect(recorder.exitCode).toBeNull();
  });

  it('registers app:// as a privileged scheme and opens one sandboxed window on it', () => {
    expect(recorder.schemes).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
    expect(recorder.windows).toHaveLength(1);
    expect(win.options.show).toBe(false);
    expect(win.options.webPreferences).toMatchObject({
      preload: paths.preloadFile,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      devTools: true,
    });
    expect(win.loadedUrl).toBe(PAGE);
  });

  it('re-centres a remembered window whose monitor is gone, keeping its size and maximized state', () => {
    expect(win.bounds).toEqual({ x: 460, y: 190, width: 1000, height: 700 });
    expect(win.maximized).toBe(true);
  });

  it('serves the renderer with the desktop CSP and nothing outside it', async () => {
    const handler = recorder.protocolHandlers.get('app');
    expect(handler).toBeTypeOf('function');
    const page = await handler!(new Request('app://lifeboat/'));
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("connect-src 'self';");
    expect(csp).not.toContain('ws:');
    expect(csp).toContain("frame-ancestors 'none'");
    const escape = await handler!(new Request('app://lifeboat/..%2fsecret.txt'));
    expect(escape.status).toBe(404);
    expect(await escape.text()).not.toContain('TOP SECRET');
  });

  it('answers IPC from our window on our page, and drops everything else', async () => {
    sendFrom(win.webContents, PAGE, { t: 'call', id: 'ok-1', method: 'app.getInfo', params: {} });
    await until('the answer', () => answerTo(win.webContents, 'ok-1') !== undefined);
    expect(answerTo(win.webContents, 'ok-1')).toMatchObject({
      t: 'result',
      ok: true,
      result: { mode: 'desktop', version: '0.1.0-test', dataDir: recorder.userData },
    });

    // The onboarding proposes the repository in the documents folder Electron names.
    sendFrom(win.webContents, PAGE, { t: 'call', id: 'ok-2', method: 'onboarding.status', params: {} });
    await until('the onboarding answer', () => answerTo(win.webContents, 'ok-2') !== undefined);
    expect(answerTo(win.webContents, 'ok-2')).toMatchObject({ ok: true, result: { proposedRepositoryPath: join(recorder.documents, 'Lifeboat Backups') } });

    const stranger = { id: 9999, send: vi.fn(), isDestroyed: () => false, once: () => undefined };
    sendFrom(stranger, PAGE, { t: 'call', id: 'stranger', method: 'app.getInfo', params: {} });
    sendFrom(win.webContents, 'https://evil.example/', { t: 'call', id: 'foreign-page', method: 'app.getInfo', params: {} });
    sendFrom(win.webContents, null, { t: 'call', id: 'gone-frame', method: 'app.getInfo', params: {} });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(stranger.send).not.toHaveBeenCalled();
    expect(answerTo(win.webContents, 'foreign-page')).toBeUndefined();
    expect(answerTo(win.webContents, 'gone-frame')).toBeUndefined();
    expect(logLines.filter((line) => line.includes('untrusted sender dropped'))).toHaveLength(3);
  });

  it('starts a fresh connection when the page reloads', async () => {
    win.webContents.emit('did-start-navigation', { url: PAGE, isMainFrame: true, isSameDocument: false });
    sendFrom(win.webContents, PAGE, { t: 'call', id: 'after-reload', method: 'app.getInfo', params: {} });
    await until('the answer after reload', () => answerTo(win.webContents, 'after-reload') !== undefined);
    expect(answerTo(win.webContents, 'after-reload')).toMatchObject({ ok: true });
  });

  it('keeps the window on app:// and sends only https links to the browser', async () => {
    const navigate = (event: string, url: string): boolean => {
      let prevented = false;
      win.webContents.emit(event, { url, preventDefault: () => (prevented = true) });
      return prevented;
    };
    expect(navigate('will-navigate', 'https://evil.example/')).toBe(true);
    expect(navigate('will-redirect', 'file:///etc/passwd')).toBe(true);
    expect(navigate('will-navigate', `${PAGE}#/jobs`)).toBe(false);

    expect(win.webContents.windowOpenHandler?.({ url: 'https://libvirt.org/docs.html' })).toEqual({ action: 'deny' });
    expect(win.webContents.windowOpenHandler?.({ url: 'http://example.com/' })).toEqual({ action: 'deny' });
    expect(win.webContents.windowOpenHandler?.({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(recorder.opened).toEqual(['https://libvirt.org/docs.html']);
  });

  it('denies every permission request and check but clipboard writes from our own page', () => {
    const granted: boolean[] = [];
    for (const permission of ['media', 'notifications', 'geolocation', 'clipboard-read']) {
      recorder.permissionRequest?.(win.webContents, permission, (value) => granted.push(value), { requestingUrl: PAGE });
    }
    expect(granted).toEqual([false, false, false, false]);
    expect(recorder.permissionCheck?.(win.webContents, 'notifications', 'app://lifeboat', {})).toBe(false);
    const clipboard: boolean[] = [];
    recorder.permissionRequest?.(win.webContents, 'clipboard-sanitized-write', (value) => clipboard.push(value), { requestingUrl: PAGE });
    recorder.permissionRequest?.(win.webContents, 'clipboard-sanitized-write', (value) => clipboard.push(value), { requestingUrl: 'https://evil.example/' });
    expect(clipboard).toEqual([true, false]);
  });

  it('builds the menu with developer tools in an unpackaged app', () => {
    expect(JSON.stringify(recorder.menu)).toContain('toggleDevTools');
  });

  it('on quit saves the window state, stops the engine, then lets the app quit', async () => {
    let engineStoppedFirst = false;
    app.once('quit', () => (engineStoppedFirst = logLines.some((line) => line.includes('engine stopped'))));
    app.quit();
    await until('the app to quit', () => recorder.quitted);
    expect(engineStoppedFirst).toBe(true);
    expect(recorder.exitCode).toBeNull();
    const saved = JSON.parse(readFileSync(join(recorder.userData, 'window-state.json'), 'utf8')) as unknown;
    expect(saved).toEqual({ x: 460, y: 190, width: 1000, height: 700, maximized: true });
    // The IPC host is detached: a late message gets no answer.
    sendFrom(win.webContents, PAGE, { t: 'call', id: 'too-late', method: 'app.getInfo', params: {} });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(answerTo(win.webContents, 'too-late')).toBeUndefined();
  });
});
