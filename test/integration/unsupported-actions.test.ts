import { AddPermissionCommand, RemovePermissionCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { toSqsClientError } from '../helpers/json-api.js';
import { signedPost } from '../helpers/query-client.js';
import { SqsClientError } from '../helpers/sqs-api.js';
import { createTestQueue, testClients } from '../helpers/test-queue.js';

/** What a client may see for an action this service does not implement (yet): success or an SQS 4xx error. */
type Outcome = { ok: true } | { ok: false; status: number; code: string; message: string };

/** Actions later issues own; each must answer like SQS does, never with a 500. */
function laterActions(queueUrl: string) {
  return {
    AddPermission: {
      json: new AddPermissionCommand({
        QueueUrl: queueUrl,
        Label: 'share',
        AWSAccountIds: ['111111111111'],
        Actions: ['SendMessage'],
      }),
      query: {
        QueueUrl: queueUrl,
        Label: 'share',
        'AWSAccountId.1': '111111111111',
        'ActionName.1': 'SendMessage',
      },
    },
    RemovePermission: {
      json: new RemovePermissionCommand({ QueueUrl: queueUrl, Label: 'share' }),
      query: { QueueUrl: queueUrl, Label: 'share' },
    },
  } as const;
}

const ACTIONS = ['AddPermission', 'RemovePermission'] as const;

function expectSqsAnswer(outcome: Outcome): void {
  if (outcome.ok) return;
  expect(outcome.status).toBeGreaterThanOrEqual(400);
  expect(outcome.status).toBeLessThan(500);
  expect(outcome.code).toMatch(/^[A-Za-z.]+$/);
  expect(outcome.message).not.toBe('');
}

describe('Actions owned by later issues', () => {
  it.each(ACTIONS)('%s over json answers with success or an SQS error, never a 500', async (action) => {
    const { sqs } = await testClients();
    const queue = await createTestQueue('json');
    // biome-ignore lint/suspicious/noExplicitAny: each command has its own output type
    const command = laterActions(queue.url)[action].json as any;

    const outcome: Outcome = await sqs.send(command).then(
      () => ({ ok: true }) as const,
      (error: unknown) => {
        const sqsError = toSqsClientError(error);
        if (!(sqsError instanceof SqsClientError)) throw error;
        return {
          ok: false,
          status: sqsError.status,
          code: sqsError.code,
          message: sqsError.message,
        } as const;
      },
    );

    expectSqsAnswer(outcome);
  });

  it.each(ACTIONS)('%s over query answers with success or an SQS error, never a 500', async (action) => {
    const { query } = await testClients();
    const queue = await createTestQueue('query');

    const response = await query.call(action, laterActions(queue.url)[action].query);

    expectSqsAnswer(response.ok ? { ok: true } : { ok: false, ...response.error });
  });

  it('answers an unknown Query action with InvalidAction (400)', async () => {
    const { query } = await testClients();

    const response = await query.call('Frobnicate', {});

    expect(response).toMatchObject({ ok: false, status: 400, error: { code: 'InvalidAction' } });
  });

  it('answers an unknown JSON target with a 400 JSON error', async () => {
    const { url } = await testClients();

    const response = await signedPost(
      `${url}/`,
      { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.Frobnicate' },
      '{}',
    );
    const body = (await response.json()) as { __type?: string };

    expect(response.status).toBe(400);
    expect(body.__type).toMatch(/\S/);
  });
});
