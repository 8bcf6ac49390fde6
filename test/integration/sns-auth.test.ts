import {
  CreateTopicCommand,
  ListTopicsCommand,
  PublishBatchCommand,
  PublishCommand,
  SNSClient,
} from '@aws-sdk/client-sns';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AccessPolicy } from '../../lambda/auth/policy.js';
import { sharedTestServer, type TestServer } from '../helpers/server.js';
import { snsQuery, topicClients, uniqueName } from '../helpers/sns.js';
import { snsFailure } from '../helpers/sns-failure.js';

let server: TestServer;
let ordersTopic: string;
let billingTopic: string;

beforeAll(async () => {
  server = await sharedTestServer();
  const { sns } = await topicClients();
  ordersTopic = (await sns.send(new CreateTopicCommand({ Name: uniqueName('orders') }))).TopicArn as string;
  billingTopic = (await sns.send(new CreateTopicCommand({ Name: uniqueName('billing') }))).TopicArn as string;
});

/** A new key with `policy` and an SNS client signing with it. */
async function clientWith(policy: AccessPolicy) {
  const key = await server.service.accessKeys?.create('sns-policy-test', policy);
  if (key === undefined) throw new Error('the test server runs without auth');
  return {
    key,
    sns: new SNSClient({ endpoint: server.url, region: 'us-east-1', credentials: key, maxAttempts: 1 }),
  };
}

describe('SNS requests with --auth', () => {
  it('allows sns:Publish on orders-* and refuses it on other topics and other actions', async () => {
    const { sns } = await clientWith([{ actions: ['sns:Publish'], queues: ['orders-*'] }]);

    const published = await sns.send(new PublishCommand({ TopicArn: ordersTopic, Message: 'allowed' }));
    const batch = await sns.send(
      new PublishBatchCommand({
        TopicArn: ordersTopic,
        PublishBatchRequestEntries: [{ Id: 'a', Message: 'b' }],
      }),
    );
    const elsewhere = await snsFailure(
      sns.send(new PublishCommand({ TopicArn: billingTopic, Message: 'refused' })),
    );
    const create = await snsFailure(sns.send(new CreateTopicCommand({ Name: 'orders-new' })));
    const list = await snsFailure(sns.send(new ListTopicsCommand({})));

    expect(published.MessageId).toBeDefined();
    expect(batch.Successful).toHaveLength(1);
    expect(elsewhere).toMatchObject({ name: 'AuthorizationErrorException', status: 403 });
    expect(elsewhere.message).toBe(
      `User: arn:aws:iam::000000000000:user/sns-policy-test is not authorized to perform: SNS:Publish on resource: ${billingTopic} because no identity-based policy allows the SNS:Publish action`,
    );
    expect(create).toMatchObject({ name: 'AuthorizationErrorException', status: 403 });
    expect(list).toMatchObject({ name: 'AuthorizationErrorException', status: 403 });
  });

  it('gives a key made for queues no SNS permission', async () => {
    const { sns } = await clientWith([{ actions: ['SendMessage', 'sqs:Get*'], queues: ['*'] }]);

    const error = await snsFailure(sns.send(new PublishCommand({ TopicArn: ordersTopic, Message: 'x' })));

    expect(error).toMatchObject({ name: 'AuthorizationErrorException', status: 403 });
  });

  it('allows everything SNS with sns:* on *, and the same answer whether a topic exists or not', async () => {
    const { sns } = await clientWith([{ actions: ['sns:*'], queues: ['*'] }]);
    const limited = await clientWith([{ actions: ['sns:Get*'], queues: ['orders-*'] }]);

    const listed = await sns.send(new ListTopicsCommand({}));
    const missing = await snsFailure(
      limited.sns.send(new PublishCommand({ TopicArn: `${billingTopic}-gone`, Message: 'x' })),
    );

    expect(listed.Topics?.map((t) => t.TopicArn)).toContain(ordersTopic);
    expect(missing).toMatchObject({ name: 'AuthorizationErrorException', status: 403 });
  });

  it('refuses unsigned requests and requests signed for sqs', async () => {
    const { url } = await topicClients();

    const unsigned = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=ListTopics&Version=2010-03-31',
    });
    const unsignedBody = await unsigned.text();
    const wrongService = await snsQuery(url, 'ListTopics', {}, { service: 'sqs' });

    expect(unsigned.status).toBe(403);
    expect(unsignedBody).toContain('<Code>MissingAuthenticationToken</Code>');
    expect(unsignedBody).toContain('http://sns.amazonaws.com/doc/2010-03-31/');
    expect(wrongService.status).toBe(403);
    expect(wrongService.raw).toContain('<Code>SignatureDoesNotMatch</Code>');
    expect(wrongService.raw).toContain("Credential should be scoped to correct service: 'sns'.");
  });
});
