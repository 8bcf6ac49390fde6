import { randomUUID } from 'node:crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SNSClient } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { SignatureV4 } from '@smithy/signature-v4';
import { XMLParser } from 'fast-xml-parser';
import { registerCleanup } from './cleanup.js';
import { DUMMY_CREDENTIALS } from './dynamo-local.js';
import { createJsonClient } from './json-client.js';
import { sharedTestServer } from './server.js';

/** The real `@aws-sdk/client-sns` (Query protocol) pointed at a test server; one attempt, so errors reach the test. */
export function createSnsClient(
  endpoint: string,
  options: { maxAttempts?: number; credentials?: { accessKeyId: string; secretAccessKey: string } } = {},
): SNSClient {
  return new SNSClient({
    endpoint,
    region: 'us-east-1',
    credentials: options.credentials ?? DUMMY_CREDENTIALS,
    maxAttempts: options.maxAttempts ?? 1,
  });
}

export interface TopicClients {
  readonly url: string;
  readonly sns: SNSClient;
  readonly sqs: SQSClient;
}

let clients: Promise<TopicClients> | undefined;

/** SNS and SQS clients for this test file's shared server; destroyed after the file. */
export function topicClients(): Promise<TopicClients> {
  if (clients === undefined) {
    clients = sharedTestServer().then((server) => {
      const sns = createSnsClient(server.url);
      const sqs = createJsonClient(server.url);
      registerCleanup(() => {
        clients = undefined;
        sns.destroy();
        sqs.destroy();
      });
      return { url: server.url, sns, sqs };
    });
  }
  return clients;
}

/** A topic or queue name no other test uses. */
export function uniqueName(prefix = 't'): string {
  return `${prefix}-${randomUUID().slice(0, 13)}`;
}

/** Creates a queue and returns its URL and ARN. */
export async function createQueueWithArn(
  sqs: SQSClient,
  name: string,
  attributes: Record<string, string> = {},
): Promise<{ url: string; arn: string }> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: QueueUrl as string, AttributeNames: ['QueueArn'] }),
  );
  return { url: QueueUrl as string, arn: Attributes?.QueueArn as string };
}

/** Receives until `count` messages arrived or `deadlineMs` passed; each received message is left in flight. */
export async function receiveAll(
  sqs: SQSClient,
  queueUrl: string,
  count: number,
  deadlineMs = 10_000,
): Promise<Message[]> {
  const messages: Message[] = [];
  const deadline = Date.now() + deadlineMs;
  while (messages.length < count && Date.now() < deadline) {
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        VisibilityTimeout: 60,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
      }),
    );
    messages.push(...(Messages ?? []));
  }
  return messages;
}

/** Waits `ms` and returns whatever the queue holds then: for asserting that nothing arrived. */
export async function receiveFor(sqs: SQSClient, queueUrl: string, ms: number): Promise<Message[]> {
  return receiveAll(sqs, queueUrl, Number.POSITIVE_INFINITY, ms);
}

const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: false });

/** An SNS Query request as a bare client sends it: form POST, `Version=2010-03-31`, SigV4 for service `sns`. */
export async function snsQuery(
  endpoint: string,
  action: string,
  params: Readonly<Record<string, string | undefined>> = {},
  options: { service?: string; credentials?: { accessKeyId: string; secretAccessKey: string } } = {},
): Promise<{ status: number; raw: string; body: Record<string, unknown> }> {
  const form = new URLSearchParams({ Action: action, Version: '2010-03-31' });
  for (const [name, value] of Object.entries(params)) if (value !== undefined) form.append(name, value);
  const target = new URL(endpoint);
  const signer = new SignatureV4({
    service: options.service ?? 'sns',
    region: 'us-east-1',
    credentials: options.credentials ?? DUMMY_CREDENTIALS,
    sha256: Sha256,
  });
  const body = form.toString();
  const signed = await signer.sign({
    method: 'POST',
    protocol: target.protocol,
    hostname: target.hostname,
    ...(target.port ? { port: Number(target.port) } : {}),
    path: target.pathname,
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', host: target.host },
    body,
  });
  const { host: _host, ...headers } = signed.headers;
  const response = await fetch(target, { method: 'POST', headers, body });
  const raw = await response.text();
  return { status: response.status, raw, body: parser.parse(raw) as Record<string, unknown> };
}
