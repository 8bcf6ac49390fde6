import { describe, expect, it } from 'vitest';
import { CONSOLE_CONTENT_SECURITY_POLICY, serveConsoleAsset } from '../../lambda/console/static.js';

describe('serveConsoleAsset', () => {
  it('serves the page for /console, /console/ and the routes the page handles itself', () => {
    const pages = ['/console', '/console/', '/console/queues/orders', '/console/new'].map(serveConsoleAsset);

    for (const page of pages) {
      expect(page?.status).toBe(200);
      expect(page?.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page?.headers['cache-control']).toBe('no-cache');
      expect(page?.headers['content-security-policy']).toBe(CONSOLE_CONTENT_SECURITY_POLICY);
      expect(page?.body).toContain('<div id="app"></div>');
    }
  });

  it('serves the assets the page names, for good, with their types', () => {
    const page = serveConsoleAsset('/console')?.body ?? '';
    const script = /src="(\/console\/assets\/[^"]+\.js)"/.exec(page)?.[1] ?? '';
    const style = /href="(\/console\/assets\/[^"]+\.css)"/.exec(page)?.[1] ?? '';

    expect(serveConsoleAsset(script)?.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(serveConsoleAsset(script)?.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(serveConsoleAsset(style)?.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(serveConsoleAsset(script)?.headers['x-content-type-options']).toBe('nosniff');
  });

  it('serves nothing for the API, for assets the build did not make, or outside /console', () => {
    for (const path of [
      '/console/api/queues',
      '/console/api',
      '/console/assets/missing.js',
      '/consoles',
      '/',
    ]) {
      expect(serveConsoleAsset(path)).toBeUndefined();
    }
  });

  it('allows only the page’s own scripts, styles and API, and no framing', () => {
    expect(CONSOLE_CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONSOLE_CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONSOLE_CONTENT_SECURITY_POLICY).not.toContain('unsafe-inline');
    expect(CONSOLE_CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
  });
});
