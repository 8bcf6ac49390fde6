import {
  AddPermissionCommand,
  CreateTopicCommand,
  DeleteTopicCommand,
  GetTopicAttributesCommand,
  ListTagsForResourceCommand,
  ListTopicsCommand,
  RemovePermissionCommand,
  SetTopicAttributesCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import { TEST_ACCOUNT_ID } from '../helpers/server.js';
import { snsQuery, topicClients, uniqueName } from '../helpers/sns.js';

/** The error an SDK call failed with: its name, SNS's code and the HTTP status. */
async function failure(call: Promise<unknown>) {
  try {
    await call;
  } catch (error) {
    const e = error as {
      name: string;
      message: string;
      Code?: string;
      $metadata?: { httpStatusCode?: number };
    };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('the call succeeded');
}

describe('CreateTopic', () => {
  it('answers the same ARN for the same name and attributes', async () => {
    const { sns } = await topicClients();
    const name = uniqueName('orders');

    const first = await sns.send(
      new CreateTopicCommand({ Name: name, Attributes: { DisplayName: 'Orders' } }),
    );
    const again = await sns.send(
      new CreateTopicCommand({ Name: name, Attributes: { DisplayName: 'Orders' } }),
    );

    expect(first.TopicArn).toBe(`arn:aws:sns:us-east-1:${TEST_ACCOUNT_ID}:${name}`);
    expect(again.TopicArn).toBe(first.TopicArn);
  });

  it('refuses the same name with other attributes or tags', async () => {
    const { sns } = await topicClients();
    const name = uniqueName('orders');
    await sns.send(new CreateTopicCommand({ Name: name, Tags: [{ Key: 'team', Value: 'a' }] }));

    const attributes = await failure(
      sns.send(new CreateTopicCommand({ Name: name, Attributes: { DisplayName: 'x' } })),
    );
    const tags = await failure(
      sns.send(new CreateTopicCommand({ Name: name, Tags: [{ Key: 'team', Value: 'b' }] })),
    );

    expect(attributes).toMatchObject({
      name: 'InvalidParameterException',
      status: 400,
      message: 'Invalid parameter: Attributes Reason: Topic already exists with different attributes',
    });
    expect(tags.message).toBe('Invalid parameter: Tags Reason: Topic already exists with different tags');
  });

  it.each([
    ['', 'Invalid parameter: Topic Name'],
    ['has space', 'Invalid parameter: Topic Name'],
    ['x'.repeat(257), 'Invalid parameter: Topic Name'],
    ['orders.fifo', 'Invalid parameter: Topic Name'],
  ])('refuses the name %j', async (name, message) => {
    const { sns } = await topicClients();

    expect(await failure(sns.send(new CreateTopicCommand({ Name: name })))).toMatchObject({
      status: 400,
      message,
    });
  });

  it('creates a FIFO topic only with FifoTopic=true and a .fifo name', async () => {
    const { sns } = await topicClients();
    const name = `${uniqueName('orders')}.fifo`;

    const created = await sns.send(
      new CreateTopicCommand({
        Name: name,
        Attributes: { FifoTopic: 'true', ContentBasedDeduplication: 'true' },
      }),
    );
    const { Attributes } = await sns.send(new GetTopicAttributesCommand({ TopicArn: created.TopicArn }));
    const unsuffixed = await failure(
      sns.send(new CreateTopicCommand({ Name: uniqueName('plain'), Attributes: { FifoTopic: 'true' } })),
    );

    expect(Attributes).toMatchObject({ FifoTopic: 'true', ContentBasedDeduplication: 'true' });
    expect(unsuffixed.message).toMatch(/^Invalid parameter: Fifo Topic names must end with \.fifo/);
  });

  it('refuses unknown attributes and bad values', async () => {
    const { sns } = await topicClients();

    const unknown = await failure(
      sns.send(new CreateTopicCommand({ Name: uniqueName(), Attributes: { Colour: 'blue' } })),
    );
    const dedup = await failure(
      sns.send(
        new CreateTopicCommand({ Name: uniqueName(), Attributes: { ContentBasedDeduplication: 'true' } }),
      ),
    );
    const version = await failure(
      sns.send(new CreateTopicCommand({ Name: uniqueName(), Attributes: { SignatureVersion: '3' } })),
    );

    for (const error of [unknown, dedup, version])
      expect(error).toMatchObject({ name: 'InvalidParameterException', status: 400 });
  });
});

describe('GetTopicAttributes and SetTopicAttributes', () => {
  it('shows the defaults, the counts and what was set', async () => {
    const { sns } = await topicClients();
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: uniqueName() }));

    await sns.send(
      new SetTopicAttributesCommand({ TopicArn, AttributeName: 'DisplayName', AttributeValue: 'Shop' }),
    );
    await sns.send(
      new SetTopicAttributesCommand({ TopicArn, AttributeName: 'SignatureVersion', AttributeValue: '2' }),
    );
    const { Attributes } = await sns.send(new GetTopicAttributesCommand({ TopicArn }));

    expect(Attributes).toMatchObject({
      TopicArn,
      Owner: TEST_ACCOUNT_ID,
      DisplayName: 'Shop',
      SignatureVersion: '2',
      SubscriptionsConfirmed: '0',
      SubscriptionsPending: '0',
      SubscriptionsDeleted: '0',
    });
    expect(JSON.parse(Attributes?.Policy ?? '{}').Statement[0].Resource).toBe(TopicArn);
    expect(JSON.parse(Attributes?.EffectiveDeliveryPolicy ?? '{}')).toHaveProperty('http');
  });

  it('answers NotFound (404) for a topic that does not exist, and InvalidParameter for a bad ARN', async () => {
    const { sns } = await topicClients();

    const missing = await failure(
      sns.send(
        new GetTopicAttributesCommand({
          TopicArn: `arn:aws:sns:us-east-1:${TEST_ACCOUNT_ID}:nope-${Date.now()}`,
        }),
      ),
    );
    const garbage = await failure(sns.send(new GetTopicAttributesCommand({ TopicArn: 'garbage' })));
    const setFifo = await failure(
      sns.send(
        new SetTopicAttributesCommand({
          TopicArn: (await sns.send(new CreateTopicCommand({ Name: uniqueName() }))).TopicArn,
          AttributeName: 'FifoTopic',
          AttributeValue: 'true',
        }),
      ),
    );

    expect(missing).toMatchObject({
      name: 'NotFoundException',
      status: 404,
      message: 'Topic does not exist',
    });
    expect(garbage).toMatchObject({
      name: 'InvalidParameterException',
      status: 400,
      message: 'Invalid parameter: TopicArn Reason: An ARN must have at least 6 elements, not 1',
    });
    expect(setFifo).toMatchObject({ status: 400, message: 'Invalid parameter: AttributeName' });
  });
});

describe('DeleteTopic and ListTopics', () => {
  it('lists topics 100 at a time and forgets a deleted one', async () => {
    const { sns } = await topicClients();
    const prefix = uniqueName('page');
    const arns: string[] = [];
    for (let i = 0; i < 105; i++) {
      arns.push((await sns.send(new CreateTopicCommand({ Name: `${prefix}-${i}` }))).TopicArn as string);
    }
    await sns.send(new DeleteTopicCommand({ TopicArn: arns[7] }));
    await sns.send(new DeleteTopicCommand({ TopicArn: arns[7] }));

    const listed: string[] = [];
    const pageSizes: number[] = [];
    let NextToken: string | undefined;
    do {
      const page = await sns.send(new ListTopicsCommand({ NextToken }));
      pageSizes.push(page.Topics?.length ?? 0);
      listed.push(...(page.Topics ?? []).map((t) => t.TopicArn as string));
      NextToken = page.NextToken;
    } while (NextToken);

    expect(Math.max(...pageSizes)).toBe(100);
    expect(listed.filter((arn) => arn.includes(prefix)).sort()).toEqual(
      arns.filter((_, i) => i !== 7).sort(),
    );
    expect(await failure(sns.send(new ListTopicsCommand({ NextToken: 'not-a-token!' })))).toMatchObject({
      status: 400,
      message: 'Invalid parameter: NextToken',
    });
  }, 90_000);
});

describe('TagResource, UntagResource and ListTagsForResource', () => {
  it('adds, replaces and removes tags', async () => {
    const { sns } = await topicClients();
    const { TopicArn } = await sns.send(
      new CreateTopicCommand({ Name: uniqueName(), Tags: [{ Key: 'team', Value: 'a' }] }),
    );

    await sns.send(
      new TagResourceCommand({
        ResourceArn: TopicArn,
        Tags: [
          { Key: 'team', Value: 'b' },
          { Key: 'cost', Value: '1' },
        ],
      }),
    );
    await sns.send(new UntagResourceCommand({ ResourceArn: TopicArn, TagKeys: ['cost', 'absent'] }));
    const { Tags } = await sns.send(new ListTagsForResourceCommand({ ResourceArn: TopicArn }));

    expect(Tags).toEqual([{ Key: 'team', Value: 'b' }]);
  });

  it('refuses more than 50 tags, duplicate keys and unknown resources', async () => {
    const { sns } = await topicClients();
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: uniqueName() }));
    const many = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));

    const tooMany = await failure(sns.send(new TagResourceCommand({ ResourceArn: TopicArn, Tags: many })));
    const duplicate = await failure(
      sns.send(
        new TagResourceCommand({
          ResourceArn: TopicArn,
          Tags: [
            { Key: 'a', Value: '1' },
            { Key: 'a', Value: '2' },
          ],
        }),
      ),
    );
    const unknown = await failure(
      sns.send(
        new ListTagsForResourceCommand({ ResourceArn: `arn:aws:sns:us-east-1:${TEST_ACCOUNT_ID}:gone-1` }),
      ),
    );

    expect(tooMany).toMatchObject({ name: 'TagLimitExceededException', status: 400 });
    expect(duplicate).toMatchObject({
      status: 400,
      message: 'Invalid parameter: Duplicated keys are not allowed.',
    });
    expect(unknown).toMatchObject({ name: 'ResourceNotFoundException', status: 404 });
  });
});

describe('AddPermission and RemovePermission', () => {
  it('add and remove a statement of the topic policy', async () => {
    const { sns } = await topicClients();
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: uniqueName() }));

    await sns.send(
      new AddPermissionCommand({
        TopicArn,
        Label: 'partner',
        AWSAccountId: ['111122223333'],
        ActionName: ['Publish'],
      }),
    );
    const again = await failure(
      sns.send(
        new AddPermissionCommand({
          TopicArn,
          Label: 'partner',
          AWSAccountId: ['111122223333'],
          ActionName: ['Publish'],
        }),
      ),
    );
    const added = JSON.parse(
      (await sns.send(new GetTopicAttributesCommand({ TopicArn }))).Attributes?.Policy ?? '',
    );
    await sns.send(new RemovePermissionCommand({ TopicArn, Label: 'partner' }));
    const removed = JSON.parse(
      (await sns.send(new GetTopicAttributesCommand({ TopicArn }))).Attributes?.Policy ?? '',
    );

    expect(added.Statement.map((s: { Sid: string }) => s.Sid)).toEqual(['__default_statement_ID', 'partner']);
    expect(added.Statement[1]).toMatchObject({
      Principal: { AWS: 'arn:aws:iam::111122223333:root' },
      Action: 'SNS:Publish',
    });
    expect(again).toMatchObject({ status: 400, message: 'Invalid parameter: Statement already exists' });
    expect(removed.Statement.map((s: { Sid: string }) => s.Sid)).toEqual(['__default_statement_ID']);
  });
});

describe('the SNS wire', () => {
  it('answers in the SNS namespace with the request id, and unknown actions as InvalidAction', async () => {
    const { url } = await topicClients();

    const listed = await snsQuery(url, 'ListTopics');
    const unknown = await snsQuery(url, 'Dance');
    const missing = await snsQuery(url, 'CreateTopic');

    expect(listed.status).toBe(200);
    expect(listed.raw).toContain('<ListTopicsResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">');
    expect(listed.raw).toMatch(/<ResponseMetadata><RequestId>[0-9a-f-]{36}<\/RequestId><\/ResponseMetadata>/);
    expect(unknown.status).toBe(400);
    expect(unknown.raw).toContain('<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">');
    expect(unknown.raw).toContain('<Code>InvalidAction</Code>');
    expect(missing.status).toBe(400);
    expect(missing.raw).toContain('<Code>ValidationError</Code>');
    expect(missing.raw).toContain(
      "Value null at 'name' failed to satisfy constraint: Member must not be null",
    );
  });
});
