import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTopicCommand, PublishCommand } from '@aws-sdk/client-sns';
import { GetQueueUrlCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createJsonClient } from '../helpers/json-client.js';
import { startLocal } from '../helpers/local-process.js';
import { uniqueTableName } from '../helpers/server.js';
import { createSnsClient } from '../helpers/sns.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'topics-config-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Starts `npm start`, waits until it listens, runs `use` against its endpoint, stops it and returns its output. */
async function whileListening(
  args: readonly string[],
  use: (endpoint: string) => Promise<void> = async () => {},
) {
  const run = startLocal(args);
  const deadline = Date.now() + 45_000;
  while (!run.stdout().includes('Press Ctrl-C to stop.')) {
    if (run.child.exitCode !== null || Date.now() > deadline) {
      run.child.kill('SIGKILL');
      const { code, stdout, stderr } = await run.exited;
      throw new Error(`npm start did not start (exit ${code}):\n${stdout}\n${stderr}`);
    }
    await new Promise((resolveWait) => setTimeout(resolveWait, 100));
  }
  const endpoint = /SQS endpoint: (http:\/\/\S+)/.exec(run.stdout())?.[1];
  try {
    if (endpoint === undefined) throw new Error(`no endpoint in:\n${run.stdout()}`);
    await use(endpoint);
  } finally {
    run.child.kill('SIGTERM');
  }
  const { code, stdout } = await run.exited;
  expect(code).toBe(0);
  return stdout;
}

async function writeConfig(name: string, config: unknown): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, JSON.stringify(config));
  return file;
}

function config(filterType: string) {
  return {
    queues: [{ name: 'orders' }, { name: 'orders-dlq' }, { name: 'audit' }],
    topics: [
      {
        name: 'order-events',
        fifo: false,
        displayName: 'Order events',
        subscriptions: [
          {
            queue: 'orders',
            rawMessageDelivery: true,
            filterPolicy: { type: [filterType] },
            filterPolicyScope: 'MessageAttributes',
            deadLetterQueue: 'orders-dlq',
          },
          { queue: 'audit' },
        ],
      },
    ],
  };
}

describe('npm start -- --config with topics', () => {
  const dynamodbEndpoint = inject('dynamodbEndpoint');

  it('subscribes the declared queues before it listens, leaves them unchanged at the next start and applies a changed filter', async () => {
    const table = ['--table', uniqueTableName()];
    const common = ['--dynamodb-endpoint', dynamodbEndpoint, '--port', '0', ...table];
    const file = await writeConfig('topics.json', config('created'));
    const changed = await writeConfig('topics-changed.json', config('paid'));
    let bodies: string[] = [];

    const first = await whileListening(['--config', file, ...common], async (endpoint) => {
      bodies = await publishAndReceive(endpoint);
    });
    const second = await whileListening(['--config', file, ...common]);
    const third = await whileListening(['--config', changed, ...common]);

    expect(first).toContain(
      [
        `Topics from ${file}:`,
        '  order-events: created; subscription orders: created; subscription audit: created',
        '',
      ].join('\n'),
    );
    expect(bodies).toEqual(['order 1']);
    expect(second).toContain(
      `Topics from ${file}:\n  order-events: unchanged; subscription orders: unchanged; subscription audit: unchanged\n`,
    );
    expect(third).toContain(
      `  order-events: unchanged; subscription orders: updated FilterPolicy; subscription audit: unchanged\n`,
    );
  }, 180_000);

  it('stops with exit code 1 and names the topic and field of a bad declaration, before anything starts', async () => {
    const file = await writeConfig('bad-topics.json', {
      queues: [{ name: 'orders' }],
      topics: [
        {
          name: 'order-events',
          subscriptions: [{ queue: 'missing' }, { queue: 'orders', rawMessageDelivery: 'yes' }],
        },
      ],
    });

    const { code, stdout, stderr } = await startLocal([
      '--config',
      file,
      '--dynamodb-endpoint',
      dynamodbEndpoint,
      '--port',
      '0',
      '--table',
      uniqueTableName(),
    ]).exited;

    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      `error: the queues config ${file} is invalid:\n` +
        `  topic 'order-events': subscriptions[0].queue names 'missing', which this file does not declare; declare it under queues too (a bare { "name": "missing" } leaves an existing queue as it is)\n` +
        `  topic 'order-events': subscriptions[1].rawMessageDelivery must be true or false, got "yes"\n`,
    );
  }, 60_000);
});

/** Publishes one message the filter takes and one it does not, and returns what the filtered queue received. */
async function publishAndReceive(endpoint: string): Promise<string[]> {
  const sns = createSnsClient(endpoint);
  const sqs = createJsonClient(endpoint);
  try {
    // CreateTopic of the declared topic answers its ARN (the same name and attributes: idempotent).
    const { TopicArn } = await sns.send(
      new CreateTopicCommand({ Name: 'order-events', Attributes: { DisplayName: 'Order events' } }),
    );
    for (const [message, type] of [
      ['order 1', 'created'],
      ['order 2', 'cancelled'],
    ]) {
      await sns.send(
        new PublishCommand({
          TopicArn,
          Message: message,
          MessageAttributes: { type: { DataType: 'String', StringValue: type } },
        }),
      );
    }
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: 'orders' }));
    const received = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    return (received.Messages ?? []).map((m) => m.Body ?? '');
  } finally {
    sns.destroy();
    sqs.destroy();
  }
}
