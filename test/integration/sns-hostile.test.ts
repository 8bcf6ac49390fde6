import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { SignatureV4 } from '@smithy/signature-v4';
import { XMLValidator } from 'fast-xml-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { NodeSha256 } from '../../lambda/auth/node-sha256.js';
import { DUMMY_CREDENTIALS } from '../helpers/dynamo-local.js';
import { HOSTILE_STRINGS, HUGE_STRINGS, INVALID_UTF8 } from '../helpers/hostile-cases.js';
import { createQueueWithArn, topicClients, uniqueName } from '../helpers/sns.js';

let url: string;
let topicArn: string;
let fifoTopicArn: string;
let subscriptionArn: string;
/** Subscribe's hostile requests go to a topic nothing publishes to: what they subscribe never gets a message. */
let quietTopicArn: string;

beforeAll(async () => {
  const clients = await topicClients();
  url = clients.url;
  topicArn = (await clients.sns.send(new CreateTopicCommand({ Name: uniqueName('hostile') })))
    .TopicArn as string;
  fifoTopicArn = (
    await clients.sns.send(
      new CreateTopicCommand({ Name: `${uniqueName('hostile')}.fifo`, Attributes: { FifoTopic: 'true' } }),
    )
  ).TopicArn as string;
  quietTopicArn = (await clients.sns.send(new CreateTopicCommand({ Name: uniqueName('quiet') })))
    .TopicArn as string;
  const queue = await createQueueWithArn(clients.sqs, uniqueName('hq'));
  subscriptionArn = (
    await clients.sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queue.arn }))
  ).SubscriptionArn as string;
});

/** The fields also tried with 300 KB and 2 MiB values (every field gets the other hostile values). */
const HUGE_FIELDS = new Set([
  'Name',
  'TopicArn',
  'Message',
  'Subject',
  'AttributeValue',
  'Endpoint',
  'NextToken',
  'Token',
]);

/** Every action's parameters with one field to replace by a hostile value (`$`). */
function requests(): { action: string; field: string; params: Record<string, string> }[] {
  const base: Record<string, Record<string, string>> = {
    CreateTopic: {
      Name: uniqueName('h'),
      'Attributes.entry.1.key': 'DisplayName',
      'Attributes.entry.1.value': 'd',
      'Tags.member.1.Key': 'k',
      'Tags.member.1.Value': 'v',
    },
    SetTopicAttributes: { TopicArn: topicArn, AttributeName: 'DisplayName', AttributeValue: 'v' },
    Subscribe: {
      TopicArn: quietTopicArn,
      Protocol: 'sqs',
      Endpoint: 'arn:aws:sqs:us-east-1:000000000000:q',
      'Attributes.entry.1.key': 'FilterPolicy',
      'Attributes.entry.1.value': '{"a":["b"]}',
    },
    SetSubscriptionAttributes: {
      SubscriptionArn: subscriptionArn,
      AttributeName: 'FilterPolicy',
      AttributeValue: '{"a":["b"]}',
    },
    Unsubscribe: { SubscriptionArn: `${topicArn}:00000000-0000-0000-0000-000000000000` },
    Publish: {
      TopicArn: topicArn,
      Message: 'm',
      Subject: 's',
      'MessageAttributes.entry.1.Name': 'n',
      'MessageAttributes.entry.1.Value.DataType': 'String',
      'MessageAttributes.entry.1.Value.StringValue': 'v',
    },
    PublishFifo: { TopicArn: fifoTopicArn, Message: 'm', MessageGroupId: 'g', MessageDeduplicationId: 'd' },
    PublishBatch: {
      TopicArn: topicArn,
      'PublishBatchRequestEntries.member.1.Id': 'a',
      'PublishBatchRequestEntries.member.1.Message': 'm',
    },
    TagResource: { ResourceArn: topicArn, 'Tags.member.1.Key': 'k', 'Tags.member.1.Value': 'v' },
    ListTopics: { NextToken: 'x' },
    ListSubscriptions: { NextToken: 'x' },
    AddPermission: {
      TopicArn: topicArn,
      Label: 'l',
      'AWSAccountId.member.1': '111122223333',
      'ActionName.member.1': 'Publish',
    },
    ConfirmSubscription: { TopicArn: topicArn, Token: 't' },
  };
  // The FIFO publish is there for its two ids; its other fields are the standard publish's.
  const fifoOnly = new Set(['MessageGroupId', 'MessageDeduplicationId']);
  return Object.entries(base).flatMap(([action, params]) =>
    Object.keys(params)
      .filter((field) => action !== 'PublishFifo' || fifoOnly.has(field))
      .map((field) => ({ action: action === 'PublishFifo' ? 'Publish' : action, field, params })),
  );
}

/** Percent-encodes like a form, but a lone surrogate as its (invalid) 3-byte form and the sentinel as FF FE. */
function formEncode(text: string): string {
  let out = '';
  for (const part of text.split(INVALID_UTF8)) {
    if (out !== '' || text.startsWith(INVALID_UTF8)) out += '%FF%FE';
    for (let i = 0; i < part.length; i++) {
      const unit = part.charCodeAt(i);
      const next = part.charCodeAt(i + 1);
      if (unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        out += encodeURIComponent(part.slice(i, i + 2));
        i++;
      } else if (unit >= 0xd800 && unit <= 0xdfff) {
        out += [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)]
          .map((b) => `%${b.toString(16).toUpperCase()}`)
          .join('');
      } else {
        out += encodeURIComponent(part[i] as string);
      }
    }
  }
  return out;
}

async function post(body: string): Promise<{ status: number; text: string }> {
  const target = new URL(url);
  const signer = new SignatureV4({
    service: 'sns',
    region: 'us-east-1',
    credentials: DUMMY_CREDENTIALS,
    sha256: NodeSha256,
  });
  const signed = await signer.sign({
    method: 'POST',
    protocol: target.protocol,
    hostname: target.hostname,
    port: Number(target.port),
    path: '/',
    headers: { 'content-type': 'application/x-www-form-urlencoded', host: target.host },
    body,
  });
  const { host: _host, ...headers } = signed.headers;
  const response = await fetch(target, { method: 'POST', headers, body });
  return { status: response.status, text: await response.text() };
}

describe('hostile values in every SNS parameter', () => {
  it('are answered with a well-formed SNS answer, never a 500', async () => {
    const cases = requests().flatMap(({ action, field, params }) =>
      [...HOSTILE_STRINGS, ...(HUGE_FIELDS.has(field) ? HUGE_STRINGS : [])].map(({ label, value }) => ({
        name: `${action} ${field} ${label}`,
        body: [
          `Action=${action}`,
          'Version=2010-03-31',
          ...Object.entries({ ...params, [field]: value as string }).map(([k, v]) => `${k}=${formEncode(v)}`),
        ].join('&'),
      })),
    );
    const failures: string[] = [];
    // A few at a time: the answers, not the server's throughput, are under test.
    for (let start = 0; start < cases.length; start += 8) {
      await Promise.all(
        cases.slice(start, start + 8).map(async ({ name, body }) => {
          const { status, text } = await post(body);
          const wellFormed =
            XMLValidator.validate(text) === true && text.includes('http://sns.amazonaws.com/doc/2010-03-31/');
          if (status >= 500 || !wellFormed) failures.push(`${name}: ${status} ${text.slice(0, 200)}`);
        }),
      );
    }

    expect(failures).toEqual([]);
  }, 180_000);
});
