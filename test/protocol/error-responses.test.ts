import { describe, expect, it } from 'vitest';
import { QueueDoesNotExist, SQS_ERROR_CODES, SqsError } from '../../lambda/engine/errors.js';
import { jsonErrorResponse } from '../../lambda/protocol/json.js';
import { queryErrorResponse } from '../../lambda/protocol/query.js';
import { wireError } from '../../lambda/protocol/wire-errors.js';

const REQUEST_ID = 'req-1';

describe('JSON error responses', () => {
  it('frames a modeled error with its shape name, legacy code and status', () => {
    const response = jsonErrorResponse(REQUEST_ID, new QueueDoesNotExist());

    expect(response.status).toBe(400);
    expect(response.headers).toEqual({
      'content-type': 'application/x-amz-json-1.0',
      'x-amzn-RequestId': REQUEST_ID,
      'x-amzn-query-error': 'AWS.SimpleQueueService.NonExistentQueue;Sender',
    });
    expect(JSON.parse(response.body)).toEqual({
      __type: 'com.amazonaws.sqs#QueueDoesNotExist',
      message: 'The specified queue does not exist.',
    });
  });

  it('frames an error outside the model with the Coral type AWS sends', () => {
    const response = jsonErrorResponse(REQUEST_ID, new SqsError('InvalidParameterValue', 'Bad value.'));

    expect(response.status).toBe(400);
    expect(response.headers['x-amzn-query-error']).toBe('InvalidParameterValue;Sender');
    expect(JSON.parse(response.body).__type).toBe('com.amazon.coral.service#InvalidParameterValueException');
  });

  it.each([
    ['PurgeQueueInProgress', 403, 'AWS.SimpleQueueService.PurgeQueueInProgress'],
    ['ReceiptHandleIsInvalid', 404, 'ReceiptHandleIsInvalid'],
    ['QueueNameExists', 400, 'QueueAlreadyExists'],
    ['OverLimit', 403, 'OverLimit'],
    ['MissingParameter', 400, 'MissingParameter'],
    ['TooManyEntriesInBatchRequest', 400, 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest'],
  ] as const)('answers %s with status %i and code %s', (code, status, queryCode) => {
    const response = jsonErrorResponse(REQUEST_ID, new SqsError(code, 'x'));

    expect(response.status).toBe(status);
    expect(response.headers['x-amzn-query-error']).toBe(`${queryCode};Sender`);
  });

  it('marks internal errors as the receiver’s fault with status 500', () => {
    const response = jsonErrorResponse(REQUEST_ID, new SqsError('InternalError', 'Oops.'));

    expect(response.status).toBe(500);
    expect(response.headers['x-amzn-query-error']).toBe('InternalError;Receiver');
  });
});

describe('Query error responses', () => {
  it('frames an error as an ErrorResponse with the legacy code', () => {
    const response = queryErrorResponse(
      REQUEST_ID,
      new SqsError('PurgeQueueInProgress', 'Only one PurgeQueue per 60 s.'),
    );

    expect(response.status).toBe(403);
    expect(response.headers).toEqual({ 'content-type': 'text/xml', 'x-amzn-RequestId': REQUEST_ID });
    expect(response.body).toBe(
      '<?xml version="1.0"?><ErrorResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/">' +
        '<Error><Type>Sender</Type><Code>AWS.SimpleQueueService.PurgeQueueInProgress</Code>' +
        '<Message>Only one PurgeQueue per 60 s.</Message><Detail/></Error>' +
        '<RequestId>req-1</RequestId></ErrorResponse>',
    );
  });

  it('uses the Query wording for a missing queue', () => {
    const response = queryErrorResponse(REQUEST_ID, new QueueDoesNotExist());

    expect(response.body).toContain('<Code>AWS.SimpleQueueService.NonExistentQueue</Code>');
    expect(response.body).toContain(
      '<Message>The specified queue does not exist for this wsdl version.</Message>',
    );
  });

  it('escapes the message', () => {
    const response = queryErrorResponse(
      REQUEST_ID,
      new SqsError('InvalidParameterValue', 'Value "<x>" & more'),
    );

    expect(response.body).toContain('<Message>Value &quot;&lt;x&gt;&quot; &amp; more</Message>');
  });

  it('gives internal errors the Receiver type', () => {
    const response = queryErrorResponse(REQUEST_ID, new SqsError('InternalError', 'Oops.'));

    expect(response.status).toBe(500);
    expect(response.body).toContain('<Type>Receiver</Type><Code>InternalError</Code>');
  });
});

describe('the wire error table', () => {
  it.each(SQS_ERROR_CODES)('has a complete row for %s', (code) => {
    const wire = wireError(code);

    expect([400, 403, 404, 500, 503]).toContain(wire.status);
    expect(wire.queryCode).toMatch(/^[A-Za-z.]+$/);
    expect(wire.jsonType).toMatch(/^com\.amazon(aws\.sqs|\.coral\.service)#[A-Za-z]+$/);
  });
});
