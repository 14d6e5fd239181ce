// Serves the built renderer to the browser in headless mode: GET/HEAD of files below one folder, nothing else.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, resolve, sep } from 'node:path';
import { mimeTypeFor } from '../engine/fs/mime-types.js';


/** The page's policy, sent as a header too: the WebSocket is the only connection the page may open. */
export const HEADLESS_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ws://127.0.0.1:* ws://localhost:*; " +
  "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Maps a request path to a file below `root`, or null when it would leave it (`..`, encoded separators, NUL). */
export function resolveStaticPath(root: string, requestPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(requestPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const relative = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const base = resolve(root);
  const full = resolve(base, relative);
  return full === base || !full.startsWith(base + sep) ? null : full;
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function createStaticHandler(root: string): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void (async () => {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.setHeader('Allow', 'GET, HEAD');
        sendText(res, 405, 'method not allowed');
        return;
      }
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const file = resolveStaticPath(root, url.pathname);
      if (file === null) {
        sendText(res, 400, 'bad path');
        return;
      }
      const info = await stat(file).catch(() => null);
      if (!info?.isFile()) {
        const missingApp = url.pathname === '/' || url.pathname === '/index.html';
        sendText(res, 404, missingApp ? `The renderer is not built (no ${join(root, 'index.html')}): run \`npm run build\`.` : 'not found');
        return;
      }
      const type = mimeTypeFor(file);
      res.writeHead(200, {
        'Content-Type': type,
        'Content-Length': info.size,
        'Content-Security-Policy': HEADLESS_CSP,
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
        'Cache-Control': type.startsWith('text/html') ? 'no-store' : 'no-cache',
      });
      if (req.method === 'HEAD') {
        res.end();
        return;
      }
      createReadStream(file).on('error', () => res.destroy()).pipe(res);
    })().catch(() => {
      if (!res.headersSent) sendText(res, 500, 'internal error');
      else res.destroy();
    });
  };
}
