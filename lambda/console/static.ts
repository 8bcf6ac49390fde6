import type { HttpResponse } from '../protocol/http.js';

/**
 * The console's single-page app: the built files under `/console`, or undefined when `path` names none.
 * (Placeholder until the page is built; see issue 12.)
 */
export function serveConsoleAsset(_path: string): HttpResponse | undefined {
  return undefined;
}
