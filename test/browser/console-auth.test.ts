import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openPage, saveScreenshot, type TestPage } from '../helpers/browser.js';
import {
  type ConsoleServer,
  openConsole,
  queuePath,
  startConsoleServer,
  textOf,
} from '../helpers/console-page.js';
import { DUMMY_CREDENTIALS } from '../helpers/dynamo-local.js';

// With auth on (`npm start -- --auth`, and always on AWS) the page signs every request with the access key a
// person typed; the key stays in the tab's sessionStorage. DUMMY_CREDENTIALS is a full-access key in the table.
let service: ConsoleServer;
let current: TestPage | undefined;

beforeAll(async () => {
  service = await startConsoleServer();
});

afterEach(async () => {
  const opened = current;
  current = undefined;
  if (opened === undefined) return;
  await opened.close();
  expect(opened.problems).toEqual([]);
  expect(opened.dialogs).toEqual([]);
});

async function newPage(): Promise<TestPage> {
  current = await openPage();
  return current;
}

async function signIn(
  page: TestPage['page'],
  secretAccessKey: string,
  accessKeyId: string = DUMMY_CREDENTIALS.accessKeyId,
): Promise<void> {
  await page.locator('#access-key-id').fill(accessKeyId);
  await page.locator('#secret-access-key').fill(secretAccessKey);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

describe('signing in', () => {
  it('refuses a wrong secret and shows nothing of the queues', async () => {
    const queue = await service.createQueue('secret');
    const { page } = await newPage();
    await openConsole(page, service.url);

    await signIn(page, `${DUMMY_CREDENTIALS.secretAccessKey}-wrong`);
    const refusal = await textOf(page.locator('.sign-in .error'), (t) => t !== '');
    await saveScreenshot(page, 'sign-in-refused');

    expect(refusal).toContain('SignatureDoesNotMatch');
    expect(await page.locator(`tr[data-queue="${queue.name}"]`).count()).toBe(0);
    expect(await page.evaluate('JSON.stringify(sessionStorage)')).toBe('{}');
  });

  it('signs in with an access key, keeps it in the tab only, and signs every request with it', async () => {
    const queue = await service.createQueue('signed');
    await queue.send('before sign-in');
    const { page, context } = await newPage();
    await openConsole(page, service.url);

    await signIn(page, DUMMY_CREDENTIALS.secretAccessKey);
    await textOf(page.locator(`tr[data-queue="${queue.name}"] [data-count="visible"]`), (t) => t === '1');
    await page.reload();
    await page.locator(`tr[data-queue="${queue.name}"]`).waitFor();
    await page.goto(`${service.url}${queuePath(queue.name)}`);
    await page.getByRole('button', { name: 'Send message' }).click();
    await page.locator('#send-body').fill('sent by a signed page');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await textOf(page.locator('p.notice'), (t) => t.startsWith('Sent message'));
    // A signed query string with a space, a '+', a '/' and a non-ASCII letter, as a body search sends it.
    await page.locator('#message-search').fill('signed page + é/');
    await textOf(page.locator('section.messages'), (t) => t.includes('No message body contains that text'));
    await page.locator('#message-search').fill('signed page');
    await textOf(page.locator('ol.message-list'), (t) => t.includes('sent by a signed page'));
    const stored = JSON.parse(await page.evaluate<string>('JSON.stringify(sessionStorage)')) as Record<
      string,
      string
    >;
    const otherTab = await context.browser()?.newContext();
    const otherPage = await otherTab?.newPage();
    await otherPage?.goto(`${service.url}/console`);
    await otherPage?.locator('#access-key-id').waitFor();
    await otherTab?.close();

    expect(Object.values(stored).join()).toContain(DUMMY_CREDENTIALS.accessKeyId);
    expect(await page.evaluate('JSON.stringify(localStorage)')).toBe('{}');
    expect((await queue.receiveAll(2)).map((m) => m.body).sort()).toEqual([
      'before sign-in',
      'sent by a signed page',
    ]);
  });

  it('asks for the key again when it is refused while the page is open', async () => {
    await service.createQueue('refused');
    const { page } = await newPage();
    await openConsole(page, service.url);
    await signIn(page, DUMMY_CREDENTIALS.secretAccessKey);
    await page.locator('table.queues').waitFor();

    // As if the key's secret had changed: the next poll of the list is refused.
    await page.evaluate(`(() => {
      const [key] = Object.keys(sessionStorage);
      const stored = JSON.parse(sessionStorage.getItem(key));
      sessionStorage.setItem(key, JSON.stringify({ ...stored, secretAccessKey: 'changed' }));
    })()`);
    const reason = await textOf(page.locator('.sign-in .error'), (t) => t !== '');

    expect(reason).toContain('Your access key was refused');
    expect(await page.evaluate('JSON.stringify(sessionStorage)')).toBe('{}');
  });

  it('shows a read-only key the messages and none of the buttons that change anything', async () => {
    const queue = await service.createQueue('read-only');
    await queue.send('look, do not touch');
    const viewer = await service.server.service.accessKeys?.create('viewer', [
      { actions: ['console:Read'], queues: ['*'] },
    ]);
    const { page } = await newPage();
    await openConsole(page, service.url);

    await signIn(page, viewer?.secretAccessKey ?? '', viewer?.accessKeyId);
    await page.locator(`tr[data-queue="${queue.name}"]`).waitFor();
    const createLinks = await page.getByRole('link', { name: 'Create queue' }).count();
    await page.goto(`${service.url}${queuePath(queue.name)}`);
    await textOf(page.locator('li.message pre.message-body'), (t) => t === 'look, do not touch');
    const buttons = await page.locator('main button').allTextContents();

    expect(createLinks).toBe(0);
    expect(buttons.filter((label) => /Send|Purge|Delete|Redrive/.test(label))).toEqual([]);
  });

  it('asks for no sign-in when the service runs without auth', async () => {
    const open = await startConsoleServer({ auth: false });
    const queue = await open.createQueue('open');
    const { page } = await newPage();

    await openConsole(page, open.url);
    await page.locator(`tr[data-queue="${queue.name}"]`).waitFor();

    expect(await page.locator('#access-key-id').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
  });
});
