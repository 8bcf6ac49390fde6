import { describe, expect, it } from 'vitest';
import type { MessageMoveTask, SqsEngine } from '../../lambda/engine/types.js';
import { createRequestHandler } from '../../lambda/protocol/handle-request.js';
import { fakeEngine, jsonRequest, queryRequest } from './fake-engine.js';

const NS = 'http://queue.amazonaws.com/doc/2012-11-05/';
const DLQ_ARN = 'arn:aws:sqs:us-east-1:123456789012:orders-dlq';
const DESTINATION_ARN = 'arn:aws:sqs:us-east-1:123456789012:orders';

/** Calls one action over both protocols with the same engine answers; returns the JSON body and Query result. */
async function respond(
  overrides: Partial<SqsEngine>,
  action: string,
  json: object,
  query: Record<string, string>,
) {
  const engine = fakeEngine(overrides);
  const handler = createRequestHandler(engine);
  const jsonResponse = await handler(jsonRequest(action, json));
  const queryResponse = await handler(queryRequest({ Action: action, ...query }));
  expect(jsonResponse.status).toBe(200);
  expect(queryResponse.status).toBe(200);
  const requestId = queryResponse.headers['x-amzn-RequestId'];
  const prefix = `<?xml version="1.0"?><${action}Response xmlns="${NS}">`;
  const suffix = `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
  expect(queryResponse.body.startsWith(prefix) && queryResponse.body.endsWith(suffix)).toBe(true);
  return {
    inputs: engine.calls.map((call) => call.input),
    json: JSON.parse(jsonResponse.body) as unknown,
    result: queryResponse.body.slice(prefix.length, -suffix.length),
  };
}

describe('StartMessageMoveTask on the wire', () => {
  it('decodes SourceArn, DestinationArn and the rate, and answers with the TaskHandle', async () => {
    const { inputs, json, result } = await respond(
      {},
      'StartMessageMoveTask',
      { SourceArn: DLQ_ARN, DestinationArn: DESTINATION_ARN, MaxNumberOfMessagesPerSecond: 10 },
      { SourceArn: DLQ_ARN, DestinationArn: DESTINATION_ARN, MaxNumberOfMessagesPerSecond: '10' },
    );

    const input = { sourceArn: DLQ_ARN, destinationArn: DESTINATION_ARN, maxNumberOfMessagesPerSecond: 10 };
    expect(inputs).toEqual([input, input]);
    expect(json).toEqual({ TaskHandle: 'task-handle-1' });
    expect(result).toBe(
      '<StartMessageMoveTaskResult><TaskHandle>task-handle-1</TaskHandle></StartMessageMoveTaskResult>',
    );
  });

  it('leaves out a DestinationArn and a rate that were not sent', async () => {
    const { inputs } = await respond(
      {},
      'StartMessageMoveTask',
      { SourceArn: DLQ_ARN },
      { SourceArn: DLQ_ARN },
    );

    expect(inputs).toEqual([{ sourceArn: DLQ_ARN }, { sourceArn: DLQ_ARN }]);
  });

  it('answers a request without SourceArn with MissingParameter', async () => {
    const handler = createRequestHandler(fakeEngine());

    const json = await handler(jsonRequest('StartMessageMoveTask', {}));
    const query = await handler(queryRequest({ Action: 'StartMessageMoveTask' }));

    expect(json.status).toBe(400);
    expect(json.headers['x-amzn-query-error']).toBe('MissingParameter;Sender');
    expect(query.body).toContain('<Code>MissingParameter</Code>');
  });
});

describe('ListMessageMoveTasks on the wire', () => {
  const running: MessageMoveTask = {
    taskHandle: 'handle-2',
    status: 'RUNNING',
    sourceArn: DLQ_ARN,
    destinationArn: DESTINATION_ARN,
    maxNumberOfMessagesPerSecond: 1,
    approximateNumberOfMessagesMoved: 2,
    approximateNumberOfMessagesToMove: 10,
    startedTimestamp: 1_700_000_000_123,
  };
  const failed: MessageMoveTask = {
    status: 'FAILED',
    sourceArn: DLQ_ARN,
    approximateNumberOfMessagesMoved: 3,
    approximateNumberOfMessagesToMove: 10,
    failureReason: 'AWS.SimpleQueueService.NonExistentQueue',
    startedTimestamp: 1_600_000_000_000,
  };

  it('encodes each task with only the members it has, as JSON Results and Query entries', async () => {
    const listMessageMoveTasks = async () => ({ results: [running, failed] });

    const { inputs, json, result } = await respond(
      { listMessageMoveTasks },
      'ListMessageMoveTasks',
      { SourceArn: DLQ_ARN, MaxResults: 2 },
      { SourceArn: DLQ_ARN, MaxResults: '2' },
    );

    expect(inputs).toEqual([
      { sourceArn: DLQ_ARN, maxResults: 2 },
      { sourceArn: DLQ_ARN, maxResults: 2 },
    ]);
    expect(json).toEqual({
      Results: [
        {
          TaskHandle: 'handle-2',
          Status: 'RUNNING',
          SourceArn: DLQ_ARN,
          DestinationArn: DESTINATION_ARN,
          MaxNumberOfMessagesPerSecond: 1,
          ApproximateNumberOfMessagesMoved: 2,
          ApproximateNumberOfMessagesToMove: 10,
          StartedTimestamp: 1_700_000_000_123,
        },
        {
          Status: 'FAILED',
          SourceArn: DLQ_ARN,
          ApproximateNumberOfMessagesMoved: 3,
          ApproximateNumberOfMessagesToMove: 10,
          FailureReason: 'AWS.SimpleQueueService.NonExistentQueue',
          StartedTimestamp: 1_600_000_000_000,
        },
      ],
    });
    expect(result).toBe(
      '<ListMessageMoveTasksResult>' +
        '<ListMessageMoveTasksResultEntry><TaskHandle>handle-2</TaskHandle><Status>RUNNING</Status>' +
        `<SourceArn>${DLQ_ARN}</SourceArn><DestinationArn>${DESTINATION_ARN}</DestinationArn>` +
        '<MaxNumberOfMessagesPerSecond>1</MaxNumberOfMessagesPerSecond>' +
        '<ApproximateNumberOfMessagesMoved>2</ApproximateNumberOfMessagesMoved>' +
        '<ApproximateNumberOfMessagesToMove>10</ApproximateNumberOfMessagesToMove>' +
        '<StartedTimestamp>1700000000123</StartedTimestamp></ListMessageMoveTasksResultEntry>' +
        '<ListMessageMoveTasksResultEntry><Status>FAILED</Status>' +
        `<SourceArn>${DLQ_ARN}</SourceArn>` +
        '<ApproximateNumberOfMessagesMoved>3</ApproximateNumberOfMessagesMoved>' +
        '<ApproximateNumberOfMessagesToMove>10</ApproximateNumberOfMessagesToMove>' +
        '<FailureReason>AWS.SimpleQueueService.NonExistentQueue</FailureReason>' +
        '<StartedTimestamp>1600000000000</StartedTimestamp></ListMessageMoveTasksResultEntry>' +
        '</ListMessageMoveTasksResult>',
    );
  });

  it('answers with empty Results when the queue has no task', async () => {
    const { inputs, json, result } = await respond(
      {},
      'ListMessageMoveTasks',
      { SourceArn: DLQ_ARN },
      { SourceArn: DLQ_ARN },
    );

    expect(inputs).toEqual([{ sourceArn: DLQ_ARN }, { sourceArn: DLQ_ARN }]);
    expect(json).toEqual({ Results: [] });
    expect(result).toBe('<ListMessageMoveTasksResult/>');
  });
});

describe('CancelMessageMoveTask on the wire', () => {
  it('decodes the TaskHandle and answers with ApproximateNumberOfMessagesMoved', async () => {
    const cancelMessageMoveTask = async () => ({ approximateNumberOfMessagesMoved: 7 });

    const { inputs, json, result } = await respond(
      { cancelMessageMoveTask },
      'CancelMessageMoveTask',
      { TaskHandle: 'handle-1' },
      { TaskHandle: 'handle-1' },
    );

    expect(inputs).toEqual([{ taskHandle: 'handle-1' }, { taskHandle: 'handle-1' }]);
    expect(json).toEqual({ ApproximateNumberOfMessagesMoved: 7 });
    expect(result).toBe(
      '<CancelMessageMoveTaskResult><ApproximateNumberOfMessagesMoved>7</ApproximateNumberOfMessagesMoved>' +
        '</CancelMessageMoveTaskResult>',
    );
  });
});
