import {
  CancelMessageMoveTaskCommand,
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListMessageMoveTasksCommand,
  ListQueuesCommand,
  ListQueueTagsCommand,
  type MessageAttributeValue,
  type MessageSystemAttributeName,
  type MessageSystemAttributeNameForSends,
  type MessageSystemAttributeValue,
  PurgeQueueCommand,
  type QueueAttributeName,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  type SQSClient,
  StartMessageMoveTaskCommand,
  TagQueueCommand,
  UntagQueueCommand,
} from '@aws-sdk/client-sqs';
import type {
  BatchFailure,
  BatchResult,
  MessageAttributeInput,
  MessageAttributeMap,
  MessageMoveTask,
  ReceivedMessage,
  SendResult,
  SqsApi,
} from './sqs-api.js';
import { SqsClientError } from './sqs-api.js';

/** {@link SqsApi} over the real AWS SDK v3 client (AWS JSON 1.0). */
export function createJsonApi(client: SQSClient): SqsApi {
  const call = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      throw toSqsClientError(error);
    }
  };

  return {
    protocol: 'json',
    createQueue: (QueueName, Attributes, tags) =>
      call(async () => {
        const out = await client.send(new CreateQueueCommand({ QueueName, Attributes, tags }));
        return required(out.QueueUrl, 'QueueUrl');
      }),
    getQueueUrl: (QueueName, QueueOwnerAWSAccountId) =>
      call(async () => {
        const out = await client.send(new GetQueueUrlCommand({ QueueName, QueueOwnerAWSAccountId }));
        return required(out.QueueUrl, 'QueueUrl');
      }),
    listQueues: (options = {}) =>
      call(async () => {
        const out = await client.send(
          new ListQueuesCommand({
            QueueNamePrefix: options.queueNamePrefix,
            MaxResults: options.maxResults,
            NextToken: options.nextToken,
          }),
        );
        return { queueUrls: out.QueueUrls ?? [], ...(out.NextToken ? { nextToken: out.NextToken } : {}) };
      }),
    deleteQueue: (QueueUrl) =>
      call(async () => {
        await client.send(new DeleteQueueCommand({ QueueUrl }));
      }),
    getQueueAttributes: (QueueUrl, names = ['All']) =>
      call(async () => {
        const AttributeNames = names as QueueAttributeName[];
        const out = await client.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames }));
        return { ...out.Attributes };
      }),
    setQueueAttributes: (QueueUrl, Attributes) =>
      call(async () => {
        await client.send(new SetQueueAttributesCommand({ QueueUrl, Attributes }));
      }),
    purgeQueue: (QueueUrl) =>
      call(async () => {
        await client.send(new PurgeQueueCommand({ QueueUrl }));
      }),
    tagQueue: (QueueUrl, Tags) =>
      call(async () => {
        await client.send(new TagQueueCommand({ QueueUrl, Tags }));
      }),
    untagQueue: (QueueUrl, TagKeys) =>
      call(async () => {
        await client.send(new UntagQueueCommand({ QueueUrl, TagKeys: [...TagKeys] }));
      }),
    listQueueTags: (QueueUrl) =>
      call(async () => {
        const out = await client.send(new ListQueueTagsCommand({ QueueUrl }));
        return { ...out.Tags };
      }),
    sendMessage: (QueueUrl, MessageBody, options = {}) =>
      call(async () => {
        const out = await client.send(
          new SendMessageCommand({
            QueueUrl,
            MessageBody,
            DelaySeconds: options.delaySeconds,
            MessageAttributes: toSdkAttributes(options.messageAttributes),
            MessageSystemAttributes: toSdkAttributes(options.messageSystemAttributes) as
              | Record<MessageSystemAttributeNameForSends, MessageSystemAttributeValue>
              | undefined,
            MessageGroupId: options.messageGroupId,
            MessageDeduplicationId: options.messageDeduplicationId,
          }),
        );
        return toSendResult(out);
      }),
    sendMessageBatch: (QueueUrl, entries) =>
      call(async () => {
        const out = await client.send(
          new SendMessageBatchCommand({
            QueueUrl,
            Entries: entries.map((entry) => ({
              Id: entry.id,
              MessageBody: entry.body,
              DelaySeconds: entry.delaySeconds,
              MessageAttributes: toSdkAttributes(entry.messageAttributes),
              MessageSystemAttributes: toSdkAttributes(entry.messageSystemAttributes) as
                | Record<MessageSystemAttributeNameForSends, MessageSystemAttributeValue>
                | undefined,
              MessageGroupId: entry.messageGroupId,
              MessageDeduplicationId: entry.messageDeduplicationId,
            })),
          }),
        );
        return {
          successful: (out.Successful ?? []).map((entry) => ({
            id: required(entry.Id, 'Id'),
            ...toSendResult(entry),
          })),
          failed: toFailures(out.Failed),
        };
      }),
    receiveMessage: (QueueUrl, options = {}) =>
      call(async () => {
        const out = await client.send(
          new ReceiveMessageCommand({
            QueueUrl,
            MaxNumberOfMessages: options.maxNumberOfMessages,
            VisibilityTimeout: options.visibilityTimeout,
            WaitTimeSeconds: options.waitTimeSeconds,
            MessageSystemAttributeNames: options.messageSystemAttributeNames as
              | MessageSystemAttributeName[]
              | undefined,
            AttributeNames: options.attributeNames as QueueAttributeName[] | undefined,
            MessageAttributeNames: options.messageAttributeNames as string[] | undefined,
            ReceiveRequestAttemptId: options.receiveRequestAttemptId,
          }),
        );
        return (out.Messages ?? []).map(
          (message): ReceivedMessage => ({
            messageId: required(message.MessageId, 'MessageId'),
            receiptHandle: required(message.ReceiptHandle, 'ReceiptHandle'),
            body: message.Body ?? '',
            md5OfBody: required(message.MD5OfBody, 'MD5OfBody'),
            ...(message.MD5OfMessageAttributes
              ? { md5OfMessageAttributes: message.MD5OfMessageAttributes }
              : {}),
            attributes: { ...message.Attributes },
            messageAttributes: fromSdkAttributes(message.MessageAttributes),
          }),
        );
      }),
    deleteMessage: (QueueUrl, ReceiptHandle) =>
      call(async () => {
        await client.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle }));
      }),
    deleteMessageBatch: (QueueUrl, entries) =>
      call(async () => {
        const out = await client.send(
          new DeleteMessageBatchCommand({
            QueueUrl,
            Entries: entries.map((entry) => ({ Id: entry.id, ReceiptHandle: entry.receiptHandle })),
          }),
        );
        return toIdBatchResult(out);
      }),
    changeMessageVisibility: (QueueUrl, ReceiptHandle, VisibilityTimeout) =>
      call(async () => {
        await client.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle, VisibilityTimeout }));
      }),
    changeMessageVisibilityBatch: (QueueUrl, entries) =>
      call(async () => {
        const out = await client.send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl,
            Entries: entries.map((entry) => ({
              Id: entry.id,
              ReceiptHandle: entry.receiptHandle,
              VisibilityTimeout: entry.visibilityTimeout,
            })),
          }),
        );
        return toIdBatchResult(out);
      }),
    startMessageMoveTask: (SourceArn, options = {}) =>
      call(async () => {
        const out = await client.send(
          new StartMessageMoveTaskCommand({
            SourceArn,
            DestinationArn: options.destinationArn,
            MaxNumberOfMessagesPerSecond: options.maxNumberOfMessagesPerSecond,
          }),
        );
        return required(out.TaskHandle, 'TaskHandle');
      }),
    listMessageMoveTasks: (SourceArn, MaxResults) =>
      call(async () => {
        const out = await client.send(new ListMessageMoveTasksCommand({ SourceArn, MaxResults }));
        return (out.Results ?? []).map(
          (entry): MessageMoveTask => ({
            ...(entry.TaskHandle !== undefined ? { taskHandle: entry.TaskHandle } : {}),
            status: required(entry.Status, 'Status'),
            sourceArn: required(entry.SourceArn, 'SourceArn'),
            ...(entry.DestinationArn !== undefined ? { destinationArn: entry.DestinationArn } : {}),
            ...(entry.MaxNumberOfMessagesPerSecond !== undefined
              ? { maxNumberOfMessagesPerSecond: entry.MaxNumberOfMessagesPerSecond }
              : {}),
            approximateNumberOfMessagesMoved: required(
              entry.ApproximateNumberOfMessagesMoved,
              'ApproximateNumberOfMessagesMoved',
            ),
            ...(entry.ApproximateNumberOfMessagesToMove !== undefined
              ? { approximateNumberOfMessagesToMove: entry.ApproximateNumberOfMessagesToMove }
              : {}),
            ...(entry.FailureReason !== undefined ? { failureReason: entry.FailureReason } : {}),
            startedTimestamp: required(entry.StartedTimestamp, 'StartedTimestamp'),
          }),
        );
      }),
    cancelMessageMoveTask: (TaskHandle) =>
      call(async () => {
        const out = await client.send(new CancelMessageMoveTaskCommand({ TaskHandle }));
        return required(out.ApproximateNumberOfMessagesMoved, 'ApproximateNumberOfMessagesMoved');
      }),
  };
}

/** Turns an SDK service exception into an {@link SqsClientError}; anything else is rethrown as is. */
export function toSqsClientError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const details = error as Error & {
    $metadata?: { httpStatusCode?: number };
    Code?: string;
    Error?: { Code?: string };
  };
  const status = details.$metadata?.httpStatusCode;
  if (status === undefined) return error;
  const queryCode = details.Code ?? details.Error?.Code;
  return new SqsClientError('json', status, error.name, queryCode, error.message);
}

function toSdkAttributes(
  attributes: MessageAttributeMap | undefined,
): Record<string, MessageAttributeValue> | undefined {
  if (attributes === undefined) return undefined;
  return Object.fromEntries(
    Object.entries(attributes).map(([name, value]) => [
      name,
      { DataType: value.dataType, StringValue: value.stringValue, BinaryValue: value.binaryValue },
    ]),
  );
}

function fromSdkAttributes(
  attributes: Record<string, MessageAttributeValue> | undefined,
): MessageAttributeMap {
  const result: Record<string, MessageAttributeInput> = {};
  for (const [name, value] of Object.entries(attributes ?? {})) {
    result[name] = {
      dataType: value.DataType ?? '',
      ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
      ...(value.BinaryValue !== undefined ? { binaryValue: Uint8Array.from(value.BinaryValue) } : {}),
    };
  }
  return result;
}

function toSendResult(out: {
  MessageId?: string;
  MD5OfMessageBody?: string;
  MD5OfMessageAttributes?: string;
  MD5OfMessageSystemAttributes?: string;
  SequenceNumber?: string;
}): SendResult {
  return {
    messageId: required(out.MessageId, 'MessageId'),
    md5OfMessageBody: required(out.MD5OfMessageBody, 'MD5OfMessageBody'),
    ...(out.MD5OfMessageAttributes ? { md5OfMessageAttributes: out.MD5OfMessageAttributes } : {}),
    ...(out.MD5OfMessageSystemAttributes
      ? { md5OfMessageSystemAttributes: out.MD5OfMessageSystemAttributes }
      : {}),
    ...(out.SequenceNumber ? { sequenceNumber: out.SequenceNumber } : {}),
  };
}

function toFailures(
  failed: { Id?: string; SenderFault?: boolean; Code?: string; Message?: string }[] | undefined,
): BatchFailure[] {
  return (failed ?? []).map((entry) => ({
    id: entry.Id ?? '',
    senderFault: entry.SenderFault ?? false,
    code: entry.Code ?? '',
    message: entry.Message ?? '',
  }));
}

function toIdBatchResult(out: {
  Successful?: { Id?: string }[];
  Failed?: { Id?: string; SenderFault?: boolean; Code?: string; Message?: string }[];
}): BatchResult<{ id: string }> {
  return {
    successful: (out.Successful ?? []).map((entry) => ({ id: required(entry.Id, 'Id') })),
    failed: toFailures(out.Failed),
  };
}

function required<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new Error(`response lacks ${name}`);
  return value;
}
