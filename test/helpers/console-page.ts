import type { Locator, Page } from 'playwright-core';
import { registerCleanup } from './cleanup.js';
import { createJsonApi } from './json-api.js';
import { createJsonClient } from './json-client.js';
import { pollFor } from './poll.js';
import { startTestServer, type TestServer, type TestServerOptions } from './server.js';
import type { SqsApi } from './sqs-api.js';
import { bindQueue, type TestQueue } from './test-queue.js';

/** A server for a browser test file, and an SDK (JSON protocol) client of it. */
export interface ConsoleServer {
  readonly server: TestServer;
  readonly url: string;
  readonly api: SqsApi;
  /**
   * Creates a queue through the SDK, named `name` (plus `.fifo` when FIFO): the server has a table of its own, so
   * plain names (`orders`, `work-dlq`) are unique as long as each test picks its own, and read well in screenshots.
   */
  createQueue(name: string, attributes?: Readonly<Record<string, string>>): Promise<TestQueue>;
}

/** Starts a server for this file (closed after it), as `npm start` serves it: console included. */
export async function startConsoleServer(options: TestServerOptions = {}): Promise<ConsoleServer> {
  const server = await startTestServer(options);
  const client = createJsonClient(server.url);
  registerCleanup(async () => {
    client.destroy();
    await server.close();
  });
  const api = createJsonApi(client);
  return {
    server,
    url: server.url,
    api,
    createQueue: async (name, attributes = {}) => {
      const fullName = name + (attributes.FifoQueue === 'true' ? '.fifo' : '');
      return bindQueue(api, fullName, await api.createQueue(fullName, attributes));
    },
  };
}

/** Waits until the element's text, trimmed, satisfies `expected` (the page polls the API every few seconds). */
export async function textOf(
  locator: Locator,
  expected: (text: string) => boolean,
  deadlineMs = 20_000,
): Promise<string> {
  return pollFor(
    async () => ((await locator.textContent({ timeout: deadlineMs })) ?? '').trim(),
    expected,
    deadlineMs,
    100,
  );
}

/** The page's path for a queue. */
export function queuePath(name: string): string {
  return `/console/queues/${encodeURIComponent(name)}`;
}

/** Loads a console path and waits for the app to have drawn something. */
export async function openConsole(page: Page, baseUrl: string, path = '/console'): Promise<void> {
  await page.goto(`${baseUrl}${path}`);
  await page.locator('main h1').first().waitFor();
}
