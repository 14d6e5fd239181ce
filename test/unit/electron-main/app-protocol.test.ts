import { mimeTypeFor } from '../../../electron/engine/fs/mime-types.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEADLESS_CSP } from '../../../electron/cli/static-files.js';
import {
  APP_ENTRY_URL,
  createAppRequestHandler,
  DEFAULT_DESKTOP_CSP,
  desktopContentSecurityPolicy,
  extractMetaCsp,
  fileWithinRoot,
  isAppPageUrl,
  loadDesktopCsp,
  resolveAppPath,
} from '../../../electron/main/app-protocol.js';
import { makeTempDir } from '../../support/temp.js';

const directives = (policy: string): Map<string, string> =>
  new Map(
    policy
      .split(';')
      .map((part) => part.trim())
      .filter(Boolean)
      .map((part) => {
        const [name = '', ...sources] = part.split(/\s+/);
        return [name, sources.join(' ')] as const;
      }),
  );

describe('resolveAppPath', () => {
  it('maps the root and plain paths below the renderer folder', () => {
    expect(resolveAppPath('app://lifeboat/')).toEqual({ ok: true, relativePath: 'index.html', fallbackToIndex: false });
    expect(resolveAppPath(APP_ENTRY_URL)).toEqual({ ok: true, relativePath: 'index.html', fallbackToIndex: false });
    expect(resolveAppPath('app://lifeboat/assets/index-abc123.js?v=1#x')).toEqual({
      ok: true,
      relativePath: 'assets/index-abc123.js',
      fallbackToIndex: false,
    });
    expect(resolveAppPath('app://lifeboat/assets/My%20Font.woff2')).toMatchObject({ ok: true, relativePath: 'assets/My Font.woff2' });
  });

  it('treats extension-less paths as client-side routes', () => {
    expect(resolveAppPath('app://lifeboat/clusters/abc')).toEqual({ ok: true, relativePath: 'clusters/abc', fallbackToIndex: true });
  });

  it.each([
    'app://lifeboat/..%2fsecret.txt',
    'app://lifeboat/..%2F..%2Fetc%2Fpasswd',
    'app://lifeboat/assets/..%5c..%5csecret.txt',
    'app://lifeboat/%2e%2e%2fsecret.txt',
    'app://lifeboat/a%00.js',
    'app://lifeboat/C:%5CWindows%5Cwin.ini',
    'app://lifeboat/index.html:stream',
    'app://lifeboat/.env',
    'app://lifeboat/assets/.hidden.js',
  ])('refuses %s', (url) => {
    expect(resolveAppPath(url)).toMatchObject({ ok: false, status: 404 });
  });

  it('never lets dot segments climb out (the URL parser folds them, the root guard stays)', () => {
    const folded = resolveAppPath('app://lifeboat/%2e%2e/%2E%2E/secret.txt');
    expect(folded).toEqual({ ok: true, relativePath: 'secret.txt', fallbackToIndex: false });
    expect(resolveAppPath('app://lifeboat/assets/%2e%2e')).toEqual({ ok: true, relativePath: 'index.html', fallbackToIndex: false });
  });

  it('refuses other hosts, other schemes, credentials and malformed escapes', () => {
    expect(resolveAppPath('app://evil/index.html')).toMatchObject({ ok: false, status: 404 });
    expect(resolveAppPath('file:///etc/passwd')).toMatchObject({ ok: false, status: 404 });
    expect(resolveAppPath('app://user:pw@lifeboat/index.html')).toMatchObject({ ok: false, status: 404 });
    expect(resolveAppPath('app://lifeboat/%E0%A4%A')).toMatchObject({ ok: false, status: 400 });
    expect(resolveAppPath('not a url')).toMatchObject({ ok: false, status: 400 });
  });
});

describe('fileWithinRoot', () => {
  it('keeps files inside the root and refuses the root itself or anything outside', () => {
    expect(fileWithinRoot('/srv/renderer', 'assets/a.js')).toBe(join('/srv/renderer', 'assets', 'a.js'));
    expect(fileWithinRoot('/srv/renderer', '../secret.txt')).toBeNull();
    expect(fileWithinRoot('/srv/renderer', 'assets/../../secret.txt')).toBeNull();
    expect(fileWithinRoot('/srv/renderer', '')).toBeNull();
    expect(fileWithinRoot('/srv/renderer', '/etc/passwd')).toBe(join('/srv/renderer', 'etc', 'passwd'));
  });
});

describe('isAppPageUrl', () => {
  it('accepts only app://lifeboat/ pages', () => {
    expect(isAppPageUrl('app://lifeboat/index.html')).toBe(true);
    expect(isAppPageUrl('app://lifeboat/index.html#/clusters')).toBe(true);
    expect(isAppPageUrl('app://lifeboat')).toBe(false);
    expect(isAppPageUrl('app://lifeboat.evil/index.html')).toBe(false);
    expect(isAppPageUrl('app://lifeboat@evil/index.html')).toBe(false);
    expect(isAppPageUrl('https://lifeboat/index.html')).toBe(false);
    expect(isAppPageUrl('file:///work/main/dist/renderer/index.html')).toBe(false);
  });
});

describe('mimeTypeFor', () => {
  it('names the types a Vite build produces and falls back to opaque bytes', () => {
    expect(mimeTypeFor('index.html')).toBe('text/html; charset=utf-8');
    expect(mimeTypeFor('assets/index-1a2b.JS')).toBe('text/javascript; charset=utf-8');
    expect(mimeTypeFor('assets/index.css')).toBe('text/css; charset=utf-8');
    expect(mimeTypeFor('assets/logo.svg')).toBe('image/svg+xml');
    expect(mimeTypeFor('assets/inter.woff2')).toBe('font/woff2');
    expect(mimeTypeFor('assets/x.wasm')).toBe('application/wasm');
    expect(mimeTypeFor('LICENSE')).toBe('application/octet-stream');
    expect(mimeTypeFor('data.bin')).toBe('application/octet-stream');
  });
});

describe('the desktop Content-Security-Policy', () => {
  it('reads the meta tag of the built page', () => {
    const html = `<!doctype html><html><head><meta charset="utf-8">
      <meta http-equiv="Content-Security-Policy" content="default-src 'self'; connect-src 'self' ws://127.0.0.1:*">
      </head><body></body></html>`;
    expect(extractMetaCsp(html)).toBe("default-src 'self'; connect-src 'self' ws://127.0.0.1:*");
    expect(extractMetaCsp(`<meta content='img-src data:' http-equiv='content-security-policy'>`)).toBe('img-src data:');
    expect(extractMetaCsp('<meta name="viewport" content="width=device-width">')).toBeNull();
  });

  it('finds a multi-line meta tag after a comment that mentions <meta>', () => {
    const html = `<head>
      <!-- frame-ancestors is ignored in a <meta> tag: it only works as a header -->
      <meta
        http-equiv="Content-Security-Policy"
        content="default-src 'self'; script-src 'self'"
      />
      <meta name="color-scheme" content="light dark" />`;
    expect(extractMetaCsp(html)).toBe("default-src 'self'; script-src 'self'");
  });

  it("matches the page's policy but allows connections only to 'self'", () => {
    const policy = directives(desktopContentSecurityPolicy(HEADLESS_CSP));
    const page = directives(HEADLESS_CSP);
    expect(policy.get('connect-src')).toBe("'self'");
    for (const [name, sources] of page) if (name !== 'connect-src') expect(policy.get(name)).toBe(sources);
    expect(desktopContentSecurityPolicy(HEADLESS_CSP)).not.toMatch(/ws:/);
  });

  it('drops inline and eval script sources and adds the hardening directives a page left out', () => {
    const policy = directives(desktopContentSecurityPolicy("script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'self' 'unsafe-inline'"));
    expect(policy.get('script-src')).toBe("'self'");
    expect(policy.get('style-src')).toBe("'self' 'unsafe-inline'");
    expect(policy.get('default-src')).toBe("'self'");
    expect(policy.get('object-src')).toBe("'none'");
    expect(policy.get('base-uri')).toBe("'none'");
    expect(policy.get('form-action')).toBe("'none'");
    expect(policy.get('frame-ancestors')).toBe("'none'");
    expect(policy.get('connect-src')).toBe("'self'");
  });

  it('uses a strict default when the page has no policy', () => {
    expect(desktopContentSecurityPolicy(null)).toBe(DEFAULT_DESKTOP_CSP);
    expect(directives(DEFAULT_DESKTOP_CSP).get('connect-src')).toBe("'self'");
  });
});

describe('createAppRequestHandler', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let root: string;
  let handle: (request: Request) => Promise<Response>;
  const csp = desktopContentSecurityPolicy(HEADLESS_CSP);
  const get = (url: string, method = 'GET'): Promise<Response> => handle(new Request(url, { method }));

  beforeAll(() => {
    temp = makeTempDir('app-protocol');
    root = join(temp.dir, 'renderer');
    mkdirSync(join(root, 'assets'), { recursive: true });
    writeFileSync(
      join(root, 'index.html'),
      `<!doctype html><meta http-equiv="Content-Security-Policy" content="${HEADLESS_CSP}"><div id="root"></div>`,
    );
    writeFileSync(join(root, 'assets', 'index-abc.js'), 'console.log("hi")');
    writeFileSync(join(temp.dir, 'secret.txt'), 'TOP SECRET');
    handle = createAppRequestHandler({ rootDir: root, csp });
  });
  afterAll(() => temp.remove());

  it('serves the page and its assets with their types and the security headers', async () => {
    const page = await get('app://lifeboat/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(csp);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).toContain('<div id="root">');

    const script = await get('app://lifeboat/assets/index-abc.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('content-length')).toBe(String('console.log("hi")'.length));
    expect(await script.text()).toBe('console.log("hi")');
  });

  it('derives the header from the built page', async () => {
    expect(await loadDesktopCsp(root)).toBe(csp);
  });

  it.each([
    'app://lifeboat/..%2fsecret.txt',
    'app://lifeboat/%2e%2e/secret.txt',
    'app://lifeboat/assets/..%2f..%2fsecret.txt',
    'app://lifeboat/assets/..%5c..%5csecret.txt',
    'app://lifeboat/secret.txt',
    'app://other/secret.txt',
  ])('never serves a file outside the renderer folder: %s', async (url) => {
    const response = await get(url);
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('TOP SECRET');
  });

  it('answers client-side routes with the page, and missing files with 404', async () => {
    const route = await get('app://lifeboat/clusters/abc');
    expect(route.status).toBe(200);
    expect(route.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect((await get('app://lifeboat/assets/missing.js')).status).toBe(404);
    expect((await get('app://lifeboat/assets')).status).toBe(200);
  });

  it('answers HEAD without a body and refuses other methods', async () => {
    const head = await get('app://lifeboat/assets/index-abc.js', 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const post = await get('app://lifeboat/index.html', 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('reports a malformed URL as a bad request', async () => {
    expect((await get('app://lifeboat/%E0%A4%A')).status).toBe(400);
  });
});
