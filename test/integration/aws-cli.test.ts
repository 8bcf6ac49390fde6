import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DUMMY_CREDENTIALS } from '../helpers/dynamo-local.js';
import { md5Hex } from '../helpers/md5.js';
import { testClients, uniqueQueueName } from '../helpers/test-queue.js';

const run = promisify(execFile);

function hasAwsCli(): boolean {
  const path = process.env.PATH ?? '';
  return path.split(':').some((dir) => {
    try {
      return statSync(`${dir}/aws`).isFile();
    } catch {
      return false;
    }
  });
}

/** Runs `aws --endpoint-url <url> sqs ...` with the test server's key and parses its JSON output. */
async function awsSqs(endpoint: string, args: readonly string[]): Promise<Record<string, unknown>> {
  return awsCli(endpoint, ['sqs', ...args]);
}

/** Runs `aws --endpoint-url <url> sns ...` (SNS on the same endpoint) and parses its JSON output. */
async function awsSns(endpoint: string, args: readonly string[]): Promise<Record<string, unknown>> {
  return awsCli(endpoint, ['sns', ...args]);
}

async function awsCli(endpoint: string, args: readonly string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run('aws', ['--endpoint-url', endpoint, '--output', 'json', ...args], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      AWS_ACCESS_KEY_ID: DUMMY_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: DUMMY_CREDENTIALS.secretAccessKey,
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_PAGER: '',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    },
    timeout: 30_000,
  });
  return stdout.trim() === '' ? {} : (JSON.parse(stdout) as Record<string, unknown>);
}

describe.runIf(hasAwsCli())('AWS CLI', () => {
  it('creates a queue, sends, receives and deletes a message', async () => {
    const { url } = await testClients();
    const name = uniqueQueueName('cli');
    const body = 'hello from the aws cli';

    const created = await awsSqs(url, ['create-queue', '--queue-name', name]);
    const queueUrl = String(created.QueueUrl);
    const sent = await awsSqs(url, [
      'send-message',
      '--queue-url',
      queueUrl,
      '--message-body',
      body,
      '--message-attributes',
      JSON.stringify({ source: { DataType: 'String', StringValue: 'cli' } }),
    ]);
    const received = await awsSqs(url, [
      'receive-message',
      '--queue-url',
      queueUrl,
      '--attribute-names',
      'All',
      '--message-attribute-names',
      'All',
      '--wait-time-seconds',
      '5',
    ]);
    const [message] = (received.Messages ?? []) as Record<string, unknown>[];
    await awsSqs(url, [
      'delete-message',
      '--queue-url',
      queueUrl,
      '--receipt-handle',
      String(message?.ReceiptHandle),
    ]);
    const after = await awsSqs(url, ['receive-message', '--queue-url', queueUrl]);

    expect(queueUrl).toBe(`${url}/000000000000/${name}`);
    expect(sent).toMatchObject({ MD5OfMessageBody: md5Hex(body), MessageId: expect.any(String) });
    expect(message).toMatchObject({
      MessageId: sent.MessageId,
      Body: body,
      MD5OfBody: md5Hex(body),
      MessageAttributes: { source: { DataType: 'String', StringValue: 'cli' } },
      Attributes: { ApproximateReceiveCount: '1' },
    });
    expect(after.Messages ?? []).toEqual([]);
  }, 60_000);

  it('creates a topic, subscribes a queue with a filter policy and delivers only the matching publish', async () => {
    const { url } = await testClients();
    const queue = await awsSqs(url, ['create-queue', '--queue-name', uniqueQueueName('cli-sub')]);
    const queueUrl = String(queue.QueueUrl);
    const arn = await awsSqs(url, [
      'get-queue-attributes',
      '--queue-url',
      queueUrl,
      '--attribute-names',
      'QueueArn',
    ]);
    const queueArn = String((arn.Attributes as Record<string, string>).QueueArn);

    const topic = await awsSns(url, ['create-topic', '--name', uniqueQueueName('cli-topic')]);
    const topicArn = String(topic.TopicArn);
    const subscription = await awsSns(url, [
      'subscribe',
      '--topic-arn',
      topicArn,
      '--protocol',
      'sqs',
      '--notification-endpoint',
      queueArn,
      '--attributes',
      JSON.stringify({ FilterPolicy: JSON.stringify({ store: ['example_corp'] }) }),
      '--return-subscription-arn',
    ]);
    const matching = await awsSns(url, [
      'publish',
      '--topic-arn',
      topicArn,
      '--message',
      'for the store',
      '--message-attributes',
      JSON.stringify({ store: { DataType: 'String', StringValue: 'example_corp' } }),
    ]);
    await awsSns(url, [
      'publish',
      '--topic-arn',
      topicArn,
      '--message',
      'for someone else',
      '--message-attributes',
      JSON.stringify({ store: { DataType: 'String', StringValue: 'other' } }),
    ]);
    const received = await awsSqs(url, [
      'receive-message',
      '--queue-url',
      queueUrl,
      '--max-number-of-messages',
      '10',
      '--wait-time-seconds',
      '2',
    ]);

    expect(String(subscription.SubscriptionArn)).toMatch(new RegExp(`^${topicArn}:`));
    const messages = (received.Messages ?? []) as { Body: string }[];
    expect(messages.map((m) => JSON.parse(m.Body))).toEqual([
      expect.objectContaining({
        Type: 'Notification',
        MessageId: matching.MessageId,
        Message: 'for the store',
      }),
    ]);
  }, 60_000);
});
