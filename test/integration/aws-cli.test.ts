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
  const { stdout } = await run('aws', ['--endpoint-url', endpoint, '--output', 'json', 'sqs', ...args], {
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
});
