import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { registerCleanup } from './cleanup.js';

/** Debian's Chromium; the tests never download a browser of their own. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/**
 * Where the browser tests save their screenshots: docs/console (what docs/console.md shows) when
 * `UPDATE_SCREENSHOTS=1` (`npm run screenshots`), else a temporary folder, so `npm test` leaves the tree clean.
 */
export const SCREENSHOT_DIR =
  process.env.UPDATE_SCREENSHOTS === '1'
    ? join(ROOT, 'docs/console')
    : join(tmpdir(), 'dynamo-sqs-console-screenshots');

/** A laptop screen. */
export const LAPTOP_VIEWPORT = { width: 1366, height: 860 } as const;

let launched: Promise<Browser> | undefined;

/**
 * One headless Chromium per test file, closed after the file. Each `launch` starts from a fresh temporary
 * profile (playwright's default), so no cookie, storage or cache outlives the file.
 */
export function sharedBrowser(): Promise<Browser> {
  if (launched === undefined) {
    if (!existsSync(CHROMIUM_PATH)) {
      throw new Error(
        `The browser tests need Debian's Chromium at ${CHROMIUM_PATH}: sudo apt-get install chromium ` +
          '(.ci/run installs it when missing). They never download a browser of their own.',
      );
    }
    const starting = chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    launched = starting;
    registerCleanup(async () => {
      launched = undefined;
      await (await starting).close();
    });
  }
  return launched;
}

/** A page in its own context (its own sessionStorage), with what went wrong in it recorded. */
export interface TestPage {
  readonly page: Page;
  readonly context: BrowserContext;
  /** Uncaught errors, console errors (CSP violations among them) and JavaScript dialogs the page opened. */
  readonly problems: string[];
  readonly dialogs: string[];
  close(): Promise<void>;
}

/** Opens a new context and page on a laptop-sized screen, light or dark. */
export async function openPage(options: { colorScheme?: 'light' | 'dark' } = {}): Promise<TestPage> {
  const browser = await sharedBrowser();
  const context = await browser.newContext({
    viewport: LAPTOP_VIEWPORT,
    colorScheme: options.colorScheme ?? 'light',
    locale: 'en-GB',
    timezoneId: 'UTC',
  });
  const page = await context.newPage();
  const problems: string[] = [];
  const dialogs: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    // A refused API call is logged by the browser as a failed resource; the page shows those itself.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      problems.push(`console error: ${message.text()}`);
    }
  });
  page.on('dialog', (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  return { page, context, problems, dialogs, close: () => context.close() };
}

/** Saves a screenshot as <SCREENSHOT_DIR>/<name>.png: the whole page unless `fullPage` is false (the screen only). */
export async function saveScreenshot(
  page: Page,
  name: string,
  options: { fullPage?: boolean } = {},
): Promise<void> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: options.fullPage ?? true });
}
