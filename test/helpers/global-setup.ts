import type { TestProject } from 'vitest/node';
import { buildConsole } from '../../bin/build-console.js';
import { startDynamoLocal } from './dynamo-local.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Endpoint of the one in-memory, `-sharedDb` DynamoDB Local that every test file shares. */
    dynamodbEndpoint: string;
  }
}

/**
 * Starts one DynamoDB Local for the whole run and stops it by PID afterwards. Each test file gets its
 * own table (see `server.ts`), so sharing one instance costs no isolation and saves a JVM start per file.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // The server serves the console from a generated module: build it from the current source first.
  await buildConsole();
  const dynamo = await startDynamoLocal();
  // Teardown also runs when tests fail; this covers vitest itself exiting early.
  const killOnExit = () => {
    try {
      process.kill(dynamo.pid, 'SIGKILL');
    } catch {
      // Already stopped.
    }
  };
  process.once('exit', killOnExit);
  project.provide('dynamodbEndpoint', dynamo.endpoint);
  return async () => {
    process.off('exit', killOnExit);
    await dynamo.stop();
  };
}
