/**
 * The code `cdk deploy` would upload, not the TypeScript source: `cdk synth` bundles the three functions with
 * esbuild, and these tests import the bundles and drive them as Lambda would. The request function sits behind a
 * local stand-in for the HTTP API (payload format 2.0 events, `$default` stage), and real clients (the AWS SDK,
 * AWS-signed Query requests) call it against DynamoDB Local with SigV4 on: keys in the table, secrets encrypted
 * with the local cipher (KEYS_LOCAL_KEY), since no KMS is reachable offline.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { CdkCustomResourceEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { createAccessKeys } from '../../lambda/auth/create-auth.js';
import type { BackgroundHandler, BackgroundResult } from '../../lambda/entries/background.js';
import type { LambdaHandler } from '../../lambda/entries/lambda.js';
import type { QueueResourceHandler } from '../../lambda/entries/queue-resource.js';
import { CapacityMeter } from '../../lambda/storage/dynamo/capacity-meter.js';
import { ensureTable } from '../../lambda/storage/dynamo/table.js';
import {
  BUNDLED_FUNCTIONS,
  BUNDLING_TIMEOUT_MS,
  type BundledApp,
  synthBundledApp,
} from '../helpers/bundled-app.js';
import { DUMMY_CREDENTIALS } from '../helpers/dynamo-local.js';
import { type HttpApiShim, lambdaContext, startHttpApiShim } from '../helpers/http-api-shim.js';
import { presignUrl, signedGet, signedPost } from '../helpers/query-client.js';
import { TEST_ACCOUNT_ID, TEST_REGION, uniqueTableName } from '../helpers/server.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
const JSON_TARGET = (action: string) => ({
  'content-type': 'application/x-amz-json-1.0',
  'x-amz-target': `AmazonSQS.${action}`,
});

interface Key {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

let app: BundledApp;
let shim: HttpApiShim;
/** Every action on queues named `bundled-*`. */
let appKey: Key;
/** SendMessage on `bundled-*` only. */
let senderKey: Key;
/** Created, then revoked. */
let revokedKey: Key;
let queueUrl: string;
const prefix = `bundled-${randomUUID().slice(0, 6)}`;

beforeAll(async () => {
  app = await synthBundledApp();
  const tableName = uniqueTableName();
  const endpoint = inject('dynamodbEndpoint');
  const localKey = randomBytes(32);
  // What the stack sets (TABLE_NAME, SQS_ACCOUNT_ID; Lambda sets AWS_REGION), with DynamoDB Local and the local
  // cipher standing in for DynamoDB and KMS. Each bundle reads them on its first invocation.
  vi.stubEnv('TABLE_NAME', tableName);
  vi.stubEnv('DYNAMODB_ENDPOINT', endpoint);
  vi.stubEnv('SQS_ACCOUNT_ID', TEST_ACCOUNT_ID);
  vi.stubEnv('AWS_REGION', TEST_REGION);
  vi.stubEnv('AWS_ACCESS_KEY_ID', DUMMY_CREDENTIALS.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', DUMMY_CREDENTIALS.secretAccessKey);
  vi.stubEnv('KEYS_LOCAL_KEY', localKey.toString('base64'));
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'ERROR');

  // The stack creates the table; the keys CLI creates keys in it.
  const client = new DynamoDBClient({ region: TEST_REGION, endpoint, credentials: DUMMY_CREDENTIALS });
  await ensureTable(client, tableName);
  const { accessKeys } = createAccessKeys(
    { kind: 'local', key: localKey },
    { client, tableName, region: TEST_REGION, meter: new CapacityMeter() },
  );
  appKey = await accessKeys.create('app', [{ actions: ['*'], queues: [`${prefix}-*`] }]);
  senderKey = await accessKeys.create('sender', [{ actions: ['SendMessage'], queues: [`${prefix}-*`] }]);
  revokedKey = await accessKeys.create('revoked', [{ actions: ['*'], queues: ['*'] }]);
  await accessKeys.revoke(revokedKey.accessKeyId);
  client.destroy();

  shim = await startHttpApiShim(await app.importHandler<LambdaHandler>('request'));
  const sqs = sdk(appKey);
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `${prefix}-work` }))).QueueUrl ?? '';
  sqs.destroy();
}, BUNDLING_TIMEOUT_MS);

afterAll(async () => {
  await shim?.close();
  vi.unstubAllEnvs();
  app?.remove();
});

function sdk(credentials: Key, options: { systemClockOffset?: number } = {}): SQSClient {
  return new SQSClient({ endpoint: shim.url, region: TEST_REGION, credentials, maxAttempts: 1, ...options });
}

async function rejection(
  call: Promise<unknown>,
): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await call;
  } catch (error) {
    return error as Error & { $metadata?: { httpStatusCode?: number } };
  }
  throw new Error('expected the call to be refused');
}

function queryCode(xml: string): string | undefined {
  return /<Code>([^<]*)<\/Code>/.exec(xml)?.[1];
}

describe('the bundles cdk synth makes', () => {
  it('holds each function as one ES module and its source map, exporting the handler', async () => {
    for (const fn of BUNDLED_FUNCTIONS) {
      expect(readdirSync(app.assetDirectory(fn)).sort()).toEqual(['index.mjs', 'index.mjs.map']);
      expect(typeof (await app.importHandler(fn))).toBe('function');
    }
  });

  it('puts the AWS SDK in the bundle instead of importing the runtime’s copy, and gives ESM a require', () => {
    const code = readFileSync(join(app.assetDirectory('request'), 'index.mjs'), 'utf8');

    expect(code).not.toMatch(/from\s*["']@aws-sdk\//);
    expect(code).not.toMatch(/import\(\s*["']@aws-sdk\//);
    expect(code).toContain('DynamoDBClient');
    expect(
      code.startsWith(
        "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
      ),
    ).toBe(true);
  });
});

describe('the bundled request function', () => {
  it('serves a message lifecycle to the AWS SDK, which signs every call (AWS JSON 1.0)', async () => {
    const sqs = sdk(appKey);

    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'through the bundle' }));
    const received = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1, VisibilityTimeout: 30 }),
    );
    const [message] = received.Messages ?? [];
    await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message?.ReceiptHandle }));

    expect(message?.Body).toBe('through the bundle');
    expect(queueUrl).toBe(`${shim.url}/${TEST_ACCOUNT_ID}/${prefix}-work`);
    sqs.destroy();
  });

  it('serves Query requests signed in the header (POST and GET) and presigned in the URL', async () => {
    const post = await signedPost(
      `${shim.url}/`,
      FORM,
      new URLSearchParams({
        Action: 'GetQueueUrl',
        Version: '2012-11-05',
        QueueName: `${prefix}-work`,
      }).toString(),
      { credentials: appKey },
    );
    const get = await signedGet(
      `${queueUrl}?Action=GetQueueAttributes&Version=2012-11-05&AttributeName.1=All`,
      {},
      { credentials: appKey },
    );
    const presigned = await fetch(
      await presignUrl(
        `${queueUrl}?Action=SendMessage&Version=2012-11-05&MessageBody=presigned`,
        {},
        { credentials: appKey },
      ),
    );

    expect(post.status).toBe(200);
    expect(await post.text()).toContain(`<QueueUrl>${queueUrl}</QueueUrl>`);
    expect(get.status).toBe(200);
    expect(await get.text()).toContain('<Name>ApproximateNumberOfMessages</Name>');
    expect(presigned.status).toBe(200);
    expect(await presigned.text()).toContain('<MD5OfMessageBody>');
  });
});

describe('requests the bundled request function refuses', () => {
  it('answers an unsigned request MissingAuthenticationToken (403), on both protocols', async () => {
    const json = await fetch(`${shim.url}/`, {
      method: 'POST',
      headers: JSON_TARGET('ListQueues'),
      body: '{}',
    });
    const query = await fetch(`${queueUrl}?Action=GetQueueAttributes&Version=2012-11-05`);

    expect(json.status).toBe(403);
    expect(json.headers.get('x-amzn-query-error')).toMatch(/^MissingAuthenticationToken;Sender$/);
    expect(query.status).toBe(403);
    expect(queryCode(await query.text())).toBe('MissingAuthenticationToken');
  });

  it('answers SignatureDoesNotMatch (403) when the body was changed after signing', async () => {
    const signedBody = new URLSearchParams({
      Action: 'SendMessage',
      Version: '2012-11-05',
      QueueUrl: queueUrl,
      MessageBody: 'pay 10',
    }).toString();
    const url = await presignUrl(
      `${shim.url}/`,
      { method: 'POST', body: signedBody, headers: FORM },
      { credentials: appKey },
    );

    const tampered = await fetch(url, {
      method: 'POST',
      headers: FORM,
      body: signedBody.replace('10', '1000'),
    });

    expect(tampered.status).toBe(403);
    expect(queryCode(await tampered.text())).toBe('SignatureDoesNotMatch');
  });

  it('answers InvalidClientTokenId (403) for a key it never issued and for a revoked one', async () => {
    const unknown = await rejection(
      sdk({ accessKeyId: 'DSQSUNKNOWNKEY000000', secretAccessKey: appKey.secretAccessKey }).send(
        new GetQueueUrlCommand({ QueueName: `${prefix}-work` }),
      ),
    );
    const revoked = await rejection(
      sdk(revokedKey).send(new GetQueueUrlCommand({ QueueName: `${prefix}-work` })),
    );

    expect(unknown.name).toBe('InvalidClientTokenId');
    expect(unknown.$metadata?.httpStatusCode).toBe(403);
    expect(revoked.name).toBe('InvalidClientTokenId');
  });

  it('answers SignatureDoesNotMatch (403) for an issued key id signed with the wrong secret', async () => {
    const error = await rejection(
      sdk({ accessKeyId: appKey.accessKeyId, secretAccessKey: senderKey.secretAccessKey }).send(
        new GetQueueUrlCommand({ QueueName: `${prefix}-work` }),
      ),
    );

    expect(error.name).toBe('SignatureDoesNotMatch');
    expect(error.$metadata?.httpStatusCode).toBe(403);
  });

  it('answers RequestExpired (400) for a signature dated 16 minutes ago, on both protocols', async () => {
    const sixteenMinutesAgo = new Date(Date.now() - 16 * 60_000);
    const json = await rejection(
      sdk(appKey, { systemClockOffset: -16 * 60_000 }).send(
        new GetQueueUrlCommand({ QueueName: `${prefix}-work` }),
      ),
    );
    const query = await signedGet(
      `${queueUrl}?Action=GetQueueAttributes&Version=2012-11-05`,
      {},
      { credentials: appKey, signingDate: sixteenMinutesAgo },
    );

    expect(json.name).toBe('RequestExpired');
    expect(json.$metadata?.httpStatusCode).toBe(400);
    expect(query.status).toBe(400);
    expect(queryCode(await query.text())).toBe('RequestExpired');
  });

  it('answers AccessDenied outside the key’s policy, the same for an existing and a missing queue', async () => {
    const sender = sdk(senderKey);
    const allowed = await sender.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'allowed' }));

    const existing = await rejection(sender.send(new ReceiveMessageCommand({ QueueUrl: queueUrl })));
    const missing = await rejection(
      sender.send(
        new ReceiveMessageCommand({ QueueUrl: `${shim.url}/${TEST_ACCOUNT_ID}/${prefix}-missing` }),
      ),
    );
    const otherQueues = await rejection(
      sender.send(
        new SendMessageCommand({ QueueUrl: `${shim.url}/${TEST_ACCOUNT_ID}/elsewhere`, MessageBody: 'x' }),
      ),
    );

    expect(allowed.MessageId).toMatch(/\S/);
    for (const error of [existing, missing, otherQueues]) {
      expect(error.name).toBe('AccessDenied');
      expect(error.$metadata?.httpStatusCode).toBe(403);
    }
    expect(existing.message.replace(`${prefix}-work`, 'Q')).toBe(
      missing.message.replace(`${prefix}-missing`, 'Q'),
    );
    sender.destroy();
  });
});

describe('the bundled background and queue resource functions', () => {
  it('creates a queue from a CloudFormation Create event, which the request function then serves', async () => {
    const onEvent = await app.importHandler<QueueResourceHandler>('queueResource');
    const name = `${prefix}-declared`;
    const event = {
      RequestType: 'Create',
      RequestId: randomUUID(),
      ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:provider',
      ResponseURL: 'https://cloudformation-custom-resource-response.example/',
      StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/example/1',
      LogicalResourceId: 'Declared',
      ResourceType: 'Custom::SqsQueue',
      ResourceProperties: {
        ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:provider',
        Queue: JSON.stringify({ name, attributes: { VisibilityTimeout: '45' } }),
      },
    } as CdkCustomResourceEvent;

    const created = await onEvent(event);
    const sqs = sdk(appKey);
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));

    expect(created.PhysicalResourceId).toBe(name);
    expect(created.Data?.QueueArn).toBe(`arn:aws:sqs:${TEST_REGION}:${TEST_ACCOUNT_ID}:${name}`);
    expect(QueueUrl).toBe(`${shim.url}/${TEST_ACCOUNT_ID}/${name}`);
    sqs.destroy();
  });

  it('runs the scheduled background job over the table’s queues', async () => {
    const run = await app.importHandler<BackgroundHandler>('background');

    const result: BackgroundResult = await run({}, lambdaContext(60_000));

    expect(result.gaugesComplete).toBe(true);
    expect(result.queuesMeasured).toBeGreaterThanOrEqual(2);
  });
});
