import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Config } from '../lambda/config.js';
import { DUMMY_CREDENTIALS } from './dynamodb-local.js';
import { StartupError } from './startup-error.js';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '0.0.0.0']);

/**
 * Chooses the credentials the service signs its DynamoDB requests with:
 * - a loopback endpoint (the DynamoDB Local that `npm start` runs, or one on localhost): dummy
 *   `local`/`local`, so a machine without AWS config works and an expired SSO session does not matter;
 * - any other endpoint: the SDK's default chain (env, profile, SSO, instance role), signalled by
 *   `undefined`; when that chain finds nothing, dummy credentials for a non-AWS host (DynamoDB Local in
 *   Docker at http://dynamodb:8000, say), and an error for an `amazonaws.com` host, which would reject them.
 */
export async function chooseDynamoDbCredentials(
  endpoint: string,
  region: string,
): Promise<Config['dynamodbCredentials']> {
  const host = new URL(endpoint).hostname.toLowerCase();
  if (LOOPBACK_HOSTS.has(host) || host.endsWith('.localhost')) return DUMMY_CREDENTIALS;
  if (await hasDefaultCredentials(region)) return undefined;
  if (/\.amazonaws\.com(\.cn)?$/.test(host)) {
    throw new StartupError(
      `no AWS credentials found for ${endpoint}: set AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, ` +
        'or run `aws configure`',
    );
  }
  console.warn(`note: no AWS credentials configured; signing requests to ${endpoint} with dummy ones`);
  return DUMMY_CREDENTIALS;
}

async function hasDefaultCredentials(region: string): Promise<boolean> {
  const client = new DynamoDBClient({ region });
  try {
    await client.config.credentials();
    return true;
  } catch {
    return false;
  } finally {
    client.destroy();
  }
}
