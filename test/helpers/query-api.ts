import {
  isNode,
  list,
  nodes,
  type QueryClient,
  QueryError,
  type QueryParams,
  text,
  type XmlNode,
} from './query-client.js';
import type {
  BatchFailure,
  BatchResult,
  MessageAttributeInput,
  MessageAttributeMap,
  MessageMoveTask,
  ReceivedMessage,
  SendOptions,
  SendResult,
  SqsApi,
} from './sqs-api.js';
import { SqsClientError } from './sqs-api.js';

/** {@link SqsApi} over the legacy Query protocol: flattened form params in, XML out. */
export function createQueryApi(client: QueryClient): SqsApi {
  const send = async (action: string, params: QueryParams): Promise<XmlNode> => {
    try {
      return await client.send(action, params);
    } catch (error) {
      if (error instanceof QueryError) {
        throw new SqsClientError('query', error.status, error.code, error.code, error.message);
      }
      throw error;
    }
  };

  return {
    protocol: 'query',
    createQueue: async (QueueName, attributes = {}, tags = {}) => {
      const result = await send('CreateQueue', {
        QueueName,
        ...flattenMap('Attribute', 'Name', 'Value', attributes),
        ...flattenMap('Tag', 'Key', 'Value', tags),
      });
      return text(result.QueueUrl);
    },
    getQueueUrl: async (QueueName, QueueOwnerAWSAccountId) => {
      const result = await send('GetQueueUrl', { QueueName, QueueOwnerAWSAccountId });
      return text(result.QueueUrl);
    },
    listQueues: async (options = {}) => {
      const result = await send('ListQueues', {
        QueueNamePrefix: options.queueNamePrefix,
        MaxResults: options.maxResults,
        NextToken: options.nextToken,
      });
      const nextToken = text(result.NextToken);
      return { queueUrls: list(result.QueueUrl).map(text), ...(nextToken ? { nextToken } : {}) };
    },
    deleteQueue: async (QueueUrl) => {
      await send('DeleteQueue', { QueueUrl });
    },
    getQueueAttributes: async (QueueUrl, names = ['All']) => {
      const result = await send('GetQueueAttributes', { QueueUrl, ...flattenList('AttributeName', names) });
      return nameValues(result.Attribute);
    },
    setQueueAttributes: async (QueueUrl, attributes) => {
      await send('SetQueueAttributes', { QueueUrl, ...flattenMap('Attribute', 'Name', 'Value', attributes) });
    },
    purgeQueue: async (QueueUrl) => {
      await send('PurgeQueue', { QueueUrl });
    },
    tagQueue: async (QueueUrl, tags) => {
      await send('TagQueue', { QueueUrl, ...flattenMap('Tag', 'Key', 'Value', tags) });
    },
    untagQueue: async (QueueUrl, tagKeys) => {
      await send('UntagQueue', { QueueUrl, ...flattenList('TagKey', tagKeys) });
    },
    listQueueTags: async (QueueUrl) => {
      const result = await send('ListQueueTags', { QueueUrl });
      return Object.fromEntries(nodes(result.Tag).map((tag) => [text(tag.Key), text(tag.Value)]));
    },
    sendMessage: async (QueueUrl, MessageBody, options = {}) => {
      const result = await send('SendMessage', { QueueUrl, MessageBody, ...sendParams('', options) });
      return toSendResult(result);
    },
    sendMessageBatch: async (QueueUrl, entries) => {
      const params: Record<string, string | number | undefined> = { QueueUrl };
      entries.forEach((entry, i) => {
        const prefix = `SendMessageBatchRequestEntry.${i + 1}.`;
        params[`${prefix}Id`] = entry.id;
        params[`${prefix}MessageBody`] = entry.body;
        Object.assign(params, sendParams(prefix, entry));
      });
      const result = await send('SendMessageBatch', params);
      return {
        successful: nodes(result.SendMessageBatchResultEntry).map((entry) => ({
          id: text(entry.Id),
          ...toSendResult(entry),
        })),
        failed: toFailures(result),
      };
    },
    receiveMessage: async (QueueUrl, options = {}) => {
      const result = await send('ReceiveMessage', {
        QueueUrl,
        MaxNumberOfMessages: options.maxNumberOfMessages,
        VisibilityTimeout: options.visibilityTimeout,
        WaitTimeSeconds: options.waitTimeSeconds,
        ReceiveRequestAttemptId: options.receiveRequestAttemptId,
        ...flattenList('MessageSystemAttributeName', options.messageSystemAttributeNames ?? []),
        ...flattenList('AttributeName', options.attributeNames ?? []),
        ...flattenList('MessageAttributeName', options.messageAttributeNames ?? []),
      });
      return nodes(result.Message).map(toReceivedMessage);
    },
    deleteMessage: async (QueueUrl, ReceiptHandle) => {
      await send('DeleteMessage', { QueueUrl, ReceiptHandle });
    },
    deleteMessageBatch: async (QueueUrl, entries) => {
      const params: Record<string, string> = { QueueUrl };
      entries.forEach((entry, i) => {
        params[`DeleteMessageBatchRequestEntry.${i + 1}.Id`] = entry.id;
        params[`DeleteMessageBatchRequestEntry.${i + 1}.ReceiptHandle`] = entry.receiptHandle;
      });
      const result = await send('DeleteMessageBatch', params);
      return toIdBatchResult(result, 'DeleteMessageBatchResultEntry');
    },
    changeMessageVisibility: async (QueueUrl, ReceiptHandle, VisibilityTimeout) => {
      await send('ChangeMessageVisibility', { QueueUrl, ReceiptHandle, VisibilityTimeout });
    },
    changeMessageVisibilityBatch: async (QueueUrl, entries) => {
      const params: Record<string, string | number> = { QueueUrl };
      entries.forEach((entry, i) => {
        const prefix = `ChangeMessageVisibilityBatchRequestEntry.${i + 1}.`;
        params[`${prefix}Id`] = entry.id;
        params[`${prefix}ReceiptHandle`] = entry.receiptHandle;
        params[`${prefix}VisibilityTimeout`] = entry.visibilityTimeout;
      });
      const result = await send('ChangeMessageVisibilityBatch', params);
      return toIdBatchResult(result, 'ChangeMessageVisibilityBatchResultEntry');
    },
    startMessageMoveTask: async (SourceArn, options = {}) => {
      const result = await send('StartMessageMoveTask', {
        SourceArn,
        DestinationArn: options.destinationArn,
        MaxNumberOfMessagesPerSecond: options.maxNumberOfMessagesPerSecond,
      });
      return text(result.TaskHandle);
    },
    listMessageMoveTasks: async (SourceArn, MaxResults) => {
      const result = await send('ListMessageMoveTasks', { SourceArn, MaxResults });
      return nodes(result.ListMessageMoveTasksResultEntry).map(toMessageMoveTask);
    },
    cancelMessageMoveTask: async (TaskHandle) => {
      const result = await send('CancelMessageMoveTask', { TaskHandle });
      return Number(text(result.ApproximateNumberOfMessagesMoved));
    },
  };
}

/** A `<ListMessageMoveTasksResultEntry>`; numbers arrive as text, absent members stay absent. */
function toMessageMoveTask(node: XmlNode): MessageMoveTask {
  const optional = (name: string): string | undefined =>
    node[name] === undefined ? undefined : text(node[name]);
  const taskHandle = optional('TaskHandle');
  const destinationArn = optional('DestinationArn');
  const maxNumberOfMessagesPerSecond = optional('MaxNumberOfMessagesPerSecond');
  const approximateNumberOfMessagesToMove = optional('ApproximateNumberOfMessagesToMove');
  const failureReason = optional('FailureReason');
  return {
    ...(taskHandle !== undefined ? { taskHandle } : {}),
    status: text(node.Status),
    sourceArn: text(node.SourceArn),
    ...(destinationArn !== undefined ? { destinationArn } : {}),
    ...(maxNumberOfMessagesPerSecond !== undefined
      ? { maxNumberOfMessagesPerSecond: Number(maxNumberOfMessagesPerSecond) }
      : {}),
    approximateNumberOfMessagesMoved: Number(text(node.ApproximateNumberOfMessagesMoved)),
    ...(approximateNumberOfMessagesToMove !== undefined
      ? { approximateNumberOfMessagesToMove: Number(approximateNumberOfMessagesToMove) }
      : {}),
    ...(failureReason !== undefined ? { failureReason } : {}),
    startedTimestamp: Number(text(node.StartedTimestamp)),
  };
}

/** `{a: '1'}` -> `{'Attribute.1.Name': 'a', 'Attribute.1.Value': '1'}` */
export function flattenMap(
  prefix: string,
  keyName: string,
  valueName: string,
  map: Readonly<Record<string, string>>,
): Record<string, string> {
  const params: Record<string, string> = {};
  Object.entries(map).forEach(([key, value], i) => {
    params[`${prefix}.${i + 1}.${keyName}`] = key;
    params[`${prefix}.${i + 1}.${valueName}`] = value;
  });
  return params;
}

/** `['a', 'b']` -> `{'AttributeName.1': 'a', 'AttributeName.2': 'b'}` */
export function flattenList(prefix: string, values: readonly string[]): Record<string, string> {
  return Object.fromEntries(values.map((value, i) => [`${prefix}.${i + 1}`, value]));
}

/** Message attributes as `MessageAttribute.N.Name` / `.Value.DataType` / `.Value.StringValue|BinaryValue`. */
export function flattenMessageAttributes(
  prefix: string,
  attributes: MessageAttributeMap,
): Record<string, string> {
  const params: Record<string, string> = {};
  Object.entries(attributes).forEach(([name, value], i) => {
    const at = `${prefix}.${i + 1}`;
    params[`${at}.Name`] = name;
    params[`${at}.Value.DataType`] = value.dataType;
    if (value.stringValue !== undefined) params[`${at}.Value.StringValue`] = value.stringValue;
    if (value.binaryValue !== undefined) {
      params[`${at}.Value.BinaryValue`] = Buffer.from(value.binaryValue).toString('base64');
    }
  });
  return params;
}

function sendParams(prefix: string, options: SendOptions): Record<string, string | number | undefined> {
  return {
    [`${prefix}DelaySeconds`]: options.delaySeconds,
    [`${prefix}MessageGroupId`]: options.messageGroupId,
    [`${prefix}MessageDeduplicationId`]: options.messageDeduplicationId,
    ...flattenMessageAttributes(`${prefix}MessageAttribute`, options.messageAttributes ?? {}),
    ...flattenMessageAttributes(`${prefix}MessageSystemAttribute`, options.messageSystemAttributes ?? {}),
  };
}

function toSendResult(node: XmlNode): SendResult {
  return {
    messageId: text(node.MessageId),
    md5OfMessageBody: text(node.MD5OfMessageBody),
    ...(text(node.MD5OfMessageAttributes)
      ? { md5OfMessageAttributes: text(node.MD5OfMessageAttributes) }
      : {}),
    ...(text(node.MD5OfMessageSystemAttributes)
      ? { md5OfMessageSystemAttributes: text(node.MD5OfMessageSystemAttributes) }
      : {}),
    ...(text(node.SequenceNumber) ? { sequenceNumber: text(node.SequenceNumber) } : {}),
  };
}

function toReceivedMessage(node: XmlNode): ReceivedMessage {
  const messageAttributes: Record<string, MessageAttributeInput> = {};
  for (const attribute of nodes(node.MessageAttribute)) {
    const value = isNode(attribute.Value) ? attribute.Value : {};
    messageAttributes[text(attribute.Name)] = {
      dataType: text(value.DataType),
      ...(value.StringValue !== undefined ? { stringValue: text(value.StringValue) } : {}),
      ...(value.BinaryValue !== undefined
        ? { binaryValue: Uint8Array.from(Buffer.from(text(value.BinaryValue), 'base64')) }
        : {}),
    };
  }
  return {
    messageId: text(node.MessageId),
    receiptHandle: text(node.ReceiptHandle),
    body: text(node.Body),
    md5OfBody: text(node.MD5OfBody),
    ...(text(node.MD5OfMessageAttributes)
      ? { md5OfMessageAttributes: text(node.MD5OfMessageAttributes) }
      : {}),
    attributes: nameValues(node.Attribute),
    messageAttributes,
  };
}

function nameValues(value: XmlNode[string] | undefined): Record<string, string> {
  return Object.fromEntries(nodes(value).map((attribute) => [text(attribute.Name), text(attribute.Value)]));
}

function toFailures(result: XmlNode): BatchFailure[] {
  return nodes(result.BatchResultErrorEntry).map((entry) => ({
    id: text(entry.Id),
    senderFault: text(entry.SenderFault) === 'true',
    code: text(entry.Code),
    message: text(entry.Message),
  }));
}

function toIdBatchResult(result: XmlNode, entryName: string): BatchResult<{ id: string }> {
  return {
    successful: nodes(result[entryName]).map((entry) => ({ id: text(entry.Id) })),
    failed: toFailures(result),
  };
}
