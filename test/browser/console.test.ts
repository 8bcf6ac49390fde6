import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openPage, saveScreenshot, type TestPage } from '../helpers/browser.js';
import {
  type ConsoleServer,
  openConsole,
  queuePath,
  startConsoleServer,
  textOf,
} from '../helpers/console-page.js';
import { redrivePolicy } from '../helpers/dead-letter.js';
import { pollFor } from '../helpers/poll.js';
import type { TestQueue } from '../helpers/test-queue.js';

// The console as `npm start` serves it (auth off), driven in Debian's Chromium as a person would use it.
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

async function newPage(colorScheme: 'light' | 'dark' = 'light'): Promise<TestPage> {
  current = await openPage({ colorScheme });
  return current;
}

function counts(queue: TestQueue) {
  return queue
    .getAttributes([
      'ApproximateNumberOfMessages',
      'ApproximateNumberOfMessagesNotVisible',
      'ApproximateNumberOfMessagesDelayed',
    ])
    .then((a) => [
      Number(a.ApproximateNumberOfMessages),
      Number(a.ApproximateNumberOfMessagesNotVisible),
      Number(a.ApproximateNumberOfMessagesDelayed),
    ]);
}

describe('the queue list', () => {
  it('shows a queue with its visible, in-flight and delayed counts, without a sign-in', async () => {
    const queue = await service.createQueue('orders');
    await queue.send('first');
    await queue.send('second');
    await queue.send('third');
    await queue.receive({ visibilityTimeout: 300 });
    await queue.send('later', { delaySeconds: 600 });
    const { page } = await newPage();

    await openConsole(page, service.url);
    const row = page.locator(`tr[data-queue="${queue.name}"]`);

    expect(await page.locator('#access-key-id').count()).toBe(0);
    expect(await textOf(row.locator('[data-count="visible"]'), (t) => t === '2')).toBe('2');
    expect(await textOf(row.locator('[data-count="inFlight"]'), (t) => t === '1')).toBe('1');
    expect(await textOf(row.locator('[data-count="delayed"]'), (t) => t === '1')).toBe('1');
  });

  it('opens a queue from the keyboard', async () => {
    const queue = await service.createQueue('keyboard');
    const { page } = await newPage();
    await openConsole(page, service.url, `/console/?filter=${queue.name}`);
    await page.locator(`tr[data-queue="${queue.name}"]`).waitFor();

    await page.locator('#queue-filter').focus();
    let focused = '';
    for (let tab = 0; tab < 10 && focused !== queue.name; tab++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate('document.activeElement && document.activeElement.textContent');
    }
    await page.keyboard.press('Enter');

    expect(focused).toBe(queue.name);
    await page.waitForURL(`**${queuePath(queue.name)}`);
    expect(await textOf(page.locator('main h1'), (t) => t.startsWith(queue.name))).toContain(queue.name);
  });
});

describe('the queue page', () => {
  it('shows every message without receiving it: counts, visibility and receive counts stay as they were', async () => {
    const queue = await service.createQueue('peek');
    await queue.send(JSON.stringify({ orderId: 41, item: 'book' }));
    await queue.send('plain text body', {
      messageAttributes: { customer: { dataType: 'String', stringValue: 'ada' } },
    });
    await queue.send(JSON.stringify({ orderId: 43 }));
    const [held] = await queue.receive({ visibilityTimeout: 300 });
    const before = await counts(queue);
    const { page } = await newPage();

    await openConsole(page, service.url, queuePath(queue.name));
    const messages = page.locator('li.message');
    await pollFor(
      () => messages.count(),
      (n) => n === 3,
      20_000,
    );
    const text = (await page.locator('ol.message-list').textContent()) ?? '';
    const inFlight = page.locator(`li.message[data-message-id="${held?.messageId}"]`);

    expect(text).toContain('"orderId": 41');
    expect(text).toContain('plain text body');
    expect(text).toContain('ada');
    expect(await inFlight.getAttribute('data-state')).toBe('inFlight');
    expect(await inFlight.locator('[data-receive-count]').getAttribute('data-receive-count')).toBe('1');
    await saveScreenshot(page, 'queue-page');
    // Peeking again (the page polls) still changes nothing an SQS client can see.
    expect(await counts(queue)).toEqual(before);
    const received = await queue.receiveAll(2, { messageSystemAttributeNames: ['ApproximateReceiveCount'] });
    expect(received.map((m) => m.attributes.ApproximateReceiveCount)).toEqual(['1', '1']);
  });

  it('cuts a long body short and shows all of it on request', async () => {
    const queue = await service.createQueue('long');
    const body = `${'0123456789'.repeat(2_000)}THE END`;
    await queue.send(body);
    const { page } = await newPage();
    await openConsole(page, service.url, queuePath(queue.name));

    const shown = page.locator('li.message pre.message-body');
    const cut = await textOf(shown, (t) => t.endsWith('…'));
    await page.getByRole('button', { name: /^Show all/ }).click();
    const whole = await textOf(shown, (t) => t.endsWith('THE END'));

    expect(cut.length).toBeLessThan(body.length);
    expect(whole).toBe(body);
  });

  it('sends a message from the page, with attributes and FIFO ids, that an SDK receives', async () => {
    const queue = await service.createQueue('send', { FifoQueue: 'true' });
    const { page } = await newPage();
    await openConsole(page, service.url, queuePath(queue.name));

    await page.getByRole('button', { name: 'Send message' }).click();
    await page.locator('#send-body').fill('{"hello":"from the console"}');
    await page.locator('#send-group').fill('customer-7');
    await page.locator('#send-dedup').fill('dedup-1');
    await page.getByRole('button', { name: 'Add attribute' }).click();
    await page.locator('[id^="attr-name-"]').fill('kind');
    await page.locator('[id^="attr-value-"]').fill('greeting');
    await saveScreenshot(page, 'send-message');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const notice = await textOf(page.locator('p.notice'), (t) => t.startsWith('Sent message'));
    const [received] = await queue.receiveAll(1, {
      messageSystemAttributeNames: ['All'],
      messageAttributeNames: ['All'],
    });

    expect(received?.body).toBe('{"hello":"from the console"}');
    expect(notice).toContain(received?.messageId);
    expect(received?.attributes.MessageGroupId).toBe('customer-7');
    expect(received?.attributes.MessageDeduplicationId).toBe('dedup-1');
    expect(received?.messageAttributes.kind?.stringValue).toBe('greeting');
  });

  it('deletes one message by id, leaving the others', async () => {
    const queue = await service.createQueue('delete-one');
    const doomed = await queue.send('delete me');
    await queue.send('keep me');
    const { page } = await newPage();
    await openConsole(page, service.url, queuePath(queue.name));

    const card = page.locator(`li.message[data-message-id="${doomed.messageId}"]`);
    await card.getByRole('button', { name: 'Delete…' }).click();
    await card.getByRole('button', { name: 'Delete message' }).click();
    await pollFor(
      () => page.locator('li.message').count(),
      (n) => n === 1,
    );

    expect((await queue.receiveAll(1, { waitTimeSeconds: 1 })).map((m) => m.body)).toEqual(['keep me']);
  });

  it('browses a FIFO queue one message group at a time, in order', async () => {
    const queue = await service.createQueue('groups', {
      FifoQueue: 'true',
      ContentBasedDeduplication: 'true',
    });
    for (const [group, body] of [
      ['g1', 'g1 first'],
      ['g2', 'g2 first'],
      ['g1', 'g1 second'],
      ['g2', 'g2 second'],
    ] as const) {
      await queue.send(body, { messageGroupId: group });
    }
    const { page } = await newPage();
    await openConsole(page, service.url, queuePath(queue.name));
    await page.locator('#message-group option[value="g2"]').waitFor({ state: 'attached' });

    await page.locator('#message-group').selectOption('g2');
    const bodies = await pollFor(
      () => page.locator('li.message pre.message-body').allTextContents(),
      (texts) => texts.length === 2 && texts.every((t) => t.startsWith('g2')),
    );
    await page.locator('#message-order').selectOption('newest');
    const newestFirst = await pollFor(
      () => page.locator('li.message pre.message-body').allTextContents(),
      (texts) => texts[0] === 'g2 second',
    );

    expect(bodies).toEqual(['g2 first', 'g2 second']);
    expect(newestFirst).toEqual(['g2 second', 'g2 first']);
    expect(await page.locator('li.message').first().textContent()).toContain('Sequence number');
  });

  it('purges only once the queue name is typed', async () => {
    const queue = await service.createQueue('purge');
    await queue.send('one');
    await queue.send('two');
    const { page } = await newPage();
    await openConsole(page, service.url, queuePath(queue.name));

    await page.getByRole('button', { name: 'Purge…' }).click();
    await page.keyboard.press('Escape');
    const closedByEscape = (await page.locator('#purge-input').count()) === 0;
    await page.getByRole('button', { name: 'Purge…' }).click();
    const purge = page.getByRole('button', { name: 'Purge', exact: true });
    const disabledAtFirst = await purge.isDisabled();
    await page.locator('#purge-input').fill(`${queue.name}x`);
    const disabledWhenWrong = await purge.isDisabled();
    await page.locator('#purge-input').fill(queue.name);
    await saveScreenshot(page, 'purge');
    await purge.click();
    await textOf(page.locator('p.notice'), (t) => t.startsWith('Purged'));

    expect(closedByEscape).toBe(true);
    expect(disabledAtFirst).toBe(true);
    expect(disabledWhenWrong).toBe(true);
    expect(await queue.receive({ waitTimeSeconds: 1 })).toEqual([]);
  });

  it('finds a dead letter by its body, says why it is there, and redrives the queue to 100%', async () => {
    const dlq = await service.createQueue('work-dlq');
    const source = await service.createQueue('work', { RedrivePolicy: redrivePolicy(dlq.arn, 2) });
    for (const body of ['{"job":1,"note":"fine"}', '{"job":2,"note":"needle in here"}', '{"job":3}']) {
      await source.send(body);
    }
    // Each message is received twice without a delete; the third receive moves it to the dead-letter queue.
    await pollFor(
      async () => {
        await source.receive({ maxNumberOfMessages: 10, visibilityTimeout: 0 });
        return Number((await dlq.getAttributes(['ApproximateNumberOfMessages'])).ApproximateNumberOfMessages);
      },
      (inDeadLetterQueue) => inDeadLetterQueue === 3,
      30_000,
      0,
    );
    const { page } = await newPage();
    await openConsole(page, service.url, queuePath(dlq.name));

    await page.locator('#message-search').fill('needle');
    const found = page.locator('li.message');
    await pollFor(
      () => found.allTextContents(),
      (texts) => texts.length === 1 && texts[0]?.includes('needle in here') === true,
      20_000,
    );
    // The source queue's maxReceiveCount arrives with its own read, a moment after the message.
    const origin = await textOf(found.locator('.dead-letter-origin'), (t) => t.includes('once it has been'));
    await saveScreenshot(page, 'dead-letter');
    await page.getByRole('button', { name: 'Start redrive' }).click();
    await textOf(page.locator('.redrive .move-percent'), (t) => t === '100%', 30_000);
    // The page reads the dead-letter queue again once the redrive ends: the message is gone from it.
    const left = await pollFor(
      () => page.locator('li.message').count(),
      (n) => n === 0,
    );
    await saveScreenshot(page, 'redrive');
    await openConsole(page, service.url);
    await page.locator(`tr[data-queue="${dlq.name}"]`).waitFor();
    await saveScreenshot(page, 'queue-list', { fullPage: false });

    expect(left).toBe(0);
    expect(origin).toContain(`moved here from ${source.name}`);
    expect(origin).toContain('received 2 times');
    expect(origin).toContain('once it has been received 2 times');
    expect((await source.receiveAll(3)).map((m) => m.body).sort()).toEqual([
      '{"job":1,"note":"fine"}',
      '{"job":2,"note":"needle in here"}',
      '{"job":3}',
    ]);
  });

  it('creates a queue with a dead-letter queue, then deletes it once its name is typed', async () => {
    const dlq = await service.createQueue('audit-dlq');
    const name = 'audit';
    const { page } = await newPage();
    await openConsole(page, service.url, '/console/new');

    await page.locator('#create-name').fill(name);
    await page.locator('#create-VisibilityTimeout').fill('45');
    await page.locator('#create-dlq').selectOption(dlq.name);
    await page.locator('#create-max-receive').fill('4');
    await saveScreenshot(page, 'create-queue');
    await page.getByRole('button', { name: 'Create queue' }).click();
    await page.waitForURL(`**${queuePath(name)}`);
    const url = await service.api.getQueueUrl(name);
    const attributes = await service.api.getQueueAttributes(url, ['VisibilityTimeout', 'RedrivePolicy']);
    await page.getByRole('button', { name: 'Delete queue…' }).click();
    await page.locator('#delete-queue-input').fill(name);
    await page.getByRole('button', { name: 'Delete queue', exact: true }).click();
    await page.waitForURL(`**/console/`);

    expect(attributes.VisibilityTimeout).toBe('45');
    const policy = JSON.parse(attributes.RedrivePolicy ?? '{}') as Record<string, unknown>;
    expect(policy.deadLetterTargetArn).toBe(dlq.arn);
    expect(Number(policy.maxReceiveCount)).toBe(4);
    await expect(service.api.getQueueUrl(name)).rejects.toMatchObject({ code: 'QueueDoesNotExist' });
  });

  it('shows hostile bodies, attribute values and attribute names as text, running none of them', async () => {
    const queue = await service.createQueue('xss');
    const body = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">';
    await queue.send(body, {
      messageAttributes: { html: { dataType: 'String', stringValue: '<img src=x onerror=alert(1)>' } },
    });
    const { page } = await newPage();
    await openConsole(page, service.url, queuePath(queue.name));
    const message = page.locator('li.message');
    await textOf(message.locator('pre.message-body'), (t) => t === body);

    await page.getByRole('button', { name: 'Send message' }).click();
    await page.locator('#send-body').fill('<script>window.__pwned = 3</script>');
    await page.getByRole('button', { name: 'Add attribute' }).click();
    await page.locator('[id^="attr-name-"]').fill('<img src=x onerror=alert(1)>');
    await page.locator('[id^="attr-value-"]').fill('x');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const refusal = await textOf(page.locator('section.send .error'), (t) => t !== '');

    expect(await message.locator('.message-attribute').textContent()).toContain(
      '<img src=x onerror=alert(1)>',
    );
    expect(refusal).toContain('InvalidParameterValue');
    expect(await page.locator('main img, main script').count()).toBe(0);
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
  });

  it('follows the OS dark setting', async () => {
    const queue = await service.createQueue('dark');
    await queue.send('{"theme":"dark"}');
    const { page } = await newPage('dark');

    await openConsole(page, service.url, queuePath(queue.name));
    await page.locator('li.message').waitFor();
    const background = await page.evaluate('getComputedStyle(document.body).backgroundColor');
    await saveScreenshot(page, 'queue-page-dark');

    expect(background).toBe('rgb(17, 20, 24)');
  });
});
