import { describe, expect, it } from 'vitest';
import type { AccessPolicy } from '../../lambda/auth/policy.js';
import { ConsoleClient, queuePath } from '../helpers/console-client.js';
import { DUMMY_CREDENTIALS } from '../helpers/dynamo-local.js';
import { pollFor } from '../helpers/poll.js';
import { sharedTestServer } from '../helpers/server.js';
import { createTestQueue, uniqueQueueName } from '../helpers/test-queue.js';

/** A console client signing with a new key that has `policy`. */
async function clientWith(policy: AccessPolicy): Promise<ConsoleClient> {
  const server = await sharedTestServer();
  const key = await server.service.accessKeys?.create('console-test', policy);
  if (key === undefined) throw new Error('the test server runs without auth');
  return new ConsoleClient(server.url, key);
}

function codeOf(response: { json: Record<string, unknown> }): string | undefined {
  return (response.json.error as { code?: string } | undefined)?.code;
}

describe('console API with auth on', () => {
  it('answers a request signed by an allowed key', async () => {
    const queue = await createTestQueue('json');
    await queue.send('hello');
    const reader = await clientWith([{ actions: ['console:Read'], queues: ['*'] }]);

    const session = await reader.get('/session');
    const messages = await reader.get(queuePath(queue.name, '/messages'));

    expect(session.json).toMatchObject({
      auth: true,
      canRead: true,
      canWrite: false,
      keyName: 'console-test',
    });
    expect(messages.status).toBe(200);
    expect((messages.json.messages as { body: string }[]).map((m) => m.body)).toEqual(['hello']);
  });

  it('refuses an unsigned request with MissingAuthenticationToken', async () => {
    const unsigned = new ConsoleClient((await sharedTestServer()).url, false);

    const response = await unsigned.get('/queues');

    expect(response.status).toBe(403);
    expect(codeOf(response)).toBe('MissingAuthenticationToken');
  });

  it('refuses a wrong secret with SignatureDoesNotMatch', async () => {
    const wrong = new ConsoleClient((await sharedTestServer()).url, {
      accessKeyId: DUMMY_CREDENTIALS.accessKeyId,
      secretAccessKey: `${DUMMY_CREDENTIALS.secretAccessKey}x`,
    });

    const response = await wrong.get('/queues');

    expect(response.status).toBe(403);
    expect(codeOf(response)).toBe('SignatureDoesNotMatch');
  });

  it('refuses an unknown key with InvalidClientTokenId', async () => {
    const unknown = new ConsoleClient((await sharedTestServer()).url, {
      accessKeyId: 'DSQSAAAAAAAAAAAAAAAA',
      secretAccessKey: 'x'.repeat(40),
    });

    const response = await unknown.get('/session');

    expect(response.status).toBe(403);
    expect(codeOf(response)).toBe('InvalidClientTokenId');
  });

  it('refuses a key without console:Read, even one allowed every SQS action', async () => {
    const queue = await createTestQueue('json');
    const sqsOnly = await clientWith([{ actions: ['sqs:*'], queues: ['*'] }]);

    const list = await sqsOnly.get('/queues');
    const peek = await sqsOnly.get(queuePath(queue.name, '/messages'));
    const session = await sqsOnly.get('/session');

    expect([list.status, peek.status]).toEqual([403, 403]);
    expect([codeOf(list), codeOf(peek)]).toEqual(['AccessDenied', 'AccessDenied']);
    expect(session.json).toMatchObject({ canRead: false, canWrite: false });
  });

  it('lets a reader read but not write', async () => {
    const queue = await createTestQueue('json');
    const reader = await clientWith([{ actions: ['console:Read'], queues: ['*'] }]);

    const send = await reader.post(queuePath(queue.name, '/messages'), { body: 'no' });
    const purge = await reader.post(queuePath(queue.name, '/purge'), { confirm: queue.name });

    expect([send.status, purge.status]).toEqual([403, 403]);
    expect(codeOf(send)).toBe('AccessDenied');
    expect(await queue.receive()).toEqual([]);
  });

  it('limits a key to its queue patterns: the list shows only those, others are refused', async () => {
    const prefix = uniqueQueueName('auth');
    const mine = await createTestQueue('json', {}, { name: `${prefix}-mine` });
    const theirs = await createTestQueue('json', {}, { name: `${prefix}-theirs` });
    const limited = await clientWith([{ actions: ['console:*'], queues: [`${prefix}-mine`] }]);

    const list = await pollFor(
      () => limited.get('/queues', { query: { filter: prefix } }),
      (page) => page.status === 200 && page.json.total === 1,
    );
    const allowed = await limited.post(queuePath(mine.name, '/messages'), { body: 'ok' });
    const refused = await limited.get(queuePath(theirs.name, '/messages'));

    expect((list.json.queues as { name: string }[]).map((q) => q.name)).toEqual([mine.name]);
    expect(allowed.status).toBe(200);
    expect(refused.status).toBe(403);
    expect(codeOf(refused)).toBe('AccessDenied');
  });
});
