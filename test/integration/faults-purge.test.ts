import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DynamoRequest } from '../helpers/fault-proxy.js';
import { errorCodeOf, type FaultyService, startFaultyService } from '../helpers/fault-service.js';

let stack: FaultyService;
beforeAll(async () => {
  stack = await startFaultyService({ dynamodbEndpoint: inject('dynamodbEndpoint') });
});
afterEach(() => stack.proxy.clear());
afterAll(() => stack.close());

/** The purge: the queue record's update that starts a new epoch. */
const isPurge = (body: DynamoRequest) => String(body.UpdateExpression ?? '').includes('ADD epoch');

describe('PurgeQueue under DynamoDB faults', () => {
  it.each(['drop-after', 'drop-before', 'fail-500', 'throttle', 'transaction-conflict'] as const)(
    'succeeds and empties the queue when its update meets %s',
    async (fault) => {
      const queue = await stack.createQueue();
      await queue.send('purged');
      const armed = stack.proxy.next({ op: 'UpdateItem', when: isPurge, fault });

      const outcome = await queue.purge().then(
        () => 'ok',
        (error: unknown) => errorCodeOf(error),
      );
      const left = await queue.receive({ maxNumberOfMessages: 10 });

      expect(armed.hasFired()).toBe(true);
      expect(outcome).toBe('ok');
      expect(left).toEqual([]);
    },
  );
});
