import { SQSClient } from '@aws-sdk/client-sqs';
import { DUMMY_CREDENTIALS } from './dynamo-local.js';

/**
 * The real AWS SDK v3 SQS client (AWS JSON 1.0 protocol) pointed at a test server. One attempt only,
 * so an error reaches the test instead of being retried away. The SDK checks MD5OfMessageBody on
 * SendMessage, SendMessageBatch and ReceiveMessage itself.
 */
export function createJsonClient(endpoint: string): SQSClient {
  return new SQSClient({
    endpoint,
    region: 'us-east-1',
    credentials: DUMMY_CREDENTIALS,
    maxAttempts: 1,
  });
}
