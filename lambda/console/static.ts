import type { HttpResponse } from '../protocol/http.js';
import { CONSOLE_ASSETS, type ConsoleAsset } from './generated/console-assets.js';

/** Where the page's files live; everything else under `/console/` (but the API) is one of the page's routes. */
const ASSETS_PREFIX = '/console/assets/';
const API_PREFIX = '/console/api/';

/**
 * What the page may do: its own scripts, styles and API, nothing inline, nothing from elsewhere, and no frames.
 * Message bodies are rendered as text, and this stops a script even if one ever slipped into the markup.
 */
export const CONSOLE_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'content-security-policy': CONSOLE_CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
} as const;

/**
 * The console's single-page app: a built file for `/console/assets/…`, the page itself for `/console`,
 * `/console/` and any other path under `/console/` that the page routes in the browser (a queue's page, say);
 * undefined for the API's paths and for asset names the build did not make.
 */
export function serveConsoleAsset(path: string): HttpResponse | undefined {
  if (path.startsWith(API_PREFIX) || path === '/console/api') return undefined;
  if (path.startsWith(ASSETS_PREFIX)) {
    const asset = CONSOLE_ASSETS[path.slice('/console/'.length)];
    return asset === undefined ? undefined : respond(asset);
  }
  if (path !== '/console' && !path.startsWith('/console/')) return undefined;
  const page = CONSOLE_ASSETS['index.html'];
  return page === undefined ? undefined : respond(page);
}

function respond(asset: ConsoleAsset): HttpResponse {
  return {
    status: 200,
    headers: {
      'content-type': asset.contentType,
      // Assets are named by their content hash; the page names the current ones, so it is always revalidated.
      'cache-control': asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      ...SECURITY_HEADERS,
    },
    body: asset.body,
  };
}
