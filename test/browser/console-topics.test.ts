import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openPage, saveScreenshot, type TestPage } from '../helpers/browser.js';
import { registerCleanup } from '../helpers/cleanup.js';
import { type ConsoleServer, openConsole, startConsoleServer, textOf } from '../helpers/console-page.js';
import { createSnsClient } from '../helpers/sns.js';

// The console's Topics view as `npm start` serves it (auth off), in Debian's Chromium.
let service: ConsoleServer;
let current: TestPage | undefined;

beforeAll(async () => {
  service = await startConsoleServer({ auth: false });
});

afterEach(async () => {
  const opened = current;
  current = undefined;
  if (opened === undefined) return;
  await opened.close();
  // Nothing the page did may have failed in the browser: no uncaught error, no CSP refusal, no dialog.
  expect(opened.problems).toEqual([]);
  expect(opened.dialogs).toEqual([]);
});

describe('the topics view', () => {
  it('shows a topic, its subscribed queue and its filter policy as text', async () => {
    const sns = createSnsClient(service.url);
    registerCleanup(() => sns.destroy());
    const queue = await service.createQueue('order-events');
    const queueArn = (await queue.getAttributes(['QueueArn'])).QueueArn as string;
    const { TopicArn } = await sns.send(
      new CreateTopicCommand({ Name: 'orders', Attributes: { DisplayName: 'Orders' } }),
    );
    // Markup in the policy must show as text, never as HTML.
    const filterPolicy = { kind: ['order', '<b>big</b>'], total: [{ numeric: ['>=', 100] }] };
    await sns.send(
      new SubscribeCommand({
        TopicArn,
        Protocol: 'sqs',
        Endpoint: queueArn,
        Attributes: { FilterPolicy: JSON.stringify(filterPolicy), RawMessageDelivery: 'true' },
      }),
    );
    current = await openPage();
    const { page } = current;

    await openConsole(page, service.url);
    await page.locator('header.top a', { hasText: 'Topics' }).click();
    const row = page.locator('tr[data-topic="orders"]');
    expect(await textOf(row.locator('td.num'), (t) => t === '1')).toBe('1');
    await row.locator('a').click();

    const policy = page.locator('pre.filter-policy');
    expect(await textOf(policy, (t) => t !== '')).toBe(JSON.stringify(filterPolicy, null, 2));
    expect(await page.locator('pre.filter-policy b').count()).toBe(0);
    expect(page.url()).toBe(`${service.url}/console/topics/orders`);
    const queueLink = page.locator('article.subscription h3 a');
    expect(await queueLink.textContent()).toBe('order-events');
    await saveScreenshot(page, 'topics');

    await queueLink.click();
    await page.locator('main h1', { hasText: 'order-events' }).waitFor();
    expect(page.url()).toBe(`${service.url}/console/queues/order-events`);
  });
});
