import { describe, expect, it } from 'vitest';
import type { HttpRequest } from '../../lambda/protocol/http.js';
import { isTopicsRequest } from '../../lambda/protocol/route-request.js';

const request = (overrides: Partial<HttpRequest>): HttpRequest => ({
  method: 'POST',
  path: '/',
  headers: {},
  body: '',
  ...overrides,
});

describe('isTopicsRequest', () => {
  it.each([
    ['SNS Query version in the body', request({ body: 'Action=ListTopics&Version=2010-03-31' })],
    [
      'SNS Query version in the URL',
      request({ method: 'GET', query: 'Version=2010-03-31&Action=ListTopics' }),
    ],
    [
      'a credential scope for sns',
      request({
        headers: {
          authorization:
            'AWS4-HMAC-SHA256 Credential=AKID/20261207/us-east-1/sns/aws4_request, SignedHeaders=host, Signature=x',
        },
      }),
    ],
    [
      'a presigned sns scope',
      request({ query: 'X-Amz-Credential=AKID%2F20261207%2Fus-east-1%2Fsns%2Faws4_request' }),
    ],
    ['the signing certificate', request({ method: 'GET', path: '/sns/SimpleNotificationService-abc.pem' })],
    [
      'an UnsubscribeURL',
      request({
        method: 'GET',
        query: 'Action=Unsubscribe&SubscriptionArn=arn:aws:sns:us-east-1:000000000000:t:x',
      }),
    ],
  ])('takes %s', (_label, taken) => {
    expect(isTopicsRequest(taken)).toBe(true);
  });

  it.each([
    ['an SQS Query request', request({ body: 'Action=ListQueues&Version=2012-11-05' })],
    ['an SQS JSON request', request({ headers: { 'x-amz-target': 'AmazonSQS.ListQueues' }, body: '{}' })],
    [
      'a message body that mentions the SNS version',
      request({ body: 'Action=SendMessage&MessageBody=Version%3D2010-03-31&Version=2012-11-05' }),
    ],
    [
      'an sqs credential scope',
      request({
        headers: { authorization: 'AWS4-HMAC-SHA256 Credential=AKID/20261207/us-east-1/sqs/aws4_request' },
      }),
    ],
  ])('leaves %s to SQS', (_label, left) => {
    expect(isTopicsRequest(left)).toBe(false);
  });
});
