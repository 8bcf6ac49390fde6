import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DUMMY_CREDENTIALS } from './dynamodb-local.js';
import { StartupError } from './startup-error.js';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '0.0.0.0']);

/**
 * Chooses the credentials the service's DynamoDB client will sign with:
 * - a loopback endpoint (the DynamoDB Local that `npm start` runs, or one on localhost): dummy
 *   `local`/`local`, so a machine without AWS config works and an expired SSO session does not matter;
 * - any other endpoint: the SDK's default chain (env, profile, SSO, instance role); when it finds nothing,
 *   dummy credentials for a non-AWS host (say DynamoDB Local in Docker at http://dynamodb:8000), and an
 *   error for an `amazonaws.com` host, which would reject them anyway.
 */
export async function useDynamoDbCredentials(endpoint: string, region: string): Promise<void> {
  const host = new URL(endpoint).hostname.toLowerCase();
  if (LOOPBACK_HOSTS.has(host) || host.endsWith('.localhost')) {
    useDummyCredentials();
    return;
  }
  if (await hasDefaultCredentials(region)) return;
  if (/\.amazonaws\.com(\.cn)?$/.test(host)) {
    throw new StartupError(
      `no AWS credentials found for ${endpoint}: set AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, ` +
        'or run `aws configure`',
    );
  }
  console.warn(`note: no AWS credentials configured; signing requests to ${endpoint} with dummy ones`);
  useDummyCredentials();
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

// createService builds its DynamoDB client with the SDK's default chain, whose first link reads these
// variables; AWS_PROFILE would make it skip them, so it goes too. Only this process (and its children) see this.
function useDummyCredentials(): void {
  process.env.AWS_ACCESS_KEY_ID = DUMMY_CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = DUMMY_CREDENTIALS.secretAccessKey;
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
}
