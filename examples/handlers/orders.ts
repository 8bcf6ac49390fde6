// A handler written for AWS Lambda's SQS integration, unchanged: `npm start -- --config examples/consumers.json`
// runs it for every message sent to the `orders` queue. A record whose body is not JSON is reported as failed;
// it comes back after the visibility timeout and, after three receives, moves to `orders-dlq`.
import type { SQSBatchResponse, SQSHandler } from 'aws-lambda';

export const handler: SQSHandler = async (event) => {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      const order = JSON.parse(record.body);
      console.log('order', order.id, 'received', record.attributes.ApproximateReceiveCount, 'times');
    } catch {
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
};
