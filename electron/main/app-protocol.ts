// The `app://lifeboat/` scheme the desktop window loads the built renderer from (dist/renderer/). A custom
// privileged scheme instead of file:// gives the page a real origin (so 'self' in its CSP means something and no
// other local file is reachable), and the handler below is the only way bytes get into the window. No `electron`
// import: main registers the scheme and passes `createAppRequestHandler(...)` to `protocol.handle`; the tests call
// the same handler with plain `Request`s.
import { readFile } from 'node:fs/promises';
import { extname, isAbsolute, join, relative, resolve } from 'node:path';
import { mimeTypeFor } from '../engine/fs/mime-types.js';

export const APP_SCHEME = 'app';
export const APP_HOST = 'lifeboat';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** What the window loads; every page URL of ours starts with `${APP_ORIGIN}/`. */
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;



/** Whether `url` is a page of ours: `app://lifeboat/...`, nothing else (not another host, not a look-alike). */
export function isAppPageUrl(url: string): boolean {
  if (!url.startsWith(`${APP_ORIGIN}/`)) return false;
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && parsed.username === '' && parsed.password === '';
  } catch {
    return false;
  }
}

export type AppPathResolution =
  | {
      ok: true;
      /** Path below the renderer folder, `/`-separated, every segment checked. */
      relativePath: string;
      /** A missing extension-less path is a client-side route: answer with index.html rather than 404. */
      fallbackToIndex: boolean;
    }
  | { ok: false; status: 400 | 404; reason: string };

/**
 * Maps a request URL to a file below the renderer folder, refusing anything that could leave it: `..` or `.` in
 * any spelling (`%2e%2e`, `..%2f`, `%5c`), separators or NUL inside a segment, drive letters and streams (`:`),
 * hidden files, other hosts.
 */
export function resolveAppPath(url: string): AppPathResolution {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, status: 400, reason: 'unparseable URL' };
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST || parsed.username !== '' || parsed.password !== '') {
    return { ok: false, status: 404, reason: 'not an app://lifeboat/ URL' };
  }
  const segments: string[] = [];
  for (const raw of parsed.pathname.split('/')) {
    if (raw === '') continue;
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return { ok: false, status: 400, reason: 'malformed percent-encoding' };
    }
    if (segment === '.' || segment === '..' || segment.startsWith('.') || /[/\\:\0]/.test(segment)) {
      return { ok: false, status: 404, reason: 'path segment refused' };
    }
    segments.push(segment);
  }
  if (segments.length === 0) return { ok: true, relativePath: 'index.html', fallbackToIndex: false };
  const last = segments[segments.length - 1] ?? '';
  return { ok: true, relativePath: segments.join('/'), fallbackToIndex: extname(last) === '' };
}

/** The absolute file for a resolved path, or null when it would fall outside `rootDir` (a second, lexical guard). */
export function fileWithinRoot(rootDir: string, relativePath: string): string | null {
  const root = resolve(rootDir);
  const file = resolve(root, ...relativePath.split('/'));
  const rel = relative(root, file);
  if (rel === '' || rel.split(/[\\/]/)[0] === '..' || isAbsolute(rel)) return null;
  return file;
}

// ---- Content-Security-Policy -------------------------------------------------------------------------------

/** Used when the page carries no CSP meta tag: same-origin everything, no plugins, frames, forms or base. */
export const DEFAULT_DESKTOP_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** The `content` of the page's `<meta http-equiv="Content-Security-Policy">`, or null when it has none. */
export function extractMetaCsp(html: string): string | null {
  for (const match of html.matchAll(/<meta\b[^>]*>/gi)) {
    const tag = match[0];
    if (!/http-equiv\s*=\s*["']?content-security-policy["']?/i.test(tag)) continue;
    const content = /\bcontent\s*=\s*(?:"([^"]*)"|'([^']*)')/i.exec(tag);
    const value = content?.[1] ?? content?.[2];
    if (value !== undefined) return value.replace(/&quot;/g, '"').replace(/&#39;|&apos;/g, "'").replace(/&amp;/g, '&').trim();
  }
  return null;
}

function parsePolicy(policy: string): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    // The first occurrence of a directive wins, as in browsers.
    if (name && !directives.has(name.toLowerCase())) directives.set(name.toLowerCase(), sources);
  }
  return directives;
}

/**
 * The CSP response header of the desktop app: the page's own meta policy (so the two agree, both being enforced)
 * with `connect-src 'self'` (the window talks to the engine over IPC, never over the network or a WebSocket),
 * no inline or eval'd script, and the directives a meta tag cannot carry (`frame-ancestors`) or that it may have
 * left out added in their strict form.
 */
export function desktopContentSecurityPolicy(metaCsp: string | null): string {
  if (metaCsp === null || metaCsp.trim() === '') return DEFAULT_DESKTOP_CSP;
  const directives = parsePolicy(metaCsp);
  directives.set('connect-src', ["'self'"]);
  const scriptSources = (directives.get('script-src') ?? ["'self'"]).filter(
    (source) => !["'unsafe-inline'", "'unsafe-eval'"].includes(source.toLowerCase()),
  );
  directives.set('script-src', scriptSources.length > 0 ? scriptSources : ["'none'"]);
  const strictDefaults: readonly [string, string][] = [
    ['default-src', "'self'"],
    ['object-src', "'none'"],
    ['base-uri', "'none'"],
    ['form-action', "'none'"],
    ['frame-ancestors', "'none'"],
  ];
  for (const [name, value] of strictDefaults) if (!directives.has(name)) directives.set(name, [value]);
  return [...directives].map(([name, sources]) => [name, ...sources].join(' ')).join('; ');
}

/** Reads the built page once and derives the header from its meta tag. */
export async function loadDesktopCsp(rendererDir: string): Promise<string> {
  return desktopContentSecurityPolicy(extractMetaCsp(await readFile(join(rendererDir, 'index.html'), 'utf8')));
}

// ---- The request handler -----------------------------------------------------------------------------------

export interface AppRequestHandlerOptions {
  /** The built renderer (dist/renderer/). Nothing outside it is ever read. */
  rootDir: string;
  /** The Content-Security-Policy header value (see `desktopContentSecurityPolicy`). */
  csp: string;
  /** Reads a file; the real `readFile` unless a test passes another. */
  readFile?: (file: string) => Promise<Uint8Array>;
}

function securityHeaders(csp: string): Record<string, string> {
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    // The files change with every build and are read from local disk: no point caching them in Chromium.
    'Cache-Control': 'no-cache',
  };
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}

/** The `protocol.handle('app', ...)` handler: GET/HEAD of files below `rootDir` only. */
export function createAppRequestHandler(options: AppRequestHandlerOptions): (request: Request) => Promise<Response> {
  const read = options.readFile ?? ((file: string) => readFile(file));
  const fail = (status: number, text: string): Response =>
    new Response(text, { status, headers: { ...securityHeaders(options.csp), 'Content-Type': 'text/plain; charset=utf-8' } });

  const serve = async (file: string, method: string): Promise<Response> => {
    const body = await read(file);
    const headers = { ...securityHeaders(options.csp), 'Content-Type': mimeTypeFor(file), 'Content-Length': String(body.byteLength) };
    // A fresh ArrayBuffer-backed copy: `Response` wants a BodyInit, and fs may hand back a pooled Buffer slice.
    return new Response(method === 'HEAD' ? null : new Uint8Array(body), { status: 200, headers });
  };

  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response('Method not allowed', { status: 405, headers: { ...securityHeaders(options.csp), Allow: 'GET, HEAD' } });
    }
    const target = resolveAppPath(request.url);
    if (!target.ok) return fail(target.status, target.status === 400 ? 'Bad request' : 'Not found');
    const file = fileWithinRoot(options.rootDir, target.relativePath);
    if (file === null) return fail(404, 'Not found');
    try {
      return await serve(file, request.method);
    } catch (error) {
      if (!isMissing(error)) return fail(500, 'Could not read the file');
      if (!target.fallbackToIndex) return fail(404, 'Not found');
    }
    try {
      return await serve(join(resolve(options.rootDir), 'index.html'), request.method);
    } catch {
      return fail(404, 'Not found');
    }
  };
}
