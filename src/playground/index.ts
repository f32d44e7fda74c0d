import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import express from 'express';
import type { Logger } from '../log';

/** Where `npm run build` puts the bundled page (src/playground/web/bundle.mjs). */
export const PLAYGROUND_DIR = resolve(__dirname, '..', '..', 'playground');

/**
 * The page allows its own script and stylesheet and nothing else: no inline script, no inline style
 * except the editor's own style elements, which carry this response's nonce.
 */
export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    `style-src 'self' 'nonce-${nonce}'`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

const COMMON_HEADERS = { 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer', 'Cross-Origin-Resource-Policy': 'same-origin' };

/**
 * GET / (the playground page) and its two assets. Undefined, with one warning, when the page was not
 * built: the API serves on regardless.
 */
export function playgroundRouter(log: Logger, dir = PLAYGROUND_DIR): express.Router | undefined {
  const files = { html: resolve(dir, 'index.html'), js: resolve(dir, 'app.js'), css: resolve(dir, 'app.css') };
  if (!Object.values(files).every((f) => existsSync(f))) {
    log.warn({ dir }, 'playground is enabled but its page is not built (npm run build); GET / is not served');
    return undefined;
  }
  const html = readFileSync(files.html, 'utf8');
  const js = readFileSync(files.js);
  const css = readFileSync(files.css);
  const router = express.Router();
  router.get('/', (_req, res) => {
    const nonce = randomBytes(16).toString('base64');
    res
      .set({ ...COMMON_HEADERS, 'Content-Security-Policy': contentSecurityPolicy(nonce), 'Cache-Control': 'no-store', 'Content-Type': 'text/html; charset=utf-8' })
      .send(html.replace('__NONCE__', nonce));
  });
  router.get('/playground/app.js', (_req, res) => {
    res.set({ ...COMMON_HEADERS, 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-cache' }).send(js);
  });
  router.get('/playground/app.css', (_req, res) => {
    res.set({ ...COMMON_HEADERS, 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'no-cache' }).send(css);
  });
  return router;
}
