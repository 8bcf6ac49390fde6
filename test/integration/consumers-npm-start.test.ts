import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DUMMY_CREDENTIALS } from '../helpers/dynamo-local.js';
import { type LocalRun, startLocal } from '../helpers/local-process.js';
import { pollUntil } from '../helpers/poll.js';
import { uniqueTableName } from '../helpers/server.js';

const FIXTURES = resolve('test/consumers/fixtures');

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** `npm start` as `node --import tsx bin/local.ts`, on the run's DynamoDB Local and a table of its own. */
function startConsumers(configFile: string): LocalRun {
  const args = ['--config', configFile, '--dynamodb-endpoint', inject('dynamodbEndpoint'), '--port', '0'];
  return startLocal([...args, '--table', uniqueTableName()]);
}

async function writeConfig(config: unknown): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'consumers-'));
  dirs.push(dir);
  const file = join(dir, 'queues.json');
  await writeFile(file, JSON.stringify(config, null, 2));
  return file;
}

const withDeadLetterQueue = (name: string) => [
  { name: `${name}-dlq` },
  {
    name,
    attributes: { VisibilityTimeout: '3' },
    deadLetterQueue: { name: `${name}-dlq`, maxReceiveCount: 2 },
  },
];

describe('local consumers through npm start', () => {
  let run: LocalRun;
  let sqs: SQSClient;
  let endpoint: string;

  beforeAll(async () => {
    const file = await writeConfig({
      queues: [
        ...withDeadLetterQueue('typed'),
        ...withDeadLetterQueue('powertools'),
        ...withDeadLetterQueue('throwing'),
      ],
      consumers: [
        {
          queue: 'typed',
          handler: join(FIXTURES, 'sqs-handler.ts'),
          reportBatchItemFailures: true,
          maxConcurrency: 2,
        },
        {
          queue: 'powertools',
          handler: `${join(FIXTURES, 'powertools-handler.ts')}#handler`,
          reportBatchItemFailures: true,
        },
        { queue: 'throwing', handler: join(FIXTURES, 'throwing-handler.ts'), batchSize: 5 },
      ],
    });
    run = startConsumers(file);
    await pollUntil(
      async () => run.stdout().includes('Press Ctrl-C to stop.') || run.child.exitCode !== null,
      45_000,
    );
    expect(run.child.exitCode, run.stderr()).toBeNull();
    endpoint = /SQS endpoint: (\S+)/.exec(run.stdout())?.[1] ?? '';
    sqs = new SQSClient({ endpoint, region: 'us-east-1', credentials: DUMMY_CREDENTIALS });
  }, 60_000);

  afterAll(async () => {
    sqs?.destroy();
    run?.child.kill('SIGTERM');
    await run?.exited;
  });

  const send = (queue: string, body: string) =>
    sqs.send(new SendMessageCommand({ QueueUrl: `${endpoint}/000000000000/${queue}`, MessageBody: body }));

  it('lists the consumers at startup', () => {
    expect(run.stdout()).toContain(
      `  typed: ${join(FIXTURES, 'sqs-handler.ts')}#handler (batch 10, concurrency 2, timeout 3 s, reports batch item failures)`,
    );
  });

  it.each([
    ['typed', 'sqs-handler'],
    ['powertools', 'powertools-handler'],
    ['throwing', 'throwing-handler'],
  ])(
    'delivers a send to the %s handler, unchanged from AWS, and logs the invocation',
    async (queue, name) => {
      await send(queue, `hello-${queue}`);

      await pollUntil(async () => run.stdout().includes(`processed hello-${queue} by ${name}`), 15_000, 20);
      await pollUntil(
        async () =>
          new RegExp(`consumer ${queue}: records=1 outcome=success duration=\\d+ms`).test(run.stdout()),
        5_000,
        20,
      );
    },
  );

  it.each(['typed', 'powertools', 'throwing'])(
    'brings a failing %s record back and moves it to the dead-letter queue after maxReceiveCount',
    async (queue) => {
      await send(queue, `fail-${queue}`);

      const dead = await pollUntil(
        async () => {
          const { Messages = [] } = await sqs.send(
            new ReceiveMessageCommand({
              QueueUrl: `${endpoint}/000000000000/${queue}-dlq`,
              WaitTimeSeconds: 1,
            }),
          );
          return Messages.length > 0 && Messages;
        },
        30_000,
        0,
      );

      expect(dead.map((message) => message.Body)).toEqual([`fail-${queue}`]);
      // Powertools throws when every record of a batch failed (FullBatchFailureError): an error, not partial.
      const outcome = queue === 'typed' ? 'partial' : 'error';
      const lines = `${run.stdout()}${run.stderr()}`
        .split('\n')
        .filter((line) => line.startsWith(`consumer ${queue}: records=1 outcome=${outcome}`));
      expect(lines).toHaveLength(2);
    },
    45_000,
  );

  it('logs a throwing handler with its stack', () => {
    expect(run.stderr()).toMatch(
      /consumer throwing: records=1 outcome=error .*\n {2}Error: cannot process fail-throwing\n {6}at handler \(.*throwing-handler\.ts:\d+:\d+\)/,
    );
  });
});

describe('a bad consumer declaration', () => {
  it('stops startup naming the consumer and the setting out of range', async () => {
    const file = await writeConfig({
      queues: [{ name: 'orders' }],
      consumers: [
        { queue: 'orders', handler: join(FIXTURES, 'sqs-handler.ts'), batchSize: 11, maxConcurrency: 1 },
      ],
    });

    const { code, stderr } = await startConsumers(file).exited;

    expect(code).toBe(1);
    expect(stderr).toBe(
      `error: the queues config ${file} is invalid:\n` +
        "  consumers[0] (queue 'orders'): batchSize Maximum batch size must be between 1 and 10 inclusive (given 11) when the batching window is under 1 second\n" +
        "  consumers[0] (queue 'orders'): maxConcurrency maxConcurrency must be between 2 and 1000 concurrent instances (given 1)\n",
    );
  });

  it('stops startup naming each consumer whose module or export is missing', async () => {
    const file = await writeConfig({
      queues: [{ name: 'orders' }],
      consumers: [
        { queue: 'orders', handler: './handlers/missing.ts' },
        { queue: 'orders', handler: `${join(FIXTURES, 'throwing-handler.ts')}#nope` },
      ],
    });

    const { code, stderr } = await startConsumers(file).exited;

    expect(code).toBe(1);
    expect(stderr).toBe(
      `error: the queues config ${file} is invalid:\n` +
        `  consumers[0] (queue 'orders'): handler the handler module ${join(file, '..', 'handlers/missing.ts')} does not exist\n` +
        `  consumers[1] (queue 'orders'): handler the handler module ${join(FIXTURES, 'throwing-handler.ts')} has no function export 'nope' (it exports callbackHandler, handler)\n`,
    );
  });

  it('stops startup naming the consumer of a queue that does not exist', async () => {
    const file = await writeConfig({
      queues: [{ name: 'orders' }],
      consumers: [{ queue: 'ordres', handler: join(FIXTURES, 'sqs-handler.ts') }],
    });

    const { code, stderr } = await startConsumers(file).exited;

    expect(code).toBe(1);
    expect(stderr).toBe(
      `error: the consumers of ${file} cannot start:\n` +
        `  consumers[0] (queue 'ordres'): queue 'ordres' does not exist; declare it under "queues" or create it first\n`,
    );
  }, 60_000);
});
